//! The one error type for invalid input: it names the field, so messages can say what to fix.

use std::fmt;

/// What is wrong with one input field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's path as the client wrote it, such as `monitored[2].item_type`.
    pub field: String,
    /// What is wrong, phrased to follow the field name ("is required", "must be ...").
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }

    /// Prefixes the field path, for errors raised inside a nested object or list item.
    #[must_use]
    pub fn within(mut self, parent: &str) -> Self {
        self.field = if self.field.starts_with('[') {
            format!("{parent}{}", self.field)
        } else {
            format!("{parent}.{}", self.field)
        };
        self
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.field, self.message)
    }
}

impl std::error::Error for FieldError {}

/// Turns a serde error met while reading a JSON document into a [`FieldError`] on the path
/// where it happened.
pub fn from_json_path_error(err: &serde_path_to_error::Error<serde_json::Error>) -> FieldError {
    let path = err.path().to_string();
    let inner = err.inner().to_string();
    // serde_json appends " at line N column M", which means nothing to a client that sent a
    // value rather than a file.
    let message = inner.split(" at line ").next().unwrap_or(&inner).to_owned();
    if path == "." {
        FieldError::new("body", message)
    } else {
        FieldError::new(path, message)
    }
}
