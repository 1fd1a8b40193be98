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
use crate::extract::bracketed_names::insert_bracketed;

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
