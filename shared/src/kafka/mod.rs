//! Kafka plumbing shared by every service: client settings with our delivery
//! guarantees, the embedded broker, topic creation, record limits, failure
//! classification, dead letters, and the exactly-once consume→transform→produce stage.

pub mod change_log;
mod clients;
pub mod deadletter;
pub(crate) mod embedded;
pub mod failure;
pub mod limits;
mod output_state;
pub mod progress;
mod replay;
mod settling;
mod stage;
mod topics;

pub use clients::{
    consumer_config, partition_count, producer_config, reader_config,
    transactional_producer_config, wait_delivered,
};
pub use deadletter::{dead_letter_record, DeadLetterKind, Rejection};
pub use embedded::EmbeddedBroker;
pub use output_state::{Fold, KeptState, OutputState};
pub use replay::{replay_partitions, replay_topic};
pub use settling::Settling;
pub use stage::{
    decode_keyed_article, run_stage, spawn_stage, OutputRecord, Stage, StageError, StageSpec,
    Transform,
};
pub use topics::{ensure_topics, TopicSpec};
