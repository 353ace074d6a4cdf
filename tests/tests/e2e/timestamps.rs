//! The contract's rule for time values, checked on thousands of generated RFC 3339
//! strings across the whole grammar (every field at and past its edges, offsets up to
//! ±23:59 and `-00:00`, fractions of 1–30 digits, lower-case `t`/`z`, leap seconds,
//! years 0000–9999) by the readers subscribers use: a value is accepted exactly when
//! RFC 3339 allows it and every output can carry it, and every accepted value gives a
//! NewsML-G2 item valid against IPTC's XSD, ninjs valid against its 3.2 schema, RSS and
//! Atom feeds Python's feedparser reads without complaint at the same instant, and
//! dates Go's strict readers (net/mail for RFC 5322, time.RFC3339Nano) parse to the
//! same instant.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use newswire_feeds::{FeedContent, FeedItem, Format};
use newswire_newsml::{news_item, ninjs, Provider};
use newswire_shared::testing::{
    have, ninjs_validator, python_module, python_over, scratch_dir, write_docs, xmllint_errors,
};
use newswire_shared::validate::{decode_article, Stage};
use newswire_shared::Article;
use newswire_tests::common::feed_info;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// One generated value and the parts it was written from.
#[derive(Debug, Clone)]
struct Written {
    text: String,
    year: u32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    fraction: Option<String>,
    separator: char,
    /// `None` for `Z`/`z`; else (sign, hours, minutes, as written).
    offset: Option<(char, u32, u32)>,
    zulu: Option<char>,
}

/// Mostly values in range, with every field's edges and the values just past them.
fn arb_written() -> impl Strategy<Value = Written> {
    let year = prop_oneof![
        4 => 1900u32..=2100,
        1 => 0u32..=9999,
        1 => prop::sample::select(vec![0u32, 1, 1899, 1900, 1901, 9998, 9999]),
    ];
    let month = prop_oneof![8 => 1u32..=12, 1 => prop::sample::select(vec![0u32, 13, 99])];
    let day =
        prop_oneof![6 => 1u32..=28, 3 => 28u32..=31, 1 => prop::sample::select(vec![0u32, 32])];
    let hour =
        prop_oneof![6 => 0u32..=23, 2 => prop::sample::select(vec![0u32, 23]), 1 => Just(24u32)];
    let minute =
        prop_oneof![6 => 0u32..=59, 2 => prop::sample::select(vec![0u32, 59]), 1 => Just(60u32)];
    let second =
        prop_oneof![5 => 0u32..=59, 4 => prop::sample::select(vec![59u32, 60]), 1 => Just(61u32)];
    let fraction = prop::option::weighted(0.4, "[0-9]{1,30}");
    let separator = prop::sample::select(vec!['T', 'T', 'T', 't', ' ']);
    let offset = prop_oneof![
        2 => prop::sample::select(vec!['Z', 'z']).prop_map(|z| (Some(z), None)),
        3 => (
            prop::sample::select(vec!['+', '-']),
            prop_oneof![4 => 0u32..=23, 1 => prop::sample::select(vec![0u32, 23, 24])],
            prop_oneof![4 => prop::sample::select(vec![0u32, 30, 45]), 1 => 0u32..=60],
        )
            .prop_map(|(sign, h, m)| (None, Some((sign, h, m)))),
    ];
    (
        (year, month, day),
        (hour, minute, second),
        fraction,
        separator,
        offset,
    )
        .prop_map(|(date, time, fraction, separator, (zulu, offset))| {
            Written::new(date, time, fraction, separator, zulu, offset)
        })
}

impl Written {
    fn new(
        (year, month, day): (u32, u32, u32),
        (hour, minute, second): (u32, u32, u32),
        fraction: Option<String>,
        separator: char,
        zulu: Option<char>,
        offset: Option<(char, u32, u32)>,
    ) -> Self {
        let mut text =
            format!("{year:04}-{month:02}-{day:02}{separator}{hour:02}:{minute:02}:{second:02}");
        if let Some(f) = &fraction {
            text.push('.');
            text.push_str(f);
        }
        match (zulu, offset) {
            (Some(z), _) => text.push(z),
            (None, Some((sign, h, m))) => text.push_str(&format!("{sign}{h:02}:{m:02}")),
            (None, None) => panic!("a time needs Z or an offset"),
        }
        Written {
            text,
            year,
            month,
            day,
            hour,
            minute,
            second,
            fraction,
            separator,
            offset,
            zulu,
        }
    }
}

/// What the rule says about `w`, worked out from its parts with calendar arithmetic
/// (not by parsing the text): `None` when it must be refused, else the UTC instant.
fn expected(w: &Written) -> Option<DateTime<Utc>> {
    let offset_ok = w.zulu.is_some() || w.offset.is_some_and(|(_, h, m)| h <= 23 && m <= 59);
    if w.separator == ' ' || !offset_ok || w.hour > 23 || w.minute > 59 || w.second > 60 {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(w.year as i32, w.month, w.day)?;
    let nanos: u32 = w.fraction.as_deref().map_or(0, |f| {
        let nine: String = f.chars().chain(std::iter::repeat('0')).take(9).collect();
        nine.parse().unwrap()
    });
    // A leap second is the last nanosecond of second 59.
    let (second, nanos) = if w.second == 60 {
        (59, 999_999_999)
    } else {
        (w.second, nanos)
    };
    let local = date.and_hms_nano_opt(w.hour, w.minute, second, nanos)?;
    let shift = w.offset.map_or(0, |(sign, h, m)| {
        let minutes = (h * 60 + m) as i64;
        if sign == '-' {
            -minutes
        } else {
            minutes
        }
    });
    let utc = local - chrono::Duration::minutes(shift);
    (1900..=9999).contains(&utc.year()).then(|| utc.and_utc())
}

fn generated(n: usize) -> Vec<Written> {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = arb_written();
    let mut out: Vec<Written> = (0..n)
        .map(|_| strategy.new_tree(&mut runner).unwrap().current())
        .collect();
    // The field case's values: a leap second in UTC and at Moscow's offset.
    out.push(Written::new(
        (2016, 12, 31),
        (23, 59, 60),
        None,
        'T',
        Some('Z'),
        None,
    ));
    out.push(Written::new(
        (2017, 1, 1),
        (2, 59, 60),
        None,
        'T',
        None,
        Some(('+', 3, 0)),
    ));
    out
}

fn article_at(id: &str, time: &str) -> Value {
    json!({
        "id": id, "version": 1, "status": "usable",
        "headline": "Clocks and calendars", "body": "<p>A story about time.</p>",
        "url": format!("https://newswire.example/stories/{id}"),
        "first_created": time, "version_created": time, "embargo_until": time
    })
}

#[test]
fn every_generated_rfc_3339_value_is_refused_with_its_field_or_carried_by_every_output() {
    let written = generated(3000);
    let mut accepted: Vec<(Article, DateTime<Utc>)> = Vec::new();
    let mut wrong = Vec::new();
    for (i, w) in written.iter().enumerate() {
        let event = article_at(&format!("t{i}"), &w.text);
        let got = decode_article(event.to_string().as_bytes(), Stage::Published);
        match (got, expected(w)) {
            (Ok(a), Some(want)) => {
                if a.first_created != want || a.embargo_until != Some(want) {
                    wrong.push(format!(
                        "{}: read as {}, want {want}",
                        w.text, a.first_created
                    ));
                }
                assert!(a.first_created.nanosecond() < 1_000_000_000);
                accepted.push((a, want));
            }
            (Err(e), None) => {
                // The three fields hold the value; the first one read is named.
                if !["first_created", "version_created", "embargo_until"]
                    .contains(&e.field.as_str())
                {
                    wrong.push(format!("{}: refused naming {}", w.text, e.field));
                }
            }
            (Ok(_), None) => wrong.push(format!("{}: accepted, must be refused", w.text)),
            (Err(e), Some(want)) => wrong.push(format!("{}: refused ({e}), want {want}", w.text)),
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    let refused = written.len() - accepted.len();
    assert!(
        accepted.len() > 1000 && refused > 500,
        "both outcomes well covered: {} accepted, {refused} refused",
        accepted.len()
    );
    assert!(accepted.iter().any(
        |(a, _)| a.first_created.nanosecond() == 999_999_999 && a.first_created.second() == 59
    ));

    newsml_and_ninjs_are_valid(&accepted);
    feeds_are_read_at_the_same_instant(&accepted);
}

fn newsml_and_ninjs_are_valid(accepted: &[(Article, DateTime<Utc>)]) {
    let provider = Provider {
        name: "Newswire".into(),
        uri: "https://newswire.example/".into(),
    };
    let items: Vec<Vec<u8>> = accepted
        .iter()
        .map(|(a, _)| news_item(a, &provider))
        .collect();
    if let Some(verdict) = xmllint_errors(
        "--schema",
        "newsml-g2/NewsML-G2_2.35-spec-All-Power.xsd",
        &items,
    ) {
        verdict.unwrap();
    }
    let mut strict = Vec::new();
    for ((_, want), item) in accepted.iter().zip(&items) {
        let xml = String::from_utf8_lossy(item);
        for element in [
            "versionCreated",
            "firstCreated",
            "embargoed",
            "contentCreated",
        ] {
            let open = format!("<{element}>");
            let start = xml.find(&open).unwrap() + open.len();
            let end = start + xml[start..].find('<').unwrap();
            strict.push(("rfc3339", xml[start..end].to_string(), *want));
        }
    }
    if let Some(validator) = ninjs_validator() {
        for (a, want) in accepted {
            let doc: Value = serde_json::from_slice(&ninjs(a)).unwrap();
            let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{}: {errors:?}", a.first_created);
            for key in ["firstCreated", "versionCreated", "embargoedUntil"] {
                strict.push(("rfc3339", doc[key].as_str().unwrap().to_string(), *want));
            }
        }
    }
    go_reads_each_at_its_instant(&strict);
}

/// RSS and Atom through feedparser (no complaint; each entry's dates at the story's
/// instant, to the second), then every date string they hold — RSS's RFC 5322
/// `pubDate`, Atom's and JSON Feed's RFC 3339 — through Go's strict readers.
fn feeds_are_read_at_the_same_instant(accepted: &[(Article, DateTime<Utc>)]) {
    let info = feed_info("https://newswire.example");
    let mut docs = Vec::new();
    for chunk in accepted.chunks(250) {
        let items: Vec<FeedItem<'_>> = chunk.iter().map(|(a, _)| FeedItem::of(a)).collect();
        let content = FeedContent {
            info: &info,
            items: &items,
            tombstones: &[],
        };
        docs.push(Format::Rss.render(&content));
        docs.push(Format::Atom.render(&content));
        docs.push(Format::JsonFeed.render(&content));
    }
    let want: HashMap<String, DateTime<Utc>> = accepted
        .iter()
        .map(|(a, t)| (format!("urn:newswire:article:{}", a.id), *t))
        .collect();
    let mut strict = Vec::new();
    for doc in docs.iter().filter(|d| d.starts_with(b"{")) {
        let feed: Value = serde_json::from_slice(doc).unwrap();
        for item in feed["items"].as_array().unwrap() {
            let t = want[item["id"].as_str().unwrap()];
            for key in ["date_published", "date_modified"] {
                strict.push(("rfc3339", item[key].as_str().unwrap().to_string(), t));
            }
        }
    }
    let xml: Vec<&Vec<u8>> = docs.iter().filter(|d| d.starts_with(b"<")).collect();
    if let Some(entries) = feedparser_entries(&xml) {
        assert_eq!(
            entries.len(),
            accepted.len() * 2,
            "every story in RSS and Atom"
        );
        for e in entries {
            let id = e["id"].as_str().unwrap();
            let t = want[id];
            for (raw, parsed) in [("published", "published_at"), ("updated", "updated_at")] {
                let Some(at) = e[parsed].as_i64() else {
                    continue;
                };
                assert_eq!(
                    at,
                    t.timestamp(),
                    "{id}: feedparser read {} as {at}",
                    e[raw]
                );
                let value = e[raw].as_str().unwrap().to_string();
                let kind = if value.contains(',') {
                    "rfc822"
                } else {
                    "rfc3339"
                };
                strict.push((kind, value, t));
            }
            assert!(
                e["published_at"].is_i64() && e["updated_at"].is_i64(),
                "{id}: feedparser found no dates in {e}"
            );
        }
    }
    go_reads_each_at_its_instant(&strict);
}

/// feedparser's entries of every document: id, the dates as written and as it read
/// them (Unix seconds); panics on any document it complains about.
fn feedparser_entries(docs: &[&Vec<u8>]) -> Option<Vec<Value>> {
    if !python_module(
        "feedparser",
        "Python feedparser is not installed (deploy/ci/install-deps.sh installs it)",
    ) {
        return None;
    }
    let dir = scratch_dir("timestamps-feeds");
    let paths = write_docs(&dir, docs, |i| format!("feed-{i}.xml"));
    let script = "import sys, json, calendar, feedparser\n\
                  for p in sys.argv[1:]:\n\
                  \x20   d = feedparser.parse(open(p, 'rb').read())\n\
                  \x20   if d.bozo: print(json.dumps({'bozo': p + ': ' + repr(d.bozo_exception)})); continue\n\
                  \x20   for e in d.entries:\n\
                  \x20       at = lambda k: calendar.timegm(e[k]) if e.get(k) else None\n\
                  \x20       print(json.dumps({'id': e.get('id'), 'published': e.get('published'), 'updated': e.get('updated'),\n\
                  \x20                         'published_at': at('published_parsed'), 'updated_at': at('updated_parsed')}))\n";
    let out = python_over(script, &paths);
    let _ = std::fs::remove_dir_all(&dir);
    let entries: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let bozo: Vec<&Value> = entries.iter().filter(|e| e.get("bozo").is_some()).collect();
    assert!(bozo.is_empty(), "feedparser complained: {bozo:?}");
    Some(entries)
}

/// Every (kind, value, instant) through `tests/reference/strict-dates.go` in one Go
/// process: RFC 5322 values must read to the instant's second, RFC 3339 values to
/// the nanosecond.
fn go_reads_each_at_its_instant(dates: &[(&str, String, DateTime<Utc>)]) {
    if dates.is_empty() || !have("go", &["version"]) {
        return;
    }
    let program = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("reference/strict-dates.go");
    let mut child = Command::new("go")
        .arg("run")
        .arg(&program)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("running go");
    let input: String = dates
        .iter()
        .map(|(kind, value, _)| format!("{kind}\t{value}\n"))
        .collect();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answers: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(answers.len(), dates.len());
    let mut wrong = Vec::new();
    for ((kind, value, want), answer) in dates.iter().zip(&answers) {
        let read = answer
            .split_once(' ')
            .and_then(|(s, n)| Some((s.parse::<i64>().ok()?, n.parse::<u32>().ok()?)));
        let ok = match read {
            // RFC 5322 has no fraction of a second.
            Some((s, n)) if *kind == "rfc822" => s == want.timestamp() && n == 0,
            Some((s, n)) => s == want.timestamp() && n == want.timestamp_subsec_nanos(),
            None => false,
        };
        if !ok {
            wrong.push(format!("{kind} {value:?}: Go says {answer}, want {want}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {}:\n{}",
        wrong.len(),
        dates.len(),
        wrong[..wrong.len().min(20)].join("\n")
    );
}

/// `../shared/cases/19-leap-second.jsonl`'s kind: a leap second, in UTC and at an
/// offset, reaches every output as 23:59:59.999999999Z and the item is schema-valid.
#[test]
fn a_leap_second_story_goes_out_valid_everywhere() {
    for (id, time) in [
        ("leap-utc", "2016-12-31T23:59:60Z"),
        ("leap-msk", "2017-01-01T02:59:60+03:00"),
    ] {
        let event = article_at(id, time);
        let a = decode_article(event.to_string().as_bytes(), Stage::Published).unwrap();
        let provider = Provider {
            name: "Newswire".into(),
            uri: "https://newswire.example/".into(),
        };
        let item = news_item(&a, &provider);
        let xml = String::from_utf8(item.clone()).unwrap();
        assert!(
            xml.contains("<versionCreated>2016-12-31T23:59:59.999999999Z</versionCreated>"),
            "{xml}"
        );
        assert!(!xml.contains(":60"), "{xml}");
        if let Some(verdict) = xmllint_errors(
            "--schema",
            "newsml-g2/NewsML-G2_2.35-spec-All-Power.xsd",
            &[item],
        ) {
            verdict.unwrap();
        }
        let info = feed_info("https://newswire.example");
        let items = [FeedItem::of(&a)];
        let rss = Format::Rss.render(&FeedContent {
            info: &info,
            items: &items,
            tombstones: &[],
        });
        let rss = String::from_utf8(rss).unwrap();
        assert!(rss.contains("Sat, 31 Dec 2016 23:59:59 +0000"), "{rss}");
        let enriched = serde_json::to_value(&a).unwrap();
        assert_eq!(enriched["first_created"], "2016-12-31T23:59:59.999999999Z");
    }
}
