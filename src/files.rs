//! Files the program writes and reads back: every write is atomic, and a missing file gets a
//! message that says what to do.

use std::fs;
use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// Writes `bytes` to a temporary file beside `path`, flushes it to disk, then renames it over
/// `path`: a crash leaves either the old file or the new one, never a mix.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = path.with_file_name(format!(".{file_name}.{}.tmp", std::process::id()));
    let write = || -> std::io::Result<()> {
        let mut file = fs::File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temporary, path)
    };
    write().map_err(|e| {
        let _ = fs::remove_file(&temporary);
        Error::io(path, e)
    })
}

/// The error for a file of a run that could not be read: "not found; run `backprop train`
/// first …" when it is missing, the I/O error otherwise.
pub fn missing_or_io(path: &Path, error: std::io::Error) -> Error {
    if error.kind() == std::io::ErrorKind::NotFound {
        Error::Artifact {
            path: path.to_path_buf(),
            reason: "not found; run `backprop train` first or pass --artifact-dir".into(),
        }
    } else {
        Error::io(path, error)
    }
}

/// Reads the whole regular file at `path`, at most `limit` bytes. Directories, devices and
/// pipes are refused (reading `/dev/zero` would never end), and so is a larger file: the
/// buffer is sized from the file's length only after that check.
pub fn read_regular(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::{Error as IoError, ErrorKind, Read};
    let metadata = fs::metadata(path)?;
    if !metadata.is_file() {
        return Err(IoError::new(ErrorKind::InvalidInput, "not a regular file"));
    }
    if metadata.len() > limit {
        return Err(IoError::new(
            ErrorKind::InvalidInput,
            format!(
                "{} bytes, over the limit of {} bytes",
                metadata.len(),
                crate::limits::thousands(limit as usize)
            ),
        ));
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    fs::File::open(path)?
        .take(limit + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(IoError::new(
            ErrorKind::InvalidInput,
            "grew past the size limit while read",
        ));
    }
    Ok(bytes)
}

/// [`read_regular`] as UTF-8 text.
pub fn read_regular_text(path: &Path, limit: u64) -> std::io::Result<String> {
    String::from_utf8(read_regular(path, limit)?)
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8 text"))
}

/// Checks, before any work, that `path` (given with `flag`) can name a new file: its directory
/// exists and it is not itself a directory. The error names the flag.
pub fn check_output_path(flag: &str, path: &Path) -> Result<()> {
    if path.is_dir() || path.file_name().is_none() {
        return Err(Error::Config(format!(
            "{flag}: {} is a directory, expected a file name",
            path.display()
        )));
    }
    if path.exists() && !path.is_file() {
        return Err(Error::Config(format!(
            "{flag}: {} exists and is not a regular file",
            path.display()
        )));
    }
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    if !parent.is_dir() {
        return Err(Error::Config(format!(
            "{flag}: the directory {} does not exist",
            parent.display()
        )));
    }
    Ok(())
}
