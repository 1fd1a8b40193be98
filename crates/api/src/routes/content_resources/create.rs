//! Upload a file, or turn a direct upload into a resource.

use ace_app::content_resources::{ContentResource, Placement};
use ace_app::files::Incoming;
use ace_app::{Actor, App, AppError, content_resources};
use ace_domain::ids::{AgentId, AssetFolderId, SpreadsheetId, parse_raw_id};
use axum::Json;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use serde_json::Value;

use crate::dto::files::{ContentResourceBody, ContentResourceEnvelope};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::body::{body_value, unwrap_resource};
use crate::extract::form::{multipart_error, open_multipart};
use crate::extract::{AgentParam, Authenticated};
use crate::state::ApiState;

/// Adds a file to an agent's library: multipart `content_resource[file]` (streamed to
/// storage; the type is decided by the bytes), or JSON `{content_resource: {file: <signed_id>}}`
/// for a direct upload. `asset_folder[id]` puts it in a folder; `project_node[project_id]` (GEN's
/// SDK) lists it under that engine.
#[utoipa::path(post, path = "/v1/content_resources", tag = "Content Resources", operation_id = "createContentResource",
    params(("agent_id" = i64, Query)),
    request_body(content = ContentResourceBody, description = "multipart `content_resource[file]` (+ `asset_folder[id]`), or JSON with a signed id"),
    responses((status = 201, body = ContentResourceEnvelope), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn create_content_resource(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    request: Request,
) -> ApiResult<(StatusCode, Json<ContentResourceEnvelope>)> {
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.to_ascii_lowercase().starts_with("multipart/"));
    let record = if multipart {
        upload(&state, &actor, agent, request).await?
    } else {
        attach_direct_upload(&state.app, &actor, agent, request).await?
    };
    let envelope = ContentResourceEnvelope::new(&record, None);
    Ok((StatusCode::CREATED, Json(envelope)))
}

/// A multipart upload: the file streams to storage as the form is read; nothing is kept if
/// the form turns out wrong.
async fn upload(
    state: &ApiState,
    actor: &Actor,
    agent: AgentId,
    request: Request,
) -> ApiResult<ContentResource> {
    let app = &state.app;
    content_resources::authorize_upload(app, actor, agent).await?;
    let mut form = open_multipart(request, state).await?;
    let mut staged = None;
    let mut placement = Placement::default();
    let read = async {
        while let Some(field) = form.next_field().await.map_err(multipart_error)? {
            match field.name().unwrap_or_default() {
                "content_resource[file]" | "file" if field.file_name().is_some() => {
                    if staged.is_some() {
                        return Err(refused("Send one file per request."));
                    }
                    let incoming = Incoming {
                        file_name: field.file_name().map(str::to_owned),
                        content_type: field.content_type().map(str::to_owned),
                        body: Box::pin(field),
                    };
                    staged = Some(content_resources::stage(app, incoming).await?);
                }
                "asset_folder[id]" | "asset_folder_id" => {
                    placement.folder =
                        Some(folder_id(&field.text().await.map_err(multipart_error)?)?)
                }
                "project_node[project_id]" | "project_id" => {
                    placement.project =
                        Some(project_id(&field.text().await.map_err(multipart_error)?)?)
                }
                _ => {
                    field.bytes().await.map_err(multipart_error)?;
                }
            }
        }
        Ok(())
    }
    .await;
    match (read, staged) {
        (Ok(()), Some(staged)) => {
            Ok(content_resources::record_upload(app, actor, agent, staged, placement).await?)
        }
        (Ok(()), None) => Err(refused(
            "Send the file as multipart field content_resource[file].",
        )),
        (Err(err), staged) => {
            if let Some(staged) = staged {
                content_resources::discard(app, staged).await;
            }
            Err(err)
        }
    }
}

/// JSON naming a direct upload by its signed id.
async fn attach_direct_upload(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    request: Request,
) -> ApiResult<ContentResource> {
    let (parts, _) = request.into_parts();
    let raw = body_value(&parts);
    let body: ContentResourceBody = unwrap_resource(&raw)?;
    let signed_id = match &body.file {
        Some(Value::String(signed_id)) if !signed_id.trim().is_empty() => signed_id.clone(),
        _ => {
            return Err(refused(
                "Send the file as multipart content_resource[file], or a direct upload's signed_id as content_resource.file.",
            ));
        }
    };
    let id_in = |object: Option<&Value>, key: &str| match object.and_then(|o| o.get(key)) {
        Some(Value::String(text)) => Some(text.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let placement = Placement {
        folder: id_in(
            body.asset_folder
                .as_ref()
                .or_else(|| raw.get("asset_folder")),
            "id",
        )
        .map(|text| folder_id(&text))
        .transpose()?,
        project: id_in(raw.get("project_node"), "project_id")
            .map(|text| project_id(&text))
            .transpose()?,
    };
    Ok(content_resources::record_direct_upload(app, actor, agent, &signed_id, placement).await?)
}

fn folder_id(text: &str) -> ApiResult<AssetFolderId> {
    parse_raw_id(text)
        .map(AssetFolderId::new)
        .map_err(|_| refused(format!("asset_folder[id] {text:?} is not an id.")))
}

fn project_id(text: &str) -> ApiResult<SpreadsheetId> {
    parse_raw_id(text)
        .map(SpreadsheetId::new)
        .map_err(|_| refused(format!("project_node[project_id] {text:?} is not an id.")))
}

fn refused(message: impl Into<String>) -> ApiError {
    ApiError(AppError::resource_creation_failed(message))
}
