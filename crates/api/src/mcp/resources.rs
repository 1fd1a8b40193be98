//! The resources an MCP client can read: the API reference (ace's OpenAPI document) and the
//! template library, as a whole and one template at a time, each read for the caller as the
//! REST routes answer it.

use std::sync::Arc;

use ace_app::Actor;
use axum::extract::{Path, State};
use rmcp::ErrorData;
use rmcp::model::{ReadResourceResult, Resource, ResourceContents};
use serde_json::Value;

use crate::error::ApiError;
use crate::extract::{Authenticated, Query};
use crate::routes::templates;
use crate::state::ApiState;

/// ace's OpenAPI document.
pub const API_REFERENCE: &str = "ace://api-reference";
/// The template library: every template, as `gen_list_templates` pages them.
pub const TEMPLATES: &str = "ace://templates";
/// One template with its engine: `ace://templates/{slug}`.
const TEMPLATE: &str = "ace://templates/";

const JSON: &str = "application/json";

/// The resources listed: the API reference, the library and each template in it.
pub async fn listed(state: &ApiState, actor: &Actor) -> Result<Vec<Resource>, ErrorData> {
    let mut resources = vec![
        Resource::new(API_REFERENCE, "api-reference")
            .with_title("ace API reference")
            .with_description(
                "ace's OpenAPI 3.1 document: every operation, its inputs and answers.",
            )
            .with_mime_type(JSON),
        Resource::new(TEMPLATES, "templates")
            .with_title("Template library")
            .with_description("Every template an engine can be cloned from (gen_clone_template).")
            .with_mime_type(JSON),
    ];
    for template in library(state, actor).await? {
        let slug = template["slug"].as_str().unwrap_or_default();
        let title = template["title"].as_str().unwrap_or(slug);
        resources.push(
            Resource::new(format!("{TEMPLATE}{slug}"), format!("template-{slug}"))
                .with_title(title.to_owned())
                .with_description("A template with its engine: columns, cards and layers.")
                .with_mime_type(JSON),
        );
    }
    Ok(resources)
}

/// Reads the resource at `uri` for `actor`.
pub async fn read(
    state: &ApiState,
    actor: &Actor,
    reference: &Arc<str>,
    uri: &str,
) -> Result<ReadResourceResult, ErrorData> {
    let text = if uri == API_REFERENCE {
        reference.to_string()
    } else if uri == TEMPLATES {
        Value::Array(library(state, actor).await?).to_string()
    } else if let Some(slug) = uri.strip_prefix(TEMPLATE).filter(|slug| !slug.is_empty()) {
        let template = templates::show::get_template(
            State(state.clone()),
            Authenticated(actor.clone()),
            Path(slug.to_owned()),
        )
        .await
        .map_err(|err| refused(uri, &err))?;
        serde_json::to_string(&template.0).unwrap_or_default()
    } else {
        return Err(ErrorData::resource_not_found(
            format!("There is no resource {uri}."),
            None,
        ));
    };
    Ok(ReadResourceResult::new(vec![
        ResourceContents::text(text, uri).with_mime_type(JSON),
    ]))
}

/// Every page of the library.
async fn library(state: &ApiState, actor: &Actor) -> Result<Vec<Value>, ErrorData> {
    let mut all = Vec::new();
    for page in 1.. {
        let query = Query(templates::list::PageQuery { page: Some(page) });
        let listed = templates::list::list_templates(
            State(state.clone()),
            Authenticated(actor.clone()),
            query,
        )
        .await
        .map_err(|err| refused(TEMPLATES, &err))?
        .0;
        let count = listed.len();
        all.extend(
            listed
                .into_iter()
                .map(|template| serde_json::to_value(template).unwrap_or_default()),
        );
        if i64::try_from(count).unwrap_or(0) < ace_app::templates::PAGE_SIZE {
            break;
        }
    }
    Ok(all)
}

/// A read refused by the route, as a resource error carrying GEN's envelope.
fn refused(uri: &str, err: &ApiError) -> ErrorData {
    let envelope = serde_json::json!({"error": err.0.message, "error_code": err.0.code.as_str()});
    if err.0.kind == ace_app::ErrorKind::NotFound {
        return ErrorData::resource_not_found(
            format!("There is no resource {uri}."),
            Some(envelope),
        );
    }
    ErrorData::internal_error(err.0.message.clone(), Some(envelope))
}
