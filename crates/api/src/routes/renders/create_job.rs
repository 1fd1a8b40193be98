//! Start a render job (GEN's `remotion_jobs` surface).

use ace_domain::ids::{CellId, SpreadsheetId};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::Value;

use crate::dto::renders::{RemotionJobBody, RemotionJobStarted};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated, JsonAs};
use crate::state::ApiState;

/// The one container a render job can name.
const CONTAINER_TYPE: &str = "SpreadsheetCell";

/// Renders the row of `job.container_id` in engine `job.project_id`, as `renderVideo` does;
/// `job_id` is the generation that runs it.
#[utoipa::path(post, path = "/v1/remotion_jobs", tag = "Generations", operation_id = "createRemotionJob",
    params(("agent_id" = i64, Query)),
    request_body = RemotionJobBody,
    responses((status = 201, body = RemotionJobStarted), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EXPORT))))]
pub async fn create_remotion_job(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    JsonAs(body): JsonAs<RemotionJobBody>,
) -> ApiResult<(StatusCode, Json<RemotionJobStarted>)> {
    let job = body.job;
    if job.container_type != CONTAINER_TYPE {
        return Err(ApiError::validation(format!(
            "job.container_type must be {CONTAINER_TYPE:?}, not {:?}.",
            job.container_type
        )));
    }
    let input = read_input(job.input)?;
    let answer = ace_app::renders::render_job(
        &state.app,
        &actor,
        agent,
        SpreadsheetId::new(job.project_id),
        CellId::new(job.container_id),
        input,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(RemotionJobStarted {
            job_id: answer.generation_id,
        }),
    ))
}

/// `job.input` is a JSON object, sent as a string (or as the object itself).
fn read_input(input: Value) -> ApiResult<Value> {
    let parsed = match input {
        Value::String(text) if text.trim().is_empty() => Value::Object(Default::default()),
        Value::String(text) => serde_json::from_str(&text)
            .map_err(|err| ApiError::validation(format!("job.input is not valid JSON: {err}.")))?,
        other => other,
    };
    if parsed.is_object() {
        Ok(parsed)
    } else {
        Err(ApiError::validation(
            "job.input must be a JSON object (sent as a string).",
        ))
    }
}
