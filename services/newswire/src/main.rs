use anyhow::Context;
use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};
use newswire::dev::{self, DevOptions};
use newswire::stdio::{self, FeedFormat};
use newswire_shared::health::Health;
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
                now,
                limit,
                stdin(),
                &mut std::io::stdout().lock(),
                &mut std::io::stderr(),
            )?;
            Ok(outcome(report.bad_lines))
        }
    }
}
