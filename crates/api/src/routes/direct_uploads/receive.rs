//! Receive the bytes of a direct upload (local backend only). The signed URL is the
//! credential: no API key is needed, exactly as with an S3 presigned URL.

use ace_app::direct_uploads::PutHeaders;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use futures::TryStreamExt;

use crate::error::ApiResult;
use crate::state::ApiState;

/// `PUT /v1/direct_uploads/{token}`: one PUT with the declared `Content-Type`, `Content-MD5`
/// and size; the file becomes usable only once verified. Answers 200 with no body.
pub async fn receive_direct_upload(
    State(state): State<ApiState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<StatusCode> {
    let text = |name: header::HeaderName| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let put = PutHeaders {
        content_type: text(header::CONTENT_TYPE),
        content_md5: text(header::HeaderName::from_static("content-md5")),
        content_length: text(header::CONTENT_LENGTH).and_then(|v| v.parse().ok()),
    };
    let stream = body.into_data_stream().map_err(|err| err.to_string());
    ace_app::direct_uploads::receive(&state.app, &token, &put, Box::pin(stream)).await?;
    Ok(StatusCode::OK)
}
