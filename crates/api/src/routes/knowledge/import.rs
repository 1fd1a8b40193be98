//! Import a file of social content into the agent's knowledge.

use ace_app::App;
use ace_app::files::Incoming;
use ace_app::knowledge::imports::{self, StagedImport};
use ace_domain::ids::AgentId;
use ace_sources::import::Format;
use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;

use crate::dto::user_jobs::UserJobAccepted;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::form::{multipart_error, open_multipart};
use crate::extract::{Authenticated, RawId};
use crate::state::ApiState;

/// Reads an exported file (JSON, NDJSON or CSV in the shape of Apify's TikTok or Instagram
/// scrapers, the YouTube Data API, or ace's generic shape; see docs/KNOWLEDGE-IMPORTS.md) into
/// the agent's knowledge. Multipart: `file`, and `format` (tiktok_apify, instagram_apify,
/// youtube_api or generic) to name the shape instead of detecting it. Free. Answers 202 with
/// an `import_social` user job; its result counts what was kept and lists unreadable records
/// by line.
#[utoipa::path(post, path = "/v1/agents/{agent_id}/knowledge/imports", tag = "Content Monitoring", operation_id = "importKnowledge",
    params(("agent_id" = i64, Path)),
    request_body(content_type = "multipart/form-data", description = "`file`, and optionally `format`"),
    responses((status = 202, body = UserJobAccepted), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::IDEAS))))]
pub async fn import_knowledge(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    Path(agent): Path<RawId>,
    request: Request,
) -> ApiResult<(StatusCode, Json<UserJobAccepted>)> {
    let agent: AgentId = agent.into_id();
    let app = &state.app;
    imports::authorize(app, &actor, agent).await?;
    let is_multipart = request
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.to_ascii_lowercase().starts_with("multipart/"));
    if !is_multipart {
        return Err(ApiError::new(
            ace_app::ErrorKind::UnsupportedMediaType,
            ace_app::ErrorCode::UnsupportedMediaType,
            "Send the file as multipart form data, in the field file.",
        ));
    }
    let (staged, format) = read_form(&state, app, request).await?;
    let view = imports::record(app, &actor, agent, staged, format).await?;
    Ok((StatusCode::ACCEPTED, Json(UserJobAccepted::from(&view))))
}

/// The staged file and the format named, if any. Nothing is kept if the form is wrong.
async fn read_form(
    state: &ApiState,
    app: &App,
    request: Request,
) -> ApiResult<(StagedImport, Option<Format>)> {
    let mut form = open_multipart(request, state).await?;
    let mut staged = None;
    let mut format = None;
    let read = async {
        while let Some(field) = form.next_field().await.map_err(multipart_error)? {
            match field.name().unwrap_or_default() {
                "file" | "import[file]" if field.file_name().is_some() => {
                    if staged.is_some() {
                        return Err(ApiError::validation("Send one file per import."));
                    }
                    let incoming = Incoming {
                        file_name: field.file_name().map(str::to_owned),
                        content_type: field.content_type().map(str::to_owned),
                        body: Box::pin(field),
                    };
                    staged = Some(imports::stage(app, incoming).await?);
                }
                "format" | "import[format]" => {
                    let text = field.text().await.map_err(multipart_error)?;
                    if !text.trim().is_empty() {
                        format = Some(
                            text.parse::<Format>()
                                .map_err(|err| ApiError::validation(format!("format {err}.")))?,
                        );
                    }
                }
                _ => {
                    field.bytes().await.map_err(multipart_error)?;
                }
            }
        }
        Ok(())
    }
    .await;
    match (read, staged) {
        (Ok(()), Some(staged)) => Ok((staged, format)),
        (Ok(()), None) => Err(ApiError::validation(
            "Send the file as the multipart field file.",
        )),
        (Err(err), staged) => {
            if let Some(staged) = staged {
                imports::discard(app, staged).await;
            }
            Err(err)
        }
    }
}
