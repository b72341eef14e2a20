//! `backprop serve --class` as a child process, and its members as cookie jars: each joins by
//! a link and sends its session cookie with every request, as a browser does.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use super::server::Server;

/// A class server and its two links' paths (`/join/<code>`).
pub struct ClassServer {
    pub server: Server,
    pub student_link: String,
    pub teacher_link: String,
    /// Everything it printed on start.
    pub banner: String,
}

impl ClassServer {
    /// Starts `serve --class --port 0` on `artifact_dir` with more `flags`.
    pub fn start(artifact_dir: &Path, flags: &[&str]) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_backprop"));
        command
            .args(["serve", "--class", "--port", "0", "--artifact-dir"])
            .arg(artifact_dir)
            .args(flags)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let mut child = command.spawn().expect("the binary starts");
        let mut reader = BufReader::new(child.stdout.take().unwrap());
        let mut banner = String::new();
        for _ in 0..4 {
            reader.read_line(&mut banner).unwrap();
        }
        let link = |label: &str| {
            banner
                .lines()
                .find_map(|l| l.strip_prefix(label))
                .unwrap_or_else(|| panic!("no {label:?} in {banner:?}"))
                .trim()
                .to_string()
        };
        let student = link("Student link:");
        let teacher = link("Teacher link:");
        let address = student
            .strip_prefix("http://")
            .or_else(|| student.strip_prefix("https://"))
            .and_then(|rest| rest.split('/').next())
            .expect("the link is http(s)://address/…")
            .to_string();
        let path = |url: &str| url[url.find("/join/").expect("a /join/ link")..].to_string();
        Self {
            student_link: path(&student),
            teacher_link: path(&teacher),
            server: Server::adopt(child, address),
            banner,
        }
    }

    /// A new browser that opens `link`: its session cookie (`name=value`), or the refusal's
    /// status and body.
    pub fn open(&self, link: &str) -> Result<Member<'_>, (u16, String)> {
        self.open_with(link, None)
    }

    /// A browser that already holds `cookie` and opens `link`.
    pub fn open_with(&self, link: &str, cookie: Option<&str>) -> Result<Member<'_>, (u16, String)> {
        let host = format!("Host: {}", self.server.address);
        let cookie_line = cookie.map(|c| format!("Cookie: {c}"));
        let mut headers = vec![host.as_str()];
        headers.extend(cookie_line.as_deref());
        let (status, head, body) = self.server.exchange("GET", link, &headers, b"");
        if status != 303 {
            return Err((status, body));
        }
        let set = head.lines().find_map(|l| {
            l.to_ascii_lowercase()
                .starts_with("set-cookie:")
                .then(|| l["set-cookie:".len()..].trim().to_string())
        });
        let cookie = match (set, cookie) {
            (Some(set), _) => {
                assert!(
                    set.contains("HttpOnly") && set.contains("SameSite=Strict"),
                    "{set}"
                );
                set.split(';').next().unwrap().to_string()
            }
            (None, Some(kept)) => kept.to_string(),
            (None, None) => panic!("a join gave no cookie: {head}"),
        };
        Ok(Member {
            server: &self.server,
            cookie,
        })
    }

    /// A student who joined by the student link.
    pub fn student(&self) -> Member<'_> {
        self.open(&self.student_link)
            .expect("the student link works")
    }

    /// The teacher, joined by the teacher link.
    pub fn teacher(&self) -> Member<'_> {
        self.open(&self.teacher_link)
            .expect("the teacher link works")
    }
}

/// One browser's session.
pub struct Member<'a> {
    pub server: &'a Server,
    /// `backprop_class=<id>`.
    pub cookie: String,
}

impl Member<'_> {
    pub fn get(&self, path: &str) -> (u16, String) {
        self.send("GET", path, "")
    }

    pub fn post(&self, path: &str, body: &str) -> (u16, String) {
        self.send("POST", path, body)
    }

    pub fn send(&self, method: &str, path: &str, body: &str) -> (u16, String) {
        let host = format!("Host: {}", self.server.address);
        let cookie = format!("Cookie: {}", self.cookie);
        self.server.with_headers(
            method,
            path,
            &[&host, &cookie, "Content-Type: application/json"],
            body.as_bytes(),
        )
    }

    /// The JSON of a request that must succeed.
    pub fn json(&self, method: &str, path: &str, body: &str) -> serde_json::Value {
        let (status, text) = self.send(method, path, body);
        assert!(
            (200..300).contains(&status),
            "{method} {path}: {status} {text}"
        );
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("{path}: not JSON: {text}"))
    }

    /// Follows this session's event stream until `on_event` returns false.
    pub fn follow(&self, on_event: impl FnMut(serde_json::Value) -> bool) {
        let cookie = format!("Cookie: {}", self.cookie);
        self.server.follow_events_with(&[&cookie], on_event)
    }
}

/// A short run: one epoch on the first `images` training images.
pub fn short_run(images: usize) -> String {
    format!(r#"{{"epochs": 1, "train_limit": {images}, "hidden": [32]}}"#)
}

/// The runs `/api/runs` lists for `member`.
pub fn runs(member: &Member) -> Vec<serde_json::Value> {
    member.json("GET", "/api/runs", "")["runs"]
        .as_array()
        .unwrap()
        .clone()
}
