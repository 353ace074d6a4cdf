//! Dead-letter records: the original key, bytes and headers of an event we could not
//! process, plus where it came from and why, so an operator can fix and replay it.

use crate::kafka::OutputRecord;
use rdkafka::message::{Header, Headers, Message, OwnedHeaders};

/// Why one input event went to the dead-letter topic.
#[derive(Debug, Clone)]
pub struct DeadLetter<'a> {
    pub stage: &'a str,
    pub reason: &'a str,
}

/// Header names added to a dead-lettered record (the original headers are kept).
pub mod headers {
    pub const REASON: &str = "dlq_reason";
    pub const STAGE: &str = "dlq_stage";
    pub const TOPIC: &str = "dlq_topic";
    pub const PARTITION: &str = "dlq_partition";
    pub const OFFSET: &str = "dlq_offset";
}

pub fn dead_letter_record<M: Message>(
    message: &M,
    deadletter_topic: &str,
    why: &DeadLetter<'_>,
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
    let partition = message.partition().to_string();
    let offset = message.offset().to_string();
    let added = [
        (headers::REASON, why.reason),
        (headers::STAGE, why.stage),
        (headers::TOPIC, message.topic()),
        (headers::PARTITION, partition.as_str()),
        (headers::OFFSET, offset.as_str()),
    ];
    for (key, value) in added {
        out = out.insert(Header {
            key,
            value: Some(value),
        });
    }
    OutputRecord {
        topic: deadletter_topic.to_string(),
        key: message.key().map(<[u8]>::to_vec),
        payload: message.payload().map(<[u8]>::to_vec),
        headers: out,
    }
}
