//! Add a global variable.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::dto::sheets::{VariableBody, VariableResponse};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId, Wrapped};
use crate::state::ApiState;

/// Adds one variable (`key`, `value`); keys are unique ignoring case.
#[utoipa::path(post, path = "/v1/autocontentengine/{sheet_id}/global_variables", tag = "Variables", operation_id = "createGlobalVariable",
    params(("sheet_id" = i64, Path), ("agent_id" = i64, Query)),
    request_body = VariableBody,
    responses((status = 201, body = VariableResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn create_global_variable(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path(sheet): Path<RawId>,
    Wrapped(body): Wrapped<VariableBody>,
) -> ApiResult<(StatusCode, Json<VariableResponse>)> {
    let variable = ace_app::sheets::variables::create(
        &state.app,
        &actor,
        agent,
        sheet.into_id(),
        body.key.as_deref(),
        body.value.as_deref(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(VariableResponse::from(&variable))))
}
