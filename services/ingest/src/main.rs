//! The `ingest` service binary: the shared `main` (configuration, logging, signals) around
//! [`newswire_ingest::serve`].

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    newswire_shared::service::main("ingest", |s| s.ingest.listen, newswire_ingest::serve).await
}
