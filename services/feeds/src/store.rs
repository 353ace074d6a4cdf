//! The feed state: the latest version of every story, whatever its status.
//!
//! Idempotent on (id, version): a redelivered version changes nothing and an older
//! version arriving late never replaces a newer one. Killed and withheld stories are
//! kept (as their latest version) so a late older `usable` version cannot resurrect them.

use chrono::{DateTime, Utc};
use newswire_shared::Article;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    New,
    Replaced,
    /// The same version again (redelivery).
    Duplicate,
    /// Older than what we have.
    Stale,
}

impl Applied {
    pub fn changed(self) -> bool {
        matches!(self, Applied::New | Applied::Replaced)
    }
}

#[derive(Debug, Default)]
pub struct FeedStore {
    latest: HashMap<String, Article>,
}

impl FeedStore {
    pub fn apply(&mut self, article: Article) -> Applied {
        match self.latest.get(&article.id) {
            Some(have) if have.version > article.version => Applied::Stale,
            Some(have) if have.version == article.version => Applied::Duplicate,
            Some(_) => {
                self.latest.insert(article.id.clone(), article);
                Applied::Replaced
            }
            None => {
                self.latest.insert(article.id.clone(), article);
                Applied::New
            }
        }
    }

    pub fn len(&self) -> usize {
        self.latest.len()
    }

    pub fn is_empty(&self) -> bool {
        self.latest.is_empty()
    }

    /// What subscribers may see at `now`, newest version first, at most `limit`.
    pub fn released(&self, now: DateTime<Utc>, limit: usize) -> Vec<&Article> {
        let mut items: Vec<&Article> = self
            .latest
            .values()
            .filter(|a| a.is_released_at(now))
            .collect();
        items.sort_by(|a, b| {
            b.version_created
                .cmp(&a.version_created)
                .then_with(|| a.id.cmp(&b.id))
        });
        items.truncate(limit);
        items
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use newswire_shared::article::Status;

    fn article(id: &str, version: u64, status: Status, minute: u32) -> Article {
        serde_json::from_value(serde_json::json!({
            "id": id, "version": version, "status": status, "headline": format!("{id} v{version}"),
            "body": "", "first_created": "2024-11-28T08:00:00Z",
            "version_created": format!("2024-11-28T09:{minute:02}:00Z")
        }))
        .unwrap()
    }

    fn now() -> DateTime<Utc> {
        "2024-11-28T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn redelivery_and_late_older_versions_change_nothing() {
        let mut s = FeedStore::default();
        assert_eq!(s.apply(article("a", 2, Status::Usable, 2)), Applied::New);
        assert_eq!(
            s.apply(article("a", 2, Status::Usable, 2)),
            Applied::Duplicate
        );
        assert_eq!(s.apply(article("a", 1, Status::Usable, 1)), Applied::Stale);
        let shown = s.released(now(), 10);
        assert_eq!(shown.len(), 1);
        assert_eq!(shown[0].version, 2);
    }

    #[test]
    fn kill_removes_and_cannot_be_undone_by_an_older_version() {
        let mut s = FeedStore::default();
        s.apply(article("a", 1, Status::Usable, 1));
        assert_eq!(
            s.apply(article("a", 2, Status::Canceled, 2)),
            Applied::Replaced
        );
        assert!(s.released(now(), 10).is_empty());
        assert_eq!(s.apply(article("a", 1, Status::Usable, 1)), Applied::Stale);
        assert!(s.released(now(), 10).is_empty());
    }

    #[test]
    fn withheld_and_embargoed_stay_out_until_released() {
        let mut s = FeedStore::default();
        s.apply(article("w", 1, Status::Withheld, 1));
        let mut e = article("e", 1, Status::Usable, 2);
        e.embargo_until = Some("2024-11-28T12:00:01Z".parse().unwrap());
        s.apply(e);
        assert!(s.released(now(), 10).is_empty());
        let later = "2024-11-28T12:00:01Z".parse().unwrap();
        assert_eq!(
            s.released(later, 10)
                .iter()
                .map(|a| a.id.as_str())
                .collect::<Vec<_>>(),
            ["e"]
        );
    }

    #[test]
    fn newest_first_and_limited() {
        let mut s = FeedStore::default();
        for i in 0..5 {
            s.apply(article(&format!("s{i}"), 1, Status::Usable, i));
        }
        let ids: Vec<&str> = s.released(now(), 3).iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["s4", "s3", "s2"]);
    }
}
