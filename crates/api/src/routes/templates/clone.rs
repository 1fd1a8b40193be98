//! Clone a template into an agent.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use ace_app::sheets::assembled::Assembler;

use crate::dto::sheets::SheetResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated};
use crate::state::ApiState;

/// Copies the template's engine into `agent_id` (in the body or the query). Free of credits.
#[utoipa::path(post, path = "/v1/templates/spreadsheets/{slug}/clone", tag = "Templates", operation_id = "cloneTemplate",
    params(("slug" = String, Path, description = "Slug, UUID or numeric id"), ("agent_id" = Option<i64>, Query)),
    request_body(content = Object, description = "`{\"agent_id\": \"42\"}`"),
    responses((status = 201, body = SheetResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::CONVERT))))]
pub async fn clone_template(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path(slug): Path<String>,
) -> ApiResult<(StatusCode, Json<SheetResponse>)> {
    let view = ace_app::templates::clone(&state.app, &actor, &slug, agent).await?;
    Ok((
        StatusCode::CREATED,
        Json(SheetResponse::new(
            &Assembler::new(&view, &state.app).engine(),
            false,
        )),
    ))
}
