//! The `ingest` service binary: the shared `main` (configuration, logging, signals) around
//! [`newswire_ingest::run`].

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    newswire_shared::service::main("ingest", newswire_ingest::run).await
}
