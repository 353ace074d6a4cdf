//! The `delivery` service binary: the shared `main` (configuration, logging, signals) around
//! [`newswire_delivery::serve`].

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    newswire_shared::service::main("delivery", |s| s.delivery.listen, newswire_delivery::serve)
        .await
}
