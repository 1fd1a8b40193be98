//! List the voices an agent can speak with.

use axum::Json;
use axum::extract::{Path, State};

use crate::dto::voices::{LibraryQuery, VoiceLibraryResponse};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, Query, RawId};
use crate::state::ApiState;

/// ace's public voices (those installed on this server), then the agent's own designed and
/// trained voices, and the voices of its connected ElevenLabs account.
#[utoipa::path(get, path = "/v1/agents/{agent_id}/voice/library", tag = "Agent Voice", operation_id = "listAgentVoices",
    params(("agent_id" = i64, Path), LibraryQuery),
    responses((status = 200, body = VoiceLibraryResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    extensions(("x-phase" = json!(super::super::SETUP))))]
pub async fn list_agent_voices(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(agent): Path<RawId>,
    Query(query): Query<LibraryQuery>,
) -> ApiResult<Json<VoiceLibraryResponse>> {
    let voices =
        ace_app::voices::library(&state.app, &actor, agent.into_id(), query.source.as_deref())
            .await?;
    Ok(Json(VoiceLibraryResponse {
        total: voices.len(),
        voices: voices.into_iter().map(Into::into).collect(),
    }))
}
