//! CSV fields for tables that people open in a spreadsheet (the grader's class CSV, the class's
//! runs): a student's text stays text.

/// A CSV field, quoted when it holds a comma, a quote or a line break; a leading `=`, `+`, `-`
/// or `@` gets a `'` so that a spreadsheet never reads a student's text as a formula.
pub fn csv_field(text: &str) -> String {
    let text = text.replace(['\n', '\r'], " ");
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text
    };
    if text.contains([',', '"']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_never_formulas() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"x\""), "\"say \"\"x\"\"\"");
        assert_eq!(csv_field("=cmd()"), "'=cmd()");
        assert_eq!(csv_field("two\nlines"), "two lines");
        assert_eq!(csv_field("Zoé"), "Zoé");
    }
}
