//! Hacker News through Algolia's search API (`GET /search?query=&tags=story`), which needs no
//! key. A story's finding links to what it links to (or to its discussion), with its text or
//! its score as the excerpt.

use ace_domain::knowledge::content::Finding;
use ace_net::hosted_api::Service;
use chrono::DateTime;
use futures::future::BoxFuture;
use serde_json::Value;

use super::{EXCERPT_CHARS, array_at, excerpt, get_json, window_start};
use crate::FetchError;
use crate::research::{Research, Topic};

/// Hacker News search, configured.
pub struct HackerNews {
    service: Service,
}

impl HackerNews {
    pub fn new(service: Service) -> Self {
        Self { service }
    }
}

fn finding(hit: &Value) -> Option<Finding> {
    let id = hit.get("objectID").and_then(Value::as_str)?;
    let title = hit.get("title").and_then(Value::as_str)?.trim().to_owned();
    let discussion = format!("https://news.ycombinator.com/item?id={id}");
    let url = hit
        .get("url")
        .and_then(Value::as_str)
        .filter(|url| !url.is_empty())
        .map_or_else(|| discussion.clone(), str::to_owned);
    let count = |key: &str| hit.get(key).and_then(Value::as_i64).unwrap_or(0);
    let text = hit
        .get("story_text")
        .and_then(Value::as_str)
        .map(strip_tags)
        .filter(|text| !text.trim().is_empty())
        .unwrap_or_else(|| {
            format!(
                "{} points and {} comments on Hacker News ({discussion}).",
                count("points"),
                count("num_comments")
            )
        });
    Some(Finding {
        source: "hacker_news".into(),
        url,
        title,
        excerpt: excerpt(&text, EXCERPT_CHARS),
        topic: None,
        published_at: hit
            .get("created_at_i")
            .and_then(Value::as_i64)
            .and_then(|s| DateTime::from_timestamp(s, 0)),
        raw: hit.clone(),
    })
}

/// Text without its HTML tags and with its common entities read.
fn strip_tags(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&#x2F;", "/")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

impl Research for HackerNews {
    fn name(&self) -> &'static str {
        "hacker_news"
    }

    fn search<'a>(&'a self, topic: &'a Topic) -> BoxFuture<'a, Result<Vec<Finding>, FetchError>> {
        Box::pin(async move {
            let mut params = vec![
                ("query", topic.words.clone()),
                ("tags", "story".to_owned()),
                ("hitsPerPage", topic.limit.to_string()),
            ];
            if let Some(since) = window_start(topic.days) {
                params.push((
                    "numericFilters",
                    format!("created_at_i>{}", since.timestamp()),
                ));
            }
            let answer = get_json(&self.service, "search", &params, None).await?;
            Ok(array_at(&answer, "/hits").filter_map(finding).collect())
        })
    }
}
