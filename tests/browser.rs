//! The page in a real browser: Debian's headless Chromium, driven by playwright-core
//! (`tests/browser/page.mjs` in English, then `tests/browser/french.mjs` in French), against
//! the real server. Needs `/usr/bin/chromium` and
//! `npm ci` in `tests/browser`; without them the test says SKIPPED with the reason, unless
//! `BACKPROP_REQUIRE_BROWSER=1` (as `.ci/run` sets after installing both) makes it fail.

mod common;

use std::path::Path;
use std::process::Command;

use common::server::Server;

fn missing() -> Option<String> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    if !Path::new(&chromium).exists() {
        return Some(format!("{chromium} not found (Debian package chromium)"));
    }
    if !here.join("node_modules/playwright-core").is_dir() {
        return Some("playwright-core not installed (npm ci in tests/browser)".into());
    }
    if Command::new("node").arg("--version").output().is_err() {
        return Some("node not found".into());
    }
    None
}

#[test]
fn draw_walk_backward_train_and_check_in_headless_chromium_in_english_and_french() {
    if let Some(reason) = missing() {
        assert!(
            std::env::var_os("BACKPROP_REQUIRE_BROWSER").is_none(),
            "BACKPROP_REQUIRE_BROWSER is set, but {reason}"
        );
        eprintln!("SKIPPED the browser test: {reason}");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let artifacts = dir.path().join("run");
    common::train_into(&artifacts);
    let server = Server::start(&artifacts, None);
    let screenshots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&screenshots).unwrap();
    // The English walk, then the French one (the same server: one heavy browser at a time).
    for (script, pictures) in [
        (
            "page.mjs",
            &["serve.png", "backward.png", "units.png", "phone.png"][..],
        ),
        ("french.mjs", &["serve-fr.png", "backward-fr.png"][..]),
    ] {
        let output = Command::new("node")
            .arg(
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("tests/browser")
                    .join(script),
            )
            .arg(format!("{}/", server.url()))
            .arg(&screenshots)
            .output()
            .expect("node runs");
        let log = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        eprintln!("{script}:\n{log}");
        assert!(output.status.success(), "{script} failed:\n{log}");
        for name in pictures {
            let size = std::fs::metadata(screenshots.join(name)).map_or(0, |m| m.len());
            assert!(size > 10_000, "{name}: {size} bytes");
        }
    }
}
