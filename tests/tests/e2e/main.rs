//! The end-to-end tests, one binary (built and linked once instead of once per file):
//! each module is one area, sharing the crate's library (`tests/src`: broker, topics, a
//! running pipeline, the topic reader, a raw HTTP client). Tests that install a process-wide log capture
//! (`secrets.rs`, `trace.rs`) stay binaries of their own, as does the architecture test.

mod access;
mod browser;
mod cursors;
mod delivery;
mod dev_flow;
mod feeds_restart;
mod field_cases;
mod groups_at_rest;
mod monitor;
mod newsml;
mod newsml_cursors;
mod poison;
mod servers;
mod social;
mod timestamps;
mod volume;
