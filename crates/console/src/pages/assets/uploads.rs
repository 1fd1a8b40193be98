//! The two calls the upload script makes around sending the bytes: a ticket for a direct
//! upload (where to send them, and the signed id), then recording the uploaded file in the
//! library. Both answer JSON, errors in the API's envelope, and take the session's CSRF token
//! in the `X-CSRF-Token` header.

use ace_app::AppError;
use ace_app::content_resources::Placement;
use ace_app::direct_uploads::BlobRequest;
use ace_domain::ids::{AgentId, AssetFolderId};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use crate::Console;
use crate::pages::ideas::AgentPlace;
use crate::session::Signed;

/// A file the script is about to send.
#[derive(Deserialize)]
pub struct Declared {
    filename: String,
    byte_size: i64,
    content_type: String,
    /// Base64 MD5 of the bytes.
    checksum: String,
}

pub async fn ticket(
    State(console): State<Console>,
    signed: Signed,
    Path(place): Path<AgentPlace>,
    headers: HeaderMap,
    Json(declared): Json<Declared>,
) -> Response {
    if let Some(refused) = stale(&signed, &headers) {
        return refused;
    }
    let (app, actor) = (&console.app, &signed.actor);
    let agent = AgentId::new(place.agent);
    if let Err(err) = ace_app::content_resources::authorize_upload(app, actor, agent).await {
        return envelope(&err);
    }
    let request = BlobRequest {
        filename: Some(declared.filename),
        byte_size: Some(declared.byte_size),
        checksum: Some(declared.checksum),
        content_type: Some(declared.content_type),
        metadata: None,
    };
    match ace_app::direct_uploads::create(app, actor, request).await {
        Ok(ticket) => {
            let headers: serde_json::Map<String, serde_json::Value> = ticket
                .headers
                .into_iter()
                .map(|(name, value)| (name, json!(value)))
                .collect();
            let url = same_origin(console.app.public_url(), &ticket.url);
            Json(json!({ "signed_id": ticket.signed_id, "url": url, "headers": headers }))
                .into_response()
        }
        Err(err) => envelope(&err),
    }
}

/// An upload URL on ace itself as a path, so the page sends the bytes to the origin it was
/// loaded from (the public URL may name the host differently, `localhost` for `127.0.0.1`,
/// and a cross-origin PUT would need CORS). Storage elsewhere (S3) keeps its URL.
fn same_origin<'a>(public_url: &str, url: &'a str) -> &'a str {
    url.strip_prefix(public_url.trim_end_matches('/'))
        .filter(|path| path.starts_with('/'))
        .unwrap_or(url)
}

/// An uploaded file to record.
#[derive(Deserialize)]
pub struct Uploaded {
    signed_id: String,
    folder: Option<i64>,
}

pub async fn record(
    State(console): State<Console>,
    signed: Signed,
    Path(place): Path<AgentPlace>,
    headers: HeaderMap,
    Json(uploaded): Json<Uploaded>,
) -> Response {
    if let Some(refused) = stale(&signed, &headers) {
        return refused;
    }
    let placement = Placement {
        folder: uploaded.folder.map(AssetFolderId::new),
        project: None,
    };
    let recorded = ace_app::content_resources::record_direct_upload(
        &console.app,
        &signed.actor,
        AgentId::new(place.agent),
        &uploaded.signed_id,
        placement,
    )
    .await;
    match recorded {
        Ok(resource) => (
            StatusCode::CREATED,
            Json(json!({ "id": resource.id.get(), "file_name": resource.file_name, "url": resource.url })),
        )
            .into_response(),
        Err(err) => envelope(&err),
    }
}

fn stale(signed: &Signed, headers: &HeaderMap) -> Option<Response> {
    let token = headers
        .get("x-csrf-token")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    (!signed.holds(token)).then(|| {
        envelope(&AppError::forbidden(
            ace_app::ErrorCode::Forbidden,
            "This page has expired; reload it and try again.",
        ))
    })
}

/// A refusal as the API answers it; internals are logged, not shown.
fn envelope(err: &AppError) -> Response {
    let status =
        StatusCode::from_u16(err.kind.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let message = if err.kind == ace_app::ErrorKind::Internal {
        tracing::error!(code = %err.code, cause = ?err.source, "a console upload failed: {}", err.message);
        "Something went wrong on the server.".to_owned()
    } else {
        err.message.clone()
    };
    (
        status,
        Json(json!({ "error": message, "error_code": err.code.to_string() })),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_upload_url_on_ace_itself_becomes_a_path_and_others_stay_whole() {
        let ace = "http://localhost:8080/";
        assert_eq!(
            same_origin(ace, "http://localhost:8080/v1/direct_uploads/abc"),
            "/v1/direct_uploads/abc"
        );
        let s3 = "https://bucket.s3.amazonaws.com/resources/x.png?X-Amz-Signature=1";
        assert_eq!(same_origin(ace, s3), s3);
        assert_eq!(
            same_origin(ace, "http://localhost:80800/x"),
            "http://localhost:80800/x"
        );
    }
}
