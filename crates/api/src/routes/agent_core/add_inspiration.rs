//! Append an inspiration source.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::dto::agent_core::InspirationItemResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, JsonBody, RawId};
use crate::state::ApiState;

/// Appends one inspiration source, `{url, platform?}`, as a monitored account.
#[utoipa::path(post, path = "/v1/agents/{agent_id}/core/inspiration", tag = "Agent Core", operation_id = "addAgentInspiration",
    params(("agent_id" = i64, Path)),
    request_body(content = Object, description = "`{url, platform?}`"),
    responses((status = 201, body = InspirationItemResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(super::super::SETUP))))]
pub async fn add_agent_inspiration(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(agent): Path<RawId>,
    JsonBody(body): JsonBody,
) -> ApiResult<(StatusCode, Json<InspirationItemResponse>)> {
    let item =
        ace_app::agent_core::add_inspiration(&state.app, &actor, agent.into_id(), &body).await?;
    Ok((
        StatusCode::CREATED,
        Json(InspirationItemResponse::from(&item)),
    ))
}
