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
use newswire_shared::kafka::change_log::{At, ChangeLog};
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
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
    /// Its record's offset there.
    pub offset: i64,
    /// The standalone NewsML-G2 document.
    pub xml: Arc<[u8]>,
    /// What entitlements look at (section, language, urgency, entities), from the
    /// record's headers; unknown facts are granted only to entitlements to everything.
    pub facts: Arc<StoryFacts>,
}

impl ItemVersion {
    /// Its record's position, for cursors.
    fn at(&self) -> At {
        At {
            partition: self.partition,
            offset: self.offset,
            written: self.received.timestamp_micros(),
        }
    }

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

    /// Whether `v` goes into the public log, once the topic is settled up to `as_of`
    /// (at or after its release): a usable version released before anything replaced
    /// it; a withdrawal of a story released before it.
    fn public_change(&self, v: &ItemVersion, as_of: DateTime<Utc>) -> bool {
        match v.status {
            Status::Usable => self.released(v, as_of),
            Status::Withheld | Status::Canceled => self
                .versions
                .range(..v.version)
                .any(|(_, u)| self.released(u, as_of)),
        }
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
/// What the pull API's change logs carry: which version became visible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedVersion {
    pub id: Arc<str>,
    pub version: u64,
}

/// A `newsml.items` record whose place in the public log is not decided yet.
#[derive(Debug)]
struct Undecided {
    offset: i64,
    /// The version it carried, if it was a new one (not a duplicate, not unreadable).
    version: Option<(String, u64)>,
}

#[derive(Debug, Default)]
pub struct ItemStore {
    stories: HashMap<String, Story>,
    /// Stories waiting for their release instant (and for the store to be settled
    /// up to it) before the public may have them, by that instant.
    waiting: BTreeMap<DateTime<Utc>, BTreeSet<String>>,
    /// Per partition: every version written before this instant has been read.
    settled: HashMap<i32, DateTime<Utc>>,
    /// Partitions of the topic, as far as known: the public log waits for all of them.
    partitions: i32,
    /// What trusted subscribers' cursors walk: every version newer than the story's
    /// last, as it is read.
    pub trusted_log: ChangeLog<LoggedVersion>,
    /// What everyone else's cursors walk: every version once it was released, and a
    /// withdrawal of a story that was; a version with an embargo ahead of its record is
    /// held until it (the cursor's embargo mark accounts for it).
    pub public_log: ChangeLog<LoggedVersion>,
    /// Per partition, records read whose place in the public log waits for the topic
    /// to be settled up to their record time, in offset order.
    undecided: HashMap<i32, VecDeque<Undecided>>,
    /// Highest version in the trusted log, per story.
    trusted_latest: HashMap<String, u64>,
}

impl ItemStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// Reading of `partition` starts at `offset` (the oldest the topic holds): a
    /// cursor before it is one this store cannot answer.
    pub fn start_partition(&mut self, partition: i32, offset: i64) {
        self.partitions = self.partitions.max(partition + 1);
        self.trusted_log.start_partition(partition, offset);
        self.public_log.start_partition(partition, offset);
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

    /// Takes in the version read at `item.partition`/`item.offset`, in offset order per
    /// partition (again: redelivery is harmless). Returns `false` if it was already
    /// known.
    pub fn insert(&mut self, item: ItemVersion) -> bool {
        let (partition, offset) = (item.partition, item.offset);
        let story = self.stories.entry(item.id.clone()).or_default();
        let new = !story.versions.contains_key(&item.version);
        let logged = new.then(|| (item.id.clone(), item.version));
        if new {
            if let Some(at) = item.release_time() {
                self.waiting.entry(at).or_default().insert(item.id.clone());
            }
            let latest = self.trusted_latest.entry(item.id.clone()).or_default();
            if item.version > *latest {
                *latest = item.version;
                let at = item.at();
                let logged = LoggedVersion {
                    id: Arc::from(item.id.as_str()),
                    version: item.version,
                };
                self.trusted_log.record(logged, at, None);
            }
            story.versions.insert(item.version, item);
        }
        self.read(partition, offset, logged);
        new
    }

    /// A record that carried no readable version: cursors move past it.
    pub fn skip(&mut self, partition: i32, offset: i64) {
        self.read(partition, offset, None);
    }

    fn read(&mut self, partition: i32, offset: i64, version: Option<(String, u64)>) {
        self.partitions = self.partitions.max(partition + 1);
        self.trusted_log.consumed(partition, offset + 1);
        self.undecided
            .entry(partition)
            .or_default()
            .push_back(Undecided { offset, version });
        self.decide();
    }

    /// Records that partition `p` holds nothing unread written before `until`.
    pub fn settle(&mut self, partition: i32, until: DateTime<Utc>) {
        self.partitions = self.partitions.max(partition + 1);
        let s = self.settled.entry(partition).or_insert(until);
        *s = (*s).max(until);
        self.decide();
    }

    /// The instant up to which every partition is settled: every record written
    /// before it has been read, so whether a version was released by then is known
    /// the same way on every replica.
    fn settled_everywhere(&self) -> Option<DateTime<Utc>> {
        (0..self.partitions)
            .map(|p| self.settled.get(&p).copied())
            .min()
            .flatten()
    }

    /// Moves the public log on as far as the topic is settled: records in offset order
    /// — a version whose embargo is ahead of its record is held until the embargo (by
    /// the log's mark); any other version, or withdrawal, is decided once the topic is
    /// settled to its record time — then the held versions that were released by then.
    /// Settled across all partitions, not the record's own, so held versions enter in
    /// the order of their marks and a withdrawal never before the version it follows.
    fn decide(&mut self) {
        let Some(until) = self.settled_everywhere() else {
            return;
        };
        for (partition, queue) in &mut self.undecided {
            while let Some(head) = queue.front() {
                let Some((id, version)) = &head.version else {
                    self.public_log.consumed(*partition, head.offset + 1);
                    queue.pop_front();
                    continue;
                };
                let story = &self.stories[id];
                let v = &story.versions[version];
                let logged = LoggedVersion {
                    id: Arc::from(id.as_str()),
                    version: *version,
                };
                match v.release_time() {
                    Some(release) if release > v.received => {
                        self.public_log.hold(logged, v.at(), release);
                    }
                    _ if v.received > until => break,
                    _ if story.public_change(v, until) => {
                        self.public_log.record(logged, v.at(), None);
                    }
                    _ => self.public_log.consumed(*partition, head.offset + 1),
                }
                queue.pop_front();
            }
        }
        let stories = &self.stories;
        self.public_log.release_due(until, |l| {
            stories.get(&*l.id).is_some_and(|s| {
                s.versions
                    .get(&l.version)
                    .is_some_and(|v| s.public_change(v, until))
            })
        });
    }

    /// Stories whose release instant has passed and whose partition is settled beyond
    /// it, handed back for delivery.
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
    use newswire_shared::kafka::change_log::{Cursor, Since};

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    /// A version of `id` read at `offset` of partition 0, its record written `version`
    /// seconds after 10:00.
    fn item(
        id: &str,
        version: u64,
        status: Status,
        embargo: Option<&str>,
        offset: i64,
    ) -> ItemVersion {
        ItemVersion {
            id: id.into(),
            version,
            status,
            embargo: embargo.map(at),
            received: at("2024-11-28T10:00:00Z") + chrono::Duration::seconds(version as i64),
            partition: 0,
            offset,
            xml: Arc::from(&b"<newsItem/>"[..]),
            facts: Arc::default(),
        }
    }

    /// (id, version) of what `log` gives after `since` (the start when `None`), and the
    /// cursor after it.
    fn after(
        log: &ChangeLog<LoggedVersion>,
        since: Option<&Cursor>,
    ) -> (Vec<(String, u64)>, Cursor) {
        let since = since.cloned().unwrap_or_else(|| log.start());
        let Since::Changes { changes, next } = log.after(&since, 100, |_| true) else {
            panic!("gone")
        };
        let got = changes
            .into_iter()
            .map(|(c, _)| (c.item.id.to_string(), c.item.version))
            .collect();
        (got, next)
    }

    #[test]
    fn embargoed_items_reach_trusted_subscribers_first_and_everyone_at_the_embargo() {
        let mut store = ItemStore::new();
        let t0 = at("2024-11-28T10:00:00Z");
        store.start_partition(0, 0);
        store.settle(0, t0);
        store.insert(item(
            "a",
            1,
            Status::Usable,
            Some("2024-11-28T12:00:00Z"),
            0,
        ));
        assert_eq!(store.visible_latest("a", true, t0).unwrap().version, 1);
        assert!(store.visible_latest("a", false, t0).is_none());
        let (public, before) = after(&store.public_log, None);
        assert!(public.is_empty());
        assert_eq!(after(&store.trusted_log, None).0, [("a".into(), 1)]);
        let noon = at("2024-11-28T12:00:00Z");
        assert!(store.release_due(at("2024-11-28T11:59:59Z")).is_empty());
        // Due, but nothing is known about what was written up to noon: it waits.
        assert!(store.release_due(noon).is_empty());
        assert!(store.visible_latest("a", false, noon).is_none());
        store.settle(0, at("2024-11-28T11:59:59Z"));
        assert!(after(&store.public_log, Some(&before)).0.is_empty());
        store.settle(0, noon);
        assert_eq!(store.release_due(noon), vec!["a".to_string()]);
        // The cursor given before the embargo passed the record's offset: its mark
        // still gets the version.
        assert_eq!(after(&store.public_log, Some(&before)).0, [("a".into(), 1)]);
        assert_eq!(store.visible_latest("a", false, noon).unwrap().version, 1);
    }

    #[test]
    fn a_kill_before_release_stays_with_those_who_had_the_story() {
        let mut store = ItemStore::new();
        let t0 = at("2024-11-28T10:00:00Z");
        let later = at("2024-11-28T13:00:00Z");
        store.start_partition(0, 0);
        let embargo = Some("2024-11-28T12:00:00Z");
        store.insert(item("a", 1, Status::Usable, embargo, 0));
        store.insert(item("a", 2, Status::Canceled, embargo, 1));
        store.settle(0, later);
        assert_eq!(store.visible_latest("a", true, t0).unwrap().version, 2);
        // Killed before its embargo: the public never had it, so it never learns of it.
        assert!(store.visible_latest("a", false, later).is_none());
        store.release_due(later);
        assert!(store.visible_latest("a", false, later).is_none());
        assert!(after(&store.public_log, None).0.is_empty());
        // Killed after release: the kill is what the public sees, after the version.
        store.insert(item("b", 1, Status::Usable, None, 2));
        store.insert(item("b", 2, Status::Canceled, None, 3));
        assert_eq!(store.visible_latest("b", false, later).unwrap().version, 2);
        assert_eq!(
            after(&store.public_log, None).0,
            [("b".into(), 1), ("b".into(), 2)]
        );
        assert_eq!(
            after(&store.trusted_log, None).0,
            [
                ("a".into(), 1),
                ("a".into(), 2),
                ("b".into(), 1),
                ("b".into(), 2)
            ]
        );
    }

    /// The replay after a restart reads v1 (embargo long past) before the kill that
    /// followed it: until the partition is settled, v1 must not look released.
    #[test]
    fn a_replay_never_releases_what_a_later_record_killed() {
        let mut store = ItemStore::new();
        let now = at("2024-11-29T10:00:00Z");
        store.start_partition(0, 0);
        store.insert(item(
            "a",
            1,
            Status::Usable,
            Some("2024-11-28T12:00:00Z"),
            0,
        ));
        assert!(
            store.visible_latest("a", false, now).is_none(),
            "not settled: not visible"
        );
        assert!(store.release_due(now).is_empty());
        store.insert(item("a", 2, Status::Canceled, None, 1));
        store.settle(0, now);
        store.release_due(now);
        assert!(store.visible_latest("a", false, now).is_none());
        assert!(after(&store.public_log, None).0.is_empty());
    }

    /// A record read again (a producer's retry) is no change; the public log waits
    /// for every partition to be settled; unreadable records are passed.
    #[test]
    fn redelivery_changes_nothing_and_the_log_waits_for_every_partition() {
        let mut store = ItemStore::new();
        let t0 = at("2024-11-28T10:30:00Z");
        store.start_partition(0, 0);
        store.start_partition(1, 0);
        store.settle(0, t0);
        assert!(store.insert(item("a", 1, Status::Usable, None, 0)));
        assert!(!store.insert(item("a", 1, Status::Usable, None, 1)));
        store.skip(0, 2);
        assert!(
            after(&store.public_log, None).0.is_empty(),
            "partition 1 unsettled"
        );
        store.settle(1, t0);
        let (changes, next) = after(&store.public_log, None);
        assert_eq!(changes, [("a".into(), 1)]);
        assert_eq!(next.next, [3, 0]);
        assert!(after(&store.public_log, Some(&next)).0.is_empty());
        assert_eq!(after(&store.trusted_log, None).0, [("a".into(), 1)]);
    }
}
