//! The Backward panel's API: the lab's backward pass on one example, every step with its
//! numbers and Burn's autodiff beside the manual gradients; and the first layer's units (row j
//! of W1, a picture of what unit j responds to), of the saved model and of a run in progress
//! after each epoch.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use serde::Serialize;

use super::lab::MAX_LIVE_UNITS;
use super::predict::{ModelInput, blocking, model_input, model_or_conflict};
use super::reply::{ApiError, ApiJson};
use super::requests::BackwardRequest;
use super::session::Caller;
use super::state::SharedState;
use crate::backward::{LayerPass, Matrix, backward_pass, first_layer_units};
use crate::gradients::F32_TOLERANCE;
use crate::loss::LAB_EPSILON;
use crate::model::choice_name;
use crate::predict::argmax;

/// Largest model the panel walks: every weight is sent three times (W, dW, autodiff's dW),
/// about 40 MB of JSON at this size; the lab's network has 103,510 parameters.
pub const MAX_BACKWARD_PARAMETERS: usize = 2_000_000;

/// `POST /api/backward`: the forward and backward passes of the saved model on one example
/// (m = 1), one SGD step of `lr` on it, and autodiff's gradients beside the manual ones.
pub async fn backward(
    State(state): State<SharedState>,
    caller: Caller,
    ApiJson(request): ApiJson<BackwardRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let (input, label, lr) = request.checked()?;
    blocking(move || {
        let loaded = model_or_conflict(&state, &caller.lab)?;
        let model = &loaded.config.model;
        if model.parameters() > MAX_BACKWARD_PARAMETERS {
            return Err(ApiError::conflict(format!(
                "the Backward panel walks networks of at most {MAX_BACKWARD_PARAMETERS} parameters; this one has {}",
                model.parameters()
            )));
        }
        let ModelInput {
            pixels,
            label: test_label,
            index,
        } = model_input(&state, &loaded, input)?;
        let label = label.or(test_label.map(usize::from)).ok_or_else(|| {
            ApiError::bad_request("label: required with a drawing (the digit it shows)")
        })?;
        let classes = model.outputs;
        if label >= classes {
            return Err(ApiError::bad_request(format!(
                "label: must be a class between 0 and {}, got {label}",
                classes - 1
            )));
        }
        let lr = lr.unwrap_or(loaded.config.lr);
        let pass = backward_pass(&loaded.model, &pixels, label, lr, &state.device);
        let (atol, rtol) = F32_TOLERANCE;
        let answer = BackwardAnswer {
            input: &pass.input,
            label: pass.label,
            index,
            target: &pass.target,
            predicted: argmax(&pass.layers.last().expect("at least one layer").a),
            loss: pass.loss,
            loss_after_step: pass.loss_after_step,
            lr: pass.lr,
            epsilon: LAB_EPSILON,
            activation: choice_name(model.activation),
            head: choice_name(model.head),
            tolerance: format!(
                "f32: |manual − autodiff| ≤ {atol:e} + {rtol:e}·|autodiff| for every entry"
            ),
            layers: pass.layers.iter().map(LayerAnswer::of).collect(),
        };
        json_bytes(&answer)
    })
    .await
}

/// The answer of `/api/backward`.
#[derive(Serialize)]
struct BackwardAnswer<'a> {
    input: &'a [f32],
    label: usize,
    index: Option<usize>,
    target: &'a [f32],
    predicted: usize,
    loss: f64,
    loss_after_step: f64,
    lr: f64,
    epsilon: f64,
    activation: String,
    head: String,
    tolerance: String,
    layers: Vec<LayerAnswer<'a>>,
}

/// One layer of the answer; matrices as lists of rows (rows are the layer's units).
#[derive(Serialize)]
#[allow(non_snake_case)] // the lab's names: W, dW
struct LayerAnswer<'a> {
    units: usize,
    inputs: usize,
    z: &'a [f32],
    a: &'a [f32],
    derivative: Option<&'a [f32]>,
    delta: &'a [f32],
    W: Vec<&'a [f32]>,
    b: &'a [f32],
    dW: Vec<&'a [f32]>,
    db: &'a [f32],
    autodiff: AutodiffAnswer<'a>,
    autodiff_max_abs_diff: f64,
    within_tolerance: bool,
}

#[derive(Serialize)]
#[allow(non_snake_case)]
struct AutodiffAnswer<'a> {
    dW: Vec<&'a [f32]>,
    db: &'a [f32],
}

impl<'a> LayerAnswer<'a> {
    fn of(layer: &'a LayerPass) -> Self {
        Self {
            units: layer.weight.rows,
            inputs: layer.weight.columns,
            z: &layer.z,
            a: &layer.a,
            derivative: layer.derivative.as_deref(),
            delta: &layer.delta,
            W: layer.weight.by_row(),
            b: &layer.bias,
            dW: layer.weight_grad.by_row(),
            db: &layer.bias_grad,
            autodiff: AutodiffAnswer {
                dW: layer.autodiff_weight_grad.by_row(),
                db: &layer.autodiff_bias_grad,
            },
            autodiff_max_abs_diff: layer.autodiff_max_abs_diff,
            within_tolerance: layer.within_tolerance,
        }
    }
}

/// `GET /api/units`: the saved model's first-layer units, row j the picture of unit j.
pub async fn saved_units(
    State(state): State<SharedState>,
    caller: Caller,
) -> Result<impl IntoResponse, ApiError> {
    blocking(move || {
        let loaded = model_or_conflict(&state, &caller.lab)?;
        let config = &loaded.config.model;
        let units = config.hidden.first().copied().unwrap_or(config.outputs);
        let weights = first_layer_units(&loaded.model, MAX_LIVE_UNITS);
        json_bytes(&UnitsAnswer::of(None, units, &weights, None))
    })
    .await
}

/// `GET /api/train/units`: the first layer's units of the run in progress (or the last run)
/// after its latest epoch, or 409 before its first epoch ends.
pub async fn live_units(caller: Caller) -> Result<impl IntoResponse, ApiError> {
    let snapshot = caller.lab.units.lock().expect("units lock").clone();
    let Some(live) = snapshot else {
        return Err(ApiError::conflict(
            "no epoch of a run from this page has ended yet",
        ));
    };
    blocking(move || {
        json_bytes(&UnitsAnswer::of(
            Some(live.epoch),
            live.units,
            &live.weights,
            Some(&live.change),
        ))
    })
    .await
}

/// First-layer units: `units` in the layer, the `shown` first ones as rows of `W`, and for a
/// run, `change`: W − W at the run's start (what training has added).
#[derive(Serialize)]
#[allow(non_snake_case)]
struct UnitsAnswer<'a> {
    epoch: Option<usize>,
    units: usize,
    shown: usize,
    inputs: usize,
    W: Vec<&'a [f32]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    change: Option<Vec<&'a [f32]>>,
}

impl<'a> UnitsAnswer<'a> {
    fn of(
        epoch: Option<usize>,
        units: usize,
        weights: &'a Matrix,
        change: Option<&'a Matrix>,
    ) -> Self {
        Self {
            epoch,
            units,
            shown: weights.rows,
            inputs: weights.columns,
            W: weights.by_row(),
            change: change.map(Matrix::by_row),
        }
    }
}

/// A JSON body and its content type.
type JsonBytes = ([(header::HeaderName, &'static str); 1], Vec<u8>);

/// A JSON answer serialized here (off the async threads); f32 values keep their shortest form.
fn json_bytes<T: Serialize>(value: &T) -> Result<JsonBytes, ApiError> {
    serde_json::to_vec(value)
        .map(|bytes| ([(header::CONTENT_TYPE, "application/json")], bytes))
        .map_err(|e| ApiError::internal(format!("cannot encode the answer: {e}")))
}
