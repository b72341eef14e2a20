//! The addresses of a server: the host of a `--public-url`, this machine's name and its
//! address on its network, and the base of the links `serve` prints.

use std::net::SocketAddr;

/// The host and port of an `http://` or `https://` URL (the scheme's port when none is given).
pub fn url_host(url: &str) -> Option<(String, u16)> {
    let (rest, default_port) = if let Some(rest) = url.strip_prefix("https://") {
        (rest, 443)
    } else {
        (url.strip_prefix("http://")?, 80)
    };
    let authority = rest.split('/').next()?;
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    match authority.rsplit_once(':') {
        Some((name, port)) if !name.ends_with(']') || authority.starts_with('[') => Some((
            name.trim_matches(['[', ']']).to_string(),
            port.parse().ok()?,
        )),
        _ => Some((authority.trim_matches(['[', ']']).to_string(), default_port)),
    }
}

/// This machine's host name, if it has one.
pub fn machine_name() -> Option<String> {
    let name = std::fs::read_to_string("/proc/sys/kernel/hostname").ok()?;
    let name = name.trim().to_ascii_lowercase();
    (!name.is_empty()).then_some(name)
}

/// The base of the links the server prints: `--public-url`, or `http(s)://` and the address it
/// listens on (for every interface: this machine's address on its network, if it has one).
pub fn base_url(scheme: &str, bound: SocketAddr, public_url: Option<&str>) -> String {
    if let Some(url) = public_url {
        return url.trim_end_matches('/').to_string();
    }
    let ip = if bound.ip().is_unspecified() {
        local_address().unwrap_or(bound.ip())
    } else {
        bound.ip()
    };
    format!("{scheme}://{}", SocketAddr::new(ip, bound.port()))
}

/// The address this machine uses on its network (a UDP socket "connected" to a documentation
/// address: nothing is sent), if it has one.
fn local_address() -> Option<std::net::IpAddr> {
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    socket.connect("192.0.2.1:9").ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_unspecified() && !ip.is_loopback()).then_some(ip)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_urls_give_their_host_and_port() {
        assert_eq!(
            url_host("https://lab.school.example/"),
            Some(("lab.school.example".into(), 443))
        );
        assert_eq!(
            url_host("http://10.0.0.5:8080"),
            Some(("10.0.0.5".into(), 8080))
        );
        assert_eq!(url_host("http://[::1]:9000/x"), Some(("::1".into(), 9000)));
        assert_eq!(url_host("ftp://x"), None);
        assert_eq!(url_host("http://user@x"), None);
    }
}
