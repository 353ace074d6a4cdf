//! The sample articles `newswire dev` publishes, compiled into the binary so the dev
//! run works from any directory.

use chrono::{DateTime, Utc};
use newswire_shared::validate::{decode_article, Stage};
use newswire_shared::Article;

const SAMPLES: &[(&str, &str)] = &[
    (
        "01-seed-belta-csto-en.json",
        include_str!("../../../samples/articles/01-seed-belta-csto-en.json"),
    ),
    (
        "02-minsk-budget-ru.json",
        include_str!("../../../samples/articles/02-minsk-budget-ru.json"),
    ),
    (
        "03-harvest-be.json",
        include_str!("../../../samples/articles/03-harvest-be.json"),
    ),
    (
        "04-rail-de.json",
        include_str!("../../../samples/articles/04-rail-de.json"),
    ),
    (
        "05-trade-zh.json",
        include_str!("../../../samples/articles/05-trade-zh.json"),
    ),
    (
        "06-astana-kk.json",
        include_str!("../../../samples/articles/06-astana-kk.json"),
    ),
    (
        "07-climate-fr.json",
        include_str!("../../../samples/articles/07-climate-fr.json"),
    ),
    (
        "08-football-es.json",
        include_str!("../../../samples/articles/08-football-es.json"),
    ),
    (
        "09-minsk-budget-ru-correction.json",
        include_str!("../../../samples/articles/09-minsk-budget-ru-correction.json"),
    ),
    (
        "10-killed-en-v1.json",
        include_str!("../../../samples/articles/10-killed-en-v1.json"),
    ),
    (
        "11-killed-en-v2-kill.json",
        include_str!("../../../samples/articles/11-killed-en-v2-kill.json"),
    ),
    (
        "12-embargoed-en.json",
        include_str!("../../../samples/articles/12-embargoed-en.json"),
    ),
];

/// The samples in publishing order, with any embargo moved to `embargo_at` so the
/// demo shows a story appearing on time.
pub fn sample_articles(embargo_at: DateTime<Utc>) -> Vec<Article> {
    SAMPLES
        .iter()
        .map(|(name, json)| {
            let mut a = decode_article(json.as_bytes(), Stage::Published)
                .unwrap_or_else(|e| panic!("sample {name} is invalid: {e}"));
            if a.embargo_until.is_some() {
                a.embargo_until = Some(embargo_at);
            }
            a
        })
        .collect()
}

/// The seed article's headline, which the dev run's feed must show.
pub fn seed_headline() -> String {
    sample_articles(Utc::now())[0].headline.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sample_is_a_valid_event_and_the_seed_comes_first() {
        let at = Utc::now();
        let all = sample_articles(at);
        assert_eq!(all.len(), SAMPLES.len());
        assert_eq!(all[0].headline, "Lukashenko attends CSTO summit in Astana");
        assert!(all.iter().any(|a| a.embargo_until == Some(at)));
        let languages: std::collections::BTreeSet<_> =
            all.iter().filter_map(|a| a.language.as_deref()).collect();
        assert!(languages.len() >= 8, "{languages:?}");
    }
}
