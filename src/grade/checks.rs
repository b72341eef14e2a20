//! The checks that are more than one array against another: the accuracy (a fraction or a
//! percentage), one SGD step (every parameter, in the student's structure) and the
//! initialisation (shapes, zero biases, the distribution by statistics).

use super::array::Array;
use super::init::{Distribution, check_bias, check_weights};
use super::lab::Convention;
use super::mistakes::{Lang, Mistake};
use super::reference::PARAMETERS;
use super::returned::Returned;
use super::verdict::{Variant, Verdict, compare};

/// The accuracy: the fraction of the batch (or the percentage) whose argmax is the label.
pub fn accuracy_verdict(value: Option<&Returned>, right: f64, lang: Lang) -> Verdict {
    let Some(a) = value
        .and_then(Returned::as_array)
        .filter(|a| a.data.len() == 1)
    else {
        let what = value
            .map(Returned::describe)
            .unwrap_or_else(|| lang.say("nothing", "rien"));
        return Verdict::failed(lang.say(
            &format!("returned {what}, expected a number"),
            &format!("renvoie {what}, attendu un nombre"),
        ));
    };
    let a = a.data[0];
    let pass = (a - right).abs() <= 1e-9 || (a - 100.0 * right).abs() <= 1e-7;
    Verdict {
        pass,
        largest: Some((
            (a - right).abs().min((a - 100.0 * right).abs()),
            "[]".to_string(),
        )),
        detail: if pass {
            String::new()
        } else {
            lang.say(
                &format!(
                    "{}, expected {} (or {} %)",
                    lang.number(a),
                    lang.number(right),
                    lang.number(100.0 * right)
                ),
                &format!(
                    "{}, attendu {} (ou {} %)",
                    lang.number(a),
                    lang.number(right),
                    lang.number(100.0 * right)
                ),
            )
        },
        mistake: None,
    }
}

/// One SGD step: p − η·dp for every parameter, from a dict or a tuple (W1, b1, W2, b2).
pub fn sgd_verdict(
    value: Option<&Returned>,
    parameters: &[Array; 4],
    gradients: &[Array; 4],
    eta: f64,
    lang: Lang,
    m: usize,
) -> Verdict {
    // A dict, or a tuple (W1, b1, W2, b2).
    let tuple = match value {
        Some(Returned::Sequence(items)) if items.len() == 4 => Some(Returned::Dict(
            PARAMETERS
                .iter()
                .zip(items)
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )),
        _ => None,
    };
    let Some(dict @ Returned::Dict(_)) = tuple.as_ref().or(value) else {
        let what = value.map(Returned::describe).unwrap_or_default();
        return Verdict::failed(lang.say(
            &format!("returned {what}, expected the parameters (a dict, or updated in place)"),
            &format!("renvoie {what}, attendu les paramètres (un dict, ou mis à jour sur place)"),
        ));
    };
    let mut worst: Option<Verdict> = None;
    let mut largest: Option<(f64, String)> = None;
    for (k, name) in PARAMETERS.iter().enumerate() {
        let p = &parameters[k];
        let g = &gradients[k];
        let right = p.zip(g, |p, g| p - eta * g);
        let wrong = vec![
            Variant::new(Mistake::SgdAscent, p.zip(g, |p, g| p + eta * g)),
            Variant::new(Mistake::SgdNoEta, p.zip(g, |p, g| p - g)),
            Variant::new(Mistake::SgdNoChange, p.clone()),
        ];
        let mut v = compare(dict.get(name), &right, &wrong, lang, m);
        if v.pass {
            if let Some((d, at)) = &v.largest
                && largest.as_ref().is_none_or(|(w, _)| d > w)
            {
                largest = Some((*d, format!("{name}{at}")));
            }
        } else if worst.is_none() {
            v.detail = format!("{name}: {}", v.detail);
            worst = Some(v);
        }
    }
    worst.unwrap_or(Verdict {
        pass: true,
        largest,
        detail: String::new(),
        mistake: None,
    })
}

/// The initialisation: shapes, biases at zero, each weight matrix's distribution.
pub fn init_verdict(
    value: Option<&Returned>,
    parameters: &[Array; 4],
    convention: Convention,
    lang: Lang,
) -> Verdict {
    // A dict, or a tuple (W1, b1, W2, b2).
    let tuple = match value {
        Some(Returned::Sequence(items)) if items.len() == 4 => Some(Returned::Dict(
            PARAMETERS
                .iter()
                .zip(items)
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )),
        _ => None,
    };
    let Some(dict @ Returned::Dict(_)) = tuple.as_ref().or(value) else {
        let what = value.map(Returned::describe).unwrap_or_default();
        return Verdict::failed(lang.say(
            &format!("returned {what}, expected a dict of W1, b1, W2, b2"),
            &format!("renvoie {what}, attendu un dict de W1, b1, W2, b2"),
        ));
    };
    let mut problems = Vec::new();
    let mut mistake = None;
    for (k, name) in PARAMETERS.iter().enumerate() {
        let shape = &parameters[k].shape;
        let Some(array) = dict.get(name).and_then(Returned::as_array) else {
            problems.push(format!(
                "{name}: {}",
                lang.say("missing or not an array", "absent ou pas un tableau")
            ));
            continue;
        };
        let outcome = if name.starts_with('b') {
            let outcome = check_bias(array, shape[0], lang);
            if outcome.is_err() && array.shape == [shape[0], 1] {
                mistake.get_or_insert(Mistake::BiasNotZero);
            }
            outcome
        } else if array.shape != *shape {
            Err(lang.say(
                &format!(
                    "shape {}, expected {}",
                    array.shape_text(),
                    super::array::shape_text(shape)
                ),
                &format!(
                    "forme {}, attendue {}",
                    array.shape_text(),
                    super::array::shape_text(shape)
                ),
            ))
        } else {
            let expected = match convention {
                Convention::Handout => Distribution::Uniform((1.0 / shape[1] as f64).sqrt()),
                Convention::Notebook => Distribution::Normal(0.3),
            };
            let outcome = check_weights(array, expected, lang);
            if outcome.is_err() {
                let lab = match convention {
                    Convention::Handout => "Xavier U(±√(1/n_prev))".to_string(),
                    Convention::Notebook => format!("N(0, {}²)", lang.number(0.3)),
                };
                mistake = Some(Mistake::InitDistribution(lab));
            }
            outcome
        };
        if let Err(why) = outcome {
            problems.push(format!("{name}: {why}"));
        }
    }
    if problems.is_empty() {
        Verdict {
            pass: true,
            largest: None,
            detail: String::new(),
            mistake: None,
        }
    } else {
        Verdict {
            mistake,
            ..Verdict::failed(problems.join("; "))
        }
    }
}
