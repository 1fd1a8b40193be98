//! Create an engine.

use ace_app::sheets::engines::NewEngine;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use ace_app::sheets::assembled::Assembler;

use crate::dto::sheets::{SheetBody, SheetResponse};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, Wrapped};
use crate::state::ApiState;

/// Creates an engine with the VIDEO, FINAL VIDEO and STATS columns and no rows.
#[utoipa::path(post, path = "/v1/autocontentengine", tag = "Sheets", operation_id = "createSheet",
    params(("agent_id" = i64, Query)),
    request_body(content = SheetBody, description = "Under `spreadsheet`."),
    responses((status = 201, body = SheetResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::CONVERT))))]
pub async fn create_sheet(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Wrapped(body): Wrapped<SheetBody>,
) -> ApiResult<(StatusCode, Json<SheetResponse>)> {
    let new = NewEngine {
        title: body.title,
        is_default: body.is_default,
        aspect_ratio: body.aspect_ratio,
    };
    let view = ace_app::sheets::engines::create(&state.app, &actor, agent, &new).await?;
    Ok((
        StatusCode::CREATED,
        Json(SheetResponse::new(
            &Assembler::new(&view, &state.app).engine(),
            false,
        )),
    ))
}
