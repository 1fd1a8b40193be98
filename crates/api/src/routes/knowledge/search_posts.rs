//! Ask the agent's knowledge for posts.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::knowledge::{KnowledgePost, KnowledgePostsResponse, PostSearch};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, Query, RawId};
use crate::state::ApiState;

/// The agent's posts (from scrapes, monitoring and imports) matching `q`, narrowed by
/// platform, window, author or the job that found them, best first by `rank`: "the top 10
/// posts about X this week by views", "the fastest-growing posts from @creator".
#[utoipa::path(get, path = "/v1/agents/{agent_id}/knowledge/posts", tag = "Content Monitoring", operation_id = "searchKnowledgePosts",
    params(("agent_id" = i64, Path), PostSearch),
    responses((status = 200, body = KnowledgePostsResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::IDEAS))))]
pub async fn search_knowledge_posts(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(agent): Path<RawId>,
    Query(search): Query<PostSearch>,
) -> ApiResult<Json<KnowledgePostsResponse>> {
    let query = search.query()?;
    let posts = ace_app::knowledge::ask::posts(&state.app, &actor, agent.into_id(), &query).await?;
    Ok(Json(KnowledgePostsResponse {
        posts: posts.into_iter().map(KnowledgePost::from).collect(),
    }))
}
