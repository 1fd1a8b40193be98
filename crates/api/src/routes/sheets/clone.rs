//! Clone an engine.

use ace_domain::ids::AgentId;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use ace_app::sheets::assembled::Assembler;

use crate::dto::sheets::{CloneBody, SheetResponse};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId, Wrapped};
use crate::state::ApiState;

/// Deep-copies the engine (columns, rows, cells, layers, variables) into the same agent or
/// `target_agent_id`; job history stays behind.
#[utoipa::path(post, path = "/v1/autocontentengine/{sheet_id}/clone", tag = "Sheets", operation_id = "cloneSheet",
    params(("sheet_id" = i64, Path), ("agent_id" = i64, Query)),
    request_body(content = CloneBody, description = "`target_agent_id` (optional)."),
    responses((status = 201, body = SheetResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::CONVERT))))]
pub async fn clone_sheet(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path(sheet): Path<RawId>,
    Wrapped(body): Wrapped<CloneBody>,
) -> ApiResult<(StatusCode, Json<SheetResponse>)> {
    let target = body.target_agent_id.map(AgentId::new);
    let view =
        ace_app::sheets::engines::clone(&state.app, &actor, agent, sheet.into_id(), target).await?;
    Ok((
        StatusCode::CREATED,
        Json(SheetResponse::new(
            &Assembler::new(&view, &state.app).engine(),
            false,
        )),
    ))
}
