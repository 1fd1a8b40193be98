//! Add a column.

use ace_app::sheets::columns::ColumnInput;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::dto::sheets::{ColumnBody, ColumnResponse};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, RawId, Wrapped};
use crate::state::ApiState;

/// Adds an ingredient column (text, image, video or audio), with an empty cell in every row.
#[utoipa::path(post, path = "/v1/autocontentengine/{sheet_id}/columns", tag = "Columns", operation_id = "createColumn",
    params(("sheet_id" = i64, Path), ("agent_id" = i64, Query)),
    request_body(content = ColumnBody, description = "Under `spreadsheet_column`."),
    responses((status = 201, body = ColumnResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn create_column(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path(sheet): Path<RawId>,
    Wrapped(body): Wrapped<ColumnBody>,
) -> ApiResult<(StatusCode, Json<ColumnResponse>)> {
    let input = ColumnInput {
        title: body.title,
        kind: body.kind,
        position: body.position,
        description: body.description.into_change().flatten(),
        additional_attributes: body.additional_attributes,
    };
    let column =
        ace_app::sheets::columns::create(&state.app, &actor, agent, sheet.into_id(), &input)
            .await?;
    Ok((StatusCode::CREATED, Json(ColumnResponse::from(&column))))
}
