//! List organizations.

use axum::Json;
use axum::extract::State;

use crate::dto::organization::OrganizationResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::Authenticated;
use crate::state::ApiState;

/// Lists the organizations the caller belongs to, with their role in each.
#[utoipa::path(get, path = "/v1/organizations", tag = "Organizations", operation_id = "listOrganizations",
    responses((status = 200, body = Vec<OrganizationResponse>), (status = 401, body = ErrorBody)),
    extensions(("x-phase" = json!(super::super::SETUP))))]
pub async fn list_organizations(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
) -> ApiResult<Json<Vec<OrganizationResponse>>> {
    let views = ace_app::organizations::list(&state.app, &actor).await?;
    Ok(Json(views.iter().map(OrganizationResponse::from).collect()))
}
