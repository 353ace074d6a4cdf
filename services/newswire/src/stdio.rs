//! The stages on stdin/stdout: JSON lines in, results out, one stderr line per bad
//! input line naming the line and the reason.

use chrono::{DateTime, Utc};
use newswire_feeds::FeedStore;
use newswire_feeds::{CorrectionNotes, FeedContent, FeedInfo, FeedItem, Format};
use newswire_shared::config::{FeedsSettings, SocialAccount};
use newswire_shared::validate::{decode_article, Stage};
use std::io::{BufRead, Write};

/// How many input lines were refused.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub bad_lines: usize,
}

/// Calls `each` for every non-blank line; errors go to `errors` as `line N: reason`.
fn for_each_line(
    input: impl BufRead,
    errors: &mut impl Write,
    mut each: impl FnMut(&[u8]) -> Result<(), String>,
) -> std::io::Result<Report> {
    let mut report = Report::default();
    for (index, line) in input.split(b'\n').enumerate() {
        let line = line?;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        if let Err(reason) = each(&line) {
            report.bad_lines += 1;
            writeln!(errors, "line {}: {reason}", index + 1)?;
        }
    }
    Ok(report)
}

/// [`for_each_line`] where each good line gives lines of output (`convert`): they are
/// written to `output`, each ended by a newline. Every input line is read even after a
/// write failed (so the report counts them all); the first write error is then returned.
fn lines_to_lines(
    input: impl BufRead,
    output: &mut impl Write,
    errors: &mut impl Write,
    mut convert: impl FnMut(&[u8]) -> Result<Vec<Vec<u8>>, String>,
) -> std::io::Result<Report> {
    let mut io_error = None;
    let report = for_each_line(input, errors, |line| {
        for out in convert(line)? {
            if let Err(e) = output.write_all(&out).and_then(|_| output.write_all(b"\n")) {
                io_error.get_or_insert(e);
            }
        }
        Ok(())
    })?;
    match io_error {
        Some(e) => Err(e),
        None => Ok(report),
    }
}

/// `newswire enrich`: article events in, enriched events out.
pub fn enrich(
    input: impl BufRead,
    output: &mut impl Write,
    errors: &mut impl Write,
) -> std::io::Result<Report> {
    lines_to_lines(input, output, errors, |line| {
        let enriched = newswire_enricher::enrich_json(line).map_err(|e| e.to_string())?;
        Ok(vec![enriched])
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FeedFormat {
    Rss,
    Atom,
    Jsonfeed,
    /// Social posts as JSON lines, one per account (from the configuration).
    Social,
    /// One NewsML-G2 news item file per article version (needs `--out`).
    Newsml,
    /// One ninjs 3.2 file per article version (needs `--out`).
    Ninjs,
}

impl FeedFormat {
    pub fn feed(self) -> Option<Format> {
        match self {
            FeedFormat::Rss => Some(Format::Rss),
            FeedFormat::Atom => Some(Format::Atom),
            FeedFormat::Jsonfeed => Some(Format::JsonFeed),
            FeedFormat::Social | FeedFormat::Newsml | FeedFormat::Ninjs => None,
        }
    }
}

/// `newswire render --format social`: enriched events in, one JSON line per post
/// instruction out, planned by the social service's code.
pub fn render_social(
    accounts: Vec<SocialAccount>,
    input: impl BufRead,
    output: &mut impl Write,
    errors: &mut impl Write,
) -> std::io::Result<Report> {
    let mut planner = newswire_social::Planner::new(accounts);
    lines_to_lines(input, output, errors, |line| {
        let article = decode_article(line, Stage::Enriched).map_err(|e| e.to_string())?;
        Ok(planner
            .plan(&article)
            .iter()
            .map(|post| serde_json::to_vec(post).expect("a post always serialises"))
            .collect())
    })
}

/// `newswire render --format newsml|ninjs --out DIR`: enriched events in, one file per
/// article version out (`{id}_v{version}.xml` or `.json`), written atomically; a
/// version already rendered is not written again. Returns the files written.
pub fn render_items(
    format: FeedFormat,
    provider: &newswire_newsml::Provider,
    out_dir: &std::path::Path,
    input: impl BufRead,
    errors: &mut impl Write,
) -> std::io::Result<(Report, usize)> {
    let mut written = 0;
    let mut io_error = None;
    let report = for_each_line(input, errors, |line| {
        let article = decode_article(line, Stage::Enriched).map_err(|e| e.to_string())?;
        let (bytes, ext) = match format {
            FeedFormat::Ninjs => (newswire_newsml::ninjs(&article), "json"),
            // The version as subscribers get it: with media, its package and items.
            _ => (
                newswire_newsml::version_document(&article, provider).0,
                "xml",
            ),
        };
        let name = newswire_newsml::files::file_name(&article.id, article.version, ext);
        match newswire_newsml::files::write_atomic(out_dir, &name, &bytes) {
            Ok(true) => written += 1,
            Ok(false) => {}
            Err(e) => {
                io_error.get_or_insert(e);
            }
        }
        Ok(())
    })?;
    match io_error {
        Some(e) => Err(e),
        None => Ok((report, written)),
    }
}

/// `newswire render`: enriched events in, one feed out, rendered by the service's code
/// as the service would serve `/feeds/all.{ext}` at `feeds.base_url` (its links, title
/// and correction notes from `feeds`).
pub fn render(
    format: Format,
    feeds: &FeedsSettings,
    now: DateTime<Utc>,
    limit: usize,
    input: impl BufRead,
    output: &mut impl Write,
    errors: &mut impl Write,
) -> std::io::Result<Report> {
    let mut store = FeedStore::default();
    let report = for_each_line(input, errors, |line| {
        let article = decode_article(line, Stage::Enriched).map_err(|e| e.to_string())?;
        store.apply_at(article, now);
        Ok(())
    })?;
    let base = feeds.base_url.trim_end_matches('/');
    let info = FeedInfo {
        title: feeds.title.clone(),
        link: format!("{base}/"),
        self_url: format!("{base}/feeds/all.{}", format.extension()),
        description: format!("{}: every story, newest first", feeds.title),
        id: newswire_feeds::feed_urn(&["all"]),
        hub: feeds.hub.clone(),
        history: Default::default(),
        language: None,
        empty_updated: now,
    };
    let notes = CorrectionNotes::with(&feeds.correction_notes);
    let articles = store.released(now, limit);
    let items: Vec<FeedItem<'_>> = articles
        .iter()
        .map(|a| {
            let published = store.published(&a.id).unwrap_or(a.first_created);
            FeedItem::new(a, published, &notes)
        })
        .collect();
    let tombstones = if format == Format::Atom {
        store.tombstones(limit, &Default::default())
    } else {
        Vec::new()
    };
    let bytes = format.render(&FeedContent {
        info: &info,
        items: &items,
        tombstones: &tombstones,
    });
    output.write_all(&bytes)?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{"id":"a","version":1,"status":"usable","headline":"Alpha","body":"<p>x</p>","first_created":"2024-11-28T08:00:00Z","version_created":"2024-11-28T08:00:00Z"}"#;

    #[test]
    fn bad_lines_are_named_and_the_rest_processed() {
        let input = format!(
            "{GOOD}\nnot json\n\n{{\"id\":\"b\"}}\n{}\n",
            GOOD.replace("\"a\"", "\"c\"")
        );
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let report = enrich(input.as_bytes(), &mut out, &mut err).unwrap();
        assert_eq!(report.bad_lines, 2);
        let err = String::from_utf8(err).unwrap();
        assert!(err.contains("line 2: $:"), "{err}");
        assert!(err.contains("line 4: version: missing field"), "{err}");
        assert_eq!(String::from_utf8(out).unwrap().lines().count(), 2);
    }

    #[test]
    fn render_social_writes_json_lines_and_names_bad_lines() {
        let mut enriched = Vec::new();
        enrich(GOOD.as_bytes(), &mut enriched, &mut Vec::new()).unwrap();
        let input = format!(
            "{}\nnot json\n",
            String::from_utf8(enriched.clone()).unwrap().trim()
        );
        let accounts = newswire_shared::config::SocialSettings::default().accounts;
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let report = render_social(accounts.clone(), input.as_bytes(), &mut out, &mut err).unwrap();
        assert_eq!(report.bad_lines, 1);
        assert!(String::from_utf8(err).unwrap().starts_with("line 2: "));
        let posts: Vec<serde_json::Value> = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(posts.len(), accounts.len());
        assert!(posts
            .iter()
            .all(|p| p["article_id"] == "a" && p["text"].as_str().unwrap().contains("Alpha")));
        // The same event twice is one set of posts.
        let twice = [&enriched[..], &enriched[..]].concat();
        let mut out = Vec::new();
        render_social(accounts.clone(), &twice[..], &mut out, &mut Vec::new()).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap().lines().count(),
            accounts.len()
        );
    }

    #[test]
    fn render_items_writes_one_file_per_version_once() {
        let mut enriched = Vec::new();
        let v2 = GOOD.replace("\"version\":1", "\"version\":2");
        enrich(
            format!("{GOOD}\n{v2}\n").as_bytes(),
            &mut enriched,
            &mut Vec::new(),
        )
        .unwrap();
        let input = [&enriched[..], &enriched[..], b"{bad\n"].concat();
        let dir = std::env::temp_dir().join(format!("render-items-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let provider = newswire_newsml::Provider {
            name: "N".into(),
            uri: "https://n.example/".into(),
        };
        let mut err = Vec::new();
        let (report, written) =
            render_items(FeedFormat::Newsml, &provider, &dir, &input[..], &mut err).unwrap();
        assert_eq!((report.bad_lines, written), (1, 2));
        assert!(String::from_utf8(err).unwrap().starts_with("line 5: "));
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["a_v1.xml", "a_v2.xml"]);
        let xml = std::fs::read_to_string(dir.join("a_v2.xml")).unwrap();
        assert!(xml.contains("version=\"2\"") && xml.contains("<headline>Alpha</headline>"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn enrich_then_render_gives_a_feed_with_released_stories_only() {
        let embargoed = GOOD
            .replace("\"a\"", "\"e\"")
            .replace("\"Alpha\"", "\"Embargoed\"")
            .replace(
                "\"body\"",
                "\"embargo_until\":\"2024-11-28T12:00:00Z\",\"body\"",
            );
        let input = format!("{GOOD}\n{embargoed}\n");
        let mut enriched = Vec::new();
        enrich(input.as_bytes(), &mut enriched, &mut Vec::new()).unwrap();
        let at = |t: &str| t.parse::<DateTime<Utc>>().unwrap();
        let feed_at = |now| {
            let mut out = Vec::new();
            render(
                Format::Rss,
                &FeedsSettings::default(),
                at(now),
                50,
                &enriched[..],
                &mut out,
                &mut Vec::new(),
            )
            .unwrap();
            String::from_utf8(out).unwrap()
        };
        let before = feed_at("2024-11-28T11:59:59Z");
        assert!(before.contains("Alpha") && !before.contains("Embargoed"));
        assert!(feed_at("2024-11-28T12:00:00Z").contains("Embargoed"));
    }
}
