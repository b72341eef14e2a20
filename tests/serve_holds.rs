//! `backprop serve` against hostile sites and slow clients, over real connections: requests
//! whose `Host` is not this server (DNS rebinding) and state-changing requests from another
//! origin are refused before they do anything; idle connections do not starve the page;
//! headers and bodies that never finish are cut off; the favicon is there.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::server::Server;

fn serve(flags: &[&str]) -> (tempfile::TempDir, Server) {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with(&dir.path().join("run"), None, flags);
    (dir, server)
}

/// (method, path, header lines, body, status, a word the error must contain)
type Refused<'a> = (&'a str, &'a str, Vec<String>, &'a [u8], u16, &'a str);

#[test]
fn other_hosts_and_other_origins_are_refused() {
    let (dir, server) = serve(&[]);
    let port = server.address.rsplit(':').next().unwrap().to_string();
    let json = "Content-Type: application/json";
    let host = |name: &str| format!("Host: {name}:{port}");
    // A train request that would overwrite the model if it got through.
    let train = br#"{"epochs": 1, "train_limit": 200}"#;
    #[rustfmt::skip]
    let refused: Vec<Refused> = vec![
        ("GET", "/api/model", vec![host("evil.example")], b"", 403, "Host"),
        ("GET", "/", vec![host("evil.example")], b"", 403, "Host"),
        ("GET", "/api/model", vec![host("localhost.evil.example")], b"", 403, "Host"),
        ("GET", "/api/model", vec!["Host: 127.0.0.1:1".into()], b"", 403, "Host"),
        ("GET", "/api/model", vec![], b"", 400, "Host"),
        ("POST", "/api/train", vec![host("evil.example"), json.into()], train, 403, "Host"),
        ("POST", "/api/train", vec![host("127.0.0.1"), json.into(), "Origin: http://evil.example".into()], train, 403, "Origin"),
        ("POST", "/api/train", vec![host("127.0.0.1"), json.into(), "Origin: null".into()], train, 403, "Origin"),
        ("POST", "/api/train", vec![host("127.0.0.1"), json.into(), format!("Origin: http://evil.example:{port}")], train, 403, "Origin"),
        ("POST", "/api/train", vec![host("127.0.0.1"), json.into(), "Sec-Fetch-Site: cross-site".into()], train, 403, "Sec-Fetch-Site"),
        ("POST", "/api/train/stop", vec![host("127.0.0.1"), "Origin: http://evil.example".into()], b"", 403, "Origin"),
    ];
    for (method, path, headers, body, status, words) in &refused {
        let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
        let (got, answer) = server.with_headers(method, path, &headers, body);
        assert_eq!(got, *status, "{method} {path} {headers:?}: {answer}");
        assert!(answer.contains(words), "{answer} should name {words}");
    }
    assert!(
        !dir.path().join("run").exists(),
        "a refused request started a run"
    );
    // This server's own names pass, and so do its own pages' requests.
    for name in ["127.0.0.1", "localhost", "[::1]"] {
        let (got, answer) = server.with_headers("GET", "/api/model", &[&host(name)], b"");
        assert_eq!(got, 200, "{name}: {answer}");
    }
    let origin = format!("Origin: http://127.0.0.1:{port}");
    let (got, answer) = server.with_headers(
        "POST",
        "/api/predict",
        &[
            &host("127.0.0.1"),
            json,
            &origin,
            "Sec-Fetch-Site: same-origin",
        ],
        br#"{"test_index": 0}"#,
    );
    assert_eq!(got, 409, "past the guard, to the missing model: {answer}");
    let (got, icon) = server.get("/favicon.ico");
    assert_eq!(got, 200);
    assert!(icon.contains("<svg"), "{icon}");
}

#[test]
fn idle_and_slow_clients_do_not_hold_the_server() {
    let (_dir, server) = serve(&["--request-timeout", "1"]);
    // 300 connections that never send a byte: the page still answers at once.
    let idle: Vec<TcpStream> = (0..300).map(|_| server.connect()).collect();
    let started = Instant::now();
    let (status, _) = server.get("/api/model");
    let waited = started.elapsed();
    assert_eq!(status, 200);
    assert!(waited < Duration::from_secs(1), "answered after {waited:?}");
    // They are closed once the time limit for their headers has passed.
    std::thread::sleep(Duration::from_millis(2500));
    let mut first = &idle[0];
    first
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut byte = [0u8; 1];
    assert_eq!(
        first.read(&mut byte).ok(),
        Some(0),
        "an idle connection stays open"
    );

    // Headers that never end are cut off; so is a body that never comes (408).
    let mut slow = server.connect();
    slow.write_all(
        format!(
            "GET /api/model HTTP/1.1\r\nHost: {}\r\nX-Slow: ",
            server.address
        )
        .as_bytes(),
    )
    .unwrap();
    let started = Instant::now();
    let mut rest = Vec::new();
    let _ = slow.read_to_end(&mut rest);
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "open for {:?}",
        started.elapsed()
    );
    assert!(!String::from_utf8_lossy(&rest).contains("200 OK"));

    let mut slow = server.connect();
    let head = format!(
        "POST /api/predict HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"test",
        server.address
    );
    slow.write_all(head.as_bytes()).unwrap();
    let mut answer = String::new();
    let _ = slow.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("did not arrive within 1 s"), "{answer}");
    drop(idle);
    assert_eq!(server.get("/api/model").0, 200);
}
