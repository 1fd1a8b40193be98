//! Delete a folder.

use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId};
use crate::state::ApiState;

/// Deletes a folder with all its subfolders and files, stored bytes included. Answers 200 with
/// no body.
#[utoipa::path(delete, path = "/v1/asset_folders/{id}", tag = "Asset Libraries", operation_id = "deleteAssetFolder",
    params(("id" = i64, Path), ("agent_id" = i64, Query)),
    responses((status = 200, description = "Deleted"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn delete_asset_folder(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path(id): Path<RawId>,
) -> ApiResult<StatusCode> {
    ace_app::asset_library::delete_folder(&state.app, &actor, agent, id.into_id()).await?;
    Ok(StatusCode::OK)
}
