//! Create an agent.

use ace_domain::ids::OrganizationId;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::Value;

use crate::dto::agent::{AgentBody, AgentDetail, AgentEnvelope};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::body::unwrap_resource;
use crate::extract::{Authenticated, FormOrJson};
use crate::state::ApiState;

/// Creates an agent in `organization_id`, or in the caller's personal workspace.
#[utoipa::path(post, path = "/v1/agents", tag = "Agents", operation_id = "createAgent",
    request_body(content = AgentBody, description = "Under `agent`, with `organization_id` at the top level; JSON or multipart."),
    responses((status = 201, body = AgentEnvelope), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(super::super::SETUP))))]
pub async fn create_agent(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    FormOrJson(form): FormOrJson,
) -> ApiResult<(StatusCode, Json<AgentEnvelope>)> {
    let body: AgentBody = unwrap_resource(&form.value)?;
    let organization = match &body.organization_id {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(value) => Some(
            serde_json::from_value::<OrganizationId>(value.clone())
                .map_err(|_| ApiError::validation("organization_id must be a numeric id."))?,
        ),
    };
    let view =
        ace_app::agents::create(&state.app, &actor, organization, body.into_fields(&form)).await?;
    let agent = AgentDetail::new(&view, false);
    Ok((StatusCode::CREATED, Json(AgentEnvelope { agent })))
}
