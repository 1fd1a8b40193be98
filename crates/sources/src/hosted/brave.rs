//! Web search through Brave's Search API (`GET /web/search`, the key in
//! `X-Subscription-Token`). Brave was chosen over Tavily and Perplexity because it answers
//! from its own index with the pages' own words (title, description, extra snippets): a
//! finding then quotes its source rather than another model's summary of it, and one plain
//! GET is all it takes.

use ace_domain::knowledge::content::Finding;
use ace_net::hosted_api::{ApiKey, Service};
use futures::future::BoxFuture;
use serde_json::Value;

use super::{EXCERPT_CHARS, array_at, excerpt, get_json};
use crate::FetchError;
use crate::research::{Research, Topic};

/// The most results Brave gives one call.
const MOST: u32 = 20;

/// Brave web search, configured.
pub struct WebSearch {
    service: Service,
    key: ApiKey,
}

impl WebSearch {
    pub fn new(service: Service, key: ApiKey) -> Self {
        Self { service, key }
    }
}

/// Brave's `freshness` for a window of `days`: past day, week, month or year.
fn freshness(days: u32) -> Option<&'static str> {
    match days {
        0 => None,
        1 => Some("pd"),
        2..=7 => Some("pw"),
        8..=31 => Some("pm"),
        _ => Some("py"),
    }
}

fn finding(result: &Value) -> Option<Finding> {
    let url = result.get("url").and_then(Value::as_str)?.to_owned();
    let title = result.get("title").and_then(Value::as_str)?.to_owned();
    let snippets = array_at(result, "/extra_snippets").filter_map(Value::as_str);
    let text = result
        .get("description")
        .and_then(Value::as_str)
        .into_iter()
        .chain(snippets)
        .collect::<Vec<_>>()
        .join(" ");
    Some(Finding {
        source: "web".into(),
        url,
        title: strip_strong(&title),
        excerpt: excerpt(&strip_strong(&text), EXCERPT_CHARS),
        topic: None,
        published_at: result
            .get("page_age")
            .and_then(Value::as_str)
            .and_then(|age| {
                chrono::NaiveDateTime::parse_from_str(age, "%Y-%m-%dT%H:%M:%S")
                    .ok()
                    .map(|t| t.and_utc())
            }),
        raw: result.clone(),
    })
}

/// Brave marks the matched words with `<strong>`; the excerpt keeps the words only.
fn strip_strong(text: &str) -> String {
    text.replace("<strong>", "").replace("</strong>", "")
}

impl Research for WebSearch {
    fn name(&self) -> &'static str {
        "web"
    }

    fn search<'a>(&'a self, topic: &'a Topic) -> BoxFuture<'a, Result<Vec<Finding>, FetchError>> {
        Box::pin(async move {
            let mut params = vec![
                ("q", topic.words.clone()),
                ("count", topic.limit.min(MOST).to_string()),
                ("extra_snippets", "true".to_owned()),
            ];
            if let Some(freshness) = freshness(topic.days) {
                params.push(("freshness", freshness.to_owned()));
            }
            let answer = get_json(&self.service, "web/search", &params, Some(&self.key)).await?;
            Ok(array_at(&answer, "/web/results")
                .filter_map(finding)
                .collect())
        })
    }
}
