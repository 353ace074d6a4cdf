//! The `feeds` service binary: the shared `main` (configuration, logging, signals) around
//! [`newswire_feeds::serve`].

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    newswire_shared::service::main("feeds", |s| s.feeds.listen, newswire_feeds::serve).await
}
