//! The `newsml` service binary: the shared `main` (configuration, logging, signals) around
//! [`newswire_newsml::serve`].

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    newswire_shared::service::main("newsml", |s| s.newsml.listen, newswire_newsml::serve).await
}
