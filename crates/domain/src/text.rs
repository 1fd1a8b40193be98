//! Validated free text: names and labels are trimmed, bounded in characters (not bytes) and
//! free of control characters, so nothing odd reaches logs, file names or other clients.

use crate::FieldError;

/// Checks and normalises a required piece of single-line text.
pub fn required_line(field: &str, raw: &str, max_chars: usize) -> Result<String, FieldError> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(FieldError::new(field, "can't be blank"));
    }
    bounded(field, value, max_chars, false)
}

/// Checks optional single-line text: blank becomes `None`.
pub fn optional_line(
    field: &str,
    raw: Option<&str>,
    max_chars: usize,
) -> Result<Option<String>, FieldError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(value) => bounded(field, value, max_chars, false).map(Some),
    }
}

/// Checks free-form text that may span lines (descriptions, personas); it is kept as written
/// apart from surrounding white space.
pub fn multiline(field: &str, raw: &str, max_chars: usize) -> Result<String, FieldError> {
    bounded(field, raw.trim(), max_chars, true)
}

fn bounded(
    field: &str,
    value: &str,
    max_chars: usize,
    allow_newlines: bool,
) -> Result<String, FieldError> {
    let count = value.chars().count();
    if count > max_chars {
        return Err(FieldError::new(
            field,
            format!("is too long ({count} characters; the maximum is {max_chars})"),
        ));
    }
    let forbidden =
        |c: char| c.is_control() && !(allow_newlines && matches!(c, '\n' | '\r' | '\t'));
    if value.chars().any(forbidden) {
        return Err(FieldError::new(
            field,
            "must not contain control characters",
        ));
    }
    Ok(value.to_owned())
}

/// The form in which names are compared and indexed: trimmed, in Unicode lower case. Every
/// case-insensitive uniqueness (agent names, emails, usernames, plan names) uses it, so SQLite
/// and PostgreSQL agree; SQLite's own `lower()` folds ASCII only.
pub fn fold(text: &str) -> String {
    text.trim().to_lowercase()
}

/// Checks an IANA time zone name such as `America/New_York`.
pub fn time_zone(field: &str, raw: &str) -> Result<String, FieldError> {
    let name = raw.trim();
    name.parse::<chrono_tz::Tz>()
        .map(|tz| tz.name().to_owned())
        .map_err(|_| FieldError::new(field, format!("'{name}' is not a known IANA time zone")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_is_counted_in_characters_not_bytes() {
        let tacos = "🌮".repeat(10);
        assert!(required_line("name", &tacos, 10).is_ok());
        assert!(required_line("name", &format!("{tacos}!"), 10).is_err());
    }

    #[test]
    fn blank_names_and_control_characters_are_refused() {
        assert_eq!(
            required_line("name", "   ", 10).unwrap_err().to_string(),
            "name can't be blank"
        );
        assert!(required_line("name", "a\u{7}b", 10).is_err());
        assert!(multiline("personality", "line one\nline two", 100).is_ok());
    }

    #[test]
    fn folding_lowers_every_script_not_just_ascii() {
        assert_eq!(fold(" École "), fold("école"));
        assert_eq!(fold("ΣΑΝΤΙΆΓΟ"), "σαντιάγο");
    }

    #[test]
    fn time_zones_must_be_real() {
        assert_eq!(
            time_zone("time_zone", " Europe/London ").unwrap(),
            "Europe/London"
        );
        assert!(time_zone("time_zone", "Mars/Olympus").is_err());
    }
}
