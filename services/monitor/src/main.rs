//! The `monitor` service binary: the shared `main` (configuration, logging, signals) around
//! [`newswire_monitor::serve`].

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    newswire_shared::service::main("monitor", |s| s.monitor.listen, newswire_monitor::serve).await
}
