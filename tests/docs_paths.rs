//! The files README.md and ARCHITECTURE.md point a reader to exist: every `src/…` path in
//! backticks, and every file or folder in ARCHITECTURE.md's module table (relative to `src/`).

use std::path::Path;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The spans between backticks of `text`, with their line numbers.
fn quoted(text: &str) -> Vec<(usize, String)> {
    text.lines()
        .enumerate()
        .flat_map(|(n, line)| {
            line.split('`')
                .skip(1)
                .step_by(2)
                .map(move |span| (n + 1, span.to_string()))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// A named path, without a trailing `…` or `*` and trailing punctuation.
fn clean(span: &str) -> &str {
    span.trim_end_matches(['…', '*', '.', ',', ':']).trim()
}

fn missing_in(document: &str) -> Vec<String> {
    let text = std::fs::read_to_string(Path::new(ROOT).join(document)).unwrap();
    let mut missing = Vec::new();
    for (line, span) in quoted(&text) {
        let path = clean(&span);
        if path.starts_with("src/") && !path.contains(' ') && !Path::new(ROOT).join(path).exists() {
            missing.push(format!("{document}:{line}: `{span}`"));
        }
    }
    missing
}

#[test]
fn every_src_path_the_docs_name_exists() {
    let mut missing = missing_in("README.md");
    missing.extend(missing_in("ARCHITECTURE.md"));
    assert!(missing.is_empty(), "stale paths:\n{}", missing.join("\n"));
}

#[test]
fn every_module_in_the_architecture_table_exists() {
    let text = std::fs::read_to_string(Path::new(ROOT).join("ARCHITECTURE.md")).unwrap();
    let mut named = 0;
    let mut missing = Vec::new();
    for line in text.lines().filter(|l| l.starts_with("| `")) {
        let first_cell = line.split('|').nth(1).unwrap_or_default();
        for (_, span) in quoted(first_cell) {
            let path = clean(&span);
            if !(path.ends_with(".rs") || path.ends_with('/')) {
                continue;
            }
            named += 1;
            if !Path::new(ROOT).join("src").join(path).exists() {
                missing.push(format!("ARCHITECTURE.md: `{span}` (src/{path})"));
            }
        }
    }
    assert!(named > 40, "the table names {named} files");
    assert!(missing.is_empty(), "stale rows:\n{}", missing.join("\n"));
}
