//! The `newswire` binary as a user runs it.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_newswire");

fn http_get(url: &str) -> Option<String> {
    // A minimal HTTP/1.0 GET, so this test needs no client library.
    let rest = url.strip_prefix("http://")?;
    let (host, path) = rest.split_once('/').map(|(h, p)| (h, format!("/{p}")))?;
    let mut stream = std::net::TcpStream::connect(host).ok()?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").ok()?;
    let mut response = String::new();
    std::io::Read::read_to_string(&mut stream, &mut response).ok()?;
    Some(response)
}

#[test]
fn dev_serves_the_seed_article_and_stops_cleanly_on_sigterm() {
    let mut child = Command::new(BIN)
        .args(["dev", "--port", "0"])
        .env("NEWSWIRE__TELEMETRY__LOG_LEVEL", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let feed_url = loop {
        let line = lines.next().expect("dev printed its URLs").unwrap();
        if let Some(url) = line
            .split_whitespace()
            .find(|w| w.ends_with("/feeds/all.rss"))
        {
            break url.to_string();
        }
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let feed = http_get(&feed_url).unwrap_or_default();
        if feed.contains("Lukashenko attends CSTO summit in Astana") {
            assert!(
                feed.contains("content-type: application/rss+xml; charset=utf-8"),
                "{feed}"
            );
            break;
        }
        assert!(
            Instant::now() < deadline,
            "seed article not in the feed within seconds:\n{feed}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    let stopped_at = Instant::now();
    // SAFETY: plain kill(2) on our own child's pid.
    unsafe { libc_kill(child.id() as i32, 15) };
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            stopped_at.elapsed() < Duration::from_secs(20),
            "dev did not stop within 20 s of SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "exit status {status:?}");
}

extern "C" {
    #[link_name = "kill"]
    fn libc_kill(pid: i32, sig: i32) -> i32;
}

#[test]
fn enrich_and_render_report_bad_lines_and_still_produce_output() {
    let input = concat!(
        r#"{"id":"a","version":1,"status":"usable","headline":"Alpha <b>","body":"<p>x<script>y</script></p>","first_created":"2024-11-28T08:00:00Z","version_created":"2024-11-28T08:00:00Z"}"#,
        "\nthis is not json\n"
    );
    let run = |args: &[&str], stdin: &[u8]| {
        let mut child = Command::new(BIN)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(stdin).unwrap();
        child.wait_with_output().unwrap()
    };
    let enriched = run(&["enrich"], input.as_bytes());
    assert!(!enriched.status.success());
    assert!(String::from_utf8_lossy(&enriched.stderr).contains("line 2:"));
    assert_eq!(String::from_utf8_lossy(&enriched.stdout).lines().count(), 1);

    let rendered = run(
        &["render", "--format", "rss", "--now", "2024-11-28T09:00:00Z"],
        &[&enriched.stdout[..], b"{}\n"].concat(),
    );
    assert!(
        !rendered.status.success(),
        "a bad line gives a non-zero exit"
    );
    assert!(String::from_utf8_lossy(&rendered.stderr).contains("line 2:"));
    let feed = String::from_utf8(rendered.stdout).unwrap();
    // A headline is plain text: what an HTML reader would take for a tag is dropped.
    assert!(feed.contains("<title>Alpha"), "{feed}");
    assert!(!feed.contains("&lt;b") && !feed.contains("<b>"), "{feed}");
    assert!(!feed.contains("<script"));
}

#[test]
fn deadletter_list_show_and_replay_as_an_operator_runs_them() {
    use newswire_shared::kafka::deadletter::headers;
    use newswire_shared::kafka::{
        dead_letter_record, DeadLetterKind, EmbeddedBroker, Rejection, TopicSpec,
    };
    use rdkafka::consumer::{BaseConsumer, Consumer};
    use rdkafka::message::{Header, Headers, Message, OwnedHeaders, OwnedMessage};
    use rdkafka::producer::{BaseProducer, BaseRecord, Producer};
    use rdkafka::{ClientConfig, Offset, Timestamp, TopicPartitionList};

    let broker = EmbeddedBroker::start(1).unwrap();
    let topics = newswire_shared::config::Topics::default();
    broker.create_topics(&TopicSpec::all(&topics, 1)).unwrap();
    let producer: BaseProducer = ClientConfig::new()
        .set("bootstrap.servers", broker.bootstrap_servers())
        .create()
        .unwrap();
    // Two events a stage set aside, as it writes them.
    for (id, kind) in [
        ("too-big", DeadLetterKind::TooLarge),
        ("broken", DeadLetterKind::Invalid),
    ] {
        let original = OwnedMessage::new(
            Some(format!("{{\"id\":\"{id}\"}}").into_bytes()),
            Some(id.as_bytes().to_vec()),
            topics.published.clone(),
            Timestamp::NotAvailable,
            0,
            7,
            Some(OwnedHeaders::new().insert(Header {
                key: "ce_id",
                value: Some("x:1"),
            })),
        );
        let why = Rejection {
            kind,
            field: (kind == DeadLetterKind::Invalid).then(|| "headline".to_string()),
            message: format!("{kind} for the test"),
        };
        let record = dead_letter_record(&original, &topics.deadletter, "enricher", &why);
        producer
            .send(
                BaseRecord::to(&record.topic)
                    .key(record.key.as_deref().unwrap())
                    .payload(record.payload.as_deref().unwrap())
                    .headers(record.headers.clone()),
            )
            .unwrap();
    }
    producer.flush(Duration::from_secs(10)).unwrap();

    let run = |args: &[&str]| {
        let out = Command::new(BIN)
            .args(args)
            .env("NEWSWIRE__KAFKA__BROKERS", broker.bootstrap_servers())
            .env("NEWSWIRE__TELEMETRY__LOG_LEVEL", "error")
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, list, _) = run(&["deadletter", "list"]);
    assert!(ok);
    assert!(
        list.starts_with("LOCATOR\tTIME\tSTAGE\tKIND\tORIGIN"),
        "{list}"
    );
    let too_big = list.lines().find(|l| l.contains("too-big")).expect(&list);
    assert!(
        too_big.starts_with("0:0\t")
            && too_big.contains("\tenricher\ttoo_large\tarticles.published/0@7\t"),
        "{too_big}"
    );
    let (ok, only_invalid, _) = run(&["deadletter", "list", "--kind", "invalid"]);
    assert!(
        ok && only_invalid.contains("broken") && !only_invalid.contains("too-big"),
        "{only_invalid}"
    );
    let (ok, _, err) = run(&["deadletter", "list", "--kind", "bogus"]);
    assert!(
        !ok && err.contains("--kind \"bogus\": expected one of undecodable, invalid"),
        "{err}"
    );

    let (ok, show, _) = run(&["deadletter", "show", "0:1"]);
    assert!(ok);
    assert!(
        show.contains("header dlq_field: headline") && show.contains("{\"id\":\"broken\"}"),
        "{show}"
    );

    let (ok, _, err) = run(&["deadletter", "replay"]);
    assert!(!ok && err.contains("needs a selection"), "{err}");
    let (ok, dry, _) = run(&["deadletter", "replay", "--only", "0:0", "--dry-run"]);
    assert!(
        ok && dry.contains("0:0 would go back to articles.published (replay 1)"),
        "{dry}"
    );
    let (ok, replayed, _) = run(&["deadletter", "replay", "--only", "0:0"]);
    assert!(
        ok && replayed.contains("0:0 went back to articles.published (replay 1)"),
        "{replayed}"
    );

    // Back in its origin topic: original key, bytes and headers, the replay counted, no
    // dlq_* left.
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", broker.bootstrap_servers())
        .set("group.id", "cli-test")
        .create()
        .unwrap();
    let mut tpl = TopicPartitionList::new();
    tpl.add_partition_offset(&topics.published, 0, Offset::Beginning)
        .unwrap();
    consumer.assign(&tpl).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let back = loop {
        if let Some(Ok(m)) = consumer.poll(Duration::from_millis(200)) {
            break m.detach();
        }
        assert!(Instant::now() < deadline, "nothing replayed");
    };
    assert_eq!(back.key(), Some(&b"too-big"[..]));
    assert_eq!(back.payload(), Some(&b"{\"id\":\"too-big\"}"[..]));
    let names: Vec<(String, String)> = back
        .headers()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h.key.to_string(),
                String::from_utf8_lossy(h.value.unwrap()).into_owned(),
            )
        })
        .collect();
    assert!(names.contains(&("ce_id".into(), "x:1".into())), "{names:?}");
    assert!(
        names.contains(&(headers::REPLAYS.into(), "1".into())),
        "{names:?}"
    );
    assert!(
        !names
            .iter()
            .any(|(k, _)| k.starts_with("dlq_") && k != headers::REPLAYS),
        "{names:?}"
    );
}
