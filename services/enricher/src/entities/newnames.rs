//! Names no list has: people introduced by their office ("Foreign Minister Jane Doe",
//! "State Secretary of the Security Council of Belarus Aleksandr Volfovich",
//! "министр иностранных дел Беларуси Максим Рыженков") or by a known given name
//! ("Jane Doe said"), and organisations and places named by what they are ("Ministry
//! of Foreign Affairs", "Palace of Independence", "Министерство обороны").

use super::fold::{fold, is_cjk, is_cjk_char, starts_cyrillic};
use super::inflect::is_acronym;
use super::lexicon::*;
use super::tokens::Token;
use foldhash::HashSet;
use newswire_shared::article::EntityType;
use std::sync::OnceLock;

const GIVEN_NAMES: &str = include_str!("../../data/given-names.txt");

fn given_names() -> &'static HashSet<String> {
    static NAMES: OnceLock<HashSet<String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        GIVEN_NAMES
            .lines()
            .filter(|l| !l.starts_with('#'))
            .flat_map(str::split_whitespace)
            .map(fold)
            .collect()
    })
}

/// A known given name, also in a declined Slavic form (`Максима`, `Максимом`).
/// `word` folded (see `fold`).
pub fn is_given_name(word: &str) -> bool {
    let names = given_names();
    if names.contains(word) {
        return true;
    }
    if !starts_cyrillic(word) {
        return false;
    }
    // Declined: a known name's stem (the name, or without its -а/-я/-й/-ь) plus an ending.
    let mut candidate = String::with_capacity(word.len() + 2);
    for (cut, _) in word.char_indices().rev().take(3) {
        let (stem, ending) = word.split_at(cut);
        if stem.chars().count() < 2
            || ![
                "а", "у", "ом", "ым", "е", "ем", "ы", "и", "ой", "ей", "ю", "я", "ам", "ові",
            ]
            .contains(&ending)
        {
            continue;
        }
        for restore in ["", "а", "я", "й", "ь"] {
            candidate.clear();
            candidate.push_str(stem);
            candidate.push_str(restore);
            if names.contains(candidate.as_str()) {
                return true;
            }
        }
    }
    false
}

fn is_office(f: &str) -> bool {
    sets().offices.contains(f)
        || starts_cyrillic(f) && declined_office(f)
        || [
            "minister",
            "ministerin",
            "министр",
            "präsident",
            "präsidentin",
            "kanzlerin",
            "sprecher",
            "sprecherin",
            "sekretär",
            "секретарь",
            "міністр",
        ]
        .iter()
        .any(|o| f.ends_with(o) && f.len() > o.len())
}
/// A declined form of an office: a known stem and at most three more letters.
fn declined_office(word: &str) -> bool {
    let n = word.chars().count();
    word.char_indices()
        .skip(4)
        .map(|(i, _)| &word[..i])
        .chain(std::iter::once(word))
        .any(|prefix| n <= prefix.chars().count() + 3 && sets().office_stems.contains(prefix))
}
fn is_connector(f: &str) -> bool {
    sets().connectors.contains(f)
}

/// The word lists as sets, built once: the finder asks about every word of a story.
struct Sets {
    offices: HashSet<&'static str>,
    office_stems: HashSet<String>,
    connectors: HashSet<&'static str>,
    org_heads: HashSet<&'static str>,
    place_heads: HashSet<&'static str>,
    org_stems: HashSet<&'static str>,
    place_stems: HashSet<&'static str>,
    org_kinds_before: HashSet<&'static str>,
    place_kinds_before: HashSet<&'static str>,
    never_names: HashSet<&'static str>,
    said: HashSet<&'static str>,
}

fn sets() -> &'static Sets {
    static SETS: OnceLock<Sets> = OnceLock::new();
    SETS.get_or_init(|| {
        let set = |l: &[&'static str]| l.iter().copied().collect::<HashSet<_>>();
        Sets {
            offices: set(OFFICES),
            // `председателя`, `министра`, `президентом` are forms of `председатель`,
            // `министр`, `президент`: their stems.
            office_stems: OFFICES
                .iter()
                .filter(|o| starts_cyrillic(o))
                .map(|o| o.trim_end_matches(['ь', 'й', 'а', 'я']).to_string())
                .filter(|s| s.chars().count() >= 4)
                .collect(),
            connectors: set(CONNECTORS),
            org_heads: set(ORG_HEADS),
            place_heads: set(PLACE_HEADS),
            org_stems: set(ORG_STEMS_CYRILLIC),
            place_stems: set(PLACE_STEMS_CYRILLIC),
            org_kinds_before: set(ORG_KINDS_BEFORE),
            place_kinds_before: set(PLACE_KINDS_BEFORE),
            never_names: set(NEVER_NAMES),
            said: set(SAID),
        }
    })
}

/// Some prefix of the folded word is in `stems`. Every stem list is Cyrillic, so other
/// words need no lookups (they were the bulk of this function's time in English).
fn has_stem<S: std::borrow::Borrow<str> + Eq + std::hash::Hash>(
    f: &str,
    stems: &HashSet<S>,
) -> bool {
    if !starts_cyrillic(f) {
        return false;
    }
    f.char_indices()
        .skip(2)
        .map(|(i, _)| &f[..i])
        .chain(std::iter::once(f))
        .any(|prefix| stems.contains(prefix))
}

fn is_org_word(f: &str) -> bool {
    sets().org_heads.contains(f) || has_stem(f, &sets().org_stems)
}

fn is_place_word(f: &str) -> bool {
    sets().place_heads.contains(f) || has_stem(f, &sets().place_stems)
}

/// A name found by its shape.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub start: usize,
    pub end: usize,
    pub entity_type: EntityType,
}

/// `known[i]`: token `i` is part of a name the gazetteer found. `usable[i]`: token `i`
/// is in story text (not page furniture).
pub fn find(text: &str, tokens: &[Token<'_>], known: &[bool], usable: &[bool]) -> Vec<Found> {
    let mut found = Vec::new();
    people_by_office(text, tokens, known, usable, &mut found);
    people_by_given_name(tokens, known, usable, &mut found);
    people_by_said(tokens, known, usable, &mut found);
    organisations_and_places(text, tokens, known, usable, &mut found);
    organisations_by_kind(text, tokens, known, usable, &mut found);
    if text.chars().any(is_cjk_char) {
        found.extend(chinese_people(text));
    }
    // Where two overlap, the one starting first, then the longer, then what the words
    // around it said it was ("estadio Santiago Bernabéu") over a given name's guess.
    found.sort_by(|a, b| {
        a.start
            .cmp(&b.start)
            .then(b.end.cmp(&a.end))
            .then((a.entity_type == EntityType::Person).cmp(&(b.entity_type == EntityType::Person)))
    });
    found.dedup_by(|b, a| b.start < a.end);
    found
}

fn name_like(t: &Token<'_>) -> bool {
    t.capitalised
        && t.text.chars().next().is_some_and(char::is_alphabetic)
        && t.text.chars().filter(|c| c.is_uppercase()).count() <= 3
        && !sets().never_names.contains(t.folded)
        && !is_cjk(t.text)
}

/// "Japan's": the owner, not part of the owned thing's name.
fn possessive(word: &str) -> bool {
    word.ends_with("'s") || word.ends_with("’s")
}

fn is_particle(word: &str) -> bool {
    [
        "de", "da", "di", "von", "van", "der", "del", "dos", "du", "le", "al", "bin", "ibn", "el",
    ]
    .contains(&word)
}

fn people_by_office(
    text: &str,
    tokens: &[Token<'_>],
    known: &[bool],
    usable: &[bool],
    out: &mut Vec<Found>,
) {
    for i in 0..tokens.len() {
        if !usable[i] || !is_office(tokens[i].folded) {
            continue;
        }
        // Walk the title's complement to the last run of unknown capitalised words
        // before the sentence goes on ("… of Belarus Aleksandr Volfovich said",
        // "Председатель Коллегии Евразийской экономической комиссии Бакытжан Сагинтаев").
        let mut run: Option<(usize, usize)> = None;
        let mut last_run: Option<(usize, usize)> = None;
        let mut j = i + 1;
        while j < tokens.len() && j <= i + 12 && usable[j] {
            let t = &tokens[j];
            if t.after_break {
                // A comma may stand between the title and the name ("el ministro de
                // Asuntos Exteriores, José Albares"): only a given name continues.
                let comma = text_between(text, tokens, j).trim() == ",";
                if !(comma && is_given_name(t.folded)) {
                    break;
                }
                run = None;
                last_run = None;
            }
            let particle = is_particle(t.folded)
                && run.is_some()
                && tokens
                    .get(j + 1)
                    .is_some_and(|n| name_like(n) && !n.after_break);
            // A given name that is also a place (Константина, Герман) is a given name here.
            let known_here = known[j]
                && !(is_given_name(t.folded)
                    && tokens
                        .get(j + 1)
                        .is_some_and(|n| name_like(n) && !n.after_break));
            if known_here {
                if let Some(r) = run.take() {
                    last_run = Some(r);
                }
            } else if particle {
                // "Michele de Pascale": the particle belongs to the name.
            } else if name_like(t) && !is_connector(t.folded) && !is_office(t.folded) {
                run = Some(match run {
                    Some((s, _)) => (s, j),
                    None => (j, j),
                });
            } else if is_connector(t.folded) || is_office(t.folded) {
                if let Some(r) = run.take() {
                    last_run = Some(r);
                }
            } else if run.is_none() && last_run.is_none() && j <= i + 4 {
                // Lower-case words of the title ("министр иностранных дел").
            } else if starts_cyrillic(t.text) && cyrillic_name_word(t.folded) && j <= i + 8 {
                // The title's genitive runs on ("… Евразийской экономической комиссии").
                if let Some(r) = run.take() {
                    last_run = Some(r);
                }
            } else {
                break;
            }
            j += 1;
        }
        let Some((s, e)) = run.or(last_run) else {
            continue;
        };
        // Where the name starts: at a known given name; otherwise the run is a name
        // when it follows the title directly ("Foreign Minister Jane Doe") or ends the
        // title's complement (after a known place or a lower-case word), not when it is
        // the complement itself ("Minister of Health Care").
        let adjacent = s == i + 1;
        let given = (s..=e).find(|&k| is_given_name(tokens[k].folded));
        let after_complement = s > i + 1
            && (known[s - 1] || !tokens[s - 1].capitalised && !is_connector(tokens[s - 1].folded));
        let s = match given {
            Some(k) => k,
            None if adjacent => s.max(e.saturating_sub(2)),
            None if after_complement && e > s && e - s <= 2 => s,
            None => continue,
        };
        if e - s > 3 || (s..=e).any(|k| is_org_word(tokens[k].folded)) {
            continue;
        }
        out.push(Found {
            start: tokens[s].start,
            end: tokens[e].end,
            entity_type: EntityType::Person,
        });
    }
}

/// "Kylian Mbappé marcó", "Jane Doe told reporters": two or three unknown capitalised
/// words right before a word of saying.
fn people_by_said(tokens: &[Token<'_>], known: &[bool], usable: &[bool], out: &mut Vec<Found>) {
    for v in 1..tokens.len() {
        if !usable[v] || tokens[v].after_break || !sets().said.contains(tokens[v].folded) {
            continue;
        }
        let e = v - 1;
        let mut s = e;
        while s > 0
            && e - s < 2
            && !tokens[s].after_break
            && name_like(&tokens[s - 1])
            && !known[s - 1]
        {
            s -= 1;
        }
        let words = &tokens[s..=e];
        // "the Minister of Health Care said": the end of a title, not a name.
        let in_title = s > 0 && !tokens[s].after_break && is_connector(tokens[s - 1].folded);
        if e == s
            || in_title
            || (s..=e).any(|k| known[k] || !name_like(&tokens[k]) || is_office(tokens[k].folded))
            || words.iter().any(|w| is_org_word(w.folded))
        {
            continue;
        }
        out.push(Found {
            start: tokens[s].start,
            end: tokens[e].end,
            entity_type: EntityType::Person,
        });
    }
}

/// Organisations named beside what they are ("das Unternehmen Svevind", "the IG Metall
/// union"), upper-case names no list has ("CGT", "НБУ"), and German federal compounds
/// ("Bundespolizei", "Kanzleramt").
fn organisations_by_kind(
    text: &str,
    tokens: &[Token<'_>],
    known: &[bool],
    usable: &[bool],
    out: &mut Vec<Found>,
) {
    let dateline_end = text.find("\n\n").map_or(0, |h| h + 2 + 40);
    for i in 0..tokens.len() {
        if !usable[i] || known[i] {
            continue;
        }
        let t = &tokens[i];
        let f = t.folded;
        // The kind before the name.
        if sets().org_kinds_before.contains(f) || sets().place_kinds_before.contains(f) {
            let mut k = i + 1;
            while k < tokens.len() && is_connector(tokens[k].folded) && k <= i + 2 {
                k += 1;
            }
            let mut e = k;
            while e < tokens.len()
                && name_like(&tokens[e])
                && !is_given_name(tokens[e].folded)
                && (e == k || !tokens[e].after_break)
                && e < k + 3
            {
                e += 1;
            }
            let quoted = k < tokens.len() && k == e && name_like(&tokens[k]);
            if e > k && !quoted && (k == i + 1 || !tokens[k].after_break) {
                let place = sets().place_kinds_before.contains(f);
                out.push(Found {
                    start: tokens[k].start,
                    end: tokens[e - 1].end,
                    entity_type: if place {
                        EntityType::Place
                    } else {
                        EntityType::Organization
                    },
                });
            }
        }
        // Upper-case names: an organisation unless the story's dateline or a common
        // abbreviation.
        if is_acronym(t.text)
            && t.text.chars().filter(|c| c.is_uppercase()).count() >= 2
            && t.text
                .chars()
                .all(|c| c.is_uppercase() || c.is_ascii_digit() || c == '-')
            && !NOT_ACRONYM_NAMES.contains(&t.text)
            && t.start > dateline_end
            && !all_caps_sentence(tokens, i)
        {
            out.push(Found {
                start: t.start,
                end: t.end,
                entity_type: EntityType::Organization,
            });
        }
        // German federal institutions written as one word.
        if ["bundes", "kanzler", "staats", "landes"]
            .iter()
            .any(|p| f.starts_with(p))
            && [
                "polizei",
                "amt",
                "liga",
                "rat",
                "tag",
                "bank",
                "ministerium",
                "gericht",
                "wehr",
                "agentur",
                "anwaltschaft",
            ]
            .iter()
            .any(|x| f.ends_with(x))
        {
            out.push(Found {
                start: t.start,
                end: t.end,
                entity_type: EntityType::Organization,
            });
        }
        // The kind after the name: a run of capitalised words, then "union", "park" …
        // ("the IG Metall union", "the Great Stone industrial park").
        if (ORG_KINDS_AFTER.contains(&f) || PLACE_KINDS_AFTER.contains(&f))
            && !t.capitalised
            && i > 0
        {
            let mut e = i - 1;
            if f == "park" && e > 0 && !tokens[e].capitalised {
                e -= 1; // "industrial", "technology"
            }
            let mut s = e + 1;
            while s > 0
                && name_like(&tokens[s - 1])
                && !known[s - 1]
                && (s > e || !tokens[s].after_break)
            {
                s -= 1;
            }
            if s <= e {
                out.push(Found {
                    start: tokens[s].start,
                    end: tokens[e].end,
                    entity_type: if PLACE_KINDS_AFTER.contains(&f) {
                        EntityType::Place
                    } else {
                        EntityType::Organization
                    },
                });
            }
        }
    }
}

/// A heading or dateline written all in capitals is not a row of acronyms.
fn all_caps_sentence(tokens: &[Token<'_>], i: usize) -> bool {
    let neighbour = |k: usize| {
        tokens.get(k).is_some_and(|t| {
            t.text.chars().count() > 3 && t.text.chars().all(|c| !c.is_lowercase())
        })
    };
    (i > 0 && !tokens[i].after_break && neighbour(i - 1))
        || (!tokens.get(i + 1).is_some_and(|t| t.after_break) && neighbour(i + 1))
}

/// Chinese names after an office ("外长苏杰生也参加", "部长西雅尔多出席"): the Han
/// characters up to the next function word or verb.
pub fn chinese_people(text: &str) -> Vec<Found> {
    const OFFICES_ZH: &[&str] = &[
        "总统",
        "总理",
        "主席",
        "外长",
        "部长",
        "大使",
        "发言人",
        "市长",
        "省长",
        "董事长",
        "总裁",
        "首相",
        "秘书长",
        "议长",
        "主任",
        "书记",
        "国王",
        "教练",
    ];
    const STOPS: &str =
        "也和出在表说会对于与及等是的了将已就向同为从到被把称指并今前后时以上下中签访抵宣强发透举";
    let mut out = Vec::new();
    for office in OFFICES_ZH {
        for (at, _) in text.match_indices(office) {
            let start = at + office.len();
            let mut end = start;
            for c in text[start..].chars() {
                let han = ('\u{4e00}'..='\u{9fff}').contains(&c) || c == '·';
                if !han || STOPS.contains(c) || text[start..end].chars().count() >= 5 {
                    break;
                }
                end += c.len_utf8();
            }
            let n = text[start..end].chars().count();
            // "外长理事会" is a council, not a minister called 理事.
            let org_follows = text[end..].starts_with(['会', '院', '部', '局', '委', '所']);
            if (2..=5).contains(&n) && !org_follows {
                out.push(Found {
                    start,
                    end,
                    entity_type: EntityType::Person,
                });
            }
        }
    }
    out
}

fn text_between<'t>(text: &'t str, tokens: &[Token<'_>], j: usize) -> &'t str {
    &text[tokens[j - 1].end..tokens[j].start]
}

fn people_by_given_name(
    tokens: &[Token<'_>],
    known: &[bool],
    usable: &[bool],
    out: &mut Vec<Found>,
) {
    let mut i = 0;
    while i + 1 < tokens.len() {
        let t = &tokens[i];
        if usable[i] && name_like(t) && is_given_name(t.folded) {
            let mut e = i;
            while e + 1 < tokens.len()
                && e < i + 3
                && !known[e + 1]
                && !tokens[e + 1].after_break
                && name_like(&tokens[e + 1])
                && !is_office(tokens[e + 1].folded)
                && !is_org_word(tokens[e + 1].folded)
            {
                e += 1;
            }
            if e > i {
                out.push(Found {
                    start: t.start,
                    end: tokens[e].end,
                    entity_type: EntityType::Person,
                });
                i = e + 1;
                continue;
            }
        }
        i += 1;
    }
}

fn organisations_and_places(
    text: &str,
    tokens: &[Token<'_>],
    known: &[bool],
    usable: &[bool],
    out: &mut Vec<Found>,
) {
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i]; // A sentence's first word before a known name is just the sentence's start
                            // ("Жобаға Қытай компаниясы": "the project [has] a Chinese company").
        let sentence_start = i == 0
            || t.after_break && text_between(text, tokens, i).contains(['.', '!', '?', '\n']);
        let opens_before_known =
            sentence_start && known.get(i + 1).copied().unwrap_or(false) && !known[i];
        if !usable[i]
            || !name_like(t)
            || is_connector(t.folded)
            || is_office(t.folded)
            || possessive(t.folded)
            || opens_before_known
        {
            i += 1;
            continue;
        }
        let cyrillic = starts_cyrillic(t.text);
        // The capitalised run with its connectors (`Ministry of Foreign Affairs of Belarus`).
        let mut e = i;
        let mut k = i + 1;
        while k < tokens.len() && usable[k] && !tokens[k].after_break {
            if tokens[k].capitalised && is_given_name(tokens[k].folded) {
                break; // a person's name follows the organisation's
            }
            if possessive(tokens[k].folded) {
                break;
            }
            let after_lower = k > i && !tokens[k - 1].capitalised;
            if name_like(&tokens[k]) && !(cyrillic && after_lower && !known[k]) {
                e = k;
                k += 1;
            } else if is_connector(tokens[k].folded)
                && k + 1 < tokens.len()
                && name_like(&tokens[k + 1])
                && !tokens[k + 1].after_break
            {
                k += 1;
            } else if cyrillic
                && !tokens[k].capitalised
                && cyrillic_name_word(tokens[k].folded)
                && k < i + 6
            {
                // Russian names run on in lower case: Министерство иностранных дел,
                // Національний банк України, Мінскі трактарны завод.
                e = k;
                k += 1;
            } else if cyrillic
                && is_connector(tokens[k].folded)
                && tokens
                    .get(k + 1)
                    .is_some_and(|n| !n.capitalised && cyrillic_name_word(n.folded))
                && k < i + 6
            {
                k += 1;
            } else {
                break;
            }
        }
        let words = &tokens[i..=e];
        let org = words.iter().any(|w| is_org_word(w.folded));
        let place = words.iter().any(|w| is_place_word(w.folded));
        // "Брэсцкай вобласці", "Минской области": the name is the word before a
        // lower-case head, whatever capitalised word opened the sentence.
        let lower_head = (i + 1..=e)
            .find(|&h| !tokens[h].capitalised && has_stem(tokens[h].folded, &sets().place_stems));
        if let Some(h) = lower_head.filter(|_| cyrillic) {
            // A region may carry its city's name (Түркістан облысы).
            if tokens[h - 1].capitalised && (h - 1 > i || !known[h - 1] || h - 1 == i) {
                out.push(Found {
                    start: tokens[h - 1].start,
                    end: tokens[h].end,
                    entity_type: EntityType::Place,
                });
            }
            i = e + 1;
            continue;
        }
        // Something besides known names and the head word: "Компания Түркістан" is a
        // company in Turkistan, not a company called so.
        let all_known = (i..=e)
            .all(|x| known[x] || is_org_word(tokens[x].folded) || is_place_word(tokens[x].folded));
        let a_single_word = e == i;
        if (org || place) && !all_known && !a_single_word {
            // Drop a sentence-initial article: "The Ministry of …".
            let s = if ["the", "die", "der", "le", "la", "el", "los", "les"].contains(&t.folded) {
                i + 1
            } else {
                i
            };
            if s < e || !known[s] {
                out.push(Found {
                    start: tokens[s].start,
                    end: tokens[e].end,
                    entity_type: if org {
                        EntityType::Organization
                    } else {
                        EntityType::Place
                    },
                });
            }
        }
        i = e + 1;
    }
}

/// A lower-case word inside a Russian/Belarusian/Ukrainian/Kazakh name: an adjective,
/// a genitive, or the head noun (`банк`, `завод`, `облысы`).
fn cyrillic_name_word(f: &str) -> bool {
    let word = f;
    genitive_like(word)
        || has_stem(word, &sets().org_stems)
        || has_stem(word, &sets().place_stems)
        || [
            "ый", "ий", "ой", "ая", "яя", "ое", "ее", "ые", "ие", "ыя", "ні", "ны", "ная", "ний",
            "на", "не", "ці", "ом", "ем", "ым", "им", "ую",
        ]
        .iter()
        .any(|e| f.ends_with(e) && f.chars().count() > 4)
            && !["ла", "ло", "ли", "лі"].iter().any(|v| f.ends_with(v))
}

/// A lower-case word that can continue a Russian/Belarusian/Ukrainian name in the
/// genitive (`иностранных дел`, `национальной безопасности`), not a verb.
fn genitive_like(f: &str) -> bool {
    if ["дел", "справ", "спраў"].contains(&f) {
        return true;
    }
    let verb = [
        "ла", "ло", "ли", "ет", "ит", "ют", "ат", "ят", "ть", "лі", "ць", "ся", "сь",
    ];
    if verb.iter().any(|v| f.ends_with(v)) {
        return false;
    }
    [
        "ых",
        "их",
        "ого",
        "его",
        "ой",
        "ей",
        "ства",
        "ности",
        "ции",
        "ения",
        "ания",
        "ыя",
        "ага",
        "ай",
        "асці",
        "ння",
        "ої",
        "ості",
        "ції",
        "ання",
        "ення",
        "ики",
        "ов",
        "ев",
        "аў",
    ]
    .iter()
    .any(|e| f.ends_with(e))
}

#[cfg(test)]
mod tests {
    use super::super::tokens::tokenize;
    use super::*;

    #[test]
    fn every_stem_is_cyrillic_as_has_stem_assumes() {
        let s = sets();
        for stems in [&s.org_stems, &s.place_stems] {
            assert!(stems.iter().all(|w| starts_cyrillic(w)));
        }
        assert!(s.office_stems.iter().all(|w| starts_cyrillic(w)));
        assert!(has_stem("министерства", &s.org_stems));
        assert!(!has_stem("ministry", &s.org_stems));
    }

    fn names(text: &str, known_words: &[&str]) -> Vec<(String, EntityType)> {
        let folded = super::super::fold::fold(text);
        let tokens = tokenize(text, &folded);
        let known: Vec<bool> = tokens
            .iter()
            .map(|t| known_words.contains(&t.text))
            .collect();
        let usable = vec![true; tokens.len()];
        find(text, &tokens, &known, &usable)
            .into_iter()
            .map(|f| (text[f.start..f.end].to_string(), f.entity_type))
            .collect()
    }

    #[test]
    fn people_introduced_by_their_office() {
        let p = EntityType::Person;
        assert!(names("Foreign Minister Jane Doe said on Monday.", &[])
            .contains(&("Jane Doe".into(), p)));
        assert!(names(
            "State Secretary of the Security Council of Belarus Aleksandr Volfovich said:",
            &["Belarus"]
        )
        .contains(&("Aleksandr Volfovich".into(), p)));
        assert!(names(
            "министр иностранных дел Беларуси Максим Рыженков заявил журналистам.",
            &["Беларуси"]
        )
        .contains(&("Максим Рыженков".into(), p)));
        assert!(names("Außenminister Johann Wadephul sagte am Montag.", &[])
            .contains(&("Johann Wadephul".into(), p)));
        // A title without a person in it is not one.
        assert!(!names("The Minister of Health Care said.", &[])
            .iter()
            .any(|(_, t)| *t == p));
    }

    #[test]
    fn organisations_and_places_by_what_they_are() {
        let n = names(
            "The summit is held in the Palace of Independence, the Ministry of Foreign Affairs said.",
            &[],
        );
        assert!(n.contains(&("Palace of Independence".into(), EntityType::Place)));
        assert!(n.contains(&(
            "Ministry of Foreign Affairs".into(),
            EntityType::Organization
        )));
        let k = names(
            "Workers of the IG Metall union met at the Great Stone industrial park. Das Unternehmen Svevind plant.",
            &[],
        );
        assert!(
            k.contains(&("IG Metall".into(), EntityType::Organization)),
            "{k:?}"
        );
        assert!(
            k.contains(&("Great Stone".into(), EntityType::Place)),
            "{k:?}"
        );
        assert!(
            k.contains(&("Svevind".into(), EntityType::Organization)),
            "{k:?}"
        );
        let r = names("Министерство иностранных дел сообщило об этом.", &[]);
        assert!(r.contains(&(
            "Министерство иностранных дел".into(),
            EntityType::Organization
        )));
    }

    #[test]
    fn given_names_mark_people() {
        assert!(is_given_name("максима"));
        assert!(names("Jane Doe, a teacher, said.", &[])
            .contains(&("Jane Doe".into(), EntityType::Person)));
    }
}
