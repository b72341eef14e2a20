//! The teacher's view of a class: `GET /api/class` lists every student (name, joined, last
//! seen), their runs in the shape `/api/runs` gives, their queued run's place and their
//! "check yourself" record; `POST /api/class/stop` stops (or takes out of the queue) any
//! student's run; `GET /api/class/runs.csv` is the class's runs as a table. Only a teacher's
//! session gets them (403 for a student's, 404 without `--class`).

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde::Deserialize;
use serde_json::{Value, json};

use super::class::{Class, Member, Role};
use super::join::load_record;
use super::lab::RunState;
use super::memory::{peak_mb, resident_mb};
use super::predict::blocking;
use super::reply::{ApiError, ApiJson};
use super::run_end::Cause;
use super::runs::lab_runs;
use super::session::Caller;
use super::state::SharedState;
use super::training::stop_lab;
use crate::csv::csv_field;

/// The class, when the caller is its teacher.
fn teacher_class(state: &SharedState, caller: &Caller) -> Result<Arc<Class>, ApiError> {
    let Some(class) = state.class() else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "no class on this server (serve --class makes one)",
        ));
    };
    if !caller.is_teacher() {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "only the teacher's link opens the class's view",
        ));
    }
    Ok(class.clone())
}

/// Everything the view shows of one student.
fn student_json(state: &SharedState, member: &Member) -> Value {
    let lab = &member.lab;
    let queued = match lab.run_state() {
        RunState::Queued { name } => state.scheduler.place_of(lab).map(
            |(position, wait)| json!({ "run": name, "position": position, "wait_seconds": wait }),
        ),
        _ => None,
    };
    json!({
        "number": member.number,
        "name": member.display_name(),
        "named": member.name.lock().expect("name lock").is_some(),
        "joined": member.joined,
        "last_seen": member.last_seen.load(std::sync::atomic::Ordering::Relaxed),
        "runs": lab_runs(lab),
        "queued": queued,
        "record": load_record(&lab.root),
    })
}

/// `GET /api/class`: the class as the teacher sees it.
pub async fn class_view(
    State(state): State<SharedState>,
    caller: Caller,
) -> Result<Json<Value>, ApiError> {
    let class = teacher_class(&state, &caller)?;
    blocking(move || {
        let students: Vec<Value> = class
            .members()
            .iter()
            .filter(|m| m.role == Role::Student)
            .map(|m| student_json(&state, m))
            .collect();
        Ok(Json(json!({
            "students": students,
            "workers": state.scheduler.workers(),
            "training": state.scheduler.running().len(),
            "queued": state.scheduler.queued(),
            "memory_mb": resident_mb(),
            "memory_peak_mb": peak_mb(),
            "memory_budget_mb": state.memory.budget_mb,
        })))
    })
    .await
}

/// The body of `POST /api/class/stop`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StopRequest {
    /// The student's number.
    student: u32,
    /// The run's name (it must be the one queued or training).
    run: String,
}

/// `POST /api/class/stop`: stops a student's training run, or takes their queued run out of
/// the queue (404 when that student has no such run queued or training).
pub async fn stop(
    State(state): State<SharedState>,
    caller: Caller,
    ApiJson(request): ApiJson<StopRequest>,
) -> Result<Json<Value>, ApiError> {
    let class = teacher_class(&state, &caller)?;
    let student = class.student(request.student).ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            format!("student: no student numbered {}", request.student),
        )
    })?;
    if student.lab.run_state().name() != Some(request.run.as_str()) {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!(
                "run: {} has no run named {} queued or training",
                student.display_name(),
                request.run
            ),
        ));
    }
    stop_lab(&state, &student.lab, Cause::StoppedByTeacher)
}

/// `GET /api/class/runs.csv`: one row per run of every student.
pub async fn runs_csv(
    State(state): State<SharedState>,
    caller: Caller,
) -> Result<impl IntoResponse, ApiError> {
    let class = teacher_class(&state, &caller)?;
    let text = blocking(move || {
        let mut csv = String::from(
            "student,name,run,status,epochs_done,epochs,test_accuracy,activation,hidden,lr,batch_size,train_limit,engine,ended\n",
        );
        for member in class.members().iter().filter(|m| m.role == Role::Student) {
            for run in lab_runs(&member.lab) {
                let settings = &run["settings"];
                let epochs = run["epochs"].as_array().cloned().unwrap_or_default();
                let accuracy = epochs
                    .last()
                    .and_then(|e| e["test_accuracy"].as_f64())
                    .map_or(String::new(), |a| format!("{a:.4}"));
                let status = if run["running"] == true {
                    "training"
                } else if run["saved"] == true {
                    "finished"
                } else {
                    "stopped"
                };
                let hidden = settings["widths"]
                    .as_array()
                    .map(|w| {
                        let w: Vec<String> = w.iter().map(|v| v.to_string()).collect();
                        w[1..w.len().saturating_sub(1)].join(" ")
                    })
                    .unwrap_or_default();
                let row = [
                    member.number.to_string(),
                    csv_field(&member.display_name()),
                    csv_field(run["name"].as_str().unwrap_or_default()),
                    status.to_string(),
                    epochs.len().to_string(),
                    settings["epochs"].to_string(),
                    accuracy,
                    csv_field(settings["activation"].as_str().unwrap_or_default()),
                    csv_field(&hidden),
                    settings["lr"].to_string(),
                    settings["batch_size"].to_string(),
                    settings["train_limit"].to_string().replace("null", ""),
                    csv_field(settings["engine"].as_str().unwrap_or_default()),
                    csv_field(run["end"]["cause"].as_str().unwrap_or_default()),
                ];
                csv.push_str(&row.join(","));
                csv.push('\n');
            }
        }
        Ok(csv)
    })
    .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"class-runs.csv\"",
            ),
        ],
        text,
    ))
}
