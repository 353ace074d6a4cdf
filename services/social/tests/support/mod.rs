//! What the social tests share: generated headlines and summaries made of the pieces
//! that counting rules disagree about, and articles built around them.

#![allow(dead_code)]

use newswire_shared::Article;
use proptest::prelude::*;

/// One piece of a generated headline or summary.
pub fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => "[a-zA-Z]{1,12}",
        1 => "[а-яА-ЯёЁўЎіІ]{1,12}",
        1 => "[一-龥]{1,8}",
        1 => "[ぁ-んァ-ン]{1,6}",
        1 => "[가-힣]{1,6}",
        1 => "[α-ω]{1,10}",
        1 => "[a-z]{40,120}",
        // Right to left: Arabic and Hebrew, with the marks that steer direction.
        2 => prop_oneof![
            "[ا-ي]{1,10}",
            "[א-ת]{1,8}",
            Just("\u{200F}عربي\u{200E}".to_string()),
            Just("\u{202B}שלום\u{202C}".to_string()),
            Just("\u{2067}نص\u{2069}".to_string()),
        ],
        // Combining marks, alone and stacked, and text that NFC composes.
        2 => prop_oneof![
            Just("e\u{301}\u{302}".to_string()),
            Just("A\u{30A}ngstro\u{308}m".to_string()),
            Just("\u{1100}\u{1161}\u{11A8}".to_string()),
            Just("नमस्ते".to_string()),
            Just("ก\u{e49}\u{e33}".to_string()),
            Just("\u{301}lone mark".to_string()),
            Just("Z\u{335}\u{30C}\u{31E}a\u{337}lgo".to_string()),
        ],
        4 => emoji(),
        4 => url_without_scheme(),
        3 => url_with_scheme(),
        2 => prop_oneof![
            "@[a-zA-Z0-9_]{1,15}",
            "@[a-zA-Z0-9_]{16,25}",
            Just("@user/list-name".to_string()),
            Just("@bob@mastodon.social".to_string()),
            Just("@anna@news.example".to_string()),
            Just("＠fullwidth".to_string()),
            Just("mail@example.com".to_string()),
        ],
        2 => prop_oneof![
            "#[a-zA-Z][a-zA-Z0-9_]{0,15}",
            "#[一-龥]{1,4}",
            Just("#123".to_string()),
            Just("＃全角".to_string()),
            Just("#tag#tag".to_string()),
            Just("#️⃣".to_string()),
        ],
        1 => prop_oneof!["\\$[A-Z]{1,6}", Just("$BRK.A".to_string()), Just("$100".to_string())],
        2 => prop::sample::select(vec![
            ",", ".", "…", "—", "–", "!", "?", ";", ":", "(", ")", "\"", "'", "«", "»", "「", "」", "\n",
            "\u{00A0}", "\u{3000}", "\u{200B}", "\u{2028}", "&", "<b>", "&amp;",
        ])
        .prop_map(str::to_string),
    ]
}

/// Emoji of every shape twitter-text v3 counts as one: ZWJ sequences, skin tones,
/// keycaps, tag sequences, flags alone and in runs (even runs and odd ones), text
/// characters with and without the emoji variation selector.
pub fn emoji() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "😀",
            "🔥",
            "☺",
            "☺\u{FE0F}",
            "❤",
            "❤\u{FE0F}",
            "©",
            "©\u{FE0F}",
            "™",
            "↔\u{FE0F}",
            "👨‍👩‍👧‍👦",
            "👩‍💻",
            "🏳️‍🌈",
            "🏳\u{200D}🌈",
            "👁️‍🗨️",
            "🧑🏽‍🚀",
            "👩🏻‍🤝‍👩🏿",
            "👍🏽",
            "👋🏿",
            "🏽",
            "1️⃣",
            "#️⃣",
            "*️⃣",
            "1\u{20E3}",
            "🔟",
            "🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}",
            "🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}",
            "🇧🇾",
            "🇺🇦",
            "🇰🇿",
            "🇯🇵",
            "🇺🇳",
            "🇪🇺",
            "🇦",
            "\u{FE0F}",
            "\u{200D}",
            "🫠",
            "🫶🏼",
            "🪿",
            "🐈‍⬛",
            "❤️‍🔥",
            "🧔‍♂️",
        ])
        .prop_map(str::to_string),
        // Flags in runs, a lone regional indicator among them now and then.
        prop::collection::vec(
            prop::sample::select(vec!["🇧🇾", "🇺🇦", "🇰🇿", "🇷🇺", "🇩🇪", "🇫🇷", "🇨🇳", "🇦"]),
            2..8
        )
        .prop_map(|f| f.concat()),
        // The same emoji repeated without spaces.
        (
            prop::sample::select(vec!["🔥", "👍🏽", "👨‍👩‍👧", "1️⃣"]),
            2usize..6
        )
            .prop_map(|(e, n)| e.repeat(n)),
    ]
}

/// Bare domains as headlines write them: gov.uk/x, example.com, who.int.
pub fn url_without_scheme() -> impl Strategy<Value = String> {
    let host = prop::sample::select(vec![
        "gov.uk",
        "nhs.uk",
        "bbc.co.uk",
        "who.int",
        "un.org",
        "imf.org",
        "oecd.org",
        "nato.int",
        "europa.eu",
        "ft.com",
        "example.com",
        "www.example.org",
        "t.co",
        "belta.by",
        "kazinform.kz",
        "news.example",
        "example.test",
        "localhost",
        "xn--80ak6aa92e.com",
        "пример.рф",
        "例え.jp",
        "a.b.c.d.io",
        "my-site.co.jp",
        "twitter.onion",
        "x.com",
        "sub_domain.example.com",
        "foo.bar",
    ]);
    let path = prop_oneof![
        Just(String::new()),
        "/[a-z0-9-]{1,20}",
        Just("/budget-2026".to_string()),
        Just("/a/b/c.html".to_string()),
        Just("/".to_string()),
    ];
    let end = prop::sample::select(vec!["", "", ",", ".", ")", "!", "?", ":"]);
    (host, path, end).prop_map(|(h, p, e)| format!("{h}{p}{e}"))
}

/// URLs with a scheme: paths, queries, fragments, ports, parentheses, trailing
/// punctuation, non-ASCII paths, upper-case schemes, hosts no TLD list knows.
pub fn url_with_scheme() -> impl Strategy<Value = String> {
    let scheme = prop::sample::select(vec!["https://", "http://", "HTTPS://", "Http://"]);
    let host = prop::sample::select(vec![
        "example.com",
        "www.belta.by",
        "news.example",
        "newswire.example",
        "gov.uk",
        "localhost",
        "127.0.0.1",
        "пример.рф",
        "例え.jp",
        "t.co",
        "a-b.example.org",
        "example.test",
        "wire.example.com",
    ]);
    let port = prop::sample::select(vec!["", "", ":8080", ":443", ":99999"]);
    let path = prop_oneof![
        Just(String::new()),
        "/[a-zA-Z0-9_~%-]{1,30}",
        Just("/a_(b)".to_string()),
        Just("/wiki/Foo_(bar)_(baz)".to_string()),
        Just("/путь/статья".to_string()),
        Just("/a|b^c{d}".to_string()),
        Just("/@user".to_string()),
        Just("/x;y=1,2".to_string()),
        Just("/abc123/more".to_string()),
        "/[a-z]{200,300}",
    ];
    let query = prop_oneof![
        Just(String::new()),
        Just("?a=1&b=2".to_string()),
        Just("?q=тест".to_string()),
        Just("?x=1#frag".to_string()),
        Just("#only-fragment".to_string()),
    ];
    let end = prop::sample::select(vec!["", "", ".", ",", ")", "!", "…", "'", "\""]);
    (scheme, host, port, path, query, end)
        .prop_map(|(s, h, p, pa, q, e)| format!("{s}{h}{p}{pa}{q}{e}"))
}

/// A headline or summary: pieces mostly joined by spaces, sometimes glued together.
pub fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            piece(),
            prop::sample::select(vec![" ", " ", " ", " ", "", "\n"]),
        ),
        1..40,
    )
    .prop_map(|parts| {
        let mut s = String::new();
        for (p, sep) in parts {
            s.push_str(&p);
            s.push_str(sep);
        }
        s.trim().to_string()
    })
}

pub fn article(
    headline: &str,
    summary: Option<&str>,
    url: Option<&str>,
    entities: &[&str],
) -> Article {
    let entities: Vec<_> = entities
        .iter()
        .enumerate()
        .map(|(i, name)| serde_json::json!({"name": name, "type": "place", "mentions": [], "count": 1, "salience": 1.0 - i as f64 / 10.0}))
        .collect();
    serde_json::from_value(serde_json::json!({
        "id": "story-1",
        "version": 1,
        "status": "usable",
        "headline": headline,
        "summary": summary,
        "body": "<p>First paragraph of the story. It has two sentences.</p><p>Second paragraph.</p>",
        "url": url,
        "urgency": 4,
        "first_created": "2024-11-28T08:38:00Z",
        "version_created": "2024-11-28T08:38:00Z",
        "enrichment": {"language": "en", "language_confidence": 0.9, "entities": entities, "subjects": [], "keywords": []}
    }))
    .unwrap()
}
