//! A grade written out: the terminal table (English or French), Gradescope's `results.json`,
//! and one CSV row per student for a folder.

use serde_json::{Value, json};

use super::grading::{CHECKS, Grade, Row, Status};
use super::lab::Convention;
use super::mistakes::Lang;
use super::verdict::{ATOL, RTOL};
use crate::csv::csv_field;
use crate::model::choice_name;

fn status_word(status: Status, lang: Lang) -> String {
    match status {
        Status::Pass => lang.say("ok", "ok"),
        Status::Fail => lang.say("FAIL", "ÉCHEC"),
        Status::NotGraded => lang.say("-", "-"),
    }
}

/// A row's explanation: the mistake, then the detail (or the largest difference on a pass).
pub fn explanation(row: &Row, lang: Lang, m: usize) -> String {
    let mut parts = Vec::new();
    if let Some(mistake) = &row.mistake {
        parts.push(mistake.describe(lang, m));
    }
    if !row.detail.is_empty() {
        parts.push(row.detail.clone());
    }
    if let (Status::Pass, Some((d, at))) = (row.status, &row.largest) {
        parts.insert(
            0,
            lang.say(
                &format!("max |diff| {} at {at}", lang.number(*d)),
                &format!("|écart| max {} en {at}", lang.number(*d)),
            ),
        );
    }
    parts.join(" — ")
}

/// The convention and model found, in a phrase.
pub fn describe_convention(grade: &Grade, lang: Lang) -> String {
    let convention = match grade.convention {
        Some(Convention::Handout) => lang.say(
            "handout convention (examples in columns: X is 784 × m)",
            "convention de l'énoncé (exemples en colonnes : X est 784 × m)",
        ),
        Some(Convention::Notebook) => lang.say(
            "notebook convention (examples in rows: X is m × 784)",
            "convention du notebook (exemples en lignes : X est m × 784)",
        ),
        None => lang.say("no convention found", "aucune convention trouvée"),
    };
    match grade.model {
        Some((activation, head)) => lang.say(
            &format!(
                "{convention}; hidden {}, output {}",
                activation.name(),
                choice_name(head)
            ),
            &format!(
                "{convention} ; couche cachée {}, sortie {}",
                activation.name(),
                choice_name(head)
            ),
        ),
        None => convention,
    }
}

/// The grade as the terminal shows it.
pub fn table(name: &str, grade: &Grade, lang: Lang, m: usize) -> String {
    let mut out = String::new();
    out.push_str(&lang.say(
        &format!("Grading {name}\n"),
        &format!("Correction de {name}\n"),
    ));
    if let Some(fatal) = &grade.fatal {
        out.push_str(&lang.say(
            &format!("could not grade: {fatal}\n"),
            &format!("correction impossible : {fatal}\n"),
        ));
        for note in &grade.notes {
            out.push_str(&format!("  {note}\n"));
        }
        return out;
    }
    out.push_str(&format!("{}\n", describe_convention(grade, lang)));
    out.push_str(&lang.say(
        &format!(
            "{m} MNIST test images, fixed weights, compared with Burn's autodiff in f64; tolerance |yours − right| ≤ {ATOL:e}·max|right| + {RTOL:e}·|right|{}\n",
            grade.versions.as_ref().map(|v| format!("; {v}")).unwrap_or_default()
        ),
        &format!(
            "{m} images de test MNIST, poids fixés, comparés à l'autodiff de Burn en f64 ; tolérance |le vôtre − juste| ≤ {ATOL:e}·max|juste| + {RTOL:e}·|juste|{}\n",
            grade.versions.as_ref().map(|v| format!(" ; {v}")).unwrap_or_default()
        ),
    ));
    for note in &grade.notes {
        out.push_str(&format!("  {note}\n"));
    }
    let header = lang.say("check", "contrôle");
    let function = lang.say("function", "fonction");
    let result = lang.say("result", "résultat");
    let points = lang.say("points", "points");
    let width = grade
        .rows
        .iter()
        .filter_map(|r| r.function.as_ref().map(|f| f.chars().count()))
        .max()
        .unwrap_or(8)
        .max(function.chars().count());
    out.push_str(&format!(
        "{header:<16} {function:<width$} {result:<8} {points:<6} {}\n",
        lang.say("details", "détails")
    ));
    for row in &grade.rows {
        let fun = row.function.clone().unwrap_or_else(|| "-".to_string());
        let pts = match row.status {
            Status::NotGraded => "-".to_string(),
            _ if row.points == 0 => "info".to_string(),
            _ => format!("{}/{}", row.score, row.points),
        };
        out.push_str(&format!(
            "{:<16} {fun:<width$} {:<8} {pts:<6} {}\n",
            row.check,
            status_word(row.status, lang),
            explanation(row, lang, m)
        ));
    }
    let (score, total) = grade.score();
    out.push_str(&lang.say(
        &format!("Score: {score}/{total}\n"),
        &format!("Note : {score}/{total}\n"),
    ));
    let failed = grade.rows.iter().any(|r| r.status == Status::Fail);
    if failed && !grade.output.trim().is_empty() {
        out.push_str(&lang.say(
            "What your code printed while graded:\n",
            "Ce que votre code a affiché pendant la correction :\n",
        ));
        for line in grade.output.lines().take(20) {
            out.push_str(&format!("  | {line}\n"));
        }
    }
    out
}

/// Gradescope's `results.json`: the score, and one test per check with its points.
pub fn gradescope(name: &str, grade: &Grade, lang: Lang, m: usize) -> Value {
    let (score, total) = grade.score();
    let tests: Vec<Value> = grade
        .rows
        .iter()
        .filter(|r| r.status != Status::NotGraded)
        .map(|r| {
            let mut output = explanation(r, lang, m);
            if let Some(f) = r
                .function
                .as_ref()
                .filter(|f| !output.starts_with(&format!("{f}: ")))
            {
                output = format!("{f}: {output}");
            }
            json!({
                "name": r.check,
                "score": r.score,
                "max_score": r.points,
                "status": if r.status == Status::Pass { "passed" } else { "failed" },
                "output": output,
                "visibility": "visible",
                "tags": r.mistake.iter().map(|m| format!("mistake:{}", m.code())).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut output = describe_convention(grade, lang);
    for note in grade.notes.iter().chain(&grade.problems) {
        output.push('\n');
        output.push_str(note);
    }
    if let Some(fatal) = &grade.fatal {
        output = format!(
            "{}: {fatal}",
            lang.say("could not grade", "correction impossible")
        );
    }
    json!({
        "score": score,
        "max_score": total,
        "output": output,
        "visibility": "visible",
        "tests": tests,
        "extra_data": {"file": name, "convention": grade.convention.map(|c| c.name())},
    })
}

/// The CSV's header: student, score, out of, convention, one column per check, problems.
pub fn csv_header() -> String {
    let mut columns = vec!["student", "score", "max_score", "convention"];
    columns.extend(CHECKS.iter().map(|c| c.0));
    columns.push("problems");
    columns.join(",")
}

/// One student's CSV row: each check `pass`, `fail` or `fail: <mistake>`, empty when not graded.
pub fn csv_row(name: &str, grade: &Grade) -> String {
    let (score, total) = grade.score();
    let mut cells = vec![
        name.to_string(),
        score.to_string(),
        total.to_string(),
        grade
            .convention
            .map(|c| c.name().to_string())
            .unwrap_or_default(),
    ];
    for (check, ..) in CHECKS {
        cells.push(match grade.row(check) {
            Some(r) if r.status == Status::Pass => "pass".to_string(),
            Some(r) if r.status == Status::Fail => match &r.mistake {
                Some(m) => format!("fail: {}", m.code()),
                // No mistake recognised: the start of what the row says.
                None => {
                    let reason: String = r.detail.chars().take(60).collect();
                    if reason.is_empty() {
                        "fail".to_string()
                    } else {
                        format!("fail ({reason})")
                    }
                }
            },
            _ => String::new(),
        });
    }
    let mut problems: Vec<String> = grade.problems.clone();
    if let Some(f) = &grade.fatal {
        problems.insert(0, format!("could not grade: {f}"));
    }
    cells.push(problems.join("; "));
    cells
        .iter()
        .map(|c| csv_field(c))
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_has_a_column_per_check() {
        assert_eq!(csv_header().split(',').count(), 4 + CHECKS.len() + 1);
    }
}
