//! The workspaces the caller runs.

use axum::Json;
use axum::extract::State;

use crate::dto::user::WorkspaceResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::Authenticated;
use crate::state::ApiState;

/// Lists the organizations where the caller is an owner or manager.
#[utoipa::path(get, path = "/v1/workspaces", tag = "Discovery", operation_id = "listWorkspaces",
    responses((status = 200, body = Vec<WorkspaceResponse>), (status = 401, body = ErrorBody)),
    extensions(("x-phase" = json!(super::super::SETUP))))]
pub async fn list_workspaces(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
) -> ApiResult<Json<Vec<WorkspaceResponse>>> {
    let workspaces = ace_app::accounts::workspaces(&state.app, &actor).await?;
    Ok(Json(
        workspaces.iter().map(WorkspaceResponse::from).collect(),
    ))
}
