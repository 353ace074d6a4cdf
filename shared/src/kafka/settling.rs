//! How far a reader has settled each partition: the instant before which every record
//! of the partition has been read. Embargo releases need it — a version held until its
//! embargo may be released only once every record written before that instant has been
//! read, or a kill written just before the embargo would come after the story — and so
//! do cursors that must mean the same on every replica.
//!
//! The rule: every few milliseconds, take each partition's high watermark and the
//! instant it was taken; once the reader's position reaches a watermark, every record
//! written before its instant has been read, so the partition is settled up to that
//! instant (an empty partition, or a reader at the watermark, is settled up to now).
//! Snapshots are taken without waiting for the previous one to be reached, so a release
//! waits about one interval, not a round of them.

use crate::config::KafkaSettings;
use crate::kafka::reader_config;
use chrono::{DateTime, Utc};
use rdkafka::consumer::{BaseConsumer, Consumer};
use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

/// Settled instants per partition of one topic.
pub struct Settling {
    /// A client of its own: on the reader's connection a watermark request would queue
    /// behind the fetch the broker holds open (up to `fetch.wait.max.ms`).
    watermarks: BaseConsumer,
    topic: String,
    snapshots: HashMap<i32, VecDeque<(i64, DateTime<Utc>)>>,
    settled: HashMap<i32, DateTime<Utc>>,
    last: Instant,
}

impl Settling {
    /// How often watermarks are asked for (one small request per partition).
    pub const EVERY: Duration = Duration::from_millis(20);
    /// Snapshots kept per partition while the reader catches up.
    const KEEP: usize = 64;

    /// For `topic`, with a watermark client named `client_id`.
    pub fn new(
        kafka: &KafkaSettings,
        client_id: &str,
        topic: &str,
    ) -> rdkafka::error::KafkaResult<Self> {
        Ok(Self {
            watermarks: reader_config(kafka, client_id).create()?,
            topic: topic.to_string(),
            snapshots: HashMap::new(),
            settled: HashMap::new(),
            last: Instant::now() - Self::EVERY,
        })
    }

    /// Settles each partition by the reader's `positions` (partition, next offset to
    /// read) and takes new snapshots, at most once per [`Self::EVERY`]. Returns the
    /// partitions whose settled instant moved, with that instant.
    pub fn update(
        &mut self,
        positions: impl IntoIterator<Item = (i32, i64)>,
    ) -> Vec<(i32, DateTime<Utc>)> {
        if self.last.elapsed() < Self::EVERY {
            return Vec::new();
        }
        self.last = Instant::now();
        let mut moved = Vec::new();
        for (p, position) in positions {
            let queue = self.snapshots.entry(p).or_default();
            let mut reached = None;
            while let Some(&(high, taken)) = queue.front() {
                if position < high {
                    break;
                }
                reached = Some(taken);
                queue.pop_front();
            }
            let taken = Utc::now();
            match self
                .watermarks
                .fetch_watermarks(&self.topic, p, Duration::from_secs(2))
            {
                // Empty (or compacted away) up to here: nothing to read before `taken`.
                Ok((low, high)) if low >= high || position >= high => reached = Some(taken),
                Ok((_, high)) => {
                    if queue.len() >= Self::KEEP {
                        queue.pop_back();
                    }
                    queue.push_back((high, taken));
                }
                Err(e) => {
                    tracing::warn!(topic = %self.topic, partition = p, error = %e, "could not read the high watermark")
                }
            }
            if let Some(until) = reached {
                let s = self.settled.entry(p).or_insert(until);
                *s = (*s).max(until);
                moved.push((p, *s));
            }
        }
        moved
    }

    /// The instant before which every record of `partition` has been read, once known.
    pub fn settled(&self, partition: i32) -> Option<DateTime<Utc>> {
        self.settled.get(&partition).copied()
    }

    /// The instant before which every record of every one of `partitions` has been read.
    pub fn settled_everywhere(
        &self,
        partitions: impl IntoIterator<Item = i32>,
    ) -> Option<DateTime<Utc>> {
        partitions
            .into_iter()
            .map(|p| self.settled(p))
            .min()
            .flatten()
    }

    /// Forgets a partition (revoked from this reader).
    pub fn forget(&mut self, partition: i32) {
        self.snapshots.remove(&partition);
        self.settled.remove(&partition);
    }
}
