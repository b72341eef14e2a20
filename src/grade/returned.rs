//! What a student's function returned, as the harness encodes it (`encode` in harness.py):
//! arrays (numbers, with non-finite entries as "nan", "inf", "-inf"), dicts, tuples and lists,
//! and anything else by its type and `repr`.

use serde_json::Value;

use super::array::Array;

/// One value returned by the student's code.
#[derive(Debug, Clone)]
pub enum Returned {
    /// A NumPy array or a Python number (shape `[]`).
    Array(Array),
    /// A dict, its keys in the student's order.
    Dict(Vec<(String, Returned)>),
    /// A tuple or a list.
    Sequence(Vec<Returned>),
    /// Anything else: its Python type and `repr`.
    Other { kind: String, repr: String },
}

impl Returned {
    /// Decodes the harness's JSON for one value.
    pub fn from_json(value: &Value) -> Self {
        if let (Some(shape), Some(data)) = (value.get("shape"), value.get("data")) {
            let shape: Vec<usize> = shape
                .as_array()
                .map(|s| {
                    s.iter()
                        .filter_map(Value::as_u64)
                        .map(|d| d as usize)
                        .collect()
                })
                .unwrap_or_default();
            let data: Vec<f64> = data
                .as_array()
                .map(|d| d.iter().map(number).collect())
                .unwrap_or_default();
            if shape.iter().product::<usize>() == data.len() {
                return Returned::Array(Array::new(shape, data));
            }
            return other("malformed array", "");
        }
        if let Some(keys) = value.get("keys").and_then(Value::as_object) {
            return Returned::Dict(
                keys.iter()
                    .map(|(k, v)| (k.clone(), Returned::from_json(v)))
                    .collect(),
            );
        }
        if let Some(items) = value.get("items").and_then(Value::as_array) {
            return Returned::Sequence(items.iter().map(Returned::from_json).collect());
        }
        let kind = value.get("type").and_then(Value::as_str).unwrap_or("?");
        let repr = value.get("repr").and_then(Value::as_str).unwrap_or("");
        other(kind, repr)
    }

    /// The array, if this is one.
    pub fn as_array(&self) -> Option<&Array> {
        match self {
            Returned::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The value under `wanted` in a dict, by the lab's name (`dW1`), ignoring case, `_` and
    /// brackets (`dw1`, `dW[1]`).
    pub fn get(&self, wanted: &str) -> Option<&Returned> {
        let Returned::Dict(entries) = self else {
            return None;
        };
        entries
            .iter()
            .find(|(k, _)| k == wanted)
            .or_else(|| entries.iter().find(|(k, _)| key_of(k) == key_of(wanted)))
            .map(|(_, v)| v)
    }

    /// What it is, in a few words: `str 'todo'`, `dict`, `tuple of 3`, `array (10, 1)`.
    pub fn describe(&self) -> String {
        match self {
            Returned::Array(a) => format!("array {}", a.shape_text()),
            Returned::Dict(_) => "dict".to_string(),
            Returned::Sequence(items) => format!("tuple of {}", items.len()),
            Returned::Other { kind, repr } if repr.is_empty() => kind.clone(),
            Returned::Other { kind, repr } => format!("{kind} {repr}"),
        }
    }
}

fn other(kind: &str, repr: &str) -> Returned {
    Returned::Other {
        kind: kind.to_string(),
        repr: repr.to_string(),
    }
}

fn number(value: &Value) -> f64 {
    match value {
        Value::Number(n) => n.as_f64().unwrap_or(f64::NAN),
        Value::String(s) if s == "inf" => f64::INFINITY,
        Value::String(s) if s == "-inf" => f64::NEG_INFINITY,
        _ => f64::NAN,
    }
}

/// A key compared without case, `_` or brackets.
pub fn key_of(key: &str) -> String {
    key.chars()
        .filter(|c| !matches!(c, '_' | '[' | ']'))
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrays_dicts_and_non_finite_entries() {
        let v: Value = serde_json::from_str(
            r#"{"type":"dict","keys":{"dW1":{"shape":[2],"data":[1.5,"nan"]},"x":{"type":"str","repr":"'todo'"}}}"#,
        )
        .unwrap();
        let r = Returned::from_json(&v);
        let a = r.get("dw1").and_then(Returned::as_array).unwrap();
        assert_eq!(a.shape, vec![2]);
        assert!(a.data[1].is_nan());
        assert_eq!(r.get("x").unwrap().describe(), "str 'todo'");
    }
}
