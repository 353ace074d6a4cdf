//! The `social` service binary: the shared `main` (configuration, logging, signals) around
//! [`newswire_social::serve`].

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    newswire_shared::service::main("social", |s| s.social.listen, newswire_social::serve).await
}
