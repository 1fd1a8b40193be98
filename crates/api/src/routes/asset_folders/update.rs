//! Rename or move a folder.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::files::{AssetFolderBody, AssetFolderIdResponse};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId, Wrapped};
use crate::state::ApiState;

/// Renames a folder; `parent_id` moves it (never into itself or below itself).
#[utoipa::path(patch, path = "/v1/asset_folders/{id}", tag = "Asset Libraries", operation_id = "updateAssetFolder",
    params(("id" = i64, Path), ("agent_id" = i64, Query)),
    request_body = AssetFolderBody,
    responses((status = 200, body = AssetFolderIdResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn update_asset_folder(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path(id): Path<RawId>,
    Wrapped(body): Wrapped<AssetFolderBody>,
) -> ApiResult<Json<AssetFolderIdResponse>> {
    let parent = super::parent_of(body.parent_id)?;
    let folder = ace_app::asset_library::update_folder(
        &state.app,
        &actor,
        agent,
        id.into_id(),
        body.name.as_deref(),
        parent,
    )
    .await?;
    Ok(Json(AssetFolderIdResponse {
        asset_folder_id: folder.id.get(),
    }))
}
