//! X's weighted length, as X's official twitter-text 3.1.0 (JavaScript) computes it in
//! `parseTweet`: the text in NFC; each URL twitter-text extracts (scheme-less ones like
//! `gov.uk/budget` included) weighs `transformedURLLength`; with emoji parsing on, each
//! emoji twemoji-parser 11.0.2 finds weighs `defaultWeight` once, however many code
//! points it has; every other character weighs by the configuration's ranges, a
//! character outside the Basic Multilingual Plane by its low surrogate (so always
//! `defaultWeight`). A text is valid when it is not empty, holds no U+FFFE, U+FEFF or
//! U+FFFF, and weighs at most `maxWeightedTweetLength`.
//!
//! Why not the `twitter-text` crate (0.3.1), which passes X's published vectors: our
//! differential test (`tests/reference.rs`, thousands of generated headlines recounted
//! by the official JavaScript) found it
//! - panicking on ordinary text — a byte slice inside a multi-byte character when a
//!   non-ASCII letter comes shortly before an `@` (its default `Nom` backend);
//! - counting scheme-less domains at their literal length (a post headed `Outage hits
//!   gov.uk, nhs.uk, …`: 136 where X weighs 294), so X refused posts it passed;
//! - missing emoji twemoji-parser finds (`🇩🇪🇩🇪` 8 instead of 4) and weighing as one
//!   the newer emoji twemoji-parser 11 does not know;
//! - knowing TLDs twitter-text 3.1.0 does not (`.spa`, `.music`, IDN TLDs), so text
//!   X counts literally became a 23-weight URL;
//!
//! with 2,691 to 3,412 of 4,000 generated counts wrong, whichever of its backends.
//!
//! So the rules are restated here from twitter-text's own definitions and checked
//! against the official code on every generated text: `extractUrl` is matched as its
//! backtracking pattern would (labels, then a TLD of its list not followed by
//! `[0-9a-zA-Z@+-]`, trying fewer labels when none fits; port, path and query by a
//! linear-time pattern), then `extractUrlsWithIndices` and `idna.toAscii` decide which
//! matches count. The two tables come from the packages themselves
//! (`scripts/build-x-counting.js`, into `data/`): twitter-text's TLD list and
//! twemoji-parser's emoji pattern, whose one lookahead becomes a rule here. TLDs and
//! ASCII labels compare as JavaScript's `i` flag does (ECMA-262 `Canonicalize`: the
//! Greek `ι` matches through U+0345); the path and query patterns fold case as
//! Unicode does, which differs only for the Kelvin sign and the long `ſ`.

use regex::Regex;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;
use twitter_text_config::Configuration;
use unicode_normalization::UnicodeNormalization;

/// What `parseTweet` says about a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parsed {
    /// The weighted length (`weightedLength`): X's limit is 280 of these.
    pub weighted_length: usize,
    /// Whether X accepts the text as one post (`valid`).
    pub valid: bool,
}

/// `parseTweet(text, config)`.
pub fn parse(text: &str, config: &Configuration) -> Parsed {
    let text: String = text.nfc().collect();
    let scale = config.scale.max(1) as i64;
    // Entities by where they start; a later one with the same start replaces an
    // earlier one, and a URL wins over an emoji (as parseTweet looks them up).
    let url_weight = config.transformed_url_length as i64 * scale;
    let mut at: HashMap<usize, (usize, i64)> = HashMap::new();
    if config.emoji_parsing_enabled {
        for (s, e) in emoji_entities(&text) {
            at.insert(s, (e, config.default_weight as i64));
        }
    }
    let mut urls: HashMap<usize, usize> = HashMap::new();
    for u in urls_in(&text, Dialect::JavaScript) {
        urls.insert(u.0, u.1);
    }
    at.extend(urls.into_iter().map(|(s, e)| (s, (e, url_weight))));
    let mut weighted: i64 = 0;
    let mut valid = true;
    let mut i = 0;
    while i < text.len() {
        let (end, weight) = match at.get(&i) {
            Some(&found) => found,
            None => {
                let c = text[i..]
                    .chars()
                    .next()
                    .expect("i is on a character boundary");
                (i + c.len_utf8(), character_weight(c, config))
            }
        };
        weighted += weight;
        // parseTweet checks the last UTF-16 unit of each step; no surrogate is invalid.
        if valid {
            let last = text[..end]
                .chars()
                .next_back()
                .expect("a step is not empty");
            valid = !is_invalid(last);
        }
        i = end;
    }
    // parseTweet divides without rounding; v2 and v3 weights are multiples of the scale.
    let exact = weighted as f64 / scale as f64;
    Parsed {
        weighted_length: (weighted / scale) as usize,
        valid: valid && exact > 0.0 && exact <= config.max_weighted_tweet_length as f64,
    }
}

/// `getCharacterWeight`: the first configured range holding the character's first
/// UTF-16 unit as parseTweet reads it — for a character beyond U+FFFF, its low
/// surrogate.
fn character_weight(c: char, config: &Configuration) -> i64 {
    let unit = if (c as u32) > 0xFFFF {
        let mut buf = [0u16; 2];
        c.encode_utf16(&mut buf)[1] as i32
    } else {
        c as i32
    };
    config
        .ranges
        .iter()
        .find(|r| r.contains(unit))
        .map_or(config.default_weight, |r| r.weight) as i64
}

/// The emoji twemoji-parser 11.0.2 finds, as byte ranges: its pattern, and its one
/// lookahead as a rule — a text-style emoji followed by U+FE0E is none.
fn emoji_entities(text: &str) -> Vec<(usize, usize)> {
    static EMOJI: OnceLock<(Regex, HashSet<char>)> = OnceLock::new();
    let (pattern, text_style) = EMOJI.get_or_init(|| {
        let pattern = Regex::new(include_str!("../data/x-emoji.txt").trim())
            .expect("twemoji's pattern compiles");
        let text_style = include_str!("../data/x-emoji-text-style.txt")
            .lines()
            .filter_map(|h| char::from_u32(u32::from_str_radix(h, 16).ok()?))
            .collect();
        (pattern, text_style)
    });
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(m) = pattern.find_at(text, from) {
        let mut chars = m.as_str().chars();
        let single = chars.next().filter(|_| chars.next().is_none());
        if single.is_some_and(|c| text_style.contains(&c))
            && text[m.end()..].starts_with('\u{FE0E}')
        {
            // Nothing else in the pattern matches here: search on from the next character.
            from = m.end();
            continue;
        }
        out.push((m.start(), m.end()));
        from = m.end().max(m.start() + 1);
    }
    out
}

pub(crate) fn is_invalid(c: char) -> bool {
    matches!(c, '\u{FFFE}' | '\u{FEFF}' | '\u{FFFF}')
}

fn is_space(c: char) -> bool {
    matches!(c, '\u{9}'..='\u{D}' | ' ' | '\u{85}' | '\u{A0}' | '\u{1680}' | '\u{180E}' | '\u{2000}'..='\u{200A}' | '\u{2028}' | '\u{2029}' | '\u{202F}' | '\u{205F}' | '\u{3000}')
}

fn is_directional(c: char) -> bool {
    matches!(c, '\u{61C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// twitter-text's `punct` (JavaScript).
fn is_punct(c: char) -> bool {
    matches!(
        c,
        '!' | '\''
            | '#'
            | '%'
            | '&'
            | '('
            | ')'
            | '*'
            | '+'
            | ','
            | '\\'
            | '-'
            | '.'
            | '/'
            | ':'
            | ';'
            | '<'
            | '='
            | '>'
            | '?'
            | '@'
            | '['
            | ']'
            | '^'
            | '_'
            | '{'
            | '|'
            | '}'
            | '~'
            | '$'
    )
}

/// Which twitter-text matches: the JavaScript one X runs, or the Ruby gem (3.1) under
/// Mastodon. They differ in which characters a domain may hold and in `xn--` labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    JavaScript,
    Ruby,
}

impl Dialect {
    /// `validDomainChars` / `DOMAIN_VALID_CHARS`.
    fn is_domain_char(self, c: char) -> bool {
        let refused = is_punct(c) || is_space(c) || is_invalid(c) || is_directional(c);
        match self {
            Dialect::JavaScript => !refused,
            // Ruby's punctuation also holds `"` and `` ` ``, and control characters go.
            Dialect::Ruby => !(refused || matches!(c, '"' | '`' | '\u{0}'..='\u{1F}' | '\u{7F}')),
        }
    }
}

/// `validUrlPrecedingChars`: what may stand right before a URL.
fn is_preceding(c: char) -> bool {
    !(c.is_ascii_alphanumeric() || matches!(c, '@' | '＠' | '$' | '#' | '＃') || is_invalid(c))
        || is_directional(c)
}

/// JavaScript's case-insensitive matching (`Canonicalize`, ECMA-262 §22.2.2.7.3, without
/// the `u` flag): a character stands for its upper case when that is one character
/// and does not turn a non-ASCII character into an ASCII one.
pub(crate) fn canonical(c: char) -> char {
    let mut upper = c.to_uppercase();
    match (upper.next(), upper.next()) {
        (Some(u), None) if c.is_ascii() || !u.is_ascii() => u,
        _ => c,
    }
}

/// The TLDs twitter-text 3.1.0 knows (generic, then country), in canonical case,
/// with their place in the order its pattern tries them, and the longest's length.
fn tlds() -> &'static (HashMap<String, usize>, usize) {
    static TLDS: OnceLock<(HashMap<String, usize>, usize)> = OnceLock::new();
    TLDS.get_or_init(|| {
        let list: Vec<&str> = include_str!("../data/x-tlds.txt")
            .lines()
            .filter(|l| !l.is_empty())
            .collect();
        let longest = list.iter().map(|t| t.chars().count()).max().unwrap_or(0);
        let mut table = HashMap::new();
        for (i, t) in list.into_iter().enumerate() {
            table.entry(t.chars().map(canonical).collect()).or_insert(i);
        }
        (table, longest)
    })
}

/// Where a TLD of twitter-text's list ends when one starts at `q` (case-insensitive,
/// and not followed by `[0-9a-zA-Z@+-]`): the first the pattern's alternation tries;
/// else where an `xn--` label ends.
fn tld_end(text: &str, q: usize, dialect: Dialect) -> Option<usize> {
    let (table, longest) = tlds();
    let mut key = String::new();
    let mut best: Option<(usize, usize)> = None;
    for (k, c) in text[q..].char_indices().take(*longest) {
        key.push(canonical(c));
        let end = q + k + c.len_utf8();
        if let Some(&order) = table.get(&key) {
            let next = text[end..].chars().next();
            let boundary =
                next.is_none_or(|n| !(n.is_ascii_alphanumeric() || matches!(n, '@' | '+' | '-')));
            if boundary && best.is_none_or(|(o, _)| order < o) {
                best = Some((order, end));
            }
        }
    }
    if let Some((_, end)) = best {
        return Some(end);
    }
    // validPunycode: xn--[-0-9a-z]+ (the Ruby gem's without the hyphen).
    let rest = &text.as_bytes()[q..];
    if rest.len() > 4 && rest[..4].eq_ignore_ascii_case(b"xn--") {
        let n = rest[4..]
            .iter()
            .take_while(|b| {
                b.is_ascii_alphanumeric() || (**b == b'-' && dialect == Dialect::JavaScript)
            })
            .count();
        if n > 0 {
            return Some(q + 4 + n);
        }
    }
    None
}

/// Where `validDomain` ends when it starts at `d`: labels each followed by a dot
/// (starting and ending with a domain character; `_` only before the last one), then a
/// TLD — as many labels as can be taken, then fewer, as the pattern backtracks.
fn domain_end(text: &str, d: usize, dialect: Dialect) -> Option<usize> {
    // (where the label's dot is, whether the label holds `_`)
    let mut labels: Vec<(usize, bool)> = Vec::new();
    let mut u = d;
    loop {
        let mut first = None;
        let mut last = None;
        let mut underscore = false;
        let mut dot = None;
        for (k, c) in text[u..].char_indices() {
            if c == '.' {
                dot = Some(u + k);
                break;
            }
            if !(dialect.is_domain_char(c) || c == '-' || c == '_') {
                break;
            }
            first.get_or_insert(c);
            last = Some(c);
            underscore |= c == '_';
        }
        match (dot, first, last) {
            (Some(dot), Some(f), Some(l))
                if dialect.is_domain_char(f) && dialect.is_domain_char(l) =>
            {
                labels.push((dot, underscore));
                u = dot + 1;
            }
            _ => break,
        }
    }
    labels
        .iter()
        .rev()
        .filter(|(_, underscore)| !underscore)
        .find_map(|&(dot, _)| tld_end(text, dot + 1, dialect))
}

/// A URL the pattern matched: where it starts and ends, its domain, and what came
/// before it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Found {
    /// The character the pattern took before the URL (none at the start of the text).
    pub before: Option<char>,
    pub start: usize,
    /// The protocol's length (0 without one).
    pub protocol: usize,
    pub domain: (usize, usize),
    pub has_path: bool,
    pub end: usize,
}

/// The URL pattern's matches in `text`, left to right, each search going on where the
/// match before it ended (a JavaScript `exec` loop, Ruby's `scan`). `protocol` gives
/// the length of the protocol a text starts with; `tail` matches port, path and query
/// at the domain's end (group 1: the path).
pub(crate) fn scan_urls(
    text: &str,
    dialect: Dialect,
    protocol: impl Fn(&str) -> usize,
    tail: &Regex,
) -> Vec<Found> {
    let url_at = |s: usize| -> Option<(usize, (usize, usize))> {
        let p = protocol(&text[s..]);
        // `(protocol)?` is tried with the protocol first, then without.
        let with = (p > 0).then(|| domain_end(text, s + p, dialect).map(|e| (p, (s + p, e))));
        with.flatten()
            .or_else(|| domain_end(text, s, dialect).map(|e| (0, (s, e))))
    };
    let mut found = Vec::new();
    let mut from = 0;
    'search: while from < text.len() {
        for (k, c) in text[from..].char_indices() {
            let i = from + k;
            let attempts = [
                is_preceding(c).then_some((Some(c), i + c.len_utf8())),
                (i == 0).then_some((None, 0)),
            ];
            for (before, s) in attempts.into_iter().flatten() {
                if let Some((protocol, domain)) = url_at(s) {
                    let caps = tail
                        .captures(&text[domain.1..])
                        .expect("the tail may be empty");
                    let end = domain.1 + caps.get(0).expect("whole match").end();
                    found.push(Found {
                        before,
                        start: s,
                        protocol,
                        domain,
                        has_path: caps.get(1).is_some(),
                        end,
                    });
                    from = end;
                    continue 'search;
                }
            }
        }
        break;
    }
    found
}

const LATIN_ACCENTS: &str = r"\x{C0}-\x{D6}\x{D8}-\x{F6}\x{F8}-\x{FF}\x{100}-\x{24F}\x{253}\x{254}\x{256}\x{257}\x{259}\x{25B}\x{263}\x{268}\x{26F}\x{272}\x{289}\x{28B}\x{2BB}\x{300}-\x{36F}\x{1E00}-\x{1EFF}";
const CYRILLIC: &str = r"\x{400}-\x{4FF}";
const QUERY_CHAR: &str = r"[a-z0-9!?*'@\(\);:&=+$/%#\[\]\-_.,~|]";
const QUERY_END: &str = r"[a-z0-9\-_&=#/]";

/// What follows a domain in twitter-text's `extractUrl`: port, path (group 1), query.
fn tail() -> &'static Regex {
    static TAIL: OnceLock<Regex> = OnceLock::new();
    TAIL.get_or_init(|| {
        let path_char =
            format!("[a-z{CYRILLIC}0-9!*';:=+,.$/%#\\[\\]\\-\\x{{2013}}_~@|&{LATIN_ACCENTS}]");
        let parens =
            format!("\\((?:{path_char}+|(?:{path_char}*\\({path_char}+\\){path_char}*))\\)");
        let path_end = format!("(?:[+\\-a-z{CYRILLIC}0-9=_#/{LATIN_ACCENTS}]|{parens})");
        let path =
            format!("(?:(?:{path_char}*(?:{parens}{path_char}*)*{path_end})|(?:@{path_char}+/))");
        compile(&format!(
            "(?i)\\A(?::[0-9]+)?(/{path}*)?(?:\\?{QUERY_CHAR}*{QUERY_END})?"
        ))
    })
}

pub(crate) fn compile(pattern: &str) -> Regex {
    Regex::new(pattern).expect("twitter-text's patterns compile")
}

fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

const MAX_URL_LENGTH: usize = 4096;
const MAX_TCO_SLUG_LENGTH: usize = 40;

/// `https?://` at the start of `s`, case-insensitive: its length, or 0.
fn http_protocol(s: &str) -> usize {
    let b = s.as_bytes();
    if b.len() >= 8 && b[..8].eq_ignore_ascii_case(b"https://") {
        8
    } else if b.len() >= 7 && b[..7].eq_ignore_ascii_case(b"http://") {
        7
    } else {
        0
    }
}

/// `extractUrlsWithIndices(text)` (URLs without a protocol included), as byte ranges.
fn urls_in(text: &str, dialect: Dialect) -> Vec<(usize, usize)> {
    if !text.contains('.') {
        return Vec::new();
    }
    static TCO: OnceLock<Regex> = OnceLock::new();
    let tco = TCO.get_or_init(|| {
        compile(&format!(
            "(?i)\\Ahttps?://t\\.co/([a-z0-9]+)(?:\\?{QUERY_CHAR}*{QUERY_END})?"
        ))
    });
    let mut urls = Vec::new();
    for f in scan_urls(text, dialect, http_protocol, tail()) {
        let url = &text[f.start..f.end];
        let domain = &text[f.domain.0..f.domain.1];
        let protocol = if f.protocol > 0 {
            &text[f.start..f.start + f.protocol]
        } else {
            "https://"
        };
        if !is_valid_url(url, protocol, domain) {
            continue;
        }
        if f.protocol == 0 {
            if f.before.is_some_and(|c| matches!(c, '-' | '_' | '.' | '/')) {
                continue;
            }
            // The ASCII domains inside, each looked for after the one before (indexOf).
            let mut ascii_end = 0;
            let mut last = None;
            for (s, e) in ascii_domains(domain) {
                let piece = &domain[s..e];
                let at = domain[ascii_end..].find(piece).map_or(s, |i| ascii_end + i);
                ascii_end = at + piece.len();
                urls.push((f.domain.0 + at, f.domain.0 + ascii_end));
                last = Some(urls.len() - 1);
            }
            // The last one takes the path and query with it.
            if let (Some(last), true) = (last, f.has_path) {
                urls[last].1 = f.end;
            }
        } else {
            let mut end = f.end;
            if let Some(t) = tco.captures(url) {
                if utf16_len(&t[1]) > MAX_TCO_SLUG_LENGTH {
                    continue;
                }
                end = f.start + t.get(0).expect("whole match").end();
            }
            urls.push((f.start, end));
        }
    }
    urls
}

/// `validAsciiDomain`'s matches in `domain`: labels of ASCII letters, digits, `-` and
/// Latin accented letters each followed by a dot, then a TLD.
fn ascii_domains(domain: &str) -> Vec<(usize, usize)> {
    // `[\-a-z0-9…]` under the `i` flag: what shares a canonical character with it (the
    // Greek `ι` does, through U+0345 among the accents).
    static LABEL: OnceLock<HashSet<char>> = OnceLock::new();
    let label = LABEL.get_or_init(|| {
        let accents = [
            0xC0..=0xD6,
            0xD8..=0xF6,
            0xF8..=0x24F,
            0x253..=0x254,
            0x256..=0x257,
            0x259..=0x259,
            0x25B..=0x25B,
            0x263..=0x263,
            0x268..=0x268,
            0x26F..=0x26F,
            0x272..=0x272,
            0x289..=0x289,
            0x28B..=0x28B,
            0x2BB..=0x2BB,
            0x300..=0x36F,
            0x1E00..=0x1EFF,
        ];
        ('a'..='z')
            .chain('0'..='9')
            .chain(['-'])
            .chain(accents.into_iter().flatten().filter_map(char::from_u32))
            .map(canonical)
            .collect()
    });
    let is_ascii_label_char = |c: char| label.contains(&canonical(c));
    let mut out = Vec::new();
    let mut from = 0;
    'search: while from < domain.len() {
        for (k, _) in domain[from..].char_indices() {
            let i = from + k;
            let mut dots = Vec::new();
            let mut u = i;
            loop {
                let run = domain[u..]
                    .char_indices()
                    .find(|&(_, c)| !is_ascii_label_char(c))
                    .map_or(domain.len() - u, |(n, _)| n);
                if run > 0 && domain[u + run..].starts_with('.') {
                    dots.push(u + run);
                    u += run + 1;
                } else {
                    break;
                }
            }
            if let Some(end) = dots
                .iter()
                .rev()
                .find_map(|&dot| tld_end(domain, dot + 1, Dialect::JavaScript))
            {
                out.push((i, end));
                from = end;
                continue 'search;
            }
        }
        break;
    }
    out
}

/// `isValidUrl`: the domain as twitter-text's `idna.toAscii` accepts it (each label
/// punycode-encoded is 1–63 units; an `xn--` domain holds an ASCII domain), and
/// the protocol plus the URL at most 4096 UTF-16 units. (`toAscii` returns the labels
/// unencoded, so the length is the URL's own.)
fn is_valid_url(url: &str, protocol: &str, domain: &str) -> bool {
    if domain.starts_with("xn--") && ascii_domains(domain).is_empty() {
        return false;
    }
    let labels_ok = domain
        .split('.')
        .all(|label| punycode_to_ascii_len(label).is_some_and(|n| (1..=63).contains(&n)));
    labels_ok && utf16_len(protocol) + utf16_len(url) <= MAX_URL_LENGTH
}

/// Length of punycode.js 1.4.1's `toASCII(label)`: split again at the other full
/// stops (。．｡), each part with a character outside U+0020–U+007E encoded as
/// `xn--…`, joined by `.`.
fn punycode_to_ascii_len(label: &str) -> Option<usize> {
    let mut total = 0;
    for (i, part) in label
        .split(['.', '\u{3002}', '\u{FF0E}', '\u{FF61}'])
        .enumerate()
    {
        if i > 0 {
            total += 1;
        }
        total += if part.chars().all(|c| (' '..='~').contains(&c)) {
            part.len()
        } else {
            4 + idna::punycode::encode_str(part)?.len()
        };
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weight(text: &str) -> usize {
        parse(text, twitter_text_config::config_v3()).weighted_length
    }

    #[test]
    fn scheme_less_domains_weigh_as_urls() {
        assert_eq!(weight("gov.uk"), 23);
        assert_eq!(
            weight("see gov.uk/budget-2026, who.int."),
            4 + 23 + 2 + 23 + 1
        );
        // A TLD twitter-text does not know is text.
        assert_eq!(weight("https://newswire.example/a"), 26);
        assert_eq!(weight("http://localhost:8080/a"), 23);
    }

    #[test]
    fn emoji_sequences_weigh_two_and_new_ones_by_code_point() {
        assert_eq!(weight("🇩🇪🇩🇪"), 4);
        assert_eq!(weight("👨‍👩‍👧‍👦"), 2);
        assert_eq!(weight("1\u{20E3}"), 2);
        // Unicode 13, after twemoji-parser 11: a cat, a joiner and a black square.
        assert_eq!(weight("🐈‍⬛"), 5);
        assert_eq!(weight("故人西辞"), 8);
    }
}
