//! The limits of a class server (`serve --class`), enforced and not only advertised: sessions,
//! requests a second, event streams, the class's bounds on a run, the memory budget; HTTPS with
//! Secure cookies; bad flags; and a small simulated class (`benches/class_load.mjs`). Real
//! server, real data, real sessions.

mod common;

use std::time::Duration;

use common::class::{ClassServer, runs, short_run};
use serde_json::Value;

#[test]
fn the_class_limits_are_enforced() {
    let dir = tempfile::tempdir().unwrap();
    let flags = [
        "--max-sessions",
        "2",
        "--session-rate",
        "2",
        "--max-streams",
        "1",
        "--class-max-epochs",
        "3",
        "--class-max-train-images",
        "5000",
    ];
    let class = ClassServer::start(dir.path(), &flags);
    let student = class.student();
    let _other = class.student();
    assert_eq!(
        class.open(&class.student_link).err().map(|e| e.0),
        Some(429)
    );

    // The forms' bounds are the class's, and the server holds to them.
    let limits = student.json("GET", "/api/limits", "");
    assert_eq!(limits["train"]["epochs"]["max"], 3, "{limits}");
    assert_eq!(limits["train"]["train_limit"]["max"], 5000);
    for (body, field) in [
        (r#"{"epochs": 4}"#, "epochs"),
        (r#"{"train_limit": 6000}"#, "train_limit"),
        (r#"{"batch_size": 65536, "hidden": [1024]}"#, "batch_size"),
    ] {
        std::thread::sleep(Duration::from_millis(600));
        let (status, answer) = student.post("/api/train", body);
        assert_eq!(status, 400, "{body}: {answer}");
        assert!(answer.contains(field), "{answer}");
    }

    // A burst past the session's rate is refused (429), then the rate refills.
    std::thread::sleep(Duration::from_secs(3));
    let statuses: Vec<u16> = (0..10).map(|_| student.get("/api/session").0).collect();
    assert!(
        statuses.contains(&429) && statuses[0] == 200,
        "{statuses:?}"
    );
    std::thread::sleep(Duration::from_secs(3));

    // One event stream per session here: a second one is refused while the first is open.
    let mut first = class.server.connect();
    use std::io::{Read, Write};
    write!(
        first,
        "GET /api/train/events HTTP/1.1\r\nHost: {}\r\nCookie: {}\r\n\r\n",
        class.server.address, student.cookie
    )
    .unwrap();
    let mut head = [0u8; 12];
    first.read_exact(&mut head).unwrap();
    assert_eq!(&head, b"HTTP/1.1 200");
    let (status, body) = student.get("/api/train/events");
    assert_eq!(status, 429, "{body}");
    drop(first);
}

#[test]
fn https_serves_the_class_with_secure_cookies_and_refuses_plain_http() {
    if std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("SKIPPED the HTTPS test: node not found (its client speaks TLS here)");
        return;
    }
    let tls = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tls");
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (tls.join("cert.pem"), tls.join("key.pem"));
    let class = ClassServer::start(
        dir.path(),
        &[
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
    );
    assert!(
        class.banner.contains("Student link: https://"),
        "{}",
        class.banner
    );
    // Node's HTTPS client, trusting the test's certificate: join, then the API with the cookie.
    let script = r#"
const https = require("https");
const [address, link, ca] = process.argv.slice(1);
const [host, port] = address.split(":");
const get = (path, cookie) => new Promise((done, fail) => {
  https.get({ host, port, path, ca: require("fs").readFileSync(ca), servername: "localhost",
    headers: cookie ? { Cookie: cookie } : {} }, (res) => {
    let body = ""; res.on("data", (d) => body += d); res.on("end", () => done({ res, body }));
  }).on("error", fail);
});
(async () => {
  const joined = await get(link);
  const cookie = joined.res.headers["set-cookie"][0];
  const session = await get("/api/session", cookie.split(";")[0]);
  console.log(JSON.stringify({ status: joined.res.statusCode, cookie, session: session.body }));
})().catch((e) => { console.error(e.message); process.exit(1); });
"#;
    let output = std::process::Command::new("node")
        .args(["-e", script])
        .arg(&class.server.address)
        .arg(&class.student_link)
        .arg(&cert)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let answer: Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(answer["status"], 303, "{answer}");
    let cookie = answer["cookie"].as_str().unwrap();
    assert!(
        cookie.contains("; Secure") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    assert!(
        answer["session"]
            .as_str()
            .unwrap()
            .contains("\"role\":\"student\"")
    );
    // Plain HTTP to the HTTPS port gets no answer: the connection is closed.
    let (status, _) = class.server.get("/api/session");
    assert_eq!(status, 0, "plain HTTP answered");
}

#[test]
fn bad_class_and_tls_flags_get_one_line_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let tls = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tls");
    let (cert, key) = (
        tls.join("cert.pem").display().to_string(),
        tls.join("key.pem").display().to_string(),
    );
    let serve = |flags: &[&str]| {
        let mut args = vec!["serve", "--port", "0", "--artifact-dir", out];
        args.extend_from_slice(flags);
        args.into_iter().map(str::to_string).collect::<Vec<_>>()
    };
    for (flags, words) in [
        (vec!["--workers", "2"], "--workers: only with --class"),
        (vec!["--new-links"], "--new-links: only with --class"),
        (
            vec!["--class", "--workers", "0"],
            "--workers: must be between 1 and 256",
        ),
        (vec!["--class", "--max-sessions", "0"], "--max-sessions"),
        (vec!["--class", "--session-rate", "5000"], "--session-rate"),
        (
            vec!["--class", "--memory-budget-mb", "1"],
            "--memory-budget-mb",
        ),
        (
            vec!["--class", "--class-max-epochs", "0"],
            "--class-max-epochs",
        ),
        (
            vec!["--class", "--class-max-activations", "10"],
            "--class-max-activations",
        ),
        (
            vec!["--class", "--public-url", "lab.school.example"],
            "--public-url",
        ),
        (
            vec!["--tls-cert", "/nonexistent.pem", "--tls-key", &key],
            "--tls-cert",
        ),
        (vec!["--tls-cert", &key, "--tls-key", &key], "--tls-cert"),
        (vec!["--tls-cert", &cert, "--tls-key", &cert], "--tls-key"),
    ] {
        let args = serve(&flags);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        common::fails(&args, words);
    }
}

#[test]
fn a_small_simulated_class_is_served_without_an_error_or_a_lost_run() {
    if std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("SKIPPED the simulated class: node not found");
        return;
    }
    // benches/class_load.mjs, small: 4 students joining over 3 s, each a short run.
    let harness = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/class_load.mjs");
    let output = std::process::Command::new("node")
        .arg(harness)
        .args(["--binary", env!("CARGO_BIN_EXE_backprop")])
        .args(["--students", "4", "--spread", "3", "--workers", "1"])
        .args(["--epochs", "1", "--train-limit", "3000", "--hidden", "32"])
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&output.stdout);
    eprintln!("{report}{}", String::from_utf8_lossy(&output.stderr));
    assert!(
        output.status.success(),
        "the simulated class failed:\n{report}"
    );
    assert!(
        report.contains("5xx 0") && report.contains("finished 4"),
        "{report}"
    );
}

#[test]
fn past_the_memory_budget_a_new_run_is_refused_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    // The server alone holds more than 64 MB (MNIST, staged once): no run fits.
    let class = ClassServer::start(dir.path(), &["--memory-budget-mb", "64"]);
    let student = class.student();
    let (status, body) = student.post("/api/train", &short_run(1000));
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("--memory-budget-mb"), "{body}");
    // Nothing was started or queued, and the rest of the page still answers.
    assert!(runs(&student).is_empty());
    assert_eq!(student.get("/api/limits").0, 200);
    let teacher = class.teacher();
    let view = teacher.json("GET", "/api/class", "");
    assert_eq!(
        (view["training"].clone(), view["queued"].clone()),
        (0.into(), 0.into())
    );
}
