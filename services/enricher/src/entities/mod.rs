//! People, organisations and places in a story, each once, with where it is named.
//!
//! Known names come from the gazetteer (every inflected form, ids attached); new ones
//! from their shape (an office before a person's name, a given name, an organisation's
//! or place's head word, an acronym the story defines). One entity per referent: an
//! acronym is its long form, a surname after the full name is the same person, an
//! inflected form is its nominative. Page furniture (menus, "Follow us on", credits)
//! gives nothing but the credited organisation.
//!
//! Mentions are character offsets into `headline + "\n\n" + plain text of the body`.

mod acronyms;
mod boilerplate;
mod coverage;
pub mod fold;
pub mod gazetteer;
pub mod inflect;
pub mod kazakh;
mod lexicon;
mod newnames;
mod tokens;
mod traits;
mod trie;

use crate::language::primary;
use crate::letters::is_alphabetic;
use boilerplate::Paragraph;
use coverage::Coverage;
use fold::fold;
use foldhash::{HashMap, HashMapExt};
use gazetteer::{at_word_bounds, Gazetteer, Hit, Kind};
use newswire_shared::article::{Entity, EntityType, Mention};

pub use gazetteer::Gazetteer as KnownNames;

/// Story text, not page furniture (menus, "Follow us on", credits).
pub fn is_story_paragraph(paragraph: &str) -> bool {
    boilerplate::classify(paragraph) == Paragraph::Story
}

/// The text mentions index into.
pub fn mention_text(headline: &str, body_plain: &str) -> String {
    format!("{headline}\n\n{body_plain}")
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Referent {
    Known(u32),
    New(EntityType, String),
}

struct Span {
    start: usize,
    end: usize,
    referent: Referent,
    /// The uninflected name a known entity was written as here.
    base: Option<&'static str>,
}

/// The spans found so far, and how many of them cover each byte, kept in step.
struct Spans {
    list: Vec<Span>,
    coverage: Coverage,
}

impl Spans {
    fn new(text_len: usize) -> Self {
        Spans {
            list: Vec::new(),
            coverage: Coverage::new(text_len),
        }
    }

    fn push(&mut self, span: Span) {
        self.coverage.add(span.start, span.end);
        self.list.push(span);
    }

    /// Some span overlaps `start..end`.
    fn overlap(&self, start: usize, end: usize) -> bool {
        self.coverage.any(start, end)
    }

    /// Drops the spans `gone` picks (usually none: looking costs less than rewriting).
    fn remove(&mut self, gone: impl Fn(&Span) -> bool) {
        if !self.list.iter().any(&gone) {
            return;
        }
        let coverage = &mut self.coverage;
        self.list.retain(|s| {
            let dropped = gone(s);
            if dropped {
                coverage.remove(s.start, s.end);
            }
            !dropped
        });
    }
}

/// Entities of the text, most salient first. `language` is the story's BCP 47 tag.
pub fn find(text: &str, language: &str) -> Vec<Entity> {
    find_folded(text, &fold(text), language)
}

/// `find` with the text already folded (`fold(text)`, same byte offsets).
pub fn find_folded(text: &str, folded: &str, language: &str) -> Vec<Entity> {
    let gazetteer = Gazetteer::get();
    let paragraphs = paragraphs(text, folded);
    let paragraph_of = |byte: usize| -> &(usize, usize, Paragraph) {
        let i = paragraphs.partition_point(|p| p.1 <= byte);
        &paragraphs[i.min(paragraphs.len() - 1)]
    };
    let tokens = tokens::tokenize(text, folded);
    let hits: Vec<Hit> = gazetteer
        .find_at(text, folded, tokens::name_starts(&tokens), language)
        .into_iter()
        .filter(|h| match paragraph_of(h.start).2 {
            Paragraph::Story => true,
            Paragraph::Credit => gazetteer.entries[h.entry as usize].kind == Kind::Organization,
            Paragraph::Furniture => false,
        })
        .collect();
    // Hits and tokens are both in text order: one sweep marks the tokens hits cover.
    // A town or region's name may also be a person's (Kane, Santiago, Rodríguez):
    // `minor_place` marks the words only such a name covers.
    let mut known = vec![false; tokens.len()];
    let mut minor_place = vec![false; tokens.len()];
    let mut known_person = vec![false; tokens.len()];
    let mut h = 0;
    for (i, t) in tokens.iter().enumerate() {
        while h < hits.len() && hits[h].end <= t.start {
            h += 1;
        }
        let mut covering = hits[h..]
            .iter()
            .take_while(|hit| hit.start < t.end)
            .filter(|hit| t.start < hit.end)
            .peekable();
        known[i] = covering.peek().is_some();
        known_person[i] = covering
            .peek()
            .is_some_and(|hit| gazetteer.entries[hit.entry as usize].kind == Kind::Person);
        minor_place[i] = known[i]
            && covering.all(|hit| {
                let entry = &gazetteer.entries[hit.entry as usize];
                matches!(entry.kind, Kind::City | Kind::Region) && entry.named_like_words.is_some()
            });
    }
    // Tokens and paragraphs are both in text order: one sweep.
    let mut p = 0;
    let usable: Vec<bool> = tokens
        .iter()
        .map(|t| {
            while p + 1 < paragraphs.len() && paragraphs[p].1 <= t.start {
                p += 1;
            }
            paragraphs[p].2 == Paragraph::Story
        })
        .collect();

    let mut spans = Spans::new(text.len());
    for h in &hits {
        spans.push(Span {
            start: h.start,
            end: h.end,
            referent: Referent::Known(h.entry),
            base: (!h.surname).then(|| gazetteer.base(h)),
        });
    }

    // Acronyms the story defines: the long form names the entity, the acronym refers to it.
    let mut defined: Vec<&str> = Vec::new();
    for d in acronyms::definitions(text, &tokens) {
        // The first definition of an acronym links every use of it; later ones repeat it.
        if !usable_at(&tokens, &usable, d.long.0) || defined.contains(&&text[d.short.0..d.short.1])
        {
            continue;
        }
        defined.push(&text[d.short.0..d.short.1]);
        let long = &text[d.long.0..d.long.1];
        let short = &text[d.short.0..d.short.1];
        let referent = match spans
            .list
            .iter()
            .find(|s| s.start >= d.long.0 && s.end <= d.long.1 && matches!(s.referent, Referent::Known(e) if gazetteer.entries[e as usize].kind == Kind::Organization))
        {
            Some(s) => s.referent.clone(),
            None => Referent::New(EntityType::Organization, long.to_string()),
        };
        spans.remove(|s| s.start >= d.long.0 && s.end <= d.long.1 && s.referent != referent);
        if !spans
            .list
            .iter()
            .any(|s| s.start == d.long.0 && s.end == d.long.1)
        {
            spans.push(Span {
                start: d.long.0,
                end: d.long.1,
                referent: referent.clone(),
                base: None,
            });
        }
        // memchr's searcher: several times faster than `str::match_indices` here.
        for at in memchr::memmem::find_iter(text.as_bytes(), short.as_bytes()) {
            let end = at + short.len();
            if at_word_bounds(text, at, end)
                && usable_at(&tokens, &usable, at)
                && !spans.overlap(at, end)
            {
                spans.push(Span {
                    start: at,
                    end,
                    referent: referent.clone(),
                    base: None,
                });
            }
        }
    }

    // Names found by their shape, where no known name already is.
    let han_hits: Vec<newnames::HanHit> = if fold::has_cjk(text) {
        hits.iter()
            .map(|h| newnames::HanHit {
                start: h.start,
                end: h.end,
                country: gazetteer.entries[h.entry as usize].kind == Kind::Country,
                place: !matches!(
                    gazetteer.entries[h.entry as usize].kind,
                    Kind::Person | Kind::Organization
                ),
            })
            .collect()
    } else {
        Vec::new()
    };
    for f in newnames::find(
        text,
        folded,
        &tokens,
        &known,
        &minor_place,
        &known_person,
        &usable,
        language,
        &han_hits,
    ) {
        let overlaps = |s: &Span| s.start < f.end && f.start < s.end;
        let is_place = |s: &Span| matches!(s.referent, Referent::Known(e) if gazetteer.entries[e as usize].kind.entity_type() == EntityType::Place);
        // A new name longer than the known places inside it is one name: "Serdar
        // Berdimuhamedov" (Serdar is also a town), "Council of Europe".
        let swallows = |s: &Span| {
            is_place(s)
                && f.start <= s.start
                && s.end <= f.end
                && (s.end - s.start) < (f.end - f.start)
        };
        // Nothing stands where most new names are: then nothing can clash.
        let overlapped = spans.overlap(f.start, f.end);
        let clash = overlapped
            && spans.list.iter().any(|s| {
                overlaps(s)
                    && !swallows(s)
                    && match &s.referent {
                        Referent::Known(e) => {
                            f.entity_type == EntityType::Person
                                || gazetteer.entries[*e as usize].kind == Kind::Person
                                || gazetteer.entries[*e as usize].kind.entity_type()
                                    == f.entity_type
                                    && s.start <= f.start
                                    && s.end >= f.end
                        }
                        Referent::New(..) => true,
                    }
            });
        if !clash {
            // "Fergana Valley", "Astana International Forum": a known place the new name
            // starts with is part of it, not a mention of its own. "le groupe Orano": an
            // organisation named like a place is the organisation.
            let named_like = |s: &Span| {
                s.start == f.start && s.end == f.end && f.entity_type == EntityType::Organization
            };
            // Only a span the new name overlaps can be part of it.
            if overlapped {
                spans.remove(|s| is_place(s) && (swallows(s) || named_like(s)));
            }
            spans.push(Span {
                start: f.start,
                end: f.end,
                referent: Referent::New(
                    f.entity_type,
                    inflect::nominative(
                        &text[f.start..f.end],
                        f.entity_type == EntityType::Person,
                        language,
                    ),
                ),
                base: None,
            });
        }
    }
    let mut spans = spans.list;
    merge_declined_people(&mut spans);
    surnames_of_new_people(&tokens, &usable, &mut spans);

    let weights: Vec<f32> = (0..paragraphs.len())
        .map(|i| match i {
            0 => 3.0,
            1 => 2.0,
            _ => 1.0,
        })
        .collect();
    aggregate(text, language, &spans, |byte| {
        weights[paragraphs
            .partition_point(|p| p.1 <= byte)
            .min(paragraphs.len() - 1)]
    })
}

/// Paragraph spans `(start, end, kind)`; the first (the headline) is always story.
fn paragraphs(text: &str, folded: &str) -> Vec<(usize, usize, Paragraph)> {
    let mut out = Vec::new();
    let mut start = 0;
    // What `text.split("\n\n")` gives, found by memchr's searcher.
    let breaks = memchr::memmem::find_iter(text.as_bytes(), b"\n\n");
    for end in breaks.chain([text.len()]) {
        let part = &text[start..end];
        let kind = if out.is_empty() {
            Paragraph::Story
        } else {
            boilerplate::classify_folded(part, &folded[start..end])
        };
        out.push((start, end, kind));
        start = end + 2;
    }
    out
}

fn usable_at(tokens: &[tokens::Token<'_>], usable: &[bool], byte: usize) -> bool {
    let i = tokens.partition_point(|t| t.end <= byte);
    usable.get(i).copied().unwrap_or(false)
}

/// `Максим Рыженков` and `Максима Рыженкова` are one new person: same first letters of
/// every name, endings aside.
fn merge_declined_people(spans: &mut [Span]) {
    let key = |name: &str| -> String {
        name.split_whitespace()
            .map(|w| {
                let chars: Vec<char> = fold(w).chars().collect();
                let keep = chars.len().saturating_sub(2).max(3).min(chars.len());
                chars[..keep].iter().collect::<String>()
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut first: HashMap<String, String> = HashMap::new();
    for s in spans.iter_mut() {
        // Only Cyrillic names decline; others are merged by their exact text already.
        if let Referent::New(EntityType::Person, name) = &s.referent {
            if !name.chars().any(fold::is_cyrillic_char) {
                continue;
            }
            let k = key(name);
            let canonical = first.entry(k).or_insert_with(|| name.clone()).clone();
            s.referent = Referent::New(EntityType::Person, canonical);
        }
    }
}

/// After "Jane Doe" the story says "Doe": find those, in their declined forms too.
fn surnames_of_new_people(tokens: &[tokens::Token<'_>], usable: &[bool], spans: &mut Vec<Span>) {
    let mut people: Vec<String> = spans
        .iter()
        .filter_map(|s| match &s.referent {
            Referent::New(EntityType::Person, name) if name.contains(' ') => Some(name.clone()),
            _ => None,
        })
        .collect();
    people.sort();
    people.dedup();
    // Which words a span already covers, kept up to date as surnames are added.
    let mut covered = vec![false; tokens.len()];
    for s in spans.iter() {
        let first = tokens.partition_point(|t| t.end <= s.start);
        for c in covered[first..]
            .iter_mut()
            .zip(&tokens[first..])
            .take_while(|(_, t)| t.start < s.end)
        {
            *c.0 = true;
        }
    }
    for name in people {
        let Some(last) = name.rsplit(' ').next() else {
            continue;
        };
        if last.chars().count() < 3 {
            continue;
        }
        let forms = inflect::forms(last, inflect::NameKind::Person);
        for (i, t) in tokens.iter().enumerate() {
            if usable[i] && !covered[i] && forms.iter().any(|f| f == t.text) {
                covered[i] = true;
                spans.push(Span {
                    start: t.start,
                    end: t.end,
                    referent: Referent::New(EntityType::Person, name.clone()),
                    base: None,
                });
            }
        }
    }
}

fn aggregate(
    text: &str,
    language: &str,
    spans: &[Span],
    weight: impl Fn(usize) -> f32,
) -> Vec<Entity> {
    let gazetteer = Gazetteer::get();
    let char_at = char_offsets(text);
    // Group the spans by referent, in order of first mention, without copying names.
    let mut order: Vec<&Referent> = Vec::new();
    let mut grouped: HashMap<&Referent, Vec<&Span>> = HashMap::new();
    let mut sorted: Vec<&Span> = spans.iter().collect();
    sorted.sort_by_key(|s| s.start);
    for s in sorted {
        grouped
            .entry(&s.referent)
            .or_insert_with(|| {
                order.push(&s.referent);
                Vec::new()
            })
            .push(s);
    }
    let script = script_of_language(language);
    let mut entities: Vec<(Entity, f32)> = order
        .into_iter()
        .map(|referent| {
            let group = &grouped[referent];
            let score: f32 = group.iter().map(|s| weight(s.start)).sum();
            let mentions: Vec<Mention> = group
                .iter()
                .map(|s| Mention {
                    start: char_at(s.start),
                    end: char_at(s.end),
                    text: text[s.start..s.end].to_string(),
                })
                .collect();
            let (name, entity_type, id) = match referent {
                Referent::Known(e) => {
                    let entry = &gazetteer.entries[*e as usize];
                    let written = most_common(group.iter().filter_map(|s| s.base))
                        .filter(|b| script_of_text(b) == script);
                    let name = canonical_name(entry, language, written);
                    (name, entry.kind.entity_type(), entry.id.clone())
                }
                Referent::New(t, name) => (name.clone(), *t, None),
            };
            (
                Entity {
                    name,
                    entity_type,
                    id,
                    count: mentions.len() as u32,
                    mentions,
                    salience: 0.0,
                },
                score,
            )
        })
        .collect();
    let top = entities.iter().map(|(_, s)| *s).fold(0.0f32, f32::max);
    for (e, score) in &mut entities {
        e.salience = ((*score / top) * 100.0).round() / 100.0;
    }
    let mut out: Vec<Entity> = entities.into_iter().map(|(e, _)| e).collect();
    out.sort_by(|a, b| b.salience.total_cmp(&a.salience));
    bound(&mut out);
    out
}

/// Most entities kept, the most salient.
pub const MAX_ENTITIES: usize = 64;
/// Most mentions listed per entity (its `count` still counts them all).
pub const MAX_MENTIONS_PER_ENTITY: usize = 20;
/// Most mentions listed over all entities.
pub const MAX_MENTIONS: usize = 500;
/// Longest name kept, in bytes: no real name is this long; a longer "name" is a run of
/// capitalised words the shape rules took for one.
pub const MAX_NAME_BYTES: usize = 200;

/// Keeps the enrichment's size bounded whatever the input: the enriched event must fit
/// the topic its input came from plus a known margin, or one repetitive story (a name a
/// hundred thousand times) would outgrow every Kafka limit. With these bounds the
/// entities take at most about 64 × 260 + 500 × 240 bytes ≈ 140 KB of JSON.
fn bound(entities: &mut Vec<Entity>) {
    entities.retain(|e| e.name.len() <= MAX_NAME_BYTES);
    entities.truncate(MAX_ENTITIES);
    let mut left = MAX_MENTIONS;
    for e in entities.iter_mut() {
        // Every entity keeps at least its first mention, so the budget can be passed by
        // at most one mention per entity.
        let keep = e
            .mentions
            .len()
            .min(MAX_MENTIONS_PER_ENTITY)
            .min(left.max(1));
        e.mentions.truncate(keep);
        left = left.saturating_sub(keep);
    }
}

/// A known entity's name in the story's language: the name for that language, in the
/// story's script (Kazakh Latin transliterated, traditional Chinese converted), else the
/// uninflected name the story wrote, else the English name.
fn canonical_name(entry: &gazetteer::Entry, language: &str, written: Option<String>) -> String {
    let listed = entry.name_in(language);
    if primary(language) == "kk" && language.contains("Latn") {
        return listed
            .map(|n| kazakh::to_latin(n, kazakh::Alphabet::Y2018))
            .or(written)
            .unwrap_or_else(|| entry.english().to_string());
    }
    let name = listed
        .map(str::to_string)
        .or(written)
        .unwrap_or_else(|| entry.english().to_string());
    // The list may hold a Chinese name in either script: the story's is used.
    if primary(language) == "zh" && fold::is_cjk(&name) {
        return if language.contains("Hant") {
            crate::hanzi::to_traditional(&name)
        } else {
            name.chars().map(crate::hanzi::simplified).collect()
        };
    }
    name
}

fn most_common<'a>(names: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for n in names {
        match counts.iter_mut().find(|(m, _)| *m == n) {
            Some((_, c)) => *c += 1,
            None => counts.push((n, 1)),
        }
    }
    counts
        .into_iter()
        .max_by_key(|(_, c)| *c)
        .map(|(n, _)| n.to_string())
}

#[derive(PartialEq, Eq)]
enum Script {
    Latin,
    Cyrillic,
    Cjk,
    Other,
}

fn script_of_language(language: &str) -> Script {
    if language.contains("Latn") {
        return Script::Latin;
    }
    match primary(language) {
        "ru" | "be" | "uk" | "kk" | "ky" | "bg" | "mk" | "tg" | "mn" => Script::Cyrillic,
        "sr" => Script::Cyrillic,
        "zh" | "ja" | "ko" => Script::Cjk,
        "ar" | "fa" | "he" | "hi" | "el" | "ka" | "hy" => Script::Other,
        _ => Script::Latin,
    }
}

fn script_of_text(text: &str) -> Script {
    match text.chars().find(|&c| is_alphabetic(c)) {
        Some(c) if fold::is_cyrillic_char(c) => Script::Cyrillic,
        Some(c) if c.is_ascii_alphabetic() || ('\u{00c0}'..='\u{024f}').contains(&c) => {
            Script::Latin
        }
        Some(_) if fold::is_cjk(text) => Script::Cjk,
        _ => Script::Other,
    }
}

/// Byte offset → character offset.
fn char_offsets(text: &str) -> impl Fn(usize) -> u32 + '_ {
    // Characters are the bytes that do not continue one (0x80–0xBF); counted once per
    // 64-byte block, and within the block when asked: the same cost in every script.
    const BLOCK: usize = 64;
    let bytes = text.as_bytes();
    let chars_in = |part: &[u8]| {
        // Eight bytes at a time: a continuation byte has its top bits 10.
        let mut words = part.chunks_exact(8);
        let mut continuations = 0;
        for word in words.by_ref() {
            let w = u64::from_le_bytes(word.try_into().expect("eight bytes"));
            continuations += (w & !(w << 1) & 0x8080_8080_8080_8080).count_ones();
        }
        let rest = words.remainder();
        continuations += rest.iter().filter(|&&b| b & 0xc0 == 0x80).count() as u32;
        part.len() as u32 - continuations
    };
    // Characters before each block, and in all at the end.
    let mut before_block = Vec::with_capacity(bytes.len() / BLOCK + 2);
    let mut total = 0;
    for block in bytes.chunks(BLOCK) {
        before_block.push(total);
        total += chars_in(block);
    }
    before_block.push(total);
    move |byte| {
        let block = byte / BLOCK;
        let start = block * BLOCK;
        let before = before_block[block];
        // A block of 64 characters is ASCII (most blocks of Latin-script copy).
        let ascii = before_block
            .get(block + 1)
            .is_some_and(|&next| (next - before) as usize == BLOCK);
        if ascii {
            before + (byte - start) as u32
        } else {
            before + chars_in(&bytes[start..byte])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_story_repeating_names_gives_a_bounded_enrichment_with_true_counts() {
        let sentence = "Lukashenko met Putin in Minsk and Astana. ";
        let text = mention_text("Leaders meet again", &sentence.repeat(5_000));
        let found = find(&text, "en");
        assert!(!found.is_empty());
        assert!(found.len() <= MAX_ENTITIES);
        let listed: usize = found.iter().map(|e| e.mentions.len()).sum();
        assert!(listed <= MAX_MENTIONS + MAX_ENTITIES, "{listed}");
        let putin = found
            .iter()
            .find(|e| e.name.contains("Putin"))
            .expect("Putin found");
        assert_eq!(putin.count, 5_000, "count stays true");
        assert_eq!(putin.mentions.len(), MAX_MENTIONS_PER_ENTITY);
        // Many distinct names: the most salient are kept, at most MAX_ENTITIES.
        let many: String = (0..300)
            .map(|i| format!("President Ivan Petrov{i} spoke. "))
            .collect();
        let found = find(&mention_text("Many", &many), "en");
        assert!(found.len() <= MAX_ENTITIES, "{}", found.len());
    }

    #[test]
    fn paragraphs_are_what_splitting_at_blank_lines_gives() {
        for text in ["", "one", "a\n\nb", "a\n\n\nb\n\n", "\n\n\n\nx\n\n\n"] {
            let spans: Vec<&str> = paragraphs(text, &fold(text))
                .iter()
                .map(|&(start, end, _)| &text[start..end])
                .collect();
            assert_eq!(spans, text.split("\n\n").collect::<Vec<_>>(), "{text:?}");
        }
    }

    #[test]
    fn character_offsets_count_characters() {
        let mixed = "MINSK — Минск, 北京 and «Zürich»";
        // Past several blocks, ending inside one and at the end of one.
        let long = mixed.repeat(7);
        let split_letter = "a".repeat(60) + "ёё" + &"b".repeat(60);
        let ascii_blocks = "a".repeat(128);
        let ascii_then_not = "a".repeat(64) + "йй" + &"c".repeat(70) + "ж";
        for text in [
            mixed,
            &long,
            &split_letter,
            &ascii_blocks,
            &ascii_then_not,
            "",
        ] {
            let char_at = char_offsets(text);
            for (n, (byte, _)) in text.char_indices().enumerate() {
                assert_eq!(char_at(byte) as usize, n, "at byte {byte}");
            }
            assert_eq!(char_at(text.len()) as usize, text.chars().count());
        }
    }

    #[test]
    fn names_start_where_the_gazetteer_would_look() {
        let gazetteer = Gazetteer::get();
        for text in [
            "Kassym-Jomart Tokayev met O'Neill in l'Élysée; «Минск»—Астанада, 北京和上海.",
            "MINSK, 28 November (BelTA) — Ruslan Ryzhenkov’s talks with Volfovich-Smith",
            "Усць-Луга, Брэсцкай вобласці, Türkiye's İstanbul, ソウルと서울",
        ] {
            let folded = fold(text);
            let tokens = tokens::tokenize(text, &folded);
            for language in ["en", "kk"] {
                assert_eq!(
                    gazetteer.find_at(text, &folded, tokens::name_starts(&tokens), language),
                    gazetteer.find(text, &folded, language),
                    "{text}"
                );
            }
        }
    }
}
