//! Read an engine's global variables.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::sheets::VariablesResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId};
use crate::state::ApiState;

/// The engine's variables sheet, or `null` before it has variables.
#[utoipa::path(get, path = "/v1/autocontentengine/{sheet_id}/global_variables", tag = "Variables", operation_id = "getGlobalVariables",
    params(("sheet_id" = i64, Path), ("agent_id" = i64, Query)),
    responses((status = 200, body = Option<VariablesResponse>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn get_global_variables(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path(sheet): Path<RawId>,
) -> ApiResult<Json<Option<VariablesResponse>>> {
    let variables =
        ace_app::sheets::variables::get(&state.app, &actor, agent, sheet.into_id()).await?;
    Ok(Json(variables.as_ref().map(VariablesResponse::from)))
}
