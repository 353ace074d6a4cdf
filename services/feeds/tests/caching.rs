//! HTTP caching as subscribers rely on it: a conditional GET never yields `304` for
//! content the client has not seen and always yields it when the client's validators
//! identify what it holds (RFC 9110 §13.1); content coding by RFC 9110 §12.5.3 on the
//! `Accept-Encoding` values real clients send.

mod support;

use chrono::{DateTime, Utc};
use newswire_feeds::{negotiate, Encoding};
use proptest::prelude::*;
use std::io::Read;
use std::time::{Duration, Instant};
use support::{article, start_with, Server};

/// How a client revalidates.
#[derive(Debug, Clone, Copy)]
enum Validators {
    IfNoneMatch,
    IfModifiedSince,
    Both,
    Neither,
}

#[derive(Debug, Clone)]
enum Step {
    /// A new version of the story, with text never shown before.
    Change,
    /// A new version whose feed bytes are those of an earlier one.
    Revert,
    /// Wait, then poll.
    Poll {
        after_ms: u64,
        validators: Validators,
        gzip: bool,
    },
}

fn step() -> impl Strategy<Value = Step> {
    let validators = prop_oneof![
        Just(Validators::IfNoneMatch),
        Just(Validators::IfModifiedSince),
        Just(Validators::Both),
        Just(Validators::Neither),
    ];
    // Mostly within the same second as the change before; now and then long enough for
    // a date to settle.
    let after = prop_oneof![8 => 0u64..40, 2 => 600u64..1300];
    prop_oneof![
        3 => Just(Step::Change),
        1 => Just(Step::Revert),
        8 => (after, validators, any::<bool>()).prop_map(|(after_ms, validators, gzip)| Step::Poll { after_ms, validators, gzip }),
    ]
}

/// What the client holds from its last 200.
struct Held {
    body: Vec<u8>,
    etag: String,
    last_modified: String,
    /// The `Date` of the response it came with, in Unix seconds.
    date: i64,
}

fn header(r: &reqwest::Response, name: &str) -> String {
    r.headers()[name].to_str().unwrap().to_string()
}

fn seconds(http_date: &str) -> i64 {
    httpdate::parse_http_date(http_date)
        .unwrap()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

async fn decoded(r: reqwest::Response) -> Vec<u8> {
    let gzip = r
        .headers()
        .get("content-encoding")
        .is_some_and(|v| v == "gzip");
    let bytes = r.bytes().await.unwrap().to_vec();
    if !gzip {
        return bytes;
    }
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(&bytes[..])
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// Runs `steps` against a fresh service and checks every poll's answer.
async fn run(steps: Vec<Step>) -> Result<(), TestCaseError> {
    let s: Server = start_with(|_| {}).await;
    let url = format!("{}/feeds/all.rss", s.base);
    let client = reqwest::Client::builder().no_gzip().build().unwrap();
    let w = s.feeds.writer();
    let mut version = 1;
    // Every version's text so far, so a revert can bring one back exactly.
    let mut shown: Vec<(String, DateTime<Utc>)> = Vec::new();
    let publish = |text: String, at: DateTime<Utc>, version: u64| {
        let mut a = article("story", version, &text, "<p>Body</p>");
        a.first_created = "2024-11-28T08:00:00Z".parse().unwrap();
        a.version_created = at;
        w.apply(a);
    };
    let first = Utc::now();
    publish("initial".into(), first, version);
    shown.push(("initial".into(), first));
    // The current document, and when we first saw it served (the renderer made it
    // before that).
    let mut current: Vec<u8>;
    let mut seen_at = Utc::now();
    let mut changed = false;
    let mut held: Option<Held> = None;
    // The title and last change of the version the feed must show next.
    let mut waiting_for = ("initial".to_string(), first);
    for (n, step) in steps.into_iter().enumerate() {
        match step {
            Step::Change | Step::Revert => {
                version += 1;
                let (text, at) = match step {
                    Step::Revert if shown.len() > 1 => shown[n % (shown.len() - 1)].clone(),
                    _ => (format!("change {n}"), Utc::now()),
                };
                publish(text.clone(), at, version);
                shown.push((text.clone(), at));
                waiting_for = (text, at);
                changed = true;
            }
            Step::Poll {
                after_ms,
                validators,
                gzip,
            } => {
                // What is current: the last change, once the renderer has served it.
                let started = Instant::now();
                loop {
                    let body = body_of(&client, &url).await;
                    let text = String::from_utf8_lossy(&body);
                    let (title, at) = &waiting_for;
                    let has = text.contains(&format!("<title>{title}</title>"))
                        && text
                            .contains(&format!("<atom:updated>{}</atom:updated>", at.to_rfc3339()));
                    if has {
                        // A change makes a new representation even when it restores
                        // earlier bytes: its date is new.
                        if std::mem::take(&mut changed) {
                            seen_at = Utc::now();
                        }
                        current = body;
                        break;
                    }
                    prop_assert!(
                        started.elapsed() < Duration::from_secs(2),
                        "the change was never served"
                    );
                    tokio::time::sleep(Duration::from_millis(2)).await;
                }
                tokio::time::sleep(Duration::from_millis(after_ms)).await;
                let mut request = client.get(&url);
                if gzip {
                    request = request.header("accept-encoding", "gzip");
                }
                if let Some(h) = &held {
                    if matches!(validators, Validators::IfNoneMatch | Validators::Both) {
                        request = request.header("if-none-match", &h.etag);
                    }
                    if matches!(validators, Validators::IfModifiedSince | Validators::Both) {
                        request = request.header("if-modified-since", &h.last_modified);
                    }
                }
                let r = request.send().await.unwrap();
                let status = r.status().as_u16();
                let has_current = held.as_ref().is_some_and(|h| h.body == current);
                if status == 304 {
                    prop_assert!(
                        has_current,
                        "304 for content the client has not seen (step {n}, {validators:?})"
                    );
                    continue;
                }
                prop_assert_eq!(status, 200);
                if let Some(h) = held.as_ref().filter(|_| has_current) {
                    match validators {
                        Validators::IfNoneMatch | Validators::Both => {
                            prop_assert!(false, "200 for the content the client holds, named by its ETag (step {n})")
                        }
                        // The date it holds was sent once the clock had passed the second
                        // the content was made in: then it identifies the content.
                        Validators::IfModifiedSince => prop_assert!(
                            h.date < seen_at.timestamp() + 1,
                            "200 for held content validated by a settled date (step {n})"
                        ),
                        Validators::Neither => {}
                    }
                }
                let date = seconds(&header(&r, "date"));
                let (etag, last_modified) = (header(&r, "etag"), header(&r, "last-modified"));
                prop_assert!(seconds(&last_modified) <= date, "Last-Modified after Date");
                let body = decoded(r).await;
                held = Some(Held {
                    body,
                    etag,
                    last_modified,
                    date,
                });
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10, max_shrink_iters: 20, ..ProptestConfig::default() })]

    /// Random sequences of changes (several within a second, some restoring earlier
    /// bytes) and polls with `If-None-Match`, `If-Modified-Since`, both and neither.
    #[test]
    fn a_304_is_never_sent_for_unseen_content_and_always_for_held_content(
        steps in proptest::collection::vec(step(), 4..20)
    ) {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        rt.block_on(run(steps))?;
    }
}

/// The change the issue reported: a poll, then a change within the same second; the
/// date the client holds must not validate the changed feed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_within_the_second_of_a_poll_is_never_hidden_by_its_date() {
    let s = start_with(|_| {}).await;
    let url = format!("{}/feeds/all.rss", s.base);
    let w = s.feeds.writer();
    for trial in 0..20 {
        w.apply(article(
            &format!("t{trial}"),
            1,
            &format!("Trial {trial}"),
            "<p>x</p>",
        ));
        let r = loop {
            let r = reqwest::get(&url).await.unwrap();
            let lm = header(&r, "last-modified");
            let body = r.text().await.unwrap();
            if body.contains(&format!("Trial {trial}<")) {
                break lm;
            }
        };
        let mut kill = article(
            &format!("t{trial}"),
            2,
            &format!("Trial {trial}"),
            "<p>x</p>",
        );
        kill.status = newswire_shared::article::Status::Canceled;
        w.apply(kill);
        loop {
            let fresh = reqwest::get(&url).await.unwrap().text().await.unwrap();
            if !fresh.contains(&format!("Trial {trial}<")) {
                break;
            }
        }
        let again = reqwest::Client::new()
            .get(&url)
            .header("if-modified-since", &r)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 200, "trial {trial}: a kill hidden by a 304");
    }
}

/// What `url` answers `client` with, as sent (the client decodes nothing it was not
/// built to).
async fn body_of(client: &reqwest::Client, url: &str) -> Vec<u8> {
    let answer = client.get(url).send().await.unwrap();
    answer.bytes().await.unwrap().to_vec()
}

/// The cases of `fixtures/accept-encoding.txt`: `Accept-Encoding` as clients send it
/// and the edge cases RFC 9110 §12.5.3 defines, each with the coding it must get
/// (`None`: identity).
fn accept_encoding_cases() -> Vec<(&'static str, Option<&'static str>)> {
    let cases: Vec<_> = include_str!("fixtures/accept-encoding.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (accept, coding) = l.split_once("=>").expect("HEADER => CODING");
            let coding = coding.trim();
            (accept.trim(), (coding != "identity").then_some(coding))
        })
        .collect();
    assert!(
        !cases.is_empty(),
        "no cases in fixtures/accept-encoding.txt"
    );
    cases
}

#[test]
fn codings_are_negotiated_as_rfc_9110_says() {
    for (accept, want) in &accept_encoding_cases() {
        let got = negotiate(Some(accept)).expect(accept);
        let label = match got {
            Encoding::Identity => None,
            Encoding::Gzip => Some("gzip"),
            Encoding::XGzip => Some("x-gzip"),
            Encoding::Brotli => Some("br"),
        };
        assert_eq!(label, *want, "Accept-Encoding: {accept}");
    }
    assert_eq!(negotiate(None), Some(Encoding::Identity));
    // Nothing acceptable: identity refused and no coding we have named.
    for refused in [
        "identity;q=0",
        "*;q=0",
        "identity;q=0, deflate",
        "*;q=0, zstd",
    ] {
        assert_eq!(negotiate(Some(refused)), None, "{refused}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_real_world_accept_encoding_gets_the_same_feed() {
    let s = start_with(|_| {}).await;
    s.feeds.writer().apply(article(
        "a",
        1,
        "Story",
        &"<p>Long enough to compress.</p>".repeat(50),
    ));
    let url = format!("{}/feeds/all.atom", s.base);
    let client = reqwest::Client::builder()
        .no_gzip()
        .no_brotli()
        .build()
        .unwrap();
    let identity = loop {
        let body = body_of(&client, &url).await;
        if String::from_utf8_lossy(&body).contains("Story") {
            break body;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    // The compressor follows a change within a moment.
    tokio::time::sleep(Duration::from_millis(300)).await;
    for (accept, want) in &accept_encoding_cases() {
        let r = client
            .get(&url)
            .header("accept-encoding", *accept)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{accept}");
        let coding = r
            .headers()
            .get("content-encoding")
            .map(|v| v.to_str().unwrap().to_string());
        assert_eq!(coding.as_deref(), *want, "Accept-Encoding: {accept}");
        assert_eq!(r.headers()["vary"], "Accept-Encoding");
        let bytes = r.bytes().await.unwrap();
        let mut body = Vec::new();
        match coding.as_deref() {
            None => body = bytes.to_vec(),
            Some("gzip" | "x-gzip") => {
                flate2::read::GzDecoder::new(&bytes[..])
                    .read_to_end(&mut body)
                    .unwrap();
            }
            Some("br") => {
                brotli::Decompressor::new(&bytes[..], 4096)
                    .read_to_end(&mut body)
                    .unwrap();
            }
            Some(other) => panic!("{other}"),
        }
        assert_eq!(body, identity, "{accept}");
    }
    for refused in ["identity;q=0", "*;q=0"] {
        let r = client
            .get(&url)
            .header("accept-encoding", refused)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 406, "{refused}");
    }
}
