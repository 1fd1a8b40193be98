//! Ask the agent's knowledge for the top comments on some posts.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::knowledge::{CommentSearch, KnowledgeComment, KnowledgeCommentsResponse, limit};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, Query, RawId};
use crate::state::ApiState;

/// The most-liked comments on the agent's posts `post_ids` (knowledge ids, as the posts route
/// answers them), containing `q` if given.
#[utoipa::path(get, path = "/v1/agents/{agent_id}/knowledge/comments", tag = "Content Monitoring", operation_id = "topKnowledgeComments",
    params(("agent_id" = i64, Path), CommentSearch),
    responses((status = 200, body = KnowledgeCommentsResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::IDEAS))))]
pub async fn top_knowledge_comments(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(agent): Path<RawId>,
    Query(search): Query<CommentSearch>,
) -> ApiResult<Json<KnowledgeCommentsResponse>> {
    let posts = search.posts()?;
    let limit = limit(search.limit)?;
    let comments = ace_app::knowledge::ask::comments(
        &state.app,
        &actor,
        agent.into_id(),
        &posts,
        search.q.as_deref().filter(|q| !q.trim().is_empty()),
        limit,
    )
    .await?;
    Ok(Json(KnowledgeCommentsResponse {
        comments: comments.into_iter().map(KnowledgeComment::from).collect(),
    }))
}
