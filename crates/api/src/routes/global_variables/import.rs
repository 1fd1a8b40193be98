//! Replace an engine's global variables from an XLSX file.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::sheets::VariablesResponse;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, FormOrJson, RawId};
use crate::state::ApiState;

/// Replaces every variable with those of the uploaded workbook (multipart `file`, a `key` /
/// `value` header row, then one variable per row). A file that cannot be read changes
/// nothing and gets 422 with the reason.
#[utoipa::path(post, path = "/v1/autocontentengine/{sheet_id}/import_global_variables", tag = "Variables",
    operation_id = "importGlobalVariables",
    params(("sheet_id" = i64, Path), ("agent_id" = i64, Query)),
    request_body(content_type = "multipart/form-data", description = "`file`: an XLSX workbook."),
    responses((status = 200, body = VariablesResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn import_global_variables(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Path(sheet): Path<RawId>,
    FormOrJson(form): FormOrJson,
) -> ApiResult<Json<VariablesResponse>> {
    let file = form.upload(&form.value["file"]).ok_or_else(|| {
        ApiError::validation("file is required: send the XLSX workbook as multipart field `file`.")
    })?;
    let variables =
        ace_app::sheets::variables::import(&state.app, &actor, agent, sheet.into_id(), &file.bytes)
            .await?;
    Ok(Json(VariablesResponse::from(&variables)))
}
