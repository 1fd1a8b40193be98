//! Create a folder.

use ace_domain::patch::Patch;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use crate::dto::files::{AssetFolderBody, AssetFolderIdResponse};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, Wrapped};
use crate::state::ApiState;

/// Creates a folder at the top level of the library, or inside `parent_id`.
#[utoipa::path(post, path = "/v1/asset_folders", tag = "Asset Libraries", operation_id = "createAssetFolder",
    params(("agent_id" = i64, Query)),
    request_body = AssetFolderBody,
    responses((status = 201, body = AssetFolderIdResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn create_asset_folder(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Wrapped(body): Wrapped<AssetFolderBody>,
) -> ApiResult<(StatusCode, Json<AssetFolderIdResponse>)> {
    let parent = match super::parent_of(body.parent_id)? {
        Patch::Set(parent) => Some(parent),
        Patch::Absent | Patch::Clear => None,
    };
    let folder = ace_app::asset_library::create_folder(
        &state.app,
        &actor,
        agent,
        body.name.as_deref(),
        parent,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(AssetFolderIdResponse {
            asset_folder_id: folder.id.get(),
        }),
    ))
}
