//! Embeds the page's catalogues: every `web/lang/<code>.json` becomes a language of the page
//! (`LANGUAGES` in `$OUT_DIR/languages.rs`, read by `serve::assets`), so that adding a
//! language is adding one file.

use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=web/lang");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("web/lang");
    let mut languages: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("web/lang is readable")
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let code = path.file_stem()?.to_str()?.to_string();
            (path.extension()? == "json").then(|| (code, path.display().to_string()))
        })
        .collect();
    languages.sort();
    let entries: String = languages
        .iter()
        .map(|(code, path)| format!("    ({code:?}, include_str!({path:?})),\n"))
        .collect();
    let source = format!(
        "/// Each language of the page: its code and its catalogue (JSON), by code.\n\
         pub const LANGUAGES: &[(&str, &str)] = &[\n{entries}];\n"
    );
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR is set")).join("languages.rs");
    std::fs::write(out, source).expect("OUT_DIR is writable");
}
