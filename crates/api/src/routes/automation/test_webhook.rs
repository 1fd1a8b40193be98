//! Send a test event to the agent's webhook URL.

use ace_domain::webhook::DeliveryTarget;
use axum::Json;
use axum::extract::{Path, State};

use crate::dto::generations::TestSendResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, RawId};
use crate::state::ApiState;

/// Sends a signed `webhook.test` event now and reports `{success, error?}`.
#[utoipa::path(post, path = "/v1/agents/{agent_id}/automation_config/test_webhook", tag = "Automation", operation_id = "testWebhook",
    params(("agent_id" = i64, Path)),
    responses((status = 200, body = TestSendResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn test_webhook(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(agent): Path<RawId>,
) -> ApiResult<Json<TestSendResponse>> {
    let result =
        ace_app::automation::test(&state.app, &actor, agent.into_id(), DeliveryTarget::Webhook)
            .await?;
    Ok(Json(result.into()))
}
