//! One build for run and test: every crate that `cargo build --release` compiles gets the same
//! features under `cargo test --release`, so the test build reuses it and compiles only the
//! test targets and the dev-only crates. A dev-dependency that turns on a feature of a shared
//! crate (criterion's itertools once turned on `either/use_std`, under rayon, gemm and every
//! Burn crate) would make the test build compile Burn a second time; Cargo.toml then declares
//! that feature in [dependencies] too.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

/// `crate version` → each set of features it is compiled with (a crate can be compiled twice
/// in one build, for the host's build scripts and for the target), as `cargo tree` resolves
/// them with these edges.
fn features(edges: &str) -> BTreeMap<String, BTreeSet<String>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let output = Command::new(cargo)
        .args([
            "tree",
            "--offline",
            "--prefix",
            "none",
            "--no-dedupe",
            "-e",
            edges,
        ])
        .args(["-f", "{p}|{f}"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo tree -e {edges} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut packages: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Some((package, features)) = line.split_once('|') else {
            continue;
        };
        // `name v1.2.3 (path)` → `name v1.2.3`
        let key: Vec<&str> = package.split_whitespace().take(2).collect();
        packages
            .entry(key.join(" "))
            .or_default()
            .insert(features.trim().to_string());
    }
    packages
}

#[test]
fn the_test_build_gives_every_shared_crate_the_features_of_the_run_build() {
    let run = features("normal,build");
    let test = features("normal,build,dev");
    assert!(run.len() > 100, "cargo tree listed {} crates", run.len());
    let differ: Vec<String> = run
        .iter()
        .filter_map(|(package, features)| {
            let in_test = test.get(package)?;
            (in_test != features).then(|| format!("{package}: run {features:?}, test {in_test:?}"))
        })
        .collect();
    assert!(
        differ.is_empty(),
        "crates compiled twice (add the test build's features to [dependencies]):\n{}",
        differ.join("\n")
    );
}
