//! `GET /api/limits`: the bounds the API checks each form field against (a class's bounds in
//! class mode), so the page checks what is typed against the same numbers (none is copied into
//! its JavaScript).

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use super::requests::{MAX_CHECK_BATCH, MAX_STUDY_DEPTH, MAX_STUDY_WIDTH, STUDY_IMAGES};
use super::state::SharedState;
use crate::limits::{MAX_BATCH_SIZE, MAX_EPOCHS, MAX_HIDDEN_LAYERS, MAX_INIT_STD, MAX_WIDTH};

/// Each form's fields by their API names: `integer` or not, and `min` (inclusive) or `above`
/// (exclusive) and `max`; `hidden` is a list of at most `layers` sizes.
pub async fn limits(State(state): State<SharedState>) -> Json<Value> {
    let bounds = &state.bounds;
    let images = state.data.train.len().min(bounds.train_images);
    let count = |max: usize| json!({ "integer": true, "min": 1, "max": max });
    Json(json!({
        "train": {
            "hidden": { "integer": true, "min": 1, "max": MAX_WIDTH, "layers": MAX_HIDDEN_LAYERS },
            "init_std": { "integer": false, "above": 0, "max": MAX_INIT_STD },
            "lr": { "integer": false, "above": 0 },
            "clip_grad_norm": { "integer": false, "above": 0 },
            "batch_size": count(MAX_BATCH_SIZE),
            "epochs": count(MAX_EPOCHS.min(bounds.epochs)),
            "train_limit": count(images),
            "activations": bounds.activations,
        },
        "check": {
            "hidden": { "integer": true, "min": 1, "max": MAX_WIDTH, "layers": MAX_HIDDEN_LAYERS },
            "batch_size": count(MAX_CHECK_BATCH),
        },
        "study": {
            "depth": count(MAX_STUDY_DEPTH),
            "width": count(MAX_STUDY_WIDTH),
            "train_limit": { "integer": true, "min": STUDY_IMAGES.start(), "max": STUDY_IMAGES.end() },
        },
    }))
}
