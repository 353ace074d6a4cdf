//! What the operations view shows besides dead letters: each stage's consumer lag (its
//! group's committed offsets against the input topic's high watermarks, sampled every
//! `SAMPLE_EVERY` for the last hour) and whether it makes progress, and per minute the
//! stories that arrived and their end-to-end latency (from the record in
//! `articles.published` to the last record of the same version's trace).

use crate::store::{Role, Store};
use newswire_shared::config::KafkaSettings;
use newswire_shared::kafka::partition_count;
use newswire_shared::shutdown::Shutdown;
use newswire_shared::Settings;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::{ClientConfig, Offset, TopicPartitionList};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How often lag is sampled.
pub const SAMPLE_EVERY: Duration = Duration::from_secs(5);
/// A stage with input waiting whose committed offsets did not move for this long is
/// shown as stalled.
const STALLED_AFTER: Duration = Duration::from_secs(30);
const HOUR_MS: i64 = 3_600_000;

/// One stage's consumer group and the topic it reads.
#[derive(Debug, Clone)]
pub struct StageGroup {
    pub stage: &'static str,
    pub group: String,
    pub topic: String,
}

pub fn stage_groups(settings: &Settings) -> Vec<StageGroup> {
    vec![
        StageGroup {
            stage: "enricher",
            group: settings.enricher.group_id.clone(),
            topic: settings.topics.published.clone(),
        },
        StageGroup {
            stage: "newsml",
            group: settings.newsml.group_id.clone(),
            topic: settings.topics.enriched.clone(),
        },
        StageGroup {
            stage: "social",
            group: settings.social.group_id.clone(),
            topic: settings.topics.enriched.clone(),
        },
    ]
}

/// A stage as the operations view shows it.
#[derive(Debug, Clone, Serialize)]
pub struct StageHealth {
    pub stage: &'static str,
    pub group: String,
    pub topic: String,
    /// Input records not yet committed, summed over partitions; `None` before the first
    /// sample or when the broker did not answer.
    pub lag: Option<i64>,
    /// `ok`, `behind` (input waiting, progress made), `stalled` (input waiting, no
    /// progress for 30 s) or `unknown` (no answer, or the group committed nothing yet).
    pub state: &'static str,
    /// Milliseconds since the epoch of the sample.
    pub sampled_ms: i64,
}

/// Lag samples of the last hour, per stage.
#[derive(Debug, Clone, Serialize)]
pub struct LagPoint {
    pub at_ms: i64,
    pub lag: i64,
}

#[derive(Default)]
struct Samples {
    health: Vec<StageHealth>,
    history: BTreeMap<&'static str, VecDeque<LagPoint>>,
    /// Per stage: the committed total last seen to change, and when.
    progress: HashMap<&'static str, (i64, Instant)>,
}

/// The shared record of lag samples; cheap to clone.
#[derive(Clone, Default)]
pub struct Lag(Arc<Mutex<Samples>>);

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Lag {
    /// Samples every stage's lag every [`SAMPLE_EVERY`] until `shutdown`; blocking.
    pub fn sample(&self, kafka: &KafkaSettings, stages: &[StageGroup], shutdown: &Shutdown) {
        while !shutdown.is_triggered() {
            let mut health = Vec::with_capacity(stages.len());
            for s in stages {
                let measured = measure(kafka, s);
                let at_ms = now_ms();
                let mut samples = self.0.lock().expect("lag lock");
                let state = match measured {
                    None => "unknown",
                    Some((lag, committed)) => {
                        let entry = samples
                            .progress
                            .entry(s.stage)
                            .or_insert((committed, Instant::now()));
                        if entry.0 != committed {
                            *entry = (committed, Instant::now());
                        }
                        let history = samples.history.entry(s.stage).or_default();
                        history.push_back(LagPoint { at_ms, lag });
                        while history.front().is_some_and(|p| p.at_ms < at_ms - HOUR_MS) {
                            history.pop_front();
                        }
                        let still = samples.progress[s.stage].1.elapsed();
                        if lag == 0 {
                            "ok"
                        } else if still > STALLED_AFTER {
                            "stalled"
                        } else {
                            "behind"
                        }
                    }
                };
                health.push(StageHealth {
                    stage: s.stage,
                    group: s.group.clone(),
                    topic: s.topic.clone(),
                    lag: measured.map(|m| m.0),
                    state,
                    sampled_ms: at_ms,
                });
            }
            self.0.lock().expect("lag lock").health = health;
            let until = Instant::now() + SAMPLE_EVERY;
            while Instant::now() < until && !shutdown.is_triggered() {
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }

    pub fn health(&self) -> Vec<StageHealth> {
        self.0.lock().expect("lag lock").health.clone()
    }

    pub fn history(&self) -> BTreeMap<&'static str, Vec<LagPoint>> {
        let samples = self.0.lock().expect("lag lock");
        samples
            .history
            .iter()
            .map(|(k, v)| (*k, v.iter().cloned().collect()))
            .collect()
    }
}

/// (lag, sum of committed offsets) of one group on its topic; `None` when the broker
/// does not answer. Reading a group's committed offsets does not join the group.
fn measure(kafka: &KafkaSettings, s: &StageGroup) -> Option<(i64, i64)> {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", &kafka.brokers)
        .set("group.id", &s.group)
        .set("enable.auto.commit", "false")
        .create()
        .ok()?;
    let partitions = partition_count(&consumer, &s.topic)?;
    let mut tpl = TopicPartitionList::new();
    for p in 0..partitions {
        tpl.add_partition(&s.topic, p);
    }
    let committed = consumer
        .committed_offsets(tpl, Duration::from_secs(2))
        .ok()?;
    let (mut lag, mut total, mut any_committed) = (0i64, 0i64, false);
    for p in 0..partitions {
        let (low, high) = consumer
            .fetch_watermarks(&s.topic, p, Duration::from_secs(2))
            .ok()?;
        let at = match committed.find_partition(&s.topic, p).map(|e| e.offset()) {
            Some(Offset::Offset(o)) => {
                any_committed = true;
                o
            }
            _ => low,
        };
        lag += (high - at).max(0);
        total += at;
    }
    // A group that has committed nothing (not started yet; or librdkafka's mock cluster,
    // which keeps no transactional offsets) has no lag to tell: unknown, not stalled.
    (any_committed || lag == 0).then_some((lag, total))
}

/// Stories and end-to-end latency in one minute.
#[derive(Debug, Clone, Serialize)]
pub struct Minute {
    /// The minute's start, milliseconds since the epoch.
    pub minute_ms: i64,
    /// Story versions published in it.
    pub stories: usize,
    /// End-to-end latency of those versions, milliseconds (`None` with no version
    /// past the enricher yet).
    pub p50_ms: Option<i64>,
    pub p95_ms: Option<i64>,
    pub p99_ms: Option<i64>,
}

fn percentile(sorted: &[i64], p: f64) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[rank - 1])
}

/// Per minute of the last hour (by when each version was published): versions and the
/// percentiles of their end-to-end latency, oldest minute first.
pub fn minutes(store: &Store, now_ms: i64) -> Vec<Minute> {
    let mut per: BTreeMap<i64, (usize, Vec<i64>)> = BTreeMap::new();
    store.for_each_journey(|journey| {
        let mut versions: HashMap<u64, (Option<i64>, i64)> = HashMap::new();
        for step in journey {
            let Some(v) = step.version else { continue };
            let e = versions.entry(v).or_insert((None, i64::MIN));
            if step.role == Role::Published {
                e.0 = Some(e.0.map_or(step.at_ms, |t: i64| t.min(step.at_ms)));
            } else if step.role != Role::Deadletter && step.role != Role::Delivery {
                // The pipeline's own latency: a subscriber's delivery waits for embargoes,
                // retries and outages of its own.
                e.1 = e.1.max(step.at_ms);
            }
        }
        for (published, last) in versions.into_values() {
            let Some(published) = published else { continue };
            if published < now_ms - HOUR_MS {
                continue;
            }
            let minute = published - published.rem_euclid(60_000);
            let m = per.entry(minute).or_default();
            m.0 += 1;
            if last >= published {
                m.1.push(last - published);
            }
        }
    });
    per.into_iter()
        .map(|(minute_ms, (stories, mut latencies))| {
            latencies.sort_unstable();
            Minute {
                minute_ms,
                stories,
                p50_ms: percentile(&latencies, 0.50),
                p95_ms: percentile(&latencies, 0.95),
                p99_ms: percentile(&latencies, 0.99),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<i64> = (1..=100).collect();
        assert_eq!(percentile(&v, 0.50), Some(50));
        assert_eq!(percentile(&v, 0.95), Some(95));
        assert_eq!(percentile(&v, 0.99), Some(99));
        assert_eq!(percentile(&[7], 0.99), Some(7));
        assert_eq!(percentile(&[], 0.5), None);
    }
}
