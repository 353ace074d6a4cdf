//! Telling a failure that belongs to one event from one that belongs to the moment.
//!
//! A **permanent** failure is the record's own: the broker (or our producer) will refuse
//! it however often it is sent — too large, an invalid record. The event that produced
//! it is set aside to the dead-letter topic and the rest flow on. A **transient**
//! failure belongs to the moment — a broker down, a coordinator moving, a rebalance, a
//! timeout — and is retried with backoff, forever if need be: nothing is dead-lettered
//! because a broker was down. A **fatal** one ends the producer's life (fenced by a
//! newer instance). What fits none of these is **unclassified**: retried a few times,
//! then the batch is taken apart to find the event at fault (see `stage.rs`).
//!
//! Codes: Kafka protocol error codes (KIP-98, the `ErrorCode` table of the protocol
//! guide) and librdkafka's local codes (`rdkafka.h`, `RD_KAFKA_RESP_ERR__*`).

use rdkafka::error::KafkaError;
use rdkafka::types::RDKafkaErrorCode as Code;

/// What a failure means for the event and the stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureClass {
    /// The record is larger than a topic or the producer takes.
    TooLarge,
    /// The broker refuses the record itself (invalid record, timestamp, policy).
    RejectedByBroker,
    /// Retry later: the broker, the network or the group is not ready.
    Transient,
    /// This producer cannot go on (fenced, fatal); start again with new clients.
    Fatal,
    /// Not known to be either; retried, then the batch is taken apart.
    Unclassified,
}

impl FailureClass {
    /// Whether the failure is the record's own, so its event is set aside.
    pub fn is_permanent(self) -> bool {
        matches!(self, Self::TooLarge | Self::RejectedByBroker)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::TooLarge => "too_large",
            Self::RejectedByBroker => "rejected_by_broker",
            Self::Transient => "transient",
            Self::Fatal => "fatal",
            Self::Unclassified => "unclassified",
        }
    }
}

/// The class of an error met while producing, committing or consuming.
pub fn classify(error: &KafkaError) -> FailureClass {
    if let KafkaError::Transaction(t) = error {
        if t.is_fatal() {
            return FailureClass::Fatal;
        }
        let by_code = classify_code(t.code());
        if by_code == FailureClass::Unclassified && (t.is_retriable() || t.txn_requires_abort()) {
            // librdkafka says the operation may be retried (or the transaction
            // aborted and redone) without naming a cause of its own.
            return FailureClass::Transient;
        }
        return by_code;
    }
    match error {
        KafkaError::Canceled => FailureClass::Transient,
        _ => error
            .rdkafka_error_code()
            .map_or(FailureClass::Unclassified, classify_code),
    }
}

/// The class of a Kafka or librdkafka error code.
pub fn classify_code(code: Code) -> FailureClass {
    use FailureClass::*;
    match code {
        Code::MessageSizeTooLarge | Code::InvalidMessageSize | Code::MessageBatchTooLarge => {
            TooLarge
        }
        Code::InvalidRecord
        | Code::InvalidTimestamp
        | Code::PolicyViolation
        | Code::UnsupportedForMessageFormat
        | Code::KeySerialization
        | Code::ValueSerialization => RejectedByBroker,
        Code::Fenced
        | Code::ProducerFenced
        | Code::Fatal
        | Code::TransactionalIdAuthorizationFailed
        | Code::InvalidTransactionTimeout
        | Code::InvalidProducerIdMapping => Fatal,
        // The broker, the network, leadership and the group: they come back.
        Code::BrokerTransportFailure
        | Code::Resolve
        | Code::MessageTimedOut
        | Code::AllBrokersDown
        | Code::OperationTimedOut
        | Code::QueueFull
        | Code::WaitingForCoordinator
        | Code::TimedOutQueue
        | Code::Retry
        | Code::PurgeQueue
        | Code::PurgeInflight
        | Code::NodeUpdate
        | Code::InProgress
        | Code::PreviousInProgress
        | Code::Interrupted
        | Code::AssignmentLost
        | Code::Outdated
        | Code::State
        | Code::UnknownTopic
        | Code::UnknownPartition
        | Code::UnknownTopicOrPartition
        | Code::LeaderNotAvailable
        | Code::NotLeaderForPartition
        | Code::RequestTimedOut
        | Code::BrokerNotAvailable
        | Code::ReplicaNotAvailable
        | Code::NetworkException
        | Code::CoordinatorLoadInProgress
        | Code::CoordinatorNotAvailable
        | Code::NotCoordinator
        | Code::NotEnoughReplicas
        | Code::NotEnoughReplicasAfterAppend
        | Code::IllegalGeneration
        | Code::UnknownMemberId
        | Code::RebalanceInProgress
        | Code::FencedInstanceId
        | Code::ConcurrentTransactions
        | Code::KafkaStorageError
        | Code::FencedLeaderEpoch
        | Code::UnknownLeaderEpoch
        | Code::PreferredLeaderNotAvailable
        | Code::ThrottlingQuotaExceeded
        | Code::UnstableOffsetCommit
        | Code::OutOfOrderSequenceNumber
        | Code::UnknownProducerId
        | Code::InvalidProducerEpoch
        | Code::InvalidTransactionalState
        | Code::OperationNotAttempted
        | Code::RebootstrapRequired
        // Permissions and missing topics are the operator's to fix, not the event's:
        // keep the events, retry, and say so in /readyz.
        | Code::TopicAuthorizationFailed
        | Code::GroupAuthorizationFailed
        | Code::ClusterAuthorizationFailed
        | Code::Authentication
        | Code::SaslAuthenticationFailed => Transient,
        _ => Unclassified,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rdkafka::error::KafkaError;

    #[test]
    fn size_and_record_errors_are_the_events_own() {
        for code in [
            Code::MessageSizeTooLarge,
            Code::MessageBatchTooLarge,
            Code::InvalidMessageSize,
        ] {
            assert_eq!(
                classify(&KafkaError::MessageProduction(code)),
                FailureClass::TooLarge
            );
        }
        assert_eq!(
            classify(&KafkaError::MessageProduction(Code::InvalidRecord)),
            FailureClass::RejectedByBroker
        );
        assert!(FailureClass::TooLarge.is_permanent());
    }

    #[test]
    fn an_unavailable_broker_is_never_the_events_fault() {
        for code in [
            Code::AllBrokersDown,
            Code::BrokerTransportFailure,
            Code::MessageTimedOut,
            Code::NotCoordinator,
            Code::CoordinatorNotAvailable,
            Code::RequestTimedOut,
            Code::NotEnoughReplicas,
            Code::RebalanceInProgress,
            Code::PurgeInflight,
        ] {
            let class = classify(&KafkaError::MessageProduction(code));
            assert_eq!(class, FailureClass::Transient, "{code:?}");
            assert!(!class.is_permanent());
        }
        assert_eq!(classify(&KafkaError::Canceled), FailureClass::Transient);
    }

    #[test]
    fn fencing_ends_the_producer() {
        assert_eq!(
            classify(&KafkaError::MessageProduction(Code::ProducerFenced)),
            FailureClass::Fatal
        );
    }

    #[test]
    fn what_is_not_known_is_unclassified() {
        assert_eq!(
            classify(&KafkaError::MessageProduction(Code::Unknown)),
            FailureClass::Unclassified
        );
        assert_eq!(
            classify(&KafkaError::MessageProduction(Code::InvalidMessage)),
            FailureClass::Unclassified
        );
    }
}
