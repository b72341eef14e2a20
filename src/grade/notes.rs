//! What the harness said of loading the student's code (cells skipped, top-level code not
//! run, imports stood in for, definitions that failed), as notes in the report's language.

use serde_json::Value;

use super::mistakes::Lang;

/// What loading the student's code skipped or stood in for, as the grade's notes.
pub fn load_notes(record: &Value, lang: Lang) -> Vec<String> {
    let mut notes = Vec::new();
    let list = |key: &str| record[key].as_array().cloned().unwrap_or_default();
    for cell in list("cells") {
        if cell["status"].as_str() != Some("ok") {
            notes.push(lang.say(
                &format!(
                    "cell {} skipped: {} ({})",
                    cell["index"],
                    cell["status"].as_str().unwrap_or(""),
                    cell["message"].as_str().unwrap_or("")
                ),
                &format!(
                    "cellule {} ignorée : {} ({})",
                    cell["index"],
                    cell["status"].as_str().unwrap_or(""),
                    cell["message"].as_str().unwrap_or("")
                ),
            ));
        }
    }
    let skipped = list("skipped");
    if !skipped.is_empty() {
        // How many of each kind, in the order first seen: "3 assignments, 1 for loop".
        let mut kinds: Vec<(String, usize)> = Vec::new();
        for s in &skipped {
            let what = s["what"].as_str().unwrap_or("").to_string();
            match kinds.iter_mut().find(|(k, _)| *k == what) {
                Some((_, n)) => *n += 1,
                None => kinds.push((what, 1)),
            }
        }
        let kinds: Vec<String> = kinds
            .iter()
            .map(|(k, n)| format!("{n} × {}", statement_kind(k, lang)))
            .collect();
        let first = &skipped[0];
        notes.push(lang.say(
            &format!(
                "top-level code not run (only definitions are graded): {} statements from cell {} line {} ({})",
                skipped.len(), first["cell"], first["line"], kinds.join(", ")
            ),
            &format!(
                "code de premier niveau non exécuté (seules les définitions sont notées) : {} instructions dès la cellule {} ligne {} ({})",
                skipped.len(), first["cell"], first["line"], kinds.join(", ")
            ),
        ));
    }
    for s in list("stubbed") {
        notes.push(lang.say(
            &format!(
                "`{}` stood in for (not available while grading)",
                s["module"].as_str().unwrap_or("")
            ),
            &format!(
                "`{}` remplacé (non disponible pendant la correction)",
                s["module"].as_str().unwrap_or("")
            ),
        ));
    }
    for f in list("failed") {
        notes.push(lang.say(
            &format!(
                "definition at cell {} line {} failed: {}",
                f["cell"],
                f["line"],
                f["error"].as_str().unwrap_or("")
            ),
            &format!(
                "définition en cellule {} ligne {} en échec : {}",
                f["cell"],
                f["line"],
                f["error"].as_str().unwrap_or("")
            ),
        ));
    }
    notes
}

/// A kind of top-level statement the harness skipped, in the report's language.
fn statement_kind(kind: &str, lang: Lang) -> String {
    let fr = match kind {
        "for loop" => "boucle for",
        "while loop" => "boucle while",
        "if block" => "bloc if",
        "with block" => "bloc with",
        "try block" => "bloc try",
        "expression" => "expression",
        "call" => "appel",
        "assignment" => "affectation",
        "del" => "del",
        "return" => "return",
        other => other,
    };
    lang.say(kind, fr)
}
