//! `newswire publish FILE|-`: what `POST /v1/articles` does, from the command line, for
//! one JSON article, a JSON array of them, or JSON lines.

use indicatif::{ProgressBar, ProgressStyle};
use newswire_ingest::Publisher;
use newswire_shared::validate::{decode_article, ContractError, Stage};
use newswire_shared::Article;

/// Splits the input into events and decodes each; a bad one is reported by position.
pub fn parse_events(bytes: &[u8]) -> Vec<Result<Article, (usize, ContractError)>> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'[') {
        return match serde_json::from_slice::<Vec<serde_json::Value>>(bytes) {
            Ok(values) => values
                .into_iter()
                .enumerate()
                .map(|(i, v)| {
                    decode_article(v.to_string().as_bytes(), Stage::Published)
                        .map_err(|e| (i + 1, e))
                })
                .collect(),
            Err(e) => vec![Err((
                1,
                ContractError {
                    field: "$".into(),
                    problem: e.to_string(),
                },
            ))],
        };
    }
    let mut events = Vec::new();
    let mut stream =
        serde_json::Deserializer::from_slice(bytes).into_iter::<serde::de::IgnoredAny>();
    let mut start = 0;
    loop {
        let next = stream.next();
        let end = stream.byte_offset();
        let number = events.len() + 1;
        match next {
            None => break,
            Some(Ok(_)) => events.push(
                decode_article(&bytes[start..end], Stage::Published).map_err(|e| (number, e)),
            ),
            Some(Err(e)) => {
                // The JSON itself is broken; the rest cannot be split reliably.
                events.push(Err((
                    number,
                    ContractError {
                        field: "$".into(),
                        problem: e.to_string(),
                    },
                )));
                break;
            }
        }
        start = end;
    }
    events
}

/// Publishes every valid event in order; returns how many failed (invalid or refused).
pub async fn publish(publisher: &Publisher, bytes: &[u8]) -> usize {
    let events = parse_events(bytes);
    let progress = ProgressBar::new(events.len() as u64).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} articles, {per_sec}, eta {eta}")
            .expect("valid template"),
    );
    let mut failed = 0;
    let mut valid = Vec::with_capacity(events.len());
    for event in events {
        match event {
            Ok(article) => valid.push(article),
            Err((number, e)) => {
                failed += 1;
                progress.suspend(|| eprintln!("event {number}: {e}"));
                progress.inc(1);
            }
        }
    }
    publisher
        .publish_in_order(valid, 10_000, |article, outcome| {
            if let Err(e) = outcome {
                failed += 1;
                progress.suspend(|| eprintln!("{} v{}: {e}", article.id, article.version));
            }
            progress.inc(1);
        })
        .await;
    progress.finish_and_clear();
    failed
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = r#"{"id":"a","version":1,"status":"usable","headline":"A","body":"","first_created":"2024-11-28T08:00:00Z","version_created":"2024-11-28T08:00:00Z"}"#;

    #[test]
    fn json_lines_pretty_objects_and_arrays() {
        let lines = format!("{A}\n{}\n", A.replace("\"a\"", "\"b\""));
        assert_eq!(
            parse_events(lines.as_bytes())
                .iter()
                .filter(|r| r.is_ok())
                .count(),
            2
        );
        let pretty =
            serde_json::to_string_pretty(&serde_json::from_str::<serde_json::Value>(A).unwrap())
                .unwrap();
        assert!(parse_events(pretty.as_bytes())[0].is_ok());
        let array = format!("[{A}, {{\"id\": \"x\"}}]");
        let parsed = parse_events(array.as_bytes());
        assert!(parsed[0].is_ok());
        assert_eq!(parsed[1].as_ref().unwrap_err().0, 2);
    }
}
