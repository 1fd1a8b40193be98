//! Choose the generation a cell shows.

use ace_domain::ids::UserJobId;
use axum::Json;
use axum::extract::{Path, State};

use super::first_cell;
use crate::dto::sheets::{CellResponse, DefaultJobBody};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId, Wrapped};
use crate::state::ApiState;

/// Makes one of the cell's own generations the one it shows.
#[utoipa::path(patch, path = "/v1/autocontentengine/{sheet_id}/cells/{cell_id}/set_default_user_job", tag = "Cells", operation_id = "setDefaultUserJob",
    params(("sheet_id" = i64, Path), ("cell_id" = i64, Path), ("agent_id" = i64, Query)),
    request_body = DefaultJobBody,
    responses((status = 200, body = CellResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn set_default_user_job(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path((sheet, cell)): Path<(RawId, RawId)>,
    Wrapped(body): Wrapped<DefaultJobBody>,
) -> ApiResult<Json<CellResponse>> {
    let job = UserJobId::new(body.user_job_id);
    let view = ace_app::sheets::cells::set_default_user_job(
        &state.app,
        &actor,
        agent,
        sheet.into_id(),
        cell.into_id(),
        job,
    )
    .await?;
    Ok(Json(first_cell(&view, &state)?))
}
