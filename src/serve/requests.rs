//! The JSON bodies the API accepts, and their checks. Unknown fields are refused; every value
//! is checked before use, with the library's own limits, and the error names the field.

use serde::Deserialize;

use super::bounds::RunBounds;
use super::lab::MAIN_NAME;
use super::reply::ApiError;
use crate::limits::thousands;
use crate::model::{Activation, Head, MlpConfig, WeightInit, choice_name};
use crate::study::StudyConfig;
use crate::train::{Engine, TrainingConfig};

/// Largest picture `POST /api/predict` takes, per side.
pub const MAX_DRAWING_SIDE: usize = 512;

/// Largest batch of a gradient check from the page (it runs while the page waits).
pub const MAX_CHECK_BATCH: usize = 256;

/// Most activations (batch size × hidden units) a run from the page may hold: 2²⁴, 64 MiB in
/// f32 per copy (with the copies a step keeps, about 0.3 GiB), and a step short enough that
/// Stop takes effect within about a second (1.1 s measured at the limit, 16,384 × 1,024, on a
/// 2-core machine).
pub const MAX_PAGE_ACTIVATIONS: usize = 1 << 24;

/// Deepest and widest networks of a study from the page, and its image counts.
pub const MAX_STUDY_DEPTH: usize = 16;
pub const MAX_STUDY_WIDTH: usize = 512;
pub const STUDY_IMAGES: std::ops::RangeInclusive<usize> = 512..=60_000;

/// `POST /api/predict`: a drawing (grey levels in [0, 1], light strokes on dark), or the
/// index of a test image.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PredictRequest {
    pub width: Option<usize>,
    pub height: Option<usize>,
    pub pixels: Option<Vec<f32>>,
    pub test_index: Option<usize>,
}

/// What a predict request asks for, once checked.
pub enum PredictInput {
    Drawing {
        width: usize,
        height: usize,
        pixels: Vec<f32>,
    },
    TestImage(usize),
}

impl PredictRequest {
    pub fn checked(self) -> Result<PredictInput, ApiError> {
        match (self.test_index, self.pixels) {
            (Some(index), None) => Ok(PredictInput::TestImage(index)),
            (None, Some(pixels)) => {
                let (Some(width), Some(height)) = (self.width, self.height) else {
                    return Err(ApiError::bad_request("width, height: required with pixels"));
                };
                if !(1..=MAX_DRAWING_SIDE).contains(&width)
                    || !(1..=MAX_DRAWING_SIDE).contains(&height)
                {
                    return Err(ApiError::bad_request(format!(
                        "width, height: each must be between 1 and {MAX_DRAWING_SIDE}, got {width}×{height}"
                    )));
                }
                if pixels.len() != width * height {
                    return Err(ApiError::bad_request(format!(
                        "pixels: {} values, expected width × height = {}",
                        pixels.len(),
                        width * height
                    )));
                }
                if let Some(i) = pixels.iter().position(|p| !(0.0..=1.0).contains(p)) {
                    return Err(ApiError::bad_request(format!(
                        "pixels: value {} at index {i} is outside [0, 1]",
                        pixels[i]
                    )));
                }
                Ok(PredictInput::Drawing {
                    width,
                    height,
                    pixels,
                })
            }
            _ => Err(ApiError::bad_request(
                "give either pixels (with width and height) or test_index",
            )),
        }
    }
}

/// `POST /api/backward`: the input of [`PredictRequest`], the example's class, and η.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackwardRequest {
    pub width: Option<usize>,
    pub height: Option<usize>,
    pub pixels: Option<Vec<f32>>,
    pub test_index: Option<usize>,
    /// The true class: required with a drawing; a test image's own label by default.
    pub label: Option<usize>,
    /// η of the SGD step shown; the saved model's by default.
    pub lr: Option<f64>,
}

impl BackwardRequest {
    /// The input (checked as a prediction's), the label if given, and η if given.
    pub fn checked(self) -> Result<(PredictInput, Option<usize>, Option<f64>), ApiError> {
        let drawing = self.pixels.is_some();
        let input = PredictRequest {
            width: self.width,
            height: self.height,
            pixels: self.pixels,
            test_index: self.test_index,
        }
        .checked()?;
        if drawing && self.label.is_none() {
            return Err(ApiError::bad_request(
                "label: required with a drawing (the digit it shows, 0 to 9)",
            ));
        }
        if let Some(lr) = self.lr {
            crate::train::check_sgd(lr, None).map_err(ApiError::from_library)?;
        }
        Ok((input, self.label, self.lr))
    }
}

/// A request that names a run: `run-N` (a page's run) or `artifacts` (the artifact
/// directory's own model), where a choice of model is asked.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunRequest {
    pub run: String,
}

impl RunRequest {
    /// The name of a page's run (`run-N`), checked: no path comes from the browser.
    pub fn run_name(&self) -> Result<String, ApiError> {
        checked_run_name(&self.run)
    }
}

/// Prefix of a page's run directory.
pub const RUN_PREFIX: &str = "run-";

/// The number of a run directory's name (`run-12` → 12).
pub fn run_number(name: &str) -> Option<u64> {
    let digits = name.strip_prefix(RUN_PREFIX)?;
    (!digits.is_empty() && digits.len() <= 9 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

/// `name` if it is a run's name (`run-` and up to 9 digits), else a 400 naming `run`.
pub fn checked_run_name(name: &str) -> Result<String, ApiError> {
    run_number(name).map(|_| name.to_string()).ok_or_else(|| {
        ApiError::bad_request(format!(
            "run: expected a run's name such as run-1 (or {MAIN_NAME} where the command line's model is meant), got '{}'",
            name.chars().take(40).collect::<String>()
        ))
    })
}

/// The network of a request: every field optional, the lab's values by default.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkFields {
    pub hidden: Option<Vec<usize>>,
    pub activation: Option<Activation>,
    pub head: Option<Head>,
    pub init: Option<WeightInit>,
    pub init_std: Option<f64>,
}

impl NetworkFields {
    /// The network asked for (not yet validated); an empty `hidden` list is refused here,
    /// as `--hidden` cannot be empty.
    pub fn config(&self) -> Result<MlpConfig, ApiError> {
        if self.hidden.as_ref().is_some_and(Vec::is_empty) {
            return Err(ApiError::bad_request(
                "hidden: give at least one hidden layer size, e.g. [132]",
            ));
        }
        let lab = MlpConfig::new();
        Ok(MlpConfig::new()
            .with_hidden(self.hidden.clone().unwrap_or(lab.hidden))
            .with_activation(self.activation.unwrap_or(lab.activation))
            .with_head(self.head.unwrap_or(lab.head))
            .with_init(self.init.unwrap_or(lab.init))
            .with_init_std(self.init_std.unwrap_or(lab.init_std)))
    }
}

/// `POST /api/train`: the settings of `backprop train`, by their field names.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainRequest {
    #[serde(flatten)]
    pub network: NetworkFields,
    pub epochs: Option<usize>,
    pub batch_size: Option<usize>,
    pub lr: Option<f64>,
    pub seed: Option<u64>,
    pub shuffle: Option<bool>,
    pub stop_above: Option<f64>,
    pub train_limit: Option<usize>,
    pub clip_grad_norm: Option<f64>,
    pub engine: Option<Engine>,
}

impl TrainRequest {
    /// The run's configuration, checked as `train` checks its flags and within `bounds`.
    pub fn checked(&self, bounds: &RunBounds) -> Result<TrainingConfig, ApiError> {
        let lab = TrainingConfig::new(MlpConfig::new());
        let config = TrainingConfig::new(self.network.config()?)
            .with_epochs(self.epochs.unwrap_or(lab.epochs.min(bounds.epochs)))
            .with_batch_size(self.batch_size.unwrap_or(lab.batch_size))
            .with_lr(self.lr.unwrap_or(lab.lr))
            .with_seed(self.seed.unwrap_or(lab.seed))
            .with_shuffle(self.shuffle.unwrap_or(lab.shuffle))
            .with_stop_above(self.stop_above.unwrap_or(lab.stop_above))
            .with_train_limit(match self.train_limit {
                None if bounds.class => Some(bounds.train_images),
                given => given,
            })
            .with_clip_grad_norm(self.clip_grad_norm)
            .with_engine(self.engine.unwrap_or(Engine::Manual));
        config.validate().map_err(ApiError::from_library)?;
        if bounds.class && config.epochs > bounds.epochs {
            return Err(ApiError::bad_request(format!(
                "epochs: this class allows at most {} epochs a run (serve --class-max-epochs), got {}",
                bounds.epochs, config.epochs
            )));
        }
        if let Some(images) = config
            .train_limit
            .filter(|&n| bounds.class && n > bounds.train_images)
        {
            return Err(ApiError::bad_request(format!(
                "train_limit: this class allows at most {} training images a run (serve --class-max-train-images), got {}",
                thousands(bounds.train_images),
                thousands(images)
            )));
        }
        let units: usize = config.model.hidden.iter().sum();
        if config.batch_size * units > bounds.activations {
            let why = if bounds.class {
                "the class's bound, serve --class-max-activations"
            } else {
                "64 MiB in f32, so that Stop acts within a second"
            };
            return Err(ApiError::bad_request(format!(
                "batch_size: a run from the page holds at most {} activations (batch × hidden units, {why}); {} × {units} is {}",
                thousands(bounds.activations),
                config.batch_size,
                thousands(config.batch_size * units)
            )));
        }
        Ok(config)
    }
}

/// `POST /api/gradcheck`: one network (the lab's by default) on the first `batch_size`
/// training images.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckRequest {
    #[serde(flatten)]
    pub network: NetworkFields,
    pub batch_size: Option<usize>,
    pub seed: Option<u64>,
}

impl CheckRequest {
    /// The arguments of `backprop gradcheck --json` for this request.
    pub fn arguments(&self) -> Result<Vec<String>, ApiError> {
        let config = self.network.config()?;
        config.validate().map_err(ApiError::from_library)?;
        let hidden: Vec<String> = config.hidden.iter().map(usize::to_string).collect();
        let mut arguments = vec![
            "gradcheck".into(),
            "--json".into(),
            "--hidden".into(),
            hidden.join(","),
            "--activation".into(),
            choice_name(config.activation),
            "--head".into(),
            choice_name(config.head),
            "--init".into(),
            choice_name(config.init),
            "--init-std".into(),
            config.init_std.to_string(),
        ];
        // Absent fields keep `gradcheck`'s own defaults (one place for each default).
        if let Some(batch) = self.batch_size {
            if !(1..=MAX_CHECK_BATCH).contains(&batch) {
                return Err(ApiError::bad_request(format!(
                    "batch_size: must be between 1 and {MAX_CHECK_BATCH}, got {batch}"
                )));
            }
            arguments.extend(["--batch-size".into(), batch.to_string()]);
        }
        if let Some(seed) = self.seed {
            arguments.extend(["--seed".into(), seed.to_string()]);
        }
        Ok(arguments)
    }
}

/// `POST /api/study`: the vanishing/exploding study of one depth and width, on the first
/// `train_limit` images (a short run, while the page waits).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StudyRequest {
    pub depth: Option<usize>,
    pub width: Option<usize>,
    pub train_limit: Option<usize>,
}

impl StudyRequest {
    /// The arguments of `backprop study` for this request (without the output directory).
    pub fn arguments(&self) -> Result<Vec<String>, ApiError> {
        let defaults = StudyConfig::default();
        let depth = self.depth.unwrap_or(defaults.depth);
        let width = self.width.unwrap_or(defaults.width);
        let limit = self.train_limit.unwrap_or(5_000);
        for (field, value, max) in [
            ("depth", depth, MAX_STUDY_DEPTH),
            ("width", width, MAX_STUDY_WIDTH),
        ] {
            if !(1..=max).contains(&value) {
                return Err(ApiError::bad_request(format!(
                    "{field}: must be between 1 and {max} here, got {value}"
                )));
            }
        }
        if !STUDY_IMAGES.contains(&limit) {
            return Err(ApiError::bad_request(format!(
                "train_limit: must be between {} and {}, got {limit}",
                STUDY_IMAGES.start(),
                STUDY_IMAGES.end()
            )));
        }
        Ok(vec![
            "study".into(),
            "--depth".into(),
            depth.to_string(),
            "--width".into(),
            width.to_string(),
            "--train-limit".into(),
            limit.to_string(),
            "--steps".into(),
            "50".into(),
        ])
    }
}
