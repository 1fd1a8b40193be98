//! Update an organization.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::organization::{OrganizationBody, OrganizationIdResponse};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, FormOrJson, RawId};
use crate::state::ApiState;

/// Renames an organization or replaces its avatar; owners and managers only.
#[utoipa::path(patch, path = "/v1/organizations/{organization_id}", tag = "Organizations", operation_id = "updateOrganization",
    params(("organization_id" = i64, Path)),
    request_body(content = OrganizationBody, description = "Under `organization`; JSON or multipart with `organization[avatar]`."),
    responses((status = 200, body = OrganizationIdResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(super::super::SETUP))))]
pub async fn update_organization(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<RawId>,
    FormOrJson(form): FormOrJson,
) -> ApiResult<Json<OrganizationIdResponse>> {
    let (name, avatar) = super::read_body(&form)?;
    let id =
        ace_app::organizations::update(&state.app, &actor, id.into_id(), name.as_deref(), avatar)
            .await?;
    Ok(Json(OrganizationIdResponse {
        organization_id: id.get(),
    }))
}
