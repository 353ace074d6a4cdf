//! Mastodon's count of a status, as its server validator (`StatusLengthValidator`)
//! makes it: grapheme clusters of the text after every URL its extractor finds is
//! replaced by `characters_reserved_per_url` characters (23) and every `@user@domain`
//! by `@user`.
//!
//! Mastodon's extractor is twitter-text's (the Ruby gem, 3.1) with
//! `extract_url_without_protocol: false`, under a URL pattern Mastodon widens
//! (`config/initializers/twitter_regex.rb`: more protocols, any character but white
//! space, `<>()?` in a path, international characters in a query) while keeping
//! twitter-text's domain rule: the last label must be a TLD in twitter-text's list (or
//! punycode). So `https://wire.example/story` (a reserved TLD) and
//! `http://localhost:8080/` count in full, character by character, like any other
//! text; so does a bare `example.com`. Mentions follow `Account::MENTION_RE`, and an
//! entity that overlaps an earlier one is dropped (`remove_overlapping_entities`).

use crate::x::{compile, scan_urls, Dialect};
use regex::Regex;
use std::sync::OnceLock;
use unicode_segmentation::UnicodeSegmentation;

struct Patterns {
    /// What follows a domain in Mastodon's `valid_url`: port, path (group 1), query.
    tail: Regex,
    /// The Ruby gem's `valid_tco_url`.
    tco: Regex,
    /// `Account::MENTION_RE` without its look-behind (checked apart): 1 the name.
    mention: Regex,
    /// `end_mention_match`: what may not follow a mention.
    after_mention: Regex,
    /// Ruby's `[[:word:]]`, for the character before a mention.
    word_before: Regex,
}

/// Ruby's `\p{White_Space}`.
const WHITE_SPACE: &str =
    r"\x09-\x0D\x20\x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}";
/// RFC 3987's `ucschar` and `iprivate`: what Mastodon lets a query hold beyond ASCII.
const UCHARS: &str = r"\x{A0}-\x{D7FF}\x{F900}-\x{FDCF}\x{FDF0}-\x{FFEF}\x{10000}-\x{1FFFD}\x{20000}-\x{2FFFD}\x{30000}-\x{3FFFD}\x{40000}-\x{4FFFD}\x{50000}-\x{5FFFD}\x{60000}-\x{6FFFD}\x{70000}-\x{7FFFD}\x{80000}-\x{8FFFD}\x{90000}-\x{9FFFD}\x{A0000}-\x{AFFFD}\x{B0000}-\x{BFFFD}\x{C0000}-\x{CFFFD}\x{D0000}-\x{DFFFD}\x{E1000}-\x{EFFFD}\x{E000}-\x{F8FF}\x{F0000}-\x{FFFFD}\x{100000}-\x{10FFFD}";
const LATIN_ACCENTS: &str = r"\x{C0}-\x{D6}\x{D8}-\x{F6}\x{F8}-\x{FF}\x{100}-\x{24F}\x{253}\x{254}\x{256}\x{257}\x{259}\x{25B}\x{263}\x{268}\x{26F}\x{272}\x{289}\x{28B}\x{2BB}\x{300}-\x{36F}\x{1E00}-\x{1EFF}";

fn patterns() -> &'static Patterns {
    static PATTERNS: OnceLock<Patterns> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        let path_char = format!("[^{WHITE_SPACE}<>()?]");
        let parens =
            format!("\\((?:{path_char}+|(?:{path_char}*\\({path_char}+\\){path_char}*))\\)");
        let path_end = format!("(?:[^{WHITE_SPACE}()?!*\"'「」<>;:=,.$%\\[\\]~&|@]|{parens})");
        let path =
            format!("(?:(?:{path_char}*(?:{parens}{path_char}*)*{path_end})|(?:{path_char}+/))");
        let query_char = format!("[a-z0-9!?*'();:&=+$/%#\\[\\]\\-_.,~|@\\^{UCHARS}]");
        let query_end = format!("[a-z0-9_&=#/\\-{UCHARS}]");
        Patterns {
            tail: compile(&format!(
                "(?i)\\A(?::[0-9]+)?(/{path}*)?(?:\\?{query_char}*{query_end})?"
            )),
            tco: compile("(?i)\\Ahttps?://t\\.co/([a-z0-9]+)"),
            mention: compile(r"@((?i:[a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)(?:@\w+(?:[.-]+\w+)*)?)"),
            after_mention: compile(&format!("\\A(?:[@＠]|[{LATIN_ACCENTS}]|://)")),
            word_before: compile(r"[=/\w]\z"),
        }
    })
}

/// The protocols Mastodon links, at the start of `s`, case-insensitive: the length
/// with `://`, or 0.
fn protocol(s: &str) -> usize {
    let scheme = s.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
    let known = [
        "https", "http", "dat", "dweb", "ipfs", "ipns", "ssb", "gopher", "gemini",
    ];
    if known.iter().any(|k| s[..scheme].eq_ignore_ascii_case(k)) && s[scheme..].starts_with("://") {
        scheme + 3
    } else {
        0
    }
}

/// Longest URL twitter-text's extractor accepts.
const MAX_URL_LENGTH: usize = 4096;
const MAX_TCO_SLUG_LENGTH: usize = 40;
/// A mention whose domain is longer is text (`Extractor::MAX_DOMAIN_LENGTH`).
const MAX_DOMAIN_LENGTH: usize = 253;

/// The status length Mastodon's server computes for `text`, with `url_length` per
/// URL (the instance's `characters_reserved_per_url`).
pub fn length(text: &str, url_length: usize) -> usize {
    let p = patterns();
    // (start, end, replacement: None for a URL) in bytes.
    let mut entities: Vec<(usize, usize, Option<&str>)> = Vec::new();
    if text.contains(':') {
        for f in scan_urls(text, Dialect::Ruby, protocol, &p.tail) {
            if f.protocol == 0 {
                continue; // passed over; the scan went on after it
            }
            let mut end = f.end;
            if let Some(t) = p.tco.captures(&text[f.start..f.end]) {
                if t[1].chars().count() > MAX_TCO_SLUG_LENGTH {
                    continue;
                }
                end = f.start + t.get(0).expect("whole match").end();
            }
            let chars = text[f.start..end].chars().count();
            if valid_domain(chars, &text[f.domain.0..f.domain.1]) {
                entities.push((f.start, end, None));
            }
        }
    }
    if text.contains('@') {
        let mut from = 0;
        while let Some(caps) = p.mention.captures_at(text, from) {
            let whole = caps.get(0).expect("whole match");
            if p.word_before.is_match(&text[..whole.start()]) {
                // The look-behind refuses this `@`: the scan goes on just after it.
                from = whole.start() + 1;
                continue;
            }
            from = whole.end();
            if p.after_mention.is_match(&text[whole.end()..]) {
                continue;
            }
            let name = caps
                .get(1)
                .expect("the name group always takes part")
                .as_str();
            let mut parts = name.split('@');
            let local = parts.next().unwrap_or(name);
            if parts
                .next()
                .is_some_and(|domain| domain.chars().count() > MAX_DOMAIN_LENGTH)
            {
                continue;
            }
            entities.push((whole.start(), whole.end(), Some(local)));
        }
    }
    entities.sort_by_key(|e| e.0);
    let placeholder = "x".repeat(url_length);
    let mut countable = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end, replacement) in entities {
        if start < at {
            continue; // overlaps the entity before it
        }
        countable.push_str(&text[at..start]);
        match replacement {
            None => countable.push_str(&placeholder),
            Some(local) => {
                countable.push('@');
                countable.push_str(local);
            }
        }
        at = end;
    }
    countable.push_str(&text[at..]);
    countable.graphemes(true).count()
}

/// `is_valid_domain`: the host encodes to ASCII and the URL, with the host so
/// encoded, is at most 4096 characters. The gem asks libidn (IDNA 2003); this asks
/// the `idna` crate (UTS 46), which refuses and maps a few characters differently.
fn valid_domain(url_chars: usize, domain: &str) -> bool {
    let Ok(ascii) = idna::domain_to_ascii(domain) else {
        return false;
    };
    let grow = ascii.chars().count().saturating_sub(domain.chars().count());
    url_chars + grow <= MAX_URL_LENGTH
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_count_23_only_under_a_tld_twitter_text_knows() {
        assert_eq!(
            length("see https://example.com/a/very/long/path here", 23),
            32
        );
        assert_eq!(
            length("see https://wire.example/a/very/long/path here", 23),
            46
        );
        assert_eq!(length("http://localhost:8080/x", 23), 23);
        assert_eq!(length("see example.com here", 23), 20);
        assert_eq!(length("gemini://gemini.circumlunar.space/docs", 23), 23);
    }

    #[test]
    fn remote_mentions_count_their_local_part() {
        assert_eq!(length("hi @bob@example.com", 23), 7);
        assert_eq!(length("hi ＠bob@example.com", 23), 19);
        assert_eq!(length("mail@example.com", 23), 16);
    }
}
