//! Turn an idea into a vidsheet (an ace addition).

use ace_app::sheets::assembled::Assembler;
use ace_domain::ids::SpreadsheetId;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::dto::sheets::SheetResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, JsonAs, RawId};
use crate::state::ApiState;

/// Where the idea goes.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct VidsheetRequest {
    /// An engine of the idea's agent to add a row to; without it, the library template of the
    /// idea's video type is copied.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub sheet_id: Option<SpreadsheetId>,
}

/// Makes the idea a vidsheet row, filled from the idea (title, angle, hook, script and its
/// lines), and moves the idea to `approve_to_create`. Answers the engine. Free of credits; a
/// row run then makes the video.
#[utoipa::path(post, path = "/v1/agent/ideas/{id}/vidsheet", tag = "Ideas", operation_id = "makeIdeaVidsheet",
    params(("id" = i64, Path)),
    request_body(content = VidsheetRequest, description = "Optional: `{\"sheet_id\": 12}`"),
    responses((status = 201, body = SheetResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::IDEAS))))]
pub async fn make_idea_vidsheet(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<RawId>,
    JsonAs(request): JsonAs<VidsheetRequest>,
) -> ApiResult<(StatusCode, Json<SheetResponse>)> {
    let (view, _row) =
        ace_app::ideas::vidsheet::make(&state.app, &actor, id.into_id(), request.sheet_id).await?;
    Ok((
        StatusCode::CREATED,
        Json(SheetResponse::new(
            &Assembler::new(&view, &state.app).engine(),
            false,
        )),
    ))
}
