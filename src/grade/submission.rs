//! A student's submission as code cells: a `.py` file is one cell; a notebook (`.ipynb`,
//! nbformat 4) gives its code cells, numbered as the notebook shows them (every cell counts,
//! from 1), in order.

use std::path::Path;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::files::read_regular_text;

/// Largest submission read (8 MiB: a lab is a few hundred lines; a notebook with its outputs
/// a few megabytes).
pub const MAX_SUBMISSION: u64 = 8 << 20;

/// One cell of code and its place in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// 1 for a `.py` file; the cell's position among all the notebook's cells.
    pub index: usize,
    pub source: String,
}

/// Whether `path` names a file `grade` reads (`.py` or `.ipynb`).
pub fn is_submission(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("py") | Some("ipynb")
    )
}

/// The code cells of `path`.
pub fn read_cells(path: &Path) -> Result<Vec<Cell>> {
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    if !matches!(extension, "py" | "ipynb") {
        return Err(Error::data(
            path,
            "expected a Python file (.py) or a notebook (.ipynb)",
        ));
    }
    let text = read_regular_text(path, MAX_SUBMISSION).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::data(path, "file not found"),
        _ => Error::data(path, e.to_string()),
    })?;
    if extension == "py" {
        return Ok(vec![Cell {
            index: 1,
            source: text,
        }]);
    }
    notebook_cells(&text).map_err(|reason| Error::data(path, reason))
}

/// The code cells of a notebook's JSON text.
pub fn notebook_cells(text: &str) -> std::result::Result<Vec<Cell>, String> {
    let notebook: Value =
        serde_json::from_str(text).map_err(|e| format!("not a notebook: invalid JSON ({e})"))?;
    let cells = notebook
        .get("cells")
        .and_then(Value::as_array)
        .ok_or("not a notebook: no \"cells\" list (nbformat 4 expected)")?;
    let mut code = Vec::new();
    for (i, cell) in cells.iter().enumerate() {
        if cell.get("cell_type").and_then(Value::as_str) != Some("code") {
            continue;
        }
        let source = match cell.get("source") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Array(lines)) => lines.iter().filter_map(Value::as_str).collect(),
            _ => String::new(),
        };
        // IPython's magics and shell lines (`%matplotlib inline`, `!pip install`) are not
        // Python: they become comments, so that the cell's definitions still load.
        let source = source
            .lines()
            .map(|line| {
                let t = line.trim_start();
                if t.starts_with('%') || t.starts_with('!') {
                    format!("# {line}")
                } else {
                    line.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        code.push(Cell {
            index: i + 1,
            source,
        });
    }
    if code.is_empty() {
        return Err("the notebook has no code cell".to_string());
    }
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_cells_keep_their_place_and_magics_become_comments() {
        let nb = r##"{"cells":[{"cell_type":"markdown","source":["# TP"]},
            {"cell_type":"code","source":["%matplotlib inline\n","def f(x):\n","    return x\n"]}],
            "nbformat":4,"nbformat_minor":4,"metadata":{}}"##;
        let cells = notebook_cells(nb).unwrap();
        assert_eq!(cells.len(), 1);
        assert_eq!(cells[0].index, 2);
        assert!(cells[0].source.starts_with("# %matplotlib"));
        assert!(notebook_cells("{").unwrap_err().contains("invalid JSON"));
        assert!(notebook_cells("{}").unwrap_err().contains("cells"));
    }
}
