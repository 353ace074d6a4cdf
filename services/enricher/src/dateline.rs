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
const MAX_LEN: usize = 120;

/// Month names, genitive and short forms included, in the languages we publish.
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
    ],
];

/// Parses the dateline at the start of `opening` (the first paragraph as plain text).
/// `story_date` gives the year when the dateline has none.
pub fn parse(opening: &str, story_date: DateTime<Utc>) -> Option<Dateline> {
    let window = &opening[..floor_char_boundary(opening, MAX_LEN.min(opening.len()))];
    let (head, len) = split_at_separator(window)?;
    let (before_source, source) = match (head.find('('), head.rfind(')')) {
        (Some(open), Some(close)) if open < close => (
            head[..open].trim(),
            Some(head[open + 1..close].trim().to_string()).filter(|s| !s.is_empty()),
        ),
        _ => (head.trim(), None),
    };
    let (place, date_text) = match before_source.split_once(',') {
        Some((place, date)) => (place.trim(), Some(date.trim())),
        None => (before_source.trim(), None),
    };
    if !looks_like_place(place) {
        return None;
    }
    let date = date_text.and_then(|d| parse_date(d, story_date));
    if date_text.is_some_and(|d| !d.is_empty()) && date.is_none() {
        // "PLACE, something" that is not a date is a sentence, not a dateline.
        return None;
    }
    Some(Dateline {
        place: title_case(place),
        date,
        source,
        len,
    })
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The dateline and the length up to the end of the dash (or colon) that ends it.
fn split_at_separator(window: &str) -> Option<(&str, usize)> {
    let mut best: Option<(usize, usize)> = None;
    for sep in [
        " — ", " – ", " - ", " -- ", " — ", ").- ", ") -", ")—", ")–", ": ",
    ] {
        if let Some(i) = window.find(sep) {
            // Keep the closing parenthesis in the head when the separator starts with one.
            let (cut, end) = if sep.starts_with(')') {
                (i + 1, i + sep.len())
            } else {
                (i, i + sep.len())
            };
            if best.is_none_or(|(b, _)| cut < b) {
                best = Some((cut, end));
            }
        }
    }
    let (cut, end) = best?;
    Some((&window[..cut], end))
}

/// A place in a dateline: one to four words, mostly capital letters (`ASTANA`,
/// `NUR-SULTAN`, `SAN SALVADOR`) or each word capitalised (`Minsk`).
fn looks_like_place(place: &str) -> bool {
    let words: Vec<&str> = place.split_whitespace().collect();
    if words.is_empty() || words.len() > 4 || place.chars().any(|c| c.is_ascii_digit()) {
        return false;
    }
    let letters: Vec<char> = place.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() < 2 {
        return false;
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

/// "28 November", "28. November 2024", "November 28", "28 de noviembre", "28 ноября".
fn parse_date(text: &str, story_date: DateTime<Utc>) -> Option<String> {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || c == '.' || c == ',')
        .filter(|w| !w.is_empty() && *w != "de" && *w != "del")
        .collect();
    let mut day = None;
    let mut month = None;
    let mut year = None;
    for w in &words {
        if let Ok(n) = w.parse::<u32>() {
            if (1..=31).contains(&n) && day.is_none() {
                day = Some(n);
            } else if (1900..=2100).contains(&n) {
                year = Some(n as i32);
            } else {
                return None;
            }
        } else if let Some(m) = MONTHS.iter().position(|names| names.contains(w)) {
            month = Some(m as u32 + 1);
        } else {
            return None;
        }
    }
    let (day, month) = (day?, month?);
    let year = year.unwrap_or_else(|| nearest_year(story_date, month));
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
