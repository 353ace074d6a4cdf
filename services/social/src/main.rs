//! The `social` service binary: the shared `main` (configuration, logging, signals) around
//! [`newswire_social::run`].

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    newswire_shared::service::main("social", newswire_social::run).await
}
