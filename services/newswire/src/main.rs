//! The `newswire` command line: parses the subcommands (`dev`, the stages on stdin/stdout,
//! `render`, `publish`, `deadletter`) and hands each to the library.

use anyhow::Context;
use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};
use newswire::dev::{self, DevOptions};
use newswire::stdio::{self, FeedFormat};
use newswire_shared::health::Health;
use newswire_shared::kafka::deadletter::operator::{parse_locator, Selection};
use newswire_shared::kafka::DeadLetterKind;
use newswire_shared::{telemetry, Settings};
use std::io::{BufReader, Read};
use std::path::PathBuf;
use std::process::ExitCode;

// As the enricher's own binary: `newswire enrich` and `dev` run the same entity finding.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Newswire: article events in, feeds, NewsML-G2 and social posts out.
#[derive(Parser)]
#[command(version)]
struct Cli {
    /// Configuration file (TOML); `NEWSWIRE__SECTION__KEY` variables override it.
    #[arg(long, global = true, env = "NEWSWIRE_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run every service in one process with the sample articles.
    Dev {
        /// Port for the API, the feeds and the health endpoints (0 = any free port).
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// Use this Kafka instead of the embedded broker (HOST:PORT[,HOST:PORT]).
        #[arg(long)]
        brokers: Option<String>,
        /// Partitions per topic when creating them.
        #[arg(long, default_value_t = 3)]
        partitions: i32,
        /// Do not publish the sample articles.
        #[arg(long)]
        no_samples: bool,
    },
    /// Publish articles from a JSON, JSON-array or JSON-lines file (or - for stdin).
    Publish {
        file: PathBuf,
        /// Kafka bootstrap servers (default: kafka.brokers from the configuration).
        #[arg(long)]
        brokers: Option<String>,
    },
    /// Enrich article events: JSON lines on stdin, enriched JSON lines on stdout.
    Enrich,
    /// Render a feed to stdout (or social posts as JSON lines to stdout, or NewsML-G2
    /// / ninjs files into `--out`) from enriched events (JSON lines on stdin).
    Render {
        #[arg(long, value_enum)]
        format: FeedFormat,
        /// Render as of this instant (RFC 3339); embargoes later than it stay hidden.
        #[arg(long)]
        now: Option<DateTime<Utc>>,
        /// Items in the feed.
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Folder for `--format newsml` and `--format ninjs` (one file per version).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Events a stage set aside: list them, show one, replay them once fixed.
    Deadletter {
        #[command(subcommand)]
        action: DeadletterAction,
    },
}

#[derive(Subcommand)]
enum DeadletterAction {
    /// One line per dead letter: locator, time, stage, kind, origin, article, reason.
    List {
        #[command(flatten)]
        select: Select,
    },
    /// One dead letter in full: headers and payload.
    Show {
        /// PARTITION:OFFSET of the dead letter (the LOCATOR column of `list`).
        locator: String,
    },
    /// Send the chosen dead letters back to the topics they came from.
    Replay {
        #[command(flatten)]
        select: Select,
        /// Say what would be replayed, send nothing.
        #[arg(long)]
        dry_run: bool,
        /// Refuse an event already replayed this many times (a poison event cannot loop).
        #[arg(long, default_value_t = 3)]
        max_replays: u32,
        /// Replay even when nothing narrows the selection (every dead letter).
        #[arg(long)]
        all: bool,
    },
}

/// Which dead letters; every condition given must hold.
#[derive(clap::Args)]
struct Select {
    /// Only from this stage (enricher, newsml, social).
    #[arg(long)]
    stage: Option<String>,
    /// Only of this kind (undecodable, invalid, too_large, transform_panic, rejected_by_broker, unclassified).
    #[arg(long)]
    kind: Option<String>,
    /// Only for this article id.
    #[arg(long)]
    article: Option<String>,
    /// Only dead-lettered at or after this instant (RFC 3339).
    #[arg(long)]
    since: Option<DateTime<Utc>>,
    /// Only dead-lettered before this instant (RFC 3339).
    #[arg(long)]
    until: Option<DateTime<Utc>>,
    /// Only these dead letters, by PARTITION:OFFSET (repeatable).
    #[arg(long = "only")]
    only: Vec<String>,
}

impl Select {
    fn selection(self) -> anyhow::Result<Selection> {
        if let Some(kind) = &self.kind {
            anyhow::ensure!(
                DeadLetterKind::parse(kind).is_some(),
                "--kind {kind:?}: expected one of {}",
                DeadLetterKind::ALL.map(DeadLetterKind::as_str).join(", ")
            );
        }
        Ok(Selection {
            stage: self.stage,
            kind: self.kind,
            article: self.article,
            since: self.since,
            until: self.until,
            only: self
                .only
                .iter()
                .map(|s| parse_locator(s))
                .collect::<Result<_, _>>()
                .map_err(|e| anyhow::anyhow!("--only {e}"))?,
        })
    }

    fn narrows(&self) -> bool {
        self.stage.is_some()
            || self.kind.is_some()
            || self.article.is_some()
            || self.since.is_some()
            || self.until.is_some()
            || !self.only.is_empty()
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("newswire: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let settings = Settings::load(cli.config.as_deref()).context("loading configuration")?;
    let stdin = || BufReader::new(std::io::stdin().lock());
    let outcome = |bad_lines: usize| {
        if bad_lines == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        }
    };
    match cli.command {
        Command::Dev {
            port,
            brokers,
            partitions,
            no_samples,
        } => {
            telemetry::init_tracing(&settings.telemetry);
            let options = DevOptions {
                port,
                brokers,
                partitions,
                samples: !no_samples,
            };
            dev::run(settings, options).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Publish { file, brokers } => {
            telemetry::init_tracing(&settings.telemetry);
            let mut settings = settings;
            if let Some(b) = brokers {
                settings.kafka.brokers = b;
            }
            let bytes = if file.as_os_str() == "-" {
                let mut buf = Vec::new();
                std::io::stdin().read_to_end(&mut buf)?;
                buf
            } else {
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?
            };
            let publisher = newswire_ingest::Publisher::new(&settings, &Health::default().metrics)?;
            let failed = newswire::publish::publish(&publisher, &bytes).await;
            publisher.flush();
            Ok(outcome(failed))
        }
        Command::Enrich => {
            let report = stdio::enrich(
                stdin(),
                &mut std::io::stdout().lock(),
                &mut std::io::stderr(),
            )?;
            Ok(outcome(report.bad_lines))
        }
        Command::Render {
            format,
            now,
            limit,
            out,
        } => {
            let now = now.unwrap_or_else(Utc::now);
            if matches!(format, FeedFormat::Newsml | FeedFormat::Ninjs) {
                let out = out.context("--format newsml and ninjs write files: give --out DIR")?;
                let provider = newswire_newsml::Provider {
                    name: settings.newsml.provider_name.clone(),
                    uri: settings.newsml.provider_uri.clone(),
                };
                let (report, written) =
                    stdio::render_items(format, &provider, &out, stdin(), &mut std::io::stderr())?;
                eprintln!("{written} files written to {}", out.display());
                return Ok(outcome(report.bad_lines));
            }
            let Some(feed) = format.feed() else {
                let report = stdio::render_social(
                    settings.social.accounts.clone(),
                    stdin(),
                    &mut std::io::stdout().lock(),
                    &mut std::io::stderr(),
                )?;
                return Ok(outcome(report.bad_lines));
            };
            let report = stdio::render(
                feed,
                &settings.feeds,
                now,
                limit,
                stdin(),
                &mut std::io::stdout().lock(),
                &mut std::io::stderr(),
            )?;
            Ok(outcome(report.bad_lines))
        }
        Command::Deadletter { action } => {
            telemetry::init_tracing(&settings.telemetry);
            deadletter_command(&settings, action).await
        }
    }
}

async fn deadletter_command(
    settings: &Settings,
    action: DeadletterAction,
) -> anyhow::Result<ExitCode> {
    use newswire::deadletter as dl;
    match action {
        DeadletterAction::List { select } => {
            let entries = dl::read(settings, &select.selection()?)?;
            dl::write_list(&mut std::io::stdout().lock(), &entries)?;
            Ok(ExitCode::SUCCESS)
        }
        DeadletterAction::Show { locator } => {
            let at = parse_locator(&locator).map_err(anyhow::Error::msg)?;
            let selection = Selection {
                only: vec![at],
                ..Default::default()
            };
            let entries = dl::read(settings, &selection)?;
            let entry = entries.first().with_context(|| {
                format!(
                    "no dead letter at {locator} in {}",
                    settings.topics.deadletter
                )
            })?;
            dl::write_show(&mut std::io::stdout().lock(), entry)?;
            Ok(ExitCode::SUCCESS)
        }
        DeadletterAction::Replay {
            select,
            dry_run,
            max_replays,
            all,
        } => {
            anyhow::ensure!(
                all || select.narrows(),
                "replay needs a selection (--stage, --kind, --article, --since, --until, --only) or --all"
            );
            let entries = dl::read(settings, &select.selection()?)?;
            let refused = dl::replay(settings, &entries, max_replays, dry_run).await?;
            eprintln!(
                "{} of {} dead letters {}",
                entries.len() - refused,
                entries.len(),
                if dry_run {
                    "would be replayed"
                } else {
                    "replayed"
                }
            );
            Ok(if refused == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
    }
}
