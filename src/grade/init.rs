//! The student's initialisation by statistics: shapes, biases at zero, and each weight matrix
//! against the lab's distribution by a Kolmogorov–Smirnov test whose false-alarm rate is
//! [`FALSE_ALARM`] per matrix (so a right initialisation fails one grading in 500,000).

use super::array::{Array, shape_text};
use super::mistakes::Lang;

/// The probability that a right initialisation is refused, per weight matrix.
pub const FALSE_ALARM: f64 = 1e-6;

/// The distribution the lab prescribes for a weight matrix with `n_in` inputs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Distribution {
    /// U(−a, a).
    Uniform(f64),
    /// N(0, σ²).
    Normal(f64),
}

impl Distribution {
    fn cdf(self, x: f64) -> f64 {
        match self {
            Distribution::Uniform(a) => ((x + a) / (2.0 * a)).clamp(0.0, 1.0),
            Distribution::Normal(s) => 0.5 * erfc(-x / (s * std::f64::consts::SQRT_2)),
        }
    }

    /// How the lab writes it: `U(±0.0357)`, `N(0, 0.3²)`.
    pub fn describe(self, lang: Lang) -> String {
        match self {
            Distribution::Uniform(a) => format!("U(±{})", lang.number(a)),
            Distribution::Normal(s) => format!("N(0, {}²)", lang.number(s)),
        }
    }
}

/// The complementary error function (Numerical Recipes' Chebyshev fit, relative error below
/// 1.2e-7 everywhere: far below the KS test's resolution).
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let r = t * poly.exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

/// The Kolmogorov–Smirnov statistic of `sample` against `distribution`.
pub fn ks_statistic(sample: &[f64], distribution: Distribution) -> f64 {
    let mut sorted: Vec<f64> = sample.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len() as f64;
    sorted
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            let f = distribution.cdf(x);
            (f - i as f64 / n).max((i + 1) as f64 / n - f)
        })
        .fold(0.0, f64::max)
}

/// The KS statistic above which a sample of `n` is refused at [`FALSE_ALARM`] (the asymptotic
/// two-sided bound √(ln(2/α)/2)/√n).
pub fn ks_threshold(n: usize) -> f64 {
    ((2.0 / FALSE_ALARM).ln() / 2.0).sqrt() / (n as f64).sqrt()
}

/// One weight matrix against `expected`: `Ok(())` or what it looks like instead.
pub fn check_weights(weights: &Array, expected: Distribution, lang: Lang) -> Result<(), String> {
    let n = weights.data.len();
    if let Some(i) = weights.data.iter().position(|x| !x.is_finite()) {
        return Err(format!(
            "{} {}",
            lang.say("not finite at", "non fini en"),
            weights.position(i)
        ));
    }
    let d = ks_statistic(&weights.data, expected);
    if d <= ks_threshold(n) {
        return Ok(());
    }
    let mean = weights.data.iter().sum::<f64>() / n as f64;
    let std = (weights.data.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64).sqrt();
    let min = weights.data.iter().cloned().fold(f64::INFINITY, f64::min);
    let max = weights
        .data
        .iter()
        .cloned()
        .fold(f64::NEG_INFINITY, f64::max);
    let centred = mean.abs() <= 5.0 * std / (n as f64).sqrt() + 1e-12;
    let looks = if centred
        && std > 0.0
        && ks_statistic(&weights.data, Distribution::Normal(std)) <= ks_threshold(n)
    {
        Distribution::Normal(std).describe(lang)
    } else if centred
        && max > 0.0
        && ks_statistic(&weights.data, Distribution::Uniform(max.max(-min))) <= ks_threshold(n)
    {
        Distribution::Uniform(max.max(-min)).describe(lang)
    } else {
        lang.say(
            &format!(
                "mean {}, std {}, range [{}, {}]",
                lang.number(mean),
                lang.number(std),
                lang.number(min),
                lang.number(max)
            ),
            &format!(
                "moyenne {}, écart-type {}, étendue [{} ; {}]",
                lang.number(mean),
                lang.number(std),
                lang.number(min),
                lang.number(max)
            ),
        )
    };
    Err(lang.say(
        &format!("looks like {looks}, expected {}", expected.describe(lang)),
        &format!("ressemble à {looks}, attendu {}", expected.describe(lang)),
    ))
}

/// A bias: all zeros of shape `(n, 1)`.
pub fn check_bias(bias: &Array, n: usize, lang: Lang) -> Result<(), String> {
    if bias.shape != [n, 1] {
        return Err(lang.say(
            &format!(
                "shape {}, expected {}",
                bias.shape_text(),
                shape_text(&[n, 1])
            ),
            &format!(
                "forme {}, attendue {}",
                bias.shape_text(),
                shape_text(&[n, 1])
            ),
        ));
    }
    match bias.data.iter().position(|&b| b != 0.0) {
        None => Ok(()),
        Some(i) => Err(lang.say(
            &format!(
                "not zero: {} at {}",
                lang.number(bias.data[i]),
                bias.position(i)
            ),
            &format!(
                "non nul : {} en {}",
                lang.number(bias.data[i]),
                bias.position(i)
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SplitMix64;

    fn uniform(n: usize, a: f64, seed: u64) -> Vec<f64> {
        let mut rng = SplitMix64::new(seed);
        (0..n)
            .map(|_| ((rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0) * a)
            .collect()
    }

    #[test]
    fn a_right_uniform_passes_and_a_normal_is_named() {
        let a = (1.0_f64 / 784.0).sqrt();
        let w = Array::matrix(132, 784, uniform(132 * 784, a, 7));
        assert!(check_weights(&w, Distribution::Uniform(a), Lang::En).is_ok());
        // Box–Muller normals with σ = 1.
        let u = uniform(2 * 1320, 1.0, 9);
        let normal: Vec<f64> = u
            .chunks(2)
            .map(|p| {
                let (u1, u2) = ((p[0].abs()).max(1e-300), p[1]);
                (-2.0 * u1.ln()).sqrt() * (std::f64::consts::PI * u2).cos()
            })
            .collect();
        let w = Array::matrix(10, 132, normal);
        let why = check_weights(&w, Distribution::Uniform(a), Lang::En).unwrap_err();
        assert!(why.starts_with("looks like N(0, "), "{why}");
        assert!((erfc(0.0) - 1.0).abs() < 1e-7 && (erfc(1.0) - 0.157_299_207).abs() < 1e-7);
    }
}
