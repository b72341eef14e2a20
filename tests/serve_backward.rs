//! `POST /api/backward` over HTTP, on real MNIST models of every activation × head and a
//! two-hidden-layer one: each layer's Z, A, δ, dW and db agree with an independent computation
//! from the `export`ed weights (the lab's equations written out below, in f64) and with Burn's
//! autodiff, within the f32 tolerance of GUIDE §4; one SGD step lowers the example's loss; bad
//! requests get 400 naming the field. Also the units endpoints, live during a run of each engine.

mod common;

use std::path::Path;

use common::lab::{exported, lab_equations};
use common::server::Server;
use serde_json::{Value, json};

fn parse(body: &str) -> Value {
    serde_json::from_str(body)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", &body[..body.len().min(300)]))
}

/// The f32 criterion |a − b| ≤ 1e-5 + 1e-4·|b|.
fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-5 + 1e-4 * b.abs()
}

fn numbers(value: &Value) -> Vec<f64> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {value}"))
        .iter()
        .flat_map(|v| match v.as_array() {
            Some(row) => row.iter().map(|x| x.as_f64().unwrap()).collect(),
            None => vec![v.as_f64().unwrap()],
        })
        .collect()
}

/// Asserts that `got` (from the server) and `want` (computed here) agree entry by entry.
fn agree(what: &str, got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "{what}: sizes");
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        assert!(close(g, w), "{what}[{i}]: server {g}, lab equations {w}");
    }
}

/// Trains a quick model of `settings` into `dir` (1 epoch on 2,000 images).
fn quick_model(dir: &Path, settings: &[&str]) {
    let mut args = vec![
        "train",
        "--epochs",
        "1",
        "--train-limit",
        "2000",
        "--artifact-dir",
        dir.to_str().unwrap(),
    ];
    args.extend_from_slice(settings);
    common::ok(&args);
}

fn check_model(activation: &str, head: &str, hidden: &str) {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("run");
    quick_model(
        &dir,
        &[
            "--activation",
            activation,
            "--head",
            head,
            "--hidden",
            hidden,
        ],
    );
    let layers = exported(&dir);
    let server = Server::start(&dir, None);
    let (status, body) = server.post("/api/backward", r#"{"test_index": 3}"#);
    assert_eq!(status, 200, "{body}");
    let answer = parse(&body);
    let label = answer["label"].as_u64().unwrap() as usize;
    let (status, predicted) = server.post("/api/predict", r#"{"test_index": 3}"#);
    assert_eq!(status, 200);
    assert_eq!(
        parse(&predicted)["label"],
        json!(label),
        "a test image's own label by default"
    );
    assert_eq!(answer["lr"], json!(0.05), "the saved model's η by default");
    let x = numbers(&answer["input"]);
    assert_eq!(x.len(), 784);
    let target = numbers(&answer["target"]);
    assert_eq!(target.iter().sum::<f64>(), 1.0);
    assert_eq!(target[label], 1.0);

    let want = lab_equations(&layers, &x, label, activation, head);
    let what = format!("{activation}, {head}, hidden {hidden}");
    assert!(
        close(answer["loss"].as_f64().unwrap(), want.loss),
        "{what}: loss {} vs {}",
        answer["loss"],
        want.loss
    );
    let got_layers = answer["layers"].as_array().unwrap();
    assert_eq!(got_layers.len(), layers.len(), "{what}");
    for (l, got) in got_layers.iter().enumerate() {
        let name = format!("{what}, layer {}", l + 1);
        agree(&format!("{name} z"), &numbers(&got["z"]), &want.z[l]);
        agree(&format!("{name} a"), &numbers(&got["a"]), &want.a[l]);
        agree(
            &format!("{name} delta"),
            &numbers(&got["delta"]),
            &want.delta[l],
        );
        agree(&format!("{name} dW"), &numbers(&got["dW"]), &want.dw[l]);
        agree(&format!("{name} db"), &numbers(&got["db"]), &want.delta[l]);
        agree(
            &format!("{name} autodiff dW"),
            &numbers(&got["autodiff"]["dW"]),
            &want.dw[l],
        );
        agree(
            &format!("{name} autodiff db"),
            &numbers(&got["autodiff"]["db"]),
            &want.delta[l],
        );
        assert_eq!(
            got["dW"].as_array().unwrap().len(),
            layers[l].n,
            "{name}: rows are units"
        );
        assert_eq!(
            got["dW"][0].as_array().unwrap().len(),
            layers[l].n_prev,
            "{name}"
        );
        assert_eq!(got["within_tolerance"], true, "{name}");
        let apart = got["autodiff_max_abs_diff"].as_f64().unwrap();
        assert!(
            (0.0..1e-5).contains(&apart),
            "{name}: manual − autodiff {apart}"
        );
        let is_output = l + 1 == layers.len();
        assert_eq!(got["derivative"].is_null(), is_output, "{name}");
    }
    // The output layer's δ is Ŷ − Y: negative for the true class, positive elsewhere.
    let delta_out = numbers(&got_layers.last().unwrap()["delta"]);
    assert!(
        delta_out[label] < 0.0
            && delta_out
                .iter()
                .enumerate()
                .all(|(k, &d)| k == label || d > 0.0),
        "{what}: {delta_out:?}"
    );

    // A small step on the example alone lowers its loss.
    let (status, body) = server.post("/api/backward", r#"{"test_index": 3, "lr": 0.001}"#);
    assert_eq!(status, 200, "{body}");
    let small = parse(&body);
    assert!(
        small["loss_after_step"].as_f64().unwrap() < small["loss"].as_f64().unwrap(),
        "{what}: {} → {}",
        small["loss"],
        small["loss_after_step"]
    );
}

#[test]
fn every_activation_and_head_agrees_with_the_lab_equations_and_autodiff() {
    for activation in ["tanh", "sigmoid", "relu"] {
        for head in ["softmax-ce", "sigmoid-bce"] {
            check_model(activation, head, "32");
        }
    }
}

#[test]
fn two_hidden_layers_agree_too_and_bad_requests_get_400() {
    check_model("tanh", "softmax-ce", "64,32");

    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("run");
    quick_model(&dir, &[]);
    let server = Server::start(&dir, None);
    // A drawn "1" with its label, and with another label: δ_L changes sign with the class.
    let side = 140;
    let mut pixels = vec![0.0f32; side * side];
    for y in 25..115 {
        for x in 64..76 {
            pixels[y * side + x] = 1.0;
        }
    }
    let drawing = json!({ "width": side, "height": side, "pixels": pixels, "label": 1 });
    let (status, body) = server.post("/api/backward", &drawing.to_string());
    assert_eq!(status, 200, "{body}");
    let answer = parse(&body);
    assert_eq!(answer["index"], Value::Null);
    assert_eq!(answer["label"], 1);
    assert_eq!(answer["layers"][0]["W"].as_array().unwrap().len(), 132);

    let drawn =
        |extra: &str| format!(r#"{{"width": 2, "height": 2, "pixels": [0, 1, 1, 0]{extra}}}"#);
    let no_label = drawn("");
    let label_10 = drawn(r#", "label": 10"#);
    let negative_label = drawn(r#", "label": -1"#);
    #[rustfmt::skip]
    let cases: Vec<(&str, &str)> = vec![
        (&no_label, "label"),
        (&label_10, "label"),
        (&negative_label, "label"),
        (r#"{"test_index": 0, "label": "seven"}"#, "label"),
        (r#"{"test_index": 0, "lr": -1}"#, "lr"),
        (r#"{"test_index": 0, "lr": 0}"#, "lr"),
        (r#"{"test_index": 0, "lr": "fast"}"#, "lr"),
        (r#"{"test_index": 0, "colour": 1}"#, "colour"),
        ("not json", "JSON"),
        (r#"{"test_index": "seven"}"#, "test_index"),
        (r#"{"test_index": 10000}"#, "test_index"),
        (r#"{"test_index": -3}"#, "test_index"),
        (r#"{"width": 2, "height": 2, "pixels": [0], "label": 1}"#, "pixels"),
        (r#"{"width": 1, "height": 1, "pixels": [7], "label": 1}"#, "pixels"),
        (r#"{"width": 1, "height": 1, "pixels": [-0.5], "label": 1}"#, "pixels"),
        (r#"{"width": 9999, "height": 1, "pixels": [0], "label": 1}"#, "width"),
        (r#"{"width": 0, "height": 1, "pixels": [], "label": 1}"#, "width"),
        (r#"{"pixels": [0], "label": 1}"#, "width"),
        (r#"{"width": 1, "height": 1, "pixels": [0], "label": 1}"#, "blank"),
        (r#"{"test_index": 0, "width": 1, "height": 1, "pixels": [1]}"#, "test_index"),
        ("{}", "test_index"),
    ];
    for (body, words) in cases {
        let (status, answer) = server.post("/api/backward", body);
        assert_eq!(status, 400, "{body}: {answer}");
        let error = parse(&answer)["error"].as_str().unwrap().to_string();
        assert!(
            error.contains(words),
            "{body}: '{error}' should name {words}"
        );
        assert!(!error.contains('\n'), "{error}");
    }
    assert_eq!(server.get("/api/backward").0, 405);
    // The saved model's units: 132 tiles of 784 pixels.
    let (status, body) = server.get("/api/units");
    assert_eq!(status, 200, "{body}");
    let units = parse(&body);
    assert_eq!(
        (units["units"].clone(), units["shown"].clone()),
        (json!(132), json!(132))
    );
    assert_eq!(units["W"][0].as_array().unwrap().len(), 784);
}

#[test]
fn the_units_of_a_run_are_there_after_each_epoch_with_both_engines() {
    for engine in ["manual", "learner"] {
        let root = tempfile::tempdir().unwrap();
        let server = Server::start(&root.path().join("run"), None);
        assert_eq!(server.get("/api/units").0, 409, "no model yet");
        assert_eq!(server.get("/api/train/units").0, 409, "no run yet");
        let settings = format!(r#"{{"epochs": 2, "train_limit": 1000, "engine": "{engine}"}}"#);
        assert_eq!(server.post("/api/train", &settings).0, 202);
        let mut snapshots = Vec::new();
        let mut epochs = Vec::new();
        server.follow_events(|event| {
            if event["type"] == "epoch" {
                assert_eq!(event["units"], true, "{engine}: {event}");
                assert!(
                    event["gradient_norms"].is_array(),
                    "{engine}: ‖dW_l‖ with both engines"
                );
                let (status, body) = server.get("/api/train/units");
                assert_eq!(status, 200, "{body}");
                snapshots.push(parse(&body));
                epochs.push(event.clone());
            }
            !matches!(event["type"].as_str(), Some("saved" | "failed" | "stopped"))
        });
        assert_eq!(snapshots.len(), 2, "{engine}");
        for (k, snapshot) in snapshots.iter().enumerate() {
            // An epoch's snapshot, or the next one's if it landed before the page asked.
            assert!(
                snapshot["epoch"].as_u64().unwrap() > k as u64,
                "{engine}: {}",
                snapshot["epoch"]
            );
            assert_eq!(snapshot["W"].as_array().unwrap().len(), 132);
        }
        // The last snapshot is the saved model's first layer.
        let saved = parse(&server.get("/api/units").1);
        assert_eq!(snapshots[1]["epoch"], 2);
        agree(
            &format!("{engine}: last units"),
            &numbers(&snapshots[1]["W"]),
            &numbers(&saved["W"]),
        );
        // `change` is W − W at the start: the start it implies is the same at every epoch, and
        // training has moved the weights.
        let start = |snapshot: &Value| -> Vec<f64> {
            let (w, change) = (numbers(&snapshot["W"]), numbers(&snapshot["change"]));
            w.iter().zip(&change).map(|(w, c)| w - c).collect()
        };
        agree(
            &format!("{engine}: the start"),
            &start(&snapshots[1]),
            &start(&snapshots[0]),
        );
        let moved = numbers(&snapshots[1]["change"])
            .iter()
            .fold(0.0f64, |m, c| m.max(c.abs()));
        assert!(moved > 1e-3, "{engine}: the largest change is {moved}");
        assert!(
            saved.get("change").is_none(),
            "the saved model has no known start"
        );
    }
}
