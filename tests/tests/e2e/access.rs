//! Subscriber access as a property, checked against a model: generated worlds (stories
//! live, embargoed, past their embargo, withheld, corrected, killed before and after
//! release; public patterns; subscribers with entitlement patterns, keys given as
//! secrets or digests, two keys during rotation; NewsML subscribers trusted with
//! embargoes or not) and generated requests over every endpoint — feeds in three
//! formats and their archive pages (served by the feeds' own loop and by the combined
//! router of `newswire dev`), `/v1/items` and its event stream, and the NewsML pull API — with random paths,
//! filters, repeated parameters, percent-encoding, case variants and keys in every
//! position.
//!
//! The model is written here, independently of `newswire_shared::access`: which
//! stories a key may read (its patterns matched against a story's facts), what each
//! request selects, and what status it must get. Every response is checked: its status
//! is the model's, and every story in it is one the model lets the caller read, in the
//! selection, and released to it. Then every story the model lets a caller read is
//! fetched through a request the model says is granted.

use chrono::{DateTime, Duration as ChronoDuration, SubsecRound, Utc};
use newswire_feeds::Feeds;
use newswire_newsml::delivery::ItemVersion;
use newswire_shared::config::{NewsmlSubscriber, Settings, Subscriber};
use newswire_shared::keys::{ConfiguredKey, KeyDigest};
use newswire_shared::shutdown;
use newswire_tests::http_client::{Client, Response};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

// ---------------------------------------------------------------------------------
// The vocabulary of stories and requests.

/// Sections as the newsroom writes them; their slugs are the lower-case words.
const SECTIONS: [&str; 3] = ["Sport", "Economy", "Politics"];
/// Language tags as the enricher writes them.
const LANGS: [&str; 4] = ["en", "ru", "zh-Hans", "de"];
/// Entities: name and id.
const ENTITIES: [(&str, Option<&str>); 5] = [
    ("Belarus", Some("wikidata:Q184")),
    ("Brest Region", Some("iso3166-2:BY-BR")),
    ("Minsk", Some("geonames:625144")),
    ("Aleksandr Lukashenko", None),
    ("Kazakhstan", Some("geonames:1522867")),
];

/// Entitlement patterns the worlds draw from: every form (all, wildcards, prefixes,
/// combined) and every dimension.
const POOL: [&str; 20] = [
    "*",
    "all",
    "urgent",
    "section/sport",
    "section/economy",
    "section/*",
    "section/eco*",
    "lang/ru",
    "lang/zh",
    "lang/*",
    "entity/wikidata:Q184",
    "entity/belarus",
    "entity/aleksandr-lukashenko",
    "entity/geonames:*",
    "entity/iso3166-2:BY-*",
    "entity/wikidata:Q1*",
    "section/sport?lang=ru",
    "lang/en?urgent=1",
    "section/politics?entity=minsk",
    "urgent?section=economy",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Live,
    /// Embargo passed an hour ago.
    EmbargoPassed,
    /// Embargo a day from now.
    Embargoed,
    Withheld,
    /// v1 released, v2 canceled.
    KilledAfter,
    /// v1 under embargo, canceled (v2) before the embargo passed.
    KilledBefore,
    /// v1 and v2 both usable.
    Corrected,
}

#[derive(Debug, Clone)]
struct Story {
    id: String,
    section: Option<usize>,
    lang: usize,
    urgency: u8,
    entities: Vec<usize>,
    kind: Kind,
}

#[derive(Debug, Clone)]
struct FeedsSub {
    patterns: Vec<&'static str>,
    /// The secrets; configured as given or as digests (`as_digest`).
    keys: Vec<String>,
    as_digest: Vec<bool>,
}

#[derive(Debug, Clone)]
struct NewsmlSub {
    patterns: Vec<&'static str>,
    keys: Vec<String>,
    as_digest: Vec<bool>,
    trusted: bool,
}

#[derive(Debug, Clone)]
struct World {
    stories: Vec<Story>,
    feeds_public: Vec<&'static str>,
    feeds_subs: Vec<FeedsSub>,
    /// `None`: unset (private).
    newsml_public: Option<Vec<&'static str>>,
    newsml_subs: Vec<NewsmlSub>,
    /// Seeds the requests.
    seed: u64,
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        4 => Just(Kind::Live),
        1 => Just(Kind::EmbargoPassed),
        1 => Just(Kind::Embargoed),
        1 => Just(Kind::Withheld),
        1 => Just(Kind::KilledAfter),
        1 => Just(Kind::KilledBefore),
        1 => Just(Kind::Corrected),
    ]
}

fn patterns(max: usize) -> impl Strategy<Value = Vec<&'static str>> {
    proptest::collection::vec(proptest::sample::select(&POOL[..]), 0..=max)
}

fn keys(tag: &'static str) -> impl Strategy<Value = (Vec<String>, Vec<bool>)> {
    (1usize..=2, any::<u32>(), any::<[bool; 2]>()).prop_map(move |(n, salt, digest)| {
        let keys = (0..n)
            .map(|i| format!("{tag}-key-{salt:08x}-{i}-padding"))
            .collect();
        (keys, digest[..n].to_vec())
    })
}

fn world() -> impl Strategy<Value = World> {
    let story = (
        proptest::option::weighted(0.85, 0..SECTIONS.len()),
        0..LANGS.len(),
        1u8..=9,
        proptest::sample::subsequence((0..ENTITIES.len()).collect::<Vec<_>>(), 0..=2),
        kind(),
    );
    let feeds_sub =
        (patterns(3), keys("feeds")).prop_map(|(patterns, (keys, as_digest))| FeedsSub {
            patterns,
            keys,
            as_digest,
        });
    let newsml_sub = (patterns(3), keys("newsml"), any::<bool>()).prop_map(
        |(patterns, (keys, as_digest), trusted)| NewsmlSub {
            patterns,
            keys,
            as_digest,
            trusted,
        },
    );
    (
        proptest::collection::vec(story, 10..28),
        patterns(2),
        proptest::collection::vec(feeds_sub, 1..=3),
        proptest::option::of(patterns(2)),
        proptest::collection::vec(newsml_sub, 1..=3),
        any::<u64>(),
    )
        .prop_map(
            |(stories, feeds_public, feeds_subs, newsml_public, newsml_subs, seed)| World {
                stories: stories
                    .into_iter()
                    .enumerate()
                    .map(|(i, (section, lang, urgency, entities, kind))| Story {
                        id: format!("s{i:02}"),
                        section,
                        lang,
                        urgency,
                        entities,
                        kind,
                    })
                    .collect(),
                feeds_public,
                feeds_subs,
                newsml_public,
                newsml_subs,
                seed,
            },
        )
}

// ---------------------------------------------------------------------------------
// The model.

/// A story's facts in canonical form.
struct Facts {
    section: Option<String>,
    lang: String,
    urgent: bool,
    entities: Vec<String>,
}

fn canonical_name(name: &str) -> String {
    name.to_lowercase().replace(' ', "-")
}

impl Story {
    fn facts(&self) -> Facts {
        let mut entities = Vec::new();
        for &e in &self.entities {
            let (name, id) = ENTITIES[e];
            entities.push(canonical_name(name));
            if let Some(id) = id {
                entities.push(id.to_string());
            }
        }
        Facts {
            section: self.section.map(|s| SECTIONS[s].to_lowercase()),
            lang: LANGS[self.lang].to_lowercase(),
            urgent: self.urgency <= 3,
            entities,
        }
    }

    /// In the feeds now (usable, released).
    fn in_feeds(&self) -> bool {
        matches!(
            self.kind,
            Kind::Live | Kind::EmbargoPassed | Kind::Corrected
        )
    }

    /// Ever released to subscribers who are not trusted with embargoes.
    fn ever_released(&self) -> bool {
        self.in_feeds() || self.kind == Kind::KilledAfter
    }

    fn versions(&self) -> u64 {
        match self.kind {
            Kind::KilledAfter | Kind::KilledBefore | Kind::Corrected => 2,
            _ => 1,
        }
    }

    /// The versions an untrusted NewsML caller may ever see.
    fn released_versions(&self) -> Vec<u64> {
        match self.kind {
            Kind::Live | Kind::EmbargoPassed => vec![1],
            Kind::KilledAfter | Kind::Corrected => vec![1, 2],
            Kind::Embargoed | Kind::Withheld | Kind::KilledBefore => vec![],
        }
    }

    /// The newest version a NewsML caller gets for this story.
    fn newsml_latest(&self, trusted: bool) -> Option<u64> {
        if trusted {
            Some(self.versions())
        } else {
            self.released_versions().last().copied()
        }
    }
}

/// One condition of a selection or pattern: a dimension and what it asks.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Cond {
    Section(Want),
    Lang(Want),
    Entity(Want),
    Urgent,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Want {
    Is(String),
    Prefix(String),
}

/// A pattern of the pool, read by the model: conditions, all of which must hold.
fn model_pattern(p: &str) -> Vec<Cond> {
    if p == "*" || p == "all" {
        return Vec::new();
    }
    let (path, query) = p.split_once('?').unwrap_or((p, ""));
    let want = |v: &str| match v.strip_suffix('*') {
        Some(prefix) => Want::Prefix(prefix.to_string()),
        None => Want::Is(v.to_string()),
    };
    let mut conds = Vec::new();
    let mut add = |dim: &str, v: &str| match dim {
        "section" => conds.push(Cond::Section(want(v))),
        "lang" => conds.push(Cond::Lang(want(v))),
        "entity" => conds.push(Cond::Entity(want(v))),
        "urgent" => conds.push(Cond::Urgent),
        _ => panic!("pool pattern {p}"),
    };
    match path.split_once('/') {
        Some((dim, v)) => add(dim, v),
        None => add(path, ""),
    }
    for pair in query.split('&').filter(|q| !q.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap();
        add(k, v);
    }
    conds
}

fn lang_within(tag: &str, range: &str) -> bool {
    tag == range || tag.starts_with(&format!("{range}-"))
}

/// Whether a story has what a condition asks.
fn story_meets(c: &Cond, f: &Facts) -> bool {
    match c {
        Cond::Section(Want::Is(v)) => f.section.as_deref() == Some(v),
        Cond::Section(Want::Prefix(p)) => f
            .section
            .as_deref()
            .is_some_and(|s| s.starts_with(p.as_str())),
        Cond::Lang(Want::Is(v)) => lang_within(&f.lang, v),
        Cond::Lang(Want::Prefix(p)) => f.lang.starts_with(p.as_str()),
        Cond::Entity(Want::Is(v)) => f.entities.contains(v),
        Cond::Entity(Want::Prefix(p)) => f.entities.iter().any(|e| e.starts_with(p.as_str())),
        Cond::Urgent => f.urgent,
    }
}

/// The model's "may read": some pattern whose every condition the story meets.
fn may_read(patterns: &[&str], story: &Story) -> bool {
    let f = story.facts();
    patterns
        .iter()
        .any(|p| model_pattern(p).iter().all(|c| story_meets(c, &f)))
}

/// What a request selects, in canonical values (`Is` only).
#[derive(Debug, Clone, Default)]
struct Sel {
    section: Option<String>,
    lang: Option<String>,
    entity: Option<String>,
    urgent: bool,
}

impl Sel {
    fn selects(&self, story: &Story) -> bool {
        let f = story.facts();
        self.section
            .as_ref()
            .is_none_or(|s| f.section.as_ref() == Some(s))
            && self.lang.as_ref().is_none_or(|l| lang_within(&f.lang, l))
            && self.entity.as_ref().is_none_or(|e| f.entities.contains(e))
            && (!self.urgent || f.urgent)
    }

    /// Whether a pattern's every condition is implied by this selection (a request
    /// for a feed is granted only whole).
    fn within(&self, pattern: &str) -> bool {
        model_pattern(pattern).iter().all(|c| match c {
            Cond::Section(Want::Is(v)) => self.section.as_deref() == Some(v),
            Cond::Section(Want::Prefix(p)) => self
                .section
                .as_deref()
                .is_some_and(|s| s.starts_with(p.as_str())),
            Cond::Lang(Want::Is(v)) => self.lang.as_deref().is_some_and(|l| lang_within(l, v)),
            Cond::Lang(Want::Prefix(p)) => self
                .lang
                .as_deref()
                .is_some_and(|l| l.starts_with(p.as_str())),
            Cond::Entity(Want::Is(v)) => self.entity.as_deref() == Some(v),
            Cond::Entity(Want::Prefix(p)) => self
                .entity
                .as_deref()
                .is_some_and(|e| e.starts_with(p.as_str())),
            Cond::Urgent => self.urgent,
        })
    }

    fn granted_by(&self, patterns: &[&str]) -> bool {
        patterns.iter().any(|p| self.within(p))
    }
}

// ---------------------------------------------------------------------------------
// Requests.

/// A small deterministic generator for the requests of one world.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // SplitMix64.
        self.0 = self.0.wrapping_add(0x9e3779b97f4a7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d049bb133111eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn respell(rng: &mut Rng, s: &str) -> String {
    match rng.below(4) {
        0 => s.to_uppercase(),
        1 => {
            let mut c = s.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        }
        _ => s.to_string(),
    }
}

/// Percent-encodes what must be (space, non-ASCII, reserved) and, now and then, an
/// ordinary letter too; in a query a space may also be `+`.
fn encode(rng: &mut Rng, s: &str, in_query: bool) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let must = !(c.is_ascii_alphanumeric() || "-.:_*".contains(c));
        if c == ' ' && in_query && rng.chance(50) {
            out.push('+');
        } else if must || (c.is_ascii_alphanumeric() && rng.chance(10)) {
            let mut buf = [0; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Who the request says it is.
#[derive(Debug, Clone)]
enum Presents {
    Nobody,
    /// A valid key of subscriber `i` (its key number `k`).
    Key(usize, usize),
    Wrong,
}

#[derive(Debug)]
struct Request {
    target: String,
    headers: Vec<(&'static str, String)>,
    presents: Presents,
    /// A parameter given twice.
    repeated: bool,
    /// The first filter value that is invalid, in the order the server reads filters.
    invalid: bool,
    /// The path names no feed (or a malformed archive page).
    unknown: bool,
    /// A query filter contradicts the path's.
    conflict: bool,
    sel: Sel,
}

impl Request {
    /// Its headers as the client takes them.
    fn header_pairs(&self) -> Vec<(&str, &str)> {
        self.headers.iter().map(|(k, v)| (*k, v.as_str())).collect()
    }
}

/// Who a request presents itself as, and the patterns that caller reads by (the
/// requests are drawn towards them, so that granted requests are common too).
fn choose_caller(
    rng: &mut Rng,
    keys: &[Vec<String>],
    public: &[&'static str],
    subs: &[&[&'static str]],
) -> (Presents, Vec<&'static str>) {
    match rng.below(6) {
        0 | 1 => (Presents::Nobody, public.to_vec()),
        5 => (Presents::Wrong, Vec::new()),
        _ if keys.is_empty() => (Presents::Nobody, public.to_vec()),
        _ => {
            let i = rng.below(keys.len());
            (Presents::Key(i, rng.below(keys[i].len())), subs[i].to_vec())
        }
    }
}

/// A concrete selection inside `pattern`, as (dimension, canonical value) pairs; the
/// first is meant for the path. Wildcards are filled with a value they take.
fn inside(rng: &mut Rng, pattern: &str) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for c in model_pattern(pattern) {
        match c {
            Cond::Urgent => out.push(("urgent", String::new())),
            Cond::Section(Want::Is(v)) => out.push(("section", v)),
            Cond::Section(Want::Prefix(p)) => {
                let fits: Vec<&str> = ["sport", "economy", "politics"]
                    .into_iter()
                    .filter(|s| s.starts_with(p.as_str()))
                    .collect();
                out.push(("section", rng.pick(&fits).to_string()));
            }
            Cond::Lang(Want::Is(v)) => out.push((
                "lang",
                if v == "zh" && rng.chance(50) {
                    "zh-hans".into()
                } else {
                    v
                },
            )),
            Cond::Lang(Want::Prefix(p)) => {
                let fits: Vec<&str> = ["en", "ru", "zh", "zh-hans", "de"]
                    .into_iter()
                    .filter(|s| s.starts_with(p.as_str()))
                    .collect();
                out.push(("lang", rng.pick(&fits).to_string()));
            }
            Cond::Entity(Want::Is(v)) => out.push(("entity", v)),
            Cond::Entity(Want::Prefix(p)) => {
                let fits: Vec<&str> = [
                    "wikidata:Q184",
                    "geonames:625144",
                    "geonames:1522867",
                    "iso3166-2:BY-BR",
                    "belarus",
                    "minsk",
                    "brest-region",
                ]
                .into_iter()
                .filter(|s| s.starts_with(p.as_str()))
                .collect();
                out.push(("entity", rng.pick(&fits).to_string()));
            }
        }
    }
    out
}

/// How a canonical value may be written in a request.
fn spell(rng: &mut Rng, dim: &str, canonical: &str) -> String {
    match (dim, canonical) {
        ("entity", "wikidata:Q184") => rng
            .pick(&["wikidata:Q184", "WIKIDATA:q184", "wikidata:q184"])
            .to_string(),
        ("entity", "aleksandr-lukashenko") => rng
            .pick(&[
                "Aleksandr Lukashenko",
                "aleksandr-lukashenko",
                "ALEKSANDR  LUKASHENKO",
            ])
            .to_string(),
        ("entity", "geonames:625144") => rng
            .pick(&["geonames:625144", "GeoNames:625144"])
            .to_string(),
        ("entity", "iso3166-2:BY-BR") => rng
            .pick(&["iso3166-2:BY-BR", "ISO3166-2:by-br", "iso3166-2:By-bR"])
            .to_string(),
        ("entity", id) if id.contains(':') => id.to_string(),
        _ => respell(rng, canonical),
    }
}

/// A random value of a filter, canonical (section, lang and entity values of the
/// vocabulary and beyond it).
fn any_value(rng: &mut Rng, dim: &str) -> String {
    match dim {
        "section" => rng
            .pick(&["sport", "economy", "politics", "culture"])
            .to_string(),
        "lang" => rng
            .pick(&["en", "ru", "zh", "zh-hans", "de", "fr"])
            .to_string(),
        _ => rng
            .pick(&[
                "wikidata:Q184",
                "belarus",
                "aleksandr-lukashenko",
                "minsk",
                "geonames:625144",
                "geonames:1522867",
                "kazakhstan",
                "iso3166-2:BY-BR",
                "brest-region",
                "iso3166-2:KZ-10",
                "atlantis",
            ])
            .to_string(),
    }
}

/// The request for `path` with its query: filters (each may narrow `sel`, contradict the
/// path's `fixed`, or be invalid), junk, the key of the caller it `presents` when it
/// travels there, now and then a repeat, and last the `extra` parameters.
fn query(
    rng: &mut Rng,
    filters: Vec<(&'static str, String)>,
    fixed: &Sel,
    (keys, presents): (&[Vec<String>], Presents),
    path: String,
    extra: &[&str],
) -> Request {
    let key = key_of(keys, &presents);
    let mut sel = fixed.clone();
    let mut params: Vec<(String, String)> = Vec::new();
    let (mut invalid, mut conflict) = (false, false);
    for (dim, canonical) in filters {
        let name = respell(rng, dim);
        if dim == "urgent" {
            let v = *rng.pick(&["1", "true", "", "0", "false", "maybe"]);
            match v {
                "1" | "true" | "" => sel.urgent = true,
                "0" | "false" => {}
                _ => invalid = true,
            }
            params.push((name, v.to_string()));
            continue;
        }
        let (slot, path) = match dim {
            "section" => (&mut sel.section, &fixed.section),
            "lang" => (&mut sel.lang, &fixed.lang),
            _ => (&mut sel.entity, &fixed.entity),
        };
        match path {
            Some(p) if dim == "lang" && lang_within(&canonical, p) => {
                *slot = Some(canonical.clone())
            }
            Some(p) if dim == "lang" && lang_within(p, &canonical) => {}
            Some(p) if *p != canonical => conflict = true,
            _ => *slot = Some(canonical.clone()),
        }
        params.push((name, spell(rng, dim, &canonical)));
    }
    if rng.chance(15) {
        params.push((
            rng.pick(&["_", "cachebust", "utm_source"]).to_string(),
            rng.next().to_string(),
        ));
    }
    let mut headers = Vec::new();
    if let Some(key) = key {
        match rng.below(4) {
            0 => headers.push(("Authorization", format!("Bearer {key}"))),
            1 => headers.push(("authorization", format!("bearer {key}"))),
            2 => headers.push(("X-API-Key", key)),
            _ => params.push(("key".into(), key)),
        }
    }
    if !params.is_empty() && rng.chance(8) {
        let (name, value) = params[rng.below(params.len())].clone();
        let again = if rng.chance(50) {
            value
        } else {
            format!("{value}x")
        };
        params.push((respell(rng, &name), again));
    }
    // The model's rule: a name given twice, in any case, is a repeat.
    let mut names: Vec<String> = params.iter().map(|(k, _)| k.to_lowercase()).collect();
    names.sort();
    let repeated = names.windows(2).any(|w| w[0] == w[1]);
    // Shuffled: the server must not depend on the order either.
    for i in (1..params.len()).rev() {
        params.swap(i, rng.below(i + 1));
    }
    let mut encoded: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{}={}", encode(rng, k, true), encode(rng, v, true)))
        .collect();
    encoded.extend(extra.iter().map(|e| e.to_string()));
    Request {
        target: join_query(path, &encoded),
        headers,
        presents,
        repeated,
        invalid,
        unknown: false,
        conflict,
        sel,
    }
}

fn key_of(keys: &[Vec<String>], presents: &Presents) -> Option<String> {
    match presents {
        Presents::Nobody => None,
        Presents::Key(i, k) => Some(keys[*i][*k].clone()),
        Presents::Wrong => Some("not-a-key-of-anyone-0000".to_string()),
    }
}

/// Filters for a request by a caller reading by `patterns`: half the time a selection
/// inside one of them, then random narrowing (or widening, or contradiction).
fn draw_filters(rng: &mut Rng, patterns: &[&'static str]) -> Vec<(&'static str, String)> {
    let mut filters = if !patterns.is_empty() && rng.chance(60) {
        let pattern = *rng.pick(patterns);
        inside(rng, pattern)
    } else {
        Vec::new()
    };
    for _ in 0..rng.below(3) {
        let dim = *rng.pick(&["section", "lang", "entity", "urgent"]);
        if filters.iter().any(|(d, _)| *d == dim) {
            continue;
        }
        let v = if dim == "urgent" {
            String::new()
        } else {
            any_value(rng, dim)
        };
        filters.push((dim, v));
    }
    filters
}

fn join_query(path: String, params: &[String]) -> String {
    if params.is_empty() {
        path
    } else {
        format!("{path}?{}", params.join("&"))
    }
}

/// `/feeds/{name}[/archive/{n}].{ext}` with a query.
fn feed_request(
    rng: &mut Rng,
    keys: &[Vec<String>],
    public: &[&'static str],
    subs: &[&[&'static str]],
) -> (Request, Option<usize>, &'static str) {
    let (presents, patterns) = choose_caller(rng, keys, public, subs);
    let mut filters = draw_filters(rng, &patterns);
    let mut fixed = Sel::default();
    let mut unknown = false;
    // The path takes the first filter (or none: `all`), now and then a name that
    // names no feed.
    let name = if rng.chance(6) {
        unknown = true;
        rng.pick(&[
            "sport",
            "section",
            "section/",
            "ALL",
            "Section/sport",
            "lang",
        ])
        .to_string()
    } else if filters.is_empty() || rng.chance(20) {
        "all".to_string()
    } else {
        let (dim, v) = filters.remove(0);
        match dim {
            "urgent" => {
                fixed.urgent = true;
                "urgent".to_string()
            }
            _ => {
                match dim {
                    "section" => fixed.section = Some(v.clone()),
                    "lang" => fixed.lang = Some(v.clone()),
                    _ => fixed.entity = Some(v.clone()),
                }
                let spelt = spell(rng, dim, &v);
                format!("{dim}/{}", encode(rng, &spelt, false))
            }
        }
    };
    // Sometimes the query repeats a path's filter with another value.
    if rng.chance(10) {
        if let Some(dim) = ["section", "lang", "entity"]
            .into_iter()
            .find(|d| name.starts_with(&format!("{d}/")))
        {
            filters.push((dim, any_value(rng, dim)));
        }
    }
    let ext = *rng.pick(&["rss", "atom", "json"]);
    let page = rng.chance(25).then(|| 1 + rng.below(3));
    let mut path = format!("/feeds/{name}");
    if let Some(p) = page {
        path.push_str(&format!("/archive/{p}"));
    }
    path.push('.');
    path.push_str(ext);
    let request = query(rng, filters, &fixed, (keys, presents), path, &[]);
    (Request { unknown, ..request }, page, ext)
}

/// `/v1/items` or a NewsML endpoint: the selection is `all` narrowed by the query.
fn stream_request(
    rng: &mut Rng,
    keys: &[Vec<String>],
    public: &[&'static str],
    subs: &[&[&'static str]],
    path: String,
    extra: &[&str],
) -> Request {
    let (presents, patterns) = choose_caller(rng, keys, public, subs);
    let filters = draw_filters(rng, &patterns);
    let request = query(rng, filters, &Sel::default(), (keys, presents), path, extra);
    assert!(!request.conflict);
    request
}

// ---------------------------------------------------------------------------------
// Reading responses.

/// Story ids in a feed (entries and tombstones) or a `/v1/items` page.
fn ids_in(body: &str) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for part in body.split("urn:newswire:article:").skip(1) {
        let id: String = part
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        ids.insert(id);
    }
    ids
}

/// The events of a `/v1/items/stream` backlog as a `/v1/items` page: each event's
/// `data` is an item.
fn stream_items(body: &str) -> serde_json::Value {
    let items: Vec<serde_json::Value> = body
        .split("\n\n")
        .filter_map(|event| {
            let data: Vec<&str> = event
                .lines()
                .filter_map(|l| l.strip_prefix("data:"))
                .map(|d| d.strip_prefix(' ').unwrap_or(d))
                .collect();
            (!data.is_empty()).then(|| serde_json::from_str(&data.join("\n")).unwrap())
        })
        .collect();
    serde_json::json!({ "items": items })
}

/// (id, version) of each `newsItem` in a NewsML document.
fn news_items(body: &str) -> Vec<(String, u64)> {
    let mut items = Vec::new();
    for tag in body.split("<newsItem ").skip(1) {
        let tag = tag.split('>').next().unwrap_or("");
        let attr = |name: &str| {
            tag.split(&format!(" {name}=\""))
                .nth(1)
                .and_then(|v| v.split('"').next())
                .map(str::to_string)
        };
        let guid = attr("guid").unwrap_or_default();
        let version = attr("version").and_then(|v| v.parse().ok()).unwrap_or(0);
        items.push((
            guid.trim_start_matches("urn:newswire:article:").to_string(),
            version,
        ));
    }
    items
}

/// Generated requests, and all requests (with those of the reachability walk).
static GENERATED: AtomicUsize = AtomicUsize::new(0);
static REQUESTS: AtomicUsize = AtomicUsize::new(0);
/// Answers seen, by endpoint and status, to show what the run covered.
static SEEN: std::sync::Mutex<BTreeMap<(&'static str, u16), usize>> =
    std::sync::Mutex::new(BTreeMap::new());

fn tally(endpoint: &'static str, status: u16) {
    *SEEN.lock().unwrap().entry((endpoint, status)).or_default() += 1;
}

fn check(cond: bool, what: impl FnOnce() -> String) -> Result<(), TestCaseError> {
    if cond {
        Ok(())
    } else {
        Err(TestCaseError::fail(what()))
    }
}

/// The answer's status is `expected`, the model's.
fn status_as_modelled(r: &Request, resp: &Response, expected: u16) -> Result<(), TestCaseError> {
    check(resp.status == expected, || {
        format!(
            "{} {:?}: {} where the model says {expected}",
            r.target, r.presents, resp.status
        )
    })
}

// ---------------------------------------------------------------------------------
// Running a world.

struct Running {
    /// The feeds service's own loop (direct feed path).
    feeds_direct: SocketAddr,
    /// The combined router, as `newswire dev` serves it.
    combined: SocketAddr,
    _stop: shutdown::ShutdownTrigger,
}

fn article(story: &Story, version: u64, now: DateTime<Utc>) -> newswire_shared::Article {
    let index: i64 = story.id[1..].parse().unwrap();
    let base = now - ChronoDuration::hours(3) + ChronoDuration::minutes(index);
    let (status, embargo, created) = match (story.kind, version) {
        (Kind::Live, _) => ("usable", None, base),
        (Kind::EmbargoPassed, _) => ("usable", Some(now - ChronoDuration::minutes(30)), base),
        (Kind::Embargoed, _) => ("usable", Some(now + ChronoDuration::days(1)), base),
        (Kind::Withheld, _) => ("withheld", None, base),
        (Kind::KilledAfter, 1) | (Kind::Corrected, 1) => ("usable", None, base),
        (Kind::KilledAfter, _) => ("canceled", None, base + ChronoDuration::minutes(60)),
        (Kind::Corrected, _) => ("usable", None, base + ChronoDuration::minutes(60)),
        (Kind::KilledBefore, 1) => ("usable", Some(now + ChronoDuration::days(1)), base),
        (Kind::KilledBefore, _) => (
            "canceled",
            Some(now + ChronoDuration::days(1)),
            base + ChronoDuration::minutes(60),
        ),
    };
    let entities: Vec<serde_json::Value> = story
        .entities
        .iter()
        .map(|&e| {
            let (name, id) = ENTITIES[e];
            serde_json::json!({"name": name, "type": "place", "id": id, "mentions": [], "count": 1, "salience": 0.5})
        })
        .collect();
    serde_json::from_value(serde_json::json!({
        "id": story.id, "version": version, "status": status,
        "headline": format!("Headline number {index} version {version}"),
        "body": "<p>Body text.</p>",
        "section": story.section.map(|s| SECTIONS[s]),
        "language": LANGS[story.lang],
        "urgency": story.urgency,
        "embargo_until": embargo,
        "first_created": base, "version_created": created,
        "enrichment": {"language": LANGS[story.lang], "language_confidence": 0.9, "entities": entities}
    }))
    .unwrap()
}

/// A subscriber's secrets, configured as given or as digests: the first as its `key`,
/// the others as its `keys`.
fn configured(keys: &[String], as_digest: &[bool]) -> (Option<ConfiguredKey>, Vec<ConfiguredKey>) {
    let mut configured = keys.iter().zip(as_digest).map(|(k, d)| {
        if *d {
            ConfiguredKey::new(KeyDigest::of(k).to_config())
        } else {
            ConfiguredKey::new(k.as_str())
        }
    });
    (configured.next(), configured.collect())
}

fn strings(patterns: &[&str]) -> Vec<String> {
    patterns.iter().map(|p| p.to_string()).collect()
}

fn settings_of(w: &World) -> Settings {
    let mut s = Settings::default();
    // Small pages, so that archive pages exist for narrow selections too.
    s.feeds.items_per_feed = 2;
    s.feeds.rate_limit_per_minute = 1_000_000;
    s.feeds.public = strings(&w.feeds_public);
    for (i, sub) in w.feeds_subs.iter().enumerate() {
        let (key, keys) = configured(&sub.keys, &sub.as_digest);
        s.feeds.subscribers.push(Subscriber {
            name: format!("feeds-{i}"),
            key,
            keys,
            feeds: strings(&sub.patterns),
        });
    }
    s.newsml.public = w.newsml_public.as_deref().map(strings);
    s.newsml.rate_limit_per_minute = 1_000_000;
    for (i, sub) in w.newsml_subs.iter().enumerate() {
        let (key, keys) = configured(&sub.keys, &sub.as_digest);
        s.newsml.subscribers.push(NewsmlSubscriber {
            key,
            keys,
            items: strings(&sub.patterns),
            trust_embargo: sub.trusted,
            ..NewsmlSubscriber::new(&format!("newsml-{i}"), None)
        });
    }
    s.validated().expect("generated settings are valid")
}

fn start(rt: &tokio::runtime::Runtime, w: &World) -> Running {
    start_with(rt, w, settings_of(w))
}

fn start_with(rt: &tokio::runtime::Runtime, w: &World, settings: Settings) -> Running {
    let now = Utc::now().trunc_subsecs(0);
    let feeds = Feeds::build(&settings);
    let delivery = newswire_newsml::Delivery::build(&settings).unwrap();
    let provider = newswire_newsml::stage::provider(&settings);
    {
        let writer = feeds.writer();
        let mut items = delivery.store.write().unwrap();
        items.start_partition(0, 0);
        let mut offset = 0;
        for story in &w.stories {
            for v in 1..=story.versions() {
                let a = article(story, v, now);
                writer.apply(a.clone());
                // Through the record and its headers, as delivery reads `newsml.items`.
                let record =
                    newswire_newsml::stage::item_record(&a, &provider, "newsml.items", "urn:test");
                items.insert(ItemVersion {
                    id: a.id.clone(),
                    version: v,
                    status: a.status,
                    embargo: a.embargo_until,
                    received: a.version_created,
                    partition: 0,
                    offset,
                    xml: Arc::from(record.payload.clone().unwrap()),
                    facts: Arc::new(newswire_newsml::stage::facts_from_headers(&record.headers)),
                });
                offset += 1;
            }
        }
        items.settle(0, now);
        items.release_due(now);
    }
    let (trigger, stop) = shutdown::channel();
    let (feeds_direct, combined) = rt.block_on(async {
        feeds.spawn_renderer(stop.clone());
        let direct = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let combined = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addrs = (direct.local_addr().unwrap(), combined.local_addr().unwrap());
        let app = axum::Router::new()
            .merge(feeds.router())
            .merge(delivery.router());
        let (http, stop2) = (settings.http.clone(), stop.clone());
        tokio::spawn(
            async move { newswire_shared::server::serve(combined, app, &http, stop2).await },
        );
        let (app, state, http, stop3) = (
            feeds.router(),
            feeds.state.clone(),
            settings.http.clone(),
            stop.clone(),
        );
        let direct = direct.into_std().unwrap();
        std::thread::spawn(move || {
            newswire_feeds::serve_per_core(direct, app, state, &http, stop3)
        });
        addrs
    });
    Running {
        feeds_direct,
        combined,
        _stop: trigger,
    }
}

/// The model's verdict on a feed or `/v1/items` request before any story is looked
/// at: `Ok(public)` when granted (`public`: the answer may be cached publicly),
/// `Err(status)` otherwise.
fn feed_verdict(w: &World, r: &Request) -> Result<bool, u16> {
    if r.repeated {
        return Err(400);
    }
    if r.unknown {
        return Err(404);
    }
    if r.conflict {
        return Err(403);
    }
    if r.invalid {
        return Err(400);
    }
    // A key nobody has is refused wherever it is presented, public selections too.
    if let Presents::Wrong = r.presents {
        return Err(401);
    }
    if r.sel.granted_by(&w.feeds_public) {
        // Served as public; cached publicly only when no key was presented.
        return Ok(matches!(r.presents, Presents::Nobody));
    }
    match r.presents {
        Presents::Nobody | Presents::Wrong => Err(401),
        Presents::Key(i, _) if r.sel.granted_by(&w.feeds_subs[i].patterns) => Ok(false),
        Presents::Key(..) => Err(403),
    }
}

/// What the caller of a feed request may read.
fn feed_reader(w: &World, r: &Request) -> Vec<&'static str> {
    let mut patterns = w.feeds_public.clone();
    if let Presents::Key(i, _) = r.presents {
        patterns.extend(&w.feeds_subs[i].patterns);
    }
    patterns
}

/// NewsML: `Ok((patterns, trusted))` of the admitted caller, `Err(status)` otherwise.
fn newsml_verdict(w: &World, r: &Request) -> Result<(Vec<&'static str>, bool), u16> {
    if r.repeated || r.invalid {
        return Err(400);
    }
    match r.presents {
        Presents::Wrong => Err(401),
        Presents::Nobody => match &w.newsml_public {
            Some(p) if !p.is_empty() => Ok((p.clone(), false)),
            _ => Err(401),
        },
        Presents::Key(i, _) => {
            let sub = &w.newsml_subs[i];
            if sub.patterns.is_empty() {
                Err(403)
            } else {
                Ok((sub.patterns.clone(), sub.trusted))
            }
        }
    }
}

fn common_checks(r: &Request, resp: &Response) -> Result<(), TestCaseError> {
    check(
        resp.header("x-content-type-options") == Some("nosniff"),
        || format!("{}: no nosniff", r.target),
    )?;
    if resp.status != 200 {
        let body = resp.text();
        check(
            !body.contains("urn:newswire") && !body.contains("Headline"),
            || {
                format!(
                    "{}: a {} says something about a story: {body}",
                    r.target, resp.status
                )
            },
        )?;
    }
    if resp.status == 401 {
        check(resp.header("www-authenticate").is_some(), || {
            format!("{}: 401 without WWW-Authenticate", r.target)
        })?;
    }
    Ok(())
}

fn run_world(rt: &tokio::runtime::Runtime, w: &World) -> Result<(), TestCaseError> {
    let running = start(rt, w);
    let by_id: BTreeMap<&str, &Story> = w.stories.iter().map(|s| (s.id.as_str(), s)).collect();
    let feed_keys: Vec<Vec<String>> = w.feeds_subs.iter().map(|s| s.keys.clone()).collect();
    let newsml_keys: Vec<Vec<String>> = w.newsml_subs.iter().map(|s| s.keys.clone()).collect();
    let feed_patterns: Vec<&[&'static str]> =
        w.feeds_subs.iter().map(|s| &s.patterns[..]).collect();
    let newsml_patterns: Vec<&[&'static str]> =
        w.newsml_subs.iter().map(|s| &s.patterns[..]).collect();
    let newsml_public = w.newsml_public.clone().unwrap_or_default();
    let mut direct = Client::new(running.feeds_direct);
    let mut combined = Client::new(running.combined);
    let mut rng = Rng(w.seed);
    const PER_WORLD: usize = 420;
    for _ in 0..PER_WORLD {
        GENERATED.fetch_add(1, Ordering::Relaxed);
        REQUESTS.fetch_add(1, Ordering::Relaxed);
        match rng.below(10) {
            // Feeds and archive pages, on either server.
            0..=4 => {
                let (r, page, ext) =
                    feed_request(&mut rng, &feed_keys, &w.feeds_public, &feed_patterns);
                let client = if rng.chance(50) {
                    &mut direct
                } else {
                    &mut combined
                };
                let headers = r.header_pairs();
                let resp = client.get(&r.target, &headers);
                tally(if page.is_some() { "archive" } else { "feed" }, resp.status);
                common_checks(&r, &resp)?;
                let verdict = feed_verdict(w, &r);
                match verdict {
                    Err(status) => status_as_modelled(&r, &resp, status)?,
                    Ok(public) => {
                        let ok = resp.status == 200 || (page.is_some() && resp.status == 404);
                        check(ok, || {
                            format!(
                                "{} {:?}: {} where the model says 200",
                                r.target, r.presents, resp.status
                            )
                        })?;
                        if resp.status == 200 {
                            let cc = resp.header("cache-control").unwrap_or("");
                            check(
                                cc.starts_with(if public { "public" } else { "private" }),
                                || {
                                    format!(
                                        "{}: Cache-Control {cc} for a {} feed",
                                        r.target,
                                        if public { "public" } else { "subscriber" }
                                    )
                                },
                            )?;
                        }
                    }
                }
                if resp.status == 200 {
                    let reader = feed_reader(w, &r);
                    for id in ids_in(&resp.text()) {
                        let s = by_id
                            .get(id.as_str())
                            .ok_or_else(|| TestCaseError::fail(format!("unknown id {id}")))?;
                        let shown = s.in_feeds() || (ext == "atom" && s.kind == Kind::KilledAfter);
                        check(shown && may_read(&reader, s) && r.sel.selects(s), || {
                            format!("{} {:?}: story {id} ({s:?}) must not be in it; may read {}, selected {}",
                                r.target, r.presents, may_read(&reader, s), r.sel.selects(s))
                        })?;
                    }
                }
            }
            // The change stream: a page of `/v1/items`, or its server-sent events.
            5 => {
                let events = rng.chance(50);
                let (path, extra): (&str, &[&str]) = if events {
                    ("/v1/items/stream", &["since=0"])
                } else {
                    ("/v1/items", &["since=0", "limit=1000"])
                };
                let r = stream_request(
                    &mut rng,
                    &feed_keys,
                    &w.feeds_public,
                    &feed_patterns,
                    path.into(),
                    extra,
                );
                let client = if rng.chance(50) {
                    &mut direct
                } else {
                    &mut combined
                };
                let headers = r.header_pairs();
                let resp = if events {
                    client.get_event_stream(&r.target, &headers)
                } else {
                    client.get(&r.target, &headers)
                };
                tally(
                    if events {
                        "/v1/items/stream"
                    } else {
                        "/v1/items"
                    },
                    resp.status,
                );
                common_checks(&r, &resp)?;
                let expected = feed_verdict(w, &r).map(|_| 200).unwrap_or_else(|s| s);
                status_as_modelled(&r, &resp, expected)?;
                if resp.status == 200 {
                    let page: serde_json::Value = if events {
                        check(
                            resp.header("content-type") == Some("text/event-stream"),
                            || format!("{}: {:?}", r.target, resp.header("content-type")),
                        )?;
                        stream_items(&resp.text())
                    } else {
                        serde_json::from_slice(&resp.body).unwrap()
                    };
                    let reader = feed_reader(w, &r);
                    for item in page["items"].as_array().unwrap() {
                        let id = item["id"].as_str().unwrap();
                        let s = by_id[id];
                        check(
                            s.ever_released() && may_read(&reader, s) && r.sel.selects(s),
                            || {
                                format!(
                                    "{} {:?}: change of {id} ({s:?}) must not be in it",
                                    r.target, r.presents
                                )
                            },
                        )?;
                    }
                }
            }
            // NewsML.
            _ => {
                let which = rng.below(3);
                let story = rng.pick(&w.stories).clone();
                let id = if rng.chance(90) {
                    story.id.clone()
                } else {
                    "no-such-story".into()
                };
                let version = 1 + rng.below(3) as u64;
                let r = match which {
                    0 => {
                        let since: &[&str] = if rng.chance(5) {
                            &["limit=500", "since=1-999"]
                        } else {
                            &["limit=500"]
                        };
                        stream_request(
                            &mut rng,
                            &newsml_keys,
                            &newsml_public,
                            &newsml_patterns,
                            "/newsml/items".into(),
                            since,
                        )
                    }
                    1 => stream_request(
                        &mut rng,
                        &newsml_keys,
                        &newsml_public,
                        &newsml_patterns,
                        format!("/newsml/items/{id}"),
                        &[],
                    ),
                    _ => stream_request(
                        &mut rng,
                        &newsml_keys,
                        &newsml_public,
                        &newsml_patterns,
                        format!("/newsml/items/{id}/versions/{version}"),
                        &[],
                    ),
                };
                let headers = r.header_pairs();
                let resp = combined.get(&r.target, &headers);
                tally(
                    ["newsml batch", "newsml item", "newsml version"][which],
                    resp.status,
                );
                common_checks(&r, &resp)?;
                let (patterns, trusted) = match newsml_verdict(w, &r) {
                    Err(status) => {
                        status_as_modelled(&r, &resp, status)?;
                        continue;
                    }
                    Ok(v) => v,
                };
                let body = resp.text();
                let allowed = |s: &Story| may_read(&patterns, s) && r.sel.selects(s);
                match which {
                    0 => {
                        // `1-999` is not a cursor (cursors are Kafka positions): 400.
                        let expected = if r.target.contains("since=1-999") {
                            400
                        } else {
                            200
                        };
                        status_as_modelled(&r, &resp, expected)?;
                        if resp.status == 200 {
                            check(
                                resp.header("cache-control")
                                    .is_some_and(|c| c.contains("private")),
                                || format!("{}: not private", r.target),
                            )?;
                        }
                        for (id, v) in news_items(&body) {
                            let s = by_id[id.as_str()];
                            let visible = trusted || s.released_versions().contains(&v);
                            check(visible && allowed(s), || {
                                format!(
                                    "{} {:?}: {id} v{v} ({s:?}) must not be in it",
                                    r.target, r.presents
                                )
                            })?;
                        }
                    }
                    _ => {
                        let want = if id == story.id && allowed(&story) {
                            match which {
                                1 => story.newsml_latest(trusted),
                                _ => (version <= story.versions()
                                    && (trusted || story.released_versions().contains(&version)))
                                .then_some(version),
                            }
                        } else {
                            None
                        };
                        match want {
                            Some(v) => {
                                check(resp.status == 200, || {
                                    format!(
                                        "{} {:?}: {} where the model says 200 ({story:?})",
                                        r.target, r.presents, resp.status
                                    )
                                })?;
                                let items = news_items(&body);
                                check(items == vec![(story.id.clone(), v)], || {
                                    format!("{}: {items:?}, the model says v{v}", r.target)
                                })?;
                            }
                            None => check(resp.status == 404, || {
                                format!("{} {:?}: {} where the model says 404 ({story:?}, trusted {trusted})", r.target, r.presents, resp.status)
                            })?,
                        }
                    }
                }
            }
        }
    }
    reachability(w, &mut direct, &mut combined)
}

/// Every story the model lets a caller read is reached by a request the model says is
/// granted: feeds (current document and archive pages), `/v1/items`, NewsML.
fn reachability(
    w: &World,
    direct: &mut Client,
    combined: &mut Client,
) -> Result<(), TestCaseError> {
    // Feed callers: the public, and each subscriber with each of its keys.
    let mut callers: Vec<(Vec<&'static str>, Option<String>)> =
        vec![(w.feeds_public.clone(), None)];
    for sub in &w.feeds_subs {
        for k in &sub.keys {
            callers.push((sub.patterns.clone(), Some(k.clone())));
        }
    }
    for (patterns, key) in &callers {
        for s in w.stories.iter().filter(|s| s.in_feeds()) {
            let f = s.facts();
            let Some(pattern) = patterns
                .iter()
                .find(|p| model_pattern(p).iter().all(|c| story_meets(c, &f)))
            else {
                continue;
            };
            // The narrowest selection holding the story that the pattern grants whole.
            let mut q = Vec::new();
            if let Some(sec) = &f.section {
                q.push(format!("section={sec}"));
            }
            q.push(format!("lang={}", f.lang));
            if f.urgent {
                q.push("urgent=1".into());
            }
            let entity = model_pattern(pattern).iter().find_map(|c| match c {
                Cond::Entity(want) => f
                    .entities
                    .iter()
                    .find(|e| {
                        story_meets(
                            &Cond::Entity(want.clone()),
                            &Facts {
                                section: None,
                                lang: String::new(),
                                urgent: false,
                                entities: vec![(*e).clone()],
                            },
                        )
                    })
                    .cloned(),
                _ => None,
            });
            if let Some(e) = entity {
                q.push(format!("entity={e}"));
            }
            let headers: Vec<(&str, String)> =
                key.iter().map(|k| ("X-API-Key", k.clone())).collect();
            let headers: Vec<(&str, &str)> =
                headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let query = q.join("&");
            let mut found = false;
            for page in 0.. {
                let path = if page == 0 {
                    format!("/feeds/all.json?{query}")
                } else {
                    format!("/feeds/all/archive/{page}.json?{query}")
                };
                REQUESTS.fetch_add(1, Ordering::Relaxed);
                let resp = direct.get(&path, &headers);
                if page > 0 && resp.status == 404 {
                    break;
                }
                check(resp.status == 200, || {
                    format!("{path} ({pattern}, key {}): {}", key.is_some(), resp.status)
                })?;
                if ids_in(&resp.text()).contains(&s.id) {
                    found = true;
                    break;
                }
            }
            check(found, || {
                format!(
                    "{} ({s:?}) is allowed by {pattern} but in no page of /feeds/all.json?{query}",
                    s.id
                )
            })?;
            REQUESTS.fetch_add(1, Ordering::Relaxed);
            let path = format!("/v1/items?since=0&limit=1000&{query}");
            let resp = combined.get(&path, &headers);
            check(
                resp.status == 200 && resp.text().contains(&format!("\"id\":\"{}\"", s.id)),
                || format!("{path}: {} {} lacks {}", resp.status, resp.text(), s.id),
            )?;
            REQUESTS.fetch_add(1, Ordering::Relaxed);
            let path = format!("/v1/items/stream?since=0&{query}");
            let resp = combined.get_event_stream(&path, &headers);
            let ids: Vec<String> = stream_items(&resp.text())["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].as_str().unwrap().to_string())
                .collect();
            check(resp.status == 200 && ids.contains(&s.id), || {
                format!("{path}: {} {} lacks {}", resp.status, resp.text(), s.id)
            })?;
        }
    }
    // NewsML callers.
    let mut callers: Vec<(Vec<&'static str>, bool, Option<String>)> = Vec::new();
    if let Some(p) = w.newsml_public.as_ref().filter(|p| !p.is_empty()) {
        callers.push((p.clone(), false, None));
    }
    for sub in w.newsml_subs.iter().filter(|s| !s.patterns.is_empty()) {
        for k in &sub.keys {
            callers.push((sub.patterns.clone(), sub.trusted, Some(k.clone())));
        }
    }
    for (patterns, trusted, key) in &callers {
        let headers: Vec<(&str, String)> = key
            .iter()
            .map(|k| ("Authorization", format!("Bearer {k}")))
            .collect();
        let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let mut seen = BTreeSet::new();
        let mut since = String::new();
        loop {
            REQUESTS.fetch_add(1, Ordering::Relaxed);
            let path = format!("/newsml/items?limit=5{since}");
            let resp = combined.get(&path, &headers);
            check(resp.status == 200, || format!("{path}: {}", resp.status))?;
            let items = news_items(&resp.text());
            if items.is_empty() {
                break;
            }
            seen.extend(items);
            since = format!("&since={}", resp.header("newsml-next-cursor").unwrap());
        }
        for s in &w.stories {
            let Some(latest) = s.newsml_latest(*trusted) else {
                continue;
            };
            if !may_read(patterns, s) {
                continue;
            }
            check(seen.contains(&(s.id.clone(), latest)), || {
                format!("{} v{latest} ({s:?}) is allowed (trusted {trusted}) but not in the batches: {seen:?}", s.id)
            })?;
            REQUESTS.fetch_add(1, Ordering::Relaxed);
            let resp = combined.get(&format!("/newsml/items/{}", s.id), &headers);
            check(
                resp.status == 200 && news_items(&resp.text()) == vec![(s.id.clone(), latest)],
                || format!("/newsml/items/{}: {}", s.id, resp.status),
            )?;
        }
    }
    Ok(())
}

/// ≥ 10,000 generated requests over every endpoint; zero responses the model refuses.
#[test]
fn no_request_returns_a_story_the_caller_may_not_read() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut runner = TestRunner::new(Config {
        cases: 25,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&world(), |w| run_world(&rt, &w));
    if let Err(e) = result {
        panic!("{e}");
    }
    let (generated, total) = (
        GENERATED.load(Ordering::Relaxed),
        REQUESTS.load(Ordering::Relaxed),
    );
    assert!(generated >= 10_000, "only {generated} generated requests");
    eprintln!("access model: {generated} generated requests and {} more reaching every allowed story, all checked; generated ones by endpoint and status:", total - generated);
    for ((endpoint, status), n) in SEEN.lock().unwrap().iter() {
        eprintln!("  {endpoint:>15} {status}: {n}");
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn story(id: &str, section: usize, lang: usize, urgency: u8) -> Story {
    Story {
        id: id.into(),
        section: Some(section),
        lang,
        urgency,
        entities: Vec::new(),
        kind: Kind::Live,
    }
}

const SPORT_KEY: &str = "sport-only-key-0123456789";
const ECONOMY_KEY: &str = "economy-trusted-key-0123456789";

/// Sport (s00, s03), economy (s01, s02): a sport-only feeds key, and NewsML left private
/// with a sport-only key and an economy key trusted with embargoes.
fn sport_and_economy() -> World {
    World {
        stories: vec![
            story("s00", 0, 0, 5),
            story("s01", 1, 0, 5),
            story("s02", 1, 1, 2),
            story("s03", 0, 1, 2),
        ],
        feeds_public: vec![],
        feeds_subs: vec![FeedsSub {
            patterns: vec!["section/sport"],
            keys: vec![SPORT_KEY.into()],
            as_digest: vec![true],
        }],
        newsml_public: None,
        newsml_subs: vec![
            NewsmlSub {
                patterns: vec!["section/sport"],
                keys: vec![SPORT_KEY.into()],
                as_digest: vec![false],
                trusted: false,
            },
            NewsmlSub {
                patterns: vec!["section/economy"],
                keys: vec![ECONOMY_KEY.into()],
                as_digest: vec![true],
                trusted: true,
            },
        ],
        seed: 0,
    }
}

/// The issue's case and its variants: a query filter never replaces the feed the path
/// names. A contradicting filter is refused with 403 (as any selection outside the
/// key's entitlement); a repeated filter with 400; narrowing inside the entitlement
/// is served.
#[test]
fn a_sport_only_key_never_reads_economy_through_a_filter() {
    let rt = runtime();
    let w = sport_and_economy();
    let running = start(&rt, &w);
    for addr in [running.feeds_direct, running.combined] {
        let mut c = Client::new(addr);
        let header = [("Authorization", &*format!("Bearer {SPORT_KEY}"))];
        for ext in ["rss", "atom", "json"] {
            for target in [
                format!("/feeds/section/sport.{ext}?section=economy"),
                format!("/feeds/section/sport.{ext}?SECTION=Economy"),
                format!("/feeds/section/SPORT.{ext}?sec%74ion=econ%6Fmy"),
                format!("/feeds/section/sport/archive/1.{ext}?section=economy"),
                format!("/feeds/section%2Fsport.{ext}?section=economy"),
                format!("/feeds/section/sport.{ext}?section=economy&urgent=1"),
                format!("/feeds/all.{ext}?section=economy"),
                format!("/feeds/section/economy.{ext}"),
                format!("/feeds/urgent.{ext}?section=economy"),
                format!("/feeds/urgent.{ext}"),
                format!("/feeds/all.{ext}"),
                "/v1/items?section=economy".to_string(),
                "/v1/items".to_string(),
            ] {
                let r = c.get(&target, &header);
                assert_eq!(r.status, 403, "{target}");
                assert_eq!(r.text(), r#"{"error":"forbidden"}"#, "{target}");
                let r = c.get(
                    &format!(
                        "{target}{}key={SPORT_KEY}",
                        if target.contains('?') { "&" } else { "?" }
                    ),
                    &[],
                );
                assert_eq!(r.status, 403, "{target} with ?key=");
            }
            for target in [
                format!("/feeds/section/sport.{ext}?section=sport&section=economy"),
                format!("/feeds/all.{ext}?section=sport&Section=economy"),
                format!("/feeds/section/sport.{ext}?key={SPORT_KEY}&key=other-key-0123456789"),
                "/v1/items?section=sport&section=economy".to_string(),
            ] {
                let r = c.get(&target, &header);
                assert_eq!(r.status, 400, "{target}");
                assert!(!r.text().contains(SPORT_KEY), "{target}: {}", r.text());
            }
            for target in [
                format!("/feeds/section/sport.{ext}"),
                format!("/feeds/section/sport.{ext}?lang=ru"),
                format!("/feeds/all.{ext}?section=Sport"),
                format!("/feeds/urgent.{ext}?section=sport"),
            ] {
                let r = c.get(&target, &header);
                assert_eq!(r.status, 200, "{target}");
                assert_eq!(r.header("cache-control"), Some("private, max-age=60"));
                let ids = ids_in(&r.text());
                assert!(
                    !ids.is_empty() && ids.iter().all(|id| id == "s00" || id == "s03"),
                    "{target}: {ids:?}"
                );
            }
        }
        // The one HTML page: nothing may load or run in it.
        let r = c.get("/", &[]);
        assert_eq!(r.status, 200);
        assert_eq!(
            r.header("content-security-policy"),
            Some(newswire_shared::server::HTML_CSP)
        );
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
        let r = c.get("/v1/items?section=sport", &header);
        assert_eq!(r.status, 200);
        let page: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
        let ids: Vec<&str> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["s00", "s03"]);
    }
}

/// NewsML left private: anonymous requests get 401 with the same body whatever they
/// name; a key gets its own items only (others do not exist for it), privately cached;
/// over its rate, 429 with `Retry-After`.
#[test]
fn newsml_is_private_unless_opened_and_keys_get_their_own_items() {
    let rt = runtime();
    let w = sport_and_economy();
    let mut settings = settings_of(&w);
    settings.newsml.rate_limit_per_minute = 30;
    let running = start_with(&rt, &w, settings);
    let mut c = Client::new(running.combined);
    let mut bodies = BTreeSet::new();
    for target in [
        "/newsml/items",
        "/newsml/items?since=1-1&limit=5",
        "/newsml/items/s00",
        "/newsml/items/no-such-story",
        "/newsml/items/s00/versions/1",
        "/newsml/items/s01/versions/9",
        "/newsml/items?key=not-a-key-0123456789",
    ] {
        let r = c.get(target, &[]);
        assert_eq!(r.status, 401, "{target}");
        assert!(r.header("www-authenticate").is_some());
        bodies.insert(r.text());
    }
    assert_eq!(bodies.len(), 1, "{bodies:?}");

    let sport = [("X-API-Key", SPORT_KEY)];
    let r = c.get("/newsml/items", &sport);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("cache-control"), Some("private, no-cache"));
    let ids: BTreeSet<String> = news_items(&r.text())
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(ids, BTreeSet::from(["s00".to_string(), "s03".to_string()]));
    let r = c.get("/newsml/items?lang=ru", &sport);
    assert_eq!(news_items(&r.text()), vec![("s03".to_string(), 1)]);
    // Another subscriber's story is answered exactly as one that does not exist.
    let other = c.get("/newsml/items/s01", &sport);
    let none = c.get("/newsml/items/no-such-story", &sport);
    assert_eq!((other.status, other.text()), (none.status, none.text()));
    assert_eq!(other.status, 404);
    assert_eq!(c.get("/newsml/items/s00/versions/1", &sport).status, 200);
    assert_eq!(c.get("/newsml/items/s01/versions/1", &sport).status, 404);
    let economy = [("Authorization", &*format!("Bearer {ECONOMY_KEY}"))];
    assert_eq!(c.get("/newsml/items/s01", &economy).status, 200);
    assert_eq!(c.get("/newsml/items/s00", &economy).status, 404);

    // 30 a minute: the requests above used 8 of the sport key's; the rest run out.
    let mut last = None;
    for _ in 0..30 {
        let r = c.get("/newsml/items/s00", &sport);
        if r.status == 429 {
            last = Some(r);
            break;
        }
        assert_eq!(r.status, 200);
    }
    let r = last.expect("the rate limit answers 429");
    let retry: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=2).contains(&retry), "Retry-After {retry}");
    assert_eq!(r.text(), r#"{"error":"rate_limited"}"#);
    // The other key has its own allowance.
    assert_eq!(c.get("/newsml/items/s01", &economy).status, 200);
}
