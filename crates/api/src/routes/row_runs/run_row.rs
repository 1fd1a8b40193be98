//! Run a row, or plan its run.

use ace_app::row_runs::RunOptions;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::dto::row_runs::{RunBody, RunPlanResponse, RunStarted};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, JsonAs, RawId};
use crate::state::ApiState;

/// Generates every cell of the row whose column has a creation card and no value yet (every
/// one with `force`), in the order their cards depend on each other (independent cells at
/// once), then renders the row's final video. Each cell is an ordinary generation. Answers
/// 202 `{run_id, status: "pending"}`; with `dry_run`, 200 with the plan and its price, having
/// started and charged nothing. A row with a step that cannot run here (a lipsync card with no
/// lipsync provider, say) or whose cards depend on each other in a cycle is refused with 422
/// naming it, and nothing is charged.
#[utoipa::path(post, path = "/v1/autocontentengine/{sheet_id}/rows/{row_id}/run", tag = "Row Runs", operation_id = "runRow",
    params(("sheet_id" = i64, Path), ("row_id" = i64, Path), ("agent_id" = i64, Query)),
    request_body = RunBody,
    responses((status = 202, body = RunStarted), (status = 200, body = RunPlanResponse, description = "The plan of a dry run"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn run_row(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path((sheet, row)): Path<(RawId, RawId)>,
    JsonAs(body): JsonAs<RunBody>,
) -> ApiResult<Response> {
    let options = RunOptions { force: body.force };
    let (sheet, row) = (sheet.into_id(), row.into_id());
    if body.dry_run {
        let plan =
            ace_app::row_runs::dry_run(&state.app, &actor, agent, sheet, row, options).await?;
        return Ok(Json(RunPlanResponse::from(&plan)).into_response());
    }
    let run = ace_app::row_runs::start(&state.app, &actor, agent, sheet, row, options).await?;
    let started = RunStarted {
        run_id: run.id,
        status: "pending".to_owned(),
    };
    Ok((StatusCode::ACCEPTED, Json(started)).into_response())
}
