//! Change a global variable.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::sheets::{VariableBody, VariableResponse};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId, Wrapped};
use crate::state::ApiState;

/// Renames or revalues one variable.
#[utoipa::path(patch, path = "/v1/autocontentengine/{sheet_id}/global_variables/{variable_id}", tag = "Variables", operation_id = "updateGlobalVariable",
    params(("sheet_id" = i64, Path), ("variable_id" = i64, Path), ("agent_id" = i64, Query)),
    request_body = VariableBody,
    responses((status = 200, body = VariableResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn update_global_variable(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path((sheet, id)): Path<(RawId, RawId)>,
    Wrapped(body): Wrapped<VariableBody>,
) -> ApiResult<Json<VariableResponse>> {
    let variable = ace_app::sheets::variables::update(
        &state.app,
        &actor,
        agent,
        sheet.into_id(),
        id.into_id(),
        body.key.as_deref(),
        body.value.as_deref(),
    )
    .await?;
    Ok(Json(VariableResponse::from(&variable)))
}
