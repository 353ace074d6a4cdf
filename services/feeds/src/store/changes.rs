//! The change log behind `GET /v1/items` and its event stream: every change
//! subscribers may see — a new story, a new version, a kill — with the Kafka position
//! of the `articles.enriched` record it came from. An embargoed version enters the log
//! at its embargo's instant, not on arrival.
//!
//! A cursor is a position in Kafka, not in this process: per partition the next offset
//! not yet accounted for, and an embargo mark — `(instant, partition, offset)` — up to
//! which versions held for their embargo were accounted for. A change at offset `o` of
//! partition `p`, held until `E` (if it was embargoed), was seen under a cursor
//! `(next, mark)` exactly when `o < next[p]` and, if held, `(E, p, o) ≤ mark`. Every
//! replica reads every partition of the same topic and decides visibility by the same
//! rules, so a cursor means the same on any replica and after a restart; a replica
//! answers 410 only when it no longer holds what comes after the cursor (offsets the
//! topic deleted, or more than [`RETAINED`] changes ago).

use chrono::{DateTime, Utc};
use newswire_shared::Article;
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use tokio::sync::watch;

/// Changes kept for polling subscribers; older cursors must resync from the feeds.
pub const RETAINED: usize = 100_000;

/// Where a version was read: its `articles.enriched` record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct At {
    pub partition: i32,
    pub offset: i64,
    /// The record's timestamp, in microseconds since 1970: orders changes of different
    /// partitions the same way on every replica.
    pub written: i64,
}

/// `(embargo instant in µs, partition, offset)` of a version that was held.
pub type Mark = (i64, i32, i64);

#[derive(Debug, Clone)]
pub struct Change {
    pub article: Arc<Article>,
    pub at: At,
    /// For a version with an embargo, its mark: whichever replica held it until the
    /// embargo or (reading it later) took it at once, a cursor has seen it only if its
    /// mark is at or before the cursor's.
    pub held: Option<Mark>,
}

/// A position in the topic, as subscribers pass it back (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    /// Per partition, the first offset not yet accounted for.
    pub next: Vec<i64>,
    /// Held versions up to this mark were accounted for.
    pub mark: Mark,
}

const WHOLE: (i32, i64) = (i32::MAX, i64::MAX);

impl Cursor {
    fn next_of(&self, partition: i32) -> i64 {
        self.next.get(partition as usize).copied().unwrap_or(0)
    }

    /// Whether this cursor accounts for `c`.
    pub fn covers(&self, c: &Change) -> bool {
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

    /// `None` for anything [`Cursor::text`] does not write.
    pub fn parse(text: &str) -> Option<Self> {
        let rest = text.strip_prefix("k1.")?;
        let (next, mark) = rest.rsplit_once('.')?;
        let next = next
            .split('_')
            .map(|o| o.parse::<i64>().ok().filter(|o| *o >= 0))
            .collect::<Option<Vec<_>>>()?;
        if next.len() > 10_000 {
            return None;
        }
        let parts: Vec<&str> = mark.split('-').collect();
        let mark = match parts[..] {
            [us] => (us.parse().ok()?, WHOLE.0, WHOLE.1),
            [us, p, o] => (us.parse().ok()?, p.parse().ok()?, o.parse().ok()?),
            _ => return None,
        };
        Some(Cursor { next, mark })
    }
}

#[derive(Debug)]
pub struct ChangeLog {
    /// Per partition, its changes by offset.
    partitions: Vec<VecDeque<Change>>,
    /// The changes of versions with an embargo, by mark.
    held: BTreeMap<Mark, Change>,
    /// Per partition, the first offset from which every change is here.
    floor: Vec<i64>,
    /// Per partition, the next offset to be read.
    consumed: Vec<i64>,
    /// Every version read whose embargo passed by this instant (µs) is in the log, or
    /// was superseded before it.
    watermark: i64,
    /// The highest mark of a held change dropped from the log.
    lost: Option<Mark>,
    /// Embargoed versions waiting for their instant.
    pending: Vec<(Arc<Article>, At)>,
    len: usize,
    generation: watch::Sender<u64>,
}

impl Default for ChangeLog {
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

/// What a poll after a cursor finds.
pub enum Since {
    Changes {
        /// Each change with the cursor just after it.
        changes: Vec<(Change, Cursor)>,
        /// Pass back to get what comes after.
        next: Cursor,
    },
    /// The log no longer holds what comes after the cursor.
    Gone,
}

fn micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

impl ChangeLog {
    fn grow(&mut self, partition: i32) -> usize {
        let p = partition.max(0) as usize;
        if self.partitions.len() <= p {
            self.partitions.resize_with(p + 1, VecDeque::new);
            self.floor.resize(p + 1, 0);
            self.consumed.resize(p + 1, 0);
        }
        p
    }

    /// The consumer starts reading `partition` at `offset`: what came before is not here.
    pub fn start_partition(&mut self, partition: i32, offset: i64) {
        let p = self.grow(partition);
        self.floor[p] = self.floor[p].max(offset);
        self.consumed[p] = self.consumed[p].max(offset);
    }

    /// Everything of `partition` before `next` has been read (and recorded if it was a
    /// change).
    pub fn consumed(&mut self, partition: i32, next: i64) {
        let p = self.grow(partition);
        if next > self.consumed[p] {
            self.consumed[p] = next;
            self.generation.send_modify(|g| *g += 1);
        }
    }

    /// A position for a version applied without Kafka (tests, `newswire render`):
    /// the next offset of partition 0.
    pub fn synthetic(&mut self, now: DateTime<Utc>) -> At {
        self.grow(0);
        At {
            partition: 0,
            offset: self.consumed[0],
            written: micros(now),
        }
    }

    pub fn record(&mut self, article: Arc<Article>, at: At) {
        self.insert(article, at);
        self.consumed(at.partition, at.offset + 1);
    }

    fn insert(&mut self, article: Arc<Article>, at: At) {
        let change = Change {
            held: article
                .embargo_until
                .map(|t| (micros(t), at.partition, at.offset)),
            article,
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

    pub fn hold_until_embargo(&mut self, article: Arc<Article>, at: At) {
        self.pending.push((article, at));
        self.consumed(at.partition, at.offset + 1);
    }

    /// Moves versions whose embargo has passed by `now` into the log; `still_current`
    /// says whether a version is still the story's latest (a later edit or kill
    /// supersedes it). Afterwards every version read with an embargo up to `now` is
    /// accounted for, which cursors rely on.
    pub fn release_due(&mut self, now: DateTime<Utc>, still_current: impl Fn(&Article) -> bool) {
        let now_us = micros(now);
        if self
            .pending
            .iter()
            .any(|(a, _)| a.embargo_until.is_none_or(|t| micros(t) <= now_us))
        {
            let (due, waiting): (Vec<_>, Vec<_>) = std::mem::take(&mut self.pending)
                .into_iter()
                .partition(|(a, _)| a.embargo_until.is_none_or(|t| micros(t) <= now_us));
            self.pending = waiting;
            for (article, at) in due.into_iter().filter(|(a, _)| still_current(a)) {
                self.insert(article, at);
            }
        }
        self.watermark = self.watermark.max(now_us);
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
    pub fn parse_cursor(&self, text: &str) -> Option<Cursor> {
        if text.is_empty() || text == "0" {
            return Some(self.start());
        }
        Cursor::parse(text)
    }

    /// Whether the log still holds everything after `cursor`.
    pub fn holds(&self, cursor: &Cursor) -> bool {
        let offsets = (0..self.floor.len()).all(|p| cursor.next_of(p as i32) >= self.floor[p]);
        offsets && self.lost.is_none_or(|lost| cursor.mark >= lost)
    }

    /// Up to `limit` changes `keep` accepts after `cursor`: first versions released from
    /// their embargo since the cursor's mark (by instant), then what was read after
    /// the cursor's offsets, partitions merged by record time. Changes `keep` refuses
    /// are passed over, and the cursors move past them.
    pub fn after(&self, cursor: &Cursor, limit: usize, keep: impl Fn(&Article) -> bool) -> Since {
        if !self.holds(cursor) {
            return Since::Gone;
        }
        let mut changes = Vec::new();
        let mut running = cursor.clone();
        // Held versions released after the cursor's mark at offsets it had passed.
        for (mark, c) in self.held.range((
            std::ops::Bound::Excluded(cursor.mark),
            std::ops::Bound::Unbounded,
        )) {
            if c.at.offset >= cursor.next_of(c.at.partition) {
                continue;
            }
            running.mark = *mark;
            if keep(&c.article) {
                changes.push((c.clone(), running.clone()));
                if changes.len() >= limit {
                    return Since::Changes {
                        changes,
                        next: running,
                    };
                }
            }
        }
        running.mark = running.mark.max((self.watermark, WHOLE.0, WHOLE.1));
        if running.next.len() < self.partitions.len() {
            running.next.resize(self.partitions.len(), 0);
        }
        // Then everything read after the cursor's offsets, oldest record first.
        let mut heads: Vec<usize> = (0..self.partitions.len())
            .map(|p| {
                let from = cursor.next_of(p as i32);
                self.partitions[p].partition_point(|c| c.at.offset < from)
            })
            .collect();
        loop {
            let next = (0..self.partitions.len())
                .filter_map(|p| self.partitions[p].get(heads[p]).map(|c| (c.at.written, p)))
                .min();
            let Some((_, p)) = next else {
                break;
            };
            let c = &self.partitions[p][heads[p]];
            heads[p] += 1;
            running.next[p] = running.next[p].max(c.at.offset + 1);
            if keep(&c.article) {
                changes.push((c.clone(), running.clone()));
                if changes.len() >= limit {
                    return Since::Changes {
                        changes,
                        next: running,
                    };
                }
            }
        }
        for (p, consumed) in self.consumed.iter().enumerate() {
            running.next[p] = running.next[p].max(*consumed);
        }
        Since::Changes {
            changes,
            next: running,
        }
    }

    /// Nothing recorded yet.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Wakes when the log grows or the consumer reads on.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.generation.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn story(id: &str, version: u64, embargo: Option<DateTime<Utc>>) -> Arc<Article> {
        let mut a: Article = serde_json::from_value(serde_json::json!({
            "id": id, "version": version, "status": "usable", "headline": id,
            "body": "<p>x</p>", "language": "en",
            "first_created": "2024-11-28T08:00:00Z", "version_created": "2024-11-28T09:00:00Z",
        }))
        .unwrap();
        a.embargo_until = embargo;
        Arc::new(a)
    }

    fn at(partition: i32, offset: i64, written: i64) -> At {
        At {
            partition,
            offset,
            written,
        }
    }

    fn ids(since: &Since) -> Vec<String> {
        match since {
            Since::Changes { changes, .. } => {
                changes.iter().map(|(c, _)| c.article.id.clone()).collect()
            }
            Since::Gone => vec!["GONE".into()],
        }
    }

    /// Two replicas that read the same records at different moments agree on what a
    /// cursor from either one has seen: nothing missed, nothing twice.
    #[test]
    fn a_cursor_means_the_same_on_a_replica_that_read_at_another_pace() {
        let t0 = Utc::now();
        let embargo = t0 + chrono::Duration::seconds(10);
        let records = [
            (story("a", 1, None), at(0, 0, 1)),
            (story("e", 1, Some(embargo)), at(1, 0, 2)),
            (story("b", 1, None), at(1, 1, 3)),
            (story("c", 1, None), at(0, 1, 4)),
        ];
        // Replica A reads everything before the embargo passes.
        let mut a = ChangeLog::default();
        for p in 0..2 {
            a.start_partition(p, 0);
        }
        for (article, pos) in &records {
            if article.embargo_until.is_some() {
                a.hold_until_embargo(article.clone(), *pos);
            } else {
                a.record(article.clone(), *pos);
            }
        }
        a.release_due(t0, |_| true);
        let first = a.after(&a.start(), 2, |_| true);
        assert_eq!(ids(&first), ["a", "b"]);
        let Since::Changes { next, .. } = first else {
            unreachable!()
        };
        // Replica B reads the same records after the embargo passed: the embargoed
        // story is recorded at once.
        let mut b = ChangeLog::default();
        for p in 0..2 {
            b.start_partition(p, 0);
        }
        b.release_due(embargo, |_| true);
        for (article, pos) in &records {
            b.record(article.clone(), *pos);
        }
        let text = next.text();
        let on_b = b.after(&b.parse_cursor(&text).unwrap(), 10, |_| true);
        assert_eq!(ids(&on_b), ["e", "c"], "cursor {text} on B");
        // A releases the embargo later: the rest of A's log is the same as B's.
        a.release_due(embargo, |_| true);
        let on_a = a.after(&a.parse_cursor(&text).unwrap(), 10, |_| true);
        assert_eq!(ids(&on_a), ["e", "c"], "cursor {text} on A");
        // And a cursor after everything on A has nothing to add on B.
        let Since::Changes { next, .. } = on_a else {
            unreachable!()
        };
        assert_eq!(ids(&b.after(&next, 10, |_| true)), Vec::<String>::new());
    }

    #[test]
    fn positions_the_topic_no_longer_holds_are_gone_and_cursors_round_trip() {
        let mut log = ChangeLog::default();
        log.start_partition(0, 50);
        log.record(story("a", 1, None), at(0, 50, 1));
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
            assert_eq!(Cursor::parse(&c.text()), Some(c.clone()), "{}", c.text());
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
            assert_eq!(Cursor::parse(bad), None, "{bad}");
        }
    }
}
