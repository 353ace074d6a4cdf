//! Shared by the feeds tests: articles, and the independent checkers (xmllint with
//! IPTC/IETF schemas from the conformance directory, Python feedparser).

#![allow(dead_code)]

use newswire_feeds::Feeds;
use newswire_shared::shutdown;
use newswire_shared::{Article, Settings};
use proptest::prelude::*;
use std::process::Command;

pub use newswire_shared::testing::{conformance_dir, have};
use newswire_shared::testing::{
    local_listener, python_module, python_over, scratch_dir, write_docs,
};

/// Validates Atom documents against RFC 4287's RELAX NG schema; returns xmllint's
/// complaint for the first invalid one.
pub fn atom_schema_errors(docs: &[Vec<u8>]) -> Option<Result<(), String>> {
    let dir = conformance_dir()?;
    if !have("xmllint", &["--version"]) {
        return None;
    }
    let tmp = scratch_dir("feeds-test");
    for (i, doc) in docs.iter().enumerate() {
        let path = tmp.join(format!("feed-{i}.atom"));
        std::fs::write(&path, doc).unwrap();
        let out = Command::new("xmllint")
            .args(["--noout", "--nonet", "--relaxng"])
            .arg(dir.join("atom/atom.rng"))
            .arg(&path)
            .output()
            .unwrap();
        if !out.status.success() {
            return Some(Err(format!(
                "{}\n{}",
                String::from_utf8_lossy(&out.stderr),
                head(doc)
            )));
        }
    }
    Some(Ok(()))
}

/// Parses each feed with Python's feedparser; returns the bozo reasons of the failures.
pub fn feedparser_bozo(docs: &[Vec<u8>]) -> Option<Vec<String>> {
    if !python_module(
        "feedparser",
        "Python feedparser is not installed (pip install feedparser)",
    ) {
        return None;
    }
    let paths = write_docs(&scratch_dir("feeds-test"), docs, |i| format!("feed-{i}"));
    let script = "import sys, feedparser\n\
                  for p in sys.argv[1:]:\n\
                  \x20   d = feedparser.parse(open(p, 'rb').read())\n\
                  \x20   if d.bozo: print(p, repr(d.bozo_exception))\n\
                  \x20   elif not d.entries: print(p, 'no entries')\n";
    Some(
        python_over(script, &paths)
            .lines()
            .map(str::to_string)
            .collect(),
    )
}

pub fn article(id: &str, version: u64, headline: &str, body: &str) -> Article {
    serde_json::from_value(serde_json::json!({
        "id": id, "version": version, "status": "usable", "headline": headline, "body": body,
        "summary": format!("Summary of {headline}"), "byline": "Desk <desk@example.org>",
        "section": "World News", "language": "en", "url": "https://example.org/news/1?a=1&b=2",
        "media": [{"url": "https://example.org/p.jpg", "type": "image/jpeg", "caption": "A <caption> & more", "credit": "Photo: X", "width": 800, "height": 600}],
        "first_created": "2024-11-28T08:00:00Z",
        "version_created": format!("2024-11-28T09:{:02}:00Z", version % 60),
        "enrichment": {"language": "en", "language_confidence": 0.9,
            "subjects": [{"code": "medtop:11000000", "label": "politics", "confidence": 0.8}],
            "entities": [{"name": "Kazakhstan", "type": "place", "id": "geonames:1522867", "mentions": [], "count": 1, "salience": 0.5}]}
    }))
    .unwrap()
}

/// Markup that must never reach a subscriber's browser: looks inside tags only, since
/// escaped text such as `&lt;script&gt;` is harmless.
pub fn active_content(html: &str) -> Option<&'static str> {
    let lower = html.to_ascii_lowercase();
    for tag in lower.split('<').skip(1) {
        let tag = tag.split('>').next().unwrap_or("");
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if [
            "script", "iframe", "object", "embed", "style", "svg", "math", "form", "base", "meta",
            "link",
        ]
        .contains(&name.as_str())
        {
            return Some("active element");
        }
        if tag.contains("javascript:")
            || tag.contains("vbscript:")
            || tag.contains("data:text/html")
        {
            return Some("script URL");
        }
        let words =
            tag.split(|c: char| c.is_ascii_whitespace() || c == '/' || c == '"' || c == '\'');
        if words
            .into_iter()
            .any(|w| w.starts_with("on") && w.contains('='))
        {
            return Some("on*= attribute");
        }
    }
    None
}

/// The start of a document, for failure messages that stay readable.
pub fn head(bytes: &[u8]) -> String {
    String::from_utf8_lossy(&bytes[..bytes.len().min(1500)]).into_owned()
}

/// A feeds service on its own serving loop, on a port of its own.
pub struct Server {
    pub base: String,
    pub feeds: Feeds,
    _stop: shutdown::ShutdownTrigger,
}

/// Starts the service (renderer and serving loop, no Kafka) with `settings_edit`
/// applied to the defaults; `feeds.base_url` is its real address.
pub async fn start_with(settings_edit: impl FnOnce(&mut Settings)) -> Server {
    let (listener, base) = local_listener().await;
    let mut settings = Settings::default();
    settings.feeds.base_url = base.clone();
    settings_edit(&mut settings);
    let settings = settings.validated().unwrap();
    let feeds = Feeds::build(&settings);
    let (trigger, stop) = shutdown::channel();
    feeds.spawn_renderer(stop.clone());
    // The service's own serving loop, so feed requests take its direct path.
    let (app, state) = (feeds.router(), feeds.state.clone());
    let listener = listener.into_std().unwrap();
    std::thread::spawn(move || {
        newswire_feeds::serve_per_core(listener, app, state, &settings.http, stop)
    });
    Server {
        base,
        feeds,
        _stop: trigger,
    }
}

/// Articles written to break feeds: control characters, emoji, right-to-left text,
/// CDATA ends, active content, broken markup, a long body, Cyrillic.
pub fn hostile() -> Vec<Article> {
    vec![
        article("ctl", 1, "Bell\u{7} and NUL-free \u{1}control", "<p>\u{0}\u{8}text\u{1b}</p>"),
        article("emoji", 2, "👨‍👩‍👧 family 🇧🇾 flag", "<p>Emoji 😀 in body</p>"),
        article("rtl", 3, "مرحبا بالعالم \u{202E}reversed", "<p dir=\"rtl\">نص عربي</p>"),
        article("cdata", 4, "Ends ]]> here", "<p>]]> and <![CDATA[ nested ]]></p>"),
        article("script", 5, "<script>alert(1)</script>", "<script>alert(1)</script><p onclick=\"x()\">hi</p><iframe src=\"https://e\"></iframe><a href=\"javascript:alert(1)\">l</a><img src=\"https://e/a.png\" onerror=\"y()\"><style>*{}</style>"),
        article("unclosed", 6, "Unclosed", "<p><b>bold <i>italic <table><tr><td>cell"),
        article("big", 7, "A 100 KB body", &format!("<p>{}</p>", "Long wire copy. ".repeat(6_500))),
        article("cyr", 8, "Беларусь и Казахстан", "<p>Минск &amp; Астана</p>"),
    ]
}

/// Text made of the pieces that break feeds, in any order, and arbitrary strings.
pub fn hostile_text() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        Just("<script>alert(1)</script>".to_string()),
        Just("]]>".to_string()),
        Just("<![CDATA[".to_string()),
        Just("<b>".to_string()),
        Just("</p>".to_string()),
        Just("<iframe src=x>".to_string()),
        Just("<a href=\"javascript:evil()\">".to_string()),
        Just("<img src=x onerror=alert(1)>".to_string()),
        Just("<svg onload=alert(1)>".to_string()),
        Just("&".to_string()),
        Just("&amp;".to_string()),
        Just("\"'<>".to_string()),
        Just("\u{0}\u{1}\u{b}\u{1f}\u{7f}".to_string()),
        Just("\u{FFFE}\u{FFFF}".to_string()),
        Just("👨‍👩‍👧🇧🇾e\u{301}".to_string()),
        Just("مرحبا \u{202E}".to_string()),
        Just("Беларусь 中文".to_string()),
        any::<String>(),
    ];
    proptest::collection::vec(fragment, 0..12).prop_map(|v| v.concat())
}

/// `count` articles with generated hostile headline, body, summary, byline and section
/// (the format tests' generator), the same every run.
pub fn generated(count: usize) -> Vec<Article> {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let text = hostile_text();
    let mut next = || text.new_tree(&mut runner).unwrap().current();
    (0..count)
        .map(|i| {
            let mut a = article(&format!("gen-{i}"), 1, "x", "");
            let headline = next();
            // Only headlines the contract accepts: these articles stand for events.
            a.headline = if newswire_shared::validate::is_blank(&headline) {
                format!("Generated {i}")
            } else {
                headline
            };
            a.body = next();
            a.summary = Some(next());
            a.byline = Some(next());
            a
        })
        .collect()
}
