//! The feed store at archive scale: fills a data directory with N enriched stories
//! (through the store and database code the service uses), then restarts the real
//! `newswire-feeds` binary on it several times and measures the time from process start
//! to serving the newest story, the first renderings of other feeds and archive pages,
//! and the process's memory.
//!
//! `feeds-store-bench --dir /tmp/feeds-1m [--count 1000000] [--runs 3] [--bin-dir target/release]`
//!
//! No broker is needed: the service restores and serves before its consumer connects.

use newswire_bench::copy::{LANGUAGES, SECTIONS, WORDS};
use newswire_bench::{free_port, Service};
use newswire_feeds::FeedDb;
use newswire_feeds::FeedStore;
use newswire_shared::Article;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A deterministic generator, so every run fills the same store.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// Skewed towards small numbers, as mentions of entities are.
    fn skewed(&mut self, n: usize) -> usize {
        let a = self.below(n);
        self.below(a + 1)
    }
}

fn story(i: usize, count: usize, rng: &mut Lcg) -> Article {
    // Two years of copy, oldest first, about 1,400 stories a day at a million.
    let start = chrono::DateTime::parse_from_rfc3339("2024-11-28T00:00:00Z").unwrap();
    let at = start.to_utc() + chrono::Duration::seconds((i as i64) * 63_072_000 / count as i64);
    let sentence = |rng: &mut Lcg| {
        let words: Vec<&str> = (0..14).map(|_| WORDS[rng.below(WORDS.len())]).collect();
        format!("The {} {}.", words.join(" "), rng.below(10_000))
    };
    let body: String = (0..8)
        .map(|_| {
            let p: Vec<String> = (0..2).map(|_| sentence(rng)).collect();
            format!("<p>{}</p>", p.join(" "))
        })
        .collect();
    let entities: Vec<serde_json::Value> = (0..5)
        .map(|_| {
            let e = rng.skewed(5_000);
            serde_json::json!({"name": format!("Entity {e}"), "type": "organization",
                "id": format!("wikidata:Q{}", 100 + e), "mentions": [], "count": 1, "salience": 0.5})
        })
        .collect();
    serde_json::from_value(serde_json::json!({
        "id": format!("story-{i:07}"), "version": 1, "status": "usable",
        "headline": format!("Story {i}: {}", sentence(rng)),
        "summary": sentence(rng), "body": body, "byline": "Newswire staff",
        "section": SECTIONS[rng.below(SECTIONS.len())],
        "urgency": 1 + rng.below(9),
        "url": format!("https://example.org/news/{i}"),
        "first_created": at.to_rfc3339(), "version_created": at.to_rfc3339(),
        "enrichment": {"language": LANGUAGES[rng.below(LANGUAGES.len())], "language_confidence": 0.99,
            "entities": entities}
    }))
    .expect("a valid story")
}

fn fill(dir: &Path, count: usize) {
    let started = Instant::now();
    let db = Arc::new(FeedDb::open(dir).expect("open the store"));
    let mut store = FeedStore::default();
    store.attach_db(db.clone());
    let mut rng = Lcg(7);
    let now = chrono::Utc::now();
    let mut ids = Vec::new();
    for i in 0..count {
        let a = story(i, count, &mut rng);
        ids.push(a.id.clone());
        store.apply_at(a, now);
        if ids.len() == 10_000 || i + 1 == count {
            let save = store.to_save(&ids);
            let offsets = [(0, (i + 1) as i64)].into();
            db.commit(&save.stories, &save.symbols, &offsets)
                .expect("commit");
            store.saved(&save);
            store.take_touched();
            ids.clear();
        }
        if (i + 1) % 100_000 == 0 {
            eprintln!("filled {} in {:.1?}", i + 1, started.elapsed());
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "filled {count} stories in {secs:.1} s ({:.0}/s); store file {} MB",
        count as f64 / secs,
        std::fs::metadata(dir.join("feeds.v2.redb")).map_or(0, |m| m.len() >> 20)
    );
}

fn status_kb(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

async fn timed_get(http: &reqwest::Client, url: &str) -> (Duration, String) {
    let started = Instant::now();
    let body = http.get(url).send().await.unwrap().text().await.unwrap();
    (started.elapsed(), body)
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
    };
    let dir = PathBuf::from(arg("--dir").expect("--dir DIR"));
    let count: usize = arg("--count").map_or(1_000_000, |c| c.parse().unwrap());
    let runs: usize = arg("--runs").map_or(3, |c| c.parse().unwrap());
    let bin_dir = PathBuf::from(arg("--bin-dir").unwrap_or("target/release".into()));
    if !dir.join("feeds.v2.redb").exists() {
        fill(&dir, count);
    }
    let newest = format!("story-{:07}", count - 1);
    let http = reqwest::Client::new();
    println!("| run | serving newest (ms) | entity feed (ms) | archive page 1 (ms) | newest archive page (ms) | RSS after (MB) | peak RSS (MB) |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for run in 1..=runs {
        let port = free_port();
        let env = vec![
            (
                "NEWSWIRE__FEEDS__DATA_DIR".into(),
                dir.display().to_string(),
            ),
            (
                "NEWSWIRE__FEEDS__LISTEN".into(),
                format!("127.0.0.1:{port}"),
            ),
            (
                "NEWSWIRE__FEEDS__BASE_URL".into(),
                format!("http://127.0.0.1:{port}"),
            ),
            // Nothing listens there: the consumer waits, the store serves.
            ("NEWSWIRE__KAFKA__BROKERS".into(), "127.0.0.1:9".into()),
        ];
        let logs = std::env::temp_dir();
        let mut feeds = Service::new(
            "feeds-store-bench",
            bin_dir.join("newswire-feeds"),
            env,
            &logs,
        );
        let started = Instant::now();
        feeds.start();
        let base = format!("http://127.0.0.1:{port}");
        let serving = loop {
            if let Ok(r) = http.get(format!("{base}/feeds/all.rss")).send().await {
                if r.text().await.is_ok_and(|b| b.contains(&newest)) {
                    break started.elapsed();
                }
            }
            assert!(started.elapsed() < Duration::from_secs(120), "never served");
            tokio::time::sleep(Duration::from_millis(2)).await;
        };
        let (entity, body) =
            timed_get(&http, &format!("{base}/feeds/entity/wikidata:Q4000.atom")).await;
        assert!(body.contains("<entry>"), "the entity feed has stories");
        let (first_page, body) =
            timed_get(&http, &format!("{base}/feeds/all/archive/1.atom")).await;
        assert!(
            body.contains("story-0000000"),
            "page 1 holds the oldest story"
        );
        let last = count / 50;
        let (last_page, body) =
            timed_get(&http, &format!("{base}/feeds/all/archive/{last}.atom")).await;
        assert!(body.contains("fh:archive"), "the newest full page exists");
        let pid = feeds.pid().expect("running");
        let (rss, peak) = (status_kb(pid, "VmRSS:"), status_kb(pid, "VmHWM:"));
        feeds.kill();
        let ms = |d: Duration| format!("{:.1}", d.as_secs_f64() * 1000.0);
        println!(
            "| {run} | {} | {} | {} | {} | {} | {} |",
            ms(serving),
            ms(entity),
            ms(first_page),
            ms(last_page),
            rss >> 10,
            peak >> 10
        );
    }
}
