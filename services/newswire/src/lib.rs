//! The `newswire` command: every service in one process (`dev`), and each stage on
//! stdin/stdout (`publish`, `enrich`, `render`).

pub mod dev;
pub mod pipeline;
pub mod publish;
pub mod samples;
pub mod stdio;
