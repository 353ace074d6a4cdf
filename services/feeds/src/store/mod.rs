//! The feed state: the latest version of every story, whatever its status, and the
//! archive — every story subscribers could have seen, in the order it was released.
//!
//! Idempotent on (id, version): a redelivered version changes nothing and an older
//! version arriving late never replaces a newer one. Killed and withheld stories are
//! kept (as their latest version) so a late older `usable` version cannot resurrect them.
//!
//! Only facts per story live in memory ([`Entry`], about a hundred bytes); the text
//! of a story is in [`Bodies`]: all of it without a database, the recently used part
//! with one (the rest is read from disk when a feed needs it).

pub mod entry;
pub mod filters;
pub mod persist;
pub mod selector;

use self::entry::Entry;
use self::filters::Resolve;
use self::filters::{Counts, Facets, Resolved, Symbols};
use self::persist::FeedDb;
use self::selector::Selector;
use crate::render::format::Tombstone;
use chrono::{DateTime, Utc};
use newswire_shared::article::Status;
use newswire_shared::kafka::change_log::{At, ChangeLog};
use newswire_shared::Article;
use std::cmp::Reverse;
use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

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

/// What a change did, for deciding which rendered feeds it touches.
#[derive(Debug, Clone)]
pub struct Touch {
    /// The story's facets before the change; `None` for a story new to the feeds.
    pub before: Option<Facets>,
    pub after: Facets,
    /// The story's place in the archive, if it has one.
    pub released_at: Option<DateTime<Utc>>,
    /// The whole store changed (a restore): every feed is touched.
    pub everything: bool,
}

/// Bodies kept in memory when a database holds them all.
const BODIES_KEPT: usize = 20_000;

type Id = Arc<str>;

#[derive(Debug, Default)]
pub struct FeedStore {
    entries: HashMap<Id, Entry, foldhash::fast::RandomState>,
    /// Every story, newest version first (ties by id): the order of a feed.
    newest: BTreeSet<(Reverse<DateTime<Utc>>, Id)>,
    /// Stories killed after they were visible, newest kill first: Atom tombstones.
    kills: BTreeSet<(Reverse<DateTime<Utc>>, Id)>,
    /// Stories subscribers could have seen, by release: archive pages.
    archive: BTreeSet<(DateTime<Utc>, Id)>,
    /// Future embargo instants of latest versions.
    embargoes: BTreeSet<(DateTime<Utc>, Id)>,
    counts: Counts,
    symbols: Symbols,
    symbols_saved: usize,
    bodies: Bodies,
    /// What subscribers polling `/v1/items` see, in order.
    pub changes: ChangeLog<Arc<Article>>,
    /// The instant before which the consumer has read every record of every partition
    /// (`shared::kafka::Settling`); `None` while no consumer reports one (a store fed
    /// without Kafka: everything it will get, it has). Versions held for an embargo go
    /// into the change log no later than this, so a cursor's mark never passes a version
    /// this replica has not read yet while another replica has.
    settled: Option<DateTime<Utc>>,
    touched: Vec<Touch>,
}

/// Story texts by id.
#[derive(Debug, Default)]
struct Bodies {
    db: Option<Arc<FeedDb>>,
    kept: Mutex<HashMap<Id, (Arc<Article>, u64)>>,
    clock: AtomicU64,
}

impl Bodies {
    fn get(&self, id: &Id, version: u64) -> Option<Arc<Article>> {
        let now = self.clock.fetch_add(1, Ordering::Relaxed);
        let mut kept = self.kept.lock().expect("bodies lock");
        if let Some((a, used)) = kept.get_mut(id) {
            *used = now;
            return Some(a.clone());
        }
        let db = self.db.as_ref()?;
        match db.article(id) {
            Ok(Some(a)) if a.version == version => {
                let a = Arc::new(a);
                kept.insert(id.clone(), (a.clone(), now));
                Some(a)
            }
            Ok(_) => None,
            Err(e) => {
                tracing::error!(id = %id, error = %e, "feed store: a story's text could not be read");
                None
            }
        }
    }

    fn put(&self, id: Id, article: Arc<Article>) {
        let now = self.clock.fetch_add(1, Ordering::Relaxed);
        self.kept
            .lock()
            .expect("bodies lock")
            .insert(id, (article, now));
    }

    /// Forgets the least recently used texts beyond [`BODIES_KEPT`]; only called once
    /// they are all on disk.
    fn trim(&self) {
        if self.db.is_none() {
            return;
        }
        let mut kept = self.kept.lock().expect("bodies lock");
        if kept.len() <= BODIES_KEPT {
            return;
        }
        let mut ages: Vec<u64> = kept.values().map(|(_, used)| *used).collect();
        let cut = ages.len() - BODIES_KEPT / 2;
        let (_, threshold, _) = ages.select_nth_unstable(cut);
        let threshold = *threshold;
        kept.retain(|_, (_, used)| *used >= threshold);
    }
}

/// What the consumer writes to disk after applying a batch.
pub struct ToSave {
    pub stories: Vec<(Arc<Article>, Vec<u8>)>,
    pub symbols: Vec<(u32, String)>,
    symbols_upto: usize,
}

/// One page of a feed's archive.
pub struct ArchivePage {
    pub items: Vec<Arc<Article>>,
    pub tombstones: Vec<Tombstone>,
    /// The newest release on the page: later releases never change it.
    pub last: Option<DateTime<Utc>>,
}

impl FeedStore {
    /// From now on the texts of saved stories live in `db`, and in memory only while
    /// recently used.
    pub fn attach_db(&mut self, db: Arc<FeedDb>) {
        self.bodies.db = Some(db);
    }

    /// As [`FeedStore::apply_at`], at the wall clock.
    pub fn apply(&mut self, article: Article) -> Applied {
        self.apply_at(article, Utc::now())
    }

    /// Takes a version if it is newer than what we have, and records the change for
    /// polling subscribers as of `now`: at once if subscribers may see it, at its embargo
    /// if it has one, never for a kill of a story nobody could see.
    pub fn apply_at(&mut self, article: Article, now: DateTime<Utc>) -> Applied {
        self.apply_from(article, None, now)
    }

    /// As [`FeedStore::apply_at`], for the version read at `at` in `articles.enriched`
    /// (`None`: the next position of a log without Kafka).
    pub fn apply_from(&mut self, article: Article, at: Option<At>, now: DateTime<Utc>) -> Applied {
        // Cursors rely on every embargo up to `now` being accounted for before a
        // version is recorded as of `now`.
        self.release_due(now);
        let at = at.unwrap_or_else(|| self.changes.synthetic(now));
        let (id, old) = match self.entries.get_key_value(article.id.as_str()) {
            Some((_, have)) if have.version > article.version => {
                self.changes.consumed(at.partition, at.offset + 1);
                return Applied::Stale;
            }
            Some((_, have)) if have.version == article.version => {
                self.changes.consumed(at.partition, at.offset + 1);
                return Applied::Duplicate;
            }
            Some((id, _)) => {
                let id = id.clone();
                let old = self.entries.remove(&id);
                (id, old)
            }
            None => (Id::from(article.id.as_str()), None),
        };
        let mut entry = Entry::of(&article, &mut self.symbols);
        if let Some(old) = &old {
            self.newest
                .remove(&(Reverse(old.version_created), id.clone()));
            self.kills
                .remove(&(Reverse(old.version_created), id.clone()));
            if let Some(t) = old.embargo_until {
                self.embargoes.remove(&(t, id.clone()));
            }
            if old.released_at.is_some() {
                self.unarchive(&id, old);
            }
            entry.released_at = old.released_at;
        }
        // A withdrawal written before the story's release: nobody could have seen it
        // (a replica replaying the topic after the embargo must agree), so no trace.
        if entry.status != Status::Usable && entry.released_at > Some(entry.version_created) {
            entry.released_at = None;
        }
        if let Some(released) = entry.released_at {
            self.archive_insert(&id, released, &entry.facets);
        }
        self.newest
            .insert((Reverse(entry.version_created), id.clone()));
        if let Some(t) = entry.embargo_until.filter(|t| *t > now) {
            if entry.status == Status::Usable {
                self.embargoes.insert((t, id.clone()));
            }
        }
        let article = Arc::new(article);
        self.bodies.put(id.clone(), article.clone());
        let before = old.map(|o| o.facets);
        let outcome = if before.is_none() {
            Applied::New
        } else {
            Applied::Replaced
        };
        self.entries.insert(id.clone(), entry);
        self.settle(&id, now);

        let entry = &self.entries[&id];
        // The change log's own clock: embargoes up to it are accounted for in every
        // cursor it gives out. A version whose embargo is past `now` but not past this
        // (the consumer has not read everything written before it yet) waits as held,
        // so it enters the log once, by its embargo mark, never first by offset and
        // then again by mark. So does a version written before its embargo and read
        // after it (a replica replaying the topic): a kill written before the embargo
        // may still follow, and then the version never enters the log at all.
        let log_until = self.settled.map_or(now, |s| s.min(now));
        match entry.status {
            Status::Usable
                if entry.is_released_at(now)
                    && article
                        .embargo_until
                        .is_none_or(|e| e <= log_until && e.timestamp_micros() <= at.written) =>
            {
                let embargo = article.embargo_until;
                self.changes.record(article, at, embargo)
            }
            // Not released yet (or not yet for the log): its embargo is still ahead.
            Status::Usable => {
                let until = article.embargo_until.unwrap_or(now);
                self.changes.hold(article, at, until)
            }
            _ if entry.released_at.is_some() => {
                let embargo = article.embargo_until;
                self.changes.record(article, at, embargo)
            }
            _ => self.changes.consumed(at.partition, at.offset + 1),
        }
        self.touched.push(Touch {
            before,
            after: entry.facets.clone(),
            released_at: entry.released_at,
            everything: false,
        });
        outcome
    }

    /// Archives the story if subscribers can now see it; files a visible kill.
    fn settle(&mut self, id: &Id, now: DateTime<Utc>) {
        let Some(entry) = self.entries.get_mut(id) else {
            return;
        };
        if entry.released_at.is_none() && entry.is_released_at(now) {
            let released = entry.release_instant();
            entry.released_at = Some(released);
            let facets = entry.facets.clone();
            self.archive_insert(id, released, &facets);
        }
        let entry = &self.entries[id];
        if entry.status == Status::Canceled && entry.released_at.is_some() {
            self.kills
                .insert((Reverse(entry.version_created), id.clone()));
        }
    }

    fn archive_insert(&mut self, id: &Id, released: DateTime<Utc>, facets: &Facets) {
        if self.archive.insert((released, id.clone())) {
            self.counts.add(facets, true);
        }
    }

    fn unarchive(&mut self, id: &Id, entry: &Entry) {
        let Some(released) = entry.released_at else {
            return;
        };
        if self.archive.remove(&(released, id.clone())) {
            self.counts.add(&entry.facets, false);
        }
    }

    /// Releases what was waiting for an embargo that has now passed: into the
    /// archive, into the change log, and into the feeds (by the touches it records).
    pub fn release_due(&mut self, now: DateTime<Utc>) {
        while let Some((t, id)) = self.embargoes.first().cloned() {
            if t > now {
                break;
            }
            self.embargoes.pop_first();
            self.settle(&id, now);
            if let Some(e) = self.entries.get(&id) {
                self.touched.push(Touch {
                    before: None,
                    after: e.facets.clone(),
                    released_at: e.released_at,
                    everything: false,
                });
            }
        }
        let entries = &self.entries;
        let log_until = self.settled.map_or(now, |s| s.min(now));
        self.changes.release_due(log_until, |a| {
            entries
                .get(a.id.as_str())
                .is_some_and(|l| l.version == a.version && l.status == Status::Usable)
        });
    }

    /// Every record written before `until` has been read: held versions up to it may
    /// enter the change log (see the `settled` field).
    pub fn settle_reads(&mut self, until: DateTime<Utc>, now: DateTime<Utc>) {
        self.settled = Some(self.settled.map_or(until, |s| s.max(until)));
        self.release_due(now);
    }

    /// The next embargo instant still waiting (possibly already due).
    pub fn next_release(&self) -> Option<DateTime<Utc>> {
        self.embargoes.first().map(|(t, _)| *t)
    }

    /// What changed since the last call, for re-rendering the feeds it touches.
    pub fn take_touched(&mut self) -> Vec<Touch> {
        std::mem::take(&mut self.touched)
    }

    pub fn symbols(&self) -> &Symbols {
        &self.symbols
    }

    /// When the story `id` first became visible to subscribers (see
    /// [`crate::render::format::FeedItem::published`]); `None` for a story never released.
    pub fn published(&self, id: &str) -> Option<DateTime<Utc>> {
        let e = self.entries.get(id)?;
        e.released_at
            .or_else(|| (e.status == Status::Usable).then(|| e.release_instant()))
    }

    pub fn latest(&self, id: &str) -> Option<Arc<Article>> {
        let (id, entry) = self.entries.get_key_value(id)?;
        self.bodies.get(id, entry.version)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// What subscribers may see at `now`, newest version first, at most `limit`.
    pub fn released(&self, now: DateTime<Utc>, limit: usize) -> Vec<Arc<Article>> {
        self.released_matching(now, limit, &Selector::default())
    }

    /// As [`FeedStore::released`], only the stories of one feed.
    pub fn released_matching(
        &self,
        now: DateTime<Utc>,
        limit: usize,
        selector: &Selector,
    ) -> Vec<Arc<Article>> {
        let Some(wanted) = selector.resolve(&self.symbols) else {
            return Vec::new();
        };
        self.newest
            .iter()
            .filter_map(|(_, id)| {
                let e = &self.entries[id];
                (e.is_released_at(now) && wanted.matches(&e.facets, &self.symbols))
                    .then(|| self.bodies.get(id, e.version))
                    .flatten()
            })
            .take(limit)
            .collect()
    }

    /// A feed's current document: its newest `size` stories, and the archived ones not
    /// yet on a full archive page (a correction can move a story up and push one of
    /// those out of the newest), so every story is in the archive or here.
    pub fn current(
        &self,
        now: DateTime<Utc>,
        size: usize,
        selector: &Selector,
    ) -> Vec<Arc<Article>> {
        let mut items = self.released_matching(now, size, selector);
        let Some(wanted) = selector.resolve(&self.symbols) else {
            return items;
        };
        let unpaged = self.archived(selector) % size.max(1);
        let shown: std::collections::HashSet<&str> = items.iter().map(|a| a.id.as_str()).collect();
        let missing: Vec<Arc<Article>> = self
            .archived_matching(&wanted)
            .rev()
            .take(unpaged)
            .filter(|(_, id)| !shown.contains(&**id))
            .filter_map(|(_, id)| {
                let e = &self.entries[id];
                e.is_released_at(now)
                    .then(|| self.bodies.get(id, e.version))
                    .flatten()
            })
            .collect();
        if !missing.is_empty() {
            items.extend(missing);
            items.sort_by(|a, b| {
                b.version_created
                    .cmp(&a.version_created)
                    .then_with(|| a.id.cmp(&b.id))
            });
        }
        items
    }

    /// Kills of stories subscribers could have seen, newest first, for Atom
    /// tombstones. A story killed before its release leaves no trace, not even its id.
    pub fn tombstones(&self, limit: usize, selector: &Selector) -> Vec<Tombstone> {
        let Some(wanted) = selector.resolve(&self.symbols) else {
            return Vec::new();
        };
        self.kills
            .iter()
            .filter(|(_, id)| wanted.matches(&self.entries[id].facets, &self.symbols))
            .take(limit)
            .map(|(Reverse(when), id)| Tombstone {
                id: id.to_string(),
                when: *when,
            })
            .collect()
    }

    /// How many stories a feed's archive holds.
    pub fn archived(&self, selector: &Selector) -> usize {
        let Some(wanted) = selector.resolve(&self.symbols) else {
            return 0;
        };
        wanted
            .count(&self.counts, &self.symbols)
            .unwrap_or_else(|| self.archived_matching(&wanted).count())
    }

    fn archived_matching<'a>(
        &'a self,
        wanted: &'a Resolved,
    ) -> impl DoubleEndedIterator<Item = &'a (DateTime<Utc>, Id)> + 'a {
        self.archive
            .iter()
            .filter(move |(_, id)| wanted.matches(&self.entries[id].facets, &self.symbols))
    }

    /// Page `page` (from 1, oldest first) of a feed's archive, `size` stories a page;
    /// `None` unless the page is full. Its stories never change as later ones arrive;
    /// killed ones become tombstones, corrected ones show their latest version.
    pub fn archive_page(
        &self,
        selector: &Selector,
        page: usize,
        size: usize,
        now: DateTime<Utc>,
    ) -> Option<ArchivePage> {
        let wanted = selector.resolve(&self.symbols)?;
        let total = self.archived(selector);
        if page == 0 || size == 0 || page > total / size {
            return None;
        }
        let (start, end) = ((page - 1) * size, page * size);
        // Walk from whichever end of the archive is nearer.
        let ids: Vec<&(DateTime<Utc>, Id)> = if start <= total - end {
            self.archived_matching(&wanted)
                .skip(start)
                .take(size)
                .collect()
        } else {
            let mut ids: Vec<_> = self
                .archived_matching(&wanted)
                .rev()
                .skip(total - end)
                .take(size)
                .collect();
            ids.reverse();
            ids
        };
        let mut page = ArchivePage {
            items: Vec::new(),
            tombstones: Vec::new(),
            last: ids.last().map(|(t, _)| *t),
        };
        for (_, id) in ids.into_iter().rev() {
            let e = &self.entries[id];
            if e.is_released_at(now) {
                page.items.extend(self.bodies.get(id, e.version));
            } else if e.status == Status::Canceled {
                page.tombstones.push(Tombstone {
                    id: id.to_string(),
                    when: e.version_created,
                });
            }
        }
        Some(page)
    }

    /// The rows and new symbols to write after applying `ids`.
    pub fn to_save(&self, ids: &[String]) -> ToSave {
        let stories = ids
            .iter()
            .filter_map(|id| {
                let (key, e) = self.entries.get_key_value(id.as_str())?;
                Some((self.bodies.get(key, e.version)?, e.encode()))
            })
            .collect();
        ToSave {
            stories,
            symbols: self
                .symbols
                .since(self.symbols_saved)
                .map(|(s, n)| (s, n.to_string()))
                .collect(),
            symbols_upto: self.symbols.len(),
        }
    }

    /// After `saved` is on disk: texts beyond the memory budget may now be dropped.
    pub fn saved(&mut self, saved: &ToSave) {
        self.symbols_saved = self.symbols_saved.max(saved.symbols_upto);
        self.bodies.trim();
    }

    /// Rebuilds the store from the index entries and symbols a database holds (texts
    /// stay on disk). Entries arrive in chunks as they are read: see
    /// [`FeedStore::restore_rows`] and [`FeedStore::restore_finish`].
    pub fn restore(&mut self, symbols: Vec<String>, rows: Vec<(Id, Entry)>, now: DateTime<Utc>) {
        let mut restoring = Restoring::default();
        self.restore_rows(rows, now, &mut restoring);
        self.restore_finish(symbols, restoring, now);
    }

    pub fn restore_rows(
        &mut self,
        rows: Vec<(Id, Entry)>,
        now: DateTime<Utc>,
        acc: &mut Restoring,
    ) {
        self.entries.reserve(rows.len());
        for (id, entry) in rows {
            acc.newest
                .push((Reverse(entry.version_created), id.clone()));
            if let Some(released) = entry.released_at {
                acc.archive.push((released, id.clone()));
                self.counts.add(&entry.facets, true);
                if entry.status == Status::Canceled {
                    self.kills
                        .insert((Reverse(entry.version_created), id.clone()));
                }
            } else {
                acc.waiting.push(id.clone());
            }
            if let Some(t) = entry.embargo_until.filter(|t| *t > now) {
                if entry.status == Status::Usable {
                    self.embargoes.insert((t, id.clone()));
                }
            }
            self.entries.insert(id, entry);
        }
    }

    pub fn restore_finish(&mut self, symbols: Vec<String>, acc: Restoring, now: DateTime<Utc>) {
        for name in symbols {
            self.symbols.intern(&name);
        }
        self.symbols_saved = self.symbols.len();
        let Restoring {
            mut newest,
            mut archive,
            waiting,
        } = acc;
        // The two orders are independent: built side by side.
        let (newest, archive) = std::thread::scope(|s| {
            let newest = s.spawn(move || {
                newest.sort_unstable();
                newest.into_iter().collect::<BTreeSet<_>>()
            });
            archive.sort_unstable();
            let archive: BTreeSet<_> = archive.into_iter().collect();
            (newest.join().expect("sorting thread"), archive)
        });
        self.newest = newest;
        self.archive = archive;
        // Embargoes that lifted while we were down.
        for id in waiting {
            self.settle(&id, now);
        }
        self.touched.push(Touch {
            before: None,
            after: Facets::default(),
            released_at: None,
            everything: true,
        });
    }
}

/// Orders collected while a restore reads entries, built at the end.
#[derive(Default)]
pub struct Restoring {
    newest: Vec<(Reverse<DateTime<Utc>>, Id)>,
    archive: Vec<(DateTime<Utc>, Id)>,
    waiting: Vec<Id>,
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
        let shown = s.released(now(), 3);
        let ids: Vec<&str> = shown.iter().map(|a| a.id.as_str()).collect();
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

#[cfg(test)]
mod archive {
    use super::*;
    use std::collections::BTreeMap;

    fn story(id: &str, version: u64, status: Status, minute: u32) -> Article {
        serde_json::from_value(serde_json::json!({
            "id": id, "version": version, "status": status, "headline": format!("{id} v{version}"),
            "body": "<p>text</p>", "section": if minute.is_multiple_of(2) { "Even" } else { "Odd" },
            "first_created": format!("2024-11-28T08:{minute:02}:00Z"),
            "version_created": format!("2024-11-28T09:{minute:02}:00Z")
        }))
        .unwrap()
    }

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn noon() -> DateTime<Utc> {
        at("2024-11-28T12:00:00Z")
    }

    fn ids(page: &ArchivePage) -> Vec<&str> {
        page.items.iter().map(|a| a.id.as_str()).collect()
    }

    fn all() -> Selector {
        Selector::default()
    }

    #[test]
    fn full_pages_keep_their_stories_as_later_ones_arrive() {
        let mut s = FeedStore::default();
        for i in 0..7 {
            s.apply_at(story(&format!("s{i}"), 1, Status::Usable, i), noon());
        }
        assert_eq!(s.archived(&all()), 7);
        let first = s.archive_page(&all(), 1, 3, noon()).unwrap();
        assert_eq!(ids(&first), ["s2", "s1", "s0"]);
        assert_eq!(
            ids(&s.archive_page(&all(), 2, 3, noon()).unwrap()),
            ["s5", "s4", "s3"]
        );
        assert!(
            s.archive_page(&all(), 3, 3, noon()).is_none(),
            "not full yet"
        );
        assert!(s.archive_page(&all(), 0, 3, noon()).is_none());
        for i in 7..20 {
            s.apply_at(story(&format!("s{i}"), 1, Status::Usable, i), noon());
        }
        assert_eq!(
            ids(&s.archive_page(&all(), 1, 3, noon()).unwrap()),
            ["s2", "s1", "s0"]
        );
        assert_eq!(
            ids(&s.archive_page(&all(), 6, 3, noon()).unwrap()),
            ["s17", "s16", "s15"]
        );
        // Pages of a filtered feed count only its stories.
        let odd = Selector::parse("section/odd", &Default::default()).unwrap();
        assert_eq!(s.archived(&odd), 10);
        assert_eq!(
            ids(&s.archive_page(&odd, 1, 3, noon()).unwrap()),
            ["s5", "s3", "s1"]
        );
        let combined = Selector {
            section: Some("odd".into()),
            urgent: true,
            ..Selector::default()
        };
        assert_eq!(s.archived(&combined), 0, "urgency 5 is not urgent");
    }

    #[test]
    fn a_backdated_story_joins_the_end_and_moves_no_full_page() {
        let mut s = FeedStore::default();
        for i in 0..6 {
            s.apply_at(story(&format!("s{i}"), 1, Status::Usable, i), noon());
        }
        let pages = |s: &FeedStore| {
            (1..=2)
                .map(|n| ids(&s.archive_page(&all(), n, 3, noon()).unwrap()).join(","))
                .collect::<Vec<_>>()
        };
        let before = pages(&s);
        // Dated before every story above, written (published) after them.
        let mut late = story("late", 1, Status::Usable, 0);
        late.first_created = at("2024-11-28T07:00:00Z");
        late.version_created = at("2024-11-28T10:00:00Z");
        s.apply_at(late, noon());
        assert_eq!(pages(&s), before);
        for i in 6..8 {
            s.apply_at(story(&format!("s{i}"), 1, Status::Usable, i), noon());
        }
        assert_eq!(pages(&s), before);
        // It lands on the next page, after the stories written before it.
        assert_eq!(
            ids(&s.archive_page(&all(), 3, 3, noon()).unwrap()),
            ["late", "s7", "s6"]
        );
    }

    #[test]
    fn kills_and_corrections_change_a_page_in_place() {
        let mut s = FeedStore::default();
        for i in 0..6 {
            s.apply_at(story(&format!("s{i}"), 1, Status::Usable, i), noon());
        }
        s.apply_at(story("s1", 2, Status::Canceled, 30), noon());
        let mut corrected = story("s2", 2, Status::Usable, 31);
        corrected.first_created = at("2024-11-28T08:02:00Z");
        s.apply_at(corrected, noon());
        let page = s.archive_page(&all(), 1, 3, noon()).unwrap();
        assert_eq!(ids(&page), ["s2", "s0"]);
        assert_eq!(page.items[0].version, 2);
        assert_eq!(page.tombstones.len(), 1);
        assert_eq!(page.tombstones[0].id, "s1");
        // The second page did not move.
        assert_eq!(
            ids(&s.archive_page(&all(), 2, 3, noon()).unwrap()),
            ["s5", "s4", "s3"]
        );
    }

    #[test]
    fn an_embargoed_story_enters_the_archive_at_its_instant_and_a_kill_before_leaves_nothing() {
        let mut s = FeedStore::default();
        let mut e = story("e", 1, Status::Usable, 1);
        e.embargo_until = Some(at("2024-11-28T12:00:10Z"));
        s.apply_at(e.clone(), noon());
        assert_eq!(s.archived(&all()), 0);
        assert_eq!(s.next_release(), e.embargo_until);
        s.release_due(at("2024-11-28T12:00:09Z"));
        assert_eq!(s.archived(&all()), 0);
        s.release_due(at("2024-11-28T12:00:10Z"));
        assert_eq!(s.archived(&all()), 1);

        let mut k = story("k", 1, Status::Usable, 2);
        k.embargo_until = Some(at("2024-11-28T12:00:20Z"));
        s.apply_at(k.clone(), noon());
        s.apply_at(story("k", 2, Status::Canceled, 3), noon());
        s.release_due(at("2024-11-28T13:00:00Z"));
        assert_eq!(s.archived(&all()), 1);
        assert!(s.tombstones(10, &all()).is_empty());

        // A replica replaying the topic after the embargo agrees: no trace of `k`.
        let mut replay = FeedStore::default();
        let later = at("2024-11-28T13:00:00Z");
        replay.apply_at(k, later);
        replay.apply_at(story("k", 2, Status::Canceled, 3), later);
        assert_eq!(replay.archived(&all()), 0);
        assert!(replay.tombstones(10, &all()).is_empty());
    }

    #[test]
    fn the_current_document_holds_every_story_not_on_a_full_page() {
        let mut s = FeedStore::default();
        for i in 0..5 {
            s.apply_at(story(&format!("s{i}"), 1, Status::Usable, i), noon());
        }
        // Pages of 3: s0..s2 on page 1; s3, s4 only in the current document, even when
        // three corrections of older stories are newer than both.
        for (i, id) in ["s0", "s1", "s2"].iter().enumerate() {
            let mut c = story(id, 2, Status::Usable, 40 + i as u32);
            c.first_created = at(&format!("2024-11-28T08:0{}:00Z", &id[1..]));
            s.apply_at(c, noon());
        }
        let current = s.current(noon(), 3, &all());
        let shown: Vec<&str> = current.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(shown, ["s2", "s1", "s0", "s4", "s3"]);
    }

    #[test]
    fn the_store_survives_a_restart_with_texts_read_from_disk() {
        let dir = std::env::temp_dir().join(format!(
            "newswire-feeds-store-{}-{}",
            std::process::id(),
            Utc::now().timestamp_nanos_opt().unwrap_or_default()
        ));
        let db = Arc::new(FeedDb::open(&dir).unwrap());
        let mut s = FeedStore::default();
        s.attach_db(db.clone());
        let mut ids = Vec::new();
        for i in 0..7 {
            let id = format!("s{i}");
            s.apply_at(story(&id, 1, Status::Usable, i), noon());
            ids.push(id);
        }
        s.apply_at(story("s1", 2, Status::Canceled, 30), noon());
        let save = s.to_save(&ids);
        db.commit(&save.stories, &save.symbols, &BTreeMap::from([(0, 8)]))
            .unwrap();
        s.saved(&save);
        drop(s);

        let mut rows = Vec::new();
        let loaded = db.load(|chunk| rows.extend(chunk)).unwrap();
        assert_eq!(loaded.offsets, BTreeMap::from([(0, 8)]));
        assert_eq!(loaded.stories, 7);
        let mut again = FeedStore::default();
        again.attach_db(db);
        again.restore(loaded.symbols, rows, noon());
        assert_eq!(again.len(), 7);
        let shown = again.released(noon(), 10);
        assert_eq!(shown.len(), 6);
        assert_eq!(shown[0].headline, "s6 v1");
        assert_eq!(again.tombstones(10, &all())[0].id, "s1");
        // The kill (minute 30) moved s1 to the even section.
        let even = Selector::parse("section/even", &Default::default()).unwrap();
        assert_eq!(again.archived(&even), 5);
        assert_eq!(
            ids_of(&again.archive_page(&all(), 2, 3, noon()).unwrap()),
            ["s5", "s4", "s3"]
        );
        // Nothing replays into the change log.
        assert!(again.changes.is_empty());
        std::fs::remove_dir_all(dir).ok();
    }

    fn ids_of(page: &ArchivePage) -> Vec<String> {
        page.items.iter().map(|a| a.id.clone()).collect()
    }
}
