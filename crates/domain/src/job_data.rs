//! The fields of a user job's `data`: a JSON object sent as a JSON string (or as the object
//! itself), whose values may arrive as strings from form encodings. Each reader names the
//! field it refuses.

use serde_json::{Map, Value};

use crate::FieldError;

/// The object in a job's `data`: a JSON string of an object, or the object itself.
pub(crate) fn object_of(data: &Value) -> Result<Map<String, Value>, FieldError> {
    let object = match data {
        Value::String(text) => serde_json::from_str::<Value>(text).map_err(|err| {
            FieldError::new("data", format!("must be a JSON object in a string ({err})"))
        })?,
        other => other.clone(),
    };
    match object {
        Value::Object(fields) => Ok(fields),
        _ => Err(FieldError::new("data", "must be a JSON object")),
    }
}

pub(crate) fn required_word<T: std::str::FromStr<Err = crate::wire_enum::NotOneOf>>(
    fields: &Map<String, Value>,
    key: &str,
) -> Result<T, FieldError> {
    let word = text(fields, key)?.unwrap_or_default();
    if word.trim().is_empty() {
        return Err(FieldError::new(key, "is required"));
    }
    word.trim()
        .to_ascii_lowercase()
        .parse()
        .map_err(|err: crate::wire_enum::NotOneOf| FieldError::new(key, err.to_string()))
}

pub(crate) fn text(fields: &Map<String, Value>, key: &str) -> Result<Option<String>, FieldError> {
    match fields.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(Value::Number(number)) => Ok(Some(number.to_string())),
        Some(_) => Err(FieldError::new(key, "must be a string")),
    }
}

pub(crate) fn number(fields: &Map<String, Value>, key: &str) -> Result<Option<u32>, FieldError> {
    let not_whole = || FieldError::new(key, "must be a whole number");
    match fields.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(number)) => number
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .map(Some)
            .ok_or_else(not_whole),
        Some(Value::String(text)) if text.trim().is_empty() => Ok(None),
        Some(Value::String(text)) => text.trim().parse().map(Some).map_err(|_| not_whole()),
        Some(_) => Err(not_whole()),
    }
}

pub(crate) fn flag(fields: &Map<String, Value>, key: &str) -> Result<Option<bool>, FieldError> {
    match fields.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(flag)) => Ok(Some(*flag)),
        Some(Value::String(text)) => match text.trim().to_ascii_lowercase().as_str() {
            "" => Ok(None),
            "true" | "1" => Ok(Some(true)),
            "false" | "0" => Ok(Some(false)),
            _ => Err(FieldError::new(key, "must be true or false")),
        },
        Some(_) => Err(FieldError::new(key, "must be true or false")),
    }
}
