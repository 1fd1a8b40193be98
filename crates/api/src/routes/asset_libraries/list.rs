//! Browse the asset library.

use ace_app::asset_library::LibraryRequest;
use ace_domain::ids::{AssetFolderId, parse_raw_id};
use axum::Json;
use axum::extract::{RawQuery, State};

use crate::dto::files::LibraryItemResponse;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{AgentParam, Authenticated};
use crate::state::ApiState;

/// Lists folders and files together: the top level, or inside `folder_id`; a `search` without
/// a folder looks everywhere. Folders first, then newest, unless `order=recent`. Pages count
/// from 1.
#[utoipa::path(get, path = "/v1/asset_libraries", tag = "Asset Libraries", operation_id = "listAssetLibraries",
    params(("agent_id" = i64, Query), ("folder_id" = Option<i64>, Query),
        ("asset_type" = Option<String>, Query, description = "Comma list of image, video, audio, zip, safe_tensors, folder"),
        ("search" = Option<String>, Query), ("order" = Option<String>, Query, description = "recent"),
        ("page" = Option<i64>, Query, description = "From 1"), ("page_size" = Option<i64>, Query, description = "1 to 100; default 20")),
    responses((status = 200, body = Vec<LibraryItemResponse>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn list_asset_libraries(
    State(state): State<ApiState>,
    Authenticated(actor): Authenticated,
    AgentParam(agent): AgentParam,
    RawQuery(query): RawQuery,
) -> ApiResult<Json<Vec<LibraryItemResponse>>> {
    let request = read_query(query.as_deref().unwrap_or_default())?;
    let items = ace_app::asset_library::list(&state.app, &actor, agent, &request).await?;
    Ok(Json(items.iter().map(LibraryItemResponse::from).collect()))
}

fn read_query(query: &str) -> ApiResult<LibraryRequest> {
    let invalid =
        |name: &str, value: &str| ApiError::validation(format!("{name} {value:?} is not valid."));
    let mut request = LibraryRequest::default();
    for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        match name.as_ref() {
            "folder_id" => {
                request.folder = Some(AssetFolderId::new(
                    parse_raw_id(value).map_err(|_| invalid("folder_id", value))?,
                ))
            }
            "asset_type" | "asset_type[]" => {
                request.asset_types.get_or_insert_with(Vec::new).extend(
                    value
                        .split(',')
                        .map(|t| t.trim().to_owned())
                        .filter(|t| !t.is_empty()),
                )
            }
            "search" => request.search = Some(value.to_owned()),
            "order" => request.order = Some(value.to_owned()),
            "page" => request.page = Some(value.parse().map_err(|_| invalid("page", value))?),
            "page_size" => {
                request.page_size = Some(value.parse().map_err(|_| invalid("page_size", value))?)
            }
            _ => {}
        }
    }
    Ok(request)
}
