//! The `feeds` service binary: the shared `main` (configuration, logging, signals) around
//! [`newswire_feeds::run`].

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    newswire_shared::service::main("feeds", newswire_feeds::run).await
}
