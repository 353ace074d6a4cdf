//! Every kind of feed the service can produce, served over HTTP, judged by tools we did
//! not write: the W3C Feed Validator (RSS and Atom, zero errors and zero warnings),
//! the JSON Feed 1.1 schema and the specification's rules, and independent readers
//! (feedparser, gofeed, a Node reader) that must agree with each other and with the
//! stories we published — same items, ids, dates and languages.

mod support;

use chrono::{DateTime, Duration as ChronoDuration, Utc};
use newswire_shared::article::{Signal, Status};
use newswire_shared::testing::{conformance_dir, skip};
use newswire_shared::Article;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;
use support::{article, generated, hostile, start_with, Server};

/// Stories a page (and in a feed's current document): small, so feeds have several
/// archive pages.
const PAGE: usize = 4;

/// The kinds of feed, as a subscriber writes their URL (path after `/feeds/`, without
/// the extension, and query): every name form, entity names with spaces, Cyrillic and
/// CJK, combined filters, a feed of killed stories, an empty feed.
const FEEDS: &[(&str, &str)] = &[
    ("all", ""),
    ("urgent", ""),
    ("section/world-news", ""),
    ("section/hostile", ""),
    ("section/generated", ""),
    ("section/killed", ""),
    ("section/nothing-here", ""),
    ("lang/ru", ""),
    ("lang/zh", ""),
    ("lang/sr-Latn", ""),
    ("entity/Aleksandr Lukashenko", ""),
    ("entity/Александр Лукашенко", ""),
    ("entity/习近平", ""),
    ("entity/wikidata:Q1000001", ""),
    ("all", "lang=ru&section=Economy"),
    ("section/economy", "lang=ru"),
    ("all", "urgent=1&lang=en"),
];

/// Everything a subscriber could meet, published through the service's own writer.
struct World {
    server: Server,
    /// What the readers must find, by story id.
    stories: BTreeMap<String, Expected>,
}

#[derive(Debug, Clone)]
struct Expected {
    published: DateTime<Utc>,
    updated: DateTime<Utc>,
    language: Option<String>,
}

fn person(name: &str, id: &str) -> Value {
    json!({"name": name, "type": "person", "id": id, "mentions": [], "count": 1, "salience": 0.9})
}

fn in_language(mut a: Article, lang: &str) -> Article {
    a.language = Some(lang.into());
    a.enrichment.as_mut().unwrap().language = lang.into();
    a
}

fn with_entities(mut a: Article, entities: &[Value]) -> Article {
    let e = a.enrichment.as_mut().unwrap();
    e.entities = entities
        .iter()
        .map(|v| serde_json::from_value(v.clone()).unwrap())
        .collect();
    a
}

async fn world() -> World {
    let server = start_with(|s| {
        s.feeds.items_per_feed = PAGE;
        s.feeds.hub = Some("https://hub.example.org/".into());
    })
    .await;
    let w = server.feeds.writer();
    let now = Utc::now();
    let minutes = |m: i64| now - ChronoDuration::minutes(m);
    let mut articles: Vec<Article> = Vec::new();
    let mut stamp = |mut a: Article, m: i64| {
        a.first_created = minutes(m);
        a.version_created = minutes(m);
        articles.push(a);
    };
    for (i, mut a) in hostile().into_iter().enumerate() {
        a.section = Some("Hostile".into());
        stamp(a, 300 - i as i64);
    }
    for (i, mut a) in generated(10).into_iter().enumerate() {
        a.section = Some("Generated".into());
        stamp(a, 280 - i as i64);
    }
    let lukashenko_en = person("Aleksandr Lukashenko", "wikidata:Q1000001");
    let lukashenko_ru = person("Александр Лукашенко", "wikidata:Q1000001");
    let xi = person("习近平", "wikidata:Q1000002");
    for i in 0..6 {
        let mut a = article(&format!("world-{i}"), 1, &format!("World story {i}"), "<p>Text with <a href=\"/related\">a relative link</a> and <img src=\"img/p.jpg\" alt=\"a picture\">.</p>");
        a.urgency = if i % 2 == 0 { 2 } else { 5 };
        a.url = Some(format!("https://newswire.example/stories/world-{i}/"));
        stamp(
            with_entities(a, std::slice::from_ref(&lukashenko_en)),
            200 - i,
        );
    }
    for i in 0..5 {
        let mut a = article(
            &format!("ru-econ-{i}"),
            1,
            &format!("Экономика, сообщение {i}"),
            "<p>Текст\u{85} с управляющими символами\r и переводом строки.</p>",
        );
        a.section = Some("Economy".into());
        a.summary = None;
        a.urgency = 3;
        stamp(
            with_entities(in_language(a, "ru"), std::slice::from_ref(&lukashenko_ru)),
            150 - i,
        );
    }
    // A Russian correction: its note in Russian, never in English.
    let mut corrected = in_language(
        article(
            "ru-corrected",
            2,
            "Исправленная новость",
            "<p>Новый текст.</p>",
        ),
        "ru",
    );
    corrected.signals = vec![Signal::Correction];
    stamp(corrected, 100);
    // Embargoed until a minute ago, written well before: published at its release.
    let mut embargoed = article(
        "embargoed",
        1,
        "Released at its embargo",
        "<p>Was under embargo.</p>",
    );
    embargoed.embargo_until = Some(minutes(1));
    stamp(embargoed, 90);
    for i in 0..3 {
        let a = in_language(
            article(
                &format!("zh-{i}"),
                1,
                &format!("中文新闻 {i}"),
                "<p>中文正文。</p>",
            ),
            "zh-Hans",
        );
        stamp(with_entities(a, std::slice::from_ref(&xi)), 80 - i);
    }
    for i in 0..2 {
        let a = article(
            &format!("sr-{i}"),
            1,
            &format!("Vesti na srpskom {i}"),
            "<p>Tekst.</p>",
        );
        stamp(in_language(a, "sr-Latn"), 70 - i);
    }
    // Odd ids and a story without a url (its relative links are dropped).
    let mut odd = article(
        "odd id/with?chars&ünïcode",
        1,
        "An odd id",
        "<p><a href=\"other.html\">relative</a></p>",
    );
    odd.url = None;
    odd.summary = None;
    stamp(odd, 60);
    let mut bare = article(
        "bare",
        1,
        "No summary, byline or media",
        "<p>Only a headline and a body.</p>",
    );
    bare.summary = None;
    bare.byline = None;
    bare.media.clear();
    bare.language = None;
    stamp(bare, 50);
    // Killed after release: tombstones (in Atom), nothing else.
    for i in 0..3 {
        let mut a = article(
            &format!("killed-{i}"),
            1,
            &format!("Killed story {i}"),
            "<p>Withdrawn.</p>",
        );
        a.section = Some("Killed".into());
        stamp(a, 40 - i);
    }
    let mut expected = BTreeMap::new();
    for a in &articles {
        w.apply(a.clone());
        let published = a
            .embargo_until
            .map_or(a.version_created, |e| e.max(a.version_created));
        expected.insert(
            a.id.clone(),
            Expected {
                published,
                updated: a.version_created.max(published),
                language: a.story_language().map(str::to_string),
            },
        );
    }
    for i in 0..3 {
        let mut kill = articles
            .iter()
            .find(|a| a.id == format!("killed-{i}"))
            .unwrap()
            .clone();
        kill.version = 2;
        kill.status = Status::Canceled;
        kill.version_created = minutes(10 - i);
        w.apply(kill);
        expected.remove(&format!("killed-{i}"));
    }
    let last = format!("{}/feeds/section/killed.atom", server.base);
    for _ in 0..200 {
        let body = reqwest::get(&last).await.unwrap().text().await.unwrap();
        if body.matches("deleted-entry").count() == 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    World {
        server,
        stories: expected,
    }
}

/// `/feeds/{name}{page}.{ext}?{query}` with the name percent-encoded as a client would.
fn feed_url(base: &str, name: &str, query: &str, page: Option<usize>, ext: &str) -> String {
    let path: Vec<String> = name
        .split('/')
        .map(|s| {
            percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
        })
        .collect();
    let path = path.join("/").replace("%2D", "-").replace("%3A", ":");
    let page = page.map_or(String::new(), |p| format!("/archive/{p}"));
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    format!("{base}/feeds/{path}{page}.{ext}{query}")
}

/// Every document of every feed kind in `ext`: current documents and every archive
/// page, each with whether it is an archive page that is the only one.
async fn documents(base: &str, ext: &str) -> Vec<(String, bool)> {
    let mut urls = Vec::new();
    for (name, query) in FEEDS {
        let current = feed_url(base, name, query, None, ext);
        assert_eq!(
            reqwest::get(&current).await.unwrap().status(),
            200,
            "{current}"
        );
        urls.push((current, false));
        let mut pages = Vec::new();
        for page in 1.. {
            let url = feed_url(base, name, query, Some(page), ext);
            if reqwest::get(&url).await.unwrap().status() == 404 {
                break;
            }
            pages.push(url);
        }
        let lone = pages.len() == 1;
        urls.extend(pages.into_iter().map(|u| (u, lone)));
    }
    urls
}

/// The validator's own limitations, each with the reason; nothing else is excused.
/// (event class, what the finding must mention, applies to lone archive pages only, why)
const VALIDATOR_LIMITS: &[(&str, &str, bool, &str)] = &[
    (
        "UnknownNamespace",
        "http://purl.org/atompub/tombstones/1.0",
        false,
        "RFC 6721 deleted-entry tombstones are a standard the validator was never taught: it \
         warns on every namespace outside its own list",
    ),
    (
        "ArchiveIncomplete",
        "",
        true,
        "RFC 5005 §4 gives an archive page a prev-archive link unless no page precedes it and a \
         next-archive link unless none follows; the only page of an archive has neither, while \
         the validator wants one of them on every page",
    ),
];

/// The venv's Python with the validator's packages (deploy/ci/install-deps.sh makes it):
/// `NEWSWIRE_FEEDVALIDATOR_PYTHON`, else `~/.cache/newswire/feedvalidator-venv`.
fn validator_python() -> Option<PathBuf> {
    newswire_shared::testing::venv_python(
        "NEWSWIRE_FEEDVALIDATOR_PYTHON",
        "feedvalidator-venv",
        "lxml, html5lib, rdflib",
        "the feed validator's Python",
    )
}

/// check.py's ERROR and WARNING lines for one URL.
fn validate(python: &PathBuf, check: &PathBuf, url: &str) -> Vec<String> {
    let out = Command::new(python).arg(check).arg(url).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let findings: Vec<String> = text
        .lines()
        .filter(|l| l.starts_with("ERROR") || l.starts_with("WARNING"))
        .map(str::to_string)
        .collect();
    assert!(
        out.status.success() || !findings.is_empty(),
        "check.py failed on {url}: {text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    findings
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_w3c_feed_validator_accepts_every_kind_of_feed() {
    let Some(python) = validator_python() else {
        return;
    };
    let Some(dir) = conformance_dir() else {
        return;
    };
    let check = dir.join("feedvalidator/check.py");
    let w = world().await;
    let mut docs = documents(&w.server.base, "rss").await;
    docs.extend(documents(&w.server.base, "atom").await);
    assert!(docs.len() > 50, "{docs:?}");
    // Two validators at a time (two cores), each a process of its own.
    let docs = std::sync::Mutex::new(docs.into_iter());
    let failures = std::sync::Mutex::new(Vec::new());
    let excused = std::sync::Mutex::new(BTreeSet::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| loop {
                let Some((url, lone)) = docs.lock().unwrap().next() else {
                    return;
                };
                for finding in validate(&python, &check, &url) {
                    let class = finding
                        .split_once('[')
                        .and_then(|(_, r)| r.split_once(']'))
                        .map_or("", |(c, _)| c);
                    match VALIDATOR_LIMITS.iter().find(|(c, mention, lone_only, _)| {
                        *c == class && finding.contains(mention) && (!lone_only || lone)
                    }) {
                        Some((c, ..)) => {
                            excused.lock().unwrap().insert(*c);
                        }
                        None => failures
                            .lock()
                            .unwrap()
                            .push(format!("{url}\n    {finding}")),
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "{} findings:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!("validator limits met: {:?}", excused.into_inner().unwrap());
}

/// The JSON Feed 1.1 schema (written from the specification, `tests/fixtures`) and the
/// rules it states in words: `feed_url` absolute and where the document is served,
/// `home_page_url` and every item URL absolute, ids unique, dates RFC 3339.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_json_feed_passes_the_schema_and_the_specification_rules() {
    let schema: Value =
        serde_json::from_str(include_str!("fixtures/jsonfeed-1.1.schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let w = world().await;
    let docs = documents(&w.server.base, "json").await;
    let mut seen_items = 0;
    for (url, _) in &docs {
        let r = reqwest::get(url).await.unwrap();
        let location = r
            .headers()
            .get("content-location")
            .map(|v| v.to_str().unwrap().to_string());
        let feed: Value = r.json().await.unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&feed)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{url}: {errors:?}");
        let feed_url = feed["feed_url"].as_str().unwrap();
        assert_eq!(
            feed_url,
            location.as_deref().unwrap_or(url),
            "feed_url is where the document is served"
        );
        for key in ["feed_url", "home_page_url", "next_url"] {
            if let Some(u) = feed[key].as_str() {
                let parsed = url::Url::parse(u).unwrap_or_else(|e| panic!("{url}: {key} {u}: {e}"));
                assert!(matches!(parsed.scheme(), "http" | "https"), "{u}");
                assert_eq!(
                    parsed.as_str(),
                    u,
                    "{key} is written as a URL parser writes it"
                );
            }
        }
        let mut ids = BTreeSet::new();
        for item in feed["items"].as_array().unwrap() {
            seen_items += 1;
            assert!(
                ids.insert(item["id"].as_str().unwrap()),
                "{url}: duplicate id"
            );
            for key in ["date_published", "date_modified"] {
                let t = item[key].as_str().unwrap();
                DateTime::parse_from_rfc3339(t).unwrap_or_else(|e| panic!("{t}: {e}"));
            }
            for key in ["url", "image", "external_url"] {
                if let Some(u) = item[key].as_str() {
                    assert!(url::Url::parse(u).is_ok(), "{url}: {key} {u}");
                }
            }
            for a in item["attachments"].as_array().into_iter().flatten() {
                assert!(url::Url::parse(a["url"].as_str().unwrap()).is_ok());
            }
        }
    }
    assert!(seen_items > 50, "{seen_items}");
}

/// One reader's account of one document.
#[derive(Debug, Clone, serde::Deserialize)]
struct Reading {
    file: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    items: Vec<ReadItem>,
    #[serde(default)]
    error: Option<String>,
}

#[derive(Debug, Clone, serde::Deserialize)]
struct ReadItem {
    id: Option<String>,
    published: Option<f64>,
    updated: Option<f64>,
    language: Option<String>,
}

/// What a reader cannot do, each with the reason; nothing else is excused.
/// (reader, format, why)
const READER_LIMITS: &[(&str, &str, &str)] = &[
    (
        "feedparser",
        "json",
        "feedparser 6 reads RSS and Atom only; JSON Feed is read by gofeed and the Node reader",
    ),
    (
        "feed-extractor",
        "empty atom",
        "feed-extractor takes a document for Atom only when it has an <entry>, so an Atom feed \
         holding only tombstones or nothing is refused as an unknown format",
    ),
];

fn reference_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/reference")
}

/// The three readers as commands that take the documents' paths, or `None` (skipped)
/// for each that is not installed.
fn readers() -> Vec<(&'static str, Command)> {
    let mut readers = Vec::new();
    if let Some(python) = validator_python() {
        let mut c = Command::new(python);
        c.arg(reference_dir().join("python/read.py"));
        readers.push(("feedparser", c));
    }
    let gofeed = reference_dir().join("gofeed");
    let binary = std::env::temp_dir().join(format!("newswire-gofeed-read-{}", std::process::id()));
    match Command::new("go")
        .args(["build", "-o"])
        .arg(&binary)
        .arg(".")
        .current_dir(&gofeed)
        .output()
    {
        Ok(out) if out.status.success() => readers.push(("gofeed", Command::new(&binary))),
        Ok(out) => skip(&format!(
            "gofeed did not build (deploy/ci/install-deps.sh fetches its modules): {}",
            String::from_utf8_lossy(&out.stderr)
        )),
        Err(e) => skip(&format!("Go is not installed: {e}")),
    }
    let node = reference_dir().join("node");
    if node
        .join("node_modules/@extractus/feed-extractor/package.json")
        .is_file()
    {
        let mut c = Command::new("node");
        c.arg(node.join("read.mjs"));
        readers.push(("feed-extractor", c));
    } else {
        skip("the Node reader is not installed: run deploy/ci/install-deps.sh (npm ci in services/feeds/tests/reference/node)");
    }
    readers
}

/// The story a feed's item id names (`urn:newswire:article:` and the id, percent-encoded).
fn story_of(urn: &str) -> String {
    let nss = urn.strip_prefix("urn:newswire:article:").unwrap_or(urn);
    percent_encoding::percent_decode_str(nss)
        .decode_utf8()
        .unwrap()
        .into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn independent_readers_agree_on_every_kind_of_feed() {
    let readers = readers();
    if readers.is_empty() {
        return;
    }
    // Some fields only one reader reports (JSON Feed item languages: the Node reader);
    // with a reader skipped, that field's coverage cannot be asked for.
    let all_readers = readers.len() == 3;
    let w = world().await;
    let dir = std::env::temp_dir().join(format!("newswire-readers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // Every document, saved as served, with its format and (for a language feed) tag.
    let mut docs: BTreeMap<String, (String, String, Option<String>)> = BTreeMap::new();
    for ext in ["rss", "atom", "json"] {
        for (i, (url, _)) in documents(&w.server.base, ext).await.into_iter().enumerate() {
            let body = reqwest::get(&url).await.unwrap().bytes().await.unwrap();
            let path = dir.join(format!("{ext}-{i}"));
            std::fs::write(&path, &body).unwrap();
            let lang = FEEDS
                .iter()
                .filter(|(name, query)| name.starts_with("lang/") && query.is_empty())
                .find(|(name, _)| {
                    url.contains(&format!("/feeds/{name}."))
                        || url.contains(&format!("/feeds/{name}/archive/"))
                })
                .map(|(name, _)| name["lang/".len()..].to_ascii_lowercase());
            docs.insert(path.display().to_string(), (url, ext.to_string(), lang));
        }
    }
    let mut failures = Vec::new();
    // (reader, format, what) → how many values were checked, so a reader that stops
    // reporting a field is noticed.
    let mut checked: BTreeMap<(&str, String, &str), usize> = BTreeMap::new();
    // By document: each reader's ids, in order.
    let mut ids: BTreeMap<String, Vec<(&str, Vec<String>)>> = BTreeMap::new();
    for (reader, mut command) in readers {
        let files: Vec<&String> = docs
            .iter()
            .filter(|(_, (_, ext, _))| !(reader == "feedparser" && ext == "json"))
            .map(|(file, _)| file)
            .collect();
        let out = command.args(&files).output().unwrap();
        assert!(
            out.status.success(),
            "{reader}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let readings: Vec<Reading> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{reader}: {e}: {l}")))
            .collect();
        assert_eq!(readings.len(), files.len(), "{reader} read every document");
        for r in readings {
            let (url, ext, lang) = &docs[&r.file];
            if let Some(error) = &r.error {
                let body = std::fs::read_to_string(&r.file).unwrap();
                let limit = reader == "feed-extractor" && ext == "atom" && !body.contains("<entry");
                if !limit {
                    failures.push(format!("{reader} {url}: {error}"));
                }
                continue;
            }
            if let Some(lang) = lang {
                *checked
                    .entry((reader, ext.clone(), "feed language"))
                    .or_default() += 1;
                if !r.language.eq_ignore_ascii_case(lang) {
                    failures.push(format!(
                        "{reader} {url}: feed language {:?}, not {lang}",
                        r.language
                    ));
                }
            }
            let mut these = Vec::new();
            for item in &r.items {
                let Some(id) = &item.id else {
                    failures.push(format!("{reader} {url}: an item without id"));
                    continue;
                };
                these.push(id.clone());
                let story = story_of(id);
                let Some(want) = w.stories.get(&story) else {
                    failures.push(format!("{reader} {url}: {id} is no story we published"));
                    continue;
                };
                let second = |t: DateTime<Utc>| t.timestamp() as f64;
                *checked
                    .entry((reader, ext.clone(), "published"))
                    .or_default() += 1;
                if item.published != Some(second(want.published)) {
                    failures.push(format!(
                        "{reader} {url} {id}: published {:?}, not {}",
                        item.published, want.published
                    ));
                }
                if let Some(updated) = item.updated {
                    *checked.entry((reader, ext.clone(), "updated")).or_default() += 1;
                    if updated != second(want.updated) {
                        failures.push(format!(
                            "{reader} {url} {id}: updated {updated}, not {}",
                            want.updated
                        ));
                    }
                }
                if let Some(language) = &item.language {
                    *checked
                        .entry((reader, ext.clone(), "language"))
                        .or_default() += 1;
                    if Some(language.to_ascii_lowercase())
                        != want.language.as_ref().map(|l| l.to_ascii_lowercase())
                    {
                        failures.push(format!(
                            "{reader} {url} {id}: language {language}, not {:?}",
                            want.language
                        ));
                    }
                }
            }
            ids.entry(url.clone()).or_default().push((reader, these));
        }
    }
    // Every reader of a document found the same items, in the same order.
    let mut compared = 0;
    for (url, by_reader) in &ids {
        let (first, first_ids) = &by_reader[0];
        for (reader, these) in &by_reader[1..] {
            compared += 1;
            if these != first_ids {
                failures.push(format!(
                    "{url}: {first} read {first_ids:?}, {reader} read {these:?}"
                ));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!(
        "{compared} comparisons; values checked: {checked:?}; reader limits: {READER_LIMITS:?}"
    );
    // Every format's dates and languages reach a reader that checks them.
    if !all_readers {
        return;
    }
    for ext in ["rss", "atom", "json"] {
        for what in ["published", "updated", "language", "feed language"] {
            let readers = checked
                .iter()
                .filter(|((_, e, w), n)| e == ext && *w == what && **n > 0)
                .count();
            assert!(readers > 0, "no reader reported {what} in {ext}");
        }
    }
}
