//! A receiver that answers 500 for two minutes (`NEWSWIRE_TEST_OUTAGE_SECS`, default
//! 120, the figure) then recovers gets everything, in order per story, each
//! webhook-id accepted once — while another subscriber's p99 latency does not move.

mod support;

use newswire_shared::config::Format;
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};
use support::*;

fn now_secs() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

fn p99(mut v: Vec<f64>) -> f64 {
    assert!(!v.is_empty());
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[((v.len() as f64) * 0.99).ceil() as usize - 1]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_receiver_down_for_minutes_gets_everything_in_order_and_delays_no_one_else() {
    let outage: f64 = std::env::var("NEWSWIRE_TEST_OUTAGE_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(120.0);
    let warm = 10.0;
    let broker = Broker::start();
    let mut settings = delivery_settings(&broker, "isolation").await;
    let (s_down, s_up) = (secret(21), secret(22));
    let start = now_secs();
    let (fail_from, fail_until) = (start + warm + 2.0, start + warm + 2.0 + outage);
    let Some(down) = Receiver::start(&s_down, Some((fail_from, fail_until))) else {
        return;
    };
    let Some(up) = Receiver::start(&s_up, None) else {
        return;
    };
    settings.delivery.subscribers = vec![
        webhook_subscriber("down-desk", &["*"], &down.url, Format::Ninjs, &[&s_down]),
        webhook_subscriber("up-desk", &["*"], &up.url, Format::Ninjs, &[&s_up]),
    ];
    let delivery = Running::start(&settings).await;
    let kafka = Producer::new(&settings);

    // Ten stories a second until the outage is over, each updated a second after it
    // first ran; when each version was written, to measure latency.
    let mut sent: HashMap<(String, u64), f64> = HashMap::new();
    let mut n = 0u64;
    let started = Instant::now();
    let total = warm + 2.0 + outage + 2.0;
    while started.elapsed().as_secs_f64() < total {
        let id = format!("story-{n}");
        sent.insert((id.clone(), 1), now_secs());
        kafka.send_version(&id, 1, "usable", "world").await;
        if n >= 10 {
            let old = format!("story-{}", n - 10);
            sent.insert((old.clone(), 2), now_secs());
            kafka
                .send(&enriched(
                    &old,
                    2,
                    "usable",
                    "world",
                    json!({"signals": ["update"]}),
                ))
                .await;
        }
        n += 1;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The last ten stories' updates, paced as the others were: a second after each first
    // ran. Sent at once, an update could supersede its story's first version before
    // even the healthy receiver had it (as it should), and "each version once" would
    // depend on the machine's speed.
    for i in n.saturating_sub(10)..n {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let id = format!("story-{i}");
        sent.insert((id.clone(), 2), now_secs());
        kafka.send_version(&id, 2, "usable", "world").await;
    }
    let stories = n as usize;

    // The recovered receiver ends with the last version of every story.
    let got = down
        .until(
            Duration::from_secs(120),
            "the recovered receiver catching up",
            |r| {
                let mut last: HashMap<&str, u64> = HashMap::new();
                for q in r {
                    let e = last.entry(q.story.as_deref().unwrap()).or_default();
                    *e = (*e).max(q.version());
                }
                last.len() == stories && last.values().all(|&v| v == 2)
            },
        )
        .await;
    up.until(
        Duration::from_secs(60),
        "every version at the healthy receiver",
        |r| r.len() >= 2 * stories,
    )
    .await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    delivery.stop().await;

    let all_down = down.requests();
    assert!(
        all_down.iter().all(|q| q.verified),
        "every request verified"
    );
    assert!(
        all_down.iter().any(|q| q.answered == 500),
        "the outage was seen"
    );
    // Each webhook-id accepted once, versions of a story in order.
    let mut order: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    let mut ids = std::collections::HashSet::new();
    for q in down.accepted() {
        assert!(
            ids.insert(q.id.clone().unwrap()),
            "{:?} accepted twice",
            q.id
        );
        order
            .entry(q.story.clone().unwrap())
            .or_default()
            .push(q.version());
    }
    for (story, versions) in &order {
        assert!(
            versions.windows(2).all(|w| w[0] < w[1]),
            "{story}: {versions:?}"
        );
    }
    assert!(got.len() >= stories);
    // Versions superseded while the receiver was down were not sent: it got less than
    // everything that was written, and nothing it was not owed.
    assert!(
        down.accepted().len() < 2 * stories,
        "superseded versions were sent"
    );

    // The healthy receiver: latency while the other is down is what it was before.
    let up_all = up.accepted();
    assert!(up_all.iter().all(|q| q.verified));
    assert_eq!(up_all.len(), 2 * stories, "each version once");
    let latency = |from: f64, until: f64| -> Vec<f64> {
        up_all
            .iter()
            .filter_map(|q| {
                let at = *sent.get(&(q.story.clone().unwrap(), q.version()))?;
                (at >= from && at < until).then_some(q.arrived - at)
            })
            .collect()
    };
    let before = p99(latency(start, fail_from));
    let during = p99(latency(fail_from + 1.0, fail_until));
    eprintln!(
        "healthy receiver p99: {:.1} ms before the outage, {:.1} ms during it",
        before * 1e3,
        during * 1e3
    );
    assert!(
        during <= (2.0 * before).max(before + 0.1),
        "the healthy receiver slowed down while the other was down: p99 {:.1} ms before, {:.1} ms during",
        before * 1e3,
        during * 1e3
    );
}
