//! The renderer loop: wakes on every change to the store and at the next embargo's
//! release instant, releases what is due, and re-renders the cached documents the
//! changes touch — so an embargoed story is published at its instant, not at the next
//! request.

use super::cache::FeedCache;
use chrono::Utc;
use newswire_shared::shutdown::Shutdown;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// Re-renders on every store change and at every embargo's instant, until shutdown.
pub async fn run(cache: Arc<FeedCache>, mut changes: watch::Receiver<u64>, shutdown: Shutdown) {
    let store = cache.store();
    let stop = shutdown.wait();
    tokio::pin!(stop);
    loop {
        let next_release = store.read().expect("store lock").next_release();
        let release_in = next_release
            .map(|t| (t - Utc::now()).to_std().unwrap_or(Duration::ZERO))
            .unwrap_or(Duration::from_secs(3600));
        tokio::select! {
            _ = &mut stop => return,
            changed = changes.changed() => if changed.is_err() { return },
            // The embargo lifts now: publish it without waiting for the next request.
            _ = tokio::time::sleep(release_in) => {}
        }
        let touches = {
            let mut store = store.write().expect("store lock");
            store.release_due(Utc::now());
            store.take_touched()
        };
        let refreshing = cache.clone();
        let _ = tokio::task::spawn_blocking(move || refreshing.refresh(&touches)).await;
        cache.mark_refreshed();
    }
}
