//! Delete an organization.

use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, RawId};
use crate::state::ApiState;

/// Deletes an organization with everything in it; owners only. Answers 200 with no body.
#[utoipa::path(delete, path = "/v1/organizations/{organization_id}", tag = "Organizations", operation_id = "deleteOrganization",
    params(("organization_id" = i64, Path)),
    responses((status = 200, description = "Deleted"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(super::super::SETUP))))]
pub async fn delete_organization(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<RawId>,
) -> ApiResult<StatusCode> {
    ace_app::organizations::delete(&state.app, &actor, id.into_id()).await?;
    Ok(StatusCode::OK)
}
