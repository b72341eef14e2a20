//! The display name a student gives: 1 to [`MAX_NAME_CHARS`] characters, letters (any
//! script), digits, spaces and `-'._`, trimmed, never empty. Whatever passes is still shown as
//! text, never as markup (the page sets `textContent`; the CSV quotes it).

/// Longest display name, in characters.
pub const MAX_NAME_CHARS: usize = 40;

/// The name `given`, trimmed and with inner runs of spaces made one, or why it is refused.
pub fn checked_name(given: &str) -> Result<String, String> {
    let name = given.split_whitespace().collect::<Vec<_>>().join(" ");
    let count = name.chars().count();
    if count == 0 {
        return Err("name: give at least one letter".into());
    }
    if count > MAX_NAME_CHARS {
        return Err(format!(
            "name: at most {MAX_NAME_CHARS} characters, got {count}"
        ));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_alphanumeric() || matches!(c, ' ' | '-' | '\'' | '.' | '_')))
    {
        return Err(format!(
            "name: letters, digits, spaces and - ' . _ only, not {bad:?}"
        ));
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_students_pass_markup_does_not() {
        assert_eq!(checked_name("  Zoé   Le Gall ").unwrap(), "Zoé Le Gall");
        assert_eq!(
            checked_name("Ana-María O'Neil").unwrap(),
            "Ana-María O'Neil"
        );
        assert_eq!(checked_name("李雷").unwrap(), "李雷");
        for bad in [
            "",
            "   ",
            "<img src=x onerror=alert(1)>",
            "a\u{0}b",
            "x\"y",
            &"a".repeat(41),
        ] {
            assert!(checked_name(bad).is_err(), "{bad:?}");
        }
    }
}
