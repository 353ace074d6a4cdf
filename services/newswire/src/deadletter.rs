//! `newswire deadletter list|show|replay`: what an operator does with events a stage
//! set aside (the library side is `newswire_shared::kafka::deadletter::operator`).

use indicatif::{ProgressBar, ProgressStyle};
use newswire_shared::kafka::deadletter::operator::{
    self, DeadLetterEntry, ReplayOutcome, Selection,
};
use newswire_shared::Settings;
use std::io::Write;

/// Reads the dead-letter topic with a progress bar on stderr.
pub fn read(settings: &Settings, selection: &Selection) -> anyhow::Result<Vec<DeadLetterEntry>> {
    let topic = &settings.topics.deadletter;
    let total = operator::topic_records(&settings.kafka, topic)?;
    let progress = bar(total, "dead letters read");
    let entries = operator::list(&settings.kafka, topic, selection, || progress.inc(1))?;
    progress.finish_and_clear();
    Ok(entries)
}

/// One line per dead letter: where it is, when, stage, kind, origin, article, reason.
pub fn write_list(out: &mut impl Write, entries: &[DeadLetterEntry]) -> std::io::Result<()> {
    writeln!(
        out,
        "LOCATOR\tTIME\tSTAGE\tKIND\tORIGIN\tARTICLE\tREPLAYS\tREASON"
    )?;
    for e in entries {
        writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            e.locator(),
            e.time.map(|t| t.to_rfc3339()).unwrap_or_else(|| "-".into()),
            e.stage(),
            e.kind(),
            e.origin(),
            e.key
                .as_deref()
                .map(String::from_utf8_lossy)
                .unwrap_or_default(),
            e.replays(),
            e.reason().replace(['\t', '\n'], " ")
        )?;
    }
    Ok(())
}

/// One dead letter in full: its headers, then its payload.
pub fn write_show(out: &mut impl Write, e: &DeadLetterEntry) -> std::io::Result<()> {
    writeln!(
        out,
        "dead letter {} ({})",
        e.locator(),
        e.time.map(|t| t.to_rfc3339()).unwrap_or_default()
    )?;
    writeln!(
        out,
        "key: {}",
        e.key
            .as_deref()
            .map(String::from_utf8_lossy)
            .unwrap_or_default()
    )?;
    for (k, v) in &e.headers {
        writeln!(
            out,
            "header {k}: {}",
            v.as_deref()
                .map(String::from_utf8_lossy)
                .unwrap_or_default()
        )?;
    }
    match &e.payload {
        Some(p) => {
            writeln!(out, "payload ({} bytes):", p.len())?;
            out.write_all(p)?;
            writeln!(out)
        }
        None => writeln!(out, "payload: none"),
    }
}

/// Replays `entries`; prints one line per entry; returns how many were refused.
pub async fn replay(
    settings: &Settings,
    entries: &[DeadLetterEntry],
    max_replays: u32,
    dry_run: bool,
) -> anyhow::Result<usize> {
    let progress = bar(entries.len() as u64, "dead letters replayed");
    let mut refused = 0;
    operator::replay(
        &settings.kafka,
        entries,
        max_replays,
        dry_run,
        |e, outcome| {
            let line = match outcome {
                ReplayOutcome::Replayed { topic, replays } => format!(
                    "{} {} to {topic} (replay {replays})",
                    e.locator(),
                    if dry_run {
                        "would go back"
                    } else {
                        "went back"
                    }
                ),
                ReplayOutcome::Refused(why) => {
                    refused += 1;
                    format!("{} refused: {why}", e.locator())
                }
            };
            progress.suspend(|| println!("{line}"));
            progress.inc(1);
        },
    )
    .await?;
    progress.finish_and_clear();
    Ok(refused)
}

fn bar(total: u64, what: &str) -> ProgressBar {
    ProgressBar::new(total).with_style(
        ProgressStyle::with_template(&format!("{{bar:40}} {{pos}}/{{len}} {what}, eta {{eta}}"))
            .expect("valid template"),
    )
}
