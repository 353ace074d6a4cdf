//! Where a post's text may be cut (words, graphemes, atoms such as links), and cutting it
//! to fit a network's count.

use unicode_segmentation::UnicodeSegmentation;

pub const ELLIPSIS: &str = "…";

pub use newswire_shared::text::paragraphs;

/// Single-line text: line breaks and runs of white space become one space.
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Byte offsets where `text` may be cut so that a whole word ends there: after each
/// word, before the white space that follows it. Ascending.
pub fn word_ends(text: &str) -> Vec<usize> {
    let mut ends = Vec::new();
    let mut in_word = false;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            if in_word {
                ends.push(i);
            }
            in_word = false;
        } else {
            in_word = true;
        }
    }
    if in_word {
        ends.push(text.len());
    }
    ends
}

/// Byte offsets after each grapheme cluster, for a word too long to keep whole.
pub fn grapheme_ends(text: &str) -> Vec<usize> {
    text.grapheme_indices(true)
        .map(|(i, g)| i + g.len())
        .collect()
}

/// Whether a word must never be cut: a link, an address, a hashtag or a mention.
pub fn is_atomic(word: &str) -> bool {
    word.contains("://")
        || word.starts_with(['#', '@', '＃', '＠', '$'])
        || word.contains('.') && !word.ends_with('.')
}

/// The longest `text[..end] + "…"` that `fits`, cutting only after a whole word (or,
/// if not even the first word fits and it is an ordinary long word, inside it at a
/// grapheme boundary). `None` if nothing fits.
pub fn truncate_to_fit(text: &str, fits: impl Fn(&str) -> bool) -> Option<String> {
    let candidate = |end: usize| format!("{}{ELLIPSIS}", text[..end].trim_end());
    let ends = word_ends(text);
    let best = last_fitting(&ends, |end| fits(&candidate(end)));
    if let Some(end) = best {
        return Some(candidate(end));
    }
    let first_word = text.split_whitespace().next()?;
    if is_atomic(first_word) {
        return None;
    }
    let start = text.len() - text.trim_start().len();
    let inner: Vec<usize> = grapheme_ends(first_word)
        .into_iter()
        .map(|e| start + e)
        .collect();
    last_fitting(&inner, |end| fits(&candidate(end))).map(candidate)
}

/// The largest of ascending `cuts` for which `fits` holds, assuming that once a cut is
/// too long every longer one is too (binary search).
fn last_fitting(cuts: &[usize], fits: impl Fn(usize) -> bool) -> Option<usize> {
    let (mut lo, mut hi) = (0usize, cuts.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        if fits(cuts[mid]) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    (lo > 0).then(|| cuts[lo - 1])
}

/// Pieces of `text` that each `fits`: split at paragraphs, then sentences, then words,
/// then (for an ordinary over-long word) grapheme clusters. Links, hashtags and
/// mentions are never split; one that cannot fit on its own is left out.
pub fn split_to_fit(text: &str, fits: &dyn Fn(&str) -> bool) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut current = String::new();
    let push = |unit: &str, sep: &str, current: &mut String, pieces: &mut Vec<String>| {
        let joined = if current.is_empty() {
            unit.to_string()
        } else {
            format!("{current}{sep}{unit}")
        };
        if fits(&joined) {
            *current = joined;
            true
        } else {
            if !current.is_empty() {
                pieces.push(std::mem::take(current));
            }
            if fits(unit) {
                *current = unit.to_string();
                true
            } else {
                false
            }
        }
    };
    for paragraph in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        if push(paragraph, "\n\n", &mut current, &mut pieces) {
            continue;
        }
        for sentence in sentences(paragraph) {
            if push(sentence, " ", &mut current, &mut pieces) {
                continue;
            }
            for word in sentence.split_whitespace() {
                if push(word, " ", &mut current, &mut pieces) || is_atomic(word) {
                    continue;
                }
                for g in word.graphemes(true) {
                    push(g, "", &mut current, &mut pieces);
                }
            }
        }
    }
    if !current.is_empty() {
        pieces.push(current);
    }
    pieces
}

/// Sentences of a paragraph: cut after `.`, `!`, `?` (and their CJK forms) followed
/// by white space, or after a CJK full stop.
fn sentences(paragraph: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = paragraph.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let end = i + c.len_utf8();
        let cjk = matches!(c, '。' | '！' | '？');
        let western =
            matches!(c, '.' | '!' | '?') && chars.peek().is_some_and(|(_, n)| n.is_whitespace());
        if cjk || western {
            let s = paragraph[start..end].trim();
            if !s.is_empty() {
                out.push(s);
            }
            start = end;
        }
    }
    let tail = paragraph[start..].trim();
    if !tail.is_empty() {
        out.push(tail);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_keeps_whole_words() {
        let t = truncate_to_fit("Lukashenko meets Tokayev in Astana", |s| {
            s.chars().count() <= 20
        })
        .unwrap();
        assert_eq!(t, "Lukashenko meets…");
    }

    #[test]
    fn splitting_prefers_paragraphs_then_sentences() {
        let fits = |s: &str| s.chars().count() <= 30;
        let parts = split_to_fit(
            "Short one.\n\nA second paragraph. It has two sentences.",
            &fits,
        );
        assert_eq!(
            parts,
            vec!["Short one.", "A second paragraph.", "It has two sentences."]
        );
    }
}
