//! `newswire dev`: the embedded broker (or an external one), every service, the sample
//! articles, and the URLs to open.

use crate::pipeline::Pipeline;
use crate::samples::sample_articles;
use newswire_shared::kafka::{ensure_topics, EmbeddedBroker, TopicSpec};
use newswire_shared::shutdown;
use newswire_shared::Settings;
use std::time::Duration;
use tokio::net::TcpListener;

pub struct DevOptions {
    pub port: u16,
    /// An external broker; the embedded one when `None`.
    pub brokers: Option<String>,
    pub partitions: i32,
    pub samples: bool,
}

pub async fn run(mut settings: Settings, options: DevOptions) -> anyhow::Result<()> {
    let _embedded = match &options.brokers {
        Some(brokers) => {
            settings.kafka.brokers = brokers.clone();
            ensure_topics(
                &settings.kafka,
                &TopicSpec::all(&settings.topics, options.partitions),
                1,
            )
            .await?;
            None
        }
        None => {
            let broker = EmbeddedBroker::start(1)?;
            broker.create_topics(&TopicSpec::all(&settings.topics, options.partitions))?;
            settings.kafka.brokers = broker.bootstrap_servers().to_string();
            Some(broker)
        }
    };
    let listener = TcpListener::bind(("127.0.0.1", options.port)).await?;
    let base = format!("http://{}", listener.local_addr()?);
    settings.feeds.base_url = base.clone();
    // The services keep NewsML private unless told otherwise; a local trial run on
    // loopback opens it, unless the configuration says what is public.
    let newsml_public = settings.newsml.public.is_none();
    settings
        .newsml
        .public
        .get_or_insert_with(|| vec!["*".into()]);

    // The monitor opens only with an operator's key; a local run makes one for whoever
    // started it, unless the configuration names its own.
    let operator_key = settings.monitor.operator_keys.is_empty().then(|| {
        let key = newswire_monitor::access::new_key();
        settings
            .monitor
            .operator_keys
            .push(newswire_shared::keys::ConfiguredKey::new(key.clone()));
        key
    });

    let (trigger, stop) = shutdown::channel();
    let pipeline = Pipeline::start(&settings, listener, stop)?;

    if options.samples {
        let embargo_at = chrono::Utc::now() + chrono::Duration::seconds(60);
        for article in sample_articles(embargo_at) {
            pipeline.ingest.state.publisher.publish(&article).await?;
        }
        tracing::info!(release = %embargo_at, "sample articles published; the embargoed one is released one minute from now");
    }
    let mut ready = false;
    for _ in 0..100 {
        if pipeline.health.is_ready() {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    if !ready {
        tracing::warn!("not every service reports ready yet; see {base}/readyz");
    }
    println!(
        "Newswire is running on {} ({}):",
        base,
        if _embedded.is_some() {
            "embedded broker"
        } else {
            "external broker"
        }
    );
    println!("  feed (RSS)      {base}/feeds/all.rss");
    println!("  feeds index     {base}/");
    println!(
        "  NewsML-G2       {base}/newsml/items  (newsMessage; /newsml/items/{{id}} for one item){}",
        if newsml_public {
            "; public in dev, private by default elsewhere (newsml.public)"
        } else {
            ""
        }
    );
    println!("  newsroom API    POST {base}/v1/articles  (Content-Type: application/json)");
    println!(
        "  social posts    Kafka topic {} (one per account and network)",
        settings.topics.social
    );
    match &operator_key {
        Some(key) => println!(
            "  wire monitor    {base}/monitor/#key={key}  (operator key {key}, made for this run)"
        ),
        None => println!(
            "  wire monitor    {base}/monitor/  (sign in with a key of monitor.operator_keys)"
        ),
    }
    println!("  health          {base}/healthz  {base}/readyz  {base}/metrics");
    println!("Press Ctrl-C to stop.");

    shutdown::signal().await;
    println!("Stopping…");
    trigger.trigger();
    tokio::time::timeout(Duration::from_secs(15), pipeline.stopped())
        .await
        .map_err(|_| anyhow::anyhow!("services did not stop within 15 s"))??;
    Ok(())
}
