//! The dateline a wire story opens with — "ASTANA, 28 November (BelTA) —", "МИНСК, 27
//! ноября (БЕЛТА) –", "BERLIN, 28. November (dpa) -", "PARIS, 28 novembre (AFP) -",
//! "MADRID, 28 de noviembre (EFE).-" — parsed into place, ISO date and source.

use chrono::{DateTime, Datelike, NaiveDate, Utc};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dateline {
    /// As a name is usually written (`Astana`, `Минск`), not in capitals.
    pub place: String,
    /// `YYYY-MM-DD`, the year taken from the story when the dateline has none.
    pub date: Option<String>,
    pub source: Option<String>,
    /// Bytes of the opening the dateline takes, separator included.
    pub len: usize,
}

/// Longest opening that can still be a dateline.
const MAX_LEN: usize = 160;

/// Month names in the languages agencies write datelines in — full, genitive and
/// abbreviated (`ноя`, `nov`, `dic`, `febr`), lower case.
const MONTHS: [&[&str]; 12] = [
    &[
        "january",
        "jan",
        "января",
        "январь",
        "студзеня",
        "студзень",
        "січня",
        "січень",
        "januar",
        "janvier",
        "janv",
        "enero",
        "gennaio",
        "stycznia",
        "qañtar",
        "қаңтар",
        "ocak",
        "januari",
        "янв",
        "січ",
        "gen",
        "janeiro",
        "január",
        "януари",
        "ianuarie",
        "ian",
        "يناير",
        "ene",
        "jän",
    ],
    &[
        "february",
        "feb",
        "февраля",
        "февраль",
        "лютага",
        "люты",
        "лютого",
        "лютий",
        "februar",
        "février",
        "févr",
        "febrero",
        "febbraio",
        "lutego",
        "ақпан",
        "şubat",
        "фев",
        "лют",
        "fevereiro",
        "fev",
        "február",
        "febr",
        "февруари",
        "februarie",
        "فبراير",
    ],
    &[
        "march",
        "mar",
        "марта",
        "март",
        "сакавіка",
        "сакавік",
        "березня",
        "березень",
        "märz",
        "mars",
        "marzo",
        "marca",
        "наурыз",
        "mart",
        "мар",
        "бер",
        "março",
        "március",
        "márc",
        "martie",
        "مارس",
        "mär",
    ],
    &[
        "april",
        "apr",
        "апреля",
        "апрель",
        "красавіка",
        "красавік",
        "квітня",
        "квітень",
        "avril",
        "abril",
        "aprile",
        "kwietnia",
        "сәуір",
        "nisan",
        "апр",
        "квіт",
        "abr",
        "április",
        "ápr",
        "април",
        "aprilie",
        "أبريل",
        "avr",
    ],
    &[
        "may",
        "мая",
        "май",
        "мая",
        "траўня",
        "травень",
        "травня",
        "mai",
        "mayo",
        "maggio",
        "maja",
        "мамыр",
        "mayıs",
        "mag",
        "maio",
        "május",
        "máj",
        "مايو",
    ],
    &[
        "june",
        "jun",
        "июня",
        "июнь",
        "чэрвеня",
        "чэрвень",
        "червня",
        "червень",
        "juni",
        "juin",
        "junio",
        "giugno",
        "czerwca",
        "маусым",
        "haziran",
        "июн",
        "черв",
        "giu",
        "junho",
        "június",
        "jún",
        "юни",
        "iunie",
        "iun",
        "يونيو",
    ],
    &[
        "july",
        "jul",
        "июля",
        "июль",
        "ліпеня",
        "ліпень",
        "липня",
        "липень",
        "juli",
        "juillet",
        "juil",
        "julio",
        "luglio",
        "lipca",
        "шілде",
        "temmuz",
        "июл",
        "лип",
        "lug",
        "julho",
        "július",
        "júl",
        "юли",
        "iulie",
        "iul",
        "يوليو",
    ],
    &[
        "august",
        "aug",
        "августа",
        "август",
        "жніўня",
        "жнівень",
        "серпня",
        "серпень",
        "août",
        "agosto",
        "sierpnia",
        "тамыз",
        "ağustos",
        "авг",
        "серп",
        "ago",
        "augusztus",
        "أغسطس",
    ],
    &[
        "september",
        "sep",
        "sept",
        "сентября",
        "сентябрь",
        "верасня",
        "верасень",
        "вересня",
        "вересень",
        "septembre",
        "septiembre",
        "settembre",
        "września",
        "қыркүйек",
        "eylül",
        "сен",
        "сент",
        "вер",
        "set",
        "setembro",
        "szeptember",
        "szept",
        "септември",
        "septembrie",
        "سبتمبر",
    ],
    &[
        "october",
        "oct",
        "октября",
        "октябрь",
        "кастрычніка",
        "кастрычнік",
        "жовтня",
        "жовтень",
        "oktober",
        "octobre",
        "octubre",
        "ottobre",
        "października",
        "қазан",
        "ekim",
        "окт",
        "жовт",
        "ott",
        "outubro",
        "out",
        "október",
        "октомври",
        "octombrie",
        "أكتوبر",
    ],
    &[
        "november",
        "nov",
        "ноября",
        "ноябрь",
        "лістапада",
        "лістапад",
        "листопада",
        "листопад",
        "novembre",
        "noviembre",
        "listopada",
        "қараша",
        "kasım",
        "ноя",
        "лист",
        "novembro",
        "ноември",
        "noiembrie",
        "نوفمبر",
    ],
    &[
        "december",
        "dec",
        "декабря",
        "декабрь",
        "снежня",
        "снежань",
        "грудня",
        "грудень",
        "dezember",
        "décembre",
        "déc",
        "diciembre",
        "dicembre",
        "grudnia",
        "желтоқсан",
        "aralık",
        "дек",
        "груд",
        "dic",
        "dezembro",
        "dez",
        "декември",
        "decembrie",
        "ديسمبر",
    ],
];

/// Weekday names a printed date may carry ("2024. november 28., csütörtök").
const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "hétfő",
    "kedd",
    "szerda",
    "csütörtök",
    "péntek",
    "szombat",
    "vasárnap",
];

/// Words of a date that say nothing about it: "28 de noviembre", "28 ноября 2024 г.",
/// "الدوحة في 28 نوفمبر".
const DATE_FILLERS: &[&str] = &["de", "del", "г", "року", "р", "في"];

/// Parses the dateline at the start of `opening` (the first paragraph as plain text):
/// the place (with the source never part of it), the date where one is printed, and
/// the source — in the shapes agencies write them:
///
/// - source in parentheses: `ASTANA, 28 November (BelTA) —`, `WASHINGTON (AP) —`;
/// - source between slashes: `MOSCOW, November 28. /TASS/.`, `София, 28 ноември /БТА/.`;
/// - full stops as separators: `ASTANA. KAZINFORM -`, `Москва. 28 ноября. INTERFAX.RU -`;
/// - source after a comma or after the dash: `YEREVAN, NOVEMBER 28, ARMENPRESS.`,
///   `МОСКВА, 28 ноя — РИА Новости.`;
/// - source before the place: `(AGI) - Roma, 28 nov. -`, `(서울=연합뉴스)`,
///   `新华社北京11月28日电`;
/// - a year inside the date: `Lisboa, 28 nov 2024 (Lusa) -`,
///   `Budapest, 2024. november 28., csütörtök (MTI) –`.
///
/// `story_date` gives the year (and for a day printed alone, the month) when the
/// dateline has none. `None` when the opening is a sentence, not a dateline.
pub fn parse(opening: &str, story_date: DateTime<Utc>) -> Option<Dateline> {
    let window = &opening[..floor_char_boundary(opening, MAX_LEN.min(opening.len()))];
    if let Some(d) = parse_han(window, story_date) {
        return Some(d);
    }
    if let Some(d) = parse_source_first(window, story_date) {
        return Some(d);
    }
    parse_fields(window, story_date)
}

/// `(AGI) - Roma, 28 nov. - …`, `(DIRE) Roma, 28 nov. - …`, `(서울=연합뉴스) …`: the
/// source (or place=source) in parentheses before the rest of the dateline.
fn parse_source_first(window: &str, story_date: DateTime<Utc>) -> Option<Dateline> {
    let inner_end = window.strip_prefix('(')?.find(')')? + 1;
    let inner = window[1..inner_end].trim();
    let after = &window[inner_end + 1..];
    if let Some((place, source)) = inner.split_once('=') {
        let (place, source) = (place.trim(), source.trim());
        return (looks_like_place(place) && is_bare_source(source)).then(|| Dateline {
            place: title_case(place),
            date: None,
            source: Some(source.to_string()),
            len: inner_end + 1,
        });
    }
    if !looks_like_source(inner) {
        return None;
    }
    let trimmed = after.trim_start_matches([' ', '-', '–', '—']);
    let skipped = after.len() - trimmed.len();
    let rest = parse_fields(trimmed, story_date)?;
    if rest.source.is_some() {
        return None;
    }
    Some(Dateline {
        source: Some(inner.to_string()),
        len: inner_end + 1 + skipped + rest.len,
        ..rest
    })
}

/// The ways a dateline's head ends, with where the story's text begins after each.
fn ends(window: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for sep in [
        " — ", " – ", " - ", " -- ", " — ", ").- ", ") -", ")—", ")–", ": ", ". ",
    ] {
        for (i, _) in window.match_indices(sep) {
            // A closing parenthesis the separator starts with belongs to the head.
            let cut = if sep.starts_with(')') { i + 1 } else { i };
            out.push((cut, i + sep.len()));
        }
    }
    // A source between slashes ends the head: `/TASS/. `, `/БТА/ `.
    for (i, _) in window.match_indices('/') {
        let after = &window[i + 1..];
        if after.starts_with(". ") {
            out.push((i + 1, i + 3));
        } else if after.starts_with(' ') {
            out.push((i + 1, i + 2));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The best reading of the window as `head` + separator: the candidate end whose head
/// reads as a dateline with the most fields (the earliest among equals). A head ended
/// by a bare full stop must say more than a place.
fn parse_fields(window: &str, story_date: DateTime<Utc>) -> Option<Dateline> {
    let mut best: Option<(usize, Dateline)> = None;
    for (cut, text_start) in ends(window) {
        let head = &window[..cut];
        let Some(mut d) = read_head(head, story_date) else {
            continue;
        };
        d.len = text_start;
        let bare_stop = window[cut..].starts_with(". ");
        if bare_stop && d.date.is_none() && d.source.is_none() {
            continue;
        }
        // `МОСКВА, 28 ноя — РИА Новости. …`: the source right after the dash.
        if d.source.is_none() && !bare_stop && !window[cut..].starts_with(": ") {
            let after = &window[text_start..];
            if let Some(stop) = after.find(". ").filter(|&n| n <= 40) {
                if is_bare_source(&after[..stop]) {
                    d.source = Some(after[..stop].to_string());
                    d.len = text_start + stop + 2;
                }
            }
        }
        let fields = 1 + usize::from(d.date.is_some()) + usize::from(d.source.is_some());
        if best.as_ref().is_none_or(|(f, _)| fields > *f) {
            best = Some((fields, d));
        }
    }
    best.map(|(_, d)| d)
}

/// Place, date and source from a dateline's head (what comes before its separator).
fn read_head(head: &str, story_date: DateTime<Utc>) -> Option<Dateline> {
    let head = head.trim();
    let (rest, mut source) = if let Some(inner) = head.strip_suffix(')') {
        let open = inner.rfind('(')?;
        (&head[..open], Some(inner[open + 1..].trim()))
    } else if let Some(inner) = head.strip_suffix('/') {
        let open = inner.rfind('/')?;
        (&head[..open], Some(inner[open + 1..].trim()))
    } else {
        (head, None)
    };
    if source.is_some_and(|s| !looks_like_source(s)) {
        return None;
    }
    let rest = rest.trim().trim_end_matches([',', '.', ' ']);
    let mut parts: Vec<&str> = rest
        .split(',')
        .flat_map(|p| p.split(". "))
        .map(|p| p.trim().trim_end_matches('.').trim())
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty() {
        return None;
    }
    let mut date_text: Vec<&str> = Vec::new();
    let mut place = parts.remove(0);
    if !looks_like_place(place) {
        // `الدوحة في 28 نوفمبر`: a place and a date without a comma between them.
        let (p, d) = split_trailing_date(place)?;
        place = p;
        date_text.push(d);
    }
    for (i, part) in parts.iter().enumerate() {
        if is_date_like(part) {
            date_text.push(part);
        } else if i == parts.len() - 1 && source.is_none() && is_bare_source(part) {
            source = Some(part);
        } else {
            return None;
        }
    }
    let date = if date_text.is_empty() {
        None
    } else {
        Some(parse_date(&date_text.join(" "), story_date)?)
    };
    Some(Dateline {
        place: title_case(place),
        date,
        source: source.map(str::to_string),
        len: 0,
    })
}

/// `الدوحة في 28 نوفمبر` → (`الدوحة`, `28 نوفمبر`): the longest run of final words
/// that is a date, the rest (without a filler such as `في`) a place.
fn split_trailing_date(text: &str) -> Option<(&str, &str)> {
    let starts: Vec<usize> = text
        .char_indices()
        .filter(|&(i, c)| c.is_whitespace() && i > 0)
        .map(|(i, _)| i)
        .collect();
    for &at in &starts {
        let (place, date) = (text[..at].trim(), text[at..].trim());
        let place = place
            .rsplit_once(' ')
            .filter(|(_, last)| DATE_FILLERS.contains(last))
            .map_or(place, |(p, _)| p.trim());
        if is_date_like(date) && looks_like_place(place) {
            return Some((place, date));
        }
    }
    None
}

/// Every word of `text` is a date's: a number, a month, a weekday or a filler.
fn is_date_like(text: &str) -> bool {
    let words = date_words(text);
    !words.is_empty()
        && words.iter().all(|w| {
            w.bytes().all(|b| b.is_ascii_digit())
                || month_of(w).is_some()
                || WEEKDAYS.contains(&w.as_str())
        })
}

fn date_words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| c.is_whitespace() || c == '.' || c == ',')
        .filter(|w| !w.is_empty() && !DATE_FILLERS.contains(w))
        .map(str::to_string)
        .collect()
}

fn month_of(word: &str) -> Option<u32> {
    MONTHS
        .iter()
        .position(|names| names.contains(&word))
        .map(|m| m as u32 + 1)
}

/// A source as agencies print it: one to four words (`TASS`, `РИА Новости`,
/// `INTERFAX.RU`, `EUROPA PRESS`, `24.kg`, `dpa`), no sentence in it.
fn looks_like_source(s: &str) -> bool {
    let words = s.split_whitespace().count();
    (1..=4).contains(&words)
        && s.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && s.chars().count() <= 40
        && !s.contains([',', ';', ':', '(', ')', '/', '"', '«', '»', '!', '?'])
}

/// A source printed without brackets around it (`ASTANA. KAZINFORM -`, `YEREVAN,
/// NOVEMBER 28, ARMENPRESS.`, `— РИА Новости.`, `(서울=연합뉴스)`): each word starts
/// with a capital letter, a digit or a letter of a script without case, so the first
/// words of a sentence are not taken for one.
fn is_bare_source(s: &str) -> bool {
    looks_like_source(s)
        && s.split_whitespace().count() <= 3
        && s.split_whitespace().all(|w| {
            w.chars()
                .next()
                .is_some_and(|c| c.is_alphanumeric() && !c.is_lowercase())
        })
}

/// Chinese wire openings: `新华社北京11月28日电`, `中新社上海十一月二十八日电`:
/// the agency (a name ending in 社), the place, the date, and 电 ("dispatch").
fn parse_han(window: &str, story_date: DateTime<Utc>) -> Option<Dateline> {
    let agency_end = window.char_indices().take(6).find(|&(_, c)| c == '社')?.0 + '社'.len_utf8();
    let source = &window[..agency_end];
    if source.chars().count() < 2 || !source.chars().all(is_han) {
        return None;
    }
    let rest = &window[agency_end..];
    let month_at = rest.find(|c: char| c.is_ascii_digit() || is_han_numeral(c))?;
    let place = &rest[..month_at];
    if place.is_empty() || place.chars().count() > 8 || !place.chars().all(is_han) {
        return None;
    }
    let date_end = rest.find("日电")?;
    let date = &rest[month_at..date_end];
    let (month, day) = date.split_once('月')?;
    let (month, day) = (han_number(month)?, han_number(day)?);
    let year = nearest_year(story_date, month);
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    let mut len = agency_end + date_end + "日电".len();
    // A reporter's name may follow in parentheses: （记者 …）.
    let after = &window[len..];
    for (open, close) in [('（', '）'), ('(', ')')] {
        if let Some(inner) = after.strip_prefix(open) {
            if let Some(end) = inner.find(close) {
                len += open.len_utf8() + end + close.len_utf8();
            }
        }
    }
    Some(Dateline {
        place: place.to_string(),
        date: Some(date.format("%Y-%m-%d").to_string()),
        source: Some(source.to_string()),
        len,
    })
}

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF)
}

fn is_han_numeral(c: char) -> bool {
    "〇零一二三四五六七八九十".contains(c)
}

/// `11`, `十一`, `二十八`, `三十一`: 1–99 in Arabic or Chinese numerals.
fn han_number(text: &str) -> Option<u32> {
    if let Ok(n) = text.parse() {
        return Some(n);
    }
    let digit = |c: char| {
        "〇一二三四五六七八九"
            .find(c)
            .map(|i| (i / '一'.len_utf8()) as u32)
    };
    let digit = |c: char| match c {
        '零' => Some(0),
        c => digit(c),
    };
    let chars: Vec<char> = text.chars().collect();
    match chars.as_slice() {
        ['十'] => Some(10),
        [d] => digit(*d),
        ['十', u] => Some(10 + digit(*u)?),
        [t, '十'] => Some(10 * digit(*t)?),
        [t, '十', u] => Some(10 * digit(*t)? + digit(*u)?),
        _ => None,
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A place in a dateline: one to four words, no digits, mostly capital letters
/// (`ASTANA`, `NUR-SULTAN`, `SAN SALVADOR`), each word capitalised (`Minsk`), or in a
/// script without case (`北京`, `الدوحة`).
fn looks_like_place(place: &str) -> bool {
    let words: Vec<&str> = place.split_whitespace().collect();
    if words.is_empty() || words.len() > 4 || place.chars().any(|c| c.is_ascii_digit()) {
        return false;
    }
    if place.contains(['(', ')', '/', ':', ';', '"']) {
        return false;
    }
    let letters: Vec<char> = place.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() < 2 {
        return false;
    }
    let cased = |c: &&char| c.is_uppercase() || c.is_lowercase();
    if letters.iter().filter(cased).count() == 0 {
        return true;
    }
    let upper = letters.iter().filter(|c| c.is_uppercase()).count();
    upper * 10 >= letters.len() * 8
        || words.iter().all(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                || matches!(*w, "de" | "da" | "del" | "am" | "an")
        })
}

fn title_case(place: &str) -> String {
    let lower_all = place
        .chars()
        .filter(|c| c.is_alphabetic())
        .all(char::is_uppercase);
    if !lower_all {
        return place.to_string();
    }
    let mut out = String::with_capacity(place.len());
    let mut start = true;
    for c in place.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        start = !c.is_alphanumeric();
    }
    out
}

/// "28 November", "28. November 2024", "November 28", "28 de noviembre", "28 ноября",
/// "2024. november 28., csütörtök"; a day alone ("MADRID, 28 (EUROPA PRESS)") is in
/// the story's month, or the month before when that day is still to come.
fn parse_date(text: &str, story_date: DateTime<Utc>) -> Option<String> {
    let mut day = None;
    let mut month = None;
    let mut year = None;
    for w in date_words(text) {
        if WEEKDAYS.contains(&w.as_str()) {
            continue;
        }
        if let Ok(n) = w.parse::<u32>() {
            if (1..=31).contains(&n) && day.is_none() {
                day = Some(n);
            } else if (1900..=2100).contains(&n) && year.is_none() {
                year = Some(n as i32);
            } else {
                return None;
            }
        } else if let Some(m) = month_of(&w) {
            if month.replace(m).is_some() {
                return None;
            }
        } else {
            return None;
        }
    }
    let day = day?;
    let (year, month) = match (year, month) {
        (y, Some(m)) => (y.unwrap_or_else(|| nearest_year(story_date, m)), m),
        (None, None) => {
            // A day alone: this month, or the last one for a day still to come.
            let (y, m) = (story_date.year(), story_date.month());
            if day > story_date.day() + 1 {
                if m == 1 {
                    (y - 1, 12)
                } else {
                    (y, m - 1)
                }
            } else {
                (y, m)
            }
        }
        (Some(_), None) => return None,
    };
    NaiveDate::from_ymd_opt(year, month, day).map(|d| d.format("%Y-%m-%d").to_string())
}

/// The year that puts the month nearest the story's date (a 31 December dateline on a
/// story filed on 1 January belongs to the year before).
fn nearest_year(story: DateTime<Utc>, month: u32) -> i32 {
    let y = story.year();
    let m = story.month() as i32;
    match month as i32 - m {
        d if d > 6 => y - 1,
        d if d < -6 => y + 1,
        _ => y,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> DateTime<Utc> {
        "2024-11-28T08:38:00Z".parse().unwrap()
    }

    fn parsed(s: &str) -> Option<(String, Option<String>, Option<String>)> {
        parse(s, at()).map(|d| (d.place, d.date, d.source))
    }

    fn some(
        place: &str,
        date: Option<&str>,
        source: Option<&str>,
    ) -> Option<(String, Option<String>, Option<String>)> {
        Some((place.into(), date.map(Into::into), source.map(Into::into)))
    }

    #[test]
    fn datelines_in_six_languages() {
        assert_eq!(
            parsed("ASTANA, 28 November (BelTA) — Belarusian President…"),
            some("Astana", Some("2024-11-28"), Some("BelTA"))
        );
        assert_eq!(
            parsed("МИНСК, 27 ноября (БЕЛТА) – Совет министров…"),
            some("Минск", Some("2024-11-27"), Some("БЕЛТА"))
        );
        assert_eq!(
            parsed("МІНСК, 27 лістапада (БЕЛТА) – Савет міністраў…"),
            some("Мінск", Some("2024-11-27"), Some("БЕЛТА"))
        );
        assert_eq!(
            parsed("BERLIN, 28. November (dpa) - Die Bundesregierung…"),
            some("Berlin", Some("2024-11-28"), Some("dpa"))
        );
        assert_eq!(
            parsed("PARIS, 28 novembre (AFP) - Le gouvernement…"),
            some("Paris", Some("2024-11-28"), Some("AFP"))
        );
        assert_eq!(
            parsed("MADRID, 28 de noviembre (EFE).- El Gobierno…"),
            some("Madrid", Some("2024-11-28"), Some("EFE"))
        );
        assert_eq!(
            parsed("NUR-SULTAN (Kazinform) - The President…"),
            some("Nur-Sultan", None, Some("Kazinform"))
        );
        assert_eq!(
            parsed("WASHINGTON, Dec 31 (Reuters) - …"),
            some("Washington", Some("2024-12-31"), Some("Reuters"))
        );
        // Filed on New Year's Day about the day before: last year.
        let new_year = "2025-01-01T00:10:00Z".parse().unwrap();
        assert_eq!(
            parse("WASHINGTON, Dec 31 (Reuters) - …", new_year)
                .unwrap()
                .date
                .as_deref(),
            Some("2024-12-31")
        );
    }

    /// Place and agency together in parentheses before the text (Yonhap's Korean
    /// service); the gazetteer has no Korean names, so this stays a unit test.
    #[test]
    fn place_and_source_in_one_parenthesis() {
        assert_eq!(
            parsed("(서울=연합뉴스) 한국은행이 기준금리를 내렸다."),
            some("서울", None, Some("연합뉴스"))
        );
    }

    #[test]
    fn sentences_are_not_datelines() {
        assert_eq!(
            parsed(
                "The president said on Thursday that the summit - the first in years - went well."
            ),
            None
        );
        assert_eq!(parsed("In Minsk, officials said: the budget grows."), None);
        assert_eq!(parsed("Astana hosts the summit."), None);
    }
}
