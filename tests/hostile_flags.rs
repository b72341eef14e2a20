//! Hostile flags, over the real binary: every flag of every subcommand at its boundaries and
//! beyond (0, 1, the limit and one past it, negative, `u64::MAX` and past it, `1e308`, `inf`,
//! `nan`, malformed lists, unknown enum values, impossible paths), then random combinations
//! of several hostile flags (proptest). The invariants are in `common/hostile.rs`.

mod common;

#[path = "hostile_flags/tables.rs"]
mod tables;

use common::fixture::Fixture;
use common::hostile::{Case, assert_none, check, check_all};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use tables::{Kind, commands, hostile_paths, hostile_values, invocation};

/// Every flag of every subcommand, alone, with each of its hostile values.
#[test]
fn every_flag_at_its_boundaries_and_beyond() {
    let fixture = Fixture::new();
    let mut cases = Vec::new();
    for (index, command) in commands(&fixture, "SCRATCH").iter().enumerate() {
        for &(flag, kind) in &command.flags {
            let values: Vec<Option<String>> = match kind {
                Kind::Switch => vec![None, Some(String::new()), Some("=1".into())],
                Kind::Input | Kind::Output => hostile_paths(kind, &fixture)
                    .into_iter()
                    .map(Some)
                    .collect(),
                _ => hostile_values(kind).into_iter().map(Some).collect(),
            };
            for value in values {
                let scratch = fixture.scratch(&format!("{index}-{}", cases.len()));
                let scratch = scratch.display().to_string();
                let commands = commands(&fixture, &scratch);
                let mut case = match value.as_deref() {
                    Some("=1") => {
                        let mut case = invocation(&commands[index], &[]);
                        case.args.push(format!("{flag}=1"));
                        case.culprits.extend([flag.to_string(), "'1'".into()]);
                        case
                    }
                    _ => invocation(&commands[index], &[(flag, value.clone())]),
                };
                if command.name == "train" {
                    // A model is already where train writes: a failing run must leave it.
                    let run = std::path::Path::new(&scratch).join("run");
                    fixture.copy_model_to(&run);
                    case = case.guarding(&run);
                }
                cases.push(case);
            }
        }
    }
    let failures = check_all(&cases);
    assert_none("every flag at its boundaries", cases.len(), &failures);
}

/// Two to four hostile flags at once, on a random subcommand, values from the pools above or
/// arbitrary text and numbers (never arbitrary paths: a random absolute path could be written).
#[test]
fn random_combinations_of_hostile_flags() {
    let fixture = Fixture::new();
    let scratch = fixture.scratch("random").display().to_string();
    let commands = commands(&fixture, &scratch);
    let cases = std::env::var("HOSTILE_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(160);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (
        0..commands.len(),
        prop::collection::vec(
            (
                any::<prop::sample::Index>(),
                0..4u8,
                any::<prop::sample::Index>(),
                "\\PC{0,12}",
                any::<u64>(),
                any::<f64>(),
            ),
            2..5,
        ),
    );
    let count = std::sync::atomic::AtomicUsize::new(0);
    let result = runner.run(&strategy, |(which, picks)| {
        count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let command = &commands[which];
        let mut hostile: Vec<(&str, Option<String>)> = Vec::new();
        for (flag_pick, source, value_pick, text, number, float) in picks {
            let (flag, kind) = command.flags[flag_pick.index(command.flags.len())];
            if hostile.iter().any(|(f, _)| *f == flag) {
                continue;
            }
            let pool = match kind {
                Kind::Switch => vec![String::new()],
                Kind::Input | Kind::Output => hostile_paths(kind, &fixture),
                _ => hostile_values(kind),
            };
            let free = !matches!(kind, Kind::Switch | Kind::Input | Kind::Output);
            let value = match (source, free) {
                (1, true) => text,
                (2, true) => number.to_string(),
                (3, true) => format!("{float:e}"),
                _ => value_pick.get(&pool).clone(),
            };
            hostile.push((flag, (!matches!(kind, Kind::Switch)).then_some(value)));
        }
        let mut case = invocation(command, &hostile);
        if command.name == "train" {
            let run = std::path::Path::new(&scratch).join("run");
            let _ = std::fs::remove_dir_all(&run);
            fixture.copy_model_to(&run);
            case = case.guarding(&run);
        }
        let broken = check(&case);
        prop_assert!(broken.is_empty(), "{}", broken.join("\n"));
        Ok::<(), TestCaseError>(())
    });
    let failures: Vec<String> = result.err().map(|e| e.to_string()).into_iter().collect();
    assert_none("random combinations", count.into_inner(), &failures);
}

#[test]
fn help_states_every_limit() {
    use backprop::limits::*;
    let help = |command: &str| common::ok(&[command, "--help"]);
    assert_eq!(MAX_BATCH_ACTIVATIONS, 1 << 30, "the help says 2^30");
    let train = help("train");
    for limit in [
        thousands(MAX_EPOCHS),
        thousands(MAX_BATCH_SIZE),
        thousands(MAX_WIDTH),
        thousands(MAX_PARAMETERS),
        format!("{MAX_HIDDEN_LAYERS} layers"),
        format!("σ ≤ {MAX_INIT_STD}"),
        "2^30".into(),
    ] {
        assert!(
            train.contains(&limit),
            "train --help should state {limit}:\n{train}"
        );
    }
    let study = help("study");
    for limit in [
        format!("1 to {MAX_HIDDEN_LAYERS}"),
        format!("1 to {}", thousands(MAX_WIDTH)),
        format!("1 to {}", thousands(MAX_BATCH_SIZE)),
        format!("1 to {}", thousands(MAX_EPOCHS)),
        format!("σ ≤ {MAX_INIT_STD}"),
    ] {
        assert!(
            study.contains(&limit),
            "study --help should state {limit}:\n{study}"
        );
    }
    let gradcheck = help("gradcheck");
    assert!(
        gradcheck.contains(&format!("at most {}", thousands(MAX_FD_SAMPLES))),
        "{gradcheck}"
    );
    let side = thousands(MAX_IMAGE_SIDE as usize);
    assert!(help("predict").contains(&format!("{side}×{side}")));
}

/// `serve` runs until stopped, so only invocations that must fail at once are tried.
#[test]
fn serve_refuses_what_it_cannot_serve() {
    let fixture = Fixture::new();
    let data = fixture.data.display().to_string();
    let mut cases = Vec::new();
    for (flag, value) in [
        ("--port", "70000"),
        ("--port", "-1"),
        ("--port", "http"),
        ("--host", "256.1.1.1"),
        ("--host", "no host here"),
        ("--host", ""),
        ("--backend", "cuda"),
        ("--idle-stop", "0"),
        ("--idle-stop", "86401"),
        ("--request-timeout", "0"),
        ("--request-timeout", "3601"),
        ("--data-dir", "/no/such/dir"),
        ("--data-dir", "/dev/null"),
    ] {
        let mut words = vec!["serve".to_string(), "--port".into(), "0".into()];
        if flag != "--data-dir" {
            words.extend(["--data-dir".into(), data.clone()]);
        }
        words.extend([flag.to_string(), value.to_string()]);
        let culprits = vec![flag.to_string(), format!("'{value}'"), value.to_string()];
        cases.push(Case::new(words, culprits).bad_input());
    }
    let failures = check_all(&cases);
    assert_none("serve", cases.len(), &failures);
}
