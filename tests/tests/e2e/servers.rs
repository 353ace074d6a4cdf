//! Every HTTP server Newswire runs — ingest, feeds, NewsML, the health endpoints of
//! the enricher and social, and the combined server of `newswire dev` — runs under the
//! configured connection policy: a half-sent request and a silent connection are
//! closed at their timeouts, an oversized head gets 431, and responses carry
//! `X-Content-Type-Options: nosniff`.

use newswire_shared::shutdown;
use newswire_shared::Settings;
use newswire_tests::common::{Broker, MachineShare, RunningPipeline};
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const HEADER_MS: u64 = 400;
const IDLE_MS: u64 = 800;
/// A timer's wake-up and the close travelling back, on a loaded machine.
const SLACK: Duration = Duration::from_millis(1500);

async fn closed_after(mut s: TcpStream, since: Instant) -> Duration {
    let mut buf = [0u8; 1024];
    loop {
        match tokio::time::timeout(Duration::from_secs(10), s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return since.elapsed(),
            Ok(Ok(_)) => {}
            Err(_) => panic!("connection still open after 10 s"),
        }
    }
}

async fn exchange(addr: SocketAddr, request: &str) -> String {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(request.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}

/// The policy, as any client can see it from outside.
async fn check(name: &str, addr: SocketAddr) {
    let mut half = TcpStream::connect(addr).await.unwrap();
    half.write_all(b"GET /healthz HTTP/1.1\r\nHost: t\r\n")
        .await
        .unwrap();
    let sent = Instant::now();
    let silent = TcpStream::connect(addr).await.unwrap();
    let opened = Instant::now();
    let (half, silent) = tokio::join!(closed_after(half, sent), closed_after(silent, opened));
    let (header, idle) = (
        Duration::from_millis(HEADER_MS),
        Duration::from_millis(IDLE_MS),
    );
    assert!(
        half >= header - Duration::from_millis(50) && half < header + SLACK,
        "{name}: half a request held {half:?}"
    );
    assert!(
        silent >= idle - Duration::from_millis(50) && silent < idle + SLACK,
        "{name}: a silent connection held {silent:?}"
    );
    let big = "x".repeat(20 * 1024);
    let r = exchange(
        addr,
        &format!("GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: {big}\r\n\r\n"),
    )
    .await;
    assert!(r.starts_with("HTTP/1.1 431"), "{name}: {r}");
    let r = exchange(
        addr,
        "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(r.starts_with("HTTP/1.1 200"), "{name}: {r}");
    assert!(
        r.to_ascii_lowercase()
            .contains("x-content-type-options: nosniff"),
        "{name}: {r}"
    );
}

/// Until the service says it is ready: starting (the enricher compiles its gazetteer)
/// takes the machine's cores, and the timeouts are measured on a quiet one.
async fn until_ready(addr: SocketAddr) {
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        if TcpStream::connect(addr).await.is_ok() {
            let r = exchange(
                addr,
                "GET /readyz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
            )
            .await;
            if r.starts_with("HTTP/1.1 200") {
                return;
            }
        }
        assert!(Instant::now() < deadline, "{addr} never became ready");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn with_policy(mut s: Settings) -> Settings {
    s.http.header_read_timeout_ms = HEADER_MS;
    s.http.idle_timeout_ms = IDLE_MS;
    s.http.max_header_bytes = 8 * 1024;
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_server_applies_the_connection_policy() {
    let _machine = MachineShare::shared();
    let broker = Broker::start();
    let settings = with_policy(broker.settings("servers").await);
    let (trigger, stop) = shutdown::channel();

    // Every service's `serve` takes a bound listener: port 0, the same way for each.
    let mut all = Vec::new();
    let mut running = Vec::new();
    for name in ["ingest", "feeds", "enricher", "newsml", "social"] {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        all.push((name, listener.local_addr().unwrap()));
        let (settings, stop) = (settings.clone(), stop.clone());
        running.push(match name {
            "ingest" => tokio::spawn(newswire_ingest::serve(settings, listener, stop)),
            "feeds" => tokio::spawn(newswire_feeds::serve(settings, listener, stop)),
            "enricher" => tokio::spawn(newswire_enricher::serve(settings, listener, stop)),
            "newsml" => tokio::spawn(newswire_newsml::serve(settings, listener, stop)),
            _ => tokio::spawn(newswire_social::serve(settings, listener, stop)),
        });
    }
    for (_, addr) in &all {
        until_ready(*addr).await;
    }
    let checks: Vec<_> = all
        .into_iter()
        .map(|(name, addr)| tokio::spawn(async move { check(name, addr).await }))
        .collect();
    for c in checks {
        c.await.unwrap();
    }

    // The combined server of `newswire dev`.
    let pipeline = RunningPipeline::start(&with_policy(broker.settings("servers-dev").await)).await;
    let addr: SocketAddr = pipeline.base.trim_start_matches("http://").parse().unwrap();
    check("newswire dev", addr).await;
    pipeline.stop().await;

    trigger.trigger();
    for r in running {
        tokio::time::timeout(Duration::from_secs(30), r)
            .await
            .expect("service stops")
            .unwrap()
            .unwrap();
    }
}
