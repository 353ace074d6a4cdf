//! The serving loop: the shared server's one loop per core (`newswire_shared::server`,
//! which also applies the connection policy), with a feed request going straight to
//! the feed handler and everything else (index, `/v1/items`, health) through the
//! router.

use crate::http::{feed_response, FeedsState};
use axum::body::Body;
use axum::http::{Method, Request, Response};
use axum::Router;
use hyper::body::Incoming;
use newswire_shared::config::HttpSettings;
use newswire_shared::shutdown::Shutdown;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;

/// Serves `app` on `listener` until `shutdown`, then lets open requests finish.
/// `GET /feeds/...` skips the router: polls are nearly all 304s of a
/// few hundred bytes, and the router's share of one (extractors copying the request
/// headers, a protocol-sniffing connection) kept the 304 rate at 82–87% of nginx's;
/// without it, 116–120% (BENCHMARKS.md). One loop per core, not a work-stealing
/// runtime, so a request never crosses threads (80k → 98k 304s/s when measured).
pub fn serve_per_core(
    listener: std::net::TcpListener,
    app: Router,
    feeds: FeedsState,
    http: &HttpSettings,
    shutdown: Shutdown,
) -> anyhow::Result<()> {
    newswire_shared::server::serve_per_core(listener, Dispatch { feeds, app }, http, shutdown)
}

#[derive(Clone)]
struct Dispatch {
    feeds: FeedsState,
    app: Router,
}

type Responding = Pin<Box<dyn Future<Output = Result<Response<Body>, Infallible>> + Send>>;

impl hyper::service::Service<Request<Incoming>> for Dispatch {
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = Responding;

    fn call(&self, request: Request<Incoming>) -> Self::Future {
        if let Some(response) = direct(&self.feeds, &request) {
            return Box::pin(std::future::ready(Ok(response)));
        }
        let mut app = self.app.clone();
        Box::pin(async move { tower_service::Service::call(&mut app, request).await })
    }
}

/// The feed handler for `GET /feeds/...`, or `None` to leave the request to the router
/// (other methods; a path that is not UTF-8 once decoded, so the answer stays the
/// router's).
fn direct(feeds: &FeedsState, request: &Request<Incoming>) -> Option<Response<Body>> {
    if request.method() != Method::GET {
        return None;
    }
    let path = request.uri().path().strip_prefix("/feeds/")?;
    let path = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()?;
    let target = request.uri().path_and_query().map_or("", |t| t.as_str());
    Some(feed_response(
        feeds,
        &path,
        request.uri().query(),
        target,
        request.headers(),
    ))
}
