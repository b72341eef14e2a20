//! What the harness reported, turned into one row per check: each quantity the lab writes
//! (`init`, `sigmoid`…, `Z1`…`A2`, `loss`, `accuracy`, `dZ2`…`db1`, `sgd`) against the right
//! value, with its points, the largest difference, and the mistake when it is recognised.

use serde_json::Value;

use super::array::Array;
use super::checks::{accuracy_verdict, init_verdict, sgd_verdict};
use super::lab::{Convention, Lab, softmax_rows};
use super::mistakes::{Lang, Mistake};
use super::notes::load_notes;
use super::reference::{ElementWise, Inputs, Reference, softmax_inputs};
use super::returned::Returned;
use super::verdict::{Variant, compare, compare_array};
use crate::model::{Activation, Head};

/// Every check, its points, and whether each convention requires it (a check that is not
/// required is graded only when the student's code defines or returns it).
pub const CHECKS: [(&str, u32, bool, bool); 20] = [
    // (check, points, required by the handout, required by the notebook)
    ("init", 1, true, true),
    ("sigmoid", 1, true, false),
    ("relu", 1, true, false),
    ("relu_derivative", 1, true, false),
    ("tanh", 1, false, false),
    ("softmax", 1, false, false),
    ("Z1", 1, true, true),
    ("A1", 1, true, true),
    ("Z2", 1, true, false),
    ("A2", 1, true, true),
    ("loss", 2, true, true),
    ("accuracy", 1, false, true),
    ("dZ2", 2, false, false),
    ("dW2", 2, true, true),
    ("db2", 2, true, true),
    ("dA1", 2, false, false),
    ("dZ1", 2, false, false),
    ("dW1", 2, true, true),
    ("db1", 2, true, true),
    ("sgd", 2, true, true),
];

/// The result of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pass,
    Fail,
    /// Not defined or not returned, and not required: no points either way.
    NotGraded,
}

/// One row of the grade.
#[derive(Debug, Clone)]
pub struct Row {
    /// The quantity as the lab writes it.
    pub check: &'static str,
    /// The student's function it came from.
    pub function: Option<String>,
    pub status: Status,
    pub score: u32,
    pub points: u32,
    /// The largest |student − right| and where.
    pub largest: Option<(f64, String)>,
    /// What is wrong (or a note on a pass, such as a warning).
    pub detail: String,
    /// The mistake recognised.
    pub mistake: Option<Mistake>,
}

/// A whole file's grade.
#[derive(Debug, Clone, Default)]
pub struct Grade {
    pub convention: Option<Convention>,
    /// The hidden activation and head the student's forward pass computes.
    pub model: Option<(Activation, Head)>,
    pub rows: Vec<Row>,
    /// What was skipped or stood in for while loading (top-level code, imports, cells).
    pub notes: Vec<String>,
    /// Each function that raised, looped or ran out of memory, in one line.
    pub problems: Vec<String>,
    /// Why nothing could be graded, if so.
    pub fatal: Option<String>,
    /// Python and NumPy versions.
    pub versions: Option<String>,
    /// The start of what the student's code printed (shown on failure).
    pub output: String,
}

impl Grade {
    /// (score, out of).
    pub fn score(&self) -> (u32, u32) {
        self.rows.iter().fold((0, 0), |(s, t), r| match r.status {
            Status::NotGraded => (s, t),
            _ => (s + r.score, t + r.points),
        })
    }

    /// The row of `check`.
    pub fn row(&self, check: &str) -> Option<&Row> {
        self.rows.iter().find(|r| r.check == check)
    }
}

/// What a step of the harness reported: its record (function, error, warnings) and value.
struct Step<'a> {
    record: &'a Value,
    value: Option<Returned>,
}

impl Step<'_> {
    fn function(&self) -> Option<String> {
        self.record
            .get("function")
            .and_then(Value::as_str)
            .map(str::to_string)
    }

    fn error(&self) -> Option<String> {
        self.record
            .get("error")
            .and_then(Value::as_str)
            .map(str::to_string)
    }

    fn warnings(&self) -> Vec<String> {
        self.record
            .get("warnings")
            .and_then(Value::as_array)
            .map(|w| {
                w.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Everything needed to grade: the inputs, the right answers of each activation × head, the
/// element-wise answers.
pub struct Answers<'a> {
    pub inputs: &'a Inputs,
    pub references: &'a [Reference],
    pub elementwise: &'a ElementWise,
    pub eta: f64,
}

/// The harness's name for an activation × head, e.g. `tanh/softmax-ce`.
pub fn combination_name(activation: Activation, head: Head) -> String {
    format!("{}/{}", activation.name(), crate::model::choice_name(head))
}

/// Grades what the harness reported (`records`, in order); `ended` says why the process
/// stopped early, if it did.
pub fn grade(records: &[Value], ended: Option<&str>, answers: &Answers, lang: Lang) -> Grade {
    let mut grade = Grade::default();
    let m = answers.inputs.m();
    let mut found: Vec<(String, String)> = Vec::new();
    let mut steps: Vec<(String, Step)> = Vec::new();
    let mut combination = None;
    for record in records {
        match record.get("kind").and_then(Value::as_str) {
            Some("numpy") => {
                grade.versions = Some(format!(
                    "Python {}, NumPy {}",
                    record["python"].as_str().unwrap_or("?"),
                    record["version"].as_str().unwrap_or("?")
                ))
            }
            Some("fatal") => grade.fatal = record["error"].as_str().map(str::to_string),
            Some("load") => {
                grade.notes.extend(load_notes(record, lang));
                if let Some(f) = record["functions"].as_object() {
                    found = f
                        .iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                        .collect();
                }
            }
            Some("convention") => {
                grade.convention = record["convention"]
                    .as_str()
                    .and_then(Convention::from_name)
            }
            Some("result") => {
                let check = record["check"].as_str().unwrap_or("").to_string();
                if check == "forward" {
                    combination = record["combination"].as_str().map(str::to_string);
                }
                let value = record
                    .get("value")
                    .filter(|v| !v.is_null())
                    .map(Returned::from_json);
                let value = if check == "forward" {
                    Some(Returned::Dict(
                        record["parts"]
                            .as_object()
                            .map(|p| {
                                p.iter()
                                    .map(|(k, v)| (k.clone(), Returned::from_json(v)))
                                    .collect()
                            })
                            .unwrap_or_default(),
                    ))
                } else {
                    value
                };
                let empty = &Value::Null;
                let step_record = record
                    .get("record")
                    .filter(|r| !r.is_null())
                    .unwrap_or(empty);
                steps.push((
                    check,
                    Step {
                        record: step_record,
                        value,
                    },
                ));
            }
            _ => {}
        }
    }
    if let (None, true, true, Some(reason)) = (
        &grade.fatal,
        found.is_empty(),
        grade.versions.is_some(),
        ended,
    ) {
        grade.fatal = Some(reason.to_string());
    }
    if grade.versions.is_none() && grade.fatal.is_none() {
        grade.fatal = Some(ended.unwrap_or("the harness reported nothing").to_string());
    }
    if grade.fatal.is_some() {
        return grade;
    }
    let convention = grade.convention.unwrap_or(Convention::Handout);
    grade.convention = Some(convention);
    let reference = combination
        .as_deref()
        .and_then(|name| {
            answers
                .references
                .iter()
                .find(|r| combination_name(r.activation, r.head) == name)
        })
        .unwrap_or_else(|| {
            let (a, h) = convention.prescribed();
            answers
                .references
                .iter()
                .find(|r| r.activation == a && r.head == h)
                .expect("the prescribed combination is computed")
        });
    grade.model = Some((reference.activation, reference.head));
    let lab = Lab {
        inputs: answers.inputs,
        reference,
        convention,
    };
    let function_of = |role: &str| {
        found
            .iter()
            .find(|(r, _)| r == role)
            .map(|(_, f)| f.clone())
    };
    let step_of = |check: &str| steps.iter().find(|(c, _)| c == check).map(|(_, s)| s);
    // The first step the harness did not report, if it stopped early: the one it was in.
    let order = [
        "init",
        "forward",
        "backward",
        "loss",
        "accuracy",
        "sgd",
        "sigmoid",
        "relu",
        "relu_derivative",
        "tanh",
        "softmax",
    ];
    let interrupted = ended.and_then(|_| {
        order
            .iter()
            .find(|role| function_of(role).is_some() && step_of(role).is_none())
            .copied()
    });

    let mut rows: Vec<Row> = Vec::new();
    for (check, points, handout, notebook) in CHECKS {
        let required = match convention {
            Convention::Handout => handout,
            Convention::Notebook => notebook,
        };
        let role = role_of(check, &found);
        let function = function_of(role);
        let step = step_of(role);
        // A check the convention does not require is reported, and scores nothing either way,
        // so that every submission of a convention is marked out of the same total.
        let points = if required { points } else { 0 };
        let row = |status: Status, detail: String| Row {
            check,
            function: function.clone(),
            status,
            score: 0,
            points,
            largest: None,
            detail,
            mistake: None,
        };
        let Some(step) = step else {
            let reason = if function.is_none() && !required {
                lang.say(
                    &format!("not defined (optional here): {}", names_of(role)),
                    &format!("non définie (facultative ici) : {}", names_of(role)),
                )
            } else if function.is_none() {
                lang.say(
                    &format!("not found: no function named {}", names_of(role)),
                    &format!("introuvable : aucune fonction nommée {}", names_of(role)),
                )
            } else if Some(role) == interrupted {
                let f = function.clone().unwrap_or_default();
                let why = ended.unwrap_or("");
                grade.problems.push(format!("{f}: {why}"));
                format!("{f}: {why}")
            } else {
                lang.say(
                    "not reached: the process had ended",
                    "non atteint : le processus s'était arrêté",
                )
            };
            let status = if required || function.is_some() {
                Status::Fail
            } else {
                Status::NotGraded
            };
            rows.push(row(status, reason));
            continue;
        };
        if let Some(error) = step.error() {
            let f = step.function().unwrap_or_default();
            let line = format!("{f}: {error}");
            if !grade.problems.contains(&line) {
                grade.problems.push(line.clone());
            }
            // An optional quantity of a function that failed is not counted either way.
            let status = if required {
                Status::Fail
            } else {
                Status::NotGraded
            };
            rows.push(row(status, line));
            continue;
        }
        let value = step.value.as_ref();
        let verdict = match check {
            "Z1" | "A1" | "Z2" | "A2" => {
                let part = value.and_then(|v| v.get(check));
                if part.is_none() && !required {
                    rows.push(row(
                        Status::NotGraded,
                        lang.say("not returned", "non renvoyé"),
                    ));
                    continue;
                }
                let (right, wrong) = match check {
                    "Z1" => lab.z1(),
                    "A1" => lab.a1(),
                    "Z2" => lab.z2(),
                    _ => lab.a2(),
                };
                compare(part, &right, &wrong, lang, m)
            }
            "dZ2" | "dW2" | "db2" | "dA1" | "dZ1" | "dW1" | "db1" => {
                let gradients = gradients_of(value);
                let part = gradients.as_ref().and_then(|g| gradient(g, check));
                if part.is_none() && !required {
                    rows.push(row(
                        Status::NotGraded,
                        lang.say("not returned", "non renvoyé"),
                    ));
                    continue;
                }
                if gradients.is_none() {
                    let what = value.map(Returned::describe).unwrap_or_default();
                    rows.push(row(
                        Status::Fail,
                        lang.say(
                            &format!("returned {what}, expected a dict of gradients"),
                            &format!("renvoie {what}, attendu un dict de gradients"),
                        ),
                    ));
                    continue;
                }
                let (right, mut wrong) = match check {
                    "dZ2" => lab.dz2(),
                    "dW2" => lab.dw2(),
                    "db2" => lab.db2(),
                    "dA1" => lab.da1(),
                    "dZ1" => lab.dz1(),
                    "dW1" => lab.dw1(),
                    _ => lab.db1(),
                };
                if let Some(upstream) = upstream_of(check) {
                    let failed = rows
                        .iter()
                        .any(|r| r.check == upstream && r.status == Status::Fail);
                    let theirs = gradients
                        .as_ref()
                        .and_then(|g| gradient(g, upstream))
                        .and_then(Returned::as_array);
                    if let (true, Some(theirs)) = (failed, theirs)
                        && let Some(value) = lab.from_students(check, theirs)
                    {
                        wrong.insert(0, Variant::new(Mistake::FollowsFrom(upstream), value));
                    }
                }
                compare(part, &right, &wrong, lang, m)
            }
            "loss" => {
                let loss = match value {
                    Some(Returned::Sequence(items)) => items.first(),
                    other => other,
                };
                let (right, wrong) = lab.loss();
                match loss.and_then(Returned::as_array) {
                    Some(a) if a.data.len() == 1 => {
                        compare_array(&Array::scalar(a.data[0]), &right, &wrong, lang, m)
                    }
                    _ => compare(loss, &right, &wrong, lang, m),
                }
            }
            "accuracy" => {
                // From `loss_accuracy`: the second item of what it returns.
                let accuracy = if role == "loss" {
                    match value {
                        Some(Returned::Sequence(items)) => items.get(1),
                        _ => None,
                    }
                } else {
                    value
                };
                if accuracy.is_none() && !required {
                    rows.push(row(
                        Status::NotGraded,
                        lang.say("not returned", "non renvoyé"),
                    ));
                    continue;
                }
                accuracy_verdict(accuracy, reference.accuracy, lang)
            }
            "sgd" => sgd_verdict(
                value,
                &answers.inputs.parameters,
                &answers.references[0].gradients,
                answers.eta,
                lang,
                m,
            ),
            "init" => init_verdict(value, &answers.inputs.parameters, convention, lang),
            "softmax" => {
                let rows_right = &answers.elementwise.softmax;
                let inputs = softmax_inputs();
                let wrong = vec![
                    Variant::new(
                        Mistake::SoftmaxWrongAxis,
                        lab.lay(&softmax_rows(&inputs.t()).t()),
                    ),
                    overflow_marker(),
                ];
                compare(value, &lab.lay(rows_right), &wrong, lang, m)
            }
            _ => {
                let e = answers.elementwise;
                let right = match check {
                    "sigmoid" => &e.sigmoid,
                    "relu" => &e.relu,
                    "relu_derivative" => &e.relu_derivative,
                    _ => &e.tanh,
                };
                compare(value, right, &[overflow_marker()], lang, m)
            }
        };
        let mut r = row(
            if verdict.pass {
                Status::Pass
            } else {
                Status::Fail
            },
            verdict.detail,
        );
        r.score = if verdict.pass { points } else { 0 };
        r.largest = verdict.largest;
        r.mistake = verdict.mistake;
        let warnings = step.warnings();
        if !warnings.is_empty() {
            let note = warnings.join("; ");
            r.detail = if r.detail.is_empty() {
                note
            } else {
                format!("{}; {note}", r.detail)
            };
        }
        rows.push(r);
    }
    grade.rows = rows;
    grade
}

/// The harness's role (function kind) for a check.
fn role_of<'a>(check: &'a str, found: &[(String, String)]) -> &'a str {
    match check {
        "Z1" | "A1" | "Z2" | "A2" => "forward",
        "dZ2" | "dW2" | "db2" | "dA1" | "dZ1" | "dW1" | "db1" => "backward",
        // The notebook's accuracy comes from `loss_accuracy` when no function of its own exists.
        "accuracy" if !found.iter().any(|(r, _)| r == "accuracy") => "loss",
        other => other,
    }
}

/// The names the harness looks for, for a message.
fn names_of(role: &str) -> &'static str {
    match role {
        "init" => "initialize_parameters or init_params",
        "forward" => "forward_propagation or forward",
        "backward" => "back_propagation or backward",
        "loss" => "compute_cost, compute_loss or loss_accuracy",
        "accuracy" => "accuracy (or loss_accuracy)",
        "sgd" => "update_parameters or sgd",
        "sigmoid" => "sigmoid",
        "relu" => "relu",
        "relu_derivative" => "relu_derivative",
        "tanh" => "tanh",
        _ => "softmax",
    }
}

/// The quantity a backward check is computed from.
fn upstream_of(check: &str) -> Option<&'static str> {
    match check {
        "dW2" | "db2" | "dA1" => Some("dZ2"),
        "dZ1" => Some("dA1"),
        "dW1" | "db1" => Some("dZ1"),
        _ => None,
    }
}

/// The backward result as a dict of gradients: a dict, a tuple holding one, or a tuple of four
/// arrays in the order dW1, db1, dW2, db2.
fn gradients_of(value: Option<&Returned>) -> Option<Returned> {
    match value? {
        d @ Returned::Dict(_) => Some(d.clone()),
        Returned::Sequence(items) => {
            if let Some(d) = items.iter().find(|i| matches!(i, Returned::Dict(_))) {
                return Some(d.clone());
            }
            (items.len() == 4).then(|| {
                Returned::Dict(
                    ["dW1", "db1", "dW2", "db2"]
                        .iter()
                        .zip(items)
                        .map(|(k, v)| (k.to_string(), v.clone()))
                        .collect(),
                )
            })
        }
        _ => None,
    }
}

/// A gradient by the lab's name (`dW1`), or by its parameter's (`W1`) for dW and db.
fn gradient<'a>(gradients: &'a Returned, check: &str) -> Option<&'a Returned> {
    gradients.get(check).or_else(|| {
        if check.starts_with("dW") || check.starts_with("db") {
            gradients.get(&check[1..])
        } else {
            None
        }
    })
}

/// A variant that matches nothing, so that NaN or inf is named an overflow.
fn overflow_marker() -> Variant {
    Variant::new(Mistake::Overflow, Array::new(vec![0, 0], Vec::new()))
}
