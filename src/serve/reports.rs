//! The Check and Study panels' API. Each runs the `backprop` binary itself as a child process
//! (`gradcheck --json`, `study`): the gradient check then runs in f64 with finite differences,
//! which a device already serving f32 tensors cannot switch to, and a report never holds the
//! server's threads. One report at a time; each is killed after [`REPORT_TIME_LIMIT`].

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use serde_json::{Value, json};

use super::reply::{ApiError, ApiJson, api_words};
use super::requests::{CheckRequest, StudyRequest};
use super::state::SharedState;

/// Longest a gradient check or a study from the page may run.
pub const REPORT_TIME_LIMIT: Duration = Duration::from_secs(300);

/// `POST /api/gradcheck`: the per-parameter table (manual vs autodiff vs finite differences).
pub async fn gradcheck(
    State(state): State<SharedState>,
    ApiJson(request): ApiJson<CheckRequest>,
) -> Result<Json<Value>, ApiError> {
    let arguments = request.arguments()?;
    let output = run_report(&state, arguments).await?;
    let line = output.stdout.lines().last().unwrap_or_default();
    serde_json::from_str(line).map(Json).map_err(|_| {
        ApiError::internal(format!(
            "the gradient check gave no report: {}",
            api_words(output.stderr.trim())
        ))
    })
}

/// Where the page's study writes its tables and figure (a fixed place in the artifact
/// directory: no path comes from the browser).
fn study_dir(state: &SharedState) -> PathBuf {
    state.artifacts.root().join("study")
}

/// `POST /api/study`: runs the study; answers its tables (text) and summary rows, and
/// `/api/study/figure.png` serves its figure.
pub async fn study(
    State(state): State<SharedState>,
    ApiJson(request): ApiJson<StudyRequest>,
) -> Result<Json<Value>, ApiError> {
    let mut arguments = request.arguments()?;
    let dir = study_dir(&state);
    arguments.extend(["--artifact-dir".into(), dir.display().to_string()]);
    let output = run_report(&state, arguments).await?;
    if !output.success {
        return Err(ApiError::internal(api_words(output.stderr.trim())));
    }
    let tables = std::fs::read_to_string(dir.join("study.txt"))
        .map_err(|e| ApiError::internal(format!("study.txt: {e}")))?;
    Ok(Json(
        json!({ "tables": tables, "figure": "/api/study/figure.png" }),
    ))
}

/// `GET /api/study/figure.png`: the figure of the last study run from the page.
pub async fn study_figure(State(state): State<SharedState>) -> Result<impl IntoResponse, ApiError> {
    let bytes = std::fs::read(study_dir(&state).join("study.png"))
        .map_err(|_| ApiError::conflict("no study has been run from this page yet"))?;
    Ok(([(header::CONTENT_TYPE, "image/png")], bytes))
}

/// `GET /api/study/study-summary.csv`, `/api/study/study-layers.csv`: the tables of the last
/// study run from the page, as downloads.
pub async fn study_table(
    State(state): State<SharedState>,
    axum::extract::Path(file): axum::extract::Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    if !matches!(file.as_str(), "study-summary.csv" | "study-layers.csv") {
        return Err(ApiError::new(
            axum::http::StatusCode::NOT_FOUND,
            "file: one of study-summary.csv, study-layers.csv, figure.png",
        ));
    }
    let bytes = std::fs::read(study_dir(&state).join(&file))
        .map_err(|_| ApiError::conflict("no study has been run from this page yet"))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        bytes,
    ))
}

struct ReportOutput {
    success: bool,
    stdout: String,
    stderr: String,
}

/// Runs `backprop <arguments> --data-dir … --backend …` as a child process, one at a time
/// (409 while another runs), killed after [`REPORT_TIME_LIMIT`].
async fn run_report(
    state: &SharedState,
    mut arguments: Vec<String>,
) -> Result<ReportOutput, ApiError> {
    {
        let mut running = state.report_running.lock().expect("report lock");
        if *running {
            return Err(ApiError::conflict(
                "a gradient check or study is running; wait for it",
            ));
        }
        *running = true;
    }
    let _release = Release(state.clone());
    arguments.extend([
        "--data-dir".into(),
        state.data_dir.display().to_string(),
        "--backend".into(),
        state.backend.to_string(),
    ]);
    let program = std::env::current_exe()
        .map_err(|e| ApiError::internal(format!("cannot find the backprop binary: {e}")))?;
    let child = tokio::process::Command::new(program)
        .args(&arguments)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| ApiError::internal(format!("cannot start the report: {e}")))?;
    let output = tokio::time::timeout(REPORT_TIME_LIMIT, child.wait_with_output())
        .await
        .map_err(|_| {
            ApiError::internal(format!(
                "the report took longer than {} s and was stopped",
                REPORT_TIME_LIMIT.as_secs()
            ))
        })?
        .map_err(|e| ApiError::internal(format!("the report failed: {e}")))?;
    Ok(ReportOutput {
        success: output.status.success(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    })
}

/// Marks the report slot free again, however the request ends.
struct Release(SharedState);

impl Drop for Release {
    fn drop(&mut self) {
        *self.0.report_running.lock().expect("report lock") = false;
    }
}
