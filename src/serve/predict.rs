//! The Draw panel's API: the model's settings and curves, a prediction with every layer's
//! activations and the input gradient, and the test digits the model gets wrong.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use super::lab::{Lab, LoadedModel};
use super::reply::{ApiError, ApiJson, epochs_json};
use super::requests::{PredictInput, PredictRequest};
use super::session::Caller;
use super::state::SharedState;
use crate::data::mnist_centered;
use crate::evaluate::predictions;
use crate::model::choice_name;
use crate::predict::explain;

/// Most wrong test digits listed.
const MISTAKES_LISTED: usize = 200;

/// Test images listed per cell of the confusion matrix.
const CELL_EXAMPLES: usize = 50;

/// Runs blocking work (tensor arithmetic) off the async threads.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ApiError::internal(format!("the computation failed: {e}")))?
}

/// The model `lab`'s page uses, or 409 when it has none that loads.
pub fn model_or_conflict(state: &SharedState, lab: &Lab) -> Result<Arc<LoadedModel>, ApiError> {
    lab.loaded_model(&state.device)
        .map_err(|e| ApiError::conflict(no_model_words(state, &e)))
}

/// Why there is no model, as the page says it: with the library's reason for one person on
/// their own machine; without it (it names the server's files) in class mode.
fn no_model_words(state: &SharedState, error: &crate::Error) -> String {
    if state.class().is_some() {
        return "no usable model yet; train one in the Train panel".to_string();
    }
    format!(
        "no usable model yet ({}); train one in the Train panel",
        super::reply::api_words(&error.to_string())
    )
}

/// `GET /api/model`: the trained model's architecture, settings and epochs, or
/// `{"trained": false, "reason": …}`.
pub async fn model_info(
    State(state): State<SharedState>,
    caller: Caller,
) -> Result<Json<Value>, ApiError> {
    blocking(move || {
        let lab = caller.lab;
        let loaded = match lab.loaded_model(&state.device) {
            Ok(loaded) => loaded,
            Err(e) if state.class().is_some() => {
                let reason = no_model_words(&state, &e);
                return Ok(Json(json!({ "trained": false, "reason": reason })));
            }
            Err(e) => return Ok(Json(json!({ "trained": false, "reason": e.to_string() }))),
        };
        let dir = lab.chosen_dir();
        let epochs = dir.load_metrics().unwrap_or_default();
        let config = &loaded.config;
        Ok(Json(json!({
            "trained": true,
            "widths": config.model.widths(),
            "activation": choice_name(config.model.activation),
            "head": choice_name(config.model.head),
            "engine": choice_name(config.engine),
            "lr": config.lr,
            "epochs": epochs_json(&epochs),
            "artifact_dir": state.shown_dir(dir.root()),
            "run": lab.chosen_name(),
        })))
    })
    .await
}

/// `POST /api/predict`: a drawing (preprocessed as MNIST was) or a test image, through the
/// model: the 28×28 input, the probabilities, each hidden layer's activations and −∂J/∂X.
pub async fn predict(
    State(state): State<SharedState>,
    caller: Caller,
    ApiJson(request): ApiJson<PredictRequest>,
) -> Result<Json<Value>, ApiError> {
    let input = request.checked()?;
    blocking(move || {
        let loaded = model_or_conflict(&state, &caller.lab)?;
        let ModelInput {
            pixels,
            label,
            index,
        } = model_input(&state, &loaded, input)?;
        let explanation = explain(&loaded.model, &pixels, &state.device);
        Ok(Json(json!({
            "input": pixels,
            "probabilities": explanation.probabilities,
            "predicted": explanation.predicted,
            "hidden": explanation.hidden,
            "input_gradient": explanation.input_gradient,
            "label": label,
            "index": index,
        })))
    })
    .await
}

/// What a request puts through the model.
pub struct ModelInput {
    /// The model's input: a drawing preprocessed as MNIST was, or a test image.
    pub pixels: Vec<f32>,
    /// A test image's label.
    pub label: Option<u8>,
    /// A test image's index.
    pub index: Option<usize>,
}

/// The model's input for a checked request.
pub fn model_input(
    state: &SharedState,
    loaded: &LoadedModel,
    input: PredictInput,
) -> Result<ModelInput, ApiError> {
    let test = &state.data.test;
    let (pixels, label, index) = match input {
        PredictInput::Drawing {
            width,
            height,
            pixels,
        } => (
            mnist_centered(&pixels, width, height).map_err(ApiError::from_library)?,
            None,
            None,
        ),
        PredictInput::TestImage(index) if index < test.len() => (
            test.images.image(index).to_vec(),
            Some(test.labels[index]),
            Some(index),
        ),
        PredictInput::TestImage(index) => {
            return Err(ApiError::bad_request(format!(
                "test_index: {index} is out of range, the test set has {} images",
                test.len()
            )));
        }
    };
    if pixels.len() != loaded.config.model.inputs {
        return Err(ApiError::conflict(format!(
            "the model takes {} inputs, the picture has {}",
            loaded.config.model.inputs,
            pixels.len()
        )));
    }
    Ok(ModelInput {
        pixels,
        label,
        index,
    })
}

/// The model's predicted class for every test image, computed once per model.
fn test_predictions(
    state: &SharedState,
    loaded: &LoadedModel,
) -> Result<Arc<Vec<usize>>, ApiError> {
    let mut cache = loaded.predictions.lock().expect("predictions lock");
    if let Some(predicted) = cache.as_ref() {
        return Ok(predicted.clone());
    }
    let predicted = Arc::new(
        predictions(&loaded.model, &state.data.test, &state.device)
            .map_err(ApiError::from_library)?,
    );
    *cache = Some(predicted.clone());
    Ok(predicted)
}

/// `GET /api/mistakes`: indices of test images the model gets wrong (the first ones).
pub async fn mistakes(
    State(state): State<SharedState>,
    caller: Caller,
) -> Result<Json<Value>, ApiError> {
    blocking(move || {
        let loaded = model_or_conflict(&state, &caller.lab)?;
        let predicted = test_predictions(&state, &loaded)?;
        let labels = &state.data.test.labels;
        let wrong: Vec<usize> = (0..predicted.len())
            .filter(|&i| predicted[i] != usize::from(labels[i]))
            .take(MISTAKES_LISTED)
            .collect();
        Ok(Json(json!({ "indices": wrong })))
    })
    .await
}

/// `GET /api/confusion`: the test set's confusion matrix (`counts[true][predicted]`) and, for
/// each cell, the indices of its first test images (for the page to open them in Draw).
pub async fn confusion(
    State(state): State<SharedState>,
    caller: Caller,
) -> Result<Json<Value>, ApiError> {
    blocking(move || {
        let loaded = model_or_conflict(&state, &caller.lab)?;
        let predicted = test_predictions(&state, &loaded)?;
        let classes = loaded.config.model.outputs;
        let mut counts = vec![vec![0usize; classes]; classes];
        let mut examples = vec![vec![Vec::new(); classes]; classes];
        for (i, (&label, &guess)) in state
            .data
            .test
            .labels
            .iter()
            .zip(predicted.iter())
            .enumerate()
        {
            let (row, column) = (usize::from(label), guess);
            if row < classes && column < classes {
                counts[row][column] += 1;
                if examples[row][column].len() < CELL_EXAMPLES {
                    examples[row][column].push(i);
                }
            }
        }
        Ok(Json(json!({ "counts": counts, "examples": examples })))
    })
    .await
}
