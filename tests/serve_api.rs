//! `backprop serve` over HTTP: the real server on a free port, every endpoint with good and bad
//! requests (400 naming the field, 409, 413, 404), and a short training run streamed to its end.

mod common;

use common::server::Server;
use serde_json::{Value, json};

fn parse(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

/// A model trained for 2 epochs on 6,000 images (about 67 % on the test set).
fn trained() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::train_into(&dir.path().join("run"));
    dir
}

/// A vertical stroke, as a finger draws a "1": 140×140 grey levels.
fn drawn_one() -> Value {
    let side = 140;
    let mut pixels = vec![0.0f32; side * side];
    for y in 25..115 {
        for x in 64..76 {
            pixels[y * side + x] = 1.0;
        }
    }
    json!({ "width": side, "height": side, "pixels": pixels })
}

#[test]
fn the_page_its_model_and_predictions() {
    let dir = trained();
    let server = Server::start(&dir.path().join("run"), None);
    let (status, page) = server.get("/");
    assert_eq!(status, 200);
    assert!(
        page.contains("<canvas id=\"pad\"") && page.contains("/app.js"),
        "{page}"
    );
    assert_eq!(server.get("/app.js").0, 200);
    assert_eq!(server.get("/style.css").0, 200);

    let (status, body) = server.get("/api/model");
    assert_eq!(status, 200, "{body}");
    let model = parse(&body);
    assert_eq!(model["trained"], true);
    assert_eq!(model["widths"], json!([784, 132, 10]));
    assert_eq!(model["epochs"].as_array().unwrap().len(), 2);

    let (status, body) = server.post("/api/predict", r#"{"test_index": 0}"#);
    assert_eq!(status, 200, "{body}");
    let answer = parse(&body);
    assert_eq!(answer["label"], 7);
    assert_eq!(answer["input"].as_array().unwrap().len(), 784);
    assert_eq!(answer["input_gradient"].as_array().unwrap().len(), 784);
    assert_eq!(answer["hidden"][0].as_array().unwrap().len(), 132);
    let total: f64 = answer["probabilities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_f64().unwrap())
        .sum();
    assert!((total - 1.0).abs() < 1e-4, "softmax sums to {total}");

    let (status, body) = server.post("/api/predict", &drawn_one().to_string());
    assert_eq!(status, 200, "{body}");
    assert_eq!(parse(&body)["predicted"], 1, "a drawn stroke reads as 1");

    // The bounds the page checks its forms against are the API's own.
    let (status, body) = server.get("/api/limits");
    assert_eq!(status, 200, "{body}");
    let limits = parse(&body);
    assert_eq!(limits["train"]["epochs"]["max"], 100_000);
    assert_eq!(limits["train"]["batch_size"]["max"], 65_536);
    assert_eq!(limits["train"]["train_limit"]["max"], 60_000);
    assert_eq!(limits["check"]["batch_size"]["max"], 256);
    assert_eq!(limits["study"]["depth"]["max"], 16);
    let just_over = limits["study"]["width"]["max"].as_u64().unwrap() + 1;
    let (status, _) = server.post("/api/study", &format!(r#"{{"width": {just_over}}}"#));
    assert_eq!(status, 400, "the study's width bound is the one served");

    let (status, body) = server.get("/api/mistakes");
    assert_eq!(status, 200, "{body}");
    let wrong = parse(&body)["indices"].as_array().unwrap().len();
    assert!((1..=200).contains(&wrong), "{wrong} mistakes listed");

    // The confusion matrix: every test image in one cell, and a cell's examples are its own.
    let (status, body) = server.get("/api/confusion");
    assert_eq!(status, 200, "{body}");
    let confusion = parse(&body);
    let counts = confusion["counts"].as_array().unwrap();
    assert_eq!(counts.len(), 10);
    let total: u64 = counts
        .iter()
        .flat_map(|row| row.as_array().unwrap())
        .map(|c| c.as_u64().unwrap())
        .sum();
    assert_eq!(total, 10_000);
    let diagonal: u64 = (0..10).map(|k| counts[k][k].as_u64().unwrap()).sum();
    let accuracy = model["epochs"][1]["test_accuracy"].as_f64().unwrap();
    assert!(
        (diagonal as f64 / 100.0 - accuracy).abs() < 0.011,
        "{diagonal} read right, the run reported {accuracy} %"
    );
    let first_wrong = parse(&server.get("/api/mistakes").1)["indices"][0]
        .as_u64()
        .unwrap();
    let (status, body) = server.post(
        "/api/predict",
        &format!(r#"{{"test_index": {first_wrong}}}"#),
    );
    assert_eq!(status, 200);
    let answer = parse(&body);
    let (truth, guess) = (
        answer["label"].as_u64().unwrap() as usize,
        answer["predicted"].as_u64().unwrap() as usize,
    );
    assert_ne!(truth, guess);
    assert_eq!(
        confusion["examples"][truth][guess][0].as_u64(),
        Some(first_wrong),
        "the cell opens that digit"
    );
}

#[test]
fn bad_requests_get_4xx_and_one_line_naming_the_field() {
    let dir = trained();
    let server = Server::start(&dir.path().join("run"), None);
    // (method, path, body, status, a word the error must contain)
    #[rustfmt::skip]
    let cases: &[(&str, &str, &str, u16, &str)] = &[
        ("POST", "/api/predict", r#"{"test_index": 0, "colour": 1}"#, 400, "colour"),
        ("POST", "/api/predict", "not json", 400, "JSON"),
        ("POST", "/api/predict", r#"{"test_index": "seven"}"#, 400, "test_index"),
        ("POST", "/api/predict", r#"{"test_index": 10000}"#, 400, "test_index"),
        ("POST", "/api/predict", r#"{"width": 2, "height": 2, "pixels": [0]}"#, 400, "pixels"),
        ("POST", "/api/predict", r#"{"width": 1, "height": 1, "pixels": [7]}"#, 400, "pixels"),
        ("POST", "/api/predict", r#"{"width": 9999, "height": 1, "pixels": [0]}"#, 400, "width"),
        ("POST", "/api/predict", r#"{"width": 1, "height": 1, "pixels": [0]}"#, 400, "blank"),
        ("POST", "/api/predict", "{}", 400, "test_index"),
        ("POST", "/api/train", r#"{"batch_size": 0}"#, 400, "batch_size"),
        ("POST", "/api/train", r#"{"hidden": [132, 0]}"#, 400, "hidden"),
        ("POST", "/api/train", r#"{"lr": -1}"#, 400, "lr"),
        ("POST", "/api/train", r#"{"epochs": 100001}"#, 400, "epochs"),
        ("POST", "/api/train", r#"{"activation": "swish"}"#, 400, "swish"),
        ("POST", "/api/train", r#"{"data_dir": "/etc"}"#, 400, "data_dir"),
        ("POST", "/api/train/stop", "{}", 409, "no run"),
        ("POST", "/api/gradcheck", r#"{"batch_size": 100000}"#, 400, "batch_size"),
        ("POST", "/api/gradcheck", r#"{"hidden": [99999]}"#, 400, "hidden"),
        ("POST", "/api/gradcheck", r#"{"hidden": []}"#, 400, "hidden"),
        ("POST", "/api/train", r#"{"hidden": []}"#, 400, "hidden"),
        ("POST", "/api/train", r#"{"batch_size": 65536, "hidden": [1025]}"#, 400, "activations"),
        ("POST", "/api/study", r#"{"depth": 0}"#, 400, "depth"),
        ("POST", "/api/study", r#"{"train_limit": 10}"#, 400, "train_limit"),
        ("GET", "/api/nothing", "", 404, "no such"),
        ("GET", "/api/predict", "", 405, ""),
    ];
    let big = format!("{{\"pixels\": [{}]}}", vec!["0.5"; 2_000_000].join(","));
    let oversized = [("POST", "/api/predict", big.as_str(), 413, "limit")];
    for &(method, path, body, expected, words) in cases.iter().chain(&oversized) {
        let (status, answer) = server.request(method, path, Some(body));
        let short = &body[..body.len().min(80)];
        assert_eq!(status, expected, "{method} {path} {short}: {answer}");
        if !words.is_empty() {
            let error = parse(&answer)["error"].as_str().unwrap().to_string();
            assert!(
                error.contains(words),
                "{path} {short}: '{error}' should name {words}"
            );
            assert!(!error.contains('\n'), "{error}");
        }
    }
    let (status, _) = server.raw("POST", "/api/train", "text/plain", b"{}");
    assert_eq!(status, 415);
    // Still up and answering.
    assert_eq!(server.get("/api/model").0, 200);
}

#[test]
fn a_short_run_streams_to_its_end_and_becomes_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let artifacts = dir.path().join("web-run");
    let server = Server::start(&artifacts, None);
    let (status, body) = server.get("/api/model");
    assert_eq!(
        (status, parse(&body)["trained"].clone()),
        (200, json!(false))
    );
    assert_eq!(server.post("/api/predict", r#"{"test_index": 0}"#).0, 409);

    let settings = r#"{"epochs": 2, "train_limit": 2000, "hidden": [64, 32], "engine": "manual"}"#;
    let (status, body) = server.post("/api/train", settings);
    assert_eq!(status, 202, "{body}");
    let (status, body) = server.post("/api/train", settings);
    assert_eq!(status, 409, "a second run while one runs: {body}");

    let mut events = Vec::new();
    server.follow_events(|event| {
        let end = matches!(event["type"].as_str(), Some("saved" | "failed" | "stopped"));
        events.push(event);
        !end
    });
    let kinds: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(kinds.first(), Some(&"started"), "{kinds:?}");
    assert_eq!(kinds.last(), Some(&"saved"), "{events:?}");
    assert!(kinds.contains(&"progress"));
    let epochs: Vec<&Value> = events.iter().filter(|e| e["type"] == "epoch").collect();
    assert_eq!(epochs.len(), 2);
    for epoch in &epochs {
        let norms = epoch["gradient_norms"]
            .as_array()
            .expect("‖dW_l‖ with the manual engine");
        assert_eq!(norms.len(), 3);
        assert!(norms.iter().all(|n| n.as_f64().unwrap() > 0.0));
    }
    let run = artifacts.join("runs/run-1");
    assert!(run.join("model.bpk").is_file() && run.join("config.json").is_file());
    assert!(
        !artifacts.join("model.bpk").exists(),
        "a page's run has a directory of its own"
    );
    // The page had no model to use: the first finished run becomes it.
    assert_eq!(events.last().unwrap()["in_use"], true);
    let model = parse(&server.get("/api/model").1);
    assert_eq!(model["widths"], json!([784, 64, 32, 10]));
    assert_eq!(server.post("/api/predict", r#"{"test_index": 0}"#).0, 200);
}

#[test]
fn the_gradient_check_and_the_study_from_the_api() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("run"), None);
    let (status, body) = server.post(
        "/api/gradcheck",
        r#"{"activation": "relu", "head": "sigmoid-bce", "batch_size": 16}"#,
    );
    assert_eq!(status, 200, "{body}");
    let report = parse(&body);
    assert_eq!(report["precision"], "f64");
    assert_eq!(
        (report["rows"].clone(), report["failures"].clone()),
        (json!(4), json!(0))
    );
    for row in report["tables"][0]["rows"].as_array().unwrap() {
        assert_eq!(row["ok"], true, "{row}");
        assert!(row["fd_entries"].as_u64().unwrap() > 0, "{row}");
    }
    // While the study runs, its progress is there to poll.
    let address = server.address.clone();
    let watcher = std::thread::spawn(move || {
        let mut seen = Vec::new();
        for _ in 0..200 {
            let mut stream = std::net::TcpStream::connect(&address).unwrap();
            use std::io::{Read, Write};
            write!(
                stream,
                "GET /api/report/progress HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
            )
            .unwrap();
            let mut answer = String::new();
            let _ = stream.read_to_string(&mut answer);
            let body = answer
                .split("\r\n\r\n")
                .nth(1)
                .unwrap_or_default()
                .to_string();
            if body.contains("\"running\":true") && body.contains("\"done\":") {
                seen.push(body);
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        seen
    });
    let (status, body) = server.post(
        "/api/study",
        r#"{"depth": 3, "width": 16, "train_limit": 1000}"#,
    );
    assert_eq!(status, 200, "{body}");
    assert!(
        parse(&body)["tables"]
            .as_str()
            .unwrap()
            .contains("W1/Wlast")
    );
    let (status, _) = server.get("/api/study/figure.png");
    assert_eq!(status, 200);
    let seen = watcher.join().unwrap();
    assert!(!seen.is_empty(), "no progress seen while the study ran");
    assert_eq!(
        parse(&server.get("/api/report/progress").1)["running"],
        false
    );
    let (status, csv) = server.get("/api/study/study-summary.csv");
    assert_eq!(status, 200);
    assert!(csv.lines().count() > 1, "{csv}");
    assert_eq!(server.get("/api/study/study-layers.csv").0, 200);
    assert_eq!(server.get("/api/study/study.txt").0, 404);
}

#[test]
fn a_run_no_page_follows_is_stopped_after_the_idle_time() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with(&dir.path().join("run"), None, &["--idle-stop", "2"]);
    // Endless in practice: 1,000 epochs, never above 100 % accuracy.
    let settings = r#"{"epochs": 1000, "train_limit": 1000, "stop_above": 100}"#;
    assert_eq!(server.post("/api/train", settings).0, 202);
    std::thread::sleep(std::time::Duration::from_secs(6));
    let mut kinds = Vec::new();
    server.follow_events(|event| {
        let kind = event["type"].as_str().unwrap().to_string();
        let end = kind == "stopped";
        kinds.push(kind);
        !end
    });
    assert!(kinds.contains(&"idle".to_string()), "{kinds:?}");
    let epochs = kinds.iter().filter(|k| *k == "epoch").count();
    assert!(
        (1..1000).contains(&epochs),
        "{epochs} epochs before the stop"
    );
    // The slot is free again.
    assert_eq!(server.post("/api/train", settings).0, 202);
    assert_eq!(server.post("/api/train/stop", "{}").0, 200);
}
