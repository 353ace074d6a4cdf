//! Serves the feeds of a fixed set of enriched articles, without Kafka, for HTTP
//! benchmarks (`deploy/bench/feeds-serving.sh`).
//!
//! `feeds-bench-server PORT ENRICHED.jsonl`

use newswire_feeds::Feeds;
use newswire_shared::validate::{decode_article, Stage};
use newswire_shared::{shutdown, Settings};

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (port, file) = (&args[1], &args[2]);
    let mut settings = Settings::default();
    settings.feeds.base_url = format!("http://127.0.0.1:{port}");
    let feeds = Feeds::build(&settings);
    let writer = feeds.writer();
    for line in std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
    {
        writer
            .apply(decode_article(line.as_bytes(), Stage::Enriched).expect("valid enriched event"));
    }
    let (_trigger, stop) = shutdown::channel();
    feeds.spawn_renderer(stop.clone());
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port.parse::<u16>().unwrap()))
        .await
        .unwrap();
    eprintln!(
        "feeds-bench-server: {} stories on port {port}",
        writer.stories()
    );
    // The service's own serving loop (one event loop per core).
    let listener = listener.into_std().unwrap();
    tokio::task::spawn_blocking(move || {
        let http = newswire_shared::config::HttpSettings::default();
        newswire_feeds::serve_per_core(listener, feeds.router(), feeds.state.clone(), &http, stop)
    })
    .await
    .unwrap()
    .unwrap();
}
