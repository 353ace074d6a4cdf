//! The networks' own test data, read from the conformance directory at test time:
//! X's twitter-text suite (weighted length), Bluesky's facet and length vectors, and
//! Mastodon's status-length vectors.

use newswire_shared::config::Network;
use newswire_shared::testing::conformance_file;
use newswire_social::count::{mastodon_length, Counter, BLUESKY_MAX_BYTES};
use newswire_social::richtext::{detect, Detected};
use serde_json::Value;
use unicode_segmentation::UnicodeSegmentation;

fn yaml(relative: &str) -> Option<serde_yaml::Value> {
    let path = conformance_file(relative)?;
    Some(serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap())
}

fn json(relative: &str) -> Option<Value> {
    let path = conformance_file(relative)?;
    Some(serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap())
}

/// Each weighted section with the configuration twitter-text's README names for it.
#[test]
fn x_weighted_length_cases_all_pass() {
    let Some(suite) = yaml("twitter-text/validate.yml") else {
        return;
    };
    let sections = [
        ("WeightedTweetsCounterTest", "config-v2.json"),
        (
            "WeightedTweetsWithDiscountedEmojiCounterTest",
            "config-v3.json",
        ),
        ("UnicodeDirectionalMarkerCounterTest", "config-v3.json"),
    ];
    let mut checked = 0;
    let mut failures = Vec::new();
    for (section, config_file) in sections {
        let config_path = conformance_file(&format!("twitter-text/{config_file}")).unwrap();
        let config = twitter_text_config::Configuration::configuration_from_path(&config_path);
        let cases = suite["tests"][section].as_sequence().expect(section);
        for case in cases {
            let text = case["text"].as_str().unwrap();
            let expected = &case["expected"];
            let parsed = newswire_social::x::parse(text, &config);
            let want_len = expected["weightedLength"].as_u64().unwrap() as usize;
            let want_valid = expected["valid"].as_bool().unwrap();
            if parsed.weighted_length != want_len || parsed.valid != want_valid {
                failures.push(format!(
                    "{section}: {}: got {} {}, want {want_len} {want_valid}",
                    case["description"].as_str().unwrap_or_default(),
                    parsed.weighted_length,
                    parsed.valid
                ));
            }
            checked += 1;
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    assert_eq!(checked, 44, "every weighted case of validate.yml");
}

/// Our X counter is the v3 configuration X uses today.
#[test]
fn x_counter_agrees_with_the_v3_cases() {
    let Some(suite) = yaml("twitter-text/validate.yml") else {
        return;
    };
    let x = Counter::new(Network::X);
    for case in suite["tests"]["WeightedTweetsWithDiscountedEmojiCounterTest"]
        .as_sequence()
        .unwrap()
    {
        let text = case["text"].as_str().unwrap();
        let expected = &case["expected"];
        assert_eq!(
            x.length(text) as i64,
            expected["weightedLength"].as_i64().unwrap(),
            "{}",
            case["description"].as_str().unwrap()
        );
        assert_eq!(x.fits(text), expected["valid"].as_bool().unwrap());
    }
}

#[test]
fn bluesky_length_vectors_pass() {
    let Some(data) = json("bluesky/length-vectors.json") else {
        return;
    };
    let cases = data["cases"].as_array().unwrap();
    let bluesky = Counter::new(Network::Bluesky);
    let mut checked = 0;
    for case in cases {
        let Some(text) = case["text"].as_str() else {
            continue;
        };
        if let Some(bytes) = case["utf8_bytes"].as_u64() {
            assert_eq!(text.len() as u64, bytes, "{text:?} bytes");
        }
        if let Some(g) = case["graphemes"].as_u64() {
            assert_eq!(bluesky.length(text) as u64, g, "{text:?} graphemes");
            assert_eq!(text.graphemes(true).count() as u64, g);
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} length cases");
    assert!(!bluesky.fits(&"a".repeat(301)));
    assert!(bluesky.fits(&"a".repeat(300)));
    // 300 graphemes, but more than 3000 bytes: both limits hold.
    let heavy = "👨‍👩‍👧‍👧".repeat(130);
    assert!(heavy.len() > BLUESKY_MAX_BYTES && !bluesky.fits(&heavy));
}

fn facet_of(d: &Detected) -> (String, usize, usize, String) {
    match d {
        Detected::Link { range, uri } => {
            ("link".into(), range.byte_start, range.byte_end, uri.clone())
        }
        Detected::Mention { range, handle } => (
            "mention".into(),
            range.byte_start,
            range.byte_end,
            handle.clone(),
        ),
        Detected::Tag { range, tag } => {
            ("tag".into(), range.byte_start, range.byte_end, tag.clone())
        }
    }
}

#[test]
fn bluesky_link_and_mention_vectors_pass() {
    let Some(data) = json("bluesky/facet-detection-vectors.json") else {
        return;
    };
    let cases = data["mentions_and_links"]["cases"].as_array().unwrap();
    let mut failures = Vec::new();
    for case in cases {
        let text = case["text"].as_str().unwrap();
        let want: Vec<_> = case["facets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let kind = f["type"].as_str().unwrap().to_string();
                let value = if kind == "link" {
                    &f["uri"]
                } else {
                    &f["handle"]
                };
                (
                    kind,
                    f["byteStart"].as_u64().unwrap() as usize,
                    f["byteEnd"].as_u64().unwrap() as usize,
                    value.as_str().unwrap().to_string(),
                )
            })
            .collect();
        let got: Vec<_> = detect(text)
            .iter()
            .filter(|d| !matches!(d, Detected::Tag { .. }))
            .map(facet_of)
            .collect();
        if got != want {
            failures.push(format!("{text:?}: got {got:?}, want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    assert_eq!(cases.len(), 40);
}

#[test]
fn bluesky_hashtag_and_cashtag_vectors_pass() {
    let Some(data) = json("bluesky/facet-detection-vectors.json") else {
        return;
    };
    let mut failures = Vec::new();
    let mut checked = 0;
    for section in ["hashtags", "cashtags"] {
        for case in data[section]["cases"].as_array().unwrap() {
            let text = case["text"].as_str().unwrap();
            let want_tags: Vec<String> = serde_json::from_value(case["tags"].clone()).unwrap();
            let want_ranges: Vec<(usize, usize)> = case["facets"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| {
                    (
                        f["byteStart"].as_u64().unwrap() as usize,
                        f["byteEnd"].as_u64().unwrap() as usize,
                    )
                })
                .collect();
            let tags: Vec<_> = detect(text)
                .into_iter()
                .filter_map(|d| match d {
                    Detected::Tag { range, tag } => Some((tag, (range.byte_start, range.byte_end))),
                    _ => None,
                })
                .collect();
            let got_tags: Vec<String> = tags.iter().map(|t| t.0.clone()).collect();
            let got_ranges: Vec<(usize, usize)> = tags.iter().map(|t| t.1).collect();
            if got_tags != want_tags || got_ranges != want_ranges {
                failures.push(format!("{section} {text:?}: got {got_tags:?} {got_ranges:?}, want {want_tags:?} {want_ranges:?}"));
            }
            checked += 1;
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    assert_eq!(checked, 57);
}

#[test]
fn mastodon_server_vectors_pass() {
    let Some(data) = json("mastodon/status-length-vectors.json") else {
        return;
    };
    let mastodon = Counter::new(Network::Mastodon);
    let cases = data["server_validator"]["cases"].as_array().unwrap();
    let mut failures = Vec::new();
    for case in cases {
        let spoiler = case["spoiler_text"].as_str().unwrap();
        let text = case["text"].as_str().unwrap();
        let length = spoiler.graphemes(true).count() + mastodon_length(text, 23);
        let valid = length <= mastodon.limit();
        if valid != case["valid"].as_bool().unwrap() {
            failures.push(format!("{}: length {length}, valid {valid}", case["name"]));
        }
        if let Some(exact) = case["countable_length"].as_u64() {
            if length as u64 != exact {
                failures.push(format!("{}: length {length}, want {exact}", case["name"]));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    assert_eq!(cases.len(), 10);
}

/// The web composer's cases; where Mastodon's server counts differently, the server's
/// rule is the one a post must meet: a bare domain is not discounted there (the
/// vectors say so), and `Account::MENTION_RE` takes a remote domain without a dot
/// (`@arnt@invalid` is `@arnt`, 5, where the composer, needing a dot, counts 13).
#[test]
fn mastodon_web_vectors_pass_or_follow_the_server() {
    let Some(data) = json("mastodon/status-length-vectors.json") else {
        return;
    };
    let cases = data["web_client_counter"]["cases"].as_array().unwrap();
    let mut failures = Vec::new();
    for case in cases {
        let input = case["input"].as_str().unwrap();
        let got = mastodon_length(input, 23);
        let want = if case.get("server_differs").is_some() {
            input.graphemes(true).count()
        } else if input == "@arnt@invalid" {
            "@arnt".len()
        } else {
            case["countable_length"].as_u64().unwrap() as usize
        };
        if got != want {
            failures.push(format!("{input:?}: got {got}, want {want}"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    assert_eq!(cases.len(), 14);
}
