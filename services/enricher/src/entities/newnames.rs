//! Names no list has: people introduced by their office ("Foreign Minister Jane Doe",
//! "State Secretary of the Security Council of Belarus Aleksandr Volfovich",
//! "министр иностранных дел Беларуси Максим Рыженков") or by a known given name
//! ("Jane Doe said"), and organisations and places named by what they are ("Ministry
//! of Foreign Affairs", "Palace of Independence", "Министерство обороны").

use super::fold::{has_cjk, starts_cyrillic};
use super::inflect::is_acronym;
use super::lexicon::{CLUB_PREFIXES, NOT_ACRONYM_NAMES};
use super::tokens::Token;
use super::traits::{self, Traits, *};
use crate::letters::{is_lowercase, is_uppercase};
use newswire_shared::article::EntityType;

/// The story as the rules read it: its words, and what is known about each.
struct Story<'s, 't> {
    text: &'s str,
    tokens: &'s [Token<'t>],
    /// A name the gazetteer found covers the word.
    known: &'s [bool],
    /// Only a town's or region's name covers the word: it may be a person's name too.
    minor_place: &'s [bool],
    /// A known person's name covers the word.
    known_person: &'s [bool],
    /// The word is in story text (not page furniture).
    usable: &'s [bool],
    traits: Vec<Traits>,
    /// Kazakh in the Latin alphabet: its names are built like Cyrillic Kazakh ones.
    kazakh_latin: bool,
    /// Quoted names are organisations' names (`«Белсат»`, `ОАО "Беларуськалий"`):
    /// the custom of Russian, Belarusian, Ukrainian and Kazakh copy.
    quotes_name_organisations: bool,
    /// Russian, Belarusian or Ukrainian: a body's name runs on in the genitive.
    east_slavic: bool,
    /// The story's word frequencies (`common_words::language_index`).
    words: Option<usize>,
}

impl Story<'_, '_> {
    fn is(&self, i: usize, bits: u32) -> bool {
        self.traits[i].has(bits)
    }

    /// Word `i` opens a sentence.
    fn opens_sentence(&self, i: usize) -> bool {
        i == 0
            || self.tokens[i].after_break && {
                // A dash after a dateline opens the story's first sentence
                // ("ASTANA (Reuters) - Central bank data…").
                let between = text_between(self.text, self.tokens, i);
                between.contains(['.', '!', '?', '\n', '«', '"', '–', '—'])
                    || between.contains(" - ")
            }
    }

    /// Word `i` is an ordinary word of the story's language (so a capital at a
    /// sentence's start says nothing about it).
    fn ordinary(&self, i: usize) -> bool {
        crate::common_words::zipf(self.words, self.tokens[i].folded) >= ORDINARY_WORD
    }

    /// Word `i` exists, looks like a name and continues the phrase before it.
    fn name_follows_at(&self, i: usize) -> bool {
        i < self.tokens.len() && self.is(i, NAME_LIKE) && !self.tokens[i].after_break
    }
}

/// Whether `word` is a Roman numeral written with I, V and X alone (1–39: centuries,
/// monarchs, congresses), which no organisation's abbreviation is; ones with L, C, D or
/// M are left alone ("MDC", "DC" are names).
///
/// Cyrillic copy often types them with the look-alike letters Х and І ("ХІХ стагоддзя"),
/// and ranges join two with a hyphen ("XIX-XX").
fn is_small_roman_numeral(word: &str) -> bool {
    const ONES: [&str; 10] = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"];
    let latin: String = word
        .chars()
        .map(|c| match c {
            'Х' => 'X',
            'І' => 'I',
            c => c,
        })
        .collect();
    latin.len() >= 2
        && latin.split('-').all(|part| {
            let tens = part.bytes().take_while(|&b| b == b'X').count();
            !part.is_empty() && tens <= 3 && ONES.contains(&&part[tens..])
        })
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
/// `folded` is `fold(text)` (same byte offsets: traditional Chinese read as simplified);
/// `language` the story's BCP 47 tag.
#[allow(clippy::too_many_arguments)]
pub fn find(
    text: &str,
    folded: &str,
    tokens: &[Token<'_>],
    known: &[bool],
    minor_place: &[bool],
    known_person: &[bool],
    usable: &[bool],
    language: &str,
    han_hits: &[HanHit],
) -> Vec<Found> {
    let primary = crate::language::primary(language);
    let kazakh_latin = primary == "kk" && language.contains("Latn");
    let story = Story {
        text,
        tokens,
        known,
        minor_place,
        known_person,
        usable,
        traits: traits::of_tokens(tokens),
        kazakh_latin,
        quotes_name_organisations: matches!(primary, "ru" | "be" | "uk" | "kk" | "ky"),
        east_slavic: matches!(primary, "ru" | "be" | "uk"),
        words: crate::common_words::language_index(language),
    };
    let mut found = Vec::new();
    people_by_office(&story, &mut found);
    people_by_given_name(&story, &mut found);
    people_by_said(&story, &mut found);
    people_by_apposition(&story, &mut found);
    organisations_and_places(&story, &mut found);
    organisations_by_kind(&story, &mut found);
    // The rules of one script or language run only on stories in it.
    if story.quotes_name_organisations {
        kazakh_organisations(&story, &mut found);
        ministries_in_one_word(&story, &mut found);
        regions_named_by_suffix(&story, &mut found);
        quoted_organisations(&story, &mut found);
        if !kazakh_latin {
            latin_names_in_cyrillic_copy(&story, &mut found);
        }
    } else if kazakh_latin {
        kazakh_organisations(&story, &mut found);
    }
    if matches!(primary, "es" | "fr") {
        clubs_named_like_their_city(&story, &mut found);
    }
    places_listed_after_kind(&story, &mut found);
    if has_cjk(text) {
        found.extend(chinese_people(folded));
        found.extend(chinese_names(folded, han_hits));
    }
    // A single word opening a sentence that is an ordinary word of the language is not
    // a name, whatever follows it ("Central bank data showed…").
    found.retain(|f| {
        let i = tokens.partition_point(|t| t.end <= f.start);
        // A company's form (`АО`, `GmbH`) never opens a person's name.
        if f.entity_type == EntityType::Person && i < tokens.len() && story.is(i, LEGAL_FORM) {
            return false;
        }
        !(i < tokens.len()
            && tokens[i].start == f.start
            && tokens[i].end == f.end
            && story.opens_sentence(i)
            && story.ordinary(i))
    });
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

fn people_by_office(story: &Story<'_, '_>, out: &mut Vec<Found>) {
    let Story {
        text,
        tokens,
        known,
        usable,
        ..
    } = *story;
    for i in 0..tokens.len() {
        if !usable[i] || !story.is(i, OFFICE) {
            continue;
        }
        // Walk the title's complement to the last run of unknown capitalised words
        // before the sentence goes on ("… of Belarus Aleksandr Volfovich said",
        // "Председатель Коллегии Евразийской экономической комиссии Бакытжан Сагинтаев").
        let mut run: Option<(usize, usize)> = None;
        let mut last_run: Option<(usize, usize)> = None;
        // The name stands alone after a comma: the title is all before it.
        let mut set_off = false;
        let mut j = i + 1;
        while j < tokens.len() && j <= i + 12 && usable[j] {
            let t = &tokens[j];
            if t.after_break {
                // A comma may stand between the title and the name ("el ministro de
                // Asuntos Exteriores, José Albares"): only a given name continues.
                let comma = text_between(text, tokens, j).trim() == ",";
                set_off = comma && whole_name_at(story, j);
                if !(comma && (story.is(j, GIVEN) || set_off)) {
                    break;
                }
                run = None;
                last_run = None;
            }
            let particle = story.is(j, PARTICLE) && run.is_some() && story.name_follows_at(j + 1);
            // A given name that is also a place (Константина, Герман) is a given name here.
            let known_here = known[j] && !(story.is(j, GIVEN) && story.name_follows_at(j + 1));
            if known_here {
                if let Some(r) = run.take() {
                    last_run = Some(r);
                }
            } else if particle {
                // "Michele de Pascale": the particle belongs to the name.
            } else if story.is(j, NAME_LIKE) && !story.is(j, CONNECTOR | OFFICE) {
                run = Some(match run {
                    Some((s, _)) => (s, j),
                    None => (j, j),
                });
            } else if story.is(j, CONNECTOR | OFFICE) {
                if let Some(r) = run.take() {
                    last_run = Some(r);
                }
            } else if run.is_none() && last_run.is_none() && j <= i + 4 {
                // Lower-case words of the title ("министр иностранных дел").
            } else if starts_cyrillic(t.text) && story.is(j, CYRILLIC_NAME_WORD) && j <= i + 8 {
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
        let given = (s..=e).find(|&k| story.is(k, GIVEN));
        let after_complement = s > i + 1
            && (known[s - 1] || !tokens[s - 1].capitalised && !story.is(s - 1, CONNECTOR));
        let s = match given {
            Some(k) => k,
            None if adjacent => s.max(e.saturating_sub(2)),
            None if (after_complement || set_off) && e > s && e - s <= 2 => s,
            None => continue,
        };
        if e - s > 3 || (s..=e).any(|k| story.is(k, ORG_WORD)) {
            continue;
        }
        out.push(Found {
            start: tokens[s].start,
            end: tokens[e].end,
            entity_type: EntityType::Person,
        });
    }
}

/// Two or three unknown capitalised words from `j` that stand alone between punctuation
/// ("le président du gouvernement local, Alcide Ponga."): a name, whatever its given
/// name.
fn whole_name_at(story: &Story<'_, '_>, j: usize) -> bool {
    let plain = |k: usize| {
        k < story.tokens.len()
            && story.usable[k]
            && !story.known[k]
            && story.is(k, NAME_LIKE)
            && !story.is(k, OFFICE | ORG_WORD | PLACE_WORD | CONNECTOR | PARTICLE)
    };
    let ends_at = |k: usize| k >= story.tokens.len() || story.tokens[k].after_break;
    plain(j)
        && story.name_follows_at(j + 1)
        && plain(j + 1)
        && (ends_at(j + 2) || story.name_follows_at(j + 2) && plain(j + 2) && ends_at(j + 3))
}

/// "Kylian Mbappé marcó", "Jane Doe told reporters": two or three unknown capitalised
/// words right before a word of saying.
fn people_by_said(story: &Story<'_, '_>, out: &mut Vec<Found>) {
    let Story {
        tokens,
        known,
        usable,
        ..
    } = *story;
    for v in 1..tokens.len() {
        if !usable[v] || tokens[v].after_break || !story.is(v, SAYS) {
            continue;
        }
        let e = v - 1;
        let mut s = e;
        while s > 0
            && e - s < 2
            && !tokens[s].after_break
            && story.is(s - 1, NAME_LIKE)
            && !known[s - 1]
        {
            s -= 1;
        }
        // "the Minister of Health Care said": the end of a title, not a name.
        let in_title = s > 0 && !tokens[s].after_break && story.is(s - 1, CONNECTOR);
        if e == s
            || in_title
            || (s..=e)
                .any(|k| known[k] || !story.is(k, NAME_LIKE) || story.is(k, OFFICE | ORG_WORD))
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

/// "a réagi Alcide Ponga, président du gouvernement local", "said Jane Doe, the
/// minister": two or three unknown capitalised words, then a comma and an office (after
/// an article at most).
fn people_by_apposition(story: &Story<'_, '_>, out: &mut Vec<Found>) {
    let Story {
        text,
        tokens,
        known,
        usable,
        ..
    } = *story;
    for o in 2..tokens.len() {
        if !usable[o] || !story.is(o, OFFICE) || tokens[o].capitalised {
            continue;
        }
        // The comma, right before the office or before its article, which may have
        // up to two words of its own before the office ("…, a customs spokesman").
        let mut a = o;
        while o - a < 2
            && a > 1
            && !tokens[a].after_break
            && !tokens[a - 1].capitalised
            && !story.is(a - 1, ARTICLE | CONNECTOR)
            && tokens[a - 1].text.chars().all(char::is_alphabetic)
        {
            a -= 1;
        }
        let c = if story.is(a - 1, ARTICLE) && !tokens[a - 1].capitalised && !tokens[a].after_break
        {
            a - 1
        } else if a == o {
            o
        } else {
            continue;
        };
        if c < 2 || text_between(text, tokens, c).trim() != "," {
            continue;
        }
        let e = c - 1;
        let mut s = e;
        // A word only a town's name covers may be a surname (Lyu Daliang).
        let free = |k: usize| !known[k] || story.minor_place[k];
        while s > 0
            && e - s < 2
            && !tokens[s].after_break
            && story.is(s - 1, NAME_LIKE)
            && free(s - 1)
        {
            s -= 1;
        }
        // "the Minister of Health Care, …": the end of a title, not a name.
        let in_title = s > 0 && !tokens[s].after_break && story.is(s - 1, CONNECTOR | OFFICE);
        if e == s
            || in_title
            || (s..=e).any(|k| {
                !free(k)
                    || !usable[k]
                    || !story.is(k, NAME_LIKE)
                    || story.is(k, OFFICE | ORG_WORD | PLACE_WORD | CONNECTOR)
            })
            || story.opens_sentence(s) && story.ordinary(s)
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
fn organisations_by_kind(story: &Story<'_, '_>, out: &mut Vec<Found>) {
    let Story {
        text,
        tokens,
        known,
        usable,
        ..
    } = *story;
    let dateline_end = text.find("\n\n").map_or(0, |h| h + 2 + 40);
    for i in 0..tokens.len() {
        if !usable[i] || known[i] {
            continue;
        }
        let t = &tokens[i];
        // The kind before the name.
        // "1.540 Unternehmen Insolvenz": a kind counted is a plural, not one named.
        let counted = i > 0 && tokens[i - 1].text.starts_with(|c: char| c.is_ascii_digit());
        if story.is(i, ORG_KIND_BEFORE | PLACE_KIND_BEFORE) && !counted {
            let mut k = i + 1;
            while k < tokens.len() && story.is(k, CONNECTOR) && k <= i + 2 {
                k += 1;
            }
            let mut e = k;
            // A given name right after the kind is the name's first word ("estadio
            // Santiago Bernabéu"); later, it starts a person's name.
            let place_kind = story.is(i, PLACE_KIND_BEFORE) && !story.is(i, ORG_KIND_BEFORE);
            while e < tokens.len()
                && story.is(e, NAME_LIKE)
                && (e == k && place_kind || !story.is(e, GIVEN))
                && (e == k || !tokens[e].after_break)
                && e < k + 3
            {
                e += 1;
            }
            let quoted = k < tokens.len() && k == e && story.is(k, NAME_LIKE);
            // "председатель правления компании Багдат Мусин": two words after an
            // office's organisation are its holder, not the organisation.
            let holder = e == k + 2
                && !place_kind
                && (i.saturating_sub(3)..i).any(|o| story.is(o, OFFICE))
                && !tokens[k].after_break
                && !story.is(e - 1, LEGAL_FORM);
            if e > k && !quoted && holder {
                out.push(Found {
                    start: tokens[k].start,
                    end: tokens[e - 1].end,
                    entity_type: EntityType::Person,
                });
            } else if e > k
                && !quoted
                && (k == i + 1 && !text_between(text, tokens, k).contains(',')
                    || !tokens[k].after_break)
            {
                let place = story.is(i, PLACE_KIND_BEFORE);
                // "la région de Karaganda": an administrative unit is named with its kind.
                let start = if story.is(i, ADMINISTRATIVE) { i } else { k };
                out.push(Found {
                    start: tokens[start].start,
                    end: tokens[e - 1].end,
                    entity_type: if place {
                        EntityType::Place
                    } else {
                        EntityType::Organization
                    },
                });
            }
        }
        // "SC Freiburg", "VfB Stuttgart", "FC Barcelona": a club's prefix and the town's
        // or the name's words after it are one organisation, the club, not the town.
        if CLUB_PREFIXES.contains(&t.text) && story.name_follows_at(i + 1) {
            // The town comes last ("FC Bayern München"): a known place ends the name, and
            // a given name, an office, a kind word, a legal form or an ordinary word
            // after it is not part of it ("der SC Freiburg Borussia Dortmund", "FC
            // Barcelona President Joan Laporta").
            let stop = |k: usize| {
                story.is(
                    k,
                    GIVEN | OFFICE | ORG_KIND_AFTER | PLACE_KIND_AFTER | LEGAL_FORM,
                ) || story.ordinary(k)
            };
            let mut e = i + 1;
            while e < i + 3 && !known[e] && story.name_follows_at(e + 1) && !stop(e + 1) {
                e += 1;
            }
            out.push(Found {
                start: t.start,
                end: tokens[e].end,
                entity_type: EntityType::Organization,
            });
            continue;
        }
        // Upper-case names: an organisation unless the story's dateline, a common
        // abbreviation or a Roman numeral ("XVIII стагоддзя", "the XXI century").
        if t.capitalised
            && is_acronym(t.text)
            && !is_small_roman_numeral(t.text)
            && t.text.chars().filter(|&c| is_uppercase(c)).count() >= 2
            && t.text
                .chars()
                .all(|c| is_uppercase(c) || c.is_ascii_digit() || c == '-')
            && !NOT_ACRONYM_NAMES.contains(&t.text)
            && !story.is(i, LEGAL_FORM)
            && t.start > dateline_end
            && !all_caps_sentence(tokens, i)
        {
            // "die IG Metall", "DB InfraGO", "CMA CGM": one capitalised word more (an
            // acronym too), not a name's or title's start, and nothing capitalised after
            // it, is the name's end.
            let next = i + 1;
            let one_more = story.name_follows_at(next)
                && !known[next]
                && !story.is(
                    next,
                    GIVEN | OFFICE | ORG_KIND_AFTER | PLACE_KIND_AFTER | LEGAL_FORM,
                )
                && !story.name_follows_at(next + 1);
            out.push(Found {
                start: t.start,
                end: if one_more { tokens[next].end } else { t.end },
                entity_type: EntityType::Organization,
            });
        }
        // A company form after capitalised words names them a company, known places
        // among them ("Aktau Grain Terminal LLP", "Siemens Energy AG").
        if story.is(i, LEGAL_FORM) && i > 0 && !t.after_break && story.is(i - 1, NAME_LIKE) {
            let mut s = i - 1;
            while s > 0
                && s + 4 > i
                && !tokens[s].after_break
                && story.is(s - 1, NAME_LIKE)
                && !story.is(s - 1, ARTICLE | POSSESSIVE)
                && usable[s - 1]
            {
                s -= 1;
            }
            out.push(Found {
                start: tokens[s].start,
                end: t.end,
                entity_type: EntityType::Organization,
            });
        }
        // German federal institutions written as one word.
        // A Land's office without its Land ("das Statistische Landesamt") is every
        // Land's: a common noun.
        let lands_own = t.folded.starts_with("landes")
            && !tokens
                .get(i + 1)
                .is_some_and(|n| known[i + 1] && !n.after_break);
        if story.is(i, GERMAN_BODY) && !lands_own {
            out.push(Found {
                start: t.start,
                end: t.end,
                entity_type: EntityType::Organization,
            });
        }
        // The kind after the name: a run of capitalised words, then "union", "park" …
        // ("the IG Metall union", "the Great Stone industrial park").
        if story.is(i, ORG_KIND_AFTER | PLACE_KIND_AFTER) && !t.capitalised && i > 0 {
            let mut e = i - 1;
            if t.folded == "park" && e > 0 && !tokens[e].capitalised {
                e -= 1; // "industrial", "technology"
            }
            // "Kharkiv region", "Chuhuiv district": a region is often named after its
            // town, so a known place may begin it (the region's name swallows it).
            let region = story.is(i, ADMINISTRATIVE);
            let mut s = e + 1;
            while s > 0
                && story.is(s - 1, NAME_LIKE)
                && (!known[s - 1] || region && !story.is(s - 1, POSSESSIVE))
                && (s > e || !tokens[s].after_break)
            {
                s -= 1;
            }
            // "the Ukrainian company": an adjective of nationality, an ordinary word of
            // the language, says whose the company is, not its name.
            let demonym = s == e
                && tokens[s].ascii_alphanumeric
                && ["ian", "ean", "ese", "ish", "an", "ic", "i"]
                    .iter()
                    .any(|x| tokens[s].folded.ends_with(x))
                && crate::common_words::zipf(story.words, tokens[s].folded) >= 3.5;
            if s <= e && !demonym {
                out.push(Found {
                    start: tokens[s].start,
                    end: if region { t.end } else { tokens[e].end },
                    entity_type: if story.is(i, PLACE_KIND_AFTER) {
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
        tokens
            .get(k)
            .is_some_and(|t| t.text.chars().count() > 3 && t.text.chars().all(|c| !is_lowercase(c)))
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
        "司长",
        "局长",
        "厅长",
        "州长",
        "行长",
        "队长",
        "首席执行官",
    ];
    let mut out = Vec::new();
    for office in OFFICES_ZH {
        for (at, _) in text.match_indices(office) {
            let start = at + office.len();
            let mut end = start;
            // A foreign name in Chinese joins its parts with a dot and runs longer.
            let mut longest = 5;
            for c in text[start..].chars() {
                let han = ('\u{4e00}'..='\u{9fff}').contains(&c) || c == '·';
                if c == '·' {
                    longest = 12;
                }
                if !han || HAN_STOPS.contains(c) || text[start..end].chars().count() >= longest {
                    break;
                }
                end += c.len_utf8();
            }
            if text[..end].ends_with('·') {
                continue;
            }
            let n = text[start..end].chars().count();
            // "外长理事会" is a council, not a minister called 理事.
            let org_follows = text[end..].starts_with(['会', '院', '部', '局', '委', '所']);
            if (2..=longest).contains(&n) && !org_follows {
                out.push(Found {
                    start,
                    end,
                    entity_type: EntityType::Person,
                });
                // "亚历山大·图尔钦 … 图尔钦表示": a foreign name's last part, met again,
                // is the same person (and not a known name it starts with, 图尔).
                if let Some((_, last)) = text[start..end].rsplit_once('·') {
                    if last.chars().count() >= 2 {
                        for (again, _) in text[end..].match_indices(last) {
                            let a = end + again;
                            if !text[..a].ends_with('·') {
                                out.push(Found {
                                    start: a,
                                    end: a + last.len(),
                                    entity_type: EntityType::Person,
                                });
                            }
                        }
                    }
                }
            }
        }
    }
    out
}

/// Function words and verbs that end a Chinese name (the text is folded: simplified).
const HAN_STOPS: &str =
    "也和出在表说会对于与及等是的了将已就向同为从到被把称指并今前后时以上下中签访抵宣强发透举介率认参主据今日电先";

/// Function words before a Chinese organisation's or place's name: fewer than end a
/// person's (选举, 发展, 中央 are inside names).
const NAME_STOPS: &str = "也和在于与及等是的了将已就向同为从到被把并以对据今日电从由自至签";

/// Numerals and quantifiers that count what follows them.
const HAN_COUNTS: &str = "一二三四五六七八九十百千两几数各";

/// A known name in Chinese text: its byte span, whether it is a country's and whether a
/// place's (not a person's or an organisation's).
#[derive(Debug, Clone, Copy)]
pub struct HanHit {
    pub start: usize,
    pub end: usize,
    pub country: bool,
    pub place: bool,
}

/// Chinese organisations and places named by what they are (`…公司`, `…委员会`,
/// `…局`, `…州`, `…县`, `…站`, `…口岸`) and reporters named in a dateline
/// (`（记者张晓东 李奥）`). `folded` is the folded text (simplified characters); `hits` the
/// known names in it, in text order. A name runs back from its head word over Han
/// characters to a function word, to punctuation, or to a known name: a known place
/// begins an organisation's name (`哈萨克斯坦国家石油天然气公司`) and a region's unless it
/// is a country (`美国亚利桑那州` is Arizona, in the United States).
pub fn chinese_names(folded: &str, hits: &[HanHit]) -> Vec<Found> {
    // Head words, the kind they make, whether the head is part of the name, and what
    // must not follow them (`局长` is an office, not a bureau).
    const HEADS: &[(&str, EntityType, bool, &str)] = &[
        (
            "航空",
            EntityType::Organization,
            true,
            "公港业局站器母运展物天",
        ),
        ("港", EntityType::Place, true, "口元股澳人府币台资深务湾"),
        ("园区", EntityType::Place, true, ""),
        ("工业园", EntityType::Place, true, ""),
        ("有限公司", EntityType::Organization, true, ""),
        ("公司", EntityType::Organization, true, ""),
        ("集团", EntityType::Organization, true, ""),
        ("委员会", EntityType::Organization, true, ""),
        ("组织", EntityType::Organization, true, ""),
        ("银行", EntityType::Organization, true, ""),
        ("大学", EntityType::Organization, true, ""),
        ("协会", EntityType::Organization, true, ""),
        ("基金会", EntityType::Organization, true, ""),
        ("通讯社", EntityType::Organization, true, ""),
        ("电视台", EntityType::Organization, true, ""),
        ("商事", EntityType::Organization, true, ""),
        ("炼油厂", EntityType::Organization, true, ""),
        ("局", EntityType::Organization, true, "长面势部"),
        ("部", EntityType::Organization, true, "长分门队署落件位"),
        ("厅", EntityType::Organization, true, "长"),
        ("处", EntityType::Organization, true, "长理于在"),
        ("外务省", EntityType::Organization, true, ""),
        ("产业省", EntityType::Organization, true, ""),
        ("州", EntityType::Place, true, "长立"),
        ("省", EntityType::Place, true, "长委份内外级会"),
        ("县", EntityType::Place, true, "长委城"),
        ("站", EntityType::Place, true, "长"),
        ("机场", EntityType::Place, true, ""),
        ("口岸", EntityType::Place, false, ""),
    ];
    let mut out = Vec::new();
    for &(head, entity_type, with_head, not_before) in HEADS {
        for (at, _) in folded.match_indices(head) {
            let after = &folded[at + head.len()..];
            if after.chars().next().is_some_and(|c| not_before.contains(c)) {
                continue;
            }
            // A place's head after a numeral is counted, not named (三省 "three
            // provinces", 两县, 各州); an organisation's may be named by one (中建三局,
            // 三一集团).
            if entity_type == EntityType::Place
                && folded[..at]
                    .chars()
                    .next_back()
                    .is_some_and(|c| HAN_COUNTS.contains(c))
            {
                continue;
            }
            let org = entity_type == EntityType::Organization;
            // An airline's or a park's own name is short (国泰航空, 楠梓园区).
            let longest = match head {
                "航空" => 4,
                "园区" | "工业园" => 2,
                _ if org => 14,
                _ => 6,
            };
            // A port is named by its city, or a city-state (新加坡港).
            let port = head == "港";
            let mut start = at;
            let mut chars = 0;
            let mut cut = false;
            let mut known_reached = false;
            for (i, c) in folded[..at].char_indices().rev() {
                if i >= start {
                    continue; // inside a known name already taken
                }
                // "上海国际港务（集团）股份有限公司": a company's name may hold its kind in
                // brackets.
                if org && c == '）' && i + c.len_utf8() == start {
                    let inner = folded[..i].rfind('（').filter(|&o| {
                        let inside = &folded[o + '（'.len_utf8()..i];
                        (1..=4).contains(&inside.chars().count()) && inside.chars().all(is_cjk_char)
                    });
                    if let Some(o) = inner {
                        start = o;
                        continue;
                    }
                }
                if let Some(h) = hits.iter().find(|h| h.start <= i && i < h.end) {
                    known_reached = true;
                    if org || port || !h.country {
                        start = h.start;
                    }
                    // "中国铁路乌鲁木齐局集团有限公司": a known name, a few characters and
                    // another known name before it are the organisation's too.
                    if org {
                        if let Some(g) = known_before(folded, hits, h.start) {
                            start = g;
                        }
                    }
                    // An organisation's name begins with the known name; a place's may
                    // be made of several places written together (阿拉山口), never of an
                    // organisation before one (新华社杭州: the agency, then the city).
                    if org || h.country || !hits.iter().any(|g| g.end == h.start && g.place) {
                        break;
                    }
                    continue;
                }
                let han = ('\u{4e00}'..='\u{9fff}').contains(&c);
                if !han || NAME_STOPS.contains(c) || chars >= longest {
                    cut = han && !NAME_STOPS.contains(c);
                    break;
                }
                start = i;
                chars += 1;
            }
            // A port's name of its own stands after punctuation or a function word
            // (洋山深水港); cut off by length it is a phrase ending in 港, Hong Kong
            // (率领代表团访港, "visit Hong Kong").
            if port && cut && !known_reached {
                continue;
            }
            // A name has two characters or more before its head; an organisation's head
            // of one character needs two of its own before it (`当局` is "the
            // authorities", `哈萨克斯坦西部` the west of Kazakhstan).
            let short_head = head.chars().count() == 1;
            let total = folded[start..at].chars().count();
            if total < 2 || org && short_head && chars < 2 {
                continue;
            }
            out.push(Found {
                start,
                end: if with_head { at + head.len() } else { at },
                entity_type,
            });
        }
    }
    // Reporters in a dateline: 记者 and two or three characters each (one name may run
    // into a known place, 记者杨明珠东京).
    for (at, _) in folded.match_indices("记者") {
        let mut start = at + "记者".len();
        loop {
            let mut end = start;
            for (n, c) in folded[start..].chars().enumerate() {
                let han = ('\u{4e00}'..='\u{9fff}').contains(&c);
                let known = hits.iter().any(|h| h.start == end);
                if !han || HAN_STOPS.contains(c) || n >= 3 || known && n >= 2 {
                    break;
                }
                end += c.len_utf8();
            }
            let n = folded[start..end].chars().count();
            if !(2..=3).contains(&n) {
                break;
            }
            out.push(Found {
                start,
                end,
                entity_type: EntityType::Person,
            });
            // A second reporter after a space.
            let rest = &folded[end..];
            if rest.starts_with(' ')
                && rest[1..]
                    .chars()
                    .next()
                    .is_some_and(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
            {
                start = end + 1;
            } else {
                break;
            }
        }
    }
    out
}

fn is_cjk_char(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// Where a known name starts that ends at most four Han characters (none a function
/// word) before byte `at`: "中国" before "铁路" before "乌鲁木齐".
fn known_before(folded: &str, hits: &[HanHit], at: usize) -> Option<usize> {
    let mut pos = at;
    for (n, (i, c)) in folded[..at].char_indices().rev().enumerate() {
        if let Some(g) = hits.iter().find(|g| g.end == pos && g.start <= i) {
            return (n >= 1).then_some(g.start);
        }
        let han = ('\u{4e00}'..='\u{9fff}').contains(&c);
        if !han || NAME_STOPS.contains(c) || n >= 4 {
            return None;
        }
        pos = i;
    }
    None
}

fn text_between<'t>(text: &'t str, tokens: &[Token<'_>], j: usize) -> &'t str {
    &text[tokens[j - 1].end..tokens[j].start]
}

fn people_by_given_name(story: &Story<'_, '_>, out: &mut Vec<Found>) {
    let Story {
        tokens,
        known,
        usable,
        ..
    } = *story;
    let mut i = 0;
    while i + 1 < tokens.len() {
        let t = &tokens[i];
        if usable[i] && story.is(i, NAME_LIKE) && story.is(i, GIVEN) {
            let mut e = i;
            // "Harry Kane", "Marta Rodríguez": a town's name after a given name is a
            // surname.
            while e + 1 < tokens.len()
                && e < i + 3
                && (!known[e + 1] || story.minor_place[e + 1])
                && story.name_follows_at(e + 1)
                && !story.is(e + 1, OFFICE | ORG_WORD)
            {
                e += 1;
            }
            if e > i {
                // "Josu Jon Imaz": a capitalised word right before the given name that
                // only a town's name covers is the person's first given name.
                let s = if i > 0
                    && story.minor_place[i - 1]
                    && story.is(i - 1, NAME_LIKE)
                    && !t.after_break
                    && !story.opens_sentence(i - 1)
                {
                    i - 1
                } else {
                    i
                };
                out.push(Found {
                    start: tokens[s].start,
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

fn organisations_and_places(story: &Story<'_, '_>, out: &mut Vec<Found>) {
    let Story {
        text,
        tokens,
        known,
        usable,
        ..
    } = *story;
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i]; // A sentence's first word before a known name is just the sentence's start
                            // ("Жобаға Қытай компаниясы": "the project [has] a Chinese company").
        let sentence_start = i == 0
            || t.after_break && text_between(text, tokens, i).contains(['.', '!', '?', '\n']);
        let opens_before_known =
            sentence_start && known.get(i + 1).copied().unwrap_or(false) && !known[i];
        // "General Administration of Customs": an office word before a body's
        // capitalised head is the name's first word.
        let office_opens_body = story.is(i, OFFICE)
            && tokens
                .get(i + 1)
                .is_some_and(|n| n.capitalised && !n.after_break && story.is(i + 1, ORG_WORD))
            && !story.is(i + 1, OFFICE);
        if !usable[i]
            || !story.is(i, NAME_LIKE)
            || story.is(i, CONNECTOR | POSSESSIVE)
            || story.is(i, OFFICE) && !office_opens_body
            || opens_before_known
        {
            i += 1;
            continue;
        }
        let cyrillic = starts_cyrillic(t.text) || story.kazakh_latin;
        // The capitalised run with its connectors (`Ministry of Foreign Affairs of Belarus`).
        let mut e = i;
        let mut k = i + 1;
        while k < tokens.len() && usable[k] && !tokens[k].after_break {
            if tokens[k].capitalised && (story.is(k, GIVEN) || story.known_person[k]) {
                break; // a person's name follows the organisation's
            }
            if story.is(k, POSSESSIVE) {
                break;
            }
            // "глава МИД Литвы Кястутис Будрис": after an office, the organisation ends
            // with the place it belongs to; the two words after it are the holder's name.
            if cyrillic
                && i > 0
                && story.is(i - 1, OFFICE)
                && known[k - 1]
                && !story.known_person[k - 1]
                && !known[k]
                && tokens[k].capitalised
                && story.name_follows_at(k + 1)
                && !known[k + 1]
            {
                break;
            }
            // "Сауд Арабиясының ACWA Power компаниясымен": where Cyrillic copy turns to
            // Latin letters, one name ends and another begins.
            if cyrillic
                && !story.kazakh_latin
                && tokens[k].text.as_bytes()[0].is_ascii_alphabetic()
                && starts_cyrillic(tokens[k - 1].text)
            {
                break;
            }
            let after_lower = k > i && !tokens[k - 1].capitalised;
            // "Повітряні сили ЗСУ", "Министерство обороны РФ": an acronym ends a name
            // after its lower-case words.
            let acronym = is_acronym(tokens[k].text);
            if (acronym || story.is(k, NAME_LIKE))
                && (known[k] || !after_lower || !cyrillic || acronym)
            {
                e = k;
                k += 1;
            } else if story.is(k, CONNECTOR)
                && story.name_follows_at(k + 1)
                && !(cyrillic
                    && (i..=e).any(|w| story.is(w, ORG_WORD | PLACE_WORD))
                    && matches!(tokens[k].folded, "и" | "і" | "та" | "және" | "мен"))
            {
                // "Всемирного банка и Азиатского банка развития" are two names.
                k += 1;
            } else if cyrillic
                && !tokens[k].capitalised
                && (story.is(k, CYRILLIC_NAME_WORD)
                    // a genitive plural noun after its adjective: лыжных гонак
                    || ["ых", "их"].iter().any(|g| tokens[k - 1].folded.ends_with(g)))
                && k < i + 6
            {
                // Russian names run on in lower case: Министерство иностранных дел,
                // Національний банк України, Мінскі трактарны завод.
                e = k;
                k += 1;
            } else if cyrillic
                && story.is(k, CONNECTOR)
                && k + 1 < tokens.len()
                && !tokens[k + 1].capitalised
                && story.is(k + 1, CYRILLIC_NAME_WORD)
                && k < i + 6
            {
                k += 1;
            } else if let Some(last) = (story.east_slavic
                && (story.is(k - 1, ORG_WORD)
                    || !tokens[k - 1].capitalised && story.is(k - 1, CYRILLIC_NAME_WORD)))
            .then(|| genitive_run(story, k, i + 8))
            .flatten()
            {
                e = last;
                k = last + 1;
            } else {
                break;
            }
        }
        // An unknown Cyrillic acronym is an organisation's (Львівська ОВА, МЗС Літвы).
        let org = (i..=e).any(|w| {
            story.is(w, ORG_WORD | LEGAL_FORM)
                || starts_cyrillic(tokens[w].text)
                    && !known[w]
                    && is_acronym(tokens[w].text)
                    && !NOT_ACRONYM_NAMES.contains(&tokens[w].text)
        });
        let place = (i..=e).any(|w| story.is(w, PLACE_WORD));
        // "Брэсцкай вобласці", "Минской области": the name is the word before a
        // lower-case head, whatever capitalised word opened the sentence.
        // "Кировский районный суд", "Гомельскі абласны суд": a place's stem in the
        // adjective before a body's head names the body's level, not a region.
        let lower_head = (i + 1..=e).find(|&h| {
            !tokens[h].capitalised
                && story.is(h, PLACE_STEM)
                && !(h < e && !tokens[h + 1].capitalised && story.is(h + 1, ORG_WORD))
        });
        // "Суд Цэнтральнага раёна Гомеля": a district inside a body's name is the body's.
        let body_first = lower_head.is_some_and(|h| (i..h).any(|w| story.is(w, ORG_WORD)));
        if let Some(h) = lower_head.filter(|_| cyrillic && !body_first) {
            // A region may carry its city's name (Түркістан облысы), and a name of
            // several words (Солтүстік Қазақстан облысы, Ғабит Мүсірепов ауданы): the
            // capitalised words before the head, but not an ordinary word that only
            // opens the sentence ("Жители Брестской области").
            if tokens[h - 1].capitalised && (h - 1 > i || !known[h - 1] || h - 1 == i) {
                let mut first = h - 1;
                while first > i
                    && tokens[first - 1].capitalised
                    && story.is(first - 1, NAME_LIKE)
                    && !known[first - 1]
                    && (story.is(first - 1, COMPASS | GIVEN)
                        || !story.opens_sentence(first - 1) && !story.ordinary(first - 1))
                {
                    first -= 1;
                }
                out.push(Found {
                    start: tokens[first].start,
                    end: tokens[h].end,
                    entity_type: EntityType::Place,
                });
                // "Kóksý jáne Eskeldi aýdandary": a plural head names the region before
                // the "and" too.
                if first >= 2
                    && story.is(h, PLURAL_HEAD)
                    && story.is(first - 1, CONNECTOR)
                    && tokens[first - 2].capitalised
                    && !known[first - 2]
                {
                    out.push(Found {
                        start: tokens[first - 2].start,
                        end: tokens[first - 2].end,
                        entity_type: EntityType::Place,
                    });
                }
            }
            // The words after the head may name more (… ауданы мен Тайынша ауданы).
            i = h + 1;
            continue;
        }
        // Something besides known names and the head word: "Компания Түркістан" is a
        // company in Turkistan, not a company called so.
        // ("Кировский районный суд Екатеринбурга": words in lower case describe the
        // body, so it is one whatever its capitalised words are.)
        let all_known = (i..=e).all(|x| {
            (known[x] || story.is(x, ORG_WORD | PLACE_WORD))
                && (tokens[x].capitalised || !cyrillic_adjective(tokens[x].folded))
        });
        let a_single_word = e == i;
        if (org || place) && !all_known && !a_single_word {
            // Drop a sentence-initial article ("The Ministry of …") or another word that
            // only opens the sentence before a capitalised head ("Паводле Міністэрства
            // адукацыі").
            let opener = story.is(i, ARTICLE)
                || cyrillic
                    && story.opens_sentence(i)
                    && !known[i]
                    && tokens[i + 1].capitalised
                    && (story.is(i + 1, ORG_WORD | PLACE_WORD) || is_acronym(tokens[i + 1].text))
                    && !story.is(i, ORG_WORD | PLACE_WORD);
            let s = if opener { i + 1 } else { i };
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

/// "акадэмія навук Беларусі", "Міністерство розвитку громад та територій України":
/// after a Cyrillic body's lower-case head, nouns in the genitive (joined by "and" at
/// most) run on, when what follows them ends the name — the capitalised place the body
/// belongs to, a verb it governs, or punctuation. The index of the last such noun.
fn genitive_run(story: &Story<'_, '_>, k: usize, limit: usize) -> Option<usize> {
    let tokens = story.tokens;
    let mut j = k;
    let mut last = None;
    let mut nouns = 0;
    while j < limit.min(tokens.len()) && !(j > k && tokens[j].after_break) && nouns < 2 {
        let t = &tokens[j];
        if t.capitalised {
            break;
        }
        // After "and", another body ("банк и правительство") is not its genitive.
        let after_and = j > k && story.is(j - 1, CONNECTOR);
        if genitive_noun(t.folded)
            && !story.is(j, CONNECTOR | OFFICE)
            && !(after_and && story.is(j, ORG_WORD))
        {
            last = Some(j);
            nouns += 1;
        } else if !((last.is_some() || j == k) && story.is(j, CONNECTOR)) {
            break;
        }
        j += 1;
    }
    let last = last?;
    let next = last + 1;
    let ends = tokens.get(next).is_some_and(|n| {
        !n.after_break
            && (n.capitalised && story.known[next] || !n.capitalised && verb_like(n.folded))
    });
    ends.then_some(last)
}

/// A Cyrillic adjective by its ending (`районный`, `абласны`, `морський`).
fn cyrillic_adjective(f: &str) -> bool {
    f.chars().count() > 4
        && [
            "ый", "ий", "ой", "ая", "яя", "ое", "ее", "ые", "ие", "ыя", "ны", "ні", "ська", "ське",
        ]
        .iter()
        .any(|e| f.ends_with(e))
}

/// A Zipf frequency from which a word is an ordinary word of its language.
const ORDINARY_WORD: f32 = 4.0;

/// Russian, Ukrainian and Belarusian ministries written as one word (`Минэкономразвития`,
/// `Минфин`, `Мінекономіки`): `Мин`/`Мін` and a ministry's field.
fn ministries_in_one_word(story: &Story<'_, '_>, out: &mut Vec<Found>) {
    const FIELDS: &[&str] = &[
        "фин",
        "эконом",
        "економ",
        "обор",
        "энерг",
        "енерг",
        "юст",
        "здрав",
        "транс",
        "сельхоз",
        "культ",
        "цифр",
        "спорт",
        "труд",
        "строй",
        "пром",
        "обр",
        "просв",
        "природ",
        "сельгасп",
        "адукац",
        "агро",
        "соц",
        "стратег",
        "ветеран",
        "вет",
    ];
    let Story {
        tokens,
        known,
        usable,
        ..
    } = *story;
    for (i, t) in tokens.iter().enumerate() {
        if !usable[i] || known[i] || !t.capitalised || t.text.chars().count() < 6 {
            continue;
        }
        let rest = t
            .folded
            .strip_prefix("мин")
            .or_else(|| t.folded.strip_prefix("мін"));
        if rest.is_some_and(|r| FIELDS.iter().any(|f| r.starts_with(f))) {
            out.push(Found {
                start: t.start,
                end: t.end,
                entity_type: EntityType::Organization,
            });
        }
    }
}

/// Clubs named like their city, after an article no city takes in Spanish or French
/// (`el Valencia`, `al Barcelona`, `del Celta`): the organisation, not the place.
fn clubs_named_like_their_city(story: &Story<'_, '_>, out: &mut Vec<Found>) {
    let Story {
        tokens,
        known,
        minor_place,
        usable,
        ..
    } = *story;
    for i in 1..tokens.len() {
        if !usable[i] || !known[i] || !minor_place[i] || tokens[i].after_break {
            continue;
        }
        if matches!(tokens[i - 1].folded, "el" | "al" | "del") && !tokens[i - 1].capitalised
            || tokens[i - 1].text == "El" && story.opens_sentence(i - 1)
        {
            out.push(Found {
                start: tokens[i].start,
                end: tokens[i].end,
                entity_type: EntityType::Organization,
            });
        }
    }
}

/// Kazakh organisations named by a lower-case head after their subject, in Cyrillic
/// and Latin letters: "Ауыл шаруашылығы министрлігі", "Týrızm jáne sport mınıstrligi",
/// "Memlekettik kirister komıteti" — from the nearest capitalised word before the head
/// (at most four words back) to the head.
fn kazakh_organisations(story: &Story<'_, '_>, out: &mut Vec<Found>) {
    let Story {
        tokens,
        known,
        usable,
        ..
    } = *story;
    for h in 1..tokens.len() {
        if !usable[h] || tokens[h].capitalised || !story.is(h, KAZAKH_ORG_HEAD) {
            continue;
        }
        let mut s = h;
        while s > 0 && h - s < 4 && !tokens[s].after_break {
            s -= 1;
            if tokens[s].capitalised {
                break;
            }
        }
        // "Qarjy mınıstrliginiń Memlekettik kirister komıteti": a head in the genitive
        // before a capitalised word is part of the next name.
        let genitive = ["нің", "ның", "niń", "nyń"]
            .iter()
            .any(|g| tokens[h].folded.ends_with(g));
        let next_capitalised = tokens
            .get(h + 1)
            .is_some_and(|t| t.capitalised && !t.after_break);
        if s < h
            && tokens[s].capitalised
            && !known[s]
            && story.is(s, NAME_LIKE)
            && !(genitive && next_capitalised)
        {
            out.push(Found {
                start: tokens[s].start,
                end: tokens[h].end,
                entity_type: EntityType::Organization,
            });
        }
    }
}

/// Names written in Latin letters in Cyrillic copy ("агенцтва развіцьця Sida",
/// "ACWA Power компаниясымен"): Russian, Belarusian, Ukrainian and Kazakh copy
/// transliterates people's names, so what it leaves in Latin letters is an
/// organisation's or a brand's. One to three capitalised words of Latin letters.
fn latin_names_in_cyrillic_copy(story: &Story<'_, '_>, out: &mut Vec<Found>) {
    let Story {
        tokens,
        known,
        usable,
        ..
    } = *story;
    let latin_word = |k: usize| {
        let t = &tokens[k];
        t.capitalised
            && usable[k]
            && !known[k]
            && story.is(k, NAME_LIKE)
            && t.text
                .chars()
                .all(|c| c.is_ascii_alphabetic() || c == '-' || ('À'..='ɏ').contains(&c))
    };
    let mut i = 0;
    while i < tokens.len() {
        let starts_run = latin_word(i) && (i == 0 || tokens[i].after_break || !latin_word(i - 1));
        if !starts_run {
            i += 1;
            continue;
        }
        let mut e = i;
        while e + 1 < tokens.len() && e < i + 2 && !tokens[e + 1].after_break && latin_word(e + 1) {
            e += 1;
        }
        if !story.is(e, LEGAL_FORM) || e > i {
            out.push(Found {
                start: tokens[i].start,
                end: tokens[e].end,
                entity_type: EntityType::Organization,
            });
        }
        i = e + 1;
    }
}

/// Regions named by a suffix (Ukrainian `Київщина`, `Львівщині`; Belarusian
/// `Смаленшчына`, `Берасьцейшчыне`; Russian `Смоленщина`): a place.
fn regions_named_by_suffix(story: &Story<'_, '_>, out: &mut Vec<Found>) {
    let Story {
        tokens,
        known,
        usable,
        ..
    } = *story;
    for (i, t) in tokens.iter().enumerate() {
        if usable[i]
            && !known[i]
            && t.capitalised
            && starts_cyrillic(t.text)
            && region_suffix(t.folded)
        {
            out.push(Found {
                start: t.start,
                end: t.end,
                entity_type: EntityType::Place,
            });
        }
    }
}

/// The folded word ends in a region-forming suffix and its case ending.
pub fn region_suffix(folded: &str) -> bool {
    const SUFFIXES: &[&str] = &["щин", "шчын", "ччин"];
    const ENDINGS: &[&str] = &["а", "и", "і", "е", "у", "ою", "ой", "ай", "ы", "аю", "ою"];
    ENDINGS.iter().any(|e| {
        folded.strip_suffix(e).is_some_and(|stem| {
            SUFFIXES.iter().any(|s| stem.ends_with(s)) && stem.chars().count() > 4
        })
    })
}

/// Places listed after a plural kind ("у вёсках Дабраслаўка, Лемяшэвічы і Моладава",
/// "в селах …"): each capitalised name of the list.
#[allow(clippy::needless_range_loop)]
fn places_listed_after_kind(story: &Story<'_, '_>, out: &mut Vec<Found>) {
    let Story {
        text,
        tokens,
        known,
        usable,
        ..
    } = *story;
    for i in 0..tokens.len() {
        if !usable[i] || !story.is(i, PLACES_KIND) {
            continue;
        }
        let mut k = i + 1;
        while k < tokens.len() && tokens[k].capitalised && story.is(k, NAME_LIKE) {
            if !known[k] {
                out.push(Found {
                    start: tokens[k].start,
                    end: tokens[k].end,
                    entity_type: EntityType::Place,
                });
            }
            // The list goes on after a comma or a word for "and".
            let next = k + 1;
            if next < tokens.len() && story.is(next, CONNECTOR) && !tokens[next].capitalised {
                k = next + 1;
            } else if next < tokens.len() && text_between(text, tokens, next).trim() == "," {
                k = next;
            } else {
                break;
            }
        }
    }
}

/// Organisations named in quotes, as Russian, Belarusian, Ukrainian and Kazakh copy
/// writes them (`компания «Кыргызалтын»`, `«Белсат»`, `ОАО "Беларуськалий"`): a quoted
/// run of one to four words that starts with a capital, holds no sentence punctuation,
/// and is not the title of a work (an opera, a film, a programme).
fn quoted_organisations(story: &Story<'_, '_>, out: &mut Vec<Found>) {
    let Story {
        text,
        tokens,
        usable,
        ..
    } = *story;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < tokens.len() {
        let opening = if i == 0 {
            &text[..tokens[0].start]
        } else {
            text_between(text, tokens, i)
        };
        let opens = opening.ends_with('«')
            || opening.ends_with('"')
            || opening.ends_with('„')
            || opening.ends_with('“');
        if !opens
            || !usable[i]
            || !tokens[i].capitalised
            || tokens[i].text.chars().all(char::is_numeric)
        {
            i += 1;
            continue;
        }
        // The run up to the closing quote.
        let mut e = i;
        while e + 1 < tokens.len() && e < i + 3 && !tokens[e + 1].after_break {
            e += 1;
        }
        let close = tokens[e].end;
        let closes = bytes.get(close).is_some_and(|&b| b == b'"')
            || text[close..].starts_with('»')
            || text[close..].starts_with('“')
            || text[close..].starts_with('”');
        let work = (i.saturating_sub(1)..=(e + 1).min(tokens.len() - 1))
            .filter(|&k| k < i || k > e)
            .any(|k| story.is(k, WORK_KIND));
        if closes
            && !work
            && tokens[i..=e]
                .iter()
                .all(|t| !t.text.chars().all(|c| c.is_numeric()))
        {
            out.push(Found {
                start: tokens[i].start,
                end: close,
                entity_type: EntityType::Organization,
            });
        }
        i = e + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::super::tokens::tokenize;
    use super::*;

    fn names(text: &str, known_words: &[&str]) -> Vec<(String, EntityType)> {
        let folded = super::super::fold::fold(text);
        let tokens = tokenize(text, &folded);
        let known: Vec<bool> = tokens
            .iter()
            .map(|t| known_words.contains(&t.text))
            .collect();
        let usable = vec![true; tokens.len()];
        let minor = vec![false; tokens.len()];
        find(
            text,
            &folded,
            &tokens,
            &known,
            &minor,
            &minor,
            &usable,
            "und",
            &[],
        )
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
    fn a_club_is_its_prefix_and_town_and_a_roman_numeral_is_no_organisation() {
        let o = EntityType::Organization;
        let n = names(
            "Der VfL Wolfsburg verlor am Samstag gegen den SC Paderborn mit 0:2.",
            &["Wolfsburg", "Paderborn"],
        );
        assert!(n.contains(&("VfL Wolfsburg".into(), o)), "{n:?}");
        assert!(n.contains(&("SC Paderborn".into(), o)), "{n:?}");
        let n = names(
            "El RCD Mallorca fichó a un portero del AS Monaco.",
            &["Mallorca"],
        );
        assert!(n.contains(&("RCD Mallorca".into(), o)), "{n:?}");
        assert!(n.contains(&("AS Monaco".into(), o)), "{n:?}");
        for text in [
            "Выстава ікон XVII стагоддзя адкрылася ў музеі.",
            "The cathedral was rebuilt in the XIX century, officials said.",
            "Las obras del siglo XX se exponen desde el lunes.",
            "Les fresques du XVI siècle ont été restaurées, a-t-on appris mardi.",
        ] {
            let n = names(text, &[]);
            assert!(
                !n.iter().any(|(w, _)| w.starts_with(['X', 'I', 'V'])),
                "{text}: {n:?}"
            );
        }
        // Abbreviations that happen to be numerals of L, C, D or M stay names.
        assert!(
            names("Supporters of the MDC gathered in Harare.", &["Harare"])
                .contains(&("MDC".into(), o))
        );
        assert!(is_small_roman_numeral("XXXIX") && !is_small_roman_numeral("XXXX"));
        assert!(!is_small_roman_numeral("VX") && !is_small_roman_numeral("IIII"));
        // Typed with Cyrillic look-alikes, and ranges.
        assert!(is_small_roman_numeral("ХІХ") && is_small_roman_numeral("XIX-XX"));
        assert!(!is_small_roman_numeral("XIX-") && !is_small_roman_numeral("ХІМ"));
        let n = names("Архітэктура ХVІІІ-ХІХ стагоддзяў захавалася ў цэнтры.", &[]);
        assert!(n.is_empty(), "{n:?}");
        // A club's name ends at its town and before what follows it.
        let n = names(
            "Am Samstag empfängt der SC Freiburg Borussia Dortmund im Stadion.",
            &["Freiburg", "Dortmund"],
        );
        assert!(n.contains(&("SC Freiburg".into(), o)), "{n:?}");
        let n = names(
            "FC Barcelona President Joan Laporta spoke on Monday.",
            &["Barcelona"],
        );
        assert!(n.contains(&("FC Barcelona".into(), o)), "{n:?}");
        let n = names("The striker joined FC Kairat Almaty in March.", &["Almaty"]);
        assert!(n.contains(&("FC Kairat Almaty".into(), o)), "{n:?}");
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
        assert!(names("Jane Doe, a teacher, said.", &[])
            .contains(&("Jane Doe".into(), EntityType::Person)));
    }
}
