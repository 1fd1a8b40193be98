//! Update an agent.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::agent::{AgentBody, AgentDetail, AgentEnvelope};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::body::unwrap_resource;
use crate::extract::{Authenticated, FormOrJson, RawId};
use crate::state::ApiState;

/// Changes an agent's fields, default voice or avatars; editors and above.
#[utoipa::path(patch, path = "/v1/agents/{agent_id}", tag = "Agents", operation_id = "updateAgent",
    params(("agent_id" = i64, Path)),
    request_body(content = AgentBody, description = "Under `agent`; JSON or multipart."),
    responses((status = 200, body = AgentEnvelope), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(super::super::SETUP))))]
pub async fn update_agent(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<RawId>,
    FormOrJson(form): FormOrJson,
) -> ApiResult<Json<AgentEnvelope>> {
    let body: AgentBody = unwrap_resource(&form.value)?;
    let view =
        ace_app::agents::update(&state.app, &actor, id.into_id(), body.into_fields(&form)).await?;
    Ok(Json(AgentEnvelope {
        agent: AgentDetail::new(&view, false),
    }))
}
