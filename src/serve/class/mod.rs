//! Class mode (`serve --class`): who may use the server and whose lab a request acts on. Two
//! secret codes (the student link's and the teacher's, 128 random bits each, kept in
//! `<artifact-dir>/class/codes.json` across restarts) let a browser join; joining gives it a
//! session, a random id (256 bits) in an `HttpOnly; SameSite=Strict` cookie, mapped here to a
//! member with a lab of their own (`class/students/student-N`, `class/teacher`). The members
//! are kept in `class/members.json`, so sessions and runs survive a restart.

pub mod bucket;
mod codes;
mod member;
pub mod names;
pub mod secret;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::lab::Lab;
use crate::artifacts::ArtifactDir;
use crate::files::write_atomic;
use bucket::Bucket;
use codes::Codes;
pub use member::{Member, Role};
use secret::{looks_like_secret, random_hex, same_secret};

/// Bytes of a session id (256 bits).
pub const SESSION_BYTES: usize = 32;

/// The session cookie's name.
pub const COOKIE: &str = "backprop_class";

/// The folder of the artifact directory that class mode keeps its state in.
pub const CLASS_DIR: &str = "class";

/// The class's limits, from the command line.
#[derive(Debug, Clone)]
pub struct ClassOptions {
    /// Make new link codes (the old links stop working; sessions stay).
    pub new_links: bool,
    /// Most sessions (students and teachers); a join past it is refused with 429.
    pub max_sessions: usize,
    /// API requests a session may make per second, sustained.
    pub requests_per_second: f64,
    /// API requests a session may make at once, in a burst.
    pub burst: f64,
    /// Event streams a session may hold open.
    pub max_streams: usize,
    /// Whether the server speaks HTTPS (the cookie is then `Secure`).
    pub https: bool,
}

/// What `members.json` keeps of a member.
#[derive(Serialize, Deserialize)]
struct Saved {
    id: String,
    role: Role,
    number: u32,
    name: Option<String>,
    joined: u64,
    last_seen: u64,
}

/// The class: its codes, its members and their labs.
pub struct Class {
    dir: PathBuf,
    main: ArtifactDir,
    codes: Codes,
    members: Mutex<HashMap<String, Arc<Member>>>,
    pub options: ClassOptions,
}

/// Unix seconds now.
pub fn now_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Class {
    /// The class kept in `<main>/class/`: its codes (made on first use or with `new_links`)
    /// and its members (none at first).
    pub fn open(main: ArtifactDir, options: ClassOptions) -> crate::Result<Self> {
        let dir = main.root().join(CLASS_DIR);
        let io = |what: &str, e: std::io::Error| {
            crate::Error::Config(format!(
                "--artifact-dir: cannot keep the class's {what} ({e})"
            ))
        };
        std::fs::create_dir_all(&dir).map_err(|e| io(&dir.display().to_string(), e))?;
        let codes = Codes::open(&dir, options.new_links)?;
        let class = Self {
            dir,
            main,
            codes,
            members: Mutex::new(HashMap::new()),
            options,
        };
        class.load_members();
        Ok(class)
    }

    /// The path of the student link (`/join/<code>`).
    pub fn student_path(&self) -> String {
        format!("/join/{}", self.codes.student)
    }

    /// The path of the teacher link.
    pub fn teacher_path(&self) -> String {
        format!("/join/{}", self.codes.teacher)
    }

    /// The role a link's code gives, if it is one of the two.
    pub fn role_of_code(&self, code: &str) -> Option<Role> {
        if same_secret(code, &self.codes.student) {
            Some(Role::Student)
        } else if same_secret(code, &self.codes.teacher) {
            Some(Role::Teacher)
        } else {
            None
        }
    }

    /// The member of session `id`, if it is one.
    pub fn member(&self, id: &str) -> Option<Arc<Member>> {
        if !looks_like_secret(id, SESSION_BYTES) {
            return None;
        }
        let member = self
            .members
            .lock()
            .expect("members lock")
            .get(id)
            .cloned()?;
        member.last_seen.store(now_seconds(), Ordering::Relaxed);
        Some(member)
    }

    /// Every member, students first, each in order of joining.
    pub fn members(&self) -> Vec<Arc<Member>> {
        let mut all: Vec<_> = self
            .members
            .lock()
            .expect("members lock")
            .values()
            .cloned()
            .collect();
        all.sort_by_key(|m| (m.role == Role::Teacher, m.number));
        all
    }

    /// The student numbered `number`.
    pub fn student(&self, number: u32) -> Option<Arc<Member>> {
        self.members()
            .into_iter()
            .find(|m| m.role == Role::Student && m.number == number)
    }

    /// A new session of `role`: `Err` with a sentence when the class is full.
    pub fn join(&self, role: Role) -> Result<Arc<Member>, String> {
        let mut members = self.members.lock().expect("members lock");
        if members.len() >= self.options.max_sessions {
            return Err(format!(
                "the class is full ({} sessions, serve --max-sessions); ask your teacher",
                self.options.max_sessions
            ));
        }
        let id = random_hex(SESSION_BYTES).map_err(|e| format!("cannot make a session: {e}"))?;
        let number = members
            .values()
            .filter(|m| m.role == role)
            .map(|m| m.number)
            .max()
            .unwrap_or(0)
            + 1;
        let now = now_seconds();
        let member = Arc::new(self.member_of(Saved {
            id: id.clone(),
            role,
            number,
            name: None,
            joined: now,
            last_seen: now,
        }));
        members.insert(id, member.clone());
        self.save(&members);
        Ok(member)
    }

    /// Gives `member` the display name `name` (already checked).
    pub fn rename(&self, member: &Member, name: String) {
        *member.name.lock().expect("name lock") = Some(name);
        let members = self.members.lock().expect("members lock");
        self.save(&members);
    }

    /// Whether `member` may make one more API request now.
    pub fn admit(&self, member: &Member) -> bool {
        let options = &self.options;
        member
            .bucket
            .lock()
            .expect("bucket lock")
            .take(options.requests_per_second, options.burst)
    }

    /// The `Set-Cookie` value that gives a browser `member`'s session.
    pub fn cookie_for(&self, member: &Member) -> String {
        let secure = if self.options.https { "; Secure" } else { "" };
        format!(
            "{COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age=31536000{secure}",
            member.id
        )
    }

    /// The directory of a member's lab.
    fn lab_dir(&self, role: Role, number: u32) -> PathBuf {
        match role {
            Role::Student => self.dir.join("students").join(format!("student-{number}")),
            Role::Teacher if number == 1 => self.dir.join("teacher"),
            Role::Teacher => self.dir.join(format!("teacher-{number}")),
        }
    }

    fn member_of(&self, saved: Saved) -> Member {
        let lab = Arc::new(Lab::new(
            self.lab_dir(saved.role, saved.number),
            self.main.clone(),
        ));
        Member {
            id: saved.id,
            role: saved.role,
            number: saved.number,
            name: Mutex::new(saved.name),
            joined: saved.joined,
            last_seen: AtomicU64::new(saved.last_seen),
            lab,
            bucket: Mutex::new(Bucket::full(self.options.burst)),
            streams: AtomicUsize::new(0),
        }
    }

    fn members_path(&self) -> PathBuf {
        self.dir.join("members.json")
    }

    /// Reads `members.json` (a missing or unreadable file is an empty class, said once).
    fn load_members(&self) {
        let path = self.members_path();
        let Ok(text) = std::fs::read_to_string(&path) else {
            return;
        };
        let saved: Vec<Saved> = match serde_json::from_str(&text) {
            Ok(saved) => saved,
            Err(e) => {
                eprintln!(
                    "warning: {} is not readable ({e}); the class starts with no session",
                    path.display()
                );
                return;
            }
        };
        let mut members = self.members.lock().expect("members lock");
        for saved in saved
            .into_iter()
            .filter(|s| looks_like_secret(&s.id, SESSION_BYTES))
        {
            let member = Arc::new(self.member_of(saved));
            members.insert(member.id.clone(), member);
        }
    }

    /// Writes `members.json` (a failure is said in the log; the class goes on in memory).
    fn save(&self, members: &HashMap<String, Arc<Member>>) {
        let saved: Vec<Saved> = members
            .values()
            .map(|m| Saved {
                id: m.id.clone(),
                role: m.role,
                number: m.number,
                name: m.name.lock().expect("name lock").clone(),
                joined: m.joined,
                last_seen: m.last_seen.load(Ordering::Relaxed),
            })
            .collect();
        let text = serde_json::to_string_pretty(&saved).expect("members are JSON");
        let path = self.members_path();
        match write_atomic(&path, text.as_bytes()) {
            Ok(()) => codes::restrict(&path),
            Err(e) => eprintln!("warning: cannot write {} ({e})", path.display()),
        }
    }
}
