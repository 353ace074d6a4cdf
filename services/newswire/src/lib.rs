//! The `newswire` command: every service in one process (`dev`), and each stage on
//! stdin/stdout (`publish`, `enrich`, `render`), and the operator's `deadletter` tools.

pub mod deadletter;
pub mod dev;
pub mod pipeline;
pub mod publish;
pub mod samples;
pub mod stdio;
