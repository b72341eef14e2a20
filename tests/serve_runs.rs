//! A model that is never lost: each run from the page trains into a directory of its own
//! (`runs/run-N`) and leaves the command line's model as it is; the page lists the runs,
//! chooses the model Draw and Backward use, stops and resumes a run, and downloads a run's
//! metrics, curves and weights (which `train --init-from` reads). Real server, real data.

mod common;

use common::server::Server;
use serde_json::{Value, json};

fn parse(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

/// Follows the run's events to its end; returns them.
fn events_to_the_end(server: &Server) -> Vec<Value> {
    let mut events = Vec::new();
    server.follow_events(|event| {
        let end = matches!(event["type"].as_str(), Some("saved" | "failed" | "stopped"));
        events.push(event);
        !end
    });
    events
}

fn runs(server: &Server) -> Vec<Value> {
    let (status, body) = server.get("/api/runs");
    assert_eq!(status, 200, "{body}");
    parse(&body)["runs"].as_array().unwrap().clone()
}

#[test]
fn runs_keep_their_models_and_the_page_chooses_one() {
    let root = tempfile::tempdir().unwrap();
    let artifacts = root.path().join("run");
    common::train_into(&artifacts);
    let cli_model = std::fs::read(artifacts.join("model.bpk")).unwrap();
    let server = Server::start(&artifacts, None);
    assert_eq!(parse(&server.get("/api/model").1)["run"], "artifacts");

    let settings = r#"{"epochs": 1, "train_limit": 1000, "hidden": [32]}"#;
    let (status, body) = server.post("/api/train", settings);
    assert_eq!(
        (status, parse(&body)["run"].clone()),
        (202, json!("run-1")),
        "{body}"
    );
    let events = events_to_the_end(&server);
    let saved = events.last().unwrap();
    assert_eq!(
        (saved["type"].clone(), saved["run"].clone()),
        (json!("saved"), json!("run-1"))
    );
    assert_eq!(
        std::fs::read(artifacts.join("model.bpk")).unwrap(),
        cli_model,
        "the command line's model is untouched"
    );
    // The model in use changes only when its user says so: a finished run is listed, with
    // how it ended, and Draw and Backward keep the command line's model until "Use".
    let model = parse(&server.get("/api/model").1);
    assert_eq!(
        (model["run"].clone(), model["widths"].clone()),
        (json!("artifacts"), json!([784, 132, 10]))
    );
    assert_eq!(saved["cause"], "finished");
    assert_eq!(
        saved["in_use"], false,
        "the command line's model stays in use"
    );
    assert_eq!(saved["end"]["message"], "run-1 finished after epoch 1");

    let listed = runs(&server);
    let names: Vec<&str> = listed.iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["artifacts", "run-1"]);
    assert_eq!(listed[1]["selected"], false);
    assert_eq!(listed[1]["saved"], true);
    assert_eq!(listed[1]["end"]["cause"], "finished");
    assert_eq!(
        server.post("/api/runs/select", r#"{"run": "run-1"}"#).0,
        200
    );
    let model = parse(&server.get("/api/model").1);
    assert_eq!(
        (model["run"].clone(), model["widths"].clone()),
        (json!("run-1"), json!([784, 32, 10]))
    );
    assert_eq!(runs(&server)[1]["selected"], true);
    assert_eq!(listed[1]["settings"]["widths"], json!([784, 32, 10]));
    assert_eq!(listed[1]["epochs"].as_array().unwrap().len(), 1);

    // Back to the command line's model, and to the run again.
    assert_eq!(
        server.post("/api/runs/select", r#"{"run": "artifacts"}"#).0,
        200
    );
    assert_eq!(
        parse(&server.get("/api/model").1)["widths"],
        json!([784, 132, 10])
    );
    let (status, body) = server.post("/api/backward", r#"{"test_index": 0}"#);
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        parse(&body)["layers"][0]["units"],
        132,
        "Backward uses the chosen model"
    );
    assert_eq!(
        server.post("/api/runs/select", r#"{"run": "run-1"}"#).0,
        200
    );
    assert_eq!(
        parse(&server.get("/api/model").1)["widths"],
        json!([784, 32, 10])
    );

    // Downloads: metrics, curves, and weights that `train --init-from` reads.
    let (status, csv) = server.get("/api/runs/run-1/metrics.csv");
    assert_eq!(status, 200);
    assert!(csv.starts_with("epoch,"), "{csv}");
    let (status, png) = server.get("/api/runs/run-1/curves.png");
    assert_eq!(status, 200);
    assert!(png.contains("PNG"));
    let weights = root.path().join("weights.safetensors");
    let mut stream = server.connect();
    use std::io::{Read, Write};
    write!(
        stream,
        "GET /api/runs/run-1/model.safetensors HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        server.address
    )
    .unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let split = response.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    assert!(String::from_utf8_lossy(&response[..split]).contains("200 OK"));
    std::fs::write(&weights, &response[split..]).unwrap();
    let again = root.path().join("again");
    common::ok(&[
        "train",
        "--hidden",
        "32",
        "--epochs",
        "1",
        "--train-limit",
        "500",
        "--init-from",
        weights.to_str().unwrap(),
        "--artifact-dir",
        again.to_str().unwrap(),
    ]);

    // Refused: names that are not runs, runs that are not there, files that are not served.
    #[rustfmt::skip]
    let cases: &[(&str, &str, &str, u16)] = &[
        ("POST", "/api/runs/select", r#"{"run": "../etc"}"#, 400),
        ("POST", "/api/runs/select", r#"{"run": "run-"}"#, 400),
        ("POST", "/api/runs/select", r#"{"run": "run-99"}"#, 404),
        ("POST", "/api/runs/select", r#"{"run": 1}"#, 400),
        ("POST", "/api/runs/select", r#"{"name": "run-1"}"#, 400),
        ("POST", "/api/train/resume", r#"{"run": "run-1"}"#, 409),
        ("POST", "/api/train/resume", r#"{"run": "run-7"}"#, 404),
        ("POST", "/api/train/resume", r#"{"run": "artifacts"}"#, 400),
        ("GET", "/api/runs/run-1/config.json", "", 404),
        ("GET", "/api/runs/..%2Fetc/metrics.csv", "", 400),
        ("GET", "/api/runs/run-9/metrics.csv", "", 404),
    ];
    for &(method, path, body, expected) in cases {
        let (status, answer) = server.request(method, path, Some(body));
        assert_eq!(status, expected, "{method} {path} {body}: {answer}");
        assert!(!parse(&answer)["error"].as_str().unwrap().contains('\n'));
    }
}

#[test]
fn a_stopped_run_resumes_to_its_end() {
    let root = tempfile::tempdir().unwrap();
    let artifacts = root.path().join("run");
    let server = Server::start(&artifacts, None);
    // Whole epochs of 60,000 images: long enough that the stop lands inside epoch 2.
    let settings = r#"{"epochs": 3, "engine": "manual"}"#;
    assert_eq!(server.post("/api/train", settings).0, 202);
    let mut stopped = None;
    server.follow_events(|event| {
        if event["type"] == "epoch" && event["epoch"] == 1 {
            assert_eq!(server.post("/api/train/stop", "{}").0, 200);
        }
        let end = matches!(event["type"].as_str(), Some("saved" | "failed" | "stopped"));
        if end {
            stopped = Some(event);
        }
        !end
    });
    let stopped = stopped.unwrap();
    assert_eq!(stopped["type"], "stopped", "{stopped}");
    assert_eq!(stopped["cause"], "stopped", "{stopped}");
    assert!(
        stopped["end"]["message"]
            .as_str()
            .unwrap()
            .starts_with("stopped by its user; run-1 keeps epoch"),
        "{stopped}"
    );
    let epoch = stopped["epoch"].as_u64().unwrap();
    assert!((1..3).contains(&epoch), "{stopped}");
    assert!(
        stopped["message"].as_str().unwrap().contains("resumed"),
        "{stopped}"
    );
    let listed = runs(&server);
    let run = listed
        .iter()
        .find(|r| r["name"] == "run-1")
        .expect("run-1 listed");
    assert_eq!(
        (run["saved"].clone(), run["resumable"].clone()),
        (json!(false), json!(true))
    );
    assert_eq!(
        server.post("/api/runs/select", r#"{"run": "run-1"}"#).0,
        409,
        "no model to use yet"
    );

    let (status, body) = server.post("/api/train/resume", r#"{"run": "run-1"}"#);
    assert_eq!(status, 202, "{body}");
    assert_eq!(parse(&body)["from_epoch"], epoch + 1);
    let events = events_to_the_end(&server);
    assert_eq!(events[0]["first_epoch"], epoch + 1, "{:?}", events[0]);
    assert_eq!(
        events.last().unwrap()["type"],
        "saved",
        "{:?}",
        events.last()
    );
    let run = runs(&server)
        .into_iter()
        .find(|r| r["name"] == "run-1")
        .unwrap();
    assert_eq!(run["saved"], true);
    assert_eq!(run["epochs"].as_array().unwrap().len(), 3);
    assert_eq!(run["end"]["cause"], "finished", "the resumed run's own end");
    // This page had no model to use: its first finished run became it.
    assert_eq!(events.last().unwrap()["in_use"], true);
    assert_eq!(parse(&server.get("/api/model").1)["run"], "run-1");
}

/// Starts `serve` with its log (stderr) read into a channel, line by line.
fn server_with_log(
    artifacts: &std::path::Path,
    flags: &[&str],
) -> (Server, std::sync::mpsc::Receiver<String>) {
    use std::io::BufRead;
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_backprop"));
    command
        .args(["serve", "--port", "0", "--artifact-dir"])
        .arg(artifacts)
        .args(flags)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let (server, stderr) = Server::from_command(command);
    let stderr = stderr.expect("stderr is piped");
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let _ = sender.send(line);
        }
    });
    (server, receiver)
}

/// The server log's line for `run`'s end (within 30 s).
fn log_line(log: &std::sync::mpsc::Receiver<String>, run: &str) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
        match log.recv_timeout(left) {
            Ok(line) if line.starts_with(&format!("{run}: ")) => return line,
            Ok(_) => continue,
            Err(_) => break,
        }
    }
    panic!("no log line for {run}");
}

#[test]
fn every_end_of_a_run_says_its_cause_in_the_events_the_runs_and_the_log() {
    let root = tempfile::tempdir().unwrap();
    let (server, log) = server_with_log(&root.path().join("run"), &["--idle-stop", "2"]);

    // Finished.
    let settings = r#"{"epochs": 1, "train_limit": 500, "hidden": [16]}"#;
    assert_eq!(server.post("/api/train", settings).0, 202);
    let end = events_to_the_end(&server).pop().unwrap();
    assert_eq!(
        (end["type"].clone(), end["cause"].clone()),
        (json!("saved"), json!("finished"))
    );
    assert_eq!(
        log_line(&log, "run-1"),
        "run-1: run-1 finished after epoch 1"
    );

    // Diverged: the "exploding" preset's settings (η = 1 on a deep ReLU network).
    let exploding = r#"{"hidden": [132, 132, 132], "activation": "relu", "lr": 1, "epochs": 2, "train_limit": 5000}"#;
    assert_eq!(server.post("/api/train", exploding).0, 202);
    let end = events_to_the_end(&server).pop().unwrap();
    assert_eq!(
        (end["type"].clone(), end["cause"].clone()),
        (json!("failed"), json!("diverged")),
        "{end}"
    );
    let at = &end["end"]["diverged_at"];
    assert!(
        at["epoch"].as_u64().unwrap() >= 1 && at["step"].as_u64().unwrap() >= 1,
        "{end}"
    );
    assert!(log_line(&log, "run-2").starts_with("run-2: diverged at epoch "));

    // Stopped because no page followed it: nobody follows the events for 2 s. Hundreds of
    // short epochs go by (thousands of events): a page that comes back after the end still
    // gets the end (the history always keeps it).
    let endless = r#"{"epochs": 1000, "train_limit": 1000, "stop_above": 100, "hidden": [16]}"#;
    assert_eq!(server.post("/api/train", endless).0, 202);
    let line = log_line(&log, "run-3");
    assert!(
        line.starts_with("run-3: stopped because no page followed it for 2 s; run-3 keeps epoch"),
        "{line}"
    );
    let end = events_to_the_end(&server).pop().unwrap();
    assert_eq!(end["cause"], "idle", "{end}");

    // Stopped by its user.
    assert_eq!(server.post("/api/train", endless).0, 202);
    let mut end = None;
    server.follow_events(|event| {
        if event["type"] == "epoch" {
            assert_eq!(server.post("/api/train/stop", "{}").0, 200);
        }
        let last = matches!(event["type"].as_str(), Some("saved" | "failed" | "stopped"));
        if last {
            end = Some(event);
        }
        !last
    });
    let end = end.unwrap();
    assert_eq!(end["cause"], "stopped", "{end}");
    assert!(log_line(&log, "run-4").starts_with("run-4: stopped by its user; run-4 keeps epoch"));

    // Failed: the run's directory is replaced by a file while it trains, so that its next
    // checkpoint cannot be written.
    assert_eq!(server.post("/api/train", endless).0, 202);
    let run_dir = root.path().join("run/runs/run-5");
    let mut end = None;
    server.follow_events(|event| {
        if event["type"] == "epoch" && run_dir.is_dir() {
            // Moved away in one step (the server may be writing into it), a file in its place.
            std::fs::rename(&run_dir, run_dir.with_extension("moved")).unwrap();
            std::fs::write(&run_dir, "not a directory").unwrap();
        }
        let last = matches!(event["type"].as_str(), Some("saved" | "failed" | "stopped"));
        if last {
            end = Some(event);
        }
        !last
    });
    let end = end.unwrap();
    assert_eq!(end["cause"], "failed", "{end}");
    assert!(
        end["end"]["error"].as_str().unwrap().contains("run-5"),
        "{end}"
    );
    assert!(log_line(&log, "run-5").starts_with("run-5: failed: "));
    std::fs::remove_file(&run_dir).unwrap();
    std::fs::remove_dir_all(run_dir.with_extension("moved")).unwrap();

    // The runs table says each one, after the fact (kept in end.json).
    let causes: Vec<Value> = runs(&server)
        .iter()
        .skip_while(|r| r["name"] == "artifacts")
        .map(|r| r["end"]["cause"].clone())
        .collect();
    assert_eq!(
        causes,
        [
            json!("finished"),
            json!("diverged"),
            json!("idle"),
            json!("stopped")
        ]
    );
}
