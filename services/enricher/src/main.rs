//! The `enricher` service binary: the shared `main` (configuration, logging, signals)
//! around [`newswire_enricher::run`], with mimalloc as its allocator.

// See the workspace Cargo.toml: entity finding is allocation-heavy.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    newswire_shared::service::main("enricher", newswire_enricher::run).await
}
