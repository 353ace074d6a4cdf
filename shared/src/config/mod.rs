//! The one configuration schema of every Newswire process.
//!
//! Loaded by the `config` crate from an optional TOML file, then `NEWSWIRE__SECTION__KEY`
//! environment variables (e.g. `NEWSWIRE__KAFKA__BROKERS=kafka:9092`). Unknown keys are
//! errors: a typo must fail start-up, never fall back silently to a default.

use crate::access::Entitlement;
use crate::keys::ConfiguredKey;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::Path;

mod delivery;
mod monitor;
mod newsml;
mod social;
pub use delivery::{
    DeliverySettings, DeliverySubscriber, Destination, DropFolderDestination, Format, Password,
    SecretError, SftpDestination, WebhookDestination, WebhookSecret,
};
pub use monitor::MonitorSettings;
pub use newsml::{NewsmlSettings, NewsmlSubscriber};
pub use social::{CorrectionPolicy, Network, SocialAccount, SocialSettings};

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    #[serde(default)]
    pub kafka: KafkaSettings,
    #[serde(default)]
    pub topics: Topics,
    #[serde(default)]
    pub telemetry: TelemetrySettings,
    #[serde(default)]
    pub http: HttpSettings,
    #[serde(default)]
    pub ingest: IngestSettings,
    #[serde(default)]
    pub enricher: EnricherSettings,
    #[serde(default)]
    pub feeds: FeedsSettings,
    #[serde(default)]
    pub newsml: NewsmlSettings,
    #[serde(default)]
    pub social: SocialSettings,
    #[serde(default)]
    pub monitor: MonitorSettings,
    #[serde(default)]
    pub delivery: DeliverySettings,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct KafkaSettings {
    /// Bootstrap servers, `host:port[,host:port…]`.
    #[serde(default = "default_brokers")]
    pub brokers: String,
    /// Upper bound for one transaction; an instance that dies mid-transaction blocks
    /// `read_committed` readers of its partitions for at most this long.
    #[serde(default = "default_transaction_timeout_ms")]
    pub transaction_timeout_ms: u32,
    /// Most input events handled in one consume→produce transaction.
    #[serde(default = "default_batch_max_events")]
    pub batch_max_events: usize,
    /// Longest wait for a batch to fill before it is processed anyway.
    #[serde(default = "default_batch_max_wait_ms")]
    pub batch_max_wait_ms: u64,
    /// Names this instance's transactional producers (`{service}-{instance}`); must be
    /// stable across restarts of one instance and distinct between instances.
    /// Defaults to the host name, which is what containers give each replica.
    #[serde(default)]
    pub instance_id: Option<String>,
    /// How long a publish may wait for the broker's acknowledgement.
    #[serde(default = "default_publish_timeout_ms")]
    pub publish_timeout_ms: u64,
    /// Our producers' `message.max.bytes`: the largest record they send. A record is
    /// checked against the smaller of this and its topic's `max.message.bytes` before it
    /// is produced (413 at ingest, a `too_large` dead letter in a stage).
    #[serde(default = "default_message_max_bytes")]
    pub message_max_bytes: usize,
    /// A stage with input waiting that has committed nothing for this long reports
    /// itself not ready (`/readyz` gives the reason). Keep it above
    /// `transaction_timeout_ms`: an upstream instance that died mid-transaction holds
    /// `read_committed` readers that long, and that is not a stall.
    #[serde(default = "default_stall_timeout_ms")]
    pub stall_timeout_ms: u64,
    /// After this many aborts in a row of the same batch for a reason not known to be
    /// transient, the stage processes it one event per transaction and sets aside the
    /// event that keeps failing.
    #[serde(default = "default_isolate_after_aborts")]
    pub isolate_after_aborts: u32,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Topics {
    #[serde(default = "default_topic_published")]
    pub published: String,
    #[serde(default = "default_topic_enriched")]
    pub enriched: String,
    #[serde(default = "default_topic_newsml")]
    pub newsml: String,
    #[serde(default = "default_topic_social")]
    pub social: String,
    #[serde(default = "default_topic_deadletter")]
    pub deadletter: String,
    /// The delivery ledger: what each subscriber's destination received, compacted,
    /// keyed `{subscriber}/{destination}/{story}`, partitioned as `articles.enriched`.
    #[serde(default = "default_topic_ledger")]
    pub ledger: String,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TelemetrySettings {
    /// `text` for people, `json` for log collectors.
    #[serde(default)]
    pub log_format: LogFormat,
    /// A `tracing` filter such as `info` or `newswire_feeds=debug,info`; `RUST_LOG` wins.
    #[serde(default = "default_log_level")]
    pub log_level: String,
}

/// How every HTTP server of the process treats connections (ingest, feeds, NewsML, the
/// health endpoints, `newswire dev`): one policy, applied in `crate::server`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HttpSettings {
    /// Once the first byte of a request has arrived, its request line and headers must
    /// be complete within this many milliseconds, or the connection is closed.
    #[serde(default = "default_header_read_timeout_ms")]
    pub header_read_timeout_ms: u64,
    /// A connection with no request in progress (a new one that sent nothing, or a
    /// kept-alive one between requests) is closed after this many milliseconds.
    #[serde(default = "default_idle_timeout_ms")]
    pub idle_timeout_ms: u64,
    /// Most connections open at once per server; further clients wait in the listen
    /// backlog until one closes. Lowered to what the process's file limit allows.
    #[serde(default = "default_max_connections")]
    pub max_connections: usize,
    /// Largest request line plus headers, in bytes; larger heads get 431.
    #[serde(default = "default_max_header_bytes")]
    pub max_header_bytes: usize,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct IngestSettings {
    /// Address of the newsroom API (and its /healthz, /readyz, /metrics).
    #[serde(default = "default_ingest_listen")]
    pub listen: SocketAddr,
    /// Largest accepted request body; larger ones get 413.
    #[serde(default = "default_max_body_bytes")]
    pub max_body_bytes: usize,
    /// CloudEvents `source` of the events ingest publishes.
    #[serde(default = "default_ingest_source")]
    pub source: String,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EnricherSettings {
    /// Address of /healthz, /readyz and /metrics.
    #[serde(default = "default_enricher_listen")]
    pub listen: SocketAddr,
    /// Consumer group shared by all enricher replicas.
    #[serde(default = "default_enricher_group")]
    pub group_id: String,
    /// CloudEvents `source` of the enriched events.
    #[serde(default = "default_enricher_source")]
    pub source: String,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FeedsSettings {
    /// Address of the feeds (and /healthz, /readyz, /metrics).
    #[serde(default = "default_feeds_listen")]
    pub listen: SocketAddr,
    /// Public base URL of this service, used for self links.
    #[serde(default = "default_feeds_base_url")]
    pub base_url: String,
    /// Feed title shown by readers.
    #[serde(default = "default_feeds_title")]
    pub title: String,
    /// Items per feed, newest first.
    #[serde(default = "default_items_per_feed")]
    pub items_per_feed: usize,
    /// `Cache-Control: max-age` of feed responses, in seconds.
    #[serde(default = "default_max_age_secs")]
    pub max_age_secs: u32,
    /// WebSub hub announced in every feed (`Link rel="hub"`), if any.
    #[serde(default)]
    pub hub: Option<String>,
    /// Runs our own WebSub hub at `{base_url}/websub` for the public feeds (W3C WebSub
    /// Recommendation): subscriptions verified with the subscriber, leases, content
    /// pushed on every change (kills included), signed with `hub.secret`. The feeds
    /// announce it unless `hub` names another.
    #[serde(default)]
    pub websub: bool,
    /// Feeds anyone may read, as entitlement patterns (`crate::access`): `all`,
    /// `section/*`, `*` (everything). Every other feed needs a subscriber key entitled
    /// to it.
    #[serde(default = "default_public_feeds")]
    pub public: Vec<String>,
    /// Subscriber keys and the feeds each may read.
    #[serde(default)]
    pub subscribers: Vec<Subscriber>,
    /// Directory of the crash-safe feed store (stories and consumer offsets, saved in
    /// one transaction); without it the store lives in memory and is rebuilt from
    /// `articles.enriched` at start.
    #[serde(default)]
    pub data_dir: Option<std::path::PathBuf>,
    /// Requests per minute allowed to each subscriber key; 429 beyond it.
    #[serde(default = "default_rate_limit_per_minute")]
    pub rate_limit_per_minute: u32,
    /// The note put before a corrected version's body, by the story's BCP 47 language
    /// tag (`ru = "Исправлено: …"`): added to, or replacing, the built-in notes
    /// (`services/feeds/src/render/format/notes.rs`); `""` turns a language's note off. A story in a
    /// language without a note gets none — only the structured `correction` category —
    /// never a note in another language.
    #[serde(default)]
    pub correction_notes: std::collections::BTreeMap<String, String>,
}

/// One subscriber outlet.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Subscriber {
    /// For logs and metrics; never shown to other subscribers.
    pub name: String,
    /// Sent as `Authorization: Bearer KEY`, `X-API-Key: KEY` or `?key=KEY`: the secret
    /// (≥ 16 characters) or `sha256:` and its digest in hex. Same as one `keys` entry.
    #[serde(default)]
    pub key: Option<ConfiguredKey>,
    /// One or two keys (two while a key is being rotated), each as `key`.
    #[serde(default)]
    pub keys: Vec<ConfiguredKey>,
    /// Entitlement patterns: the feeds this subscriber may read (`section/*`,
    /// `lang/ru`, `section/sport?lang=ru`, `*`).
    pub feeds: Vec<String>,
}

impl Subscriber {
    /// A subscriber with one key, as tests and examples write them.
    pub fn new(name: &str, key: &str, feeds: &[&str]) -> Self {
        Self {
            name: name.into(),
            key: Some(ConfiguredKey::new(key)),
            keys: Vec::new(),
            feeds: feeds.iter().map(|f| f.to_string()).collect(),
        }
    }

    /// Every key of this subscriber: `key`, then `keys`.
    pub fn all_keys(&self) -> impl Iterator<Item = &ConfiguredKey> {
        self.key.iter().chain(&self.keys)
    }
}

fn default_brokers() -> String {
    "127.0.0.1:9092".into()
}
fn default_transaction_timeout_ms() -> u32 {
    10_000
}
fn default_batch_max_events() -> usize {
    500
}
fn default_batch_max_wait_ms() -> u64 {
    5
}
fn default_publish_timeout_ms() -> u64 {
    30_000
}
fn default_message_max_bytes() -> usize {
    // librdkafka's own default, below Kafka's default max.message.bytes (1,048,588).
    1_000_000
}
fn default_stall_timeout_ms() -> u64 {
    30_000
}
fn default_isolate_after_aborts() -> u32 {
    3
}
fn default_topic_published() -> String {
    "articles.published".into()
}
fn default_topic_enriched() -> String {
    "articles.enriched".into()
}
fn default_topic_newsml() -> String {
    "newsml.items".into()
}
fn default_topic_social() -> String {
    "social.posts".into()
}
fn default_topic_deadletter() -> String {
    "deadletter".into()
}
fn default_topic_ledger() -> String {
    "delivery.ledger".into()
}
fn default_log_level() -> String {
    "info".into()
}
fn default_header_read_timeout_ms() -> u64 {
    10_000
}
fn default_idle_timeout_ms() -> u64 {
    75_000
}
fn default_max_connections() -> usize {
    10_000
}
fn default_max_header_bytes() -> usize {
    16 * 1024
}
fn default_ingest_listen() -> SocketAddr {
    ([0, 0, 0, 0], 8080).into()
}
fn default_max_body_bytes() -> usize {
    1 << 20
}
fn default_ingest_source() -> String {
    "urn:newswire:ingest".into()
}
fn default_enricher_listen() -> SocketAddr {
    ([0, 0, 0, 0], 8081).into()
}
fn default_enricher_group() -> String {
    "newswire-enricher".into()
}
fn default_enricher_source() -> String {
    "urn:newswire:enricher".into()
}
fn default_feeds_listen() -> SocketAddr {
    ([0, 0, 0, 0], 8082).into()
}
fn default_feeds_base_url() -> String {
    "http://localhost:8082".into()
}
fn default_feeds_title() -> String {
    "Newswire".into()
}
fn default_items_per_feed() -> usize {
    50
}
fn default_max_age_secs() -> u32 {
    60
}
fn default_public_feeds() -> Vec<String> {
    vec!["*".into()]
}
fn default_rate_limit_per_minute() -> u32 {
    600
}

macro_rules! default_from_serde {
    ($($t:ty),*) => {$(
        impl Default for $t {
            fn default() -> Self {
                serde_json::from_value(serde_json::json!({})).expect("every field has a default")
            }
        }
    )*};
}
default_from_serde!(
    KafkaSettings,
    Topics,
    TelemetrySettings,
    HttpSettings,
    IngestSettings,
    EnricherSettings,
    FeedsSettings,
    Settings
);

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration: {0}")]
    Load(#[from] config::ConfigError),
    #[error("configuration: `{field}` {problem}")]
    Invalid {
        field: &'static str,
        problem: String,
    },
}

impl Settings {
    /// File (optional) first, then `NEWSWIRE__…` variables from the environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        Self::load_from(file, std::env::vars())
    }

    /// As [`Settings::load`] with the environment given, for tests.
    pub fn load_from(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let mut builder = config::Config::builder();
        if let Some(path) = file {
            builder = builder.add_source(config::File::from(path).required(true));
        }
        let env: config::Map<String, String> = env
            .into_iter()
            .filter(|(k, _)| k.starts_with("NEWSWIRE__"))
            .collect();
        builder = builder.add_source(
            config::Environment::with_prefix("NEWSWIRE")
                .prefix_separator("__")
                .separator("__")
                .try_parsing(true)
                .source(Some(env)),
        );
        let settings: Settings = builder.build()?.try_deserialize()?;
        settings.validated()
    }

    /// Cross-field checks, in one place, each naming its field.
    pub fn validated(self) -> Result<Self, ConfigError> {
        let invalid = |field, problem: &str| {
            Err(ConfigError::Invalid {
                field,
                problem: problem.to_string(),
            })
        };
        if self.kafka.brokers.trim().is_empty() {
            return invalid("kafka.brokers", "must name at least one broker");
        }
        if self.kafka.batch_max_events == 0 {
            return invalid("kafka.batch_max_events", "must be at least 1");
        }
        if self.kafka.transaction_timeout_ms < 1_000 {
            return invalid("kafka.transaction_timeout_ms", "must be at least 1000");
        }
        if !(1_000..=1_000_000_000).contains(&self.kafka.message_max_bytes) {
            return invalid(
                "kafka.message_max_bytes",
                "must be between 1000 and 1000000000 (librdkafka's range)",
            );
        }
        if self.kafka.stall_timeout_ms < 1_000 {
            return invalid("kafka.stall_timeout_ms", "must be at least 1000");
        }
        if self.kafka.isolate_after_aborts == 0 {
            return invalid("kafka.isolate_after_aborts", "must be at least 1");
        }
        let topics = [
            ("topics.published", &self.topics.published),
            ("topics.enriched", &self.topics.enriched),
            ("topics.newsml", &self.topics.newsml),
            ("topics.social", &self.topics.social),
            ("topics.deadletter", &self.topics.deadletter),
            ("topics.ledger", &self.topics.ledger),
        ];
        for (field, name) in topics {
            if name.is_empty()
                || !name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
            {
                return invalid(field, "must be a Kafka topic name (letters, digits, . _ -)");
            }
        }
        if self.topics.published == self.topics.enriched {
            return invalid("topics.enriched", "must differ from topics.published");
        }
        if self.ingest.max_body_bytes < 1024 {
            return invalid("ingest.max_body_bytes", "must be at least 1024");
        }
        if self.feeds.items_per_feed == 0 {
            return invalid("feeds.items_per_feed", "must be at least 1");
        }
        self.validate_access()?;
        if let Err((field, problem)) = self.delivery.check() {
            return Err(ConfigError::Invalid { field, problem });
        }
        if self.http.header_read_timeout_ms == 0 {
            return invalid("http.header_read_timeout_ms", "must be at least 1");
        }
        if self.http.idle_timeout_ms == 0 {
            return invalid("http.idle_timeout_ms", "must be at least 1");
        }
        if self.http.max_connections == 0 {
            return invalid("http.max_connections", "must be at least 1");
        }
        if self.http.max_header_bytes < 1024 {
            return invalid("http.max_header_bytes", "must be at least 1024");
        }
        if self.feeds.rate_limit_per_minute == 0 {
            return invalid("feeds.rate_limit_per_minute", "must be at least 1");
        }
        if self.newsml.rate_limit_per_minute == 0 {
            return invalid("newsml.rate_limit_per_minute", "must be at least 1");
        }
        for s in &self.newsml.subscribers {
            if s.name.is_empty() || s.name.contains(['/', '\\']) {
                return invalid(
                    "newsml.subscribers.name",
                    "must be a non-empty name without slashes",
                );
            }
        }
        if !self.newsml.provider_uri.contains(':') {
            return invalid("newsml.provider_uri", "must be an absolute URI");
        }
        let mut seen = std::collections::HashSet::new();
        for account in &self.social.accounts {
            if account.name.trim().is_empty() {
                return invalid("social.accounts.name", "must not be empty");
            }
            if !seen.insert((account.network, account.name.as_str())) {
                return invalid("social.accounts.name", "must be unique per network");
            }
            if account.hashtags > 3 {
                return invalid("social.accounts.hashtags", "must be 0 to 3");
            }
            if account.limit == Some(0) {
                return invalid("social.accounts.limit", "must be at least 1");
            }
            if account.thread_max_posts == 0 {
                return invalid("social.accounts.thread_max_posts", "must be at least 1");
            }
        }
        if !self.feeds.base_url.starts_with("http://")
            && !self.feeds.base_url.starts_with("https://")
        {
            return invalid("feeds.base_url", "must be an absolute http(s) URL");
        }
        Ok(self)
    }

    /// Entitlement patterns parse; every subscriber has one or two valid keys (NewsML
    /// subscribers may have none: drop folder only) and no key opens two subscribers.
    /// Errors name the field, never a key.
    fn validate_access(&self) -> Result<(), ConfigError> {
        let invalid = |field, problem: String| Err(ConfigError::Invalid { field, problem });
        let patterns = |field, list: &[String]| match Entitlement::parse(list) {
            Ok(_) => Ok(()),
            Err(e) => invalid(field, e.to_string()),
        };
        patterns("feeds.public", &self.feeds.public)?;
        patterns(
            "newsml.public",
            self.newsml.public.as_deref().unwrap_or_default(),
        )?;
        let mut seen = std::collections::HashSet::new();
        for s in &self.feeds.subscribers {
            patterns("feeds.subscribers.feeds", &s.feeds)?;
            let keys: Vec<_> = s.all_keys().collect();
            if keys.is_empty() || keys.len() > 2 {
                return invalid(
                    "feeds.subscribers.keys",
                    format!(
                        "subscriber {:?} must have one or two keys (key, keys)",
                        s.name
                    ),
                );
            }
            for k in keys {
                match k.digest() {
                    Err(e) => {
                        return invalid("feeds.subscribers.keys", format!("of {:?} {e}", s.name))
                    }
                    Ok(d) if !seen.insert(d.to_config()) => {
                        return invalid(
                            "feeds.subscribers.keys",
                            format!("of {:?} is also another subscriber's key", s.name),
                        )
                    }
                    Ok(_) => {}
                }
            }
        }
        let feeds_keys = seen;
        let mut seen = std::collections::HashSet::new();
        for s in &self.newsml.subscribers {
            patterns("newsml.subscribers.items", &s.items)?;
            let keys: Vec<_> = s.all_keys().collect();
            if keys.len() > 2 {
                return invalid(
                    "newsml.subscribers.keys",
                    format!(
                        "subscriber {:?} may have at most two keys (key, keys)",
                        s.name
                    ),
                );
            }
            for k in keys {
                match k.digest() {
                    Err(e) => {
                        return invalid("newsml.subscribers.keys", format!("of {:?} {e}", s.name))
                    }
                    Ok(d) if !seen.insert(d.to_config()) => {
                        return invalid(
                            "newsml.subscribers.keys",
                            format!("of {:?} is also another subscriber's key", s.name),
                        )
                    }
                    Ok(_) => {}
                }
            }
        }
        // An operator's key opens every story, embargoed ones included: it must not
        // also be a subscriber's, whose key travels with their feed reader.
        for k in &self.monitor.operator_keys {
            match k.digest() {
                Err(e) => return invalid("monitor.operator_keys", format!("a key {e}")),
                Ok(d) if feeds_keys.contains(&d.to_config()) || seen.contains(&d.to_config()) => {
                    return invalid(
                        "monitor.operator_keys",
                        "a key is also a subscriber's key; give operators keys of their own".into(),
                    )
                }
                Ok(_) => {}
            }
        }
        Ok(())
    }

    /// This instance's stable name, for transactional ids.
    pub fn instance_id(&self) -> String {
        self.kafka.instance_id.clone().unwrap_or_else(|| {
            hostname::get()
                .ok()
                .and_then(|h| h.into_string().ok())
                .unwrap_or_else(|| "local".into())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_without_file_or_env() {
        let s = Settings::load_from(None, env(&[])).unwrap();
        assert_eq!(s, Settings::default());
        assert_eq!(s.topics.published, "articles.published");
        assert_eq!(s.feeds.items_per_feed, 50);
    }

    #[test]
    fn file_then_environment() {
        let dir = std::env::temp_dir().join(format!("newswire-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("newswire.toml");
        std::fs::write(
            &file,
            "[kafka]\nbrokers = \"file:9092\"\n[feeds]\nitems_per_feed = 10\n",
        )
        .unwrap();
        let s = Settings::load_from(
            Some(&file),
            env(&[("NEWSWIRE__KAFKA__BROKERS", "env:9092"), ("OTHER", "x")]),
        )
        .unwrap();
        assert_eq!(s.kafka.brokers, "env:9092");
        assert_eq!(s.feeds.items_per_feed, 10);
    }

    #[test]
    fn social_accounts_from_a_file_are_checked() {
        let dir = std::env::temp_dir().join(format!("newswire-social-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("newswire.toml");
        let write = |accounts: &str| std::fs::write(&file, accounts).unwrap();
        write("[[social.accounts]]\nname = \"belta_ru\"\nnetwork = \"telegram\"\nlanguages = [\"ru\"]\nutm = { utm_source = \"telegram\" }\n");
        let s = Settings::load_from(Some(&file), env(&[])).unwrap();
        assert_eq!(s.social.accounts.len(), 1);
        assert_eq!(s.social.accounts[0].network, Network::Telegram);
        assert_eq!(s.social.accounts[0].utm["utm_source"], "telegram");
        write("[[social.accounts]]\nname = \"a\"\nnetwork = \"x\"\nhashtags = 4\n");
        let err = Settings::load_from(Some(&file), env(&[])).unwrap_err();
        assert!(
            err.to_string().contains("social.accounts.hashtags"),
            "{err}"
        );
        write("[[social.accounts]]\nname = \"a\"\nnetwork = \"myspace\"\n");
        let err = Settings::load_from(Some(&file), env(&[])).unwrap_err();
        assert!(err.to_string().contains("myspace"), "{err}");
    }

    #[test]
    fn unknown_keys_and_bad_values_name_the_field() {
        let err = Settings::load_from(None, env(&[("NEWSWIRE__FEEDS__ITEMS_PER_FEDE", "3")]))
            .unwrap_err();
        assert!(err.to_string().contains("items_per_fede"), "{err}");
        let err = Settings::load_from(None, env(&[("NEWSWIRE__FEEDS__ITEMS_PER_FEED", "0")]))
            .unwrap_err();
        assert!(err.to_string().contains("feeds.items_per_feed"), "{err}");
        let err = Settings::load_from(
            None,
            env(&[("NEWSWIRE__TOPICS__DEADLETTER", "dead letter")]),
        )
        .unwrap_err();
        assert!(err.to_string().contains("topics.deadletter"), "{err}");
    }
}

#[cfg(test)]
mod example_file {
    use super::*;

    /// The example in deploy/ documents every key; it must load and equal the defaults.
    #[test]
    fn example_configuration_is_the_defaults() {
        let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/newswire.example.toml");
        let loaded = Settings::load_from(Some(&file), Vec::new()).unwrap();
        assert_eq!(loaded, Settings::default());
    }
}
