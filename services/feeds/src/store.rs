//! The feed state: the latest version of every story, whatever its status.
//!
//! Idempotent on (id, version): a redelivered version changes nothing and an older
//! version arriving late never replaces a newer one. Killed and withheld stories are
//! kept (as their latest version) so a late older `usable` version cannot resurrect them.

use crate::changes::ChangeLog;
use chrono::{DateTime, Utc};
use newswire_shared::article::Status;
use newswire_shared::Article;
use std::collections::HashMap;
use std::sync::Arc;

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
    /// What subscribers polling `/v1/items` see, in order.
    pub changes: ChangeLog,
    /// When each story first became visible to subscribers (its earliest usable
    /// version's embargo, or the epoch): decides whether a kill needs a tombstone.
    visible_from: HashMap<String, DateTime<Utc>>,
}

fn newest_first<'a>(items: impl Iterator<Item = &'a Article>, limit: usize) -> Vec<&'a Article> {
    let mut items: Vec<&Article> = items.collect();
    items.sort_by(|a, b| {
        b.version_created
            .cmp(&a.version_created)
            .then_with(|| a.id.cmp(&b.id))
    });
    items.truncate(limit);
    items
}

impl FeedStore {
    pub fn apply(&mut self, article: Article) -> Applied {
        if article.status == Status::Usable {
            let from = article.embargo_until.unwrap_or(DateTime::UNIX_EPOCH);
            let earliest = self.visible_from.entry(article.id.clone()).or_insert(from);
            *earliest = (*earliest).min(from);
        }
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

    /// As [`FeedStore::apply`], and records the change for polling subscribers as of
    /// `now`: at once if subscribers may see it, at its embargo if it has one, never
    /// for a kill of a story nobody could see.
    pub fn apply_at(&mut self, article: Article, now: DateTime<Utc>) -> Applied {
        let id = article.id.clone();
        let outcome = self.apply(article);
        if outcome.changed() {
            let latest = Arc::new(self.latest[&id].clone());
            match latest.status {
                Status::Usable if latest.is_released_at(now) => self.changes.record(latest),
                Status::Usable => self.changes.hold_until_embargo(latest),
                _ if self.was_visible(&latest, now) => self.changes.record(latest),
                _ => {}
            }
        }
        outcome
    }

    /// Logs the embargoed versions whose instant has come, if still current.
    pub fn release_due(&mut self, now: DateTime<Utc>) {
        let latest = &self.latest;
        self.changes.release_due(now, |a| {
            latest
                .get(&a.id)
                .is_some_and(|l| l.version == a.version && l.status == Status::Usable)
        });
    }

    /// Whether subscribers could have seen some usable version of this story before
    /// this (withdrawing) version.
    fn was_visible(&self, a: &Article, now: DateTime<Utc>) -> bool {
        self.visible_from
            .get(&a.id)
            .is_some_and(|from| *from <= a.version_created && *from <= now)
    }

    pub fn latest(&self, id: &str) -> Option<&Article> {
        self.latest.get(id)
    }

    pub fn len(&self) -> usize {
        self.latest.len()
    }

    pub fn is_empty(&self) -> bool {
        self.latest.is_empty()
    }

    /// What subscribers may see at `now`, newest version first, at most `limit`.
    pub fn released(&self, now: DateTime<Utc>, limit: usize) -> Vec<&Article> {
        self.released_matching(now, limit, |_| true)
    }

    /// As [`FeedStore::released`], only stories for which `keep` holds.
    pub fn released_matching(
        &self,
        now: DateTime<Utc>,
        limit: usize,
        keep: impl Fn(&Article) -> bool,
    ) -> Vec<&Article> {
        let items = self
            .latest
            .values()
            .filter(|a| a.is_released_at(now) && keep(a));
        newest_first(items, limit)
    }

    /// Killed stories that subscribers could have seen, newest kill first, for Atom
    /// tombstones. A story killed before its embargo lifted leaves no trace, not even
    /// its id.
    pub fn killed_matching(
        &self,
        now: DateTime<Utc>,
        limit: usize,
        keep: impl Fn(&Article) -> bool,
    ) -> Vec<&Article> {
        let killed = self
            .latest
            .values()
            .filter(|a| a.status == Status::Canceled && self.was_visible(a, now) && keep(a));
        newest_first(killed, limit)
    }

    /// The next instant an embargo lifts after `now`, if any story waits for one.
    pub fn next_release_after(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.latest
            .values()
            .filter(|a| a.status == Status::Usable)
            .filter_map(|a| a.embargo_until)
            .filter(|t| *t > now)
            .min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

#[cfg(test)]
mod embargo_properties {
    use super::*;
    use proptest::prelude::*;

    fn story(id: usize, version: u64, usable: bool, embargo_secs: Option<i64>) -> Article {
        let base: DateTime<Utc> = "2024-11-28T12:00:00Z".parse().unwrap();
        serde_json::from_value(serde_json::json!({
            "id": format!("s{id}"), "version": version,
            "status": if usable { "usable" } else { "canceled" },
            "headline": "h", "body": "", "first_created": "2024-11-28T08:00:00Z",
            "version_created": format!("2024-11-28T09:00:{:02}Z", version),
            "embargo_until": embargo_secs.map(|s| (base + chrono::Duration::seconds(s)).to_rfc3339()),
        }))
        .unwrap()
    }

    proptest! {
        /// Whatever the arrival order (redeliveries and late old versions included) and
        /// whatever the clock, a story is shown iff its newest version is usable and
        /// its embargo has passed.
        #[test]
        fn shown_iff_latest_is_usable_and_embargo_passed(
            versions in proptest::collection::vec((0usize..6, 1u64..5, any::<bool>(), proptest::option::of(-100i64..100)), 1..40),
            order in any::<proptest::sample::Index>(),
            now_offset in -120i64..120,
        ) {
            let mut events: Vec<Article> = versions.iter().map(|(id, v, usable, e)| story(*id, *v, *usable, *e)).collect();
            let rotate = order.index(events.len());
            events.rotate_left(rotate);
            let mut store = FeedStore::default();
            for e in events.iter().chain(events.iter().rev()) {
                store.apply(e.clone());
            }
            let now = "2024-11-28T12:00:00Z".parse::<DateTime<Utc>>().unwrap() + chrono::Duration::seconds(now_offset);
            let mut expected: Vec<String> = Vec::new();
            for id in 0..6 {
                let newest = events.iter().filter(|a| a.id == format!("s{id}")).max_by_key(|a| a.version);
                // Equal versions with different content are a newsroom error; the first seen wins.
                if let Some(n) = newest {
                    let first_of_newest = events.iter().find(|a| a.id == n.id && a.version == n.version).unwrap();
                    if first_of_newest.is_released_at(now) {
                        expected.push(n.id.clone());
                    }
                }
            }
            let mut shown: Vec<String> = store.released(now, 100).iter().map(|a| a.id.clone()).collect();
            shown.sort();
            expected.sort();
            prop_assert_eq!(shown, expected);
        }
    }
}
