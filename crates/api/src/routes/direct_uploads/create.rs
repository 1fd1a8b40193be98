//! Declare a direct upload.

use ace_app::direct_uploads::{BlobRequest, upload_failed};
use axum::Json;
use axum::extract::State;
use serde_json::Value;

use crate::dto::files::{BlobBody, DirectUploadResponse};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Authenticated, Wrapped};
use crate::state::ApiState;

/// Declares a file of up to 1 GB (`blob.filename`, `byte_size`, base64 MD5 `checksum`,
/// `content_type`) and answers where to PUT it and its `signed_id`.
#[utoipa::path(post, path = "/v1/direct_upload", tag = "Direct Upload", operation_id = "createDirectUpload",
    request_body = BlobBody,
    responses((status = 200, body = DirectUploadResponse), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn create_direct_upload(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Wrapped(body): Wrapped<BlobBody>,
) -> ApiResult<Json<DirectUploadResponse>> {
    let not_whole = || ApiError(upload_failed("blob.byte_size must be a whole number."));
    let byte_size = match &body.byte_size {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => Some(n.as_i64().ok_or_else(not_whole)?),
        Some(Value::String(s)) => Some(s.trim().parse().map_err(|_| not_whole())?),
        Some(_) => return Err(not_whole()),
    };
    let request = BlobRequest {
        filename: body.filename,
        byte_size,
        checksum: body.checksum,
        content_type: body.content_type,
        metadata: body.metadata,
    };
    let ticket = ace_app::direct_uploads::create(&state.app, &actor, request).await?;
    Ok(Json(DirectUploadResponse::from(&ticket)))
}
