//! One server for a class (`serve --class`), tested as a class uses it: real server, real
//! data, several real sessions (cookie jars). Without a session nothing of the API answers;
//! each student's runs, model, events and downloads are theirs alone; runs share a queue
//! served in turn; the teacher sees and stops every run; a restart keeps sessions, runs and
//! links. Its limits, HTTPS and flags: `serve_class_limits.rs`.

mod common;

use std::time::{Duration, Instant};

use common::class::{ClassServer, Member, runs, short_run};
use serde_json::Value;

/// A run long enough to hold the training slot until it is stopped.
const LONG_RUN: &str = r#"{"epochs": 20, "lr": 0.001}"#;

/// Follows `member`'s events until its run ends; returns them.
fn events_to_the_end(member: &Member) -> Vec<Value> {
    let mut events = Vec::new();
    member.follow(|event| {
        let end = matches!(
            event["type"].as_str(),
            Some("saved" | "failed" | "stopped" | "cancelled")
        );
        events.push(event);
        !end
    });
    events
}

/// Follows `member`'s events until one of type `kind` comes.
fn wait_for_event(member: &Member, kind: &str) -> Value {
    let mut found = Value::Null;
    member.follow(|event| {
        if event["type"] == kind {
            found = event;
            return false;
        }
        true
    });
    found
}

/// The teacher's view of student `number`.
fn student_view(teacher: &Member, number: u64) -> Value {
    let class = teacher.json("GET", "/api/class", "");
    class["students"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["number"] == number)
        .cloned()
        .unwrap_or_else(|| panic!("no student {number} in {class}"))
}

#[test]
fn without_a_session_nothing_answers_and_forged_cookies_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let class = ClassServer::start(dir.path(), &[]);
    let server = &class.server;
    assert!(
        class.banner.contains("Student link: http://"),
        "{}",
        class.banner
    );
    assert_ne!(class.student_link, class.teacher_link);
    let code = class.student_link.trim_start_matches("/join/");
    assert!(code.len() >= 32, "128 bits or more: {code}");

    // The page itself loads (it says to ask for the link); its API does not answer.
    assert_eq!(server.get("/").0, 200);
    for path in [
        "/api/runs",
        "/api/model",
        "/api/session",
        "/api/class",
        "/api/limits",
    ] {
        let (status, body) = server.get(path);
        assert_eq!(status, 401, "{path}: {body}");
        assert!(
            body.contains("\"error\"") && body.contains("link"),
            "{body}"
        );
    }
    let (status, _) = server.post("/api/train", &short_run(1000));
    assert_eq!(status, 401);

    // Wrong codes, forged and unknown cookies: refused the same way.
    for link in [
        "/join/00000000000000000000000000000000",
        "/join/x",
        "/join/",
    ] {
        let refused = class.open(link).err().map(|(status, _)| status);
        assert!(matches!(refused, Some(403 | 404)), "{link}: {refused:?}");
    }
    let forged = [
        "backprop_class=0000000000000000000000000000000000000000000000000000000000000000",
        "backprop_class=1",
        "backprop_class=../../class/members.json",
    ];
    for cookie in forged {
        let member = Member {
            server,
            cookie: cookie.to_string(),
        };
        assert_eq!(member.get("/api/runs").0, 401, "{cookie}");
    }

    // A student names themself; markup is refused, never stored.
    let student = class.student();
    let session = student.json("GET", "/api/session", "");
    assert_eq!(
        (&session["role"], &session["name"]),
        (&Value::from("student"), &Value::from("Student 1"))
    );
    let (status, body) = student.post(
        "/api/session/name",
        r#"{"name": "<img src=x onerror=alert(1)>"}"#,
    );
    assert_eq!(status, 400, "{body}");
    student.json("POST", "/api/session/name", r#"{"name": "Zoé Le Gall"}"#);
    assert_eq!(
        student.json("GET", "/api/session", "")["name"],
        "Zoé Le Gall"
    );

    // A student is refused every teacher action.
    for (method, path, body) in [
        ("GET", "/api/class", ""),
        ("GET", "/api/class/runs.csv", ""),
        (
            "POST",
            "/api/class/stop",
            r#"{"student": 1, "run": "run-1"}"#,
        ),
    ] {
        assert_eq!(student.send(method, path, body).0, 403, "{path}");
    }
}

#[test]
fn two_students_runs_are_theirs_alone() {
    let dir = tempfile::tempdir().unwrap();
    let class = ClassServer::start(dir.path(), &["--workers", "2"]);
    let (ana, ben) = (class.student(), class.student());

    ana.json("POST", "/api/train", &short_run(1000));
    let events = events_to_the_end(&ana);
    assert_eq!(events.last().unwrap()["type"], "saved", "{events:?}");
    let started = events.iter().find(|e| e["type"] == "started").unwrap();
    assert_eq!(started["train_images"], 1000, "{started}");

    // Ben sees nothing of Ana's run, and can neither use, download, stop nor resume it.
    assert!(
        runs(&ben).iter().all(|r| r["name"] != "run-1"),
        "{:?}",
        runs(&ben)
    );
    for (method, path, body) in [
        ("GET", "/api/runs/run-1/metrics.csv", ""),
        ("GET", "/api/runs/run-1/model.safetensors", ""),
        ("POST", "/api/runs/select", r#"{"run": "run-1"}"#),
        ("POST", "/api/train/resume", r#"{"run": "run-1"}"#),
    ] {
        let (status, body) = ben.send(method, path, body);
        assert_eq!(status, 404, "{path}: {body}");
    }
    assert_eq!(ben.post("/api/train/stop", "").0, 409);
    for path in [
        "/api/runs/..%2F..%2Fstudent-1%2Fruns%2Frun-1/metrics.csv",
        "/api/runs/%2E%2E/metrics.csv",
    ] {
        let (status, _) = ben.get(path);
        assert!(matches!(status, 400 | 404), "{path}: {status}");
    }

    // Ben's own run is his own run-1; each sees only their own, both ways.
    ben.json("POST", "/api/train", &short_run(1500));
    let events = events_to_the_end(&ben);
    let started = events.iter().find(|e| e["type"] == "started").unwrap();
    assert_eq!(started["train_images"], 1500, "Ben's stream has Ben's run");
    let limit = |member: &Member| {
        runs(member)
            .iter()
            .find(|r| r["name"] == "run-1")
            .map(|r| r["settings"]["train_limit"].clone())
    };
    assert_eq!(limit(&ana), Some(Value::from(1000)));
    assert_eq!(limit(&ben), Some(Value::from(1500)));
    let (status, csv) = ana.get("/api/runs/run-1/metrics.csv");
    assert_eq!(status, 200);
    assert_eq!(csv.lines().count(), 2, "Ana's metrics: one epoch\n{csv}");
    let students = dir.path().join("class/students");
    for n in [1, 2] {
        assert!(
            students
                .join(format!("student-{n}/runs/run-1/model.bpk"))
                .is_file()
        );
    }
    // Nobody changes the artifact directory's own place.
    assert!(!dir.path().join("runs").exists());
}

#[test]
fn the_queue_serves_each_student_in_turn_and_the_teacher_sees_and_stops_runs() {
    let dir = tempfile::tempdir().unwrap();
    let class = ClassServer::start(dir.path(), &["--workers", "1"]);
    let teacher = class.teacher();
    let (a, b, c) = (class.student(), class.student(), class.student());

    let started = a.json("POST", "/api/train", LONG_RUN);
    assert_eq!(started["queued"], false, "{started}");
    wait_for_event(&a, "started");
    let b_queued = b.json("POST", "/api/train", &short_run(1000));
    assert_eq!(
        (&b_queued["queued"], &b_queued["position"]),
        (&Value::from(true), &Value::from(1))
    );
    let c_queued = c.json("POST", "/api/train", &short_run(1200));
    assert_eq!(c_queued["position"], 2, "{c_queued}");
    // One run queued or training per student: a second is refused, and says so.
    let (status, body) = b.post("/api/train", &short_run(1000));
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("in progress"), "{body}");
    // The page hears its place.
    let place = wait_for_event(&c, "queued");
    assert_eq!(place["position"], 2, "{place}");

    // The teacher sees every student, the running run and the queue.
    let a_view = student_view(&teacher, 1);
    assert_eq!(a_view["runs"][0]["running"], true, "{a_view}");
    assert_eq!(student_view(&teacher, 2)["queued"]["position"], 1);
    assert_eq!(student_view(&teacher, 3)["queued"]["position"], 2);

    // C leaves the queue and comes back: behind B again.
    let cancelled = c.json("POST", "/api/train/stop", "");
    assert_eq!(cancelled["cancelled"], true, "{cancelled}");
    assert_eq!(student_view(&teacher, 3)["queued"], Value::Null);
    let again = c.json("POST", "/api/train", &short_run(1200));
    assert_eq!(again["position"], 2, "{again}");
    assert_eq!(again["run"], "run-1", "a cancelled run leaves no directory");

    // A stop of another student's run by a student is impossible; the teacher's works.
    let (status, _) = teacher.post("/api/class/stop", r#"{"student": 1, "run": "run-9"}"#);
    assert_eq!(status, 404);
    teacher.json(
        "POST",
        "/api/class/stop",
        r#"{"student": 1, "run": "run-1"}"#,
    );
    let end = events_to_the_end(&a);
    let last = end.last().unwrap();
    assert_eq!(last["cause"], "stopped", "{last}");
    assert!(
        last["end"]["message"]
            .as_str()
            .unwrap()
            .contains("the teacher"),
        "{last}"
    );

    // B then C train, in that order, and both finish.
    let mut saved_order = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    while saved_order.len() < 2 && Instant::now() < deadline {
        for n in [2u64, 3] {
            let view = student_view(&teacher, n);
            let saved = view["runs"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["saved"] == true);
            if saved && !saved_order.contains(&n) {
                saved_order.push(n);
            }
        }
        // Two requests a turn, within the teacher's 20 a second.
        std::thread::sleep(Duration::from_millis(150));
    }
    assert_eq!(saved_order, vec![2, 3], "the queue's order");
    let class_view = teacher.json("GET", "/api/class", "");
    assert_eq!(
        (class_view["queued"].clone(), class_view["training"].clone()),
        (0.into(), 0.into())
    );

    // The class's runs as a table: one row per run, with its student.
    let (status, csv) = teacher.get("/api/class/runs.csv");
    assert_eq!(status, 200);
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 4, "a header and three runs:\n{csv}");
    assert!(rows[1].starts_with("1,Student 1,run-1,stopped"), "{csv}");
    assert!(rows[2].starts_with("2,Student 2,run-1,finished"), "{csv}");
}

#[test]
fn a_restart_keeps_sessions_runs_and_links_and_new_links_replace_the_old() {
    let dir = tempfile::tempdir().unwrap();
    let (cookie, student_link) = {
        let class = ClassServer::start(dir.path(), &[]);
        let student = class.student();
        student.json("POST", "/api/session/name", r#"{"name": "Ana"}"#);
        student.json("POST", "/api/train", &short_run(1000));
        assert_eq!(events_to_the_end(&student).last().unwrap()["type"], "saved");
        (student.cookie.clone(), class.student_link.clone())
    };

    let class = ClassServer::start(dir.path(), &[]);
    assert_eq!(class.student_link, student_link, "the links are kept");
    let student = Member {
        server: &class.server,
        cookie: cookie.clone(),
    };
    assert_eq!(student.json("GET", "/api/session", "")["name"], "Ana");
    let run = runs(&student).into_iter().find(|r| r["name"] == "run-1");
    assert_eq!(run.map(|r| r["saved"].clone()), Some(Value::Bool(true)));
    // Opening the link again keeps the session.
    let again = class.open_with(&student_link, Some(&cookie)).unwrap();
    assert_eq!(again.cookie, cookie);
    drop(class);

    let class = ClassServer::start(dir.path(), &["--new-links"]);
    assert_ne!(class.student_link, student_link);
    assert_eq!(class.open(&student_link).err().map(|e| e.0), Some(403));
    let student = Member {
        server: &class.server,
        cookie,
    };
    assert_eq!(student.json("GET", "/api/session", "")["name"], "Ana");
}
