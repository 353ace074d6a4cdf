//! One destination's queue: what it still has to receive, what it received (its view
//! of the ledger), and whether it is delivering, backing off or suspended. Pure: time
//! is passed in, so the rules are tested without a clock or a network.
//!
//! - One slot per story holds the newest version not yet sent; a newer version
//!   replaces an older one still waiting (the older one is never sent), so versions
//!   of a story arrive in order and a destination that was down gets the latest.
//! - At most one version of a story is in flight; different stories go in parallel up
//!   to `max_in_flight`.
//! - A failure backs the whole destination off (exponential, with jitter, capped);
//!   failing for `suspend_after` in a row suspends it: what it was still owed is given
//!   up (and can be resent), and it takes nothing more until resumed.
//! - The queue knows which input offsets it still holds ([`TargetQueue::min_pending`]):
//!   the consumer commits no offset past them, so a crash re-reads what is owed.

use crate::policy::Decision;
use chrono::{DateTime, Duration, Utc};
use newswire_shared::article::Status;
use newswire_shared::trace::TraceParent;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::sync::Arc;

/// A rendered version on its way to one destination.
#[derive(Debug, Clone)]
pub struct Item {
    pub id: String,
    pub version: u64,
    pub status: Status,
    /// Where it was read: the consumer's offsets are held back until it is settled.
    pub partition: i32,
    pub offset: i64,
    pub body: Arc<[u8]>,
    pub content_type: &'static str,
    /// File name extension (`json`, `xml`) for destinations that write files.
    pub extension: &'static str,
    /// A withdrawal for a story the destination may be receiving now: sent only if it
    /// has received a version when its turn comes.
    pub only_if_received: bool,
    /// Held until this instant (and until every record written before it was read).
    pub due: Option<DateTime<Utc>>,
    /// Since when the destination is owed the version: when it was written to Kafka,
    /// or its release instant when it is held for an embargo. Lag and delivery latency
    /// count from here, so an embargo kept is not counted as a delay.
    pub owed_since: DateTime<Utc>,
    /// A resend: sent even if the ledger says the destination has it.
    pub forced: bool,
    /// Delivery's span in the version's trace: sent to the destination (a webhook's
    /// `traceparent`), logged with every line about the attempt and written with the
    /// ledger record.
    pub trace: Option<TraceParent>,
}

impl Item {
    /// The item as the decision says it should go (`None` for [`Decision::Skip`]).
    pub fn decided(mut self, decision: Decision) -> Option<Self> {
        match decision {
            Decision::Skip => return None,
            Decision::Now => {}
            Decision::At(at) => {
                self.due = Some(at);
                self.owed_since = self.owed_since.max(at);
            }
            Decision::IfReceived => self.only_if_received = true,
        }
        Some(self)
    }
}

/// How a destination is doing, as `/v1/subscribers` shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Delivering,
    BackingOff,
    Suspended,
}

/// Retry policy of a destination.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    pub initial: Duration,
    pub max: Duration,
    pub suspend_after: Duration,
    pub max_in_flight: usize,
}

impl Backoff {
    /// The wait after `failures` failures in a row: `initial` doubled each time up to
    /// `max`, then a random point between half of it and all of it (`unit` in [0, 1)),
    /// so destinations that failed together do not all retry together.
    pub fn wait(&self, failures: u32, unit: f64) -> Duration {
        let base = self.initial.num_milliseconds().max(1) as f64;
        let capped = (base * 2f64.powi(failures.saturating_sub(1).min(40) as i32))
            .min(self.max.num_milliseconds().max(1) as f64);
        Duration::milliseconds((capped * (0.5 + 0.5 * unit.clamp(0.0, 1.0))) as i64)
    }
}

/// What a destination received of one story.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Received {
    pub version: u64,
    pub status: Status,
    pub partition: i32,
}

#[derive(Debug, Default)]
struct Slot {
    in_flight: Option<(u64, i32, i64)>,
    next: Option<Item>,
}

/// Counts and times for the admin API and metrics.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Stats {
    pub delivered: u64,
    pub failed_attempts: u64,
    pub given_up: u64,
    pub last_success: Option<DateTime<Utc>>,
    pub last_failure: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}

#[derive(Debug)]
pub struct TargetQueue {
    backoff: Backoff,
    slots: HashMap<String, Slot>,
    /// Stories whose waiting version may be sent now, oldest first.
    ready: VecDeque<String>,
    /// Stories whose waiting version is held until an instant.
    held: BTreeSet<(DateTime<Utc>, String)>,
    received: HashMap<String, Received>,
    /// Input offsets of the versions waiting or in flight, counted.
    pending: BTreeMap<(i32, i64), usize>,
    /// Input partitions this process delivers for now.
    owned: HashSet<i32>,
    in_flight: usize,
    failures_in_row: u32,
    failing_since: Option<DateTime<Utc>>,
    retry_at: Option<DateTime<Utc>>,
    suspended_since: Option<DateTime<Utc>>,
    pub stats: Stats,
}

impl TargetQueue {
    pub fn new(backoff: Backoff) -> Self {
        Self {
            backoff,
            slots: HashMap::new(),
            ready: VecDeque::new(),
            held: BTreeSet::new(),
            received: HashMap::new(),
            pending: BTreeMap::new(),
            owned: HashSet::new(),
            in_flight: 0,
            failures_in_row: 0,
            failing_since: None,
            retry_at: None,
            suspended_since: None,
            stats: Stats::default(),
        }
    }

    pub fn state(&self, now: DateTime<Utc>) -> State {
        if self.suspended_since.is_some() {
            State::Suspended
        } else if self.retry_at.is_some_and(|r| r > now) || self.failures_in_row > 0 {
            State::BackingOff
        } else {
            State::Delivering
        }
    }

    /// The highest version of `id` this destination received, per the ledger.
    pub fn received(&self, id: &str) -> Option<Received> {
        self.received.get(id).copied()
    }

    /// From the ledger (at assignment) or a delivery: `id` was received at `r`.
    pub fn record_received(&mut self, id: &str, r: Received) {
        if !self.owned.contains(&r.partition) {
            return;
        }
        let e = self.received.entry(id.to_string()).or_insert(r);
        if r.version >= e.version {
            *e = r;
        }
    }

    /// From a ledger tombstone: forget what `id` received.
    pub fn forget(&mut self, id: &str) {
        self.received.remove(id);
    }

    pub fn in_flight(&self) -> usize {
        self.in_flight
    }

    /// Versions waiting (not in flight).
    pub fn depth(&self) -> usize {
        self.slots.values().filter(|s| s.next.is_some()).count()
    }

    /// Since when the oldest version still owed (waiting or in flight) is owed; a held
    /// version from its release instant.
    pub fn oldest_owed(&self) -> Option<DateTime<Utc>> {
        self.slots
            .values()
            .filter_map(|s| s.next.as_ref().map(|n| n.owed_since))
            .min()
    }

    /// Lowest input offset of `partition` still owed, if any.
    pub fn min_pending(&self, partition: i32) -> Option<i64> {
        self.pending
            .range((partition, i64::MIN)..=(partition, i64::MAX))
            .next()
            .map(|((_, o), _)| *o)
    }

    /// Resends carry offset -1: they hold no offset back (a crash loses a resend,
    /// which is asked again, rather than moving committed offsets backwards).
    fn hold(&mut self, partition: i32, offset: i64) {
        if offset < 0 {
            return;
        }
        *self.pending.entry((partition, offset)).or_default() += 1;
    }

    fn unhold(&mut self, partition: i32, offset: i64) {
        if let Some(n) = self.pending.get_mut(&(partition, offset)) {
            *n -= 1;
            if *n == 0 {
                self.pending.remove(&(partition, offset));
            }
        }
    }

    fn drop_waiting(&mut self, id: &str) {
        let Some(slot) = self.slots.get_mut(id) else {
            return;
        };
        let old = slot.next.take();
        if slot.in_flight.is_none() {
            self.slots.remove(id);
        }
        if let Some(old) = old {
            if let Some(due) = old.due {
                self.held.remove(&(due, id.to_string()));
            }
            self.unhold(old.partition, old.offset);
        }
    }

    /// Takes a decided version in. Returns whether it was queued.
    pub fn put(&mut self, item: Item) -> bool {
        if !self.owned.contains(&item.partition) {
            return false;
        }
        if self.suspended_since.is_some() {
            self.stats.given_up += 1;
            return false;
        }
        let had = self.received.get(&item.id).map(|r| r.version);
        if !item.forced && had.is_some_and(|v| v >= item.version) {
            return false;
        }
        let slot = self.slots.entry(item.id.clone()).or_default();
        if !item.forced
            && (slot
                .next
                .as_ref()
                .is_some_and(|n| n.version >= item.version)
                || slot.in_flight.is_some_and(|(v, _, _)| v >= item.version))
        {
            return false;
        }
        if item.only_if_received && had.is_none() && slot.in_flight.is_none() {
            // Nothing of the story was received or is on its way: the version still
            // waiting is withdrawn with it, and the destination never hears of either.
            let id = item.id.clone();
            self.drop_waiting(&id);
            return false;
        }
        let id = item.id.clone();
        self.drop_waiting(&id);
        let (partition, offset, due) = (item.partition, item.offset, item.due);
        let slot = self.slots.entry(id.clone()).or_default();
        let in_flight = slot.in_flight.is_some();
        slot.next = Some(item);
        self.hold(partition, offset);
        match due {
            Some(at) => {
                self.held.insert((at, id));
            }
            None if !in_flight => self.ready.push_back(id),
            None => {}
        }
        true
    }

    /// Moves held versions whose instant has come, and whose partition has been read
    /// up to that instant (`settled`), to the ready queue.
    pub fn release(&mut self, now: DateTime<Utc>, settled: impl Fn(i32) -> Option<DateTime<Utc>>) {
        let due: Vec<(DateTime<Utc>, String)> = self
            .held
            .iter()
            .take_while(|(at, _)| *at <= now)
            .cloned()
            .collect();
        for (at, id) in due {
            let Some(slot) = self.slots.get_mut(&id) else {
                self.held.remove(&(at, id));
                continue;
            };
            let Some(next) = slot.next.as_mut() else {
                self.held.remove(&(at, id));
                continue;
            };
            if settled(next.partition).is_some_and(|s| s >= at) {
                next.due = None;
                self.held.remove(&(at, id.clone()));
                if slot.in_flight.is_none() {
                    self.ready.push_back(id);
                }
            }
        }
    }

    /// The earliest instant a held version waits for.
    pub fn next_release(&self) -> Option<DateTime<Utc>> {
        self.held.first().map(|(at, _)| *at)
    }

    /// When the destination may be tried again, if it is backing off.
    pub fn retry_at(&self) -> Option<DateTime<Utc>> {
        self.retry_at
    }

    /// The next version to send, if the destination may send one now.
    pub fn take(&mut self, now: DateTime<Utc>) -> Option<Item> {
        if self.suspended_since.is_some()
            || self.retry_at.is_some_and(|r| r > now)
            || self.in_flight >= self.backoff.max_in_flight
        {
            return None;
        }
        while let Some(id) = self.ready.pop_front() {
            let Some(slot) = self.slots.get_mut(&id) else {
                continue;
            };
            if slot.in_flight.is_some() || slot.next.as_ref().is_none_or(|n| n.due.is_some()) {
                continue;
            }
            let next = slot.next.take().expect("checked above");
            if next.only_if_received && !self.received.contains_key(&id) {
                self.unhold(next.partition, next.offset);
                self.slots.remove(&id);
                continue;
            }
            slot.in_flight = Some((next.version, next.partition, next.offset));
            self.in_flight += 1;
            return Some(next);
        }
        None
    }

    fn finish(&mut self, item: &Item) -> bool {
        let Some(slot) = self.slots.get_mut(&item.id) else {
            return false;
        };
        if slot.in_flight != Some((item.version, item.partition, item.offset)) {
            return false;
        }
        slot.in_flight = None;
        self.in_flight -= 1;
        true
    }

    fn requeue(&mut self, id: &str, front: bool) {
        match self.slots.get(id) {
            Some(slot) if slot.next.as_ref().is_some_and(|n| n.due.is_none()) => {
                if front {
                    self.ready.push_front(id.to_string());
                } else {
                    self.ready.push_back(id.to_string());
                }
            }
            Some(slot) if slot.next.is_none() && slot.in_flight.is_none() => {
                self.slots.remove(id);
            }
            _ => {}
        }
    }

    /// `item` was delivered. Returns whether it still counts (its partition is still
    /// ours): only then does it go to the ledger.
    pub fn succeeded(&mut self, item: &Item, now: DateTime<Utc>) -> bool {
        if !self.finish(item) {
            return false;
        }
        self.unhold(item.partition, item.offset);
        let owned = self.owned.contains(&item.partition);
        self.record_received(
            &item.id,
            Received {
                version: item.version,
                status: item.status,
                partition: item.partition,
            },
        );
        self.failures_in_row = 0;
        self.failing_since = None;
        self.retry_at = None;
        self.stats.delivered += 1;
        self.stats.last_success = Some(now);
        self.requeue(&item.id, false);
        owned
    }

    /// `item` could not be delivered: it waits again (unless a newer version took its
    /// place), and the destination backs off. `unit` is a random number in [0, 1) for
    /// the jitter. Returns how many versions were given up if this failure suspended
    /// the destination.
    pub fn failed(&mut self, item: Item, now: DateTime<Utc>, error: String, unit: f64) -> usize {
        if !self.finish(&item) {
            return 0;
        }
        self.failures_in_row += 1;
        let since = *self.failing_since.get_or_insert(now);
        self.retry_at = Some(now + self.backoff.wait(self.failures_in_row, unit));
        self.stats.failed_attempts += 1;
        self.stats.last_failure = Some(now);
        self.stats.last_error = Some(error);
        let id = item.id.clone();
        let slot = self.slots.get_mut(&id).expect("finished above");
        if slot.next.is_none() && self.owned.contains(&item.partition) {
            slot.next = Some(item);
        } else {
            self.unhold(item.partition, item.offset);
        }
        self.requeue(&id, true);
        if now - since >= self.backoff.suspend_after {
            return self.suspend(now);
        }
        0
    }

    /// Gives up everything waiting and takes nothing more until [`TargetQueue::resume`].
    pub fn suspend(&mut self, now: DateTime<Utc>) -> usize {
        self.suspended_since = Some(now);
        let ids: Vec<String> = self
            .slots
            .iter()
            .filter(|(_, s)| s.next.is_some())
            .map(|(id, _)| id.clone())
            .collect();
        for id in &ids {
            self.drop_waiting(id);
        }
        self.ready.clear();
        self.held.clear();
        self.stats.given_up += ids.len() as u64;
        ids.len()
    }

    /// Delivering again, from a clean slate of failures.
    pub fn resume(&mut self) {
        self.suspended_since = None;
        self.failures_in_row = 0;
        self.failing_since = None;
        self.retry_at = None;
    }

    pub fn suspended_since(&self) -> Option<DateTime<Utc>> {
        self.suspended_since
    }

    /// Since when the destination has been failing, if it is.
    pub fn failing_since(&self) -> Option<DateTime<Utc>> {
        self.failing_since
    }

    pub fn failures_in_row(&self) -> u32 {
        self.failures_in_row
    }

    /// The receiver asked to wait (`Retry-After`): no attempt before `until`.
    pub fn hold_off_until(&mut self, until: DateTime<Utc>) {
        self.retry_at = Some(self.retry_at.map_or(until, |r| r.max(until)));
    }

    /// The input partitions this process delivers for, in order.
    pub fn owned_partitions(&self) -> Vec<i32> {
        let mut p: Vec<i32> = self.owned.iter().copied().collect();
        p.sort_unstable();
        p
    }

    /// This process now delivers for `partition` (its ledger is read next).
    pub fn assign(&mut self, partition: i32) {
        self.owned.insert(partition);
    }

    /// Another process delivers for `partition` now: everything of it is dropped here
    /// (its new owner re-reads from the committed offsets and the ledger).
    pub fn revoke(&mut self, partition: i32) {
        self.owned.remove(&partition);
        self.received.retain(|_, r| r.partition != partition);
        let ids: Vec<String> = self
            .slots
            .iter()
            .filter(|(_, s)| s.next.as_ref().is_some_and(|n| n.partition == partition))
            .map(|(id, _)| id.clone())
            .collect();
        for id in ids {
            self.drop_waiting(&id);
        }
        self.pending.retain(|(p, _), _| *p != partition);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn t0() -> DateTime<Utc> {
        at("2024-11-28T10:00:00Z")
    }

    fn backoff() -> Backoff {
        Backoff {
            initial: Duration::seconds(1),
            max: Duration::seconds(30),
            suspend_after: Duration::minutes(10),
            max_in_flight: 4,
        }
    }

    fn queue() -> TargetQueue {
        let mut q = TargetQueue::new(backoff());
        q.assign(0);
        q
    }

    fn item(id: &str, version: u64, status: Status, offset: i64) -> Item {
        Item {
            id: id.into(),
            version,
            status,
            partition: 0,
            offset,
            body: Arc::from(&b"{}"[..]),
            content_type: "application/json",
            extension: "json",
            only_if_received: false,
            due: None,
            owed_since: t0(),
            forced: false,
            trace: None,
        }
    }

    #[test]
    fn a_newer_version_replaces_one_still_waiting_and_order_holds_per_story() {
        let mut q = queue();
        assert!(q.put(item("a", 1, Status::Usable, 10)));
        assert!(q.put(item("a", 2, Status::Usable, 11)));
        assert!(!q.put(item("a", 1, Status::Usable, 10)), "older: ignored");
        assert_eq!(q.min_pending(0), Some(11));
        let sent = q.take(t0()).unwrap();
        assert_eq!(sent.version, 2);
        // v3 arrives while v2 is in flight: it waits for v2.
        assert!(q.put(item("a", 3, Status::Usable, 12)));
        assert!(q.take(t0()).is_none());
        assert!(q.succeeded(&sent, t0()));
        assert_eq!(q.take(t0()).unwrap().version, 3);
        assert_eq!(q.received("a").unwrap().version, 2);
    }

    #[test]
    fn a_kill_reaches_only_a_destination_that_received_the_story() {
        let mut q = queue();
        // Never sent: the kill withdraws the waiting version and is not sent either.
        q.put(item("a", 1, Status::Usable, 1));
        let mut kill = item("a", 2, Status::Canceled, 2);
        kill.only_if_received = true;
        assert!(!q.put(kill.clone()));
        assert!(q.take(t0()).is_none());
        assert_eq!(q.min_pending(0), None);
        // In flight when the kill arrives: the kill goes only if the version arrived.
        q.put(item("b", 1, Status::Usable, 3));
        let v1 = q.take(t0()).unwrap();
        let mut kill_b = item("b", 2, Status::Canceled, 4);
        kill_b.only_if_received = true;
        assert!(q.put(kill_b));
        q.failed(v1, t0(), "500".into(), 0.0);
        // The failed v1 was replaced by the kill, and b was never received: nothing goes.
        assert!(q.take(t0() + Duration::minutes(1)).is_none());
        assert_eq!(q.min_pending(0), None);
        // Received: the kill goes.
        q.put(item("c", 1, Status::Usable, 5));
        let v1 = q.take(t0() + Duration::minutes(1)).unwrap();
        q.succeeded(&v1, t0());
        let mut kill_c = item("c", 2, Status::Canceled, 6);
        kill_c.only_if_received = true;
        assert!(q.put(kill_c));
        assert_eq!(q.take(t0() + Duration::minutes(1)).unwrap().version, 2);
    }

    #[test]
    fn failures_back_off_with_jitter_then_suspend() {
        let mut q = queue();
        q.put(item("a", 1, Status::Usable, 1));
        let mut now = t0();
        let first = q.take(now).unwrap();
        assert_eq!(q.failed(first, now, "500".into(), 0.0), 0);
        assert_eq!(q.state(now), State::BackingOff);
        // Half of the first wait at the lowest jitter.
        assert!(q.take(now + Duration::milliseconds(499)).is_none());
        now += Duration::milliseconds(500);
        let again = q.take(now).unwrap();
        assert_eq!(q.failed(again, now, "500".into(), 1.0), 0);
        assert_eq!(q.retry_at(), Some(now + Duration::seconds(2)));
        // Waits grow to the cap, never past it.
        assert_eq!(backoff().wait(30, 1.0), Duration::seconds(30));
        q.put(item("b", 1, Status::Usable, 2));
        now += Duration::minutes(10);
        let third = q.take(now).unwrap();
        assert_eq!(q.failed(third, now, "500".into(), 0.5), 2);
        assert_eq!(q.state(now), State::Suspended);
        assert!(q.take(now + Duration::hours(1)).is_none());
        assert!(!q.put(item("c", 1, Status::Usable, 3)));
        assert_eq!(q.stats.given_up, 3);
        assert_eq!(q.min_pending(0), None);
        q.resume();
        assert!(q.put(item("c", 1, Status::Usable, 3)));
        assert_eq!(q.take(now).unwrap().id, "c");
    }

    #[test]
    fn held_versions_wait_for_their_instant_and_for_the_partition_to_settle() {
        let mut q = queue();
        let noon = at("2024-11-28T12:00:00Z");
        let mut v1 = item("a", 1, Status::Usable, 1);
        v1.due = Some(noon);
        q.put(v1);
        q.release(noon - Duration::seconds(1), |_| Some(noon));
        assert!(q.take(noon).is_none());
        q.release(noon, |_| Some(noon - Duration::seconds(1)));
        assert!(q.take(noon).is_none(), "not read up to noon yet");
        q.release(noon, |_| Some(noon));
        assert_eq!(q.take(noon).unwrap().version, 1);
    }

    #[test]
    fn an_embargo_kept_is_not_lag() {
        let noon = at("2024-11-28T12:00:00Z");
        assert!(t0() < noon);
        let held = item("a", 1, Status::Usable, 1)
            .decided(Decision::At(noon))
            .unwrap();
        assert_eq!(held.owed_since, noon, "owed from its release instant");
        let now = item("b", 1, Status::Usable, 2)
            .decided(Decision::Now)
            .unwrap();
        assert_eq!(now.owed_since, t0(), "owed from when it was written");
        let mut q = queue();
        q.put(held);
        assert_eq!(q.oldest_owed(), Some(noon));
        q.put(now);
        assert_eq!(q.oldest_owed(), Some(t0()));
    }

    #[test]
    fn revoking_a_partition_forgets_it() {
        let mut q = queue();
        q.assign(1);
        let mut other = item("b", 1, Status::Usable, 7);
        other.partition = 1;
        q.put(item("a", 1, Status::Usable, 1));
        q.put(other);
        q.revoke(0);
        assert_eq!(q.min_pending(0), None);
        assert_eq!(q.take(t0()).unwrap().id, "b");
        assert!(!q.put(item("a", 2, Status::Usable, 2)), "not ours any more");
    }
}
