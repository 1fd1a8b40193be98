//! A pipeline's webhook URL.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::dto::pipelines::PipelineRunStarted;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{JsonBody, RawId};
use crate::state::ApiState;

/// The token `webhook_url` carries.
#[derive(Debug, Deserialize, IntoParams)]
pub struct WebhookParams {
    token: Option<String>,
}

/// Starts a run of a `webhook` pipeline (an ace addition: the URL is the pipeline's
/// `webhook_url`). No API key: the signed token names the pipeline. A JSON body is kept as
/// the run's `input`.
#[utoipa::path(post, path = "/v1/pipeline_webhooks/{pipeline_id}", tag = "Pipelines",
    operation_id = "firePipelineWebhook", params(("pipeline_id" = i64, Path), WebhookParams), security(()),
    responses((status = 202, body = PipelineRunStarted), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EXPORT))))]
pub async fn fire_pipeline_webhook(
    State(state): State<ApiState>,
    Path(pipeline): Path<RawId>,
    Query(params): Query<WebhookParams>,
    body: JsonBody,
) -> ApiResult<(StatusCode, Json<PipelineRunStarted>)> {
    let input = Some(body.0).filter(|input| !input.is_null());
    let run = ace_app::pipelines::runs::fire_webhook(
        &state.app,
        pipeline.0,
        params.token.as_deref().unwrap_or_default(),
        input,
    )
    .await?;
    let started = PipelineRunStarted {
        run_id: run.record.id,
        status: run.record.status.to_string(),
    };
    Ok((StatusCode::ACCEPTED, Json(started)))
}
