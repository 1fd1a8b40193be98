//! List an agent's ideas.

use ace_domain::ideas::IdeaStatus;
use axum::Json;
use axum::extract::State;
use serde::Deserialize;

use crate::dto::ideas::IdeaResponse;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, Query};
use crate::state::ApiState;

/// What the list is narrowed to.
#[derive(Debug, Deserialize)]
pub struct IdeaFilter {
    status: Option<String>,
    page: Option<i64>,
}

/// The agent's ideas, newest first, 100 a page (pages from 1, an ace addition), in `status`
/// if given.
#[utoipa::path(get, path = "/v1/agent/ideas", tag = "Ideas", operation_id = "listIdeas",
    params(("agent_id" = i64, Query), ("status" = Option<String>, Query), ("page" = Option<i64>, Query, description = "From 1")),
    responses((status = 200, body = Vec<IdeaResponse>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::IDEAS))))]
pub async fn list_ideas(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Query(filter): Query<IdeaFilter>,
) -> ApiResult<Json<Vec<IdeaResponse>>> {
    let status = match filter.status.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(
            text.parse::<IdeaStatus>()
                .map_err(|err| ApiError::validation(format!("status {text:?}: {err}.")))?,
        ),
    };
    let page = match filter.page {
        None => 1,
        Some(page) if page >= 1 => page,
        Some(page) => {
            return Err(ApiError::validation(format!(
                "page {page} must be 1 or more."
            )));
        }
    };
    let ideas = ace_app::ideas::list(&state.app, &actor, agent, status, page).await?;
    Ok(Json(ideas.into_iter().map(IdeaResponse::from).collect()))
}
