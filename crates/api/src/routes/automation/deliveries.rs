//! Read an agent's delivery log (an ace addition).

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::dto::generations::DeliveriesResponse;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, Query, RawId};
use crate::state::ApiState;

/// Options of the delivery log.
#[derive(Debug, Deserialize, IntoParams)]
pub struct DeliveryOptions {
    /// How many, newest first (1 to 100; 50 by default).
    limit: Option<i64>,
}

/// Every webhook and callback delivery with its status, attempts and last answer.
#[utoipa::path(get, path = "/v1/agents/{agent_id}/automation_config/deliveries", tag = "Automation", operation_id = "listAutomationDeliveries",
    params(("agent_id" = i64, Path), DeliveryOptions),
    responses((status = 200, body = DeliveriesResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn list_automation_deliveries(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(agent): Path<RawId>,
    Query(options): Query<DeliveryOptions>,
) -> ApiResult<Json<DeliveriesResponse>> {
    let limit = options.limit.unwrap_or(50);
    let records =
        ace_app::automation::deliveries(&state.app, &actor, agent.into_id(), limit).await?;
    Ok(Json(DeliveriesResponse {
        deliveries: records.into_iter().map(Into::into).collect(),
    }))
}
