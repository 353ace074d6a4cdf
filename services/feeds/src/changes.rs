//! The change log behind `GET /v1/items`: every change subscribers may see — a new
//! story, a new version, a kill — in the order it became visible, numbered by a cursor.
//! An embargoed version enters the log at its embargo's instant, not on arrival.

use chrono::{DateTime, Utc};
use newswire_shared::Article;
use std::collections::VecDeque;
use std::sync::Arc;
use tokio::sync::watch;

/// Changes kept for polling subscribers; older cursors must resync from the feeds.
pub const RETAINED: usize = 100_000;

#[derive(Debug, Clone)]
pub struct Change {
    pub cursor: u64,
    pub article: Arc<Article>,
}

#[derive(Debug)]
pub struct ChangeLog {
    /// Names this log: cursors from another process (a restart, another replica) are
    /// recognised as foreign instead of silently skipping changes.
    epoch: String,
    entries: VecDeque<Change>,
    /// Embargoed versions waiting for their instant.
    pending: Vec<Arc<Article>>,
    last: watch::Sender<u64>,
}

impl Default for ChangeLog {
    fn default() -> Self {
        let started = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        Self {
            epoch: format!(
                "{:x}{:05x}",
                started.as_secs(),
                started.subsec_micros() & 0xfffff
            ),
            entries: VecDeque::new(),
            pending: Vec::new(),
            last: watch::channel(0).0,
        }
    }
}

/// What a poll after a cursor finds.
pub enum Since {
    Changes(Vec<Change>),
    /// The cursor is older than what is retained.
    Gone,
}

impl ChangeLog {
    pub fn record(&mut self, article: Arc<Article>) {
        let cursor = *self.last.borrow() + 1;
        self.entries.push_back(Change { cursor, article });
        if self.entries.len() > RETAINED {
            self.entries.pop_front();
        }
        self.last.send_replace(cursor);
    }

    pub fn hold_until_embargo(&mut self, article: Arc<Article>) {
        self.pending.push(article);
    }

    /// Moves versions whose embargo has passed into the log; `still_current` says
    /// whether a version is still the story's latest (a later edit or kill supersedes it).
    pub fn release_due(&mut self, now: DateTime<Utc>, still_current: impl Fn(&Article) -> bool) {
        let (due, waiting): (Vec<_>, Vec<_>) = std::mem::take(&mut self.pending)
            .into_iter()
            .partition(|a| a.is_released_at(now));
        self.pending = waiting;
        let mut due: Vec<_> = due.into_iter().filter(|a| still_current(a)).collect();
        due.sort_by_key(|a| a.embargo_until);
        for a in due {
            self.record(a);
        }
    }

    pub fn after(&self, cursor: u64, limit: usize, keep: impl Fn(&Article) -> bool) -> Since {
        if let Some(first) = self.entries.front() {
            if cursor + 1 < first.cursor {
                return Since::Gone;
            }
        }
        let start = self.entries.partition_point(|c| c.cursor <= cursor);
        Since::Changes(
            self.entries
                .iter()
                .skip(start)
                .filter(|c| keep(&c.article))
                .take(limit)
                .cloned()
                .collect(),
        )
    }

    pub fn last_cursor(&self) -> u64 {
        *self.last.borrow()
    }

    /// The cursor as subscribers see it: `{epoch}-{sequence}`.
    pub fn cursor_text(&self, sequence: u64) -> String {
        format!("{}-{sequence}", self.epoch)
    }

    /// `None` for a cursor of another log (or garbage); `0` (or empty) is the start.
    pub fn parse_cursor(&self, text: &str) -> Option<u64> {
        if text.is_empty() || text == "0" {
            return Some(0);
        }
        let (epoch, sequence) = text.rsplit_once('-')?;
        (epoch == self.epoch)
            .then(|| sequence.parse().ok())
            .flatten()
    }

    /// Wakes when the log grows.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.last.subscribe()
    }
}
