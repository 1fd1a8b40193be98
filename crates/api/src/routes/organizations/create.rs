//! Create an organization.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use crate::dto::organization::{OrganizationBody, OrganizationIdResponse};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, FormOrJson};
use crate::state::ApiState;

/// Creates an organization owned by the caller, with a first agent in it.
#[utoipa::path(post, path = "/v1/organizations", tag = "Organizations", operation_id = "createOrganization",
    request_body(content = OrganizationBody, description = "Under `organization`; JSON or multipart with `organization[avatar]`."),
    responses((status = 201, body = OrganizationIdResponse), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(super::super::SETUP))))]
pub async fn create_organization(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    FormOrJson(form): FormOrJson,
) -> ApiResult<(StatusCode, Json<OrganizationIdResponse>)> {
    let (name, avatar) = super::read_body(&form)?;
    let id = ace_app::organizations::create(&state.app, &actor, name.as_deref(), avatar).await?;
    Ok((
        StatusCode::CREATED,
        Json(OrganizationIdResponse {
            organization_id: id.get(),
        }),
    ))
}
