//! List templates.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;

use crate::dto::templates::TemplateResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, Query};
use crate::state::ApiState;

/// `?page=`.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    pub page: Option<i64>,
}

/// A page of the template library, 20 to a page, pages from 1. Each template lists the
/// caller's own recent videos and images made from it.
#[utoipa::path(get, path = "/v1/templates/projects", tag = "Templates", operation_id = "listTemplates",
    params(("page" = Option<i64>, Query)),
    responses((status = 200, body = [TemplateResponse]), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::CONVERT))))]
pub async fn list_templates(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Query(query): Query<PageQuery>,
) -> ApiResult<Json<Vec<TemplateResponse>>> {
    let page = ace_app::templates::list(&state.app, &actor, query.page.unwrap_or(1)).await?;
    Ok(Json(
        page.iter()
            .map(|summary| TemplateResponse::new(summary, None))
            .collect(),
    ))
}
