//! Which requests the server answers. A web page on another site can make the student's own
//! browser talk to this server: by DNS rebinding (its domain resolves to 127.0.0.1, so the
//! request carries `Host: evil.example`) or by a plain cross-site form or fetch (carrying
//! `Origin: http://evil.example`). Like Jupyter and webpack-dev-server, the server answers only
//! requests whose `Host` names it, and changes state (POST) only for pages of its own origin.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::reply::ApiError;

/// The names a request may use for this server.
#[derive(Debug, Clone)]
pub struct AllowedHosts {
    /// The address the server listens on.
    bound: SocketAddr,
    /// What `--host` said (a name or an address).
    host_flag: String,
    /// Other names of this server, each with its port (`--public-url`, the machine's name).
    also: Vec<(String, u16)>,
}

impl AllowedHosts {
    pub fn new(bound: SocketAddr, host_flag: &str) -> Self {
        Self {
            bound,
            host_flag: host_flag.trim_matches(['[', ']']).to_ascii_lowercase(),
            also: Vec::new(),
        }
    }

    /// Allows `name` on `port` too.
    pub fn also(&mut self, name: &str, port: u16) {
        self.also.push((name.to_ascii_lowercase(), port));
    }

    /// Whether `authority` (`name:port`, `[v6]:port`, or a bare name for port 80) names this
    /// server: the port it listens on, and `localhost`, a loopback address, what `--host` names,
    /// the address it listens on, or, when it listens on every interface, any IP address (never
    /// a domain name: that is what DNS rebinding uses).
    pub fn allows(&self, authority: &str) -> bool {
        let Some((name, port)) = split_authority(authority) else {
            return false;
        };
        let lower = name.to_ascii_lowercase();
        if self.also.iter().any(|(n, p)| *n == lower && *p == port) {
            return true;
        }
        if port != self.bound.port() {
            return false;
        }
        let name = name.to_ascii_lowercase();
        if name == "localhost" || name == self.host_flag {
            return true;
        }
        match name.parse::<IpAddr>() {
            Ok(ip) => ip.is_loopback() || ip == self.bound.ip() || self.bound.ip().is_unspecified(),
            Err(_) => false,
        }
    }
}

/// `name:port`, `[v6]:port` or `name` (port 80) as the name and the port.
fn split_authority(authority: &str) -> Option<(&str, u16)> {
    if let Some(rest) = authority.strip_prefix('[') {
        let (name, after) = rest.split_once(']')?;
        return match after.strip_prefix(':') {
            Some(port) => Some((name, port.parse().ok()?)),
            None if after.is_empty() => Some((name, 80)),
            None => None,
        };
    }
    match authority.rsplit_once(':') {
        Some((name, port)) => Some((name, port.parse().ok()?)),
        None => Some((authority, 80)),
    }
}

/// The authority of an `Origin` header (`http://name:port`, or `https://name` with port 443
/// made explicit), or `None` for any other scheme or the opaque origin `null`.
fn origin_authority(origin: &str) -> Option<String> {
    let (authority, default_port) = match origin.strip_prefix("https://") {
        Some(rest) => (rest, 443),
        None => (origin.strip_prefix("http://")?, 80),
    };
    if authority.is_empty() || authority.contains('/') {
        return None;
    }
    let has_port = authority
        .rsplit_once(':')
        .is_some_and(|(_, p)| !p.contains(']'));
    Some(if has_port {
        authority.to_string()
    } else {
        format!("{authority}:{default_port}")
    })
}

/// The middleware: 400 without a `Host`, 403 for a `Host` that is not this server, and 403 for
/// a state-changing request from a page of another origin.
pub async fn check_origin(
    State(allowed): State<Arc<AllowedHosts>>,
    request: Request,
    next: Next,
) -> Response {
    // Decided before awaiting: a borrowed request would not be `Send` across the await.
    if let Some(refusal) = refusal(&allowed, &request) {
        return refusal.into_response();
    }
    next.run(request).await
}

/// Why `request` is refused, if it is.
fn refusal(allowed: &AllowedHosts, request: &Request) -> Option<ApiError> {
    let text = |name: header::HeaderName| {
        request
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap_or("(not text)").to_string())
    };
    let Some(host) =
        text(header::HOST).or_else(|| request.uri().authority().map(|a| a.to_string()))
    else {
        return Some(ApiError::bad_request("Host: the header is required"));
    };
    if !allowed.allows(&host) {
        return Some(ApiError::new(
            StatusCode::FORBIDDEN,
            format!(
                "Host: '{host}' does not name this server; open http://127.0.0.1:{}/ (or the address `--host` gives)",
                allowed.bound.port()
            ),
        ));
    }
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return None;
    }
    if let Some(origin) = text(header::ORIGIN)
        && !origin_authority(&origin).is_some_and(|a| allowed.allows(&a))
    {
        return Some(ApiError::new(
            StatusCode::FORBIDDEN,
            format!("Origin: a page of '{origin}' may not change this server's state"),
        ));
    }
    if text(header::HeaderName::from_static("sec-fetch-site")).as_deref() == Some("cross-site") {
        return Some(ApiError::new(
            StatusCode::FORBIDDEN,
            "Sec-Fetch-Site: a page of another site may not change this server's state",
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on(address: &str, flag: &str) -> AllowedHosts {
        AllowedHosts::new(address.parse().unwrap(), flag)
    }

    #[test]
    fn loopback_names_with_the_port_pass_domains_do_not() {
        let local = on("127.0.0.1:8080", "127.0.0.1");
        for ok in [
            "127.0.0.1:8080",
            "localhost:8080",
            "LOCALHOST:8080",
            "[::1]:8080",
            "127.0.0.2:8080",
        ] {
            assert!(local.allows(ok), "{ok}");
        }
        for bad in [
            "evil.example:8080",
            "evil.example",
            "127.0.0.1:8081",
            "127.0.0.1",
            "localhost.evil.example:8080",
            "192.168.1.5:8080",
            "[::1]",
            "[::1]x",
            ":8080",
            "127.0.0.1:99999",
        ] {
            assert!(!local.allows(bad), "{bad}");
        }
    }

    #[test]
    fn every_interface_allows_addresses_and_the_named_host() {
        let all = on("0.0.0.0:80", "0.0.0.0");
        assert!(all.allows("192.168.1.5") && all.allows("10.0.0.1:80") && all.allows("localhost"));
        assert!(!all.allows("evil.example"));
        let named = on("192.168.1.5:9000", "lab.school.example");
        assert!(named.allows("lab.school.example:9000") && named.allows("192.168.1.5:9000"));
        assert!(!named.allows("evil.example:9000") && !named.allows("10.0.0.1:9000"));
    }

    #[test]
    fn origins_are_http_authorities() {
        assert_eq!(
            origin_authority("http://127.0.0.1:8080").as_deref(),
            Some("127.0.0.1:8080")
        );
        assert_eq!(origin_authority("null"), None);
        assert_eq!(
            origin_authority("https://lab.example").as_deref(),
            Some("lab.example:443")
        );
        assert_eq!(origin_authority("http://a").as_deref(), Some("a:80"));
        assert_eq!(origin_authority("ftp://a"), None);
        assert_eq!(origin_authority("http://a/b"), None);
    }
}
