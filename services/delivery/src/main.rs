//! The `newswire-delivery` binary: push delivery alone, configured as every service.

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    newswire_shared::service::main("newswire-delivery", newswire_delivery::run).await
}
