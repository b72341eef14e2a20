//! What the hostile-input tests share: a small real dataset, a model trained on it, scratch
//! directories, and a few ways to make a file hostile.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// A dataset, a trained model and a scratch directory shared by the cases.
pub struct Fixture {
    pub root: tempfile::TempDir,
    pub data: PathBuf,
    pub model: PathBuf,
}

impl Fixture {
    /// The first 256 training and 128 test images of the shipped MNIST, and a model trained
    /// on them for one epoch.
    pub fn new() -> Self {
        use backprop::data::idx::read_idx;
        let root = tempfile::tempdir().unwrap();
        let data = root.path().join("data");
        std::fs::create_dir(&data).unwrap();
        let shipped = backprop::data::default_data_dir();
        for (prefix, count) in [("train", 256u32), ("t10k", 128)] {
            let images =
                read_idx(&shipped.join(format!("{prefix}-images-idx3-ubyte.gz")), 3).unwrap();
            let labels =
                read_idx(&shipped.join(format!("{prefix}-labels-idx1-ubyte.gz")), 1).unwrap();
            let n = count as usize;
            std::fs::write(
                data.join(format!("{prefix}-images-idx3-ubyte")),
                super::idx_bytes(&[count, 28, 28], &images.data[..n * 784]),
            )
            .unwrap();
            std::fs::write(
                data.join(format!("{prefix}-labels-idx1-ubyte")),
                super::idx_bytes(&[count], &labels.data[..n]),
            )
            .unwrap();
        }
        let model = root.path().join("model");
        let (code, out, err) = super::run_backprop(&[
            "train",
            "--epochs",
            "1",
            "--data-dir",
            data.to_str().unwrap(),
            "--artifact-dir",
            model.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{out}{err}");
        Self { root, data, model }
    }

    /// A fresh directory for one case.
    pub fn scratch(&self, name: &str) -> PathBuf {
        let dir = self.root.path().join("cases").join(name);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// A file that outputs may overwrite (a file where a directory is expected, say).
    pub fn throwaway_file(&self) -> PathBuf {
        let path = self.root.path().join("throwaway-file");
        if !path.exists() {
            std::fs::write(&path, b"not a directory").unwrap();
        }
        path
    }

    /// Copies the trained model's artifact directory (its files) to `dest`.
    pub fn copy_model_to(&self, dest: &Path) {
        std::fs::create_dir_all(dest).unwrap();
        for entry in std::fs::read_dir(&self.model).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_file() {
                std::fs::copy(entry.path(), dest.join(entry.file_name())).unwrap();
            }
        }
    }
}

/// Makes `path` a symbolic link to `/dev/zero`, a file that never ends.
pub fn symlink_to_dev_zero(path: &Path) {
    std::os::unix::fs::symlink("/dev/zero", path).unwrap();
}

/// A number not handed out before in this process (for unique directory names).
pub fn unique() -> usize {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}
