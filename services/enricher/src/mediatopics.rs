//! IPTC Media Topics, from `data/mediatopics.tsv` (built by
//! `scripts/build-mediatopics.py` from IPTC's export; CC BY 4.0, IPTC): the codes the
//! enricher may assign as `subjects`, their hierarchy and their names.

use std::collections::HashMap;
use std::sync::OnceLock;

const DATA: &str = include_str!("../data/mediatopics.tsv");

/// Languages the names come in, in the file's column order.
pub const NAME_LANGUAGES: [&str; 6] = ["en", "de", "fr", "es", "ar", "zh"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaTopic {
    /// `medtop:20000593`
    pub code: &'static str,
    pub parent: Option<&'static str>,
    /// 1 (top level) to 6.
    pub level: u8,
    /// IPTC retired the concept: keep it for old data, never assign it.
    pub retired: bool,
    /// `Q7188`
    pub wikidata: Option<&'static str>,
    names: [&'static str; 6],
}

impl MediaTopic {
    /// The name in `language` (its primary subtag), else in English.
    pub fn name(&self, language: &str) -> &'static str {
        let primary = language.split('-').next().unwrap_or(language);
        NAME_LANGUAGES
            .iter()
            .position(|l| *l == primary)
            .map(|i| self.names[i])
            .filter(|n| !n.is_empty())
            .unwrap_or(self.names[0])
    }
}

pub struct MediaTopics {
    topics: Vec<MediaTopic>,
    by_code: HashMap<&'static str, usize>,
}

impl MediaTopics {
    /// The vocabulary shipped with the enricher, parsed once.
    pub fn get() -> &'static MediaTopics {
        static TOPICS: OnceLock<MediaTopics> = OnceLock::new();
        TOPICS.get_or_init(|| MediaTopics::parse(DATA))
    }

    fn parse(data: &'static str) -> Self {
        let mut topics = Vec::new();
        for line in data
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            let f: Vec<&'static str> = line.split('\t').collect();
            assert!(
                f.len() == 11,
                "mediatopics.tsv: {} fields in {line:?}",
                f.len()
            );
            let some = |s: &'static str| (!s.is_empty()).then_some(s);
            topics.push(MediaTopic {
                code: f[0],
                parent: some(f[1]),
                level: f[2].parse().expect("mediatopics.tsv: level"),
                retired: !f[3].is_empty(),
                wikidata: some(f[4]),
                names: [f[5], f[6], f[7], f[8], f[9], f[10]],
            });
        }
        let by_code = topics
            .iter()
            .enumerate()
            .map(|(i, t)| (t.code, i))
            .collect();
        Self { topics, by_code }
    }

    pub fn topic(&self, code: &str) -> Option<&MediaTopic> {
        self.by_code.get(code).map(|&i| &self.topics[i])
    }

    pub fn all(&self) -> &[MediaTopic] {
        &self.topics
    }

    /// The chain from `code` up to its top-level topic, `code` first.
    pub fn ancestry(&self, code: &str) -> Vec<&MediaTopic> {
        let mut chain = Vec::new();
        let mut next = self.topic(code);
        while let Some(t) = next {
            chain.push(t);
            next = t.parent.and_then(|p| self.topic(p));
        }
        chain
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_whole_vocabulary_is_there_with_its_hierarchy() {
        let m = MediaTopics::get();
        assert_eq!(m.all().len(), 1372);
        assert_eq!(m.all().iter().filter(|t| t.level == 1).count(), 17);
        assert_eq!(m.all().iter().filter(|t| t.retired).count(), 273);
        for t in m.all() {
            assert!(
                t.code.starts_with("medtop:") && t.code.len() == 15,
                "{}",
                t.code
            );
            if let Some(p) = t.parent {
                assert_eq!(m.topic(p).map(|p| p.level + 1), Some(t.level), "{}", t.code);
            } else {
                assert_eq!(t.level, 1);
            }
        }
        let government = m.topic("medtop:20000593").unwrap();
        assert_eq!(government.name("en"), "government");
        assert_eq!(government.name("de-AT"), "Regierung");
        assert_eq!(
            government.name("ru"),
            "government",
            "no Russian names: English"
        );
        assert_eq!(government.wikidata, Some("Q7188"));
        let chain: Vec<&str> = m
            .ancestry("medtop:20000593")
            .iter()
            .map(|t| t.code)
            .collect();
        assert_eq!(chain, ["medtop:20000593", "medtop:11000000"]);
    }
}
