//! List content resources.

use ace_app::content_resources::ResourceQuery;
use ace_domain::ids::{ContentResourceId, SpreadsheetId, parse_raw_id};
use axum::Json;
use axum::extract::{RawQuery, State};

use crate::dto::files::ContentResourceResponse;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated};
use crate::state::ApiState;

/// Lists an agent's files, newest first, 20 a page; pages count from 0.
#[utoipa::path(get, path = "/v1/content_resources", tag = "Content Resources", operation_id = "listContentResources",
    params(("agent_id" = i64, Query), ("type" = Option<String>, Query, description = "image, video, audio, zip or safe_tensors"),
        ("project_id" = Option<i64>, Query), ("ids[]" = Option<Vec<i64>>, Query), ("page" = Option<i64>, Query, description = "From 0")),
    responses((status = 200, body = Vec<ContentResourceResponse>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn list_content_resources(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    RawQuery(query): RawQuery,
) -> ApiResult<Json<Vec<ContentResourceResponse>>> {
    let (filter, page) = read_query(query.as_deref().unwrap_or_default())?;
    let records =
        ace_app::content_resources::list(&state.app, &actor, agent, &filter, page).await?;
    Ok(Json(
        records.iter().map(ContentResourceResponse::from).collect(),
    ))
}

fn read_query(query: &str) -> ApiResult<(ResourceQuery, i64)> {
    let invalid =
        |name: &str, value: &str| ApiError::validation(format!("{name} {value:?} is not valid."));
    let mut filter = ResourceQuery::default();
    let mut page = 0;
    for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
        match name.as_ref() {
            "type" if !value.is_empty() => {
                let kind = ace_app::files::FileKind::parse(&value)
                    .ok_or_else(|| invalid("type", &value))?;
                filter.kind = Some(kind);
            }
            "project_id" if !value.is_empty() => {
                let id = parse_raw_id(&value).map_err(|_| invalid("project_id", &value))?;
                filter.project = Some(SpreadsheetId::new(id));
            }
            "ids[]" | "ids" => {
                let ids = filter.ids.get_or_insert_with(Vec::new);
                for part in value.split(',').filter(|p| !p.trim().is_empty()) {
                    let id = parse_raw_id(part).map_err(|_| invalid("ids[]", part))?;
                    ids.push(ContentResourceId::new(id));
                }
            }
            "page" if !value.is_empty() => {
                page = value.trim().parse().map_err(|_| invalid("page", &value))?
            }
            _ => {}
        }
    }
    Ok((filter, page))
}
