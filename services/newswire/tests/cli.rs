//! The `newswire` binary as a user runs it.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_newswire");

fn http_get(url: &str) -> Option<String> {
    // A minimal HTTP/1.0 GET, so this test needs no client library.
    let rest = url.strip_prefix("http://")?;
    let (host, path) = rest.split_once('/').map(|(h, p)| (h, format!("/{p}")))?;
    let mut stream = std::net::TcpStream::connect(host).ok()?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").ok()?;
    let mut response = String::new();
    std::io::Read::read_to_string(&mut stream, &mut response).ok()?;
    Some(response)
}

#[test]
fn dev_serves_the_seed_article_and_stops_cleanly_on_sigterm() {
    let mut child = Command::new(BIN)
        .args(["dev", "--port", "0"])
        .env("NEWSWIRE__TELEMETRY__LOG_LEVEL", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let feed_url = loop {
        let line = lines.next().expect("dev printed its URLs").unwrap();
        if let Some(url) = line
            .split_whitespace()
            .find(|w| w.ends_with("/feeds/all.rss"))
        {
            break url.to_string();
        }
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let feed = http_get(&feed_url).unwrap_or_default();
        if feed.contains("Lukashenko attends CSTO summit in Astana") {
            assert!(
                feed.contains("content-type: application/rss+xml; charset=utf-8"),
                "{feed}"
            );
            break;
        }
        assert!(
            Instant::now() < deadline,
            "seed article not in the feed within seconds:\n{feed}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    let stopped_at = Instant::now();
    // SAFETY: plain kill(2) on our own child's pid.
    unsafe { libc_kill(child.id() as i32, 15) };
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            stopped_at.elapsed() < Duration::from_secs(20),
            "dev did not stop within 20 s of SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "exit status {status:?}");
}

extern "C" {
    #[link_name = "kill"]
    fn libc_kill(pid: i32, sig: i32) -> i32;
}

#[test]
fn enrich_and_render_report_bad_lines_and_still_produce_output() {
    let input = concat!(
        r#"{"id":"a","version":1,"status":"usable","headline":"Alpha <b>","body":"<p>x<script>y</script></p>","first_created":"2024-11-28T08:00:00Z","version_created":"2024-11-28T08:00:00Z"}"#,
        "\nthis is not json\n"
    );
    let run = |args: &[&str], stdin: &[u8]| {
        let mut child = Command::new(BIN)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(stdin).unwrap();
        child.wait_with_output().unwrap()
    };
    let enriched = run(&["enrich"], input.as_bytes());
    assert!(!enriched.status.success());
    assert!(String::from_utf8_lossy(&enriched.stderr).contains("line 2:"));
    assert_eq!(String::from_utf8_lossy(&enriched.stdout).lines().count(), 1);

    let rendered = run(
        &["render", "--format", "rss", "--now", "2024-11-28T09:00:00Z"],
        &[&enriched.stdout[..], b"{}\n"].concat(),
    );
    assert!(
        !rendered.status.success(),
        "a bad line gives a non-zero exit"
    );
    assert!(String::from_utf8_lossy(&rendered.stderr).contains("line 2:"));
    let feed = String::from_utf8(rendered.stdout).unwrap();
    assert!(feed.contains("<title>Alpha &lt;b&gt;</title>"), "{feed}");
    assert!(!feed.contains("<script"));
}
