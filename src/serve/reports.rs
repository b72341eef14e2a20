//! The Check and Study panels' API. Each runs the `backprop` binary itself as a child process
//! (`gradcheck --json`, `study`): the gradient check then runs in f64 with finite differences,
//! which a device already serving f32 tensors cannot switch to, and a report never holds the
//! server's threads. One report at a time for the whole server (a class shares it); each is killed after [`REPORT_TIME_LIMIT`].

use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use serde_json::{Value, json};

use super::lab::SharedLab;
use super::reply::{ApiError, ApiJson, api_words};
use super::requests::{CheckRequest, StudyRequest};
use super::session::Caller;
use super::state::{ReportProgress, RunningReport, SharedState};

/// Longest a gradient check or a study from the page may run.
pub const REPORT_TIME_LIMIT: Duration = Duration::from_secs(300);

/// `POST /api/gradcheck`: the per-parameter table (manual vs autodiff vs finite differences).
pub async fn gradcheck(
    State(state): State<SharedState>,
    caller: Caller,
    ApiJson(request): ApiJson<CheckRequest>,
) -> Result<Json<Value>, ApiError> {
    let arguments = request.arguments()?;
    let output = run_report(&state, &caller.lab, arguments).await?;
    let line = output.stdout.lines().last().unwrap_or_default();
    serde_json::from_str(line).map(Json).map_err(|_| {
        ApiError::internal(format!(
            "the gradient check gave no report: {}",
            api_words(output.stderr.trim())
        ))
    })
}

/// `POST /api/study`: runs the study; answers its tables (text) and summary rows, and
/// `/api/study/figure.png` serves its figure.
pub async fn study(
    State(state): State<SharedState>,
    caller: Caller,
    ApiJson(request): ApiJson<StudyRequest>,
) -> Result<Json<Value>, ApiError> {
    let mut arguments = request.arguments()?;
    // A fixed place in the lab: no path comes from the browser.
    let dir = caller.lab.study_dir();
    arguments.extend(["--artifact-dir".into(), dir.display().to_string()]);
    let output = run_report(&state, &caller.lab, arguments).await?;
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
pub async fn study_figure(caller: Caller) -> Result<impl IntoResponse, ApiError> {
    let bytes = std::fs::read(caller.lab.study_dir().join("study.png"))
        .map_err(|_| ApiError::conflict("no study has been run from this page yet"))?;
    Ok(([(header::CONTENT_TYPE, "image/png")], bytes))
}

/// `GET /api/study/study-summary.csv`, `/api/study/study-layers.csv`: the tables of the last
/// study run from the page, as downloads.
pub async fn study_table(
    caller: Caller,
    axum::extract::Path(file): axum::extract::Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    if !matches!(file.as_str(), "study-summary.csv" | "study-layers.csv") {
        return Err(ApiError::new(
            axum::http::StatusCode::NOT_FOUND,
            "file: one of study-summary.csv, study-layers.csv, figure.png",
        ));
    }
    let bytes = std::fs::read(caller.lab.study_dir().join(&file))
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
/// (409 while another runs), killed after [`REPORT_TIME_LIMIT`]. Its progress lines
/// (`[ k/N] …`, as `study` prints them) are kept for `/api/report/progress`; once the first is
/// in, a report whose projected time passes the limit is stopped and refused (409).
async fn run_report(
    state: &SharedState,
    lab: &SharedLab,
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
    let mut child = tokio::process::Command::new(program)
        .args(&arguments)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| ApiError::internal(format!("cannot start the report: {e}")))?;
    let (Some(stdout), Some(mut stderr)) = (child.stdout.take(), child.stderr.take()) else {
        return Err(ApiError::internal("the report's output is not readable"));
    };
    let started = Instant::now();
    let report_at = |progress: Option<ReportProgress>| {
        *state.report.lock().expect("report lock") = progress.map(|progress| RunningReport {
            lab: lab.clone(),
            progress,
        });
    };
    report_at(Some(ReportProgress::starting()));
    let follow = async {
        let mut lines = BufReader::new(stdout).lines();
        let mut text = String::new();
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some((done, total)) = progress_of(&line) {
                let progress = ReportProgress::at(done, total, started.elapsed());
                report_at(Some(progress));
                if progress.projected_seconds > REPORT_TIME_LIMIT.as_secs_f64() && done < total {
                    return Err(progress);
                }
            }
            text.push_str(&line);
            text.push('\n');
        }
        Ok(text)
    };
    // Read beside stdout, so that a full pipe never blocks the child.
    let complain = tokio::spawn(async move {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text).await;
        text
    });
    let finished = tokio::time::timeout(REPORT_TIME_LIMIT, async {
        let stdout = follow.await;
        if stdout.is_err() {
            let _ = child.kill().await; // projected past the limit: stop it now
        }
        let stderr = complain.await.unwrap_or_default();
        (stdout, stderr, child.wait().await)
    })
    .await;
    report_at(None);
    let (stdout, stderr, status) = finished.map_err(|_| {
        ApiError::internal(format!(
            "the report took longer than {} s and was stopped",
            REPORT_TIME_LIMIT.as_secs()
        ))
    })?;
    let stdout = stdout.map_err(|progress| {
        ApiError::conflict(format!(
            "this study would take about {:.0} s ({} networks, the first took {:.1} s), over the page's limit of {} s: choose fewer images, a smaller depth or a smaller width",
            progress.projected_seconds,
            progress.total,
            progress.elapsed_seconds / progress.done as f64,
            REPORT_TIME_LIMIT.as_secs()
        ))
    })?;
    let status = status.map_err(|e| ApiError::internal(format!("the report failed: {e}")))?;
    Ok(ReportOutput {
        success: status.success(),
        stdout,
        stderr,
    })
}

/// `[ k/N] …` → (k, N): a progress line of `study`.
fn progress_of(line: &str) -> Option<(usize, usize)> {
    let inside = line.strip_prefix('[')?.split_once(']')?.0;
    let (done, total) = inside.split_once('/')?;
    let (done, total) = (done.trim().parse().ok()?, total.trim().parse().ok()?);
    (done > 0 && done <= total).then_some((done, total))
}

/// `GET /api/report/progress`: the running study's networks done, seconds so far and an
/// estimate of the seconds left (`{"running": false}` when none runs).
pub async fn progress(State(state): State<SharedState>, caller: Caller) -> Json<Value> {
    let progress = state
        .report
        .lock()
        .expect("report lock")
        .as_ref()
        .filter(|report| Arc::ptr_eq(&report.lab, &caller.lab))
        .map(|report| report.progress);
    Json(match progress {
        None => json!({ "running": false }),
        Some(p) => json!({
            "running": true,
            "done": p.done,
            "total": p.total,
            "elapsed_seconds": p.elapsed_seconds,
            "remaining_seconds": (p.done > 0).then(|| (p.projected_seconds - p.elapsed_seconds).max(0.0)),
        }),
    })
}

/// Marks the report slot free again, however the request ends.
struct Release(SharedState);

impl Drop for Release {
    fn drop(&mut self) {
        *self.0.report_running.lock().expect("report lock") = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_lines_and_the_projection() {
        assert_eq!(progress_of("[ 3/18] tanh    xavier  …"), Some((3, 18)));
        assert_eq!(progress_of("[18/18] relu he"), Some((18, 18)));
        for line in [
            "",
            "[0/18] x",
            "[19/18] x",
            "[a/18]",
            "Studying 18 settings",
            "[ 3 18]",
        ] {
            assert_eq!(progress_of(line), None, "{line}");
        }
        let progress = ReportProgress::at(2, 18, Duration::from_secs(40));
        assert_eq!(
            progress.projected_seconds, 360.0,
            "20 s a network, 18 networks"
        );
        assert!(progress.projected_seconds > REPORT_TIME_LIMIT.as_secs_f64());
    }
}
