//! The subscriber-facing HTTP endpoints.

use crate::render::rss::render_rss;
use crate::render::FeedInfo;
use crate::store::FeedStore;
use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use axum::Router;
use chrono::Utc;
use std::sync::{Arc, RwLock};

#[derive(Clone)]
pub struct FeedsState {
    pub store: Arc<RwLock<FeedStore>>,
    pub base_url: String,
    pub title: String,
    pub items_per_feed: usize,
}

pub fn router(state: FeedsState) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/feeds/all.rss", get(all_rss))
        .with_state(state)
}

async fn all_rss(State(state): State<FeedsState>) -> impl IntoResponse {
    let info = FeedInfo {
        title: state.title.clone(),
        link: format!("{}/", state.base_url),
        self_url: format!("{}/feeds/all.rss", state.base_url),
        description: format!("{}: all stories", state.title),
    };
    // Rendered at request time against the current clock, so an embargo lifts on
    // time and never early.
    let body = {
        let store = state.store.read().expect("store lock");
        render_rss(&info, &store.released(Utc::now(), state.items_per_feed))
    };
    (
        [(header::CONTENT_TYPE, "application/rss+xml; charset=utf-8")],
        body,
    )
}

async fn index(State(state): State<FeedsState>) -> Html<String> {
    let title = html_escape(&state.title);
    Html(format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title>\n\
         <link rel=\"alternate\" type=\"application/rss+xml\" title=\"{title}: all stories\" href=\"/feeds/all.rss\">\n\
         </head><body><h1>{title}</h1><ul><li><a href=\"/feeds/all.rss\">All stories (RSS)</a></li></ul></body></html>\n"
    ))
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
