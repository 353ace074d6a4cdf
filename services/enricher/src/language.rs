//! Which language a text is in, as a BCP 47 tag.
//!
//! The writing system decides first (Han, kana, Hangul, Greek…). Cyrillic languages
//! are told apart by the letters only one of them uses, counted as a share of the text
//! so one borrowed name (Київ in a Russian story) does not flip it: ў Belarusian; ї є ґ
//! Ukrainian; ә ғ қ ұ һ Kazakh; ң ө ү without those Kyrgyz; ӣ ӯ ҷ Tajik; ђ ћ џ
//! Serbian; ѓ ќ ѕ Macedonian. Everything else goes to CLD2 (Chromium's detector,
//! compiled in), and Serbian in Latin script is told from Croatian and Bosnian by its
//! ekavian forms and month names.

use crate::letters::{is_alphabetic, is_uppercase};
use cld2::{detect_language_ext, Format, Hints, Reliability};

/// A language finding: tag and how sure we are (0–1).
#[derive(Debug, Clone, PartialEq)]
pub struct Identified {
    pub tag: String,
    pub confidence: f32,
}

#[derive(Debug, Default)]
struct Scripts {
    letters: usize,
    latin: usize,
    cyrillic: usize,
    han: usize,
    kana: usize,
    hangul: usize,
    greek: usize,
    arabic: usize,
    hebrew: usize,
    other: usize,
}

fn scripts(text: &str) -> Scripts {
    let mut s = Scripts::default();
    // ASCII letters counted by their bytes; only other characters decoded.
    let ascii_letters = text.bytes().filter(u8::is_ascii_alphabetic).count();
    s.letters = ascii_letters;
    s.latin = ascii_letters;
    for c in text.chars().filter(|&c| !c.is_ascii() && is_alphabetic(c)) {
        s.letters += 1;
        match c as u32 {
            0x0041..=0x024F | 0x1E00..=0x1EFF => s.latin += 1,
            0x0400..=0x052F => s.cyrillic += 1,
            0x0370..=0x03FF => s.greek += 1,
            0x0590..=0x05FF => s.hebrew += 1,
            0x0600..=0x06FF | 0x0750..=0x077F | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => s.arabic += 1,
            0x3040..=0x30FF => s.kana += 1,
            0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F => s.han += 1,
            0xAC00..=0xD7AF | 0x1100..=0x11FF => s.hangul += 1,
            _ => s.other += 1,
        }
    }
    s
}

/// The language of `text`, or `None` when it has no letters to go by.
pub fn identify(text: &str) -> Option<Identified> {
    let s = scripts(text);
    if s.letters == 0 {
        return None;
    }
    let share = |n: usize| n as f32 / s.letters as f32;
    let sure = |tag: &str, n: usize| {
        Some(Identified {
            tag: tag.into(),
            confidence: share(n).clamp(0.5, 0.99),
        })
    };
    if s.kana > 0 && s.kana + s.han > s.letters / 2 && s.kana * 20 >= s.han {
        return sure("ja", s.kana + s.han);
    }
    if s.han > s.letters / 2 {
        // Traditional or simplified by the characters only one of them uses (CLD2
        // tells them apart less reliably on a few sentences).
        let (traditional, simplified) = crate::hanzi::script_counts(text);
        let tag = if traditional > simplified {
            "zh-Hant"
        } else {
            "zh"
        };
        return sure(tag, s.han);
    }
    if s.hangul > s.letters / 2 {
        return sure("ko", s.hangul);
    }
    if s.greek > s.letters / 2 {
        return sure("el", s.greek);
    }
    if s.hebrew > s.letters / 2 {
        return sure("he", s.hebrew);
    }
    if s.cyrillic > s.letters / 2 {
        if let Some(tag) = cyrillic_by_letters(text, s.cyrillic) {
            return sure(tag, s.cyrillic);
        }
        return cld2_identify(text)
            .filter(|i| {
                matches!(
                    i.tag.as_str(),
                    "ru" | "bg" | "uk" | "be" | "sr" | "mk" | "kk" | "ky" | "tg" | "mn"
                )
            })
            .or_else(|| {
                Some(Identified {
                    tag: "ru".into(),
                    confidence: 0.5,
                })
            });
    }
    if s.latin > s.letters / 2 && kazakh_latin(text) {
        return sure("kk-Latn", s.latin);
    }
    // Names say little about the language around them and can outvote it (an English
    // story about Turkmenistan, full of Turkmen names, read as Turkmen): identify
    // Latin-script text by its lower-case words when there are enough of them.
    let common = if s.latin > s.letters / 2 {
        lower_case_words(text)
    } else {
        String::new()
    };
    let found = if common.chars().filter(|&c| is_alphabetic(c)).count() >= 80 {
        cld2_identify(&common).or_else(|| cld2_identify(text))?
    } else {
        cld2_identify(text)?
    };
    if s.latin > s.letters / 2 && matches!(found.tag.as_str(), "hr" | "bs" | "sr") {
        return Some(Identified {
            tag: if serbian_latin(text) {
                "sr-Latn".into()
            } else {
                found.tag
            },
            confidence: found.confidence,
        });
    }
    if found.tag == "ca" && !catalan_rather_than_spanish(text) {
        // CLD2 calls short Spanish sports copy, full of names, Catalan.
        return Some(Identified {
            tag: "es".into(),
            confidence: found.confidence.min(0.7),
        });
    }
    Some(found)
}

/// Languages so alike that a few words cannot tell them apart: Ibero-Romance,
/// Occitano-Romance, South Slavic in Latin script, Scandinavian, Malay, Czech–Slovak.
/// (Cyrillic languages are told apart by their letters, not by CLD2.)
pub fn close_relatives(a: &str, b: &str) -> bool {
    const GROUPS: [&[&str]; 5] = [
        &["es", "gl", "pt", "ca", "oc", "ast", "an"],
        &["hr", "bs", "sr", "sl"],
        &["da", "no", "nb", "nn", "sv"],
        &["id", "ms"],
        &["cs", "sk"],
    ];
    let (a, b) = (primary(a), primary(b));
    a != b && GROUPS.iter().any(|g| g.contains(&a) && g.contains(&b))
}

/// The language subtag of a BCP 47 tag (`sr` of `sr-Latn`).
pub fn primary(tag: &str) -> &str {
    tag.split('-').next().unwrap_or(tag)
}

/// The words of `text` that do not start with a capital letter, the first
/// `COMMON_WORDS_BYTES` of them.
fn lower_case_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(COMMON_WORDS_BYTES + 64));
    for word in text.split_whitespace() {
        if out.len() >= COMMON_WORDS_BYTES {
            break;
        }
        if !word.chars().next().is_some_and(is_uppercase) {
            out.push_str(word);
            out.push(' ');
        }
    }
    out
}

/// How much of a text's lower-case words CLD2 reads: its time grows with its input
/// (about 30 ns a byte), and 40-odd function and content words settle a Latin-script
/// language as well as a page of them (the language tests and the evaluation agree).
const COMMON_WORDS_BYTES: usize = 320;

/// Kazakh in the Latin alphabet, which CLD2 does not know: the letters of the 2018
/// alphabet Kazinform writes (ǵ ń ý with dotless ı, which no other language of ours
/// combines) or of the 2021 one (ū with ä ñ ğ).
fn kazakh_latin(text: &str) -> bool {
    // Every telling letter is two bytes led by C3–C7 (ý, ı, ń, ū, ǵ …): text without
    // such a byte is ruled out by one pass over its bytes.
    if text.is_ascii() || !text.bytes().any(|b| (0xC3..=0xC7).contains(&b)) {
        return false;
    }
    // ǵ is Kazakh's alone; ý is also Czech and ń Polish, but neither writes a dotless ı.
    let (mut g, mut y, mut n, mut dotless, mut u_macron, mut other_2021) = (0, 0, 0, 0, 0, 0);
    for c in text.chars().filter(|c| !c.is_ascii()) {
        match c {
            'ǵ' | 'Ǵ' => g += 1,
            'ý' | 'Ý' => y += 1,
            'ń' | 'Ń' => n += 1,
            'ı' => dotless += 1,
            'ū' | 'Ū' => u_macron += 1,
            'ä' | 'Ä' | 'ñ' | 'Ñ' | 'ğ' | 'Ğ' => other_2021 += 1,
            _ => {}
        }
    }
    let y2018 = g >= 1 && g + y + n + dotless >= 3 || y >= 1 && n + dotless >= 2;
    let y2021 = u_macron >= 1 && other_2021 >= 2 && dotless >= 1;
    y2018 || y2021
}

/// Catalan and Spanish share most words; their function words and endings differ
/// (Catalan `i`, `els`, `amb`, `l'`, `d'`; Spanish `y`, `los`, `las`, `-ó`, `ñ`).
fn catalan_rather_than_spanish(text: &str) -> bool {
    let lower = format!(" {} ", text.to_lowercase());
    let count = |words: &[&str]| {
        words
            .iter()
            .map(|w| lower.matches(w).count())
            .sum::<usize>()
    };
    let catalan = count(&[
        " i ", " els ", " amb ", " l'", " d'", "l·l", " és ", " per ", " als ",
    ]);
    // `-ó` ends Spanish preterites (venció, marcó); Catalan writes `va vèncer`.
    let spanish = count(&[
        " y ", " los ", " las ", "ó ", "ñ", " por ", " con ", " es ", " una ",
    ]);
    catalan > spanish
}

/// A Cyrillic language settled by letters only it uses, when they are frequent enough
/// to be the text's own and not a quoted name.
fn cyrillic_by_letters(text: &str, cyrillic: usize) -> Option<&'static str> {
    // One pass, counting each group of telling letters (either case).
    let mut n = [0usize; 9];
    for c in text.chars() {
        let group = match c {
            'ә' | 'Ә' | 'ғ' | 'Ғ' | 'қ' | 'Қ' | 'ұ' | 'Ұ' | 'һ' | 'Һ' => 0,
            'ӣ' | 'Ӣ' | 'ӯ' | 'Ӯ' | 'ҷ' | 'Ҷ' => 1,
            'ө' | 'Ө' | 'ү' | 'Ү' => 2,
            'ң' | 'Ң' => 3,
            'ў' | 'Ў' => 4,
            'ї' | 'Ї' | 'є' | 'Є' | 'ґ' | 'Ґ' => 5,
            'ѓ' | 'Ѓ' | 'ќ' | 'Ќ' | 'ѕ' | 'Ѕ' => 6,
            'ђ' | 'Ђ' | 'ћ' | 'Ћ' | 'џ' | 'Џ' => 7,
            'ј' | 'Ј' | 'љ' | 'Љ' | 'њ' | 'Њ' => 8,
            _ => continue,
        };
        n[group] += 1;
    }
    // At least one in 400 Cyrillic letters, and at least two, unless the text is short.
    let frequent = |k: usize| {
        if cyrillic < 200 {
            k >= 1
        } else {
            k >= 2 && k * 400 >= cyrillic
        }
    };
    if frequent(n[1]) {
        return Some("tg");
    }
    if frequent(n[0]) {
        return Some("kk");
    }
    if frequent(n[2] + n[3]) && n[3] > 0 {
        return Some("ky");
    }
    if frequent(n[4]) {
        return Some("be");
    }
    if frequent(n[5]) {
        return Some("uk");
    }
    if frequent(n[6]) {
        return Some("mk");
    }
    if frequent(n[7]) || frequent(n[8]) && n[8] >= 2 {
        return Some("sr");
    }
    None
}

/// Serbian written in Latin script rather than Croatian or Bosnian: ekavian forms and
/// Serbian month names outweigh ijekavian forms and Croatian month names.
fn serbian_latin(text: &str) -> bool {
    let lower = text.to_lowercase();
    let hits = |words: &[&str]| {
        words
            .iter()
            .map(|w| lower.matches(w).count())
            .sum::<usize>()
    };
    let serbian = hits(&[
        "novembr", "decembr", "januar", "februar", "septembr", "oktobr", "hiljad", "opštin",
        "šta ", " ko ", "vreme", "reč", "mleko", "dete", "deca", "celog", "srbij",
    ]);
    let croatian = hits(&[
        "studen", "prosin", "siječ", "veljač", "listopad", "rujn", "tisuć", "tko ", "vrijeme",
        "riječ", "dijete", "djeca", "cijel", "hrvatsk",
    ]);
    serbian > croatian
}

/// CLD2's answer with its own code names mapped to BCP 47 (`iw` → `he`…).
pub fn cld2_identify(text: &str) -> Option<Identified> {
    let result = detect_language_ext(text, Format::Text, &Hints::default());
    let lang = result.language?;
    let tag = match lang.0 {
        "iw" => "he",
        "jw" => "jv",
        "zh-Hant" => "zh-Hant",
        "un" | "xx" => return None,
        other => other,
    };
    let percent = result.scores.first().map_or(0, |s| s.percent) as f32 / 100.0;
    let reliable = matches!(result.reliability, Reliability::Reliable);
    Some(Identified {
        tag: tag.to_string(),
        confidence: if reliable {
            percent.clamp(0.5, 0.99)
        } else {
            (percent * 0.5).min(0.49)
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(text: &str) -> String {
        identify(text).map_or_else(|| "none".into(), |i| i.tag)
    }

    #[test]
    fn cyrillic_languages_are_told_apart() {
        assert_eq!(tag("Правительство Беларуси одобрило проект бюджета на следующий год, сообщили в пресс-службе."), "ru");
        assert_eq!(
            tag("Урад Беларусі ўхваліў праект бюджэту на наступны год, паведамілі ў прэс-службе."),
            "be"
        );
        assert_eq!(tag("Уряд України схвалив проєкт бюджету на наступний рік, повідомили в пресслужбі міністерства."), "uk");
        assert_eq!(tag("Қазақстан Республикасының Президенті Астанада ұжымдық қауіпсіздік кеңесінің отырысына қатысты."), "kk");
        assert_eq!(tag("Кыргыз Республикасынын Президенти өлкөнүн түштүгүндөгү жаңы мектептин ачылышына катышты."), "ky");
        assert_eq!(tag("Влада Србије усвојила је нацрт буџета за следећу годину, саопштило је министарство финансија."), "sr");
    }

    #[test]
    fn one_borrowed_name_does_not_change_the_language() {
        let russian = "Министр иностранных дел провел переговоры в Киеве. ".repeat(20)
            + "Делегация посетила Київ.";
        assert_eq!(tag(&russian), "ru");
    }

    #[test]
    fn kazakh_in_the_latin_alphabet_and_traditional_chinese_have_their_tags() {
        assert_eq!(tag("Taldyqorǵanda jańa emhana ashyldy, dep habarlaıdy QazAqparat tilshisi. Oblys ákimi qatysty."), "kk-Latn");
        assert_eq!(tag("Óskemende halyqaralyq týrızm forýmy ótti. Oǵan Reseı, Qytaı jáne Mońǵolııa ókilderi qatysty."), "kk-Latn");
        // The 2021 alphabet.
        assert_eq!(tag("Taldyqorğanda jaña emhana aşyldy. Oblys äkımı Beibıt Isabaev qatystı, dep habarlaidy tılşımız. Ūlttyq kompaniä."), "kk-Latn");
        // Turkish, Spanish, Czech and Polish are not Kazakh.
        assert_eq!(tag("Cumhurbaşkanı Erdoğan bugün Ankara'da yabancı gazetecilerle bir araya geldi ve açıklama yaptı."), "tr");
        assert_eq!(tag("El presidente anunció que la compañía española invertirá más dinero en el próximo año."), "es");
        assert_eq!(tag("Hadja Lahbib přijela na návštěvu a setkala se s ministrem zahraničí, který jí poděkoval."), "cs");
        assert_eq!(
            tag("哈薩克總統托卡耶夫今天在東京與日本首相舉行會談，雙方簽署多項文件。"),
            "zh-Hant"
        );
        assert_eq!(
            tag("哈萨克斯坦总统托卡耶夫今天在东京与日本首相举行会谈，双方签署多项文件。"),
            "zh"
        );
    }

    #[test]
    fn scripts_decide_before_statistics() {
        assert_eq!(tag("卢卡申科抵达阿斯塔纳出席集体安全条约组织峰会"), "zh");
        assert_eq!(tag("ルカシェンコ大統領がアスタナに到着した"), "ja");
        assert_eq!(tag("대통령이 아스타나에 도착했다"), "ko");
    }
}
