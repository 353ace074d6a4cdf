//! The connection policy every Newswire HTTP server runs under (`shared::server`), as
//! an abusive or careless client meets it: thousands of connections that send half a
//! request, that say nothing, or that stay idle after a request are all closed within
//! the configured time, while ordinary requests keep their latency; the connection
//! bound makes newcomers wait for a slot; oversized headers get 431; every response
//! carries the security headers.

use axum::body::Bytes;
use axum::extract::Path;
use axum::response::Html;
use axum::routing::get;
use axum::Router;
use newswire_shared::config::HttpSettings;
use newswire_shared::server::{file_backed, MIN_FILE_BODY};
use newswire_shared::shutdown;
use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Documents kept and sent many times, as the feeds keep theirs: from files, all but
/// the first (one byte too short for a file), whatever their length.
fn kept() -> &'static [Bytes] {
    static KEPT: OnceLock<Vec<Bytes>> = OnceLock::new();
    KEPT.get_or_init(|| {
        let mut x = 0x2545_f491_4f6c_dd1d_u64;
        [MIN_FILE_BODY - 1, MIN_FILE_BODY, 100_003, 4_000_000]
            .iter()
            .map(|&len| {
                let bytes = (0..len)
                    .map(|_| {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        x as u8
                    })
                    .collect();
                file_backed(bytes)
            })
            .collect()
    })
}

fn app() -> Router {
    Router::new()
        .route(
            "/kept/{i}",
            get(|Path(i): Path<usize>| async move { kept()[i].clone() }),
        )
        .route("/ping", get(|| async { "pong" }))
        .route("/page", get(|| async { Html("<p>hello</p>") }))
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_millis(1200)).await;
                "done"
            }),
        )
}

fn policy(header_ms: u64, idle_ms: u64, max_connections: usize) -> HttpSettings {
    HttpSettings {
        header_read_timeout_ms: header_ms,
        idle_timeout_ms: idle_ms,
        max_connections,
        max_header_bytes: 8 * 1024,
    }
}

/// Starts the shared server on its own runtime (as a service would run it).
fn start(http: HttpSettings) -> (SocketAddr, shutdown::ShutdownTrigger) {
    let (trigger, stop) = shutdown::channel();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
            .block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                tx.send(listener.local_addr().unwrap()).unwrap();
                newswire_shared::server::serve(listener, app(), &http, stop)
                    .await
                    .unwrap();
            })
    });
    (rx.recv().unwrap(), trigger)
}

/// One ordinary request on a new connection; returns the status line's code and the
/// response head, and how long it took.
async fn ordinary(addr: SocketAddr, path: &str) -> (String, Duration) {
    let started = Instant::now();
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut response = Vec::new();
    s.read_to_end(&mut response).await.unwrap();
    (
        String::from_utf8_lossy(&response).into_owned(),
        started.elapsed(),
    )
}

/// Waits for the server to close `s`; returns when it did.
async fn closed_at(mut s: TcpStream) -> Instant {
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf).await {
            Ok(0) | Err(_) => return Instant::now(),
            Ok(_) => {}
        }
    }
}

fn percentile(mut v: Vec<Duration>, p: f64) -> Duration {
    v.sort();
    v[((v.len() - 1) as f64 * p).round() as usize]
}

/// How many attack connections this process can hold (two descriptors each: ours and
/// the server's), after the server raised the soft limit towards its bound.
fn affordable(wanted: usize) -> usize {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit only writes the struct we pass.
    unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) };
    let room = (limit.rlim_cur as usize).saturating_sub(300) / 2;
    if room < wanted {
        eprintln!(
            "connections test: the open-file limit ({}) allows {room} connections, not {wanted}",
            limit.rlim_cur
        );
    }
    wanted.min(room)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_and_half_open_connections_are_shed_while_requests_keep_their_latency() {
    const HEADER: Duration = Duration::from_millis(1000);
    const IDLE: Duration = Duration::from_millis(2000);
    // The wake-up of a timer and the close travelling back, on a loaded 2-core machine.
    const SLACK: Duration = Duration::from_millis(1000);
    let (addr, _stop) = start(policy(1000, 2000, 20_000));

    let mut before = Vec::new();
    for _ in 0..100 {
        let (r, took) = ordinary(addr, "/ping").await;
        assert!(r.starts_with("HTTP/1.1 200"), "{r}");
        before.push(took);
    }

    let total = affordable(3000);
    assert!(
        total >= 1000,
        "fewer than a thousand connections possible here"
    );
    let (half_open, idle, silent) = (total / 2, total / 3, total - total / 2 - total / 3);
    let mut watchers = Vec::new();
    for i in 0..total {
        let mut s = TcpStream::connect(addr).await.unwrap();
        let (allowed, since) = if i < half_open {
            // Half a request: the request line and one header, never the blank line.
            s.write_all(b"GET /ping HTTP/1.1\r\nHost: t\r\nX-Slow: ")
                .await
                .unwrap();
            (HEADER, Instant::now())
        } else if i < half_open + idle {
            // A whole request, its response read, then nothing: idle keep-alive.
            s.write_all(b"GET /ping HTTP/1.1\r\nHost: t\r\n\r\n")
                .await
                .unwrap();
            let mut got = Vec::new();
            let mut buf = [0u8; 512];
            while !got.ends_with(b"pong") {
                let n = s.read(&mut buf).await.unwrap();
                assert!(n > 0, "closed before answering");
                got.extend_from_slice(&buf[..n]);
            }
            (IDLE, Instant::now())
        } else {
            // Connected, never a byte.
            (IDLE, Instant::now())
        };
        watchers.push(tokio::spawn(async move {
            let at = closed_at(s).await;
            (at.duration_since(since), allowed)
        }));
    }
    let opened = Instant::now();

    // Ordinary requests while all of them are held open, until they are shed.
    let mut during = Vec::new();
    while opened.elapsed() < IDLE {
        let (r, took) = ordinary(addr, "/ping").await;
        assert!(r.starts_with("HTTP/1.1 200"), "{r}");
        during.push(took);
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    let mut late = 0;
    let mut worst = Duration::ZERO;
    for w in watchers {
        let (open_for, allowed) = tokio::time::timeout(IDLE + SLACK * 3, w)
            .await
            .expect("a connection was never closed")
            .unwrap();
        worst = worst.max(open_for.saturating_sub(allowed));
        if open_for > allowed + SLACK || open_for + Duration::from_millis(50) < allowed {
            late += 1;
        }
    }
    let (p50_before, p99_before) = (percentile(before.clone(), 0.5), percentile(before, 0.99));
    let (p50_during, p99_during) = (
        percentile(during.clone(), 0.5),
        percentile(during.clone(), 0.99),
    );
    eprintln!(
        "{total} connections ({half_open} half-open, {idle} idle, {silent} silent): each closed at most {worst:?} after its timeout; \
         ordinary requests p50/p99 {p50_before:?}/{p99_before:?} before, {p50_during:?}/{p99_during:?} during ({} requests)",
        during.len()
    );
    assert_eq!(
        late, 0,
        "{late} connections were not closed at their timeout (worst {worst:?} late)"
    );
    // Held connections cost the server nothing while they wait: requests stay fast.
    assert!(
        p99_during < Duration::from_millis(100).max(p99_before * 5),
        "p99 {p99_during:?} during, {p99_before:?} before"
    );
    assert!(p50_during < Duration::from_millis(25), "p50 {p50_during:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_connection_bound_newcomers_wait_for_a_slot() {
    let (addr, _stop) = start(policy(500, 1000, 20));
    let mut held = Vec::new();
    for _ in 0..20 {
        held.push(TcpStream::connect(addr).await.unwrap());
    }
    // Let the server accept them all before the newcomer arrives.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (r, took) = ordinary(addr, "/ping").await;
    assert!(r.starts_with("HTTP/1.1 200"), "{r}");
    // It waited in the backlog until the silent ones were shed at their idle timeout.
    assert!(
        took >= Duration::from_millis(600) && took < Duration::from_millis(2500),
        "answered after {took:?}"
    );
    drop(held);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kept_alive_connection_serves_requests_until_it_idles() {
    let (addr, _stop) = start(policy(300, 600, 100));
    let mut s = TcpStream::connect(addr).await.unwrap();
    let mut buf = [0u8; 1024];
    // Three requests, each a little under the idle timeout apart: never cut.
    for _ in 0..3 {
        s.write_all(b"GET /ping HTTP/1.1\r\nHost: t\r\n\r\n")
            .await
            .unwrap();
        let n = s.read(&mut buf).await.unwrap();
        assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
    // A request dribbled byte by byte within the header timeout is served.
    for b in b"GET /ping HTTP/1.1\r\nHost: t\r\n\r\n".chunks(8) {
        s.write_all(b).await.unwrap();
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let n = s.read(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    // A request in progress (a long poll) is never cut, however long it is silent.
    s.write_all(b"GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .unwrap();
    let n = s.read(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    let idle_from = Instant::now();
    let closed = closed_at(s).await;
    let idle = closed.duration_since(idle_from);
    assert!(
        idle >= Duration::from_millis(550) && idle < Duration::from_millis(1500),
        "closed after {idle:?} idle"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_heads_are_refused_and_responses_carry_security_headers() {
    let (addr, _stop) = start(policy(1000, 1000, 100));
    let mut s = TcpStream::connect(addr).await.unwrap();
    let big = "x".repeat(9 * 1024);
    s.write_all(format!("GET /ping HTTP/1.1\r\nHost: t\r\nX-Big: {big}\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut response = Vec::new();
    let _ = s.read_to_end(&mut response).await;
    let response = String::from_utf8_lossy(&response);
    assert!(response.starts_with("HTTP/1.1 431"), "{response}");

    let (r, _) = ordinary(addr, "/ping").await;
    let lower = r.to_ascii_lowercase();
    assert!(lower.contains("x-content-type-options: nosniff"), "{r}");
    assert!(!lower.contains("content-security-policy"), "{r}");
    let (r, _) = ordinary(addr, "/page").await;
    let lower = r.to_ascii_lowercase();
    assert!(lower.contains("x-content-type-options: nosniff"), "{r}");
    assert!(
        lower.contains("content-security-policy: default-src 'none'"),
        "{r}"
    );
}

/// A body sent from a file (`server::file_backed`) arrives byte for byte after its
/// head, on requests pipelined on one connection, to a reader that stops reading for a
/// while (the socket fills; each send resumes where the last one stopped).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_sent_from_files_arrive_whole_and_in_order() {
    let (addr, _stop) = start(policy(5000, 5000, 100));
    let mut s = TcpStream::connect(addr).await.unwrap();
    let order = [3, 0, 2, 1, 3];
    let mut requests = String::new();
    for (n, i) in order.iter().enumerate() {
        let close = if n + 1 == order.len() {
            "Connection: close\r\n"
        } else {
            ""
        };
        requests.push_str(&format!("GET /kept/{i} HTTP/1.1\r\nHost: t\r\n{close}\r\n"));
    }
    s.write_all(requests.as_bytes()).await.unwrap();
    let mut received = Vec::new();
    let mut chunk = vec![0u8; 7919];
    let mut pauses = 0;
    loop {
        let n = s.read(&mut chunk).await.unwrap();
        if n == 0 {
            break;
        }
        received.extend_from_slice(&chunk[..n]);
        if received.len() > (pauses + 1) * 1_500_000 && pauses < 4 {
            pauses += 1;
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }
    let mut rest = &received[..];
    for i in order {
        let end = rest
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a response head")
            + 4;
        let head = String::from_utf8_lossy(&rest[..end]).to_ascii_lowercase();
        assert!(head.starts_with("http/1.1 200"), "{head}");
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length: "))
            .expect("content-length")
            .trim()
            .parse()
            .unwrap();
        assert_eq!(length, kept()[i].len(), "{head}");
        assert!(
            rest[end..end + length] == kept()[i][..],
            "body of /kept/{i} differs"
        );
        rest = &rest[end + length..];
    }
    assert!(
        rest.is_empty(),
        "{} bytes after the last response",
        rest.len()
    );
}

/// Each response sent from a file leaves whole as soon as it is written: none waits for
/// the next one (or for the kernel's 200 ms cork limit) to push its last bytes out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_sent_from_a_file_is_not_held_back() {
    let (addr, _stop) = start(policy(5000, 5000, 100));
    let mut s = TcpStream::connect(addr).await.unwrap();
    let mut took = Vec::new();
    let mut buf = vec![0u8; 256 * 1024];
    for i in [1, 2, 3].into_iter().cycle().take(15) {
        let started = Instant::now();
        s.write_all(format!("GET /kept/{i} HTTP/1.1\r\nHost: t\r\n\r\n").as_bytes())
            .await
            .unwrap();
        let mut received = Vec::new();
        loop {
            let n = s.read(&mut buf).await.unwrap();
            assert!(n > 0, "closed early");
            received.extend_from_slice(&buf[..n]);
            let head = received.windows(4).position(|w| w == b"\r\n\r\n");
            if head.is_some_and(|end| received.len() == end + 4 + kept()[i].len()) {
                break;
            }
        }
        took.push(started.elapsed());
    }
    let median = percentile(took, 0.5);
    assert!(
        median < Duration::from_millis(120),
        "median {median:?} per response"
    );
}
