//! `backprop serve` started as a child process on a free port, and a small HTTP/1.1 client
//! (one request per connection) for the API tests and the browser test.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running server; killed when dropped.
pub struct Server {
    child: Child,
    /// `127.0.0.1:port`.
    pub address: String,
}

impl Server {
    /// Starts `backprop serve --port 0` on `artifact_dir` (and `data_dir` when given), and
    /// waits for the URL it prints.
    pub fn start(artifact_dir: &Path, data_dir: Option<&Path>) -> Self {
        Self::start_with(artifact_dir, data_dir, &[])
    }

    /// [`Server::start`] with more flags.
    pub fn start_with(artifact_dir: &Path, data_dir: Option<&Path>, flags: &[&str]) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_backprop"));
        command
            .args(["serve", "--port", "0", "--artifact-dir"])
            .arg(artifact_dir)
            .args(flags);
        if let Some(dir) = data_dir {
            command.arg("--data-dir").arg(dir);
        }
        command.stdout(Stdio::piped()).stderr(Stdio::inherit());
        Self::from_command(command).0
    }

    /// Starts `command` (a `serve` with its stdout piped) and waits for its URL; returns the
    /// server and its stderr when that was piped too (the server's log).
    pub fn from_command(mut command: Command) -> (Self, Option<std::process::ChildStderr>) {
        let mut child = command.spawn().expect("the binary starts");
        let stderr = child.stderr.take();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let address = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("no URL in {line:?}"))
            .to_string();
        (Self { child, address }, stderr)
    }

    /// A server already started (its URL read by the caller) at `address`.
    pub fn adopt(child: Child, address: String) -> Self {
        Self { child, address }
    }

    /// `http://127.0.0.1:port`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// One request; returns the status and the body (chunked bodies decoded).
    pub fn request(&self, method: &str, path: &str, body: Option<&str>) -> (u16, String) {
        self.raw(
            method,
            path,
            "application/json",
            body.unwrap_or("").as_bytes(),
        )
    }

    pub fn get(&self, path: &str) -> (u16, String) {
        self.request("GET", path, None)
    }

    pub fn post(&self, path: &str, body: &str) -> (u16, String) {
        self.request("POST", path, Some(body))
    }

    /// A request with any content type and body bytes.
    pub fn raw(&self, method: &str, path: &str, content_type: &str, body: &[u8]) -> (u16, String) {
        let host = format!("Host: {}", self.address);
        self.with_headers(
            method,
            path,
            &[&host, &format!("Content-Type: {content_type}")],
            body,
        )
    }

    /// A request with exactly these header lines (`Name: value`; none is added but
    /// `Connection` and `Content-Length`).
    pub fn with_headers(
        &self,
        method: &str,
        path: &str,
        headers: &[&str],
        body: &[u8],
    ) -> (u16, String) {
        let (status, _, body) = self.exchange(method, path, headers, body);
        (status, body)
    }

    /// [`Server::with_headers`], answering the response's head too (its status line and
    /// header lines).
    pub fn exchange(
        &self,
        method: &str,
        path: &str,
        headers: &[&str],
        body: &[u8],
    ) -> (u16, String, String) {
        let mut stream = self.connect();
        let head = format!(
            "{method} {path} HTTP/1.1\r\n{}Connection: close\r\nContent-Length: {}\r\n\r\n",
            headers
                .iter()
                .map(|h| format!("{h}\r\n"))
                .collect::<String>(),
            body.len()
        );
        stream.write_all(head.as_bytes()).unwrap();
        // The server may answer (413) before reading a large body: ignore a broken pipe.
        let _ = stream.write_all(body);
        let mut response = Vec::new();
        let _ = stream.read_to_end(&mut response);
        parse_response(&response)
    }

    /// Follows `GET /api/train/events` with these extra header lines (a session's cookie).
    pub fn follow_events_with(
        &self,
        headers: &[&str],
        mut on_event: impl FnMut(serde_json::Value) -> bool,
    ) {
        let mut stream = self.connect();
        let head = format!(
            "GET /api/train/events HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n{}\r\n",
            self.address,
            headers
                .iter()
                .map(|h| format!("{h}\r\n"))
                .collect::<String>()
        );
        stream.write_all(head.as_bytes()).unwrap();
        let reader = BufReader::new(stream);
        for line in reader.lines() {
            let line = line.expect("the event stream stays open");
            if let Some(data) = line.strip_prefix("data: ")
                && !on_event(serde_json::from_str(data).expect("events are JSON"))
            {
                return;
            }
        }
    }

    /// A bare connection to the server.
    pub fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(&self.address).expect("the server accepts connections");
        stream
            .set_read_timeout(Some(Duration::from_secs(300)))
            .unwrap();
        stream
    }

    /// Follows `GET /api/train/events`, handing each event's JSON to `on_event` until it
    /// returns false.
    pub fn follow_events(&self, on_event: impl FnMut(serde_json::Value) -> bool) {
        self.follow_events_with(&[], on_event)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn parse_response(bytes: &[u8]) -> (u16, String, String) {
    let text = String::from_utf8_lossy(bytes);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let chunked = head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked");
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_string()
    };
    (status, head.to_string(), body)
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 || rest.len() < size {
            break;
        }
        out.push_str(&rest[..size]);
        body = rest[size..].trim_start_matches("\r\n");
    }
    out
}
