//! The server's connections: HTTP/1.1 on each accepted TCP connection, a time limit on a
//! request's headers (an idle or slow client is closed; a request body has the same limit, in
//! [`super::reply::ApiJson`]), and a cap on the connections open at once, below the process's
//! file limit, so idle clients can neither starve the page nor exhaust the descriptors.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_rustls::TlsAcceptor;

/// Default time a client has to send a request's headers, and then its body.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

/// Most connections open at once (fewer when the file limit is lower).
pub const MAX_CONNECTIONS: usize = 512;

/// Descriptors kept for everything else: data files, report processes, the runtime.
const RESERVED_FILES: usize = 64;

/// Connections allowed at once: [`MAX_CONNECTIONS`], or the soft limit on open files less
/// [`RESERVED_FILES`] where that is lower (at least 16).
pub fn connection_cap() -> usize {
    let limit = std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("Max open files"))
                .and_then(|l| l.split_whitespace().nth(3))
                .and_then(|soft| soft.parse::<usize>().ok())
        });
    limit.map_or(MAX_CONNECTIONS, |files| {
        files
            .saturating_sub(RESERVED_FILES)
            .clamp(16, MAX_CONNECTIONS)
    })
}

/// Accepts connections for ever, serving `app` on each (over TLS when `tls` is given); a
/// connection over the cap is closed at once, and one whose TLS handshake or request headers
/// take longer than `timeout` is closed then.
pub async fn serve_connections(
    listener: TcpListener,
    app: Router,
    timeout: Duration,
    tls: Option<TlsAcceptor>,
) {
    let open = Arc::new(Semaphore::new(connection_cap()));
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of descriptors or a connection reset before it was taken: try again shortly.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Ok(permit) = open.clone().try_acquire_owned() else {
            drop(stream);
            continue;
        };
        let service = TowerToHyperService::new(app.clone());
        let tls = tls.clone();
        tokio::spawn(async move {
            let _ = stream.set_nodelay(true);
            match tls {
                None => serve_one(stream, service, timeout).await,
                Some(acceptor) => {
                    // A client that never finishes its handshake (or speaks plain HTTP to the
                    // HTTPS port) is closed like one that never sends its headers.
                    if let Ok(Ok(secure)) =
                        tokio::time::timeout(timeout, acceptor.accept(stream)).await
                    {
                        serve_one(secure, service, timeout).await;
                    }
                }
            }
            drop(permit);
        });
    }
}

/// HTTP/1.1 on one connection until it ends.
async fn serve_one<I>(io: I, service: TowerToHyperService<Router>, timeout: Duration)
where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(timeout)
        .serve_connection(TokioIo::new(io), service);
    // A client that goes away or times out ends its connection: nothing to report.
    let _ = connection.await;
}
