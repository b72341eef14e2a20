//! Joining a class and being a member of it: `GET /join/{code}` (the links `serve --class`
//! prints) gives the browser a session and takes it to the page; `GET /api/session` says who
//! the page is for; `POST /api/session/name` sets a student's display name; `POST /api/record`
//! keeps the page's "check yourself" record for the teacher's view.

use axum::Json;
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::class::names::checked_name;
use super::class::{Role, now_seconds};
use super::reply::{ApiError, ApiJson};
use super::session::{Caller, member_of};
use super::state::SharedState;
use crate::files::write_atomic;

/// Walks of the Backward panel a lab's record keeps (the newest).
pub const RECORD_WALKS: usize = 50;

/// Questions a walk may have (the Backward panel asks one per step of a deep network).
const RECORD_STEPS: usize = 64;

/// `GET /join/{code}`: a session for this browser (kept when it already has one of that
/// role), then the page (303); 403 for a code that is neither link's, 404 without `--class`,
/// 429 when the class is full.
pub async fn join(
    State(state): State<SharedState>,
    headers: HeaderMap,
    UrlPath(code): UrlPath<String>,
) -> Result<Response, ApiError> {
    let Some(class) = state.class() else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "no class on this server (serve --class makes one)",
        ));
    };
    let Some(role) = class.role_of_code(&code) else {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "this class link is not valid (or no longer): ask your teacher for the link",
        ));
    };
    let page = match role {
        Role::Student => "/",
        Role::Teacher => "/#class",
    };
    if member_of(class, &headers).is_some_and(|m| m.role == role) {
        return Ok((StatusCode::SEE_OTHER, [(header::LOCATION, page)]).into_response());
    }
    let member = class
        .join(role)
        .map_err(|why| ApiError::new(StatusCode::TOO_MANY_REQUESTS, why))?;
    Ok((
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, page.to_string()),
            (header::SET_COOKIE, class.cookie_for(&member)),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
    )
        .into_response())
}

/// `GET /api/session`: `{"mode": "single"}`, or in class mode the caller's role, number and
/// name (and, for the teacher, the student link's path to share).
pub async fn session(State(state): State<SharedState>, caller: Caller) -> Json<Value> {
    let Some(member) = caller.member else {
        return Json(json!({ "mode": "single" }));
    };
    let mut answer = json!({
        "mode": "class",
        "role": member.role,
        "number": member.number,
        "name": member.display_name(),
        "named": member.name.lock().expect("name lock").is_some(),
    });
    if member.role == Role::Teacher
        && let Some(class) = state.class()
    {
        answer["student_link"] = json!(class.student_path());
    }
    Json(answer)
}

/// The body of `POST /api/session/name`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NameRequest {
    name: String,
}

/// `POST /api/session/name`: the caller's display name (400 when it is not one, 404 without
/// `--class`).
pub async fn rename(
    State(state): State<SharedState>,
    caller: Caller,
    ApiJson(request): ApiJson<NameRequest>,
) -> Result<Json<Value>, ApiError> {
    let (Some(class), Some(member)) = (state.class(), caller.member) else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "name: only a class's members have names (serve --class)",
        ));
    };
    let name = checked_name(&request.name).map_err(ApiError::bad_request)?;
    class.rename(&member, name.clone());
    Ok(Json(json!({ "name": name })))
}

/// One question of a walk: the step's title, the tries, and whether it was right at the first
/// try, right in the end, or shown.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordStep {
    step: String,
    tries: u32,
    first: Option<bool>,
    right: bool,
    shown: bool,
}

/// One walk of the Backward panel, as the page records it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Walk {
    id: String,
    example: Option<String>,
    questions: u32,
    steps: Vec<RecordStep>,
    /// Unix seconds, set by the server.
    #[serde(default)]
    at: u64,
}

/// The file of a lab that keeps its record.
const RECORD_FILE: &str = "record.json";

/// `POST /api/record`: keeps one walk's record (the same walk again replaces it) in the
/// caller's lab; 400 for a record that is not one.
pub async fn record(
    caller: Caller,
    ApiJson(mut walk): ApiJson<Walk>,
) -> Result<Json<Value>, ApiError> {
    let short = |text: &str| text.chars().count() <= 80;
    if walk.steps.len() > RECORD_STEPS
        || walk.questions as usize > RECORD_STEPS
        || !short(&walk.id)
        || !walk.example.as_deref().is_none_or(short)
        || walk.steps.iter().any(|s| !short(&s.step) || s.tries > 1000)
    {
        return Err(ApiError::bad_request(format!(
            "steps: a walk has at most {RECORD_STEPS} questions, each titled in at most 80 characters"
        )));
    }
    walk.at = now_seconds();
    let path = caller.lab.root.join(RECORD_FILE);
    let mut walks = load_record(&caller.lab.root);
    walks.retain(|w| w.id != walk.id);
    walks.push(walk);
    let skip = walks.len().saturating_sub(RECORD_WALKS);
    let walks: Vec<Walk> = walks.into_iter().skip(skip).collect();
    std::fs::create_dir_all(&caller.lab.root)
        .map_err(|e| ApiError::internal(format!("cannot keep the record: {e}")))?;
    let text = serde_json::to_vec(&walks).expect("walks are JSON");
    write_atomic(&path, &text)
        .map_err(|e| ApiError::internal(format!("cannot keep the record: {e}")))?;
    Ok(Json(json!({ "walks": walks.len() })))
}

/// The walks kept in a lab's directory (none when it has no record).
pub fn load_record(root: &std::path::Path) -> Vec<Walk> {
    std::fs::read(root.join(RECORD_FILE))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}
