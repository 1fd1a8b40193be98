//! List an engine's render jobs (GEN's `remotion_jobs` surface).

use ace_domain::ids::{SpreadsheetId, deserialize_raw_id};
use axum::Json;
use axum::extract::State;
use serde::Deserialize;

use crate::dto::renders::RemotionJobResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, Query};
use crate::state::ApiState;

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    #[serde(deserialize_with = "deserialize_raw_id")]
    project_id: i64,
    #[serde(default)]
    page: i64,
}

/// The engine's renders, newest first, 20 a page from 0; completed ones carry their video's
/// `content_resource_id`, `url` and `thumbnail_url`.
#[utoipa::path(get, path = "/v1/remotion_jobs", tag = "Generations", operation_id = "listRemotionJobs",
    params(("agent_id" = i64, Query), ("project_id" = i64, Query), ("page" = Option<i64>, Query, description = "From 0")),
    responses((status = 200, body = Vec<RemotionJobResponse>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EXPORT))))]
pub async fn list_remotion_jobs(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    Query(query): Query<ListQuery>,
) -> ApiResult<Json<Vec<RemotionJobResponse>>> {
    let project = SpreadsheetId::new(query.project_id);
    let renders = ace_app::renders::list(&state.app, &actor, agent, project, query.page).await?;
    Ok(Json(
        renders.iter().map(RemotionJobResponse::from).collect(),
    ))
}
