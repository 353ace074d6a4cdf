//! Every service in one process, serving on one port: what `newswire dev` runs and
//! what the end-to-end tests start.

use axum::Router;
use newswire_feeds::Feeds;
use newswire_ingest::Ingest;
use newswire_monitor::Monitor;
use newswire_shared::health::Health;
use newswire_shared::shutdown::Shutdown;
use newswire_shared::Settings;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// A running pipeline; dropped handles keep running until `shutdown` fires.
pub struct Pipeline {
    pub health: Health,
    pub ingest: Ingest,
    pub feeds: Feeds,
    pub monitor: Monitor,
    server: JoinHandle<std::io::Result<()>>,
    feed_consumer: JoinHandle<anyhow::Result<()>>,
    enricher: std::thread::JoinHandle<anyhow::Result<()>>,
    social: std::thread::JoinHandle<anyhow::Result<()>>,
    newsml: std::thread::JoinHandle<anyhow::Result<()>>,
    newsml_delivery: std::thread::JoinHandle<anyhow::Result<()>>,
    monitor_consumer: std::thread::JoinHandle<anyhow::Result<()>>,
    push_delivery: std::thread::JoinHandle<anyhow::Result<()>>,
}

impl Pipeline {
    /// Starts ingest, the enricher, newsml and social stages, newsml delivery, push
    /// delivery (webhooks, SFTP, drop folders) and feeds against `settings.kafka.brokers`,
    /// all served on `listener`. The topics must exist.
    pub fn start(
        settings: &Settings,
        listener: TcpListener,
        shutdown: Shutdown,
    ) -> anyhow::Result<Self> {
        let health = Health::default();
        let ingest = Ingest::build(settings, &health)?;
        let feeds = Feeds::build(settings);
        let enricher = newswire_enricher::STAGE.spawn(settings, &health, shutdown.clone());
        let social = newswire_social::STAGE.spawn(settings, &health, shutdown.clone());
        let newsml = newswire_newsml::STAGE.spawn(settings, &health, shutdown.clone());
        let delivery = newswire_newsml::Delivery::build(settings)?;
        let newsml_router = delivery.router();
        let newsml_delivery = delivery.spawn_consumer(settings, &health, shutdown.clone());
        let push = newswire_delivery::Delivery::build(settings)?;
        let push_router = push.router();
        let push_delivery = push.spawn(&health, shutdown.clone());
        let feed_consumer = feeds.spawn_consumer(settings, &health, shutdown.clone());
        let monitor = Monitor::build(settings)?;
        let monitor_consumer = monitor.spawn_consumer(settings, &health, shutdown.clone());
        ingest.watch_broker(health.component("ingest.kafka"), shutdown.clone());
        let app = Router::new()
            .merge(ingest.router())
            .merge(feeds.router())
            .merge(newsml_router)
            .merge(monitor.router())
            .merge(push_router)
            .merge(health.router())
            .fallback(newswire_ingest::api::not_found);
        let http = settings.http.clone();
        let server = tokio::spawn(async move {
            newswire_shared::server::serve(listener, app, &http, shutdown).await
        });
        Ok(Self {
            health,
            ingest,
            feeds,
            monitor,
            server,
            feed_consumer,
            enricher,
            social,
            newsml,
            newsml_delivery,
            monitor_consumer,
            push_delivery,
        })
    }

    /// Waits for every part to finish after shutdown was triggered.
    pub async fn stopped(self) -> anyhow::Result<()> {
        self.server.await??;
        self.feed_consumer.await??;
        for (name, stage) in [
            ("enricher", self.enricher),
            ("social", self.social),
            ("newsml", self.newsml),
            ("newsml delivery", self.newsml_delivery),
            ("monitor consumer", self.monitor_consumer),
            ("push delivery", self.push_delivery),
        ] {
            tokio::task::spawn_blocking(move || stage.join())
                .await?
                .map_err(|_| anyhow::anyhow!("{name} thread panicked"))??;
        }
        self.ingest.state.publisher.flush();
        Ok(())
    }
}
