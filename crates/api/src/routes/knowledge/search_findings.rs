//! Ask the agent's knowledge for research findings.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::knowledge::{FindingSearch, KnowledgeFinding, KnowledgeFindingsResponse, limit};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, Query, RawId};
use crate::state::ApiState;

/// The agent's research findings (from Hacker News, Reddit, the web and X) containing `q`,
/// newest first; all of them without `q`.
#[utoipa::path(get, path = "/v1/agents/{agent_id}/knowledge/findings", tag = "Content Monitoring", operation_id = "searchKnowledgeFindings",
    params(("agent_id" = i64, Path), FindingSearch),
    responses((status = 200, body = KnowledgeFindingsResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::IDEAS))))]
pub async fn search_knowledge_findings(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(agent): Path<RawId>,
    Query(search): Query<FindingSearch>,
) -> ApiResult<Json<KnowledgeFindingsResponse>> {
    let limit = limit(search.limit)?;
    let findings = ace_app::knowledge::ask::findings(
        &state.app,
        &actor,
        agent.into_id(),
        search.q.as_deref().unwrap_or_default(),
        limit,
    )
    .await?;
    Ok(Json(KnowledgeFindingsResponse {
        findings: findings.into_iter().map(KnowledgeFinding::from).collect(),
    }))
}
