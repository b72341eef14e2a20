//! The page in a real browser: Debian's headless Chromium, driven by playwright-core
//! (`tests/browser/page.mjs` in English, then `tests/browser/french.mjs` in French), against
//! the real server; and a class (`tests/browser/class.mjs`: two students and their teacher)
//! against a real `serve --class`. Needs `/usr/bin/chromium` and
//! `npm ci` in `tests/browser`; without them the test says SKIPPED with the reason, unless
//! `BACKPROP_REQUIRE_BROWSER=1` (as `.ci/run` sets after installing both) makes it fail.

mod common;

use std::path::Path;
use std::process::Command;

use common::class::ClassServer;
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

/// Whether the browser tests can run here (a SKIPPED line when not; a failure when
/// `BACKPROP_REQUIRE_BROWSER` is set).
fn browser_here() -> bool {
    if let Some(reason) = missing() {
        assert!(
            std::env::var_os("BACKPROP_REQUIRE_BROWSER").is_none(),
            "BACKPROP_REQUIRE_BROWSER is set, but {reason}"
        );
        eprintln!("SKIPPED the browser test: {reason}");
        return false;
    }
    true
}

/// Runs `node tests/browser/<script> <arguments>`; fails with its log unless it succeeds, and
/// unless each of `pictures` was saved in `screenshots`.
fn run_script(script: &str, arguments: &[String], screenshots: &Path, pictures: &[&str]) {
    let output = Command::new("node")
        .arg(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/browser")
                .join(script),
        )
        .args(arguments)
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

/// One heavy browser at a time (two cores): each test holds this while it runs.
static ONE_BROWSER: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn screenshots() -> std::path::PathBuf {
    let screenshots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&screenshots).unwrap();
    screenshots
}

#[test]
fn a_class_two_students_and_their_teacher_in_headless_chromium() {
    if !browser_here() {
        return;
    }
    let _one = ONE_BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let class = ClassServer::start(dir.path(), &["--workers", "1"]);
    let url = class.server.url();
    let screenshots = screenshots();
    run_script(
        "class.mjs",
        &[
            format!("{url}/"),
            format!("{url}{}", class.student_link),
            format!("{url}{}", class.teacher_link),
            screenshots.display().to_string(),
        ],
        &screenshots,
        &["class.png", "class-phone.png", "queued.png"],
    );
}

#[test]
fn draw_walk_backward_train_and_check_in_headless_chromium_in_english_and_french() {
    if !browser_here() {
        return;
    }
    let _one = ONE_BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let artifacts = dir.path().join("run");
    common::train_into(&artifacts);
    let server = Server::start(&artifacts, None);
    let screenshots = screenshots();
    // The English walk, then the French one (the same server: one heavy browser at a time).
    for (script, pictures) in [
        (
            "page.mjs",
            &["serve.png", "backward.png", "units.png", "phone.png"][..],
        ),
        ("french.mjs", &["serve-fr.png", "backward-fr.png"][..]),
    ] {
        run_script(
            script,
            &[
                format!("{}/", server.url()),
                screenshots.display().to_string(),
            ],
            &screenshots,
            pictures,
        );
    }
}
