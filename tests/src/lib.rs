//! What the end-to-end tests share (`tests/e2e/`, and `secrets.rs` and `trace.rs`, which
//! run alone): a broker (the one named by `NEWSWIRE_TEST_BROKERS`, else the embedded mock
//! cluster), fresh topics per test, a running pipeline, the one topic reader
//! (`common::read_topic`), a raw HTTP client, and a capture of the process's logs. Built
//! once, linked by each test binary.

pub mod captured_logs;
pub mod common;
pub mod http_client;
