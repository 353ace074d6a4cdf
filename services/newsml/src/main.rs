//! The `newsml` service binary: the shared `main` (configuration, logging, signals) around
//! [`newswire_newsml::run`].

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    newswire_shared::service::main("newsml", newswire_newsml::run).await
}
