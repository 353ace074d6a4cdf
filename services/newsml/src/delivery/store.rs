//! Every item version read from `newsml.items`, and who may have which when: trusted
//! subscribers see a version when it arrives (marked `embargoed`), everyone else when
//! its embargo passes. A withdrawal (withheld, canceled) reaches only those to whom
//! the story was released.
//!
//! A release is decided only once the store is known to be complete up to the release
//! instant: a kill written before an embargo passed may still be unread (a lagging
//! consumer, the replay after a restart). Each partition is *settled* up to the time
//! its high watermark was taken, once the consumer has read to that watermark; a
//! version released at R is public only when R ≤ settled. Until then it waits.

use chrono::{DateTime, Utc};
use newswire_shared::access::{Entitlement, Selector, StoryFacts};
use newswire_shared::article::{release_instant, Status};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct ItemVersion {
    pub id: String,
    pub version: u64,
    pub status: Status,
    pub embargo: Option<DateTime<Utc>>,
    /// When the version was rendered (its record's Kafka timestamp), so a replay
    /// after a restart knows which version was newest when.
    pub received: DateTime<Utc>,
    /// The `newsml.items` partition it came from (all versions of a story share one).
    pub partition: i32,
    /// The standalone NewsML-G2 document.
    pub xml: Arc<[u8]>,
    /// What entitlements look at (section, language, urgency, entities), from the
    /// record's headers; unknown facts are granted only to entitlements to everything.
    pub facts: Arc<StoryFacts>,
}

impl ItemVersion {
    /// When this version, unless replaced first, went out to everyone: the shared rule
    /// ([`release_instant`]) from the record's time, on purpose (see there: releases wait
    /// for the topic to be settled, which is measured in record time).
    fn release_time(&self) -> Option<DateTime<Utc>> {
        (self.status == Status::Usable).then(|| release_instant(self.embargo, self.received))
    }
}

#[derive(Debug, Default)]
pub struct Story {
    versions: BTreeMap<u64, ItemVersion>,
}

impl Story {
    pub fn latest(&self) -> Option<&ItemVersion> {
        self.versions.values().next_back()
    }

    fn partition(&self) -> i32 {
        self.latest().map_or(0, |v| v.partition)
    }

    /// Whether `v` was out for everyone by `as_of`: released before anything replaced it.
    fn released(&self, v: &ItemVersion, as_of: DateTime<Utc>) -> bool {
        let replaced = self
            .versions
            .range(v.version + 1..)
            .next()
            .map(|(_, next)| next.received);
        v.release_time()
            .is_some_and(|r| r <= as_of && replaced.is_none_or(|by| r < by))
    }

    fn released_ever(&self, as_of: DateTime<Utc>) -> bool {
        self.versions.values().any(|v| self.released(v, as_of))
    }

    fn visible(&self, v: &ItemVersion, trusted: bool, as_of: DateTime<Utc>) -> bool {
        trusted
            || match v.status {
                Status::Usable => self.released(v, as_of),
                // A kill of a story someone never received would tell them about it.
                Status::Withheld | Status::Canceled => self.released_ever(as_of),
            }
    }

    /// Whether a caller entitled to `entitlement`, asking with `filters`, may have `v`:
    /// [`Entitlement::admits`] on the version's own facts — or, for a withdrawal, on
    /// the facts of a usable version before it, so a kill reaches whoever could have
    /// had the story even if the kill itself was filed differently.
    fn admitted(&self, v: &ItemVersion, entitlement: &Entitlement, filters: &Selector) -> bool {
        entitlement.admits(filters, &v.facts)
            || (v.status != Status::Usable
                && self.versions.range(..v.version).any(|(_, p)| {
                    p.status == Status::Usable && entitlement.admits(filters, &p.facts)
                }))
    }

    fn visible_latest(&self, trusted: bool, as_of: DateTime<Utc>) -> Option<&ItemVersion> {
        self.versions
            .values()
            .rev()
            .find(|v| self.visible(v, trusted, as_of))
    }
}
/// A cursor this process did not give out (another replica's, an earlier run's, or
/// not a cursor at all).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cursor unknown to this server")]
pub struct UnknownCursor;

/// One change a subscriber can receive, in the order it became visible to them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub seq: u64,
    pub id: String,
    pub version: u64,
}

/// Changes in the order they became visible; cursors are `{epoch}-{seq}`, where the
/// epoch names this process, so a cursor from another replica or an earlier run is
/// recognised (and refused) rather than misread.
#[derive(Debug)]
pub struct ChangeLog {
    epoch: u64,
    entries: Vec<Change>,
    /// Highest version logged per story.
    logged: HashMap<String, u64>,
}

impl ChangeLog {
    fn new(epoch: u64) -> Self {
        Self {
            epoch,
            entries: Vec::new(),
            logged: HashMap::new(),
        }
    }

    fn push(&mut self, id: &str, version: u64) -> bool {
        if self.logged.get(id).is_some_and(|&v| v >= version) {
            return false;
        }
        self.logged.insert(id.to_string(), version);
        let seq = self.entries.len() as u64 + 1;
        self.entries.push(Change {
            seq,
            id: id.to_string(),
            version,
        });
        true
    }

    pub fn cursor(&self, seq: u64) -> String {
        format!("{}-{seq}", self.epoch)
    }

    /// The changes after `cursor` (`None`: from the start), at most `limit`, and the
    /// cursor to ask with next. `Err` for a cursor this process did not give out.
    pub fn since(
        &self,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<(Vec<Change>, String), UnknownCursor> {
        self.since_matching(cursor, limit, |_| true)
    }

    /// As [`ChangeLog::since`], keeping only the changes `wanted` accepts; the next
    /// cursor passes over the changes left out, so they are not read again.
    pub fn since_matching(
        &self,
        cursor: Option<&str>,
        limit: usize,
        wanted: impl Fn(&Change) -> bool,
    ) -> Result<(Vec<Change>, String), UnknownCursor> {
        let after = match cursor {
            None => 0,
            Some(c) => {
                let (epoch, seq) = c.split_once('-').ok_or(UnknownCursor)?;
                let seq: u64 = seq.parse().map_err(|_| UnknownCursor)?;
                if epoch.parse::<u64>().map_err(|_| UnknownCursor)? != self.epoch
                    || seq > self.entries.len() as u64
                {
                    return Err(UnknownCursor);
                }
                seq
            }
        };
        let mut changes = Vec::new();
        let mut next = after;
        for c in &self.entries[after as usize..] {
            if changes.len() == limit {
                break;
            }
            next = c.seq;
            if wanted(c) {
                changes.push(c.clone());
            }
        }
        Ok((changes, self.cursor(next)))
    }
}

#[derive(Debug)]
pub struct ItemStore {
    stories: HashMap<String, Story>,
    /// Stories waiting for their release instant (and for the store to be settled
    /// up to it) before the public may have them, by that instant.
    waiting: BTreeMap<DateTime<Utc>, BTreeSet<String>>,
    /// Per partition: every version written before this instant has been read.
    settled: HashMap<i32, DateTime<Utc>>,
    pub trusted_log: ChangeLog,
    pub public_log: ChangeLog,
}

impl ItemStore {
    pub fn new(epoch: u64) -> Self {
        Self {
            stories: HashMap::new(),
            waiting: BTreeMap::new(),
            settled: HashMap::new(),
            trusted_log: ChangeLog::new(epoch),
            public_log: ChangeLog::new(epoch),
        }
    }

    /// The instant up to which `id`'s versions are all known, capped at `now`.
    fn as_of(&self, story: &Story, now: DateTime<Utc>) -> DateTime<Utc> {
        self.settled
            .get(&story.partition())
            .map_or(DateTime::<Utc>::MIN_UTC, |s| (*s).min(now))
    }

    /// The newest version of `id` a subscriber may have at `now`.
    pub fn visible_latest(
        &self,
        id: &str,
        trusted: bool,
        now: DateTime<Utc>,
    ) -> Option<&ItemVersion> {
        let story = self.stories.get(id)?;
        story.visible_latest(trusted, self.as_of(story, now))
    }

    pub fn visible_version(
        &self,
        id: &str,
        version: u64,
        trusted: bool,
        now: DateTime<Utc>,
    ) -> Option<&ItemVersion> {
        let story = self.stories.get(id)?;
        let as_of = self.as_of(story, now);
        story
            .versions
            .get(&version)
            .filter(|v| story.visible(v, trusted, as_of))
    }

    /// Whether `v` (a version of a story in this store) may go to a caller entitled to
    /// `entitlement` asking with `filters`; see `Story::admitted`.
    pub fn admitted(&self, v: &ItemVersion, entitlement: &Entitlement, filters: &Selector) -> bool {
        self.stories
            .get(&v.id)
            .is_some_and(|story| story.admitted(v, entitlement, filters))
    }

    pub fn get(&self, id: &str, version: u64) -> Option<&ItemVersion> {
        self.stories.get(id)?.versions.get(&version)
    }

    /// Takes in a version (again: redelivery is harmless). Returns `false` if it was
    /// already known.
    pub fn insert(&mut self, item: ItemVersion, now: DateTime<Utc>) -> bool {
        let story = self.stories.entry(item.id.clone()).or_default();
        if story.versions.contains_key(&item.version) {
            return false;
        }
        let id = item.id.clone();
        if let Some(at) = item.release_time() {
            self.waiting.entry(at).or_default().insert(id.clone());
        }
        story.versions.insert(item.version, item);
        self.refresh_logs(&id, now);
        true
    }

    /// Records that partition `p` holds nothing unread written before `until`.
    pub fn settle(&mut self, partition: i32, until: DateTime<Utc>) {
        let s = self.settled.entry(partition).or_insert(until);
        *s = (*s).max(until);
    }

    fn refresh_logs(&mut self, id: &str, now: DateTime<Utc>) {
        let Some(story) = self.stories.get(id) else {
            return;
        };
        let as_of = self.as_of(story, now);
        let trusted = story.visible_latest(true, as_of).map(|v| v.version);
        let public = story.visible_latest(false, as_of).map(|v| v.version);
        if let Some(v) = trusted {
            self.trusted_log.push(id, v);
        }
        if let Some(v) = public {
            self.public_log.push(id, v);
        }
    }

    /// Stories whose release instant has passed and whose partition is settled beyond
    /// it: their public log entries are written and they are handed back for delivery.
    pub fn release_due(&mut self, now: DateTime<Utc>) -> Vec<String> {
        let mut ready = Vec::new();
        let due: Vec<DateTime<Utc>> = self.waiting.range(..=now).map(|(at, _)| *at).collect();
        for at in due {
            let ids = self.waiting.remove(&at).unwrap_or_default();
            let mut still = BTreeSet::new();
            for id in ids {
                let settled = self
                    .stories
                    .get(&id)
                    .is_some_and(|s| self.settled.get(&s.partition()).is_some_and(|t| *t >= at));
                if settled {
                    ready.push(id);
                } else {
                    still.insert(id);
                }
            }
            if !still.is_empty() {
                self.waiting.insert(at, still);
            }
        }
        ready.sort();
        ready.dedup();
        for id in &ready {
            self.refresh_logs(id, now);
        }
        ready
    }

    /// The next release instant after `now`, to sleep until.
    pub fn next_release(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.waiting.range(now..).next().map(|(at, _)| *at)
    }

    /// Whether releases that are due wait only for a partition to settle.
    pub fn has_due(&self, now: DateTime<Utc>) -> bool {
        self.waiting.range(..=now).next().is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn item(id: &str, version: u64, status: Status, embargo: Option<&str>) -> ItemVersion {
        ItemVersion {
            id: id.into(),
            version,
            status,
            embargo: embargo.map(at),
            received: at("2024-11-28T10:00:00Z") + chrono::Duration::seconds(version as i64),
            partition: 0,
            xml: Arc::from(&b"<newsItem/>"[..]),
            facts: Arc::default(),
        }
    }

    #[test]
    fn embargoed_items_reach_trusted_subscribers_first_and_everyone_at_the_embargo() {
        let mut store = ItemStore::new(7);
        let t0 = at("2024-11-28T10:00:00Z");
        store.settle(0, t0);
        store.insert(
            item("a", 1, Status::Usable, Some("2024-11-28T12:00:00Z")),
            t0,
        );
        assert_eq!(store.visible_latest("a", true, t0).unwrap().version, 1);
        assert!(store.visible_latest("a", false, t0).is_none());
        assert_eq!(store.public_log.since(None, 10).unwrap().0.len(), 0);
        assert_eq!(store.trusted_log.since(None, 10).unwrap().0.len(), 1);
        let noon = at("2024-11-28T12:00:00Z");
        assert!(store.release_due(at("2024-11-28T11:59:59Z")).is_empty());
        // Due, but nothing is known about what was written up to noon: it waits.
        assert!(store.release_due(noon).is_empty());
        assert!(store.visible_latest("a", false, noon).is_none());
        store.settle(0, noon);
        assert_eq!(store.release_due(noon), vec!["a".to_string()]);
        assert_eq!(store.public_log.since(None, 10).unwrap().0[0].version, 1);
        assert_eq!(store.visible_latest("a", false, noon).unwrap().version, 1);
    }

    #[test]
    fn a_kill_before_release_stays_with_those_who_had_the_story() {
        let mut store = ItemStore::new(7);
        let t0 = at("2024-11-28T10:00:00Z");
        let later = at("2024-11-28T13:00:00Z");
        store.insert(
            item("a", 1, Status::Usable, Some("2024-11-28T12:00:00Z")),
            t0,
        );
        store.insert(
            item("a", 2, Status::Canceled, Some("2024-11-28T12:00:00Z")),
            t0,
        );
        store.settle(0, later);
        assert_eq!(store.visible_latest("a", true, t0).unwrap().version, 2);
        // Killed before its embargo: the public never had it, so it never learns of it.
        assert!(store.visible_latest("a", false, later).is_none());
        store.release_due(later);
        assert!(store.visible_latest("a", false, later).is_none());
        assert!(store.public_log.since(None, 10).unwrap().0.is_empty());
        // Killed after release: the kill is what the public sees.
        store.insert(item("b", 1, Status::Usable, None), t0);
        store.insert(item("b", 2, Status::Canceled, None), t0);
        assert_eq!(store.visible_latest("b", false, later).unwrap().version, 2);
    }

    /// The replay after a restart reads v1 (embargo long past) before the kill that
    /// followed it: until the partition is settled, v1 must not look released.
    #[test]
    fn a_replay_never_releases_what_a_later_record_killed() {
        let mut store = ItemStore::new(7);
        let now = at("2024-11-29T10:00:00Z");
        store.insert(
            item("a", 1, Status::Usable, Some("2024-11-28T12:00:00Z")),
            now,
        );
        assert!(
            store.visible_latest("a", false, now).is_none(),
            "not settled: not visible"
        );
        assert!(store.release_due(now).is_empty());
        store.insert(item("a", 2, Status::Canceled, None), now);
        store.settle(0, now);
        store.release_due(now);
        assert!(store.visible_latest("a", false, now).is_none());
        assert!(store.public_log.since(None, 10).unwrap().0.is_empty());
    }

    #[test]
    fn redelivery_changes_nothing_and_cursors_are_checked() {
        let mut store = ItemStore::new(7);
        let t0 = at("2024-11-28T10:30:00Z");
        store.settle(0, t0);
        assert!(store.insert(item("a", 1, Status::Usable, None), t0));
        assert!(!store.insert(item("a", 1, Status::Usable, None), t0));
        let (changes, next) = store.public_log.since(None, 10).unwrap();
        assert_eq!((changes.len(), next.as_str()), (1, "7-1"));
        assert_eq!(store.public_log.since(Some("7-1"), 10).unwrap().0.len(), 0);
        assert!(store.public_log.since(Some("8-1"), 10).is_err());
        assert!(store.public_log.since(Some("7-9"), 10).is_err());
    }
}
