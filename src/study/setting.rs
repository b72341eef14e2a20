//! An initialisation as the study names it: `normal:σ`, `xavier`, `glorot` or `he`.

use std::fmt;
use std::str::FromStr;

use crate::limits::MAX_INIT_STD;
use crate::model::WeightInit;

/// A weight initialisation with its σ (used by `normal` only).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InitChoice {
    /// The scheme.
    pub init: WeightInit,
    /// σ of `normal`.
    pub std: f64,
}

impl InitChoice {
    /// N(0, σ²).
    pub fn normal(std: f64) -> Self {
        Self {
            init: WeightInit::Normal,
            std,
        }
    }

    /// A scheme that needs no σ.
    pub fn scheme(init: WeightInit) -> Self {
        Self { init, std: 0.3 }
    }

    /// The study's default set: normal σ 0.01, the lab's σ 0.3, σ 1.0, xavier, glorot, he.
    pub fn defaults() -> Vec<Self> {
        vec![
            Self::normal(0.01),
            Self::normal(0.3),
            Self::normal(1.0),
            Self::scheme(WeightInit::Xavier),
            Self::scheme(WeightInit::Glorot),
            Self::scheme(WeightInit::He),
        ]
    }

    /// σ for `normal`, nothing for the others (a CSV cell).
    pub fn std_cell(&self) -> String {
        match self.init {
            WeightInit::Normal => format!("{}", self.std),
            _ => String::new(),
        }
    }

    /// The scheme's flag name.
    pub fn scheme_name(&self) -> &'static str {
        match self.init {
            WeightInit::Normal => "normal",
            WeightInit::Xavier => "xavier",
            WeightInit::Glorot => "glorot",
            WeightInit::He => "he",
        }
    }
}

impl fmt::Display for InitChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.init {
            WeightInit::Normal => write!(f, "normal σ={}", self.std),
            _ => f.write_str(self.scheme_name()),
        }
    }
}

impl FromStr for InitChoice {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let expected = "expected normal:<σ>, xavier, glorot or he";
        match text.split_once(':') {
            Some(("normal", std)) => match std.parse::<f64>() {
                Ok(std) if std.is_finite() && std > 0.0 && std <= MAX_INIT_STD => {
                    Ok(Self::normal(std))
                }
                _ => Err(format!(
                    "σ of `{text}` must be a finite number in (0, {MAX_INIT_STD}]"
                )),
            },
            Some(_) => Err(format!("unknown initialisation `{text}`; {expected}")),
            None => match text {
                "xavier" => Ok(Self::scheme(WeightInit::Xavier)),
                "glorot" => Ok(Self::scheme(WeightInit::Glorot)),
                "he" => Ok(Self::scheme(WeightInit::He)),
                "normal" => Err(format!("`normal` needs its σ, e.g. normal:0.3; {expected}")),
                _ => Err(format!("unknown initialisation `{text}`; {expected}")),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_every_default() {
        for choice in InitChoice::defaults() {
            let text = match choice.init {
                WeightInit::Normal => format!("normal:{}", choice.std),
                _ => choice.scheme_name().to_string(),
            };
            assert_eq!(text.parse::<InitChoice>().unwrap(), choice);
        }
        assert_eq!(InitChoice::normal(0.3).to_string(), "normal σ=0.3");
    }

    #[test]
    fn rejects_what_it_cannot_use() {
        for bad in [
            "normal",
            "normal:0",
            "normal:-1",
            "normal:x",
            "uniform",
            "he:2",
        ] {
            assert!(bad.parse::<InitChoice>().is_err(), "{bad}");
        }
    }
}
