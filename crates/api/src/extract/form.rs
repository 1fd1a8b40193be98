//! Multipart and form bodies. Rails-style bracketed names (`organization[name]`,
//! `agent_avatars_attributes[][file]`) become nested JSON, and each uploaded file becomes a
//! placeholder `{"$upload": n}` pointing into the list of files, so one JSON reader serves
//! JSON and multipart requests alike.

use ace_app::Upload;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header;
use serde_json::{Map, Value};

use crate::error::{ApiError, ApiResult};
use crate::extract::body::body_value;

/// The key of an upload placeholder.
pub const UPLOAD_KEY: &str = "$upload";

/// A body with its uploads.
#[derive(Debug, Default)]
pub struct FormData {
    pub value: Value,
    pub uploads: Vec<Upload>,
}

impl FormData {
    /// The upload a placeholder value points at.
    pub fn upload(&self, value: &Value) -> Option<Upload> {
        let index = value.get(UPLOAD_KEY)?.as_u64()?;
        self.uploads.get(usize::try_from(index).ok()?).cloned()
    }
}

/// A body that may be JSON, form-encoded or multipart.
#[derive(Debug)]
pub struct FormOrJson(pub FormData);

impl<S: Send + Sync> FromRequest<S> for FormOrJson {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let is_multipart = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.to_ascii_lowercase().starts_with("multipart/"));
        if !is_multipart {
            let (parts, _) = request.into_parts();
            return Ok(FormOrJson(FormData {
                value: body_value(&parts),
                uploads: Vec::new(),
            }));
        }
        let mut multipart = open_multipart(request, state).await?;
        let mut root = Map::new();
        let mut uploads = Vec::new();
        while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
            let name = field.name().unwrap_or_default().to_owned();
            if field.file_name().is_some() {
                let file_name = field.file_name().map(str::to_owned);
                let bytes = field.bytes().await.map_err(multipart_error)?;
                let placeholder = serde_json::json!({ UPLOAD_KEY: uploads.len() });
                uploads.push(Upload { file_name, bytes });
                insert_bracketed(&mut root, &name, placeholder)?;
            } else {
                let text = field.text().await.map_err(multipart_error)?;
                insert_bracketed(&mut root, &name, Value::String(text))?;
            }
        }
        Ok(FormOrJson(FormData {
            value: Value::Object(root),
            uploads,
        }))
    }
}

/// Opens a multipart body for reading field by field.
pub(crate) async fn open_multipart<S: Send + Sync>(
    request: Request,
    state: &S,
) -> ApiResult<Multipart> {
    Multipart::from_request(request, state)
        .await
        .map_err(|err| {
            ApiError::bad_body(format!(
                "The multipart body could not be read: {}.",
                err.body_text()
            ))
        })
}

/// The error for a multipart body that cannot be read: 413 past the size limit, else 400.
pub(crate) fn multipart_error(err: axum::extract::multipart::MultipartError) -> ApiError {
    if err.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(
            ace_app::ErrorKind::PayloadTooLarge,
            ace_app::ErrorCode::PayloadTooLarge,
            "The upload is too large.",
        )
    } else {
        ApiError::bad_body(format!(
            "The multipart body could not be read: {}.",
            err.body_text()
        ))
    }
}

/// The deepest field name accepted (`agent[agent_avatars_attributes][][file]` has four parts).
const MAX_NAME_PARTS: usize = 8;
/// The longest field name accepted.
const MAX_NAME_BYTES: usize = 256;

/// Inserts `value` at a Rails-style bracketed path: `a[b]` nests, `a[]` appends to a list,
/// and `a[][b]` fills the last list item until it already has `b`, then starts a new one.
/// Names longer or deeper than any form of ours are refused, which also bounds the recursion.
pub fn insert_bracketed(
    root: &mut Map<String, Value>,
    name: &str,
    value: Value,
) -> Result<(), ApiError> {
    if name.len() > MAX_NAME_BYTES || name.matches('[').count() >= MAX_NAME_PARTS {
        return Err(ApiError::bad_body(format!(
            "Form field names are limited to {MAX_NAME_BYTES} bytes and {MAX_NAME_PARTS} bracketed parts."
        )));
    }
    let segments = split_name(name);
    if let Some((first, rest)) = segments.split_first() {
        insert_at(
            root.entry(first.clone()).or_insert(Value::Null),
            rest,
            value,
        );
    }
    Ok(())
}

fn split_name(name: &str) -> Vec<String> {
    let (head, tail) = name.split_once('[').map_or((name, ""), |(h, t)| (h, t));
    let mut segments = vec![head.to_owned()];
    if !tail.is_empty() {
        segments.extend(
            format!("[{tail}")
                .split('[')
                .skip(1)
                .map(|s| s.trim_end_matches(']').to_owned()),
        );
    }
    segments
}

fn insert_at(slot: &mut Value, path: &[String], value: Value) {
    let Some((segment, rest)) = path.split_first() else {
        *slot = value;
        return;
    };
    if segment.is_empty() {
        if !slot.is_array() {
            *slot = Value::Array(Vec::new());
        }
        let list = slot.as_array_mut().expect("just made a list");
        match rest.first() {
            None => list.push(value),
            Some(key) => {
                let fits_last = list
                    .last()
                    .and_then(Value::as_object)
                    .is_some_and(|item| !item.contains_key(key));
                if !fits_last {
                    list.push(Value::Object(Map::new()));
                }
                let last = list.last_mut().expect("the list has an item");
                insert_at(last, rest, value);
            }
        }
    } else {
        if !slot.is_object() {
            *slot = Value::Object(Map::new());
        }
        let object = slot.as_object_mut().expect("just made an object");
        insert_at(
            object.entry(segment.clone()).or_insert(Value::Null),
            rest,
            value,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn build(pairs: &[(&str, Value)]) -> Value {
        let mut root = Map::new();
        for (name, value) in pairs {
            insert_bracketed(&mut root, name, value.clone()).unwrap();
        }
        Value::Object(root)
    }

    #[test]
    fn bracketed_names_nest_like_rails() {
        let value = build(&[
            ("organization[name]", json!("Acme")),
            ("agent_id", json!("4")),
        ]);
        assert_eq!(
            value,
            json!({"organization": {"name": "Acme"}, "agent_id": "4"})
        );
    }

    #[test]
    fn list_items_start_anew_when_a_key_repeats() {
        let value = build(&[
            ("agent_avatars_attributes[][file]", json!(1)),
            ("agent_avatars_attributes[][is_primary]", json!("true")),
            ("agent_avatars_attributes[][file]", json!(2)),
        ]);
        assert_eq!(
            value,
            json!({"agent_avatars_attributes": [{"file": 1, "is_primary": "true"}, {"file": 2}]})
        );
    }

    #[test]
    fn deeply_nested_names_are_refused_instead_of_recursing() {
        let mut root = Map::new();
        let deep = format!("a{}", "[x]".repeat(20_000));
        assert!(insert_bracketed(&mut root, &deep, json!(1)).is_err());
        assert!(insert_bracketed(&mut root, "a[b][c][d][e][f][g][h][i]", json!(1)).is_err());
        assert!(root.is_empty());
    }

    #[test]
    fn a_bare_list_name_appends() {
        let value = build(&[
            ("agent_avatars_attributes[]", json!(1)),
            ("agent_avatars_attributes[]", json!(2)),
        ]);
        assert_eq!(value, json!({"agent_avatars_attributes": [1, 2]}));
    }
}
