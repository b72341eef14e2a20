//! MNIST-format datasets on disk: four IDX files in one directory, loaded into one contiguous
//! f32 buffer per split (pixels divided by 255 once, at load).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::idx::read_idx;
use crate::error::{Error, Result};

/// Directory of the MNIST files shipped with the crate (`data/mnist`).
pub fn default_data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .join("mnist")
}

/// The two splits of an MNIST-format dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    /// `train-images-idx3-ubyte` / `train-labels-idx1-ubyte`.
    Train,
    /// `t10k-images-idx3-ubyte` / `t10k-labels-idx1-ubyte`.
    Test,
}

impl Split {
    /// File stems of (images, labels) for this split, without `.gz`.
    pub fn file_stems(self) -> (&'static str, &'static str) {
        match self {
            Split::Train => ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
            Split::Test => ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
        }
    }
}

/// Images of one split, normalised to `[0, 1]`, in one contiguous row-major buffer.
#[derive(Debug)]
pub struct Images {
    /// `[count, rows * cols]` pixels, each `byte / 255`.
    pub pixels: Vec<f32>,
    /// Image height.
    pub rows: usize,
    /// Image width.
    pub cols: usize,
}

impl Images {
    /// Pixels per image (`rows * cols`, 784 for MNIST).
    pub fn pixels_per_image(&self) -> usize {
        self.rows * self.cols
    }

    /// Number of images.
    pub fn len(&self) -> usize {
        self.pixels.len() / self.pixels_per_image().max(1)
    }

    /// True when there is no image.
    pub fn is_empty(&self) -> bool {
        self.pixels.is_empty()
    }

    /// The pixels of image `index`: `[rows * cols]`.
    pub fn image(&self, index: usize) -> &[f32] {
        let n = self.pixels_per_image();
        &self.pixels[index * n..(index + 1) * n]
    }
}

/// One split of an MNIST-format dataset: shared images and their labels (0–9).
#[derive(Debug, Clone)]
pub struct MnistSplit {
    /// The images, shared with every item and batch built from them.
    pub images: Arc<Images>,
    /// One label per image.
    pub labels: Arc<[u8]>,
    /// The images file it was read from (named in errors about the images).
    pub images_path: PathBuf,
}

impl MnistSplit {
    /// Loads `split` from `dir`, taking each file raw or with a `.gz` suffix.
    pub fn load(dir: &Path, split: Split) -> Result<Self> {
        if !dir.is_dir() {
            let reason = if dir.exists() {
                "is not a directory, expected a directory of MNIST-format IDX files"
            } else {
                "directory not found, expected a directory of MNIST-format IDX files"
            };
            return Err(Error::data(dir, reason));
        }
        let (image_stem, label_stem) = split.file_stems();
        let image_path = find_file(dir, image_stem)?;
        let label_path = find_file(dir, label_stem)?;

        let images = read_idx(&image_path, 3)?;
        let labels = read_idx(&label_path, 1)?;
        let (count, rows, cols) = (images.dims[0], images.dims[1], images.dims[2]);
        if count == 0 {
            return Err(Error::data(
                &image_path,
                "holds 0 images, expected at least 1",
            ));
        }
        if labels.dims[0] != count {
            return Err(Error::data(
                &label_path,
                format!(
                    "{} labels, but {} holds {count} images",
                    labels.dims[0],
                    image_path.display()
                ),
            ));
        }
        if let Some(index) = labels.data.iter().position(|&label| label > 9) {
            return Err(Error::data(
                &label_path,
                format!(
                    "label {} at index {index} is outside 0-9",
                    labels.data[index]
                ),
            ));
        }
        let pixels = images.data.iter().map(|&p| f32::from(p) / 255.0).collect();
        Ok(Self {
            images: Arc::new(Images { pixels, rows, cols }),
            labels: labels.data.into(),
            images_path: image_path,
        })
    }

    /// Number of examples.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Checks that every image has `inputs` pixels; the error names the images file.
    pub fn check_pixels(&self, inputs: usize) -> Result<()> {
        let images = &self.images;
        if images.pixels_per_image() == inputs {
            return Ok(());
        }
        Err(Error::data(
            &self.images_path,
            format!(
                "images are {}x{} = {} pixels, but the model takes {inputs} inputs",
                images.rows,
                images.cols,
                images.pixels_per_image()
            ),
        ))
    }

    /// True when the split holds no example.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Examples within `limit` (`--train-limit`): the first `limit`, or all when `None`.
    pub fn len_within(&self, limit: Option<usize>) -> usize {
        limit.map_or(self.len(), |limit| limit.min(self.len()))
    }

    /// The first `count` examples (all of them if there are fewer).
    pub fn take(&self, count: usize) -> Self {
        let count = count.min(self.len());
        let n = self.images.pixels_per_image();
        Self {
            images: Arc::new(Images {
                pixels: self.images.pixels[..count * n].to_vec(),
                rows: self.images.rows,
                cols: self.images.cols,
            }),
            labels: self.labels[..count].into(),
            images_path: self.images_path.clone(),
        }
    }
}

/// Both splits of a dataset directory.
#[derive(Debug, Clone)]
pub struct Mnist {
    /// 60,000 images for MNIST.
    pub train: MnistSplit,
    /// 10,000 images for MNIST.
    pub test: MnistSplit,
}

impl Mnist {
    /// Loads the training and test splits from `dir`.
    pub fn load(dir: &Path) -> Result<Self> {
        Ok(Self {
            train: MnistSplit::load(dir, Split::Train)?,
            test: MnistSplit::load(dir, Split::Test)?,
        })
    }
}

/// `dir/stem` if it exists, else `dir/stem.gz`; an error naming both when neither does.
fn find_file(dir: &Path, stem: &str) -> Result<PathBuf> {
    let raw = dir.join(stem);
    if raw.exists() {
        return Ok(raw);
    }
    let gz = dir.join(format!("{stem}.gz"));
    if gz.exists() {
        return Ok(gz);
    }
    Err(Error::data(
        raw,
        "file not found (neither it nor its .gz is in the directory)",
    ))
}
