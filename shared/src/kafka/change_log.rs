//! The change log behind every pull cursor (`/v1/items`, `/newsml/items`): every change
//! a subscriber may receive, with the Kafka position of the record it came from, and
//! cursors that are positions in the topic rather than in a process.
//!
//! A cursor is, per partition, the next offset not yet accounted for, and an embargo
//! mark — `(instant, partition, offset)` — up to which changes held for their embargo
//! were accounted for. A change at offset `o` of partition `p`, held until `E` (if it
//! was held), was seen under a cursor `(next, mark)` exactly when `o < next[p]` and, if
//! held, `(E, p, o) ≤ mark`. Every replica reads every partition of the same topic and
//! decides by the same rules which records are changes and which are held, so a cursor
//! means the same on any replica and after a restart; a replica answers
//! [`Since::Gone`] only when it no longer holds what comes after the cursor (offsets
//! the topic deleted before the replica read them, or more than [`RETAINED`] changes
//! ago). A replica whose releases lag a cursor's mark (it still holds a change the
//! cursor's mark has passed) answers only up to that change's offset, and catches up.
//!
//! What the log needs from its feeder, so that a cursor means the same everywhere:
//! - per partition, records are given in offset order, and [`ChangeLog::consumed`]
//!   (or [`ChangeLog::record`] / [`ChangeLog::hold`]) moves past a record only once
//!   its fate is decided: it is a change now, a held change, or nothing;
//! - a held change enters the log ([`ChangeLog::release_due`]) only when every record
//!   that could decide it has been read, and `release_due(until)` is called only once
//!   every held change with an instant up to `until`, in every partition, was given:
//!   the mark a page ends on is that instant.
//!
//! The module is pure: no Kafka client, positions are plain partition and offset
//! numbers, instants plain UTC times; what a change carries (`T`) is the caller's.

use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, VecDeque};
use tokio::sync::watch;

/// Changes kept for polling subscribers; older cursors must resync.
pub const RETAINED: usize = 100_000;

/// Where a change was read: its record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct At {
    pub partition: i32,
    pub offset: i64,
    /// The record's timestamp, in microseconds since 1970: orders changes of different
    /// partitions the same way on every replica.
    pub written: i64,
}

/// `(instant in µs since 1970, partition, offset)` of a change held until that instant.
pub type Mark = (i64, i32, i64);

#[derive(Debug, Clone)]
pub struct Change<T> {
    /// What the caller logged.
    pub item: T,
    pub at: At,
    /// For a change held until an instant, its mark: whichever replica held it or
    /// (reading it later) took it at once, a cursor has seen it only if this mark is at
    /// or before the cursor's.
    pub held: Option<Mark>,
}

/// Why a cursor's text is not a cursor: the caller names the parameter it came in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadCursor {
    #[error("not a cursor: expected k1.{{offsets joined by _}}.{{mark}}")]
    Shape,
    #[error("offset {0:?} is not a non-negative integer")]
    Offset(String),
    #[error("mark {0:?} is not µs or µs-partition-offset")]
    Mark(String),
    #[error("more than 10000 partitions")]
    TooManyPartitions,
}

/// A position in the topic, as subscribers pass it back (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    /// Per partition, the first offset not yet accounted for.
    pub next: Vec<i64>,
    /// Held changes up to this mark were accounted for.
    pub mark: Mark,
}

/// The `(partition, offset)` of a mark that stands for a whole instant.
const WHOLE: (i32, i64) = (i32::MAX, i64::MAX);

impl Cursor {
    fn next_of(&self, partition: i32) -> i64 {
        usize::try_from(partition)
            .ok()
            .and_then(|p| self.next.get(p))
            .copied()
            .unwrap_or(0)
    }

    /// Whether this cursor accounts for `c`.
    pub fn covers<T>(&self, c: &Change<T>) -> bool {
        c.at.offset < self.next_of(c.at.partition) && c.held.is_none_or(|m| m <= self.mark)
    }

    /// As subscribers see it: `k1.{next offsets joined by _}.{mark}`, the mark as
    /// `{µs}` for a whole instant or `{µs}-{partition}-{offset}`.
    pub fn text(&self) -> String {
        let next: Vec<String> = self.next.iter().map(|o| o.to_string()).collect();
        let mark = if (self.mark.1, self.mark.2) == WHOLE {
            self.mark.0.to_string()
        } else {
            format!("{}-{}-{}", self.mark.0, self.mark.1, self.mark.2)
        };
        format!("k1.{}.{mark}", next.join("_"))
    }

    /// Reads what [`Cursor::text`] writes; anything else is a [`BadCursor`].
    pub fn parse(text: &str) -> Result<Self, BadCursor> {
        let rest = text.strip_prefix("k1.").ok_or(BadCursor::Shape)?;
        let (next, mark) = rest.rsplit_once('.').ok_or(BadCursor::Shape)?;
        if next.split('_').count() > 10_000 {
            return Err(BadCursor::TooManyPartitions);
        }
        let next = next
            .split('_')
            .map(|o| {
                o.parse::<i64>()
                    .ok()
                    .filter(|o| *o >= 0)
                    .ok_or_else(|| BadCursor::Offset(o.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let bad = || BadCursor::Mark(mark.to_string());
        let parts: Vec<&str> = mark.split('-').collect();
        let mark = match parts[..] {
            [us] => (us.parse().map_err(|_| bad())?, WHOLE.0, WHOLE.1),
            [us, p, o] => (
                us.parse().map_err(|_| bad())?,
                p.parse().map_err(|_| bad())?,
                o.parse().map_err(|_| bad())?,
            ),
            _ => return Err(bad()),
        };
        Ok(Cursor { next, mark })
    }
}

/// What a poll after a cursor finds.
pub enum Since<T> {
    Changes {
        /// Each change with the cursor just after it.
        changes: Vec<(Change<T>, Cursor)>,
        /// Pass back to get what comes after.
        next: Cursor,
    },
    /// The log no longer holds what comes after the cursor.
    Gone,
}

#[derive(Debug)]
pub struct ChangeLog<T> {
    /// Per partition, its changes by offset.
    partitions: Vec<VecDeque<Change<T>>>,
    /// The held changes, by mark.
    held: BTreeMap<Mark, Change<T>>,
    /// Per partition, the first offset from which every change is here.
    floor: Vec<i64>,
    /// Per partition, the first offset whose fate is not decided yet.
    consumed: Vec<i64>,
    /// Every held change with an instant up to this one (µs) is in the log, or was
    /// decided not to be a change.
    watermark: i64,
    /// The highest mark of a held change dropped from the log.
    lost: Option<Mark>,
    /// Held changes waiting for their instant, with it (µs).
    pending: Vec<(T, At, i64)>,
    len: usize,
    generation: watch::Sender<u64>,
}

impl<T> Default for ChangeLog<T> {
    fn default() -> Self {
        Self {
            partitions: Vec::new(),
            held: BTreeMap::new(),
            floor: Vec::new(),
            consumed: Vec::new(),
            watermark: 0,
            lost: None,
            pending: Vec::new(),
            len: 0,
            generation: watch::channel(0).0,
        }
    }
}

fn micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

impl<T: Clone> ChangeLog<T> {
    fn grow(&mut self, partition: i32) -> usize {
        let p = usize::try_from(partition).unwrap_or(0);
        if self.partitions.len() <= p {
            self.partitions.resize_with(p + 1, VecDeque::new);
            self.floor.resize(p + 1, 0);
            self.consumed.resize(p + 1, 0);
        }
        p
    }

    /// Reading of `partition` starts at `offset`: what came before is not here.
    pub fn start_partition(&mut self, partition: i32, offset: i64) {
        let p = self.grow(partition);
        self.floor[p] = self.floor[p].max(offset);
        self.consumed[p] = self.consumed[p].max(offset);
    }

    /// The fate of every record of `partition` before `next` is decided (and recorded
    /// if it was a change).
    pub fn consumed(&mut self, partition: i32, next: i64) {
        let p = self.grow(partition);
        if next > self.consumed[p] {
            self.consumed[p] = next;
            self.generation.send_modify(|g| *g += 1);
        }
    }

    /// A position for a change logged without Kafka (tests, `newswire render`): the
    /// next offset of partition 0.
    pub fn synthetic(&mut self, now: DateTime<Utc>) -> At {
        self.grow(0);
        At {
            partition: 0,
            offset: self.consumed[0],
            written: micros(now),
        }
    }

    /// Logs a change now. `embargo`: the instant it was (or would have been) held
    /// until — its mark, so a cursor counts it the same on a replica that held it.
    pub fn record(&mut self, item: T, at: At, embargo: Option<DateTime<Utc>>) {
        self.insert(item, at, embargo.map(micros));
        self.consumed(at.partition, at.offset + 1);
    }

    fn insert(&mut self, item: T, at: At, embargo: Option<i64>) {
        let change = Change {
            held: embargo.map(|e| (e, at.partition, at.offset)),
            item,
            at,
        };
        let p = self.grow(change.at.partition);
        let list = &mut self.partitions[p];
        let i = list.partition_point(|c| c.at.offset < change.at.offset);
        if let Some(mark) = change.held {
            self.held.insert(mark, change.clone());
        }
        list.insert(i, change);
        self.len += 1;
        while self.len > RETAINED {
            let longest = (0..self.partitions.len())
                .max_by_key(|p| self.partitions[*p].len())
                .expect("a change is kept somewhere");
            let Some(dropped) = self.partitions[longest].pop_front() else {
                break;
            };
            self.len -= 1;
            self.floor[longest] = self.floor[longest].max(dropped.at.offset + 1);
            if let Some(mark) = dropped.held {
                self.held.remove(&mark);
                self.lost = self.lost.max(Some(mark));
            }
        }
        self.generation.send_modify(|g| *g += 1);
    }

    /// A change that may enter the log at `until`, if it is still one then
    /// ([`ChangeLog::release_due`]); the log moves past its record now.
    pub fn hold(&mut self, item: T, at: At, until: DateTime<Utc>) {
        self.pending.push((item, at, micros(until)));
        self.consumed(at.partition, at.offset + 1);
    }

    /// Moves held changes whose instant is at or before `until` into the log, those
    /// `still_a_change` accepts (a later version may have superseded one). Afterwards
    /// every held change up to `until` is accounted for, which cursors rely on: call it
    /// only once nothing held up to `until` is still to be given.
    pub fn release_due(&mut self, until: DateTime<Utc>, still_a_change: impl Fn(&T) -> bool) {
        let until_us = micros(until);
        if self.pending.iter().any(|(_, _, e)| *e <= until_us) {
            let (due, waiting): (Vec<_>, Vec<_>) = std::mem::take(&mut self.pending)
                .into_iter()
                .partition(|(_, _, e)| *e <= until_us);
            self.pending = waiting;
            for (item, at, e) in due.into_iter().filter(|(t, _, _)| still_a_change(t)) {
                self.insert(item, at, Some(e));
            }
        }
        if until_us > self.watermark {
            self.watermark = until_us;
            self.generation.send_modify(|g| *g += 1);
        }
    }

    /// The cursor before everything the log holds: `since=0`.
    pub fn start(&self) -> Cursor {
        Cursor {
            next: self.floor.clone(),
            mark: (0, WHOLE.0, WHOLE.1),
        }
    }

    /// The cursor after everything the log holds now: a stream that starts at the
    /// present.
    pub fn end(&self) -> Cursor {
        Cursor {
            next: self.consumed.clone(),
            mark: (self.watermark, WHOLE.0, WHOLE.1),
        }
    }

    /// `since` as a cursor: `0` (or empty) is the start.
    pub fn parse_cursor(&self, text: &str) -> Result<Cursor, BadCursor> {
        if text.is_empty() || text == "0" {
            return Ok(self.start());
        }
        Cursor::parse(text)
    }

    /// Whether the log still holds everything after `cursor`.
    pub fn holds(&self, cursor: &Cursor) -> bool {
        let offsets = self
            .floor
            .iter()
            .enumerate()
            .all(|(p, floor)| cursor.next_of(p as i32) >= *floor);
        offsets && self.lost.is_none_or(|lost| cursor.mark >= lost)
    }

    /// Up to `limit` changes `keep` accepts after `cursor`: first changes released
    /// from their hold since the cursor's mark (by instant), then what was decided
    /// after the cursor's offsets, partitions merged by record time. Changes `keep`
    /// refuses are passed over, and the cursors move past them.
    pub fn after(&self, cursor: &Cursor, limit: usize, keep: impl Fn(&T) -> bool) -> Since<T> {
        if !self.holds(cursor) {
            return Since::Gone;
        }
        let mut changes = Vec::new();
        let mut running = cursor.clone();
        // A change `keep` accepts goes in with the cursor just past it; true when that
        // filled the page.
        let take = |changes: &mut Vec<_>, c: &Change<T>, running: &Cursor| {
            keep(&c.item) && {
                changes.push((c.clone(), running.clone()));
                changes.len() >= limit
            }
        };
        // Held changes released after the cursor's mark at offsets it had passed.
        for (mark, c) in self.held.range((
            std::ops::Bound::Excluded(cursor.mark),
            std::ops::Bound::Unbounded,
        )) {
            if c.at.offset >= cursor.next_of(c.at.partition) {
                continue;
            }
            running.mark = *mark;
            if take(&mut changes, c, &running) {
                return Since::Changes {
                    changes,
                    next: running,
                };
            }
        }
        running.mark = running.mark.max((self.watermark, WHOLE.0, WHOLE.1));
        if running.next.len() < self.partitions.len() {
            running.next.resize(self.partitions.len(), 0);
        }
        // A cursor from a replica further on with its holds: changes this one still
        // holds, at or before the cursor's mark, must not be passed by offset, or the
        // cursor would count them as seen. Per partition, the offsets go no further.
        let mut stop = self.consumed.clone();
        if cursor.mark > (self.watermark, WHOLE.0, WHOLE.1) {
            for (_, at, e) in &self.pending {
                if (*e, at.partition, at.offset) <= cursor.mark {
                    let p = usize::try_from(at.partition).unwrap_or(0);
                    stop[p] = stop[p].min(at.offset);
                }
            }
        }
        // Then everything decided after the cursor's offsets, oldest record first.
        let mut heads: Vec<usize> = (0..self.partitions.len())
            .map(|p| {
                let from = cursor.next_of(p as i32);
                self.partitions[p].partition_point(|c| c.at.offset < from)
            })
            .collect();
        loop {
            let next = (0..self.partitions.len())
                .filter_map(|p| {
                    let c = self.partitions[p].get(heads[p])?;
                    (c.at.offset < stop[p]).then_some((c.at.written, p))
                })
                .min();
            let Some((_, p)) = next else {
                break;
            };
            let c = &self.partitions[p][heads[p]];
            heads[p] += 1;
            running.next[p] = running.next[p].max(c.at.offset + 1);
            if take(&mut changes, c, &running) {
                return Since::Changes {
                    changes,
                    next: running,
                };
            }
        }
        for (p, decided) in stop.iter().enumerate() {
            running.next[p] = running.next[p].max(*decided);
        }
        Since::Changes {
            changes,
            next: running,
        }
    }

    /// Nothing logged yet.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Wakes when the log grows or moves on.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.generation.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    fn instant(us: i64) -> DateTime<Utc> {
        DateTime::from_timestamp_micros(us).expect("an instant")
    }

    fn at(partition: i32, offset: i64, written: i64) -> At {
        At {
            partition,
            offset,
            written,
        }
    }

    /// A log of two partitions that read `records` (item, position, embargo) in order:
    /// an embargoed one held, the others recorded.
    fn replica(records: &[(&'static str, At, Option<DateTime<Utc>>)]) -> ChangeLog<&'static str> {
        let mut log = ChangeLog::default();
        for p in 0..2 {
            log.start_partition(p, 0);
        }
        for &(item, pos, e) in records {
            match e {
                Some(e) => log.hold(item, pos, e),
                None => log.record(item, pos, None),
            }
        }
        log
    }

    fn ids(since: &Since<&'static str>) -> Vec<&'static str> {
        match since {
            Since::Changes { changes, .. } => changes.iter().map(|(c, _)| c.item).collect(),
            Since::Gone => vec!["GONE"],
        }
    }

    /// Two replicas that read the same records at different moments agree on what a
    /// cursor from either one has seen: nothing missed, nothing twice.
    #[test]
    fn a_cursor_means_the_same_on_a_replica_that_read_at_another_pace() {
        let embargo = 10_000_000;
        // (item, position, embargo)
        let records = [
            ("a", at(0, 0, 1), None),
            ("e", at(1, 0, 2), Some(instant(embargo))),
            ("b", at(1, 1, 3), None),
            ("c", at(0, 1, 4), None),
        ];
        // Replica A reads everything before the embargo passes.
        let mut a = replica(&records);
        a.release_due(instant(5), |_| true);
        let first = a.after(&a.start(), 2, |_| true);
        assert_eq!(ids(&first), ["a", "b"]);
        let Since::Changes { next, .. } = first else {
            unreachable!()
        };
        // Replica B reads the same records after the embargo passed: held, and released
        // at once.
        let mut b = replica(&records);
        b.release_due(instant(embargo), |_| true);
        let text = next.text();
        let on_b = b.after(&b.parse_cursor(&text).unwrap(), 10, |_| true);
        assert_eq!(ids(&on_b), ["e", "c"], "cursor {text} on B");
        // A releases the embargo later: the rest of A's log is the same as B's.
        a.release_due(instant(embargo), |_| true);
        let on_a = a.after(&a.parse_cursor(&text).unwrap(), 10, |_| true);
        assert_eq!(ids(&on_a), ["e", "c"], "cursor {text} on A");
        // And a cursor after everything on A has nothing to add on B.
        let Since::Changes { next, .. } = on_a else {
            unreachable!()
        };
        assert_eq!(ids(&b.after(&next, 10, |_| true)), Vec::<&str>::new());
    }

    #[test]
    fn positions_the_log_no_longer_holds_are_gone_and_cursors_round_trip() {
        let mut log = ChangeLog::default();
        log.start_partition(0, 50);
        log.record("a", at(0, 50, 1), None);
        let old = Cursor {
            next: vec![10],
            mark: (0, WHOLE.0, WHOLE.1),
        };
        assert!(matches!(log.after(&old, 10, |_| true), Since::Gone));
        assert_eq!(
            ids(&log.after(&log.parse_cursor("0").unwrap(), 10, |_| true)),
            ["a"]
        );
        for c in [
            log.end(),
            Cursor {
                next: vec![3, 0, 17],
                mark: (1_732_000_000_000_000, 2, 9),
            },
        ] {
            assert_eq!(Cursor::parse(&c.text()), Ok(c.clone()), "{}", c.text());
        }
        for bad in [
            "",
            "17",
            "k1.",
            "k1.x.0",
            "k1.1_-2.0",
            "k1.1.0-1",
            "ffff-12",
        ] {
            assert!(Cursor::parse(bad).is_err(), "{bad}");
        }
    }

    /// A version of a story, as the model logs it.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    struct Version {
        story: u8,
        version: u32,
        /// Its embargo (µs), when one was still ahead as it was written.
        held_until: Option<i64>,
    }

    /// One record of the topic: a version, where it was written and when.
    #[derive(Debug, Clone, Copy)]
    struct Record {
        version: Version,
        at: At,
    }

    const PARTITIONS: i32 = 3;

    /// Builds the topic: each story lives in one partition, versions in order, record
    /// times strictly increasing; an embargo is some time after its version's record.
    fn topic(specs: &[(u8, Option<u16>, u16)]) -> Vec<Record> {
        let mut next_offset = [0i64; PARTITIONS as usize];
        let mut versions: HashMap<u8, u32> = HashMap::new();
        let mut written = 1_000;
        specs
            .iter()
            .map(|&(story, embargo_after, gap)| {
                written += i64::from(gap) + 1;
                let partition = i32::from(story) % PARTITIONS;
                let offset = &mut next_offset[partition as usize];
                let version = versions.entry(story).or_default();
                *version += 1;
                let r = Record {
                    version: Version {
                        story,
                        version: *version,
                        held_until: embargo_after.map(|e| written + i64::from(e) + 1),
                    },
                    at: at(partition, *offset, written),
                };
                *offset += 1;
                r
            })
            .collect()
    }

    /// Whether `v` is a change at all: a held version stops being one if a later
    /// version of its story was written before its embargo passed.
    fn is_change(topic: &[Record], v: &Version) -> bool {
        v.held_until.is_none_or(|until| {
            !topic.iter().any(|r| {
                r.version.story == v.story && r.version.version > v.version && r.at.written < until
            })
        })
    }

    /// A replica: the log fed by the rules of the module docs, having read every record
    /// written up to `read_to` (µs) — with held versions decided as of then.
    struct Replica {
        log: ChangeLog<Version>,
        read: usize,
        read_to: i64,
    }

    impl Replica {
        fn new() -> Self {
            let mut log = ChangeLog::default();
            for p in 0..PARTITIONS {
                log.start_partition(p, 0);
            }
            Self {
                log,
                read: 0,
                read_to: 0,
            }
        }

        fn read_until(&mut self, topic: &[Record], until: i64) {
            while let Some(r) = topic.get(self.read).filter(|r| r.at.written <= until) {
                match r.version.held_until {
                    Some(e) => self.log.hold(r.version, r.at, instant(e)),
                    None => self.log.record(r.version, r.at, None),
                }
                self.read += 1;
            }
            self.read_to = self.read_to.max(until);
            // Everything written up to `read_to` is read: held versions due by then are
            // decided on what the replica has read.
            let known = &topic[..self.read];
            self.log
                .release_due(instant(self.read_to), |v| is_change(known, v));
        }
    }

    #[derive(Debug, Clone)]
    enum Step {
        /// Replica `0` or `1` reads on by this many µs.
        Read(usize, u16),
        /// The subscriber polls replica `0` or `1` for at most this many changes.
        Poll(usize, usize),
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            (0..2usize, 0..400u16).prop_map(|(r, dt)| Step::Read(r, dt)),
            (0..2usize, 1..5usize).prop_map(|(r, l)| Step::Poll(r, l)),
        ]
    }

    /// Pages `replica` from `cursor` to its end with random limits.
    fn drain(
        log: &ChangeLog<Version>,
        mut cursor: Cursor,
        limits: &[usize],
    ) -> (Vec<Version>, Vec<Cursor>) {
        let mut seen = Vec::new();
        let mut cursors = Vec::new();
        for i in 0.. {
            let limit = limits[i % limits.len()];
            let Since::Changes { changes, next } = log.after(&cursor, limit, |_| true) else {
                panic!("a caught-up replica holds every position");
            };
            let empty = changes.is_empty();
            seen.extend(changes.into_iter().map(|(c, _)| c.item));
            cursor = next;
            cursors.push(cursor.clone());
            if empty {
                break;
            }
        }
        (seen, cursors)
    }

    fn assert_once_in_order(delivered: &[Version]) {
        let mut last: HashMap<u8, u32> = HashMap::new();
        for v in delivered {
            let before = last.insert(v.story, v.version);
            assert!(
                before.is_none_or(|b| b < v.version),
                "story {} version {} after version {before:?}: {delivered:?}",
                v.story,
                v.version
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

        /// Two replicas read the topic at their own pace; one subscriber polls either
        /// one with random limits, passing each answer's cursor (as text) to the next
        /// poll. It gets every change exactly once, in order per story, never a held
        /// one before its instant — and paging from any cursor it was given, on a
        /// replica that has read everything, yields exactly the changes after it.
        #[test]
        fn every_change_once_in_order_on_any_replica_from_any_cursor(
            specs in prop::collection::vec((0..6u8, prop::option::weighted(0.4, 0..600u16), 0..200u16), 1..40),
            steps in prop::collection::vec(step(), 1..60),
            limits in prop::collection::vec(1..6usize, 1..5),
        ) {
            let topic = topic(&specs);
            let end = topic.iter().map(|r| r.at.written.max(r.version.held_until.unwrap_or(0))).max().unwrap() + 1;
            let expected: Vec<Version> = topic.iter().map(|r| r.version).filter(|v| is_change(&topic, v)).collect();
            let mut replicas = [Replica::new(), Replica::new()];
            let mut delivered: Vec<Version> = Vec::new();
            // Every cursor given out, with how much the subscriber had then.
            let mut given: Vec<(String, usize)> = vec![("0".into(), 0)];
            let mut cursor = "0".to_string();
            for s in steps {
                match s {
                    Step::Read(r, dt) => {
                        let to = replicas[r].read_to + i64::from(dt);
                        replicas[r].read_until(&topic, to.min(end));
                    }
                    Step::Poll(r, limit) => {
                        let log = &replicas[r].log;
                        let since = log.parse_cursor(&cursor).unwrap();
                        let Since::Changes { changes, next } = log.after(&since, limit, |_| true) else {
                            panic!("cursor {cursor} gone on replica {r}");
                        };
                        prop_assert!(changes.len() <= limit);
                        for (c, _) in &changes {
                            if let Some(e) = c.item.held_until {
                                prop_assert!(e <= replicas[r].read_to, "{:?} before its instant", c.item);
                            }
                        }
                        delivered.extend(changes.iter().map(|(c, _)| c.item));
                        cursor = next.text();
                        given.push((cursor.clone(), delivered.len()));
                    }
                }
            }
            // Both replicas read everything; the subscriber pages to the end.
            for r in &mut replicas {
                r.read_until(&topic, end);
            }
            let (rest, _) = drain(&replicas[0].log, replicas[0].log.parse_cursor(&cursor).unwrap(), &limits);
            delivered.extend(rest);
            assert_once_in_order(&delivered);
            let mut got = delivered.clone();
            let mut want = expected.clone();
            got.sort_by_key(|v| (v.story, v.version));
            want.sort_by_key(|v| (v.story, v.version));
            prop_assert_eq!(got, want, "every change exactly once");
            // From any cursor given out, on either replica: exactly what followed it.
            for (text, had) in &given {
                for r in &replicas {
                    let (rest, cursors) = drain(&r.log, r.log.parse_cursor(text).unwrap(), &limits);
                    let mut whole = delivered[..*had].to_vec();
                    whole.extend(rest.iter().copied());
                    assert_once_in_order(&whole);
                    let mut got = whole;
                    got.sort_by_key(|v| (v.story, v.version));
                    let mut want = expected.clone();
                    want.sort_by_key(|v| (v.story, v.version));
                    prop_assert_eq!(got, want, "from {}", text);
                    // The cursor after the end has nothing more.
                    let last = cursors.last().unwrap();
                    prop_assert!(ids_of(&r.log.after(last, 10, |_| true)).is_empty());
                }
            }
        }
    }

    fn ids_of(since: &Since<Version>) -> Vec<Version> {
        match since {
            Since::Changes { changes, .. } => changes.iter().map(|(c, _)| c.item).collect(),
            Since::Gone => panic!("gone"),
        }
    }
}
