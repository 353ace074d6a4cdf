//! Dead letters: an event a stage could not process, set aside to the dead-letter topic
//! with the original key, bytes and headers, plus where it came from and why, so an
//! operator can see it, fix the cause and replay it ([`operator`]).
//!
//! Added headers: `dlq_kind` (a [`DeadLetterKind`]), `dlq_field` (the contract field at
//! fault, when there is one), `dlq_reason` (the message), `dlq_stage`, `dlq_topic`,
//! `dlq_partition`, `dlq_offset` (the origin). A dead letter too large for its own topic
//! is written without the payload and the original headers, with `dlq_payload_bytes`
//! and `dlq_payload_dropped: true`, so the event is still accounted for.

pub mod operator;

use crate::kafka::OutputRecord;
use crate::validate::ContractError;
use rdkafka::message::{Header, Headers, Message, OwnedHeaders};

/// Header names added to a dead-lettered record (the original headers are kept).
pub mod headers {
    pub const KIND: &str = "dlq_kind";
    pub const FIELD: &str = "dlq_field";
    pub const REASON: &str = "dlq_reason";
    pub const STAGE: &str = "dlq_stage";
    pub const TOPIC: &str = "dlq_topic";
    pub const PARTITION: &str = "dlq_partition";
    pub const OFFSET: &str = "dlq_offset";
    /// Size of the original payload, on a dead letter written without it.
    pub const PAYLOAD_BYTES: &str = "dlq_payload_bytes";
    /// `true` on a dead letter written without its payload.
    pub const PAYLOAD_DROPPED: &str = "dlq_payload_dropped";
    /// How many times an operator replayed the event (set by replay, kept by the
    /// record's later dead letters): replay refuses beyond a limit, so a poison event
    /// cannot loop.
    pub const REPLAYS: &str = "dlq_replays";
    /// Every header dead-lettering adds; replay strips them (but `dlq_replays`).
    pub const ADDED: [&str; 9] = [
        KIND,
        FIELD,
        REASON,
        STAGE,
        TOPIC,
        PARTITION,
        OFFSET,
        PAYLOAD_BYTES,
        PAYLOAD_DROPPED,
    ];
}

/// Why an event was set aside, as an operator filters on it (`dlq_kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeadLetterKind {
    /// Not an event at all: no payload, not UTF-8, not a JSON object.
    Undecodable,
    /// A JSON object that breaks the contract; `dlq_field` names the field.
    Invalid,
    /// An output (or the event itself) larger than its topic takes.
    TooLarge,
    /// The stage's code panicked on the event: a bug to report, with the event attached.
    TransformPanic,
    /// The broker refused an output record (invalid record, timestamp, policy).
    RejectedByBroker,
    /// Its transaction kept failing for a reason not known to be transient, alone.
    Unclassified,
}

impl DeadLetterKind {
    pub const ALL: [DeadLetterKind; 6] = [
        Self::Undecodable,
        Self::Invalid,
        Self::TooLarge,
        Self::TransformPanic,
        Self::RejectedByBroker,
        Self::Unclassified,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Undecodable => "undecodable",
            Self::Invalid => "invalid",
            Self::TooLarge => "too_large",
            Self::TransformPanic => "transform_panic",
            Self::RejectedByBroker => "rejected_by_broker",
            Self::Unclassified => "unclassified",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl std::fmt::Display for DeadLetterKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why an input event cannot be processed; it goes to the dead-letter topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub kind: DeadLetterKind,
    /// The contract field at fault (`headline`, `media[0].url`), when there is one.
    pub field: Option<String>,
    pub message: String,
}

impl Rejection {
    pub fn new(kind: DeadLetterKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            field: None,
            message: message.into(),
        }
    }

    /// A contract violation: `undecodable` when the bytes are not a JSON object at all
    /// (the error names the whole document, `$`), else `invalid` with the field.
    pub fn contract(error: &ContractError) -> Self {
        if error.field == "$" {
            Self::new(
                DeadLetterKind::Undecodable,
                format!("invalid article: {error}"),
            )
        } else {
            Self {
                kind: DeadLetterKind::Invalid,
                field: Some(error.field.clone()),
                message: format!("invalid article: {error}"),
            }
        }
    }
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)
    }
}

/// Longest reason kept in `dlq_reason`: the reason of a panic or a broker error can
/// quote much; the record must stay small.
const MAX_REASON_BYTES: usize = 1024;

/// The dead letter of `message`: its key, payload and headers, plus the `dlq_*` headers.
pub fn dead_letter_record<M: Message>(
    message: &M,
    deadletter_topic: &str,
    stage: &str,
    why: &Rejection,
) -> OutputRecord {
    let mut out = OwnedHeaders::new();
    if let Some(original) = message.headers() {
        for h in original.iter() {
            out = out.insert(Header {
                key: h.key,
                value: h.value,
            });
        }
    }
    OutputRecord {
        topic: deadletter_topic.to_string(),
        key: message.key().map(<[u8]>::to_vec),
        payload: message.payload().map(<[u8]>::to_vec),
        headers: add_origin(out, message, stage, why),
    }
}

/// The dead letter of `message` without its payload and original headers, for when
/// the full one is larger than the dead-letter topic takes.
pub fn dead_letter_stub<M: Message>(
    message: &M,
    deadletter_topic: &str,
    stage: &str,
    why: &Rejection,
) -> OutputRecord {
    let size = message.payload().map_or(0, <[u8]>::len).to_string();
    let mut out = OwnedHeaders::new()
        .insert(Header {
            key: headers::PAYLOAD_BYTES,
            value: Some(&size),
        })
        .insert(Header {
            key: headers::PAYLOAD_DROPPED,
            value: Some("true"),
        });
    // The replay count must survive, or a poison event could loop through stubs.
    if let Some(replays) = message.headers().and_then(|h| {
        h.iter()
            .find(|h| h.key == headers::REPLAYS)
            .and_then(|h| h.value)
            .map(<[u8]>::to_vec)
    }) {
        out = out.insert(Header {
            key: headers::REPLAYS,
            value: Some(&replays),
        });
    }
    OutputRecord {
        topic: deadletter_topic.to_string(),
        key: message.key().map(<[u8]>::to_vec),
        payload: None,
        headers: add_origin(out, message, stage, why),
    }
}

fn add_origin<M: Message>(
    mut out: OwnedHeaders,
    message: &M,
    stage: &str,
    why: &Rejection,
) -> OwnedHeaders {
    let partition = message.partition().to_string();
    let offset = message.offset().to_string();
    let mut reason = why.message.as_str();
    if reason.len() > MAX_REASON_BYTES {
        let mut cut = MAX_REASON_BYTES;
        while !reason.is_char_boundary(cut) {
            cut -= 1;
        }
        reason = &reason[..cut];
    }
    let added = [
        (headers::KIND, Some(why.kind.as_str())),
        (headers::FIELD, why.field.as_deref()),
        (headers::REASON, Some(reason)),
        (headers::STAGE, Some(stage)),
        (headers::TOPIC, Some(message.topic())),
        (headers::PARTITION, Some(partition.as_str())),
        (headers::OFFSET, Some(offset.as_str())),
    ];
    for (key, value) in added {
        if let Some(value) = value {
            out = out.insert(Header {
                key,
                value: Some(value),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rdkafka::message::OwnedMessage;
    use rdkafka::Timestamp;

    fn header<'a>(r: &'a OutputRecord, name: &str) -> Option<&'a str> {
        r.headers
            .iter()
            .find(|h| h.key == name)
            .and_then(|h| h.value)
            .map(|v| std::str::from_utf8(v).unwrap())
    }

    fn message() -> OwnedMessage {
        OwnedMessage::new(
            Some(b"{\"id\":\"a\"}".to_vec()),
            Some(b"a".to_vec()),
            "articles.published".into(),
            Timestamp::NotAvailable,
            2,
            41,
            Some(
                OwnedHeaders::new()
                    .insert(Header {
                        key: "ce_id",
                        value: Some("a:1"),
                    })
                    .insert(Header {
                        key: headers::REPLAYS,
                        value: Some("2"),
                    }),
            ),
        )
    }

    #[test]
    fn a_dead_letter_keeps_the_event_and_names_kind_field_and_origin() {
        let why = Rejection {
            kind: DeadLetterKind::Invalid,
            field: Some("headline".into()),
            message: "invalid article: headline: must not be blank".into(),
        };
        let r = dead_letter_record(&message(), "deadletter", "enricher", &why);
        assert_eq!(r.payload.as_deref(), Some(&b"{\"id\":\"a\"}"[..]));
        assert_eq!(r.key.as_deref(), Some(&b"a"[..]));
        assert_eq!(header(&r, "ce_id"), Some("a:1"));
        assert_eq!(header(&r, headers::KIND), Some("invalid"));
        assert_eq!(header(&r, headers::FIELD), Some("headline"));
        assert_eq!(header(&r, headers::TOPIC), Some("articles.published"));
        assert_eq!(header(&r, headers::PARTITION), Some("2"));
        assert_eq!(header(&r, headers::OFFSET), Some("41"));
    }

    #[test]
    fn a_stub_drops_the_payload_but_keeps_size_origin_and_replay_count() {
        let why = Rejection::new(DeadLetterKind::TooLarge, "x".repeat(5000));
        let r = dead_letter_stub(&message(), "deadletter", "enricher", &why);
        assert_eq!(r.payload, None);
        assert_eq!(header(&r, "ce_id"), None);
        assert_eq!(header(&r, headers::PAYLOAD_BYTES), Some("10"));
        assert_eq!(header(&r, headers::PAYLOAD_DROPPED), Some("true"));
        assert_eq!(header(&r, headers::REPLAYS), Some("2"));
        assert_eq!(header(&r, headers::OFFSET), Some("41"));
        assert_eq!(header(&r, headers::FIELD), None);
        assert_eq!(header(&r, headers::REASON).unwrap().len(), MAX_REASON_BYTES);
    }

    #[test]
    fn broken_json_is_undecodable_and_a_bad_field_is_invalid() {
        let broken =
            crate::validate::decode_article(b"{not json", crate::validate::Stage::Published)
                .unwrap_err();
        assert_eq!(
            Rejection::contract(&broken).kind,
            DeadLetterKind::Undecodable
        );
        let bad = crate::validate::decode_article(
            br#"{"id":"a","version":0}"#,
            crate::validate::Stage::Published,
        )
        .unwrap_err();
        let r = Rejection::contract(&bad);
        assert_eq!(r.kind, DeadLetterKind::Invalid);
        assert!(r.field.as_deref().is_some_and(|f| f != "$"), "{r:?}");
        for k in DeadLetterKind::ALL {
            assert_eq!(DeadLetterKind::parse(k.as_str()), Some(k));
        }
    }
}
