//! IPTC Media Topics for a story, from the words that point to them
//! (`data/subject-rules.tsv`, written by hand in the languages we publish), each with
//! a confidence; a topic brings its top-level topic with it.

use crate::entities::fold::{fold, is_cjk};
use crate::mediatopics::MediaTopics;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use newswire_shared::article::Subject;
use std::collections::HashMap;
use std::sync::OnceLock;

const RULES: &str = include_str!("../data/subject-rules.tsv");

/// How much of headline and body the rules read.
const READ_BYTES: usize = 2048;
/// How many topics a story gets at most (before their top-level topics are added).
const MAX_TOPICS: usize = 4;
/// Evidence a topic needs: a headline word alone (3), or a lead word and a body word.
const MIN_SCORE: f32 = 3.0;
/// One word repeated does not make a story about it.
const MAX_PER_TERM: u32 = 3;

struct Term {
    code: usize,
    prefix: bool,
}

pub struct SubjectRules {
    codes: Vec<&'static str>,
    terms: Vec<Term>,
    automaton: AhoCorasick,
}

impl SubjectRules {
    pub fn get() -> &'static SubjectRules {
        static RULES_ONCE: OnceLock<SubjectRules> = OnceLock::new();
        RULES_ONCE.get_or_init(|| SubjectRules::parse(RULES))
    }

    fn parse(data: &'static str) -> SubjectRules {
        let mut codes = Vec::new();
        let mut terms = Vec::new();
        let mut patterns = Vec::new();
        for line in data
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            let (code, list) = line
                .split_once('\t')
                .unwrap_or_else(|| panic!("subject-rules.tsv: bad line {line:?}"));
            codes.push(code);
            for term in list.split('|').filter(|t| !t.is_empty()) {
                let prefix = term.ends_with('*');
                patterns.push(fold(term.trim_end_matches('*')));
                terms.push(Term {
                    code: codes.len() - 1,
                    prefix,
                });
            }
        }
        // A DFA: every story's opening is searched, and a DFA is the fastest search
        // (a few hundred KB for these ~1,100 terms).
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)
            .expect("subject terms build an automaton");
        SubjectRules {
            codes,
            terms,
            automaton,
        }
    }

    /// The codes the rules can assign.
    pub fn codes(&self) -> &[&'static str] {
        &self.codes
    }

    /// Topics for `text` (headline, blank line, body), labelled in `language`.
    pub fn assign(&self, text: &str, language: &str) -> Vec<Subject> {
        self.assign_folded(text, &fold(text), language)
    }

    /// `assign` with the text already folded (`fold(text)`, same byte offsets).
    pub fn assign_folded(&self, text: &str, folded: &str, language: &str) -> Vec<Subject> {
        // What a story is about is in its headline and first paragraphs; reading on
        // costs time and adds passing mentions.
        let mut cut = text.len().min(READ_BYTES);
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let text = &text[..cut];
        let folded = &folded[..cut];
        let lead_end = nth_paragraph_end(text, 2);
        let headline_end = nth_paragraph_end(text, 1);
        let mut score: HashMap<usize, f32> = HashMap::new();
        let mut uses: HashMap<usize, u32> = HashMap::new();
        for m in self.automaton.find_overlapping_iter(folded) {
            let term = &self.terms[m.pattern().as_usize()];
            let (start, end) = (m.start(), m.end());
            let cjk = is_cjk(&folded[start..end]);
            let word_start = !folded[..start]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric);
            let word_end = term.prefix
                || !folded[end..]
                    .chars()
                    .next()
                    .is_some_and(char::is_alphanumeric);
            if !(cjk || word_start && word_end) {
                continue;
            }
            let n = uses.entry(m.pattern().as_usize()).or_default();
            *n += 1;
            if *n > MAX_PER_TERM {
                continue;
            }
            let weight = if start < headline_end {
                3.0
            } else if start < lead_end {
                2.0
            } else {
                1.0
            };
            *score.entry(term.code).or_default() += weight;
        }
        let mut ranked: Vec<(usize, f32)> =
            score.into_iter().filter(|(_, s)| *s >= MIN_SCORE).collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.truncate(MAX_TOPICS);

        let topics = MediaTopics::get();
        let mut out: Vec<Subject> = Vec::new();
        for (code, s) in ranked {
            let confidence = (((1.0 - (-s / 8.0).exp()) * 100.0).round() / 100.0).min(0.99);
            for (depth, topic) in topics.ancestry(self.codes[code]).into_iter().enumerate() {
                if depth > 0 && topic.level != 1 {
                    continue; // the top level comes along; the levels between do not
                }
                match out.iter_mut().find(|o| o.code == topic.code) {
                    Some(o) => o.confidence = o.confidence.max(confidence),
                    None => out.push(Subject {
                        code: topic.code.to_string(),
                        label: topic.name(language).to_string(),
                        confidence,
                    }),
                }
            }
        }
        out.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
        out
    }
}

/// Byte offset where paragraph `n` (1-based, separated by blank lines) ends.
fn nth_paragraph_end(text: &str, n: usize) -> usize {
    text.match_indices("\n\n")
        .nth(n - 1)
        .map_or(text.len(), |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_a_current_media_topic() {
        let topics = MediaTopics::get();
        for code in SubjectRules::get().codes() {
            let t = topics
                .topic(code)
                .unwrap_or_else(|| panic!("{code} is not a Media Topic"));
            assert!(!t.retired, "{code} is retired");
        }
    }

    fn codes(text: &str, lang: &str) -> Vec<String> {
        SubjectRules::get()
            .assign(text, lang)
            .into_iter()
            .map(|s| s.code)
            .collect()
    }

    #[test]
    fn stories_get_their_topics_in_any_language() {
        let budget = codes("Government approves draft budget\n\nMINSK — The government approved the draft budget for next year.\n\nSpending on tax and health will grow.", "en");
        assert!(
            budget.contains(&"medtop:20000607".to_string()),
            "{budget:?}"
        );
        // IPTC files government budgets under politics (government > public finance).
        assert!(
            budget.contains(&"medtop:11000000".to_string()),
            "{budget:?}"
        );
        let football = codes(
            "Реал выиграл матч\n\nМАДРИД — Футболисты забили три гола в матче чемпионата.",
            "ru",
        );
        assert!(
            football.contains(&"medtop:15000000".to_string()),
            "{football:?}"
        );
        let rail = codes("中欧班列今年开行量创新高\n\n北京11月26日电 今年以来中欧班列累计开行数量再创新高，铁路运输。", "zh");
        assert!(rail.contains(&"medtop:20000340".to_string()), "{rail:?}");
        // Labels come in the story's language where IPTC has one.
        let s = SubjectRules::get().assign("Fußball: Bayern gewinnt das Spiel\n\nDer Trainer lobte die Stürmer nach dem Fußball-Spiel.", "de");
        assert!(s.iter().any(|s| s.label == "Sport"), "{s:?}");
    }

    #[test]
    fn one_word_in_passing_is_not_a_topic() {
        assert!(codes("Minsk hosts a conference\n\nMINSK — A conference opened.\n\nOne speaker mentioned football.", "en")
            .iter()
            .all(|c| c != "medtop:15000000"));
    }
}
