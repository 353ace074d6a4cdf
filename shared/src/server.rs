//! Every HTTP server of Newswire — ingest, feeds, NewsML, the health endpoints of the
//! enricher and social, and `newswire dev` — accepts connections here, under one
//! connection policy (`http.*` in the configuration):
//!
//! - **Header-read timeout**: once the first byte of a request has arrived, the request
//!   line and headers must be complete within `http.header_read_timeout_ms`
//!   (slow-loris clients that dribble half a request are closed).
//! - **Idle timeout**: a connection with no request in progress — new and silent, or
//!   kept alive between requests — is closed after `http.idle_timeout_ms`. A request in
//!   progress (a long poll of `/v1/items`) is never cut.
//! - **Connection bound**: at most `http.max_connections` open at once per server
//!   (lowered to what the process's file limit allows); beyond it, clients wait in the
//!   listen backlog until a connection closes.
//! - **Header size**: request line plus headers of at most `http.max_header_bytes`;
//!   larger ones get `431 Request Header Fields Too Large`.
//! - **Security headers** on every response: `X-Content-Type-Options: nosniff`, and on
//!   HTML a `Content-Security-Policy` that allows nothing to load or run.
//!
//! - **Bodies sent from files**: a body made by [`file_backed`] (a document kept and
//!   sent many times) is sent with `sendfile(2)` from a sealed memory file rather than
//!   copied through a `writev`; hyper still frames every response (see `file_body`).
//!
//! The timeouts are watched per connection in its own task, without a timer task per
//! connection: the connection's future and its deadline are polled together, and the
//! deadline is recomputed whenever the connection makes progress.

use crate::config::HttpSettings;
use crate::shutdown::Shutdown;
use axum::body::Bytes;
use axum::http::{header, HeaderValue, Request, Response};
use axum::Router;
use hyper::body::Incoming;
use hyper::service::Service as HyperService;
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::time::Instant;

mod file_body;
pub use file_body::{file_backed, MAX_FILES as MAX_FILE_BODIES, MIN_LEN as MIN_FILE_BODY};

/// The HTML policy: a page that loads nothing, runs nothing, posts nowhere and is
/// framed by no one. Our only HTML (the feeds index) is links and text.
pub const HTML_CSP: &str =
    "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// File descriptors kept for everything but client connections (Kafka sockets, the
/// feed store, logs, file-backed bodies).
const RESERVED_FDS: u64 = 256 + MAX_FILE_BODIES as u64;

/// The connection policy in force for one server.
#[derive(Debug, Clone)]
pub struct Policy {
    pub header_read_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_connections: usize,
    pub max_header_bytes: usize,
}

impl Policy {
    /// From the settings, with `max_connections` lowered to what the file limit
    /// allows (the soft limit is raised towards the hard one first).
    pub fn new(http: &HttpSettings) -> Self {
        let allowed = fd_room(http.max_connections as u64 + RESERVED_FDS)
            .saturating_sub(RESERVED_FDS)
            .max(1) as usize;
        if allowed < http.max_connections {
            tracing::warn!(
                configured = http.max_connections,
                allowed,
                "http.max_connections lowered to what the open-file limit allows"
            );
        }
        Self {
            header_read_timeout: Duration::from_millis(http.header_read_timeout_ms),
            idle_timeout: Duration::from_millis(http.idle_timeout_ms),
            max_connections: http.max_connections.min(allowed),
            max_header_bytes: http.max_header_bytes,
        }
    }

    fn http1(&self) -> hyper::server::conn::http1::Builder {
        let mut b = hyper::server::conn::http1::Builder::new();
        // hyper's own header timer would start when the connection goes idle and cut
        // at idle + head; ours tells the two apart (see `Clock`).
        b.header_read_timeout(None)
            .max_header_size(self.max_header_bytes);
        b
    }
}

/// Raises the soft open-file limit towards `wanted` (never above the hard limit) and
/// returns the soft limit then in force.
// `rlim_t` is u64 on 64-bit Linux but not on every platform.
#[allow(clippy::unnecessary_cast)]
fn fd_room(wanted: u64) -> u64 {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit only read and write the struct we pass.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return wanted;
        }
        if (limit.rlim_cur as u64) < wanted {
            let raised = libc::rlimit {
                rlim_cur: (wanted as libc::rlim_t).min(limit.rlim_max),
                rlim_max: limit.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                limit = raised;
            }
        }
    }
    limit.rlim_cur as u64
}

/// An axum router as a hyper service.
#[derive(Clone)]
pub struct RouterService(pub Router);

impl hyper::service::Service<Request<Incoming>> for RouterService {
    type Response = Response<axum::body::Body>;
    type Error = Infallible;
    type Future = axum::routing::future::RouteFuture<Infallible>;

    fn call(&self, request: Request<Incoming>) -> Self::Future {
        tower_service::Service::call(&mut self.0.clone(), request)
    }
}

/// Serves `app` on `listener` on the current runtime until `shutdown`, then lets
/// requests in progress finish.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    http: &HttpSettings,
    shutdown: Shutdown,
) -> std::io::Result<()> {
    let policy = Arc::new(Policy::new(http));
    let limit = Arc::new(Semaphore::new(policy.max_connections));
    accept(listener, RouterService(app), policy, limit, shutdown).await
}

/// What the servers here serve: a hyper service that answers every request (its errors
/// are responses), cloned into each connection's task. Spelled once, for every function
/// that takes one; any such service is one.
pub trait HttpService<B>: Answers<B> + Clone + Send + 'static {}

impl<S: Answers<B> + Clone + Send + 'static, B> HttpService<B> for S {}

/// A hyper service whose every call ends in a response, on any thread.
pub trait Answers<B>:
    HyperService<Request<Incoming>, Response = Response<B>, Error = Infallible, Future: Send + 'static>
{
}

impl<S, B> Answers<B> for S where
    S: HyperService<
        Request<Incoming>,
        Response = Response<B>,
        Error = Infallible,
        Future: Send + 'static,
    >
{
}

/// The body of a response an [`HttpService`] gives, as hyper writes it.
pub trait ResponseBody:
    http_body::Body<Data = Bytes, Error: Into<Box<dyn std::error::Error + Send + Sync>>>
    + Send
    + Unpin
    + 'static
{
}

impl<B> ResponseBody for B where
    B: http_body::Body<Data = Bytes, Error: Into<Box<dyn std::error::Error + Send + Sync>>>
        + Send
        + Unpin
        + 'static
{
}

/// Serves `service` with one single-threaded runtime per core, each accepting from the
/// same listening socket (as nginx runs one event loop per worker): a request never
/// crosses threads. Blocks until `shutdown` and every connection is closed. The
/// connection bound is shared by all loops.
pub fn serve_per_core<S: HttpService<B>, B: ResponseBody>(
    listener: std::net::TcpListener,
    service: S,
    http: &HttpSettings,
    shutdown: Shutdown,
) -> anyhow::Result<()> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let policy = Arc::new(Policy::new(http));
    let limit = Arc::new(Semaphore::new(policy.max_connections));
    listener.set_nonblocking(true)?;
    let loops: Vec<_> = (0..cores)
        .map(|i| {
            let listener = listener.try_clone()?;
            let (service, policy, limit, shutdown) = (
                service.clone(),
                policy.clone(),
                limit.clone(),
                shutdown.clone(),
            );
            Ok(std::thread::Builder::new()
                .name(format!("http-{i}"))
                .spawn(move || -> anyhow::Result<()> {
                    tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()?
                        .block_on(async move {
                            let listener = TcpListener::from_std(listener)?;
                            accept(listener, service, policy, limit, shutdown).await
                        })?;
                    Ok(())
                })?)
        })
        .collect::<anyhow::Result<_>>()?;
    for event_loop in loops {
        event_loop
            .join()
            .map_err(|_| anyhow::anyhow!("an HTTP thread panicked"))??;
    }
    Ok(())
}

async fn accept<S: HttpService<B>, B: ResponseBody>(
    listener: TcpListener,
    service: S,
    policy: Arc<Policy>,
    limit: Arc<Semaphore>,
    shutdown: Shutdown,
) -> std::io::Result<()> {
    let http = Arc::new(policy.http1());
    // Each connection's task holds a sender; all dropped = all closed (as mini-redis).
    let (open, mut closed) = tokio::sync::mpsc::channel::<()>(1);
    let stop = shutdown.clone().wait();
    tokio::pin!(stop);
    loop {
        // A slot first, then the connection: at the bound, clients wait in the backlog.
        let permit = tokio::select! {
            permit = limit.clone().acquire_owned() => permit.expect("the semaphore is never closed"),
            () = &mut stop => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors and the like: the backlog keeps the client
                // waiting rather than refused; try again shortly.
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        let (http, service, policy, shutdown, open) = (
            http.clone(),
            service.clone(),
            policy.clone(),
            shutdown.clone(),
            open.clone(),
        );
        tokio::spawn(async move {
            connection(stream, &http, service, &policy, shutdown).await;
            drop(permit);
            drop(open);
        });
    }
    drop(open);
    let _ = closed.recv().await;
    Ok(())
}

/// Where a connection stands, shared by its reader, its service and its watcher (all
/// in the connection's task; atomics only because hyper wants them `Send`).
/// Instants are milliseconds since the connection was accepted.
struct Clock {
    start: Instant,
    /// Requests whose response has not been sent in full.
    in_flight: AtomicU32,
    /// When the last response was sent (or the connection opened).
    idle_since: AtomicU64,
    /// When the first byte of the next request arrived; `u64::MAX` if none yet.
    head_since: AtomicU64,
}

impl Clock {
    fn new() -> Self {
        Self {
            start: Instant::now(),
            in_flight: AtomicU32::new(0),
            idle_since: AtomicU64::new(0),
            head_since: AtomicU64::new(u64::MAX),
        }
    }

    fn now(&self) -> u64 {
        self.start.elapsed().as_millis() as u64
    }

    /// Bytes arrived: if nothing is in progress, a request's head has begun.
    fn read(&self) {
        if self.in_flight.load(Ordering::Relaxed) == 0
            && self.head_since.load(Ordering::Relaxed) == u64::MAX
        {
            self.head_since.store(self.now(), Ordering::Relaxed);
        }
    }

    fn request_started(&self) {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        self.head_since.store(u64::MAX, Ordering::Relaxed);
    }

    fn response_sent(&self) {
        self.idle_since.store(self.now(), Ordering::Relaxed);
        self.in_flight.fetch_sub(1, Ordering::Relaxed);
    }

    /// When the connection is to be closed if nothing changes; `None` while busy.
    fn deadline(&self, policy: &Policy) -> Option<Instant> {
        if self.in_flight.load(Ordering::Relaxed) > 0 {
            return None;
        }
        let head = self.head_since.load(Ordering::Relaxed);
        let (since, allowed) = if head != u64::MAX {
            (head, policy.header_read_timeout)
        } else {
            (self.idle_since.load(Ordering::Relaxed), policy.idle_timeout)
        };
        Some(self.start + Duration::from_millis(since) + allowed)
    }
}

async fn connection<S: HttpService<B>, B: ResponseBody>(
    stream: TcpStream,
    http: &hyper::server::conn::http1::Builder,
    service: S,
    policy: &Policy,
    shutdown: Shutdown,
) {
    let clock = Arc::new(Clock::new());
    let io = TokioIo::new(Watched {
        stream,
        clock: clock.clone(),
    });
    let conn = http.serve_connection(
        io,
        Tracked {
            inner: service,
            clock: clock.clone(),
        },
    );
    tokio::pin!(conn);
    let stop = shutdown.wait();
    tokio::pin!(stop);
    let timer = tokio::time::sleep(policy.idle_timeout);
    tokio::pin!(timer);
    let mut stopping = false;
    loop {
        let end = std::future::poll_fn(|cx| {
            if conn.as_mut().poll(cx).is_ready() {
                return Poll::Ready(End::Closed);
            }
            if !stopping && stop.as_mut().poll(cx).is_ready() {
                return Poll::Ready(End::Stop);
            }
            // Recomputed after every poll of the connection: every read, request and
            // response happens inside that poll, in this task.
            let Some(deadline) = clock.deadline(policy) else {
                return Poll::Pending;
            };
            // The timer is moved earlier at once, but left where it is when the deadline
            // moves later (each response does that): it then fires early, once, and is
            // re-armed — a timer-wheel update per timeout, not per request.
            if deadline < timer.deadline() {
                timer.as_mut().reset(deadline);
            }
            while timer.as_mut().poll(cx).is_ready() {
                if Instant::now() >= deadline {
                    return Poll::Ready(End::Expired);
                }
                timer.as_mut().reset(deadline);
            }
            Poll::Pending
        })
        .await;
        match end {
            // Expired: dropping the connection closes the socket.
            End::Closed | End::Expired => return,
            End::Stop => {
                conn.as_mut().graceful_shutdown();
                stopping = true;
            }
        }
    }
}

enum End {
    Closed,
    Expired,
    Stop,
}

/// The socket, noting when bytes arrive.
struct Watched {
    stream: TcpStream,
    clock: Arc<Clock>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.clock.read();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        if buf.len() >= MIN_FILE_BODY {
            return self.poll_write_vectored(cx, &[std::io::IoSlice::new(buf)]);
        }
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    /// hyper writes a response as one vectored write of its head and body; a
    /// file-backed body ([`file_backed`]) goes out with `sendfile` instead of being
    /// copied (see `file_body`).
    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        #[cfg(target_os = "linux")]
        if file_body::may_send_file(bufs) {
            use std::os::fd::AsRawFd;
            let socket = self.stream.as_raw_fd();
            loop {
                std::task::ready!(self.stream.poll_write_ready(cx))?;
                match self.stream.try_io(tokio::io::Interest::WRITABLE, || {
                    file_body::write_vectored(socket, bufs)
                }) {
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
                    written => return Poll::Ready(written),
                }
            }
        }
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// The service, noting when a request starts and its response has been sent, and
/// adding the security headers.
struct Tracked<S> {
    inner: S,
    clock: Arc<Clock>,
}

impl<S, B> hyper::service::Service<Request<Incoming>> for Tracked<S>
where
    S: hyper::service::Service<Request<Incoming>, Response = Response<B>, Error = Infallible>,
    S::Future: Send + 'static,
    B: http_body::Body<Data = Bytes> + Send + Unpin + 'static,
{
    type Response = Response<TrackedBody<B>>;
    type Error = Infallible;
    type Future = Responding<S::Future>;

    fn call(&self, request: Request<Incoming>) -> Self::Future {
        self.clock.request_started();
        Responding {
            inner: self.inner.call(request),
            sent: Some(SentGuard(self.clock.clone())),
        }
    }
}

pin_project_lite::pin_project! {
    /// The service's response, secured and tracked; not boxed, since a feed poll is a
    /// few hundred bytes and an allocation is a measurable share of it.
    pub struct Responding<F> {
        #[pin]
        inner: F,
        sent: Option<SentGuard>,
    }
}

impl<F, B> Future for Responding<F>
where
    F: Future<Output = Result<Response<B>, Infallible>>,
{
    type Output = Result<Response<TrackedBody<B>>, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let Ok(mut response) = std::task::ready!(this.inner.poll(cx));
        secure(response.headers_mut());
        let sent = this.sent.take().expect("polled after completion");
        Poll::Ready(Ok(response.map(|inner| TrackedBody { inner, _sent: sent })))
    }
}

fn secure(h: &mut axum::http::HeaderMap) {
    h.entry(header::X_CONTENT_TYPE_OPTIONS)
        .or_insert(HeaderValue::from_static("nosniff"));
    let html = h.get(header::CONTENT_TYPE).is_some_and(|v| {
        v.as_bytes()
            .get(..9)
            .is_some_and(|t| t.eq_ignore_ascii_case(b"text/html"))
    });
    if html {
        h.entry(header::CONTENT_SECURITY_POLICY)
            .or_insert(HeaderValue::from_static(HTML_CSP));
    }
}

/// Marks the response sent when hyper lets go of its body (after writing it, or when
/// the request was abandoned).
pub struct SentGuard(Arc<Clock>);

impl Drop for SentGuard {
    fn drop(&mut self) {
        self.0.response_sent();
    }
}

pub struct TrackedBody<B> {
    inner: B,
    _sent: SentGuard,
}

impl<B: http_body::Body + Unpin> http_body::Body for TrackedBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}
