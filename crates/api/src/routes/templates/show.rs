//! Read a template.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::sheets::SheetResponse;
use crate::dto::templates::TemplateResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::Authenticated;
use crate::state::ApiState;

/// One template by slug, UUID or numeric id, with its whole engine under `spreadsheet`
/// (columns, creation cards, example rows and layer stacks).
#[utoipa::path(get, path = "/v1/templates/projects/{slug}", tag = "Templates", operation_id = "getTemplate",
    params(("slug" = String, Path, description = "Slug, UUID or numeric id")),
    responses((status = 200, body = TemplateResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::CONVERT))))]
pub async fn get_template(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(slug): Path<String>,
) -> ApiResult<Json<TemplateResponse>> {
    let detail = ace_app::templates::get(&state.app, &actor, &slug).await?;
    let engine = detail
        .engine
        .as_ref()
        .map(|engine| SheetResponse::new(engine, false));
    Ok(Json(TemplateResponse::new(&detail.summary, engine)))
}
