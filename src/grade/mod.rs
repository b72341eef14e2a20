//! `backprop grade`: a student's NumPy lab (`.py` or notebook), run in a separate limited Python
//! process, every function the lab asks for called on fixed weights and real MNIST images, and
//! each result checked against this project's forward pass and Burn's autodiff in f64, with the
//! mistake named when its pattern is recognised.
//!
//! - `submission`: the file's code cells;
//! - `sandbox` and `harness.py`: the Python process, its limits, and what it reports;
//! - `reference`: the inputs and the right answers (Burn, f64, autodiff);
//! - `lab`: each quantity in the student's convention, with the known wrong values beside it;
//! - `verdict`, `mistakes`, `init`: comparisons, the mistakes' names, the initialisation's test;
//! - `grading`: the rows of a grade (`checks`: accuracy, SGD, initialisation; `notes`: what
//!   loading skipped); `report`: the table, Gradescope's JSON, a class's CSV.

pub mod array;
pub mod checks;
pub mod grading;
pub mod init;
pub mod lab;
pub mod mistakes;
pub mod notes;
pub mod reference;
pub mod report;
pub mod returned;
pub mod sandbox;
pub mod submission;
pub mod verdict;

pub use grading::{CHECKS, Grade, Row, Status};
pub use lab::Convention;
pub use mistakes::{Lang, Mistake};
pub use sandbox::{Limits, find_python};

use std::path::{Path, PathBuf};

use burn::prelude::Device;
use serde_json::{Value, json};

use crate::data::{MnistSplit, Split};
use crate::error::Result;
use crate::model::{Activation, Head};
use array::Array;
use grading::{Answers, combination_name};
use reference::{ElementWise, Inputs, Reference};

/// Images in the batch given to the student's functions (the first ones of the test split).
pub const BATCH: usize = 64;
/// Hidden units of the fixed weights (the lab's 132).
pub const HIDDEN: usize = 132;
/// Seed of the fixed weights, and of NumPy's generator before the student's initialisation.
pub const SEED: u64 = 7;
/// η given to the student's SGD step (not the lab's 0.05, so that a hard-coded η shows).
pub const ETA: f64 = 0.1;

/// Grades submissions: the inputs and right answers are computed once, each file in its own
/// Python process.
pub struct Grader {
    inputs: Inputs,
    references: Vec<Reference>,
    elementwise: ElementWise,
    python: PathBuf,
    limits: Limits,
    lang: Lang,
}

impl Grader {
    /// Loads the test split of `data_dir` and computes every answer on `device` (f64).
    pub fn new(
        data_dir: &Path,
        python: PathBuf,
        limits: Limits,
        lang: Lang,
        device: &Device,
    ) -> Result<Self> {
        let split = MnistSplit::load(data_dir, Split::Test)?;
        split.check_pixels(784)?;
        if split.len() < BATCH {
            return Err(crate::error::Error::data(
                &split.images_path,
                format!("holds {} images, the grader needs {BATCH}", split.len()),
            ));
        }
        let inputs = Inputs::new(&split, BATCH, HIDDEN, SEED);
        let mut references = Vec::new();
        for activation in [Activation::Sigmoid, Activation::Tanh, Activation::Relu] {
            for head in [Head::SigmoidBce, Head::SoftmaxCe] {
                references.push(reference::reference(&inputs, activation, head, device));
            }
        }
        let elementwise = reference::elementwise(
            &reference::elementwise_inputs(),
            &reference::softmax_inputs(),
            device,
        );
        Ok(Self {
            inputs,
            references,
            elementwise,
            python,
            limits,
            lang,
        })
    }

    /// The JSON the harness reads: the cells, the inputs, each activation × head's forward
    /// values (rows are examples), gradients for the SGD step, the element-wise inputs.
    fn request(&self, cells: &[submission::Cell]) -> Vec<u8> {
        let forward: serde_json::Map<String, Value> = self
            .references
            .iter()
            .map(|r| {
                (
                    combination_name(r.activation, r.head),
                    json!({"Z1": rows(&r.z1), "A1": rows(&r.a1), "Z2": rows(&r.z2), "A2": rows(&r.a2)}),
                )
            })
            .collect();
        let prescribed = |c: Convention| {
            let (a, h) = c.prescribed();
            combination_name(a, h)
        };
        let parameters: serde_json::Map<String, Value> = reference::PARAMETERS
            .iter()
            .zip(&self.inputs.parameters)
            .map(|(k, p)| (k.to_string(), rows(p)))
            .collect();
        let grads: serde_json::Map<String, Value> = reference::PARAMETERS
            .iter()
            .zip(&self.references[0].gradients)
            .map(|(k, g)| (k.to_string(), rows(g)))
            .collect();
        let z = rows(&reference::elementwise_inputs());
        let request = json!({
            "cells": cells.iter().map(|c| json!({"index": c.index, "source": c.source})).collect::<Vec<_>>(),
            "X": rows(&self.inputs.x),
            "Y": rows(&self.inputs.y),
            "parameters": parameters,
            "forward": forward,
            "default_combination": {
                "handout": prescribed(Convention::Handout),
                "notebook": prescribed(Convention::Notebook),
            },
            "grads": grads,
            "eta": ETA,
            "dims": [784, HIDDEN, 10],
            "elementwise": {"sigmoid": z, "relu": z, "relu_derivative": z, "tanh": z},
            "softmax": rows(&reference::softmax_inputs()),
            "seed": SEED,
            "seconds_per_call": self.limits.seconds_per_call,
        });
        serde_json::to_vec(&request).expect("JSON of numbers and strings")
    }

    /// Grades one file. An unreadable file is an error; everything the student's code does
    /// (parse errors, exceptions, loops, memory) is in the grade.
    pub fn grade_file(&self, path: &Path) -> Result<Grade> {
        let cells = submission::read_cells(path)?;
        let ran = sandbox::run_harness(&self.python, &self.request(&cells), self.limits)?;
        let answers = Answers {
            inputs: &self.inputs,
            references: &self.references,
            elementwise: &self.elementwise,
            eta: ETA,
        };
        let mut grade = grading::grade(&ran.records, ran.ended.as_deref(), &answers, self.lang);
        grade.output = ran.output;
        // A file with no code that parses: nothing to grade.
        if grade.fatal.is_none() && grade.rows.iter().all(|r| r.function.is_none()) {
            let parse: Vec<&String> = grade
                .notes
                .iter()
                .filter(|n| n.contains("syntax error"))
                .collect();
            grade.fatal = Some(match parse.first() {
                Some(n) => (*n).clone(),
                None => self.lang.say(
                    "no function of the lab found (forward_propagation, back_propagation, init_params, forward, backward…)",
                    "aucune fonction du TP trouvée (forward_propagation, back_propagation, init_params, forward, backward…)",
                ),
            });
        }
        if grade.fatal.is_some() {
            // Nothing was graded: no row scores, none counts.
            grade.rows.clear();
        }
        Ok(grade)
    }

    /// The batch size the answers were computed on.
    pub fn m(&self) -> usize {
        self.inputs.m()
    }

    /// The language of the reports.
    pub fn lang(&self) -> Lang {
        self.lang
    }
}

/// A matrix as a JSON list of rows.
fn rows(a: &Array) -> Value {
    let (_, c) = a.dims2();
    Value::Array(
        a.data
            .chunks(c.max(1))
            .map(|row| Value::Array(row.iter().map(|&x| json!(x)).collect()))
            .collect(),
    )
}
