//! Settings of the `delivery` service: push delivery of every story version to each
//! subscriber's own destinations (signed webhooks, SFTP, drop folders) and the WebSub
//! hub of our feeds.
//!
//! As in Vector's sinks, the struct is the contract: every field is documented, has a
//! named default, and is checked in [`DeliverySettings::check`], with errors that name
//! the field. Secrets are kept in types whose `Debug` shows no secret.

use crate::keys::ConfiguredKey;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DeliverySettings {
    /// Address of the admin API (`/v1/subscribers…`), the WebSub hub (`/websub`) and
    /// /healthz, /readyz, /metrics.
    #[serde(default = "default_listen")]
    pub listen: SocketAddr,
    /// Consumer group shared by every delivery replica: each delivers the stories of
    /// the `articles.enriched` partitions Kafka gives it.
    #[serde(default = "default_group")]
    pub group_id: String,
    /// Keys of the operators who may read `/v1/subscribers` and ask for resends: the
    /// secret (≥ 16 characters) or `sha256:HEX`, as subscriber keys. None: the admin
    /// API answers 401 to everyone.
    #[serde(default)]
    pub admin_keys: Vec<ConfiguredKey>,
    /// First wait after a failed attempt, in milliseconds; each failure in a row
    /// doubles it (with jitter: a random wait between half and all of it).
    #[serde(default = "default_retry_initial_ms")]
    pub retry_initial_ms: u64,
    /// Longest wait between two attempts, in milliseconds.
    #[serde(default = "default_retry_max_ms")]
    pub retry_max_ms: u64,
    /// A destination whose attempts have failed for this many seconds in a row is
    /// suspended: its undelivered versions are given up (an operator resends them),
    /// it gets nothing more until a resend, and an error is logged and counted.
    #[serde(default = "default_suspend_after_secs")]
    pub suspend_after_secs: u64,
    /// Longest one attempt may take (connect, send, answer), in milliseconds.
    #[serde(default = "default_request_timeout_ms")]
    pub request_timeout_ms: u64,
    /// Deliveries of different stories in flight at once per destination (versions of
    /// one story always go one after another, in order).
    #[serde(default = "default_max_in_flight")]
    pub max_in_flight: usize,
    /// How often what was delivered is committed to the ledger (with the input
    /// offsets), in milliseconds: a crash repeats at most this much, under the same
    /// `webhook-id`, which receivers dedupe on.
    #[serde(default = "default_commit_interval_ms")]
    pub commit_interval_ms: u64,
    /// Who receives what, and where.
    #[serde(default)]
    pub subscribers: Vec<DeliverySubscriber>,
}

/// One subscriber: what it is entitled to and where its stories go.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DeliverySubscriber {
    /// For logs, metrics, the ledger and the admin API; letters, digits, `.`, `_`, `-`.
    pub name: String,
    /// Entitlement patterns (as `newsml.subscribers.items`): the stories this
    /// subscriber receives, each version decided by `Entitlement::admits` on its facts.
    #[serde(default = "default_items")]
    pub items: Vec<String>,
    /// Receives embargoed versions at once (marked embargoed in the document), trusted
    /// to hold them; everyone else gets them when the embargo passes.
    #[serde(default)]
    pub trust_embargo: bool,
    /// Where the stories go; each destination has its own queue, retries and ledger.
    #[serde(default)]
    pub destinations: Vec<Destination>,
}

/// What a destination receives for each version.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Hash, Default)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// IPTC ninjs 3.2 (`application/json`).
    #[default]
    Ninjs,
    /// The NewsML-G2 document `newsml.items` carries (a `newsItem`, or for a story
    /// with media the `newsMessage` of its package).
    Newsml,
    /// The enriched article event itself (`articles.enriched`, JSON).
    Article,
}

/// One destination, tagged by `type`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Destination {
    Webhook(WebhookDestination),
    Sftp(SftpDestination),
    DropFolder(DropFolderDestination),
}

impl Destination {
    /// The destination's name within its subscriber: its `name`, else its type.
    pub fn name(&self) -> &str {
        match self {
            Destination::Webhook(d) => d.name.as_deref().unwrap_or("webhook"),
            Destination::Sftp(d) => d.name.as_deref().unwrap_or("sftp"),
            Destination::DropFolder(d) => d.name.as_deref().unwrap_or("drop_folder"),
        }
    }

    pub fn format(&self) -> Format {
        match self {
            Destination::Webhook(d) => d.format,
            Destination::Sftp(d) => d.format,
            Destination::DropFolder(d) => d.format,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Destination::Webhook(_) => "webhook",
            Destination::Sftp(_) => "sftp",
            Destination::DropFolder(_) => "drop_folder",
        }
    }
}

/// An HTTP(S) endpoint that takes a POST per version, signed as the Standard Webhooks
/// specification says (`webhook-id`, `webhook-timestamp`, `webhook-signature`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WebhookDestination {
    /// Distinguishes two destinations of one subscriber (default `webhook`).
    #[serde(default)]
    pub name: Option<String>,
    /// `http://` or `https://` URL the versions are POSTed to.
    pub url: String,
    #[serde(default)]
    pub format: Format,
    /// The signing secret: `whsec_` and the base64 of 24 to 64 random bytes.
    pub secret: WebhookSecret,
    /// More secrets, each signing too (one signature per secret in
    /// `webhook-signature`), so a new secret can be handed out before the old one goes.
    #[serde(default)]
    pub secrets: Vec<WebhookSecret>,
}

/// An SFTP server: each version written under a temporary name, then renamed.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SftpDestination {
    #[serde(default)]
    pub name: Option<String>,
    pub host: String,
    #[serde(default = "default_sftp_port")]
    pub port: u16,
    pub user: String,
    /// Directory on the server the files go into (it must exist).
    pub directory: String,
    #[serde(default)]
    pub format: Format,
    /// The server's host key as OpenSSH writes it (`ssh-ed25519 AAAA…`, a line of
    /// `known_hosts` without the host name): any other key is refused.
    pub host_key: String,
    /// Private key file (OpenSSH format) to log in with…
    #[serde(default)]
    pub private_key: Option<PathBuf>,
    /// …or a password.
    #[serde(default)]
    pub password: Option<Password>,
}

/// A local folder (possibly a mount): each version written under a temporary name,
/// synced, renamed.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DropFolderDestination {
    #[serde(default)]
    pub name: Option<String>,
    pub path: PathBuf,
    #[serde(default)]
    pub format: Format,
}

/// A Standard Webhooks signing secret as configured (`whsec_BASE64`); `Debug` shows
/// no secret.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct WebhookSecret(String);

/// Why a webhook secret is refused; never contains the secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error("must be whsec_ followed by the base64 of 24 to 64 bytes")]
    Malformed,
}

impl WebhookSecret {
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    /// The key bytes HMAC-SHA256 signs with.
    pub fn key(&self) -> Result<Vec<u8>, SecretError> {
        use base64::Engine;
        let b64 = self
            .0
            .strip_prefix("whsec_")
            .ok_or(SecretError::Malformed)?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .map_err(|_| SecretError::Malformed)?;
        if (24..=64).contains(&bytes.len()) {
            Ok(bytes)
        } else {
            Err(SecretError::Malformed)
        }
    }
}

impl std::fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookSecret(…)")
    }
}

/// A password as configured; `Debug` shows none.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Password(pub String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(…)")
    }
}

impl Default for DeliverySettings {
    fn default() -> Self {
        Self {
            listen: default_listen(),
            group_id: default_group(),
            admin_keys: Vec::new(),
            retry_initial_ms: default_retry_initial_ms(),
            retry_max_ms: default_retry_max_ms(),
            suspend_after_secs: default_suspend_after_secs(),
            request_timeout_ms: default_request_timeout_ms(),
            max_in_flight: default_max_in_flight(),
            commit_interval_ms: default_commit_interval_ms(),
            subscribers: Vec::new(),
        }
    }
}

/// A name that is safe in a ledger key, a metric label and a file name.
fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 100
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

impl DeliverySettings {
    /// Every rule of this section, each error naming its field (never a secret).
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        let bad = |field: &'static str, problem: String| Err((field, problem));
        if self.retry_initial_ms == 0 {
            return bad("delivery.retry_initial_ms", "must be at least 1".into());
        }
        if self.retry_max_ms < self.retry_initial_ms {
            return bad(
                "delivery.retry_max_ms",
                "must be at least delivery.retry_initial_ms".into(),
            );
        }
        if self.suspend_after_secs == 0 {
            return bad("delivery.suspend_after_secs", "must be at least 1".into());
        }
        if self.request_timeout_ms == 0 {
            return bad("delivery.request_timeout_ms", "must be at least 1".into());
        }
        if self.max_in_flight == 0 {
            return bad("delivery.max_in_flight", "must be at least 1".into());
        }
        if self.commit_interval_ms == 0 {
            return bad("delivery.commit_interval_ms", "must be at least 1".into());
        }
        for k in &self.admin_keys {
            if let Err(e) = k.digest() {
                return bad("delivery.admin_keys", e.to_string());
            }
        }
        let mut names = std::collections::HashSet::new();
        for s in &self.subscribers {
            if !is_name(&s.name) {
                return bad(
                    "delivery.subscribers.name",
                    format!("{:?} must be 1 to 100 letters, digits, . _ -", s.name),
                );
            }
            if !names.insert(s.name.as_str()) {
                return bad(
                    "delivery.subscribers.name",
                    format!("{:?} is given twice", s.name),
                );
            }
            if let Err(e) = crate::access::Entitlement::parse(&s.items) {
                return bad("delivery.subscribers.items", e.to_string());
            }
            let mut destinations = std::collections::HashSet::new();
            for d in &s.destinations {
                if !is_name(d.name()) {
                    return bad(
                        "delivery.subscribers.destinations.name",
                        format!(
                            "{:?} of {:?} must be letters, digits, . _ -",
                            d.name(),
                            s.name
                        ),
                    );
                }
                if !destinations.insert(d.name()) {
                    return bad(
                        "delivery.subscribers.destinations.name",
                        format!(
                            "{:?} is used twice by {:?}: name the destinations",
                            d.name(),
                            s.name
                        ),
                    );
                }
                match d {
                    Destination::Webhook(w) => {
                        let url = url::Url::parse(&w.url).ok();
                        if !url.is_some_and(|u| {
                            matches!(u.scheme(), "http" | "https") && u.host().is_some()
                        }) {
                            return bad(
                                "delivery.subscribers.destinations.url",
                                format!("of {:?} must be an absolute http(s) URL", s.name),
                            );
                        }
                        for secret in std::iter::once(&w.secret).chain(&w.secrets) {
                            if let Err(e) = secret.key() {
                                return bad(
                                    "delivery.subscribers.destinations.secret",
                                    format!("of {:?} {e}", s.name),
                                );
                            }
                        }
                    }
                    Destination::Sftp(f) => {
                        if f.host.trim().is_empty() || f.user.trim().is_empty() {
                            return bad(
                                "delivery.subscribers.destinations.host",
                                format!("of {:?}: host and user are required", s.name),
                            );
                        }
                        if f.private_key.is_some() == f.password.is_some() {
                            return bad(
                                "delivery.subscribers.destinations.private_key",
                                format!("of {:?}: give private_key or password (one)", s.name),
                            );
                        }
                        let mut parts = f.host_key.split_whitespace();
                        let well_formed = parts
                            .next()
                            .is_some_and(|t| t.starts_with("ssh-") || t.starts_with("ecdsa-"))
                            && parts.next().is_some_and(|k| {
                                use base64::Engine;
                                base64::engine::general_purpose::STANDARD.decode(k).is_ok()
                            });
                        if !well_formed {
                            return bad(
                                "delivery.subscribers.destinations.host_key",
                                format!(
                                    "of {:?} must be a public key as OpenSSH writes it (ssh-ed25519 AAAA…)",
                                    s.name
                                ),
                            );
                        }
                    }
                    Destination::DropFolder(_) => {}
                }
            }
        }
        Ok(())
    }
}

fn default_listen() -> SocketAddr {
    ([0, 0, 0, 0], 8085).into()
}
fn default_group() -> String {
    "newswire-delivery".into()
}
fn default_retry_initial_ms() -> u64 {
    1_000
}
fn default_retry_max_ms() -> u64 {
    60_000
}
fn default_suspend_after_secs() -> u64 {
    24 * 3600
}
fn default_request_timeout_ms() -> u64 {
    10_000
}
fn default_max_in_flight() -> usize {
    8
}
fn default_commit_interval_ms() -> u64 {
    100
}
fn default_sftp_port() -> u16 {
    22
}
fn default_items() -> Vec<String> {
    vec!["*".into()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(toml: &str) -> Result<DeliverySettings, String> {
        let s: DeliverySettings = config::Config::builder()
            .add_source(config::File::from_str(toml, config::FileFormat::Toml))
            .build()
            .map_err(|e| e.to_string())?
            .try_deserialize()
            .map_err(|e| e.to_string())?;
        s.check().map_err(|(f, p)| format!("{f} {p}"))?;
        Ok(s)
    }

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    #[test]
    fn destinations_are_read_and_checked_naming_the_field() {
        let ok = settings(&format!(
            "[[subscribers]]\nname = \"acme\"\nitems = [\"section/sport\"]\n\
             [[subscribers.destinations]]\ntype = \"webhook\"\nurl = \"https://acme.example/hook\"\nsecret = \"{SECRET}\"\nformat = \"newsml\"\n\
             [[subscribers.destinations]]\ntype = \"drop_folder\"\npath = \"/tmp/x\"\n"
        ))
        .unwrap();
        assert_eq!(ok.subscribers[0].destinations.len(), 2);
        assert_eq!(ok.subscribers[0].destinations[0].format(), Format::Newsml);
        assert_eq!(ok.subscribers[0].destinations[1].name(), "drop_folder");
        for (toml, field) in [
            ("[[subscribers]]\nname = \"a/b\"\n".to_string(), "delivery.subscribers.name"),
            (
                format!("[[subscribers]]\nname = \"a\"\n[[subscribers.destinations]]\ntype = \"webhook\"\nurl = \"ftp://x\"\nsecret = \"{SECRET}\"\n"),
                "delivery.subscribers.destinations.url",
            ),
            (
                "[[subscribers]]\nname = \"a\"\n[[subscribers.destinations]]\ntype = \"webhook\"\nurl = \"http://x\"\nsecret = \"whsec_c2hvcnQ=\"\n".into(),
                "delivery.subscribers.destinations.secret",
            ),
            (
                "[[subscribers]]\nname = \"a\"\n[[subscribers.destinations]]\ntype = \"sftp\"\nhost = \"h\"\nuser = \"u\"\ndirectory = \"in\"\nhost_key = \"ssh-ed25519 AAAA\"\n".into(),
                "delivery.subscribers.destinations.private_key",
            ),
            ("retry_initial_ms = 0\n".into(), "delivery.retry_initial_ms"),
        ] {
            let err = settings(&toml).unwrap_err();
            assert!(err.contains(field), "{toml}: {err}");
            assert!(!err.contains("c2hvcnQ"), "a secret in an error: {err}");
        }
        let err = settings(
            "[[subscribers]]\nname = \"a\"\n[[subscribers.destinations]]\ntype = \"pigeon\"\n",
        )
        .unwrap_err();
        assert!(err.contains("pigeon"), "{err}");
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let s = WebhookSecret::new(SECRET);
        assert_eq!(s.key().unwrap().len(), 24);
        assert!(!format!("{s:?}").contains("MfKQ"));
        assert!(!format!("{:?}", Password("hunter2-long".into())).contains("hunter2"));
    }
}
