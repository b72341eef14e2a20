//! One member of a class: a browser that joined by a link, with its role, number, name and
//! lab, and what its session may still do (its rate, its open event streams).

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize};

use serde::{Deserialize, Serialize};

use super::bucket::Bucket;
use crate::serve::lab::SharedLab;

/// What a member may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Student,
    Teacher,
}

/// One member of the class: a browser that joined by a link.
pub struct Member {
    /// The session id its cookie holds.
    pub(super) id: String,
    pub role: Role,
    /// 1, 2, … in order of joining (per role).
    pub number: u32,
    /// The name it gave, if any.
    pub name: Mutex<Option<String>>,
    /// Unix seconds.
    pub joined: u64,
    pub last_seen: AtomicU64,
    pub lab: SharedLab,
    pub(super) bucket: Mutex<Bucket>,
    /// Event streams it holds open.
    pub streams: AtomicUsize,
}

impl Member {
    /// The name it gave, or "Student N" / "Teacher".
    pub fn display_name(&self) -> String {
        if let Some(name) = self.name.lock().expect("name lock").clone() {
            return name;
        }
        match self.role {
            Role::Student => format!("Student {}", self.number),
            Role::Teacher if self.number == 1 => "Teacher".into(),
            Role::Teacher => format!("Teacher {}", self.number),
        }
    }
}
