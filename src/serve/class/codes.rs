//! The two links' codes: 128 random bits each, made on first use (or with `--new-links`) and
//! kept in `class/codes.json`, readable by the server's own user only.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::secret::{looks_like_secret, random_hex};
use crate::files::write_atomic;

/// Bytes of a link's code (128 bits).
pub const CODE_BYTES: usize = 16;

/// The two links' codes.
#[derive(Serialize, Deserialize, Clone)]
pub(super) struct Codes {
    pub(super) student: String,
    pub(super) teacher: String,
}

impl Codes {
    /// The codes kept in `dir/codes.json`, or new ones (then written there) when there are none
    /// or `new_links` asks for them.
    pub(super) fn open(dir: &Path, new_links: bool) -> crate::Result<Self> {
        let path = dir.join("codes.json");
        let kept = std::fs::read_to_string(&path)
            .ok()
            .and_then(|text| serde_json::from_str::<Codes>(&text).ok())
            .filter(|c| {
                looks_like_secret(&c.student, CODE_BYTES)
                    && looks_like_secret(&c.teacher, CODE_BYTES)
            });
        if let Some(codes) = kept.filter(|_| !new_links) {
            return Ok(codes);
        }
        let fresh = || {
            random_hex(CODE_BYTES).map_err(|e| {
                crate::Error::Config(format!(
                    "--artifact-dir: cannot make the class's codes ({e})"
                ))
            })
        };
        let codes = Codes {
            student: fresh()?,
            teacher: fresh()?,
        };
        let text = serde_json::to_string_pretty(&codes).expect("codes are JSON");
        write_atomic(&path, text.as_bytes())?;
        restrict(&path);
        Ok(codes)
    }
}

/// Only the server's own user may read a file of secrets.
pub(super) fn restrict(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
}
