//! The delivery ledger as delivery writes it: the record format is the contract in
//! [`newswire_shared::ledger`]; it is written in the same transaction as the input
//! offsets it covers, and partitioned as the input (`articles.enriched` partition p →
//! ledger partition p), so whoever delivers a partition reads exactly its part of the
//! ledger back — after a restart, or on another replica after a rebalance — and neither
//! resends nor forgets.

pub use newswire_shared::ledger::{key, parse_key, Entry};
use newswire_shared::trace::TraceParent;

/// One ledger record waiting to be committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub partition: i32,
    pub key: String,
    pub entry: Entry,
    /// Delivery's span in the delivered version's trace (the record's `traceparent`).
    pub trace: Option<TraceParent>,
}
