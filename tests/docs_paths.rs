//! The files the documentation points a reader to exist. In README.md, ARCHITECTURE.md and
//! every Markdown file of docs/: every `src/…`, `tests/…`, `benches/…`, `docs/…` or `web/…`
//! path in backticks (relative to the repository), and every relative link or picture,
//! `[text](path)` or `![alt](path)` (relative to the file that holds it). And every file or
//! folder in ARCHITECTURE.md's module table (relative to `src/`).

use std::path::Path;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The folders whose paths the documents name in backticks.
const NAMED_FOLDERS: [&str; 5] = ["src/", "tests/", "benches/", "docs/", "web/"];

/// README.md, ARCHITECTURE.md and the Markdown files of docs/, relative to the repository.
fn documents() -> Vec<String> {
    let mut guides = Vec::new();
    for entry in std::fs::read_dir(Path::new(ROOT).join("docs")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".md") {
            guides.push(format!("docs/{name}"));
        }
    }
    guides.sort();
    let mut documents = vec!["README.md".to_string(), "ARCHITECTURE.md".to_string()];
    documents.extend(guides);
    documents
}

/// The text of a document, by its path in the repository.
fn read(document: &str) -> String {
    std::fs::read_to_string(Path::new(ROOT).join(document)).unwrap()
}

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

/// Whether a span names one file or folder of the repository: it starts with one of
/// [`NAMED_FOLDERS`] and holds no space, wildcard or placeholder (`tests/hostile_*.rs`,
/// `web/lang/<code>.json`).
fn names_a_path(path: &str) -> bool {
    NAMED_FOLDERS.iter().any(|folder| path.starts_with(folder))
        && !path.contains([' ', '*', '<', '{'])
}

/// How many paths `document` names in backticks, and those that do not exist.
fn missing_in(document: &str) -> (usize, Vec<String>) {
    let mut named = 0;
    let mut missing = Vec::new();
    for (line, span) in quoted(&read(document)) {
        let path = clean(&span);
        if !names_a_path(path) {
            continue;
        }
        named += 1;
        if !Path::new(ROOT).join(path).exists() {
            missing.push(format!("{document}:{line}: `{span}`"));
        }
    }
    (named, missing)
}

/// The targets of the links and pictures of `text` (`[text](target)`, `![alt](target)`),
/// with their line numbers.
fn link_targets(text: &str) -> Vec<(usize, String)> {
    let mut targets = Vec::new();
    for (n, line) in text.lines().enumerate() {
        for rest in line.split("](").skip(1) {
            let target = rest.split(')').next().unwrap_or_default();
            targets.push((n + 1, target.to_string()));
        }
    }
    targets
}

/// The file a link target names, without its `#anchor` (and a title after it); `None` for a
/// web address or an anchor in the same document.
fn local_file(target: &str) -> Option<&str> {
    let file = target.split_whitespace().next()?.split('#').next()?;
    let external = ["http://", "https://", "mailto:"]
        .iter()
        .any(|scheme| file.starts_with(scheme));
    (!external && !file.is_empty()).then_some(file)
}

/// How many relative links and pictures `document` holds, and those whose file does not
/// exist (relative to the document's own folder).
fn broken_links_in(document: &str) -> (usize, Vec<String>) {
    let path = Path::new(ROOT).join(document);
    let folder = path.parent().unwrap();
    let mut linked = 0;
    let mut broken = Vec::new();
    for (line, target) in link_targets(&read(document)) {
        let Some(file) = local_file(&target) else {
            continue;
        };
        linked += 1;
        if !folder.join(file).exists() {
            broken.push(format!("{document}:{line}: ({target})"));
        }
    }
    (linked, broken)
}

#[test]
fn every_path_the_docs_name_exists() {
    let mut named = 0;
    let mut missing = Vec::new();
    for document in documents() {
        let (count, stale) = missing_in(&document);
        named += count;
        missing.extend(stale);
    }
    assert!(named > 50, "the docs name {named} paths");
    assert!(missing.is_empty(), "stale paths:\n{}", missing.join("\n"));
}

#[test]
fn every_relative_link_and_picture_in_the_docs_resolves() {
    let mut linked = 0;
    let mut broken = Vec::new();
    for document in documents() {
        let (count, stale) = broken_links_in(&document);
        linked += count;
        broken.extend(stale);
    }
    assert!(linked > 50, "the docs hold {linked} relative links");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn every_module_in_the_architecture_table_exists() {
    let text = read("ARCHITECTURE.md");
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
