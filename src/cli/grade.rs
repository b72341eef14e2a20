//! `backprop grade`: a student's NumPy lab, or a folder of them, checked equation by equation
//! against Burn's autodiff.

use std::path::{Path, PathBuf};

use burn::tensor::FloatDType;
use clap::Args;

use super::args::RunArgs;
use crate::backend::Backend;
use crate::error::{Error, Result};
use crate::files::{check_output_path, write_atomic};
use crate::grade::report::{csv_header, csv_row, gradescope, table};
use crate::grade::submission::is_submission;
use crate::grade::{Grader, Lang, Limits, find_python};

/// Flags of `grade`.
#[derive(Debug, Args)]
pub struct GradeArgs {
    /// A student's lab (.py, or a notebook .ipynb), or a folder of them (one per student).
    path: PathBuf,
    /// The Python that runs the student's code [default: BACKPROP_PYTHON, else the first of
    /// python3, /usr/bin/python3, python that imports NumPy].
    #[arg(long)]
    python: Option<PathBuf>,
    /// Seconds for the whole file (1 to 600); one function call gets at most a third of it.
    #[arg(long, default_value_t = 30.0)]
    timeout: f64,
    /// Memory of the student's Python process, in MiB (256 to 65,536).
    #[arg(long, default_value_t = 2048)]
    memory_mb: u64,
    /// Also write the grade as Gradescope's results.json to this file (a single file only).
    #[arg(long)]
    json: Option<PathBuf>,
    /// For a folder: the CSV to write, one row per student [default: FOLDER/grades.csv].
    #[arg(long)]
    csv: Option<PathBuf>,
    /// Language of the report [default: French when LANG says fr, else English].
    #[arg(long, value_enum)]
    lang: Option<Lang>,
    #[command(flatten)]
    run: RunArgs,
}

/// Grades the file, or every submission of the folder.
pub fn run(args: GradeArgs) -> Result<()> {
    if !(1.0..=600.0).contains(&args.timeout) {
        return Err(Error::Config(format!(
            "--timeout: expected 1 to 600 seconds, got {}",
            args.timeout
        )));
    }
    if !(256..=65_536).contains(&args.memory_mb) {
        return Err(Error::Config(format!(
            "--memory-mb: expected 256 to 65536, got {}",
            args.memory_mb
        )));
    }
    let folder = args.path.is_dir();
    if !folder && !args.path.exists() {
        return Err(Error::data(
            &args.path,
            "not found, expected a .py or .ipynb file or a folder of them",
        ));
    }
    if folder && args.json.is_some() {
        return Err(Error::Config(
            "--json: writes one file's grade; for a folder use --csv".to_string(),
        ));
    }
    if !folder && args.csv.is_some() {
        return Err(Error::Config(
            "--csv: writes a folder's grades; for one file use --json".to_string(),
        ));
    }
    if let Some(json) = &args.json {
        check_output_path("--json", json)?;
    }
    let csv = args
        .csv
        .clone()
        .unwrap_or_else(|| args.path.join("grades.csv"));
    if folder {
        check_output_path("--csv", &csv)?;
    }
    let files = if folder {
        submissions(&args.path)?
    } else {
        crate::grade::submission::read_cells(&args.path)?;
        vec![args.path.clone()]
    };
    let python = find_python(args.python.as_deref())?;
    let lang = args.lang.unwrap_or_else(Lang::from_environment);
    let limits = Limits {
        seconds: args.timeout,
        seconds_per_call: (args.timeout / 3.0).max(1.0),
        memory: args.memory_mb << 20,
    };
    let mut device = match args.run.backend {
        Backend::Wgpu => Backend::default_compiled().device()?,
        backend => backend.device()?,
    };
    device
        .configure(FloatDType::F64)
        .map_err(|e| Error::Backend(format!("--backend: grading needs f64 ({e:?})")))?;
    let grader = Grader::new(&args.run.data_dir(), python, limits, lang, &device)?;
    if folder {
        grade_folder(&grader, &files, &csv)
    } else {
        grade_one(&grader, &args.path, args.json.as_deref())
    }
}

/// The `.py` and `.ipynb` files of `folder`, sorted by name.
fn submissions(folder: &Path) -> Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(folder).map_err(|e| Error::io(folder, e))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && is_submission(p))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(Error::data(folder, "holds no .py or .ipynb file to grade"));
    }
    Ok(files)
}

fn name_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// One file: the table on stdout, the JSON if asked; exit 2 when it could not be graded or a
/// function raised, looped or ran out of memory (each said in one line).
fn grade_one(grader: &Grader, path: &Path, json: Option<&Path>) -> Result<()> {
    let grade = &grader.grade_file(path)?;
    let name = name_of(path);
    print!("{}", table(&name, grade, grader.lang(), grader.m()));
    if let Some(json) = json {
        let value = gradescope(&name, grade, grader.lang(), grader.m());
        let text = serde_json::to_string_pretty(&value).expect("JSON");
        write_atomic(json, text.as_bytes())?;
    }
    if let Some(fatal) = &grade.fatal {
        return Err(Error::data(path, fatal.clone()));
    }
    if let Some((last, before)) = grade.problems.split_last() {
        for problem in before {
            eprintln!("error: {}: {problem}", path.display());
        }
        return Err(Error::data(path, last.clone()));
    }
    Ok(())
}

/// A folder: each submission in turn (a progress bar on a terminal, one line each on stdout),
/// then the CSV. A submission that cannot be graded is a row saying why; the others go on.
fn grade_folder(grader: &Grader, files: &[PathBuf], csv: &Path) -> Result<()> {
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
    let bar = ProgressBar::with_draw_target(Some(files.len() as u64), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}").expect("a valid template"),
    );
    let mut lines = vec![csv_header()];
    for path in files {
        let name = name_of(path);
        bar.set_message(name.clone());
        let grade = match grader.grade_file(path) {
            Ok(grade) => grade,
            Err(error) => crate::grade::Grade {
                fatal: Some(error.to_string()),
                ..Default::default()
            },
        };
        let (score, total) = grade.score();
        let status = match &grade.fatal {
            Some(f) => format!("could not grade: {f}"),
            None if grade.problems.is_empty() => String::new(),
            None => grade.problems.join("; "),
        };
        bar.suspend(|| {
            println!(
                "{name}: {score}/{total}{}",
                if status.is_empty() {
                    String::new()
                } else {
                    format!(" ({status})")
                }
            )
        });
        lines.push(csv_row(&name, &grade));
        bar.inc(1);
    }
    bar.finish_and_clear();
    let mut text = lines.join("\n");
    text.push('\n');
    write_atomic(csv, text.as_bytes())?;
    println!("Wrote {} ({} students)", csv.display(), files.len());
    Ok(())
}
