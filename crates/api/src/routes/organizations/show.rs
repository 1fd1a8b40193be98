//! Get an organization.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::organization::OrganizationResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, RawId};
use crate::state::ApiState;

/// Returns one organization the caller belongs to.
#[utoipa::path(get, path = "/v1/organizations/{organization_id}", tag = "Organizations", operation_id = "getOrganization",
    params(("organization_id" = i64, Path)),
    responses((status = 200, body = OrganizationResponse), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(super::super::SETUP))))]
pub async fn get_organization(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<RawId>,
) -> ApiResult<Json<OrganizationResponse>> {
    let view = ace_app::organizations::get(&state.app, &actor, id.into_id()).await?;
    Ok(Json(OrganizationResponse::from(&view)))
}
