//! One value of the student's against the right one: the tolerance, the largest difference and
//! where it is, and the mistake when the student's value equals one of the known wrong ones.

use super::array::{Array, shape_text};
use super::mistakes::{Lang, Mistake};
use super::returned::Returned;

/// Relative part of the tolerance: |student − right| ≤ ATOL·max|right| + RTOL·|right|, entry by
/// entry. Loose enough for a student who computes in float32 (whose sums of 784 or 132 terms
/// carry errors of about 1e-6 of their largest term), far tighter than any mistake (1 % and
/// more).
pub const RTOL: f64 = 1e-4;
/// Absolute part, relative to the largest |right| entry (so that entries that cancel to
/// almost 0 are not compared with a relative error).
pub const ATOL: f64 = 1e-5;

/// A wrong value the grader knows, and the mistake that gives it.
#[derive(Debug, Clone)]
pub struct Variant {
    pub mistake: Mistake,
    pub value: Array,
}

impl Variant {
    pub fn new(mistake: Mistake, value: Array) -> Self {
        Self { mistake, value }
    }

    /// The same wrong value, named as another quantity's mistake.
    pub fn through(self, upstream: &'static str) -> Self {
        let mistake = match self.mistake {
            Mistake::Through(..) | Mistake::FollowsFrom(_) => self.mistake,
            inner => Mistake::Through(upstream, Box::new(inner)),
        };
        Self {
            mistake,
            value: self.value,
        }
    }
}

/// The outcome of one comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// Within the tolerance.
    pub pass: bool,
    /// The largest |student − right| and where (`[3, 17]`), when the shapes agree.
    pub largest: Option<(f64, String)>,
    /// What is wrong, in a phrase (shape, type, NaN, or the largest difference).
    pub detail: String,
    /// The mistake recognised, if any.
    pub mistake: Option<Mistake>,
}

impl Verdict {
    /// A failure with no value to compare (not returned, wrong type).
    pub fn failed(detail: String) -> Self {
        Self {
            pass: false,
            largest: None,
            detail,
            mistake: None,
        }
    }
}

/// Whether `student` equals `right` within the tolerance (same shape, every entry finite).
pub fn close(student: &Array, right: &Array) -> bool {
    if student.shape != right.shape {
        return false;
    }
    let scale = right.max_abs();
    student
        .data
        .iter()
        .zip(&right.data)
        .all(|(&s, &r)| s.is_finite() && (s - r).abs() <= ATOL * scale + RTOL * r.abs())
}

/// The largest |student − right| and its flat index (same shapes).
fn largest(student: &Array, right: &Array) -> (f64, usize) {
    let mut worst = (0.0_f64, 0);
    for (i, (&s, &r)) in student.data.iter().zip(&right.data).enumerate() {
        let d = (s - r).abs();
        if d > worst.0 || d.is_nan() {
            worst = (d, i);
            if d.is_nan() {
                break;
            }
        }
    }
    worst
}

/// The mistake whose wrong value `student` equals, first in `variants`' order.
fn recognise(student: &Array, variants: &[Variant]) -> Option<Mistake> {
    variants
        .iter()
        .find(|v| close(student, &v.value))
        .map(|v| v.mistake.clone())
}

/// `student` ≈ c·`right` for one constant c (least squares), named when c is m, 1/m or −1.
fn factor(student: &Array, right: &Array, m: usize) -> Option<Mistake> {
    let rr: f64 = right.data.iter().map(|r| r * r).sum();
    if rr == 0.0 || student.shape != right.shape {
        return None;
    }
    let c = student
        .data
        .iter()
        .zip(&right.data)
        .map(|(s, r)| s * r)
        .sum::<f64>()
        / rr;
    if !c.is_finite() || (c - 1.0).abs() < 1e-9 || c.abs() < 1e-12 {
        return None;
    }
    if !close(student, &right.scaled(c)) {
        return None;
    }
    let m = m as f64;
    let near = |target: f64| (c - target).abs() <= 1e-6 * target.abs();
    Some(if near(m) {
        Mistake::MissingOneOverM
    } else if near(1.0 / m) {
        Mistake::ExtraOneOverM
    } else if near(-1.0) {
        Mistake::Sign
    } else {
        Mistake::Factor(c)
    })
}

/// The student's value against the right one, trying `variants` for a failure.
pub fn compare(
    student: Option<&Returned>,
    right: &Array,
    variants: &[Variant],
    lang: Lang,
    m: usize,
) -> Verdict {
    let Some(student) = student else {
        return Verdict::failed(lang.say("not returned", "non renvoyé"));
    };
    let Some(array) = student.as_array() else {
        return Verdict::failed(lang.say(
            &format!(
                "returned {}, expected an array of shape {}",
                student.describe(),
                right.shape_text()
            ),
            &format!(
                "renvoie {}, attendu un tableau de forme {}",
                student.describe(),
                right.shape_text()
            ),
        ));
    };
    compare_array(array, right, variants, lang, m)
}

/// [`compare`] for a value known to be an array.
pub fn compare_array(
    student: &Array,
    right: &Array,
    variants: &[Variant],
    lang: Lang,
    m: usize,
) -> Verdict {
    let non_finite = student.data.iter().position(|x| !x.is_finite());
    if student.shape == right.shape && non_finite.is_none() && close(student, right) {
        let (d, at) = largest(student, right);
        return Verdict {
            pass: true,
            largest: Some((d, student.position(at))),
            detail: String::new(),
            mistake: None,
        };
    }
    let mut mistake = recognise(student, variants);
    if let Some(i) = non_finite {
        let value = student.data[i];
        return Verdict {
            pass: false,
            largest: None,
            detail: format!("{} {}", python_number(value), lang.say("at", "en"))
                + " "
                + &student.position(i),
            mistake: mistake.or_else(|| {
                variants
                    .iter()
                    .any(|v| v.mistake == Mistake::Overflow)
                    .then_some(Mistake::Overflow)
            }),
        };
    }
    if student.shape != right.shape {
        if mistake.is_none() && student.data.len() == right.data.len() {
            if close(&student.reshaped(right.shape.clone()), right) {
                mistake = Some(
                    if student.shape.len() == 1 && right.shape.len() == 2 && right.shape[1] == 1 {
                        Mistake::KeepdimsMissing
                    } else {
                        Mistake::Reshaped
                    },
                );
            } else if student.shape.len() == 2
                && right.shape.len() == 2
                && student.shape[0] == right.shape[1]
                && student.shape[1] == right.shape[0]
                && close(&student.t(), right)
            {
                mistake = Some(Mistake::Transposed);
            }
        }
        return Verdict {
            pass: false,
            largest: None,
            detail: lang.say(
                &format!(
                    "shape {}, expected {}",
                    student.shape_text(),
                    shape_text(&right.shape)
                ),
                &format!(
                    "forme {}, attendue {}",
                    student.shape_text(),
                    shape_text(&right.shape)
                ),
            ),
            mistake,
        };
    }
    // The entry furthest past its tolerance (not merely the largest difference).
    let scale = right.max_abs();
    let at = student
        .data
        .iter()
        .zip(&right.data)
        .map(|(&s, &r)| (s - r).abs() - (ATOL * scale + RTOL * r.abs()))
        .enumerate()
        .fold((0, f64::NEG_INFINITY), |best, (i, x)| {
            if x > best.1 { (i, x) } else { best }
        })
        .0;
    let d = (student.data[at] - right.data[at]).abs();
    let mistake = mistake.or_else(|| factor(student, right, m));
    Verdict {
        pass: false,
        largest: Some((d, student.position(at))),
        detail: lang.say(
            &format!(
                "{} at {}: yours {}, expected {}",
                lang.number(d),
                student.position(at),
                lang.number(student.data[at]),
                lang.number(right.data[at])
            ),
            &format!(
                "{} en {} : le vôtre {}, attendu {}",
                lang.number(d),
                student.position(at),
                lang.number(student.data[at]),
                lang.number(right.data[at])
            ),
        ),
        mistake,
    }
}

fn python_number(value: f64) -> &'static str {
    if value.is_nan() {
        "NaN"
    } else if value > 0.0 {
        "inf"
    } else {
        "-inf"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_a_missing_one_over_m_a_transpose_and_nan() {
        let right = Array::matrix(2, 3, vec![0.1, -0.2, 0.3, 0.4, 0.5, -0.6]);
        let v = compare_array(&right.scaled(64.0), &right, &[], Lang::En, 64);
        assert!(!v.pass);
        assert_eq!(v.mistake, Some(Mistake::MissingOneOverM));
        let v = compare_array(&right.t(), &right, &[], Lang::En, 64);
        assert_eq!(v.mistake, Some(Mistake::Transposed));
        let mut nan = right.clone();
        nan.data[4] = f64::NAN;
        let v = compare_array(&nan, &right, &[], Lang::En, 64);
        assert!(!v.pass);
        assert!(v.detail.contains("NaN at [1, 1]"), "{}", v.detail);
        let v = compare_array(&right.map(|x| x * (1.0 + 1e-7)), &right, &[], Lang::En, 64);
        assert!(v.pass);
        let column = Array::matrix(3, 1, vec![1.0, 2.0, 3.0]);
        let flat = Array::new(vec![3], vec![1.0, 2.0, 3.0]);
        let v = compare_array(&flat, &column, &[], Lang::En, 64);
        assert_eq!(v.mistake, Some(Mistake::KeepdimsMissing));
    }
}
