//! Traditional and simplified Chinese characters (`data/hanzi.tsv`, built by
//! `scripts/build-hanzi.py` from OpenCC's character tables): a traditional story is read
//! with the names the enricher knows in simplified characters, and its names are written
//! back in traditional ones.

use std::sync::OnceLock;

const TABLE: &str = include_str!("../data/hanzi.tsv");

/// The ideographs the table covers: CJK extension A and the unified block.
const FIRST: u32 = 0x3400;
const LAST: u32 = 0x9FFF;

struct Tables {
    /// Indexed by code point − FIRST: the simplified form, or `\0` when the same.
    simplified: Box<[char]>,
    /// The same for the traditional form OpenCC gives a simplified character.
    traditional: Box<[char]>,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let size = (LAST - FIRST + 1) as usize;
        let mut simplified = vec!['\0'; size];
        let mut traditional = vec!['\0'; size];
        for line in TABLE
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            let mut f = line.split('\t');
            let (Some(t), Some(s), Some(back)) = (f.next(), f.next(), f.next()) else {
                panic!("hanzi.tsv: bad line {line:?}");
            };
            let (t, s) = (one_char(t), one_char(s));
            simplified[index(t).expect("a traditional ideograph")] = s;
            if back == "1" {
                if let Some(i) = index(s) {
                    traditional[i] = t;
                }
            }
        }
        Tables {
            simplified: simplified.into(),
            traditional: traditional.into(),
        }
    })
}

fn one_char(s: &str) -> char {
    let mut chars = s.chars();
    let c = chars.next().expect("a character");
    assert!(
        chars.next().is_none(),
        "hanzi.tsv: {s:?} is not one character"
    );
    c
}

fn index(c: char) -> Option<usize> {
    let c = c as u32;
    (FIRST..=LAST).contains(&c).then(|| (c - FIRST) as usize)
}

/// The simplified form of a traditional character (same UTF-8 length), or `c` itself.
pub fn simplified(c: char) -> char {
    match index(c) {
        Some(i) => match tables().simplified[i] {
            '\0' => c,
            s => s,
        },
        None => c,
    }
}

/// The traditional form OpenCC writes for a simplified character, or `c` itself.
pub fn traditional(c: char) -> char {
    match index(c) {
        Some(i) => match tables().traditional[i] {
            '\0' => c,
            t => t,
        },
        None => c,
    }
}

/// `text` with every simplified character in its traditional form.
pub fn to_traditional(text: &str) -> String {
    text.chars().map(traditional).collect()
}

/// Counts of characters only traditional text uses and of those only simplified text
/// uses.
pub fn script_counts(text: &str) -> (usize, usize) {
    let t = tables();
    let (mut trad, mut simp) = (0, 0);
    for c in text.chars() {
        if let Some(i) = index(c) {
            if t.simplified[i] != '\0' {
                trad += 1;
            } else if t.traditional[i] != '\0' {
                simp += 1;
            }
        }
    }
    (trad, simp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traditional_and_simplified_forms() {
        let simple: String = "託卡耶夫訪問哈薩克斯坦".chars().map(simplified).collect();
        assert_eq!(simple, "托卡耶夫访问哈萨克斯坦");
        assert_eq!(to_traditional("哈萨克斯坦总统"), "哈薩克斯坦總統");
        // Characters the same in both scripts stay.
        assert_eq!(simplified('中'), '中');
        assert_eq!(traditional('中'), '中');
        assert_eq!(script_counts("積電擴大投資"), (4, 0));
        assert_eq!(script_counts("积电扩大投资"), (0, 4));
    }

    #[test]
    fn every_pair_keeps_its_length_in_utf8() {
        for line in TABLE.lines().filter(|l| !l.starts_with('#')) {
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f[0].len(), f[1].len(), "{line}");
        }
    }
}
