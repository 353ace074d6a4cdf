//! The delivery ledger across a restart and a move to another replica, on Apache Kafka:
//! a kill after delivery reaches exactly the subscribers that had the story, nothing
//! delivered before is sent again, and what was delivered is in the ledger topic.

mod support;

use newswire_shared::config::Format;
use newswire_shared::kafka::replay_topic;
use std::collections::BTreeSet;
use std::time::Duration;
use support::*;

fn accepted(r: &Receiver) -> BTreeSet<(String, u64)> {
    let got = r.accepted();
    let set: BTreeSet<(String, u64)> = got
        .iter()
        .map(|q| (q.story.clone().unwrap(), q.version()))
        .collect();
    assert_eq!(
        set.len(),
        got.len(),
        "a version was accepted twice: {got:?}"
    );
    for q in r.requests() {
        assert!(q.verified, "{q:?}");
    }
    set
}

fn pairs(items: &[(&str, u64)]) -> BTreeSet<(String, u64)> {
    items.iter().map(|(s, v)| (s.to_string(), *v)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kills_after_a_restart_and_on_another_replica_reach_exactly_who_had_the_story() {
    let broker = Broker::start();
    if !broker.real_or_skip(
        "kills_after_a_restart_and_on_another_replica_reach_exactly_who_had_the_story",
    ) {
        return;
    }
    let mut settings = delivery_settings(&broker, "ledger").await;
    let (s_sport, s_econ) = (secret(11), secret(12));
    let Some([sport, econ]) = webhook_desks(
        &mut settings,
        [
            ("sport-desk", &["section/sport"], Format::Ninjs, &[&s_sport]),
            (
                "economy-desk",
                &["section/economy"],
                Format::Ninjs,
                &[&s_econ],
            ),
        ],
    ) else {
        return;
    };
    let kafka = Producer::new(&settings);
    let first = Running::start(&settings).await;
    for (id, section) in [
        ("final", "sport"),
        ("derby", "sport"),
        ("rates", "economy"),
        ("tariffs", "economy"),
    ] {
        kafka.send_version(id, 1, "usable", section).await;
    }
    sport
        .until(Duration::from_secs(30), "sport v1s", |r| r.len() >= 2)
        .await;
    econ.until(Duration::from_secs(30), "economy v1s", |r| r.len() >= 2)
        .await;
    first.stop().await;

    // The same instance again: reads its ledger, resends nothing, kills go to who had.
    let second = Running::start(&settings).await;
    kafka.send_version("final", 2, "canceled", "economy").await;
    kafka.send_version("rates", 2, "canceled", "sport").await;
    sport
        .until(Duration::from_secs(30), "the kill of final", |r| {
            r.len() >= 3
        })
        .await;
    econ.until(Duration::from_secs(30), "the kill of rates", |r| {
        r.len() >= 3
    })
    .await;
    second.stop().await;

    // Another replica (another instance id) takes the partitions over.
    settings.kafka.instance_id = Some(format!("{}-b", settings.kafka.instance_id.clone().unwrap()));
    let replica = Running::start(&settings).await;
    kafka.send_version("derby", 2, "withheld", "sport").await;
    kafka
        .send_version("tariffs", 2, "canceled", "economy")
        .await;
    // A story neither had: its kill goes to no one.
    kafka
        .send_version("never-sent", 1, "canceled", "sport")
        .await;
    sport
        .until(Duration::from_secs(60), "the withholding of derby", |r| {
            r.len() >= 4
        })
        .await;
    econ.until(Duration::from_secs(60), "the kill of tariffs", |r| {
        r.len() >= 4
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    replica.stop().await;

    assert_eq!(
        accepted(&sport),
        pairs(&[("final", 1), ("derby", 1), ("final", 2), ("derby", 2)])
    );
    assert_eq!(
        accepted(&econ),
        pairs(&[("rates", 1), ("tariffs", 1), ("rates", 2), ("tariffs", 2)])
    );
    // Nothing was even attempted twice: no restart re-sent what the ledger had.
    assert_eq!(sport.requests().len(), 4);
    assert_eq!(econ.requests().len(), 4);

    // The ledger says the same.
    let mut ledger = BTreeSet::new();
    replay_topic(
        &settings.kafka,
        &settings.topics.ledger,
        "ledger-check",
        Duration::from_secs(20),
        |m| {
            use rdkafka::Message;
            let key = String::from_utf8(m.key().unwrap().to_vec()).unwrap();
            let entry: serde_json::Value = serde_json::from_slice(m.payload().unwrap()).unwrap();
            ledger.insert((key, entry["version"].as_u64().unwrap()));
        },
    )
    .unwrap();
    let latest: BTreeSet<(String, u64)> = ledger
        .iter()
        .filter(|(k, v)| !ledger.iter().any(|(k2, v2)| k2 == k && v2 > v))
        .cloned()
        .collect();
    assert_eq!(
        latest,
        [
            ("sport-desk/webhook/final", 2),
            ("sport-desk/webhook/derby", 2),
            ("economy-desk/webhook/rates", 2),
            ("economy-desk/webhook/tariffs", 2),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), *v))
        .collect()
    );
}
