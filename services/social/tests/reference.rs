//! Differential tests against the networks' own counting code, on thousands of
//! generated headlines and summaries (scheme-less and odd URLs, mentions, hashtags,
//! cashtags, CJK, every kind of emoji sequence, combining marks, right-to-left text):
//! every X post is recounted by X's official twitter-text 3.1.0 (JavaScript, under
//! Node) and every Mastodon post by Mastodon's server rule on twitter-text's own
//! patterns (`tests/reference/recount.js`), in one Node process per test.
//!
//! Node and the npm package come from `deploy/ci/install-deps.sh` (`npm ci` in
//! `tests/reference/`); without them the tests say they were skipped (CI fails).

mod support;

use newswire_shared::config::{Network, SocialAccount, SocialSettings};
use newswire_shared::testing::{have, skip};
use newswire_social::count::Counter;
use newswire_social::{plan, PostEvent, StoryState};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::Command;

/// What the reference code says: X's (weighted length, valid) and Mastodon's length
/// for each text, in order.
struct Recounted {
    x: Vec<(usize, bool)>,
    mastodon: Vec<usize>,
}

fn recount(x: &[&str], mastodon: &[&str]) -> Option<Recounted> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/reference");
    if !have("node", &["--version"]) {
        return None;
    }
    if !dir.join("node_modules/twitter-text/package.json").is_file() {
        skip("twitter-text is not installed: run deploy/ci/install-deps.sh (npm ci in services/social/tests/reference)");
        return None;
    }
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let input = std::env::temp_dir().join(format!(
        "newswire-recount-{}-{}.json",
        std::process::id(),
        N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    std::fs::write(&input, json!({"x": x, "mastodon": mastodon}).to_string()).unwrap();
    let out = Command::new("node")
        .arg(dir.join("recount.js"))
        .arg(&input)
        .output()
        .expect("running node");
    let _ = std::fs::remove_file(&input);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let x = v["x"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["weightedLength"].as_u64().unwrap() as usize,
                r["valid"].as_bool().unwrap(),
            )
        })
        .collect();
    let mastodon = v["mastodon"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap() as usize)
        .collect();
    Some(Recounted { x, mastodon })
}

fn generated<T: std::fmt::Debug>(strategy: impl Strategy<Value = T>, n: usize) -> Vec<T> {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    (0..n)
        .map(|_| strategy.new_tree(&mut runner).unwrap().current())
        .collect()
}

/// Where ours and the reference differ, readably (at most 20).
fn report(differences: &[String], of: usize) -> String {
    format!(
        "{} of {of} differ:\n{}",
        differences.len(),
        differences[..differences.len().min(20)].join("\n")
    )
}

#[test]
fn x_and_mastodon_counters_agree_with_the_reference_on_generated_text() {
    let texts = generated(support::text(), 4000);
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let Some(reference) = recount(&refs, &refs) else {
        return;
    };
    let x = Counter::new(Network::X);
    let mastodon = Counter::new(Network::Mastodon);
    let mut differences = Vec::new();
    for (i, text) in texts.iter().enumerate() {
        let (want, valid) = reference.x[i];
        if x.length(text) != want {
            differences.push(format!(
                "X {text:?}: ours {}, twitter-text {want}",
                x.length(text)
            ));
        }
        if x.fits(text) != valid {
            differences.push(format!(
                "X {text:?}: ours fits={}, twitter-text valid={valid}",
                x.fits(text)
            ));
        }
        let want = reference.mastodon[i];
        if mastodon.length(text) != want {
            differences.push(format!(
                "Mastodon {text:?}: ours {}, Mastodon {want}",
                mastodon.length(text)
            ));
        }
    }
    differences.sort_by_key(|d| !d.starts_with('X'));
    assert!(
        differences.is_empty(),
        "{}",
        report(&differences, texts.len())
    );
    // The generated texts reach past the limits, so both outcomes are checked.
    assert!(reference.x.iter().any(|(_, valid)| !valid));
    assert!(reference.x.iter().filter(|(_, valid)| *valid).count() > 1000);
}

fn accounts() -> Vec<SocialAccount> {
    SocialSettings::default()
        .accounts
        .into_iter()
        .filter(|a| matches!(a.network, Network::X | Network::Mastodon))
        .map(|mut a| {
            a.hashtags = 3;
            a
        })
        .collect()
}

fn texts(post: &PostEvent) -> Vec<(&str, usize, usize)> {
    let mut all = Vec::new();
    if let (Some(text), Some(length)) = (post.text.as_deref(), post.length.as_ref()) {
        all.push((text, length.counted, length.limit));
    }
    all.extend(
        post.thread
            .iter()
            .map(|t| (t.text.as_str(), t.length.counted, t.length.limit)),
    );
    all
}

/// Every X and Mastodon post the planner writes, for generated stories (canonical
/// URLs under real and reserved TLDs, summaries, threads): `length.counted` is what
/// the reference counts, and the reference finds it within the limit.
#[test]
fn every_post_is_counted_as_the_network_counts_it_and_fits() {
    let story = (
        support::text(),
        prop::option::of(support::text()),
        prop::sample::select(vec![
            "https://wire.example.com/stories/a-story",
            "https://newswire.example/stories/field-12",
            "https://www.belta.by/politics/view/a-long-path-with-words-123/",
            "https://news.example.by/a_(b)?x=1&y=2",
        ]),
        any::<bool>(),
    );
    let stories = generated(story, 1200);
    let mut posts = Vec::new();
    for (headline, summary, url, thread) in &stories {
        let mut a = support::article(
            headline,
            summary.as_deref(),
            Some(url),
            &["Минск", "Aleksandr Lukashenko", "上海合作组织"],
        );
        a.keywords = vec!["gov.uk".into()];
        let accounts: Vec<SocialAccount> = accounts()
            .into_iter()
            .map(|mut acc| {
                acc.thread = *thread;
                acc
            })
            .collect();
        a.body = "<p>First paragraph at gov.uk/help names @someone and #tags. It goes on.</p><p>Second paragraph with 🇧🇾🇺🇦 flags.</p>".into();
        posts.extend(plan(&a, &accounts, &StoryState::default()).0);
    }
    let x: Vec<(&str, usize, usize)> = posts
        .iter()
        .filter(|p| p.network == Network::X)
        .flat_map(texts)
        .collect();
    let mastodon: Vec<(&str, usize, usize)> = posts
        .iter()
        .filter(|p| p.network == Network::Mastodon)
        .flat_map(texts)
        .collect();
    assert!(x.len() >= stories.len() && mastodon.len() >= stories.len());
    let x_texts: Vec<&str> = x.iter().map(|t| t.0).collect();
    let m_texts: Vec<&str> = mastodon.iter().map(|t| t.0).collect();
    let Some(reference) = recount(&x_texts, &m_texts) else {
        return;
    };
    let mut differences = Vec::new();
    for ((text, counted, limit), (want, valid)) in x.iter().zip(&reference.x) {
        if counted != want || !valid || want > limit {
            differences.push(format!(
                "X {text:?}: counted {counted}, twitter-text {want} (valid {valid}, limit {limit})"
            ));
        }
    }
    for ((text, counted, limit), want) in mastodon.iter().zip(&reference.mastodon) {
        if counted != want || want > limit {
            differences.push(format!(
                "Mastodon {text:?}: counted {counted}, Mastodon {want} (limit {limit})"
            ));
        }
    }
    differences.sort_by_key(|d| !d.starts_with('X'));
    assert!(
        differences.is_empty(),
        "{}",
        report(&differences, x.len() + mastodon.len())
    );
}

/// `../shared/cases/12-x-scheme-less-urls.jsonl`'s kind: headlines naming sites without
/// a scheme. X weighs each domain as a 23-character link (the official twitter-text
/// weighs the outage headline alone at 269, where counting its letters gives 113), so
/// the post must be cut to fit; its count is the reference's and within 280.
#[test]
fn headlines_full_of_bare_domains_are_counted_as_x_counts_them() {
    let outage = "Outage hits gov.uk, nhs.uk, bbc.co.uk, who.int, un.org, imf.org, oecd.org, nato.int, europa.eu, ft.com and more";
    assert_eq!(
        newswire_social::x::parse(outage, twitter_text_config::config_v3()).weighted_length,
        269
    );
    let stories = [
        (outage, "Engineers restored service to most sites within two hours, officials said, and an inquiry will report next week on the cause of the failure."),
        ("Budget details published on gov.uk/budget-2026 and example.com today", "Full text at www.example.org/budget and https://t.co/abc123 with further analysis of the plan, department by department, for readers who want the detail."),
    ];
    let mut posts = Vec::new();
    for (headline, summary) in stories {
        let a = support::article(
            headline,
            Some(summary),
            Some("https://wire.example.com/stories/field-12"),
            &[],
        );
        let (planned, _) = plan(&a, &accounts(), &StoryState::default());
        posts.extend(planned.into_iter().filter(|p| p.network == Network::X));
    }
    assert_eq!(posts.len(), 2);
    let texts: Vec<&str> = posts.iter().map(|p| p.text.as_deref().unwrap()).collect();
    // The outage headline cannot go out whole with its summary and link.
    assert!(texts[0].contains('…'), "{}", texts[0]);
    for post in &posts {
        let counted = post.length.as_ref().unwrap().counted;
        assert!(counted <= 280, "{counted}");
        assert_eq!(
            counted,
            newswire_social::x::parse(
                post.text.as_deref().unwrap(),
                twitter_text_config::config_v3()
            )
            .weighted_length
        );
    }
    let Some(reference) = recount(&texts, &[]) else {
        return;
    };
    for (post, (want, valid)) in posts.iter().zip(&reference.x) {
        assert_eq!(
            post.length.as_ref().unwrap().counted,
            *want,
            "{:?}",
            post.text
        );
        assert!(valid);
    }
}
