//! Webhooks end to end: enriched versions on Kafka → the delivery service → receivers
//! that verify every request with the Standard Webhooks reference library.

mod support;

use newswire_shared::config::Format;
use newswire_shared::testing::json_as;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;
use support::*;

/// The accepted `(story, version, status)` per receiver, and a check that every request
/// verified and that each webhook-id was accepted once, in version order per story.
fn settled(r: &Receiver) -> BTreeSet<(String, u64, String)> {
    let all = r.requests();
    for q in &all {
        assert!(q.verified, "a request failed the reference check: {q:?}");
    }
    let accepted: Vec<&Received> = all.iter().filter(|q| q.accepted()).collect();
    let mut ids = BTreeSet::new();
    let mut last: BTreeMap<String, u64> = BTreeMap::new();
    for q in &accepted {
        let id = q.id.clone().unwrap();
        assert!(ids.insert(id.clone()), "{id} accepted twice");
        let story = q.story.clone().unwrap();
        let before = last.insert(story.clone(), q.version()).unwrap_or(0);
        assert!(
            before < q.version(),
            "{story}: v{} after v{before}",
            q.version()
        );
        assert_eq!(
            id,
            format!("{story}:{}", q.version()),
            "webhook-id names story and version"
        );
    }
    accepted
        .iter()
        .map(|q| {
            (
                q.story.clone().unwrap(),
                q.version(),
                q.status.clone().unwrap(),
            )
        })
        .collect()
}

fn set(items: &[(&str, u64, &str)]) -> BTreeSet<(String, u64, String)> {
    items
        .iter()
        .map(|(s, v, st)| (s.to_string(), *v, st.to_string()))
        .collect()
}

/// Every version, correction and kill arrives once per webhook-id, signed, in order per
/// story; each subscriber gets what its entitlement admits; a kill and a correction go
/// to exactly the subscribers that had the story; an embargoed story arrives when its
/// embargo passes; two secrets during a rotation both sign.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn signed_versions_corrections_and_kills_reach_exactly_whom_they_should() {
    let broker = Broker::start();
    let mut settings = delivery_settings(&broker, "webhooks").await;
    let (s_sport, s_all, s_econ) = (secret(1), secret(2), secret(3));
    let old_all = secret(4);
    let Some([sport, all, econ]) = webhook_desks(
        &mut settings,
        [
            ("sport-desk", &["section/sport"], Format::Ninjs, &[&s_sport]),
            // Rotation: the old secret and the new both sign; the receiver knows only the new.
            ("everything", &["*"], Format::Newsml, &[&old_all, &s_all]),
            (
                "economy-desk",
                &["section/economy"],
                Format::Article,
                &[&s_econ],
            ),
        ],
    ) else {
        return;
    };
    settings.delivery.admin_keys = vec!["operator-key-0123456789".into()];
    let delivery = Running::start(&settings).await;
    let kafka = Producer::new(&settings);
    let embargo = (chrono::Utc::now() + chrono::Duration::seconds(4)).to_rfc3339();
    let match_trace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    kafka
        .send_traced(
            &enriched("match", 1, "usable", "sport", json!({})),
            Some(match_trace),
        )
        .await;
    kafka.send_version("budget", 1, "usable", "economy").await;
    let embargoed = json!({ "embargo_until": embargo });
    kafka
        .send(&enriched("cup-draw", 1, "usable", "sport", embargoed))
        .await;
    kafka.send_version("scandal", 1, "usable", "politics").await;
    // Everyone has had what was theirs before anything is corrected or killed.
    sport
        .until(Duration::from_secs(30), "sport v1", |r| {
            r.iter().any(|q| q.story.as_deref() == Some("match"))
        })
        .await;
    all.until(Duration::from_secs(30), "all v1", |r| r.len() >= 3)
        .await;
    econ.until(Duration::from_secs(30), "economy v1", |r| {
        r.iter().any(|q| q.story.as_deref() == Some("budget"))
    })
    .await;
    assert!(
        !sport
            .accepted()
            .iter()
            .any(|q| q.story.as_deref() == Some("cup-draw")),
        "the embargoed story arrived before its embargo"
    );
    // A correction that moves the match report to economy: still the sport desk's (it
    // had the story), and the economy desk's too (its entitlement admits it now).
    kafka
        .send(&enriched(
            "match",
            2,
            "usable",
            "economy",
            json!({"signals": ["correction"]}),
        ))
        .await;
    // The correction reaches everyone it is for before the kill: a kill sent while the
    // correction still waits in a queue replaces it there (the queue's rule, shown in
    // `isolation.rs`), and this test is about who gets each, not about that race.
    for (r, who) in [(&sport, "sport"), (&all, "all"), (&econ, "economy")] {
        r.until(
            Duration::from_secs(30),
            &format!("{who}: match v2"),
            |got| {
                got.iter()
                    .any(|q| q.story.as_deref() == Some("match") && q.version() == 2)
            },
        )
        .await;
    }
    kafka.send_version("match", 3, "canceled", "economy").await;
    kafka.send_version("budget", 2, "canceled", "economy").await;
    kafka
        .send_version("scandal", 2, "withheld", "politics")
        .await;

    let want_sport = set(&[
        ("match", 1, "usable"),
        ("match", 2, "usable"),
        ("match", 3, "canceled"),
        ("cup-draw", 1, "usable"),
    ]);
    let want_all = set(&[
        ("match", 1, "usable"),
        ("match", 2, "usable"),
        ("match", 3, "canceled"),
        ("budget", 1, "usable"),
        ("budget", 2, "canceled"),
        ("cup-draw", 1, "usable"),
        ("scandal", 1, "usable"),
        ("scandal", 2, "withheld"),
    ]);
    let want_econ = set(&[
        ("budget", 1, "usable"),
        ("budget", 2, "canceled"),
        ("match", 2, "usable"),
        ("match", 3, "canceled"),
    ]);
    for (r, want) in [
        (&sport, &want_sport),
        (&all, &want_all),
        (&econ, &want_econ),
    ] {
        r.until(Duration::from_secs(30), "every expected version", |got| {
            got.len() >= want.len()
        })
        .await;
    }
    // Nothing more arrives later (a duplicate, a stray kill).
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(settled(&sport), want_sport);
    assert_eq!(settled(&all), want_all);
    assert_eq!(settled(&econ), want_econ);
    let cup = sport
        .accepted()
        .into_iter()
        .find(|q| q.story.as_deref() == Some("cup-draw"))
        .unwrap();
    assert!(
        cup.arrived
            >= chrono::DateTime::parse_from_rfc3339(&embargo)
                .unwrap()
                .timestamp_millis() as f64
                / 1e3
    );
    // The story's trace goes on to the receivers, each delivery a span of its own.
    let match_v1: Vec<String> = [&sport, &all]
        .iter()
        .flat_map(|r| r.accepted())
        .filter(|q| q.id.as_deref() == Some("match:1"))
        .map(|q| {
            q.traceparent
                .expect("a traced version's request has a traceparent")
        })
        .collect();
    assert_eq!(match_v1.len(), 2);
    for t in &match_v1 {
        let parsed = newswire_shared::trace::TraceParent::parse(t).unwrap();
        let ours = newswire_shared::trace::TraceParent::parse(match_trace).unwrap();
        assert_eq!(parsed.trace_id, ours.trace_id, "{t}");
        assert_ne!(parsed.parent_id, ours.parent_id, "{t}: delivery's own span");
    }
    assert_ne!(match_v1[0], match_v1[1], "one span per destination");
    for q in all.accepted() {
        assert_eq!(q.signatures, 2, "both secrets sign during a rotation");
        assert!(q
            .content_type
            .as_deref()
            .unwrap()
            .starts_with("application/vnd.iptc.g2."));
        assert!(q.body.contains("<newsItem"), "{}", q.body);
    }
    for q in sport.accepted() {
        let ninjs: serde_json::Value = serde_json::from_str(&q.body).unwrap();
        assert_eq!(
            ninjs["uri"],
            format!("urn:newswire:article:{}", q.story.as_deref().unwrap())
        );
        assert_eq!(ninjs["pubStatus"], q.status.as_deref().unwrap());
    }
    for q in econ.accepted() {
        let article: serde_json::Value = serde_json::from_str(&q.body).unwrap();
        assert_eq!(article["version"].as_u64(), Some(q.version()));
    }

    // What each destination got, as the admin API tells an operator.
    let http = reqwest::Client::new();
    let unauthorised = http
        .get(format!("{}/v1/subscribers", delivery.base))
        .send()
        .await
        .unwrap();
    assert_eq!(unauthorised.status(), 401);
    let view = json_as(
        http.get(format!("{}/v1/subscribers?story=match", delivery.base)),
        "operator-key-0123456789",
    )
    .await;
    let got = |name: &str| {
        let s = view["subscribers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == name)
            .unwrap();
        let d = &s["destinations"][0];
        assert_eq!(d["state"], "delivering", "{d}");
        assert_eq!(d["queue_depth"], 0, "{d}");
        d["story"]["received"]["version"].as_u64()
    };
    assert_eq!(got("sport-desk"), Some(3));
    assert_eq!(got("economy-desk"), Some(3));
    assert_eq!(got("everything"), Some(3));

    // And as /metrics tells it: every accepted version was timed, per destination.
    let scrape = reqwest::get(format!("{}/metrics", delivery.base)).await;
    let metrics = scrape.unwrap().text().await.unwrap();
    let has = |line: &str| metrics.contains(line);
    let delivered: Vec<(&str, &str)> = metrics
        .lines()
        .filter_map(|l| l.strip_prefix("newswire_delivery_delivered_total"))
        .filter_map(|l| l.rsplit_once(' '))
        .collect();
    assert_eq!(delivered.len(), 3, "{metrics}");
    for (labels, n) in delivered {
        assert!(n.parse::<u64>().unwrap() > 0, "{labels}");
        let count = format!("newswire_delivery_latency_seconds_count{labels} {n}\n");
        let open = labels.trim_end_matches('}');
        let inf = format!("newswire_delivery_latency_seconds_bucket{open},le=\"+Inf\"}} {n}\n");
        assert!(has(&count) && has(&inf), "{count}{inf} in {metrics}");
    }
    assert!(
        has("# TYPE newswire_transaction_seconds histogram"),
        "{metrics}"
    );
    delivery.stop().await;
}
