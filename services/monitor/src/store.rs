//! What the monitor knows: every story it has seen on the topics, each version, its
//! outputs, its dead letters and its journey (every record of its trace, with the time
//! the record was written), kept in memory and told to the page as it changes.

use chrono::{DateTime, Utc};
use newswire_shared::article::Status;
use newswire_shared::Article;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;

/// Which topic a record came from, in the pipeline's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Published,
    Enriched,
    Newsml,
    Social,
    /// A subscriber's destination received a version (the delivery ledger).
    Delivery,
    Deadletter,
}

/// One step of a story's journey: a record of its trace.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// The topic's role and name.
    pub role: Role,
    pub topic: String,
    /// Who wrote it (`ce_source`, or `dlq_stage` for a dead letter).
    pub writer: Option<String>,
    pub version: Option<u64>,
    /// When the record was written (its Kafka timestamp), in milliseconds since the epoch.
    pub at_ms: i64,
    pub trace_id: Option<String>,
    pub span_id: Option<String>,
    pub partition: i32,
    pub offset: i64,
    /// A few words: the post's network and action, the dead letter's reason.
    pub detail: Option<String>,
}

/// An item as the NewsML stage rendered it.
#[derive(Debug, Clone, Serialize)]
pub struct NewsmlOutput {
    pub version: Option<u64>,
    pub content_type: Option<String>,
    pub document: String,
}

/// A dead letter of the story (or of an event whose key named no story we know).
#[derive(Debug, Clone, Serialize)]
pub struct DeadLetter {
    pub key: Option<String>,
    pub kind: Option<String>,
    pub field: Option<String>,
    pub reason: Option<String>,
    pub stage: Option<String>,
    pub origin: Option<String>,
    /// Where the dead letter is in the dead-letter topic (`partition:offset`, what
    /// replay names it by).
    pub partition: i32,
    pub offset: i64,
    pub at_ms: i64,
    pub trace_id: Option<String>,
    /// Times it was replayed before (`dlq_replays`).
    pub replays: u32,
    /// Written without its payload: replay cannot send it back.
    pub payload_dropped: bool,
}

#[derive(Debug, Clone, Default)]
struct Story {
    /// Each version as last seen: its enriched form once the enricher has written it.
    versions: BTreeMap<u64, Article>,
    journey: Vec<Step>,
    newsml: Vec<NewsmlOutput>,
    posts: Vec<serde_json::Value>,
    dead: Vec<DeadLetter>,
    first_seen_ms: i64,
    arrival: u64,
}

/// An entity as a chip on the list.
#[derive(Debug, Clone, Serialize)]
pub struct Chip {
    pub name: String,
    #[serde(rename = "type")]
    pub entity_type: String,
    pub id: Option<String>,
}

/// A correction: the version before it and the fields that changed.
#[derive(Debug, Clone, Serialize)]
pub struct Correction {
    pub from_version: u64,
    pub changed: Vec<&'static str>,
}

/// A story as the list shows it: its latest version and its marks.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub id: String,
    pub version: u64,
    pub versions: usize,
    /// The Kafka timestamp of the story's first record, in milliseconds since the epoch.
    pub first_seen_ms: i64,
    /// The order in which this monitor first read the story (stories written in the
    /// same millisecond — a newsroom's batch — keep the order they were read in).
    pub arrival: u64,
    pub version_created: DateTime<Utc>,
    pub urgency: u8,
    pub language: Option<String>,
    pub section: Option<String>,
    pub headline: String,
    pub byline: Option<String>,
    pub entities: Vec<Chip>,
    pub embargo_until: Option<DateTime<Utc>>,
    /// `usable`, `withheld` or `canceled` (killed).
    pub status: &'static str,
    pub enriched: bool,
    pub correction: Option<Correction>,
    pub trace_id: Option<String>,
    pub newsml_items: usize,
    pub posts: usize,
    pub dead_letters: usize,
    /// Steps of its journey so far (a delivery to a subscriber adds one).
    pub steps: usize,
}

/// Everything about one story, for its own view.
#[derive(Debug, Clone, Serialize)]
pub struct Detail {
    pub summary: Summary,
    pub versions: Vec<Article>,
    pub journey: Vec<Step>,
    pub newsml: Vec<NewsmlOutput>,
    pub posts: Vec<serde_json::Value>,
    pub dead_letters: Vec<DeadLetter>,
}

fn status_name(s: Status) -> &'static str {
    match s {
        Status::Usable => "usable",
        Status::Withheld => "withheld",
        Status::Canceled => "canceled",
    }
}

impl Story {
    fn summary(&self, id: &str) -> Option<Summary> {
        let (&version, latest) = self.versions.iter().next_back()?;
        let correction = self
            .versions
            .range(..version)
            .next_back()
            .map(|(&from, before)| Correction {
                from_version: from,
                changed: [
                    ("headline", before.headline != latest.headline),
                    ("body", before.body != latest.body),
                    ("summary", before.summary != latest.summary),
                    ("byline", before.byline != latest.byline),
                    ("embargo", before.embargo_until != latest.embargo_until),
                    ("status", before.status != latest.status),
                ]
                .into_iter()
                .filter_map(|(f, changed)| changed.then_some(f))
                .collect(),
            });
        let enrichment = latest.enrichment.as_ref();
        Some(Summary {
            id: id.to_string(),
            version,
            versions: self.versions.len(),
            first_seen_ms: self.first_seen_ms,
            arrival: self.arrival,
            version_created: latest.version_created,
            urgency: latest.urgency,
            language: enrichment
                .map(|e| e.language.clone())
                .or_else(|| latest.language.clone()),
            section: latest.section.clone(),
            headline: latest.headline.clone(),
            byline: latest.byline.clone(),
            entities: enrichment
                .map(|e| {
                    e.entities
                        .iter()
                        .take(8)
                        .map(|x| Chip {
                            name: x.name.clone(),
                            entity_type: serde_json::to_value(x.entity_type)
                                .ok()
                                .and_then(|v| v.as_str().map(String::from))
                                .unwrap_or_default(),
                            id: x.id.clone(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            embargo_until: latest.embargo_until,
            status: status_name(latest.status),
            enriched: enrichment.is_some(),
            correction,
            trace_id: self
                .journey
                .iter()
                .rev()
                .find(|s| s.version == Some(version) && s.trace_id.is_some())
                .and_then(|s| s.trace_id.clone()),
            newsml_items: self.newsml.len(),
            posts: self.posts.len(),
            dead_letters: self.dead.len(),
            steps: self.journey.len(),
        })
    }
}

/// What arrived, as the consumer hands it over.
pub enum Arrival {
    Article {
        role: Role,
        article: Box<Article>,
        step: Step,
    },
    Newsml {
        id: String,
        output: NewsmlOutput,
        step: Step,
    },
    Post {
        id: String,
        post: serde_json::Value,
        step: Step,
    },
    Dead {
        letter: DeadLetter,
        step: Step,
    },
    /// A destination received a version of story `id`.
    Delivery {
        id: String,
        step: Step,
    },
}

struct Inner {
    stories: HashMap<String, Story>,
    /// Ids by first arrival, to forget the oldest beyond `max`.
    order: VecDeque<String>,
    /// Every dead letter, newest last (bounded like the stories).
    dead: VecDeque<DeadLetter>,
    max: usize,
    /// Stories first read so far.
    arrivals: u64,
}

/// A story changed: its id and its summary as JSON.
#[derive(Debug)]
pub struct Change {
    pub id: String,
    pub json: String,
}

/// The monitor's memory; cheap to clone.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Mutex<Inner>>,
    /// `None` once closed: the live streams end, so a server shutting down is not held
    /// open by them.
    changes: Arc<Mutex<Option<broadcast::Sender<Arc<Change>>>>>,
}

impl Store {
    pub fn new(max_stories: usize) -> Self {
        let (changes, _) = broadcast::channel(4096);
        Self {
            inner: Arc::new(Mutex::new(Inner {
                stories: HashMap::new(),
                order: VecDeque::new(),
                dead: VecDeque::new(),
                max: max_stories.max(1),
                arrivals: 0,
            })),
            changes: Arc::new(Mutex::new(Some(changes))),
        }
    }

    /// Ends every live stream (at shutdown); later changes are told to nobody.
    pub fn close(&self) {
        self.changes.lock().expect("changes lock").take();
    }

    /// Each changed story's summary, as it changes; a receiver that falls behind is
    /// told it lagged (the page then reloads the list).
    pub fn subscribe(&self) -> Option<broadcast::Receiver<Arc<Change>>> {
        self.changes
            .lock()
            .expect("changes lock")
            .as_ref()
            .map(broadcast::Sender::subscribe)
    }

    pub fn apply(&self, arrival: Arrival) {
        let mut inner = self.inner.lock().expect("store lock");
        let (id, step) = match arrival {
            Arrival::Article {
                role,
                article,
                step,
            } => {
                let id = article.id.clone();
                let story = inner.story(&id, step.at_ms);
                let keep = match story.versions.get(&article.version) {
                    // The enriched form wins over the published one, whatever the order.
                    Some(held) => role == Role::Enriched || held.enrichment.is_none(),
                    None => true,
                };
                if keep {
                    story.versions.insert(article.version, *article);
                }
                (id, step)
            }
            Arrival::Newsml { id, output, step } => {
                inner.story(&id, step.at_ms).newsml.push(output);
                (id, step)
            }
            Arrival::Post { id, post, step } => {
                inner.story(&id, step.at_ms).posts.push(post);
                (id, step)
            }
            // Only for a story read from its own topics: the ledger is compacted and
            // keeps keys of stories long gone, which must not become stories here.
            Arrival::Delivery { id, step } => {
                if !inner.stories.contains_key(&id) {
                    return;
                }
                (id, step)
            }
            Arrival::Dead { letter, step } => {
                inner.dead.push_back(letter.clone());
                if inner.dead.len() > inner.max {
                    inner.dead.pop_front();
                }
                let Some(id) = letter.key.clone() else { return };
                inner.story(&id, step.at_ms).dead.push(letter);
                (id, step)
            }
        };
        let story = inner.stories.get_mut(&id).expect("just added");
        story.journey.push(step);
        let summary = story.summary(&id);
        drop(inner);
        if let Some(summary) = summary {
            let json = Arc::new(Change {
                id,
                json: serde_json::to_string(&summary).expect("a summary serialises"),
            });
            if let Some(changes) = &*self.changes.lock().expect("changes lock") {
                // Nobody listening is fine.
                let _ = changes.send(json);
            }
        }
    }

    /// The latest `limit` stories to arrive, newest first.
    pub fn list(&self, limit: usize) -> Vec<Summary> {
        let inner = self.inner.lock().expect("store lock");
        inner
            .order
            .iter()
            .rev()
            .filter_map(|id| inner.stories.get(id)?.summary(id))
            .take(limit)
            .collect()
    }

    pub fn detail(&self, id: &str) -> Option<Detail> {
        let inner = self.inner.lock().expect("store lock");
        let story = inner.stories.get(id)?;
        let mut journey = story.journey.clone();
        journey.sort_by_key(|s| (s.at_ms, s.role as u8));
        Some(Detail {
            summary: story.summary(id)?,
            versions: story.versions.values().cloned().collect(),
            journey,
            newsml: story.newsml.clone(),
            posts: story.posts.clone(),
            dead_letters: story.dead.clone(),
        })
    }

    /// Calls `each` with every story's journey (under the store's lock: keep it short).
    pub fn for_each_journey(&self, mut each: impl FnMut(&[Step])) {
        let inner = self.inner.lock().expect("store lock");
        for story in inner.stories.values() {
            each(&story.journey);
        }
    }

    /// Every dead letter kept, newest first.
    pub fn dead_letters(&self) -> Vec<DeadLetter> {
        let inner = self.inner.lock().expect("store lock");
        inner.dead.iter().rev().cloned().collect()
    }
}

impl Inner {
    fn story(&mut self, id: &str, at_ms: i64) -> &mut Story {
        if !self.stories.contains_key(id) {
            self.order.push_back(id.to_string());
            if self.order.len() > self.max {
                if let Some(old) = self.order.pop_front() {
                    self.stories.remove(&old);
                }
            }
            self.arrivals += 1;
            self.stories.insert(
                id.to_string(),
                Story {
                    first_seen_ms: at_ms,
                    arrival: self.arrivals,
                    ..Story::default()
                },
            );
        }
        self.stories.get_mut(id).expect("present")
    }
}
