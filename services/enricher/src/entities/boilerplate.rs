//! Paragraphs that are page furniture, not story: navigation, "Follow us on", share
//! buttons, copyright and photo credits. Names in them are not the story's entities;
//! from a credit line only the organisation credited counts.

use super::fold::{fold, has_cjk};
use aho_corasick::AhoCorasick;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paragraph {
    Story,
    /// Navigation and the like: nothing in it counts.
    Furniture,
    /// "Photo: BelTA", "Source: Reuters": only organisations count.
    Credit,
}

const FURNITURE: &[&str] = &[
    "follow us",
    "subscribe",
    "all rights reserved",
    "read more",
    "read also",
    "recent news",
    "all news",
    "share this",
    "related news",
    "newsletter",
    "cookie",
    "copyright",
    "подписывайтесь",
    "подпишитесь",
    "читайте также",
    "все новости",
    "последние новости",
    "следите за",
    "чытайце таксама",
    "усе навіны",
    "падпісвайцеся",
    "читайте також",
    "усі новини",
    "folgen sie uns",
    "suivez-nous",
    "síguenos",
    "lesen sie auch",
    "lire aussi",
    "lea también",
    "барлық жаңалықтар",
];

const CREDITS: &[&str] = &[
    "photo",
    "фото",
    "source",
    "источник",
    "крыніца",
    "джерело",
    "quelle",
    "credit",
    "©",
    "foto",
    "crédit",
    "fuente",
];

/// The furniture phrases in one automaton: every short paragraph is checked.
fn furniture_phrases() -> &'static AhoCorasick {
    static PHRASES: OnceLock<AhoCorasick> = OnceLock::new();
    PHRASES.get_or_init(|| AhoCorasick::new(FURNITURE).expect("furniture phrases build"))
}

pub fn classify(paragraph: &str) -> Paragraph {
    classify_folded(paragraph, &fold(paragraph))
}

/// `classify` with the paragraph already folded (same byte offsets).
pub fn classify_folded(paragraph: &str, folded: &str) -> Paragraph {
    let text = paragraph.trim();
    // Page furniture comes in short lines; a paragraph of sentences is story.
    if text.len() > 240 {
        return Paragraph::Story;
    }
    let folded = folded.trim();
    if furniture_phrases().is_match(folded) {
        return Paragraph::Furniture;
    }
    if CREDITS.iter().any(|p| folded.starts_with(p)) {
        return Paragraph::Credit;
    }
    // Menus and link lists: a few words with no sentence in them.
    let sentence_end = text
        .chars()
        .next_back()
        .is_some_and(|c| ".!?…\"”»“)。！？」』".contains(c));
    if sentence_end {
        return Paragraph::Story;
    }
    // Chinese and Japanese have no spaces: about two characters a word.
    let words = if has_cjk(text) {
        text.chars().count() / 2
    } else {
        text.split_whitespace().count()
    };
    if words <= 6 {
        return Paragraph::Furniture;
    }
    Paragraph::Story
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn furniture_credit_and_story() {
        assert_eq!(classify("Follow us on:"), Paragraph::Furniture);
        assert_eq!(classify("Recent news from Belarus"), Paragraph::Furniture);
        assert_eq!(classify("Government Bodies"), Paragraph::Furniture);
        assert_eq!(classify("Photo: BelTA"), Paragraph::Credit);
        assert_eq!(
            classify("业内人士表示，班列运输为沿线国家企业提供了稳定的物流通道。"),
            Paragraph::Story
        );
        assert_eq!(
            classify("Kyrgyzstan is to take over the chairmanship of the CSTO in 2025."),
            Paragraph::Story
        );
    }
}
