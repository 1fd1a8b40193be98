//! User jobs (GEN's `/user_jobs`): start a scrape or monitoring, read any job of an agent's,
//! change a monitoring job, and (ace additions) list an agent's jobs and cancel a scheduled post.

pub mod cancel;
pub mod create;
pub mod list;
pub mod show;
pub mod update;

use ace_domain::ids::{AgentId, parse_raw_id};
use serde_json::Value;

use crate::error::{ApiError, ApiResult};

/// The `agent_id` named in the query, or else in the body; `None` when neither names one.
pub(crate) fn agent_named(query: Option<&str>, body: &Value) -> ApiResult<Option<AgentId>> {
    let from_query = query.and_then(|query| {
        url::form_urlencoded::parse(query.as_bytes())
            .find(|(key, _)| key == "agent_id")
            .map(|(_, value)| value.into_owned())
    });
    let raw = from_query.or_else(|| match body.get("agent_id") {
        Some(Value::String(text)) => Some(text.clone()),
        Some(Value::Number(number)) => Some(number.to_string()),
        _ => None,
    });
    raw.filter(|raw| !raw.trim().is_empty())
        .map(|raw| {
            parse_raw_id(&raw).map(AgentId::new).map_err(|_| {
                ApiError::validation(format!("agent_id {raw:?} must be a numeric id."))
            })
        })
        .transpose()
}
