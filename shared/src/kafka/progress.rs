//! Whether a stage is getting anywhere, for `/readyz` and `/metrics`.
//!
//! The stage thread records what it holds and what it committed; a watchdog thread of
//! its own judges it, so a stage stuck inside a Kafka call is still reported. A stage is
//! ready when it has an assignment, has not aborted the same batch again and again, and
//! — whenever input is waiting — has committed something within `kafka.stall_timeout_ms`.

use crate::health::Readiness;
use crate::shutdown::Shutdown;
use crate::telemetry::events::{StageProgressSampled, StageReadinessChanged};
use crate::telemetry::Metrics;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// What the stage thread reports; what the watchdog reads.
#[derive(Debug)]
struct State {
    assigned: bool,
    /// Last commit, or last time the stage was found caught up with nothing in hand.
    last_progress: Instant,
    /// Events read and not yet committed.
    in_hand: usize,
    /// Record timestamp (ms since the epoch) of the oldest event in hand.
    oldest_in_hand_ms: Option<i64>,
    /// `(topic, partition, lag)` per assigned partition, as last sampled.
    lags: Vec<(String, i32, i64)>,
    /// Aborts in a row of the batch in hand, and the last error.
    consecutive_aborts: u32,
    last_error: Option<String>,
    /// Set when the stage cannot go on at all (fenced, fatal).
    failed: Option<String>,
}

/// Shared between a stage thread and its watchdog.
#[derive(Clone)]
pub struct StageProgress {
    state: Arc<Mutex<State>>,
}

impl Default for StageProgress {
    fn default() -> Self {
        Self::new()
    }
}

impl StageProgress {
    pub fn new() -> Self {
        Self {
            state: Arc::new(Mutex::new(State {
                assigned: false,
                last_progress: Instant::now(),
                in_hand: 0,
                oldest_in_hand_ms: None,
                lags: Vec::new(),
                consecutive_aborts: 0,
                last_error: None,
                failed: None,
            })),
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        f(&mut self.state.lock().expect("progress lock"))
    }

    pub fn assigned(&self, assigned: bool) {
        self.with(|s| {
            s.assigned = assigned;
            if assigned {
                // A new assignment starts the clock afresh.
                s.last_progress = Instant::now();
            }
        });
    }

    /// The stage now holds `events` uncommitted events, the oldest written at
    /// `oldest_ms` (record timestamp).
    pub fn holding(&self, events: usize, oldest_ms: Option<i64>) {
        self.with(|s| {
            s.in_hand = events;
            s.oldest_in_hand_ms = oldest_ms;
        });
    }

    /// What was in hand is committed (or set aside): progress.
    pub fn committed(&self) {
        self.with(|s| {
            s.in_hand = 0;
            s.oldest_in_hand_ms = None;
            s.last_progress = Instant::now();
            s.consecutive_aborts = 0;
            s.last_error = None;
        });
    }

    /// The stage polled and found nothing; if nothing waits either, it is caught up,
    /// which counts as progress.
    pub fn idle(&self, lags: Vec<(String, i32, i64)>) {
        self.with(|s| {
            let waiting: i64 = lags.iter().map(|(_, _, l)| (*l).max(0)).sum();
            s.lags = lags;
            if waiting == 0 && s.in_hand == 0 {
                s.last_progress = Instant::now();
            }
        });
    }

    pub fn lags(&self, lags: Vec<(String, i32, i64)>) {
        self.with(|s| s.lags = lags);
    }

    pub fn aborted(&self, consecutive: u32, error: String) {
        self.with(|s| {
            s.consecutive_aborts = consecutive;
            s.last_error = Some(error);
        });
    }

    pub fn failed(&self, why: String) {
        self.with(|s| s.failed = Some(why));
    }

    /// `None` when the stage is ready, else why not.
    pub fn problem(&self, stall: Duration, abort_limit: u32) -> Option<String> {
        self.with(|s| {
            if let Some(why) = &s.failed {
                return Some(format!("stopped: {why}"));
            }
            if !s.assigned {
                return Some("waiting for a partition assignment".into());
            }
            if s.consecutive_aborts >= abort_limit {
                return Some(format!(
                    "the same batch aborted {} times in a row; last error: {}",
                    s.consecutive_aborts,
                    s.last_error.as_deref().unwrap_or("?")
                ));
            }
            let lag: i64 = s.lags.iter().map(|(_, _, l)| (*l).max(0)).sum();
            let waiting = (s.in_hand as i64).max(lag);
            let since = s.last_progress.elapsed();
            if waiting > 0 && since > stall {
                return Some(format!(
                    "no progress for {} s with {waiting} input events waiting{}",
                    since.as_secs(),
                    s.last_error
                        .as_deref()
                        .map(|e| format!("; last error: {e}"))
                        .unwrap_or_default()
                ));
            }
            None
        })
    }

    fn sample(&self) -> (Vec<(String, i32, i64)>, Duration) {
        self.with(|s| {
            let oldest = match (s.in_hand, s.oldest_in_hand_ms) {
                (0, _) | (_, None) => Duration::ZERO,
                (_, Some(ms)) => {
                    let now = SystemTime::now()
                        .duration_since(UNIX_EPOCH)
                        .map_or(0, |d| d.as_millis() as i64);
                    Duration::from_millis((now - ms).max(0) as u64)
                }
            };
            (s.lags.clone(), oldest)
        })
    }
}

/// Judges the stage every `interval` until `shutdown`: sets `readiness` (with the
/// reason), the ready gauge, the lag and oldest-event gauges, and logs each change.
pub fn spawn_watchdog(
    stage: String,
    progress: StageProgress,
    readiness: Readiness,
    metrics: Metrics,
    stall: Duration,
    abort_limit: u32,
    shutdown: Shutdown,
) -> std::thread::JoinHandle<()> {
    std::thread::Builder::new()
        .name(format!("{stage}-watchdog"))
        .spawn(move || {
            let mut last: Option<Option<String>> = None;
            while !shutdown.is_triggered() {
                let problem = progress.problem(stall, abort_limit);
                if last.as_ref() != Some(&problem) {
                    StageReadinessChanged {
                        stage: &stage,
                        problem: problem.as_deref(),
                        starting: last.is_none(),
                    }
                    .emit(&metrics);
                    readiness.set_problem(problem.as_deref());
                    last = Some(problem);
                }
                let (lags, oldest) = progress.sample();
                StageProgressSampled {
                    stage: &stage,
                    lags: &lags,
                    oldest_unprocessed: oldest,
                }
                .emit(&metrics);
                std::thread::sleep(Duration::from_millis(250));
            }
        })
        .expect("spawning a watchdog thread")
}

#[cfg(test)]
mod tests {
    use super::*;

    const STALL: Duration = Duration::from_millis(50);

    #[test]
    fn ready_once_assigned_and_while_idle() {
        let p = StageProgress::new();
        assert!(p.problem(STALL, 3).unwrap().contains("assignment"));
        p.assigned(true);
        assert_eq!(p.problem(STALL, 3), None);
        std::thread::sleep(STALL * 2);
        p.idle(vec![("in".into(), 0, 0)]);
        assert_eq!(p.problem(STALL, 3), None, "caught up is not stalled");
    }

    #[test]
    fn waiting_input_without_commits_is_a_stall() {
        let p = StageProgress::new();
        p.assigned(true);
        p.holding(4, Some(0));
        assert_eq!(p.problem(STALL, 3), None, "not yet");
        std::thread::sleep(STALL * 2);
        let why = p.problem(STALL, 3).unwrap();
        assert!(
            why.contains("no progress") && why.contains("4 input events"),
            "{why}"
        );
        p.committed();
        assert_eq!(p.problem(STALL, 3), None);
        // Lag alone (nothing delivered: an upstream transaction holds the partition).
        p.idle(vec![("in".into(), 1, 7)]);
        std::thread::sleep(STALL * 2);
        assert!(p.problem(STALL, 3).unwrap().contains("7 input events"));
    }

    #[test]
    fn repeated_aborts_are_reported_with_the_error() {
        let p = StageProgress::new();
        p.assigned(true);
        p.aborted(2, "boom".into());
        assert_eq!(p.problem(STALL, 3), None);
        p.aborted(3, "boom".into());
        let why = p.problem(STALL, 3).unwrap();
        assert!(why.contains("3 times") && why.contains("boom"), "{why}");
        p.failed("fenced".into());
        assert!(p.problem(STALL, 3).unwrap().contains("fenced"));
    }
}
