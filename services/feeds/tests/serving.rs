//! The feeds as subscribers poll them: names and filters, conditional GET, compression,
//! embargo released by the scheduler (never early), kill with tombstone, corrections.

mod support;

use axum::http::StatusCode;
use chrono::{Duration as ChronoDuration, Utc};
use newswire_shared::article::Status;
use newswire_shared::testing::items_listed;
use std::io::Read;
use std::time::{Duration, Instant};
use support::{article, start_with, Server};

async fn start() -> Server {
    start_with(|settings| settings.feeds.hub = Some("https://hub.example.org/".into())).await
}

async fn get(url: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut r = reqwest::Client::new().get(url);
    for (k, v) in headers {
        r = r.header(*k, *v);
    }
    r.send().await.unwrap()
}

async fn body(url: &str) -> String {
    get(url, &[]).await.text().await.unwrap()
}

/// Polls until `check` holds on the body; returns how long it took.
async fn until(url: &str, within: Duration, check: impl Fn(&str) -> bool) -> Duration {
    let started = Instant::now();
    loop {
        if check(&body(url).await) {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < within,
            "{url} did not change within {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn named_feeds_and_filters_in_three_formats() {
    let s = start().await;
    let w = s.feeds.writer();
    let mut ru = article("ru-1", 1, "Бюджет", "<p>Текст</p>");
    ru.section = Some("Economy".into());
    ru.enrichment.as_mut().unwrap().language = "ru".into();
    ru.urgency = 2;
    let mut de = article("de-1", 1, "Bahn", "<p>Text</p>");
    de.section = Some("Transport".into());
    de.enrichment.as_mut().unwrap().language = "de".into();
    de.enrichment.as_mut().unwrap().entities.clear();
    w.apply(ru);
    w.apply(de);
    let has = |b: &str, id: &str| b.contains(&format!("urn:newswire:article:{id}"));
    until(
        &format!("{}/feeds/all.rss", s.base),
        Duration::from_secs(2),
        |b| has(b, "ru-1") && has(b, "de-1"),
    )
    .await;
    for (path, ru_in, de_in) in [
        ("section/economy", true, false),
        ("lang/de", false, true),
        ("urgent", true, false),
        ("entity/geonames:1522867", true, false),
        ("entity/kazakhstan", true, false),
        // Percent-encoded paths and queries mean what they decode to.
        ("entity/kazakh%73tan", true, false),
        ("all.EXT?lang=%64e&section=transport", false, true),
        ("all.EXT?lang=ru&section=transport", false, false),
        ("all.EXT?lang=de&section=transport", false, true),
    ] {
        for ext in ["rss", "atom", "json"] {
            let url = if path.contains("EXT") {
                format!("{}/feeds/{}", s.base, path.replace("EXT", ext))
            } else {
                format!("{}/feeds/{path}.{ext}", s.base)
            };
            let r = get(&url, &[]).await;
            assert_eq!(r.status(), StatusCode::OK, "{url}");
            let b = r.text().await.unwrap();
            assert_eq!((has(&b, "ru-1"), has(&b, "de-1")), (ru_in, de_in), "{url}");
        }
    }
    // HEAD (answered by the router) has GET's headers and no body.
    let url = format!("{}/feeds/all.rss", s.base);
    let full = get(&url, &[]).await;
    let head = reqwest::Client::new().head(&url).send().await.unwrap();
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(head.headers()["etag"], full.headers()["etag"]);
    assert_eq!(
        head.headers()["content-length"],
        full.bytes().await.unwrap().len().to_string().as_str()
    );
    assert!(head.bytes().await.unwrap().is_empty());
    let r = get(&format!("{}/feeds/nonsense.rss", s.base), &[]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = get(&format!("{}/feeds/all.html", s.base), &[]).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let index = body(&format!("{}/", s.base)).await;
    assert!(
        index.contains(r#"<link rel="alternate" type="application/atom+xml""#),
        "{index}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conditional_get_compression_and_headers() {
    let s = start().await;
    s.feeds
        .writer()
        .apply(article("a", 1, "First", "<p>One</p>"));
    let url = format!("{}/feeds/all.rss", s.base);
    until(&url, Duration::from_secs(2), |b| b.contains("First")).await;

    let plain = get(&url, &[]).await;
    assert_eq!(
        plain.headers()["content-type"],
        "application/rss+xml; charset=utf-8"
    );
    assert_eq!(plain.headers()["vary"], "Accept-Encoding");
    assert_eq!(plain.headers()["cache-control"], "public, max-age=60");
    assert!(plain.headers()["link"]
        .to_str()
        .unwrap()
        .contains(r#"<https://hub.example.org/>; rel="hub""#));
    let etag = plain.headers()["etag"].to_str().unwrap().to_string();
    let last_modified = plain.headers()["last-modified"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        etag.starts_with('"') && !etag.starts_with("W/"),
        "strong ETag: {etag}"
    );
    let identity = plain.bytes().await.unwrap();

    // The same content again: same validators; conditional requests get 304.
    let again = get(&url, &[]).await;
    assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
    let r = get(&url, &[("if-none-match", &etag)]).await;
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    assert!(r.bytes().await.unwrap().is_empty());
    // A date validates only once the clock has passed the second the content was
    // made in (a second change within it would share the date): until then the date
    // sent is refused as a validator, after it the date is final and validates.
    let r = get(&url, &[("if-modified-since", &last_modified)]).await;
    if r.status() == StatusCode::OK {
        tokio::time::sleep(Duration::from_millis(1100)).await;
        let fresh = get(&url, &[]).await;
        let settled = fresh.headers()["last-modified"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            httpdate::parse_http_date(&settled).unwrap()
                > httpdate::parse_http_date(&last_modified).unwrap()
        );
        let r = get(&url, &[("if-modified-since", &settled)]).await;
        assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    }
    let r = get(&url, &[("if-none-match", "\"something-else\"")]).await;
    assert_eq!(r.status(), StatusCode::OK);

    // Compressed variants carry the same bytes and their own tags.
    let gz = get(&url, &[("accept-encoding", "gzip")]).await;
    assert_eq!(gz.headers()["content-encoding"], "gzip");
    let gz_tag = gz.headers()["etag"].to_str().unwrap().to_string();
    assert_ne!(gz_tag, etag);
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&gz.bytes().await.unwrap()[..])
        .read_to_end(&mut unzipped)
        .unwrap();
    assert_eq!(unzipped, identity);
    let br = get(&url, &[("accept-encoding", "gzip, deflate, br")]).await;
    assert_eq!(br.headers()["content-encoding"], "br");
    let mut unbrotli = Vec::new();
    brotli::Decompressor::new(&br.bytes().await.unwrap()[..], 4096)
        .read_to_end(&mut unbrotli)
        .unwrap();
    assert_eq!(unbrotli, identity);
    let r = get(
        &url,
        &[("accept-encoding", "gzip"), ("if-none-match", &gz_tag)],
    )
    .await;
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    let r = get(&url, &[("accept-encoding", "br;q=0, gzip;q=0")]).await;
    assert!(r.headers().get("content-encoding").is_none());

    // New content: new validators, the old ones no longer match.
    s.feeds
        .writer()
        .apply(article("b", 1, "Second", "<p>Two</p>"));
    until(&url, Duration::from_secs(1), |b| b.contains("Second")).await;
    let r = get(&url, &[("if-none-match", &etag)]).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_ne!(r.headers()["etag"].to_str().unwrap(), etag);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embargo_is_released_by_the_scheduler_on_time_and_never_earlier() {
    let s = start().await;
    let url = format!("{}/feeds/all.atom", s.base);
    let etag_before = get(&url, &[]).await.headers()["etag"]
        .to_str()
        .unwrap()
        .to_string();
    let lifts = Utc::now() + ChronoDuration::milliseconds(700);
    let mut embargoed = article("emb", 1, "Embargoed story", "<p>Secret</p>");
    embargoed.embargo_until = Some(lifts);
    s.feeds.writer().apply(embargoed);
    // Before the instant: not in any format, and not even the ETag moves.
    while Utc::now() < lifts - ChronoDuration::milliseconds(100) {
        for ext in ["rss", "atom", "json"] {
            let r = get(&format!("{}/feeds/all.{ext}", s.base), &[]).await;
            let seen_at = Utc::now();
            let text = r.text().await.unwrap();
            if seen_at < lifts {
                assert!(
                    !text.contains("Embargoed story") && !text.contains("urn:newswire:article:emb"),
                    "leaked before {lifts}"
                );
            }
        }
        let r = get(&url, &[]).await;
        // On a loaded machine the answer may come after the instant, rightly changed.
        let answered = Utc::now();
        let tag = r.headers()["etag"].to_str().unwrap().to_string();
        if answered < lifts {
            assert_eq!(tag, etag_before, "the ETag revealed the embargoed story");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // After it: present without any further event (the scheduler released it). The
    // delay is read at the start of the request that first saw it: the time to fetch and
    // read a feed on a loaded machine is the client's, not the release's.
    let released_after = loop {
        let asked = Utc::now();
        if body(&url).await.contains("Embargoed story") {
            break asked - lifts;
        }
        assert!(
            Utc::now() - lifts < ChronoDuration::seconds(2),
            "never released"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    assert!(
        released_after < ChronoDuration::milliseconds(500),
        "released {released_after} late"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_removes_the_story_everywhere_within_a_second_with_a_tombstone() {
    let s = start().await;
    let w = s.feeds.writer();
    w.apply(article("k", 1, "Soon killed", "<p>x</p>"));
    let atom = format!("{}/feeds/all.atom", s.base);
    until(&atom, Duration::from_secs(1), |b| b.contains("Soon killed")).await;
    let urls: Vec<String> = [
        "all.rss",
        "all.atom",
        "all.json",
        "section/world-news.rss",
        "lang/en.atom",
    ]
    .iter()
    .map(|p| format!("{}/feeds/{p}", s.base))
    .collect();
    for u in &urls {
        assert!(body(u).await.contains("Soon killed"), "{u}");
    }
    let mut kill = article("k", 2, "Soon killed", "<p>withdrawn</p>");
    kill.status = Status::Canceled;
    w.apply(kill);
    for u in &urls {
        let took = until(u, Duration::from_secs(1), |b| !b.contains("Soon killed")).await;
        assert!(took < Duration::from_secs(1));
    }
    let text = body(&atom).await;
    assert!(
        text.contains(r#"<at:deleted-entry ref="urn:newswire:article:k""#),
        "no tombstone"
    );
    // A late, older usable version cannot bring it back.
    w.apply(article("k", 1, "Soon killed", "<p>x</p>"));
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!body(&atom).await.contains("Soon killed"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_embargoed_story_killed_before_release_leaves_no_trace() {
    let s = start().await;
    let w = s.feeds.writer();
    let mut e = article("secret", 1, "Never seen", "<p>x</p>");
    e.embargo_until = Some(Utc::now() + ChronoDuration::hours(1));
    w.apply(e);
    let mut kill = article("secret", 2, "Never seen", "<p>x</p>");
    kill.status = Status::Canceled;
    w.apply(kill);
    w.apply(article("other", 1, "Other story", "<p>y</p>"));
    let atom = format!("{}/feeds/all.atom", s.base);
    until(&atom, Duration::from_secs(1), |b| b.contains("Other story")).await;
    assert!(
        !body(&atom).await.contains("secret"),
        "the tombstone revealed an embargoed story"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corrections_replace_in_place_and_redelivery_changes_nothing() {
    let s = start().await;
    let w = s.feeds.writer();
    w.apply(article("c", 1, "Original", "<p>v1</p>"));
    let mut fixed = article("c", 2, "Corrected", "<p>v2</p>");
    fixed.signals = vec![newswire_shared::article::Signal::Correction];
    w.apply(fixed.clone());
    let url = format!("{}/feeds/all.json", s.base);
    until(&url, Duration::from_secs(1), |b| b.contains("Corrected")).await;
    let etag = get(&url, &[]).await.headers()["etag"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(!w.apply(fixed).changed());
    assert!(!w.apply(article("c", 1, "Original", "<p>v1</p>")).changed());
    tokio::time::sleep(Duration::from_millis(100)).await;
    let r = get(&url, &[]).await;
    assert_eq!(r.headers()["etag"].to_str().unwrap(), etag);
    let feed: serde_json::Value = r.json().await.unwrap();
    let items = feed["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], "urn:newswire:article:c");
    // Published when its first version was released (09:01), not when the newsroom
    // started it (08:00).
    assert_eq!(items[0]["date_published"], "2024-11-28T09:01:00+00:00");
    assert_eq!(items[0]["date_modified"], "2024-11-28T09:02:00+00:00");
    assert!(items[0]["content_html"]
        .as_str()
        .unwrap()
        .contains("Correction"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscriber_feeds_need_an_entitled_key_and_refusals_reveal_nothing() {
    use newswire_shared::config::Subscriber;
    let s = start_with(|st| {
        // What is public is decided on the selection, not the path: `all` would make
        // every narrowing of it public too, `section/economy` included.
        st.feeds.public = vec!["urgent".into()];
        st.feeds.rate_limit_per_minute = 3;
        st.feeds.subscribers = vec![
            Subscriber::new("sections", "key-sections-0123456789", &["section/*"]),
            Subscriber::new("everything", "key-everything-0123456789", &["*"]),
        ];
    })
    .await;
    let mut a = article("paid", 1, "Subscriber story", "<p>x</p>");
    a.section = Some("Economy".into());
    a.urgency = 2;
    s.feeds.writer().apply(a);
    let public = format!("{}/feeds/urgent.rss", s.base);
    until(&public, Duration::from_secs(1), |b| {
        b.contains("Subscriber story")
    })
    .await;
    assert_eq!(
        get(&public, &[]).await.headers()["cache-control"],
        "public, max-age=60"
    );

    let section = format!("{}/feeds/section/economy.rss", s.base);
    let empty_section = format!("{}/feeds/section/sport.rss", s.base);
    let lang = format!("{}/feeds/lang/en.atom", s.base);
    // No key, a wrong key: 401, the same body whether the feed has stories or not.
    let mut refusals = Vec::new();
    for (url, headers) in [
        (&section, vec![]),
        (&empty_section, vec![]),
        (&section, vec![("x-api-key", "key-sections-0123456780")]),
        (&empty_section, vec![("authorization", "Bearer nope")]),
    ] {
        let r = get(url, &headers).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{url}");
        assert!(r.headers().contains_key("www-authenticate"));
        refusals.push(r.text().await.unwrap());
    }
    assert!(refusals.windows(2).all(|w| w[0] == w[1]), "{refusals:?}");
    // Entitled key: 200, private caching; by header or query.
    let r = get(
        &section,
        &[("authorization", "Bearer key-sections-0123456789")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["cache-control"], "private, max-age=60");
    assert!(r.text().await.unwrap().contains("Subscriber story"));
    let r = get(&format!("{section}?key=key-everything-0123456789"), &[]).await;
    assert_eq!(r.status(), StatusCode::OK);
    // Valid key, feed outside its entitlement: 403 with nothing about the feed.
    let r = get(&lang, &[("x-api-key", "key-sections-0123456789")]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(r.text().await.unwrap(), r#"{"error":"forbidden"}"#);
    // Rate limit per key (3 a minute; 2 used above by "sections"... and one more).
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let r = get(&section, &[("x-api-key", "key-sections-0123456789")]).await;
        statuses.push(r.status());
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            let retry: u64 = r.headers()["retry-after"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!((1..=20).contains(&retry), "Retry-After {retry}");
        }
    }
    assert_eq!(
        statuses.last(),
        Some(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    // Another key has its own allowance.
    let r = get(&lang, &[("x-api-key", "key-everything-0123456789")]).await;
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn items_api_lists_changes_after_a_cursor_and_long_polls() {
    let s = start().await;
    let w = s.feeds.writer();
    let items_url = |q: &str| format!("{}/v1/items?{q}", s.base);
    let page = |q: String| async move {
        get(&q, &[])
            .await
            .json::<serde_json::Value>()
            .await
            .unwrap()
    };
    w.apply(article("a", 1, "First", "<p>1</p>"));
    w.apply(article("b", 1, "Second", "<p>2</p>"));
    let p = page(items_url("since=0")).await;
    let ids: Vec<&str> = p["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["a", "b"], "oldest first");
    assert_eq!(p["items"][0]["article"]["headline"], "First");
    let next = p["next"].as_str().unwrap().to_string();
    assert_eq!(p["items"][1]["cursor"], next.as_str());
    // An item's cursor is the position after it.
    let after_first = p["items"][0]["cursor"].as_str().unwrap();
    let rest = page(items_url(&format!("since={after_first}"))).await;
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);
    assert_eq!(rest["items"][0]["id"], "b");

    // Long poll: held open until a change arrives.
    let waiting = tokio::spawn(page(items_url(&format!("since={next}&wait=10"))));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!waiting.is_finished(), "answered before anything changed");
    let posted = Instant::now();
    w.apply(article("a", 2, "First, updated", "<p>1b</p>"));
    let p = waiting.await.unwrap();
    assert!(posted.elapsed() < Duration::from_secs(1));
    assert_eq!(p["items"][0]["id"], "a");
    assert_eq!(p["items"][0]["version"], 2);
    let next = p["next"].as_str().unwrap().to_string();

    // An embargoed version arrives in the log at its instant, not before.
    let lifts = Utc::now() + ChronoDuration::milliseconds(600);
    let mut e = article("e", 1, "Embargoed", "<p>e</p>");
    e.embargo_until = Some(lifts);
    w.apply(e);
    let p = page(items_url(&format!("since={next}&wait=10"))).await;
    assert!(
        Utc::now() >= lifts,
        "an embargoed story reached a subscriber early"
    );
    assert_eq!(p["items"][0]["id"], "e");
    let next = p["next"].as_str().unwrap().to_string();

    // A kill is a change too; filters apply; an idle wait ends empty.
    let mut kill = article("b", 2, "Second", "<p>2</p>");
    kill.status = Status::Canceled;
    w.apply(kill);
    let p = page(items_url(&format!("since={next}"))).await;
    assert_eq!(p["items"][0]["status"], "canceled");
    let next = p["next"].as_str().unwrap().to_string();
    let p = page(items_url("since=0&lang=de")).await;
    assert!(p["items"].as_array().unwrap().is_empty());
    assert_eq!(
        p["next"].as_str().unwrap().to_string(),
        next,
        "the cursor moves past what the filter skipped"
    );
    let started = Instant::now();
    let p = page(items_url(&format!("since={next}&wait=1"))).await;
    assert!(p["items"].as_array().unwrap().is_empty());
    assert!(started.elapsed() >= Duration::from_millis(900));
    assert_eq!(
        get(&items_url("wait=soon"), &[]).await.status(),
        StatusCode::BAD_REQUEST
    );
    // Something that is no cursor is refused naming `since`, not taken as a number
    // that would skip changes.
    for bogus in ["17", "ffff-12", "k1.x.0"] {
        let r = get(&items_url(&format!("since={bogus}")), &[]).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{bogus}");
        assert!(r.text().await.unwrap().contains("since"), "{bogus}");
    }
}

/// RFC 5005: the current document links to the newest full archive page, each page to
/// the one before and back to the current document; pages are immutable once full,
/// a kill reaches them within a second, and they validate like any feed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn archive_pages_hold_every_story_and_stay_put_once_full() {
    let s = start_with(|st| st.feeds.items_per_feed = 3).await;
    let w = s.feeds.writer();
    let publish = |i: i64| {
        let mut a = article(&format!("s{i}"), 1, &format!("Story {i}"), "<p>Text</p>");
        a.first_created = Utc::now() - ChronoDuration::minutes(100 - i);
        a.version_created = a.first_created;
        a
    };
    for i in 0..7 {
        w.apply(publish(i));
    }
    let page = |n: usize, ext: &str| format!("{}/feeds/all/archive/{n}.{ext}", s.base);
    let current = format!("{}/feeds/all.atom", s.base);
    until(&current, Duration::from_secs(2), |b| {
        b.contains("urn:newswire:article:s6")
    })
    .await;
    let atom = body(&current).await;
    assert!(
        atom.contains(&format!(
            "href=\"{}\" rel=\"prev-archive\"",
            page(2, "atom")
        )) || atom.contains(&format!(
            "rel=\"prev-archive\" href=\"{}\"",
            page(2, "atom")
        )),
        "{atom}"
    );
    // s6 is on no full page: the current document has it.
    let ids = |b: &str| -> Vec<String> {
        (0..20)
            .filter(|i| {
                b.contains(&format!("urn:newswire:article:s{i}<"))
                    || b.contains(&format!("urn:newswire:article:s{i}\""))
            })
            .map(|i| format!("s{i}"))
            .collect()
    };
    assert!(ids(&atom).contains(&"s6".to_string()));

    let second = get(&page(2, "atom"), &[]).await;
    assert_eq!(second.status(), StatusCode::OK);
    let etag = second.headers()["etag"].to_str().unwrap().to_string();
    let second = second.text().await.unwrap();
    assert_eq!(ids(&second), ["s3", "s4", "s5"]);
    assert!(second.contains("<fh:archive/>"), "{second}");
    assert!(second.contains("rel=\"current\""));
    assert!(second.contains(&page(1, "atom")), "links to page 1");
    let first = body(&page(1, "rss")).await;
    assert_eq!(ids(&first), ["s0", "s1", "s2"]);
    assert!(first.contains("<fh:archive"), "{first}");
    assert!(!first.contains("prev-archive"), "page 1 is the oldest");
    let json: serde_json::Value =
        serde_json::from_str(&body(&format!("{}/feeds/all.json", s.base)).await).unwrap();
    assert_eq!(json["next_url"], page(2, "json"));
    for missing in [
        page(3, "atom"),
        page(0, "atom"),
        format!("{}/feeds/all/archive/01.atom", s.base),
    ] {
        assert_eq!(
            get(&missing, &[]).await.status(),
            StatusCode::NOT_FOUND,
            "{missing}"
        );
    }

    // Later stories fill page 3: page 2 keeps its stories and gains its `next-archive`
    // link (RFC 5005 §4), once; stories after that leave it alone.
    for i in 7..10 {
        w.apply(publish(i));
    }
    until(&page(3, "atom"), Duration::from_secs(2), |b| {
        b.contains("urn:newswire:article:s8")
    })
    .await;
    until(&page(2, "atom"), Duration::from_secs(1), |b| {
        b.contains(&format!(
            "href=\"{}\" rel=\"next-archive\"",
            page(3, "atom")
        )) || b.contains(&format!(
            "rel=\"next-archive\" href=\"{}\"",
            page(3, "atom")
        ))
    })
    .await;
    let second_again = get(&page(2, "atom"), &[]).await;
    let first_etag = etag;
    let etag = second_again.headers()["etag"].to_str().unwrap().to_string();
    assert_ne!(etag, first_etag, "the new link is a new representation");
    assert_eq!(ids(&second_again.text().await.unwrap()), ["s3", "s4", "s5"]);
    assert!(
        !body(&page(3, "atom")).await.contains("next-archive"),
        "page 3 is the newest"
    );
    assert!(body(&page(1, "atom")).await.contains("next-archive"));
    w.apply(publish(10));
    until(
        &format!("{}/feeds/all.atom", s.base),
        Duration::from_secs(2),
        |b| b.contains("urn:newswire:article:s10"),
    )
    .await;
    let again = get(&page(2, "atom"), &[("If-None-Match", &etag)]).await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);

    // A kill reaches the page it sits on within a second, as a tombstone.
    let mut kill = publish(4);
    kill.version = 2;
    kill.status = Status::Canceled;
    kill.version_created = Utc::now();
    w.apply(kill);
    let took = until(&page(2, "atom"), Duration::from_secs(1), |b| {
        b.contains("deleted-entry ref=\"urn:newswire:article:s4\"")
    })
    .await;
    assert!(took < Duration::from_secs(1));
    let rss2 = body(&page(2, "rss")).await;
    assert_eq!(ids(&rss2), ["s3", "s5"]);

    let docs = vec![
        body(&page(1, "atom")).await.into_bytes(),
        body(&page(2, "atom")).await.into_bytes(),
        body(&format!("{}/feeds/all.atom", s.base))
            .await
            .into_bytes(),
    ];
    if let Some(result) = support::atom_schema_errors(&docs) {
        result.unwrap();
    }
    let mut parsed = docs;
    parsed.push(body(&page(2, "rss")).await.into_bytes());
    if let Some(bozo) = support::feedparser_bozo(&parsed) {
        assert!(bozo.is_empty(), "feedparser complained: {bozo:?}");
    }
}

/// A change is served at once, compressed or not: its gzip and brotli bodies follow
/// from the compressor, and until then a client that accepts them gets the identity
/// bytes (with the identity ETag), never the previous version.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_is_served_before_it_is_compressed_and_compressed_soon_after() {
    let s = start().await;
    let w = s.feeds.writer();
    let long = "<p>A long paragraph of the story, repeated.</p>".repeat(2_000);
    w.apply(article("long-1", 1, "First", &long));
    let url = format!("{}/feeds/all.atom", s.base);
    until(&url, Duration::from_secs(2), |b| b.contains("long-1")).await;
    w.apply(article("long-2", 1, "Second", &long));
    let started = Instant::now();
    let mut compressed_after = None;
    while started.elapsed() < Duration::from_secs(2) {
        let r = get(&url, &[("accept-encoding", "br, gzip")]).await;
        let encoding = r
            .headers()
            .get("content-encoding")
            .map(|v| v.to_str().unwrap().to_string());
        let etag = r.headers()["etag"].to_str().unwrap().to_string();
        let bytes = r.bytes().await.unwrap();
        let text = match encoding.as_deref() {
            None => {
                assert!(
                    !etag.ends_with("-br\"") && !etag.ends_with("-gz\""),
                    "{etag}"
                );
                String::from_utf8(bytes.to_vec()).unwrap()
            }
            Some("br") => {
                let mut out = Vec::new();
                brotli::Decompressor::new(&bytes[..], 4096)
                    .read_to_end(&mut out)
                    .unwrap();
                assert!(etag.ends_with("-br\""), "{etag}");
                String::from_utf8(out).unwrap()
            }
            Some(other) => panic!("unexpected encoding {other}"),
        };
        if !text.contains("long-2") {
            // Not yet applied by the renderer; never an old compressed body after a new one.
            assert!(compressed_after.is_none());
            continue;
        }
        if encoding.is_some() {
            compressed_after = Some(started.elapsed());
            break;
        }
    }
    let took = compressed_after.expect("the brotli body of the change followed");
    assert!(took < Duration::from_secs(2));
}

/// One server-sent event as a client's parser sees it (WHATWG HTML, "Server-sent
/// events": fields up to a blank line; a comment line starts with a colon).
#[derive(Debug, Clone, PartialEq)]
enum Sse {
    Event {
        id: Option<String>,
        event: String,
        data: String,
    },
    Comment(String),
}

/// An open `/v1/items/stream`, read chunk by chunk; only whole events are returned,
/// as an `EventSource` dispatches them.
struct EventStream {
    response: reqwest::Response,
    buffer: String,
}

impl EventStream {
    async fn open(url: &str, last_event_id: Option<&str>) -> reqwest::Response {
        let mut r = reqwest::Client::new()
            .get(url)
            .header("accept", "text/event-stream");
        if let Some(id) = last_event_id {
            r = r.header("last-event-id", id);
        }
        r.send().await.unwrap()
    }

    async fn connect(url: &str, last_event_id: Option<&str>) -> Self {
        let response = Self::open(url, last_event_id).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers()["content-type"].to_str().unwrap(),
            "text/event-stream"
        );
        Self {
            response,
            buffer: String::new(),
        }
    }

    /// The next event or comment, or `None` if nothing came within `within`.
    async fn next(&mut self, within: Duration) -> Option<Sse> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let (mut id, mut event, mut data, mut comment) =
                    (None, "message".to_string(), Vec::new(), None);
                for line in block.lines() {
                    if let Some(c) = line.strip_prefix(':') {
                        comment = Some(c.trim_start().to_string());
                        continue;
                    }
                    let (field, value) = line.split_once(':').unwrap_or((line, ""));
                    let value = value.strip_prefix(' ').unwrap_or(value).to_string();
                    match field {
                        "id" => id = Some(value),
                        "event" => event = value,
                        "data" => data.push(value),
                        _ => {}
                    }
                }
                if !data.is_empty() {
                    return Some(Sse::Event {
                        id,
                        event,
                        data: data.join("\n"),
                    });
                }
                if let Some(c) = comment {
                    return Some(Sse::Comment(c));
                }
                continue;
            }
            let chunk = tokio::time::timeout_at(deadline, self.response.chunk())
                .await
                .ok()?
                .unwrap()?;
            self.buffer.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    }

    /// Events up to the `: live` comment that ends the backlog.
    async fn backlog(&mut self) -> Vec<(Option<String>, String, serde_json::Value)> {
        let mut events = Vec::new();
        loop {
            match self.next(Duration::from_secs(5)).await {
                Some(Sse::Comment(c)) if c == "live" => return events,
                Some(Sse::Comment(_)) => {}
                Some(Sse::Event { id, event, data }) => {
                    events.push((id, event, serde_json::from_str(&data).unwrap()))
                }
                None => panic!("no `: live` after {events:?}"),
            }
        }
    }
}

/// The change stream as server-sent events: the backlog after `since`, then changes as
/// they come, kills as `kill` events; a client that disconnects (at any point, even in
/// the middle of an event) and reconnects with `Last-Event-ID`, while changes keep
/// coming, ends up with exactly the changes `/v1/items` lists — none missed, none
/// twice, in order. Heartbeats keep an idle stream open.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn event_stream_resumes_with_last_event_id_missing_nothing_and_repeating_nothing() {
    let s = start().await;
    let w = s.feeds.writer();
    let stream_url = |q: &str| format!("{}/v1/items/stream?{q}", s.base);
    w.apply(article("s-a", 1, "First", "<p>1</p>"));
    w.apply(article("s-b", 1, "Second", "<p>2</p>"));

    // The backlog after since=0, then a live change.
    let mut es = EventStream::connect(&stream_url("since=0"), None).await;
    let backlog = es.backlog().await;
    let seen: Vec<(&str, &str)> = backlog
        .iter()
        .map(|(_, e, d)| (e.as_str(), d["id"].as_str().unwrap()))
        .collect();
    assert_eq!(seen, [("version", "s-a"), ("version", "s-b")]);
    assert_eq!(backlog[0].2["article"]["headline"], "First");
    assert_eq!(
        backlog[0].0.as_deref(),
        backlog[0].2["cursor"].as_str(),
        "the event id is the item's cursor"
    );
    let mut kill = article("s-b", 2, "Second", "<p>2</p>");
    kill.status = Status::Canceled;
    let sent = Instant::now();
    w.apply(kill);
    match es.next(Duration::from_secs(2)).await {
        Some(Sse::Event { event, data, .. }) => {
            assert_eq!(event, "kill");
            let d: serde_json::Value = serde_json::from_str(&data).unwrap();
            assert_eq!(
                (d["id"].as_str(), d["status"].as_str()),
                (Some("s-b"), Some("canceled"))
            );
        }
        other => panic!("expected the kill, got {other:?}"),
    }
    assert!(sent.elapsed() < Duration::from_secs(1));
    drop(es);

    // Without since or Last-Event-ID: from the present on.
    let mut present = EventStream::connect(&stream_url(""), None).await;
    assert!(present.backlog().await.is_empty());
    drop(present);

    // A writer files changes (new stories, new versions, kills) while a client
    // disconnects now and then, after a whole event or in the middle of one, and comes
    // back with the last id it had.
    let writer = {
        let w = w.clone();
        tokio::spawn(async move {
            for i in 0..300u64 {
                let id = format!("r-{}", i % 37);
                let mut a = article(&id, 1 + i / 37, &format!("Story {i}"), "<p>x</p>");
                // Each story's last version (they come in rounds of 37) is a kill for
                // every third story.
                if i >= 300 - 37 && i.is_multiple_of(3) {
                    a.status = Status::Canceled;
                }
                w.apply(a);
                if i.is_multiple_of(7) {
                    tokio::time::sleep(Duration::from_millis(3)).await;
                }
            }
        })
    };
    let mut received: Vec<(String, u64, String)> = Vec::new();
    let mut last_id: Option<String> = None;
    let mut reconnects = 0;
    let mut rng = 0x2545_f491_4f6c_dd1du64;
    loop {
        let mut es = EventStream::connect(&stream_url("since=0"), last_id.as_deref()).await;
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let take = 5 + (rng % 40) as usize;
        let mut taken = 0;
        let mut quiet = false;
        while taken < take {
            match es.next(Duration::from_millis(800)).await {
                Some(Sse::Event { id, event, data }) => {
                    let d: serde_json::Value = serde_json::from_str(&data).unwrap();
                    assert_eq!(id.as_deref(), d["cursor"].as_str(), "the id is the cursor");
                    received.push((
                        d["id"].as_str().unwrap().to_string(),
                        d["version"].as_u64().unwrap(),
                        event,
                    ));
                    last_id = id;
                    taken += 1;
                }
                Some(Sse::Comment(_)) => {}
                None => {
                    quiet = true;
                    break;
                }
            }
        }
        if quiet && writer.is_finished() {
            break;
        }
        // Half the time, cut the connection with part of the next event read.
        if rng.is_multiple_of(2) {
            if let Ok(Ok(Some(_))) =
                tokio::time::timeout(Duration::from_millis(20), es.response.chunk()).await
            {
            }
        }
        drop(es);
        reconnects += 1;
    }
    assert!(reconnects >= 5, "only {reconnects} reconnections");
    let all: serde_json::Value = get(&format!("{}/v1/items?since=0&limit=1000", s.base), &[])
        .await
        .json()
        .await
        .unwrap();
    let expected: Vec<(String, u64, String)> = items_listed(&all)
        .into_iter()
        .map(|(id, version, status)| {
            let event = match status.as_str() {
                "canceled" => "kill",
                "withheld" => "withhold",
                _ => "version",
            };
            (id, version, event.to_string())
        })
        .collect();
    assert_eq!(expected.len(), 303, "every change is in the log");
    assert!(expected.iter().filter(|e| e.2 == "kill").count() > 10);
    assert_eq!(
        received,
        expected,
        "the resumed stream differs from the log ({} received, {} in the log)",
        received.len(),
        expected.len()
    );

    // Filters apply; an id that is no position is refused naming the header, as
    // `since` is for /v1/items.
    let mut german = EventStream::connect(&stream_url("since=0&lang=de"), None).await;
    assert!(german.backlog().await.is_empty());
    let refused = EventStream::open(&stream_url(""), Some("ffff-12")).await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert!(refused.text().await.unwrap().contains("Last-Event-ID"));

    // An idle stream gets a heartbeat comment.
    let mut idle = EventStream::connect(&stream_url(""), last_id.as_deref()).await;
    assert!(idle.backlog().await.is_empty());
    let started = Instant::now();
    assert_eq!(
        idle.next(newswire_feeds::HEARTBEAT + Duration::from_secs(5))
            .await,
        Some(Sse::Comment("heartbeat".into()))
    );
    assert!(started.elapsed() >= newswire_feeds::HEARTBEAT - Duration::from_secs(1));
}
