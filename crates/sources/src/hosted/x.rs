//! Recent posts on X through the X API v2 (`GET /tweets/search/recent`, a bearer token),
//! kept as research findings: GEN's content monitoring does not cover X, so its posts
//! ground research rather than the monitored knowledge. A finding quotes the post, links to
//! it, and keeps its public metrics in `raw`.

use ace_domain::knowledge::content::Finding;
use ace_net::hosted_api::{ApiKey, Service};
use chrono::DateTime;
use futures::future::BoxFuture;
use serde_json::Value;

use super::{EXCERPT_CHARS, array_at, excerpt, get_json, window_start};
use crate::FetchError;
use crate::research::{Research, Topic};

/// Recent search reaches seven days back.
const MOST_DAYS: u32 = 7;

/// X recent search, configured.
pub struct RecentPosts {
    service: Service,
    key: ApiKey,
}

impl RecentPosts {
    pub fn new(service: Service, key: ApiKey) -> Self {
        Self { service, key }
    }
}

fn finding(post: &Value, users: &[Value]) -> Option<Finding> {
    let id = post.get("id").and_then(Value::as_str)?;
    let text = post.get("text").and_then(Value::as_str)?;
    let author = post.get("author_id").and_then(Value::as_str);
    let username = users
        .iter()
        .find(|user| user.get("id").and_then(Value::as_str) == author)
        .and_then(|user| user.get("username").and_then(Value::as_str));
    let (url, title) = match username {
        Some(name) => (
            format!("https://x.com/{name}/status/{id}"),
            format!("@{name} on X"),
        ),
        None => (
            format!("https://x.com/i/web/status/{id}"),
            "A post on X".into(),
        ),
    };
    Some(Finding {
        source: "x".into(),
        url,
        title,
        excerpt: excerpt(text, EXCERPT_CHARS),
        topic: None,
        published_at: post
            .get("created_at")
            .and_then(Value::as_str)
            .and_then(|at| DateTime::parse_from_rfc3339(at).ok())
            .map(|at| at.to_utc()),
        raw: post.clone(),
    })
}

impl Research for RecentPosts {
    fn name(&self) -> &'static str {
        "x"
    }

    fn search<'a>(&'a self, topic: &'a Topic) -> BoxFuture<'a, Result<Vec<Finding>, FetchError>> {
        Box::pin(async move {
            let days = if topic.days == 0 {
                MOST_DAYS
            } else {
                topic.days.min(MOST_DAYS)
            };
            let mut params = vec![
                ("query", format!("{} -is:retweet", topic.words)),
                ("max_results", topic.limit.clamp(10, 100).to_string()),
                (
                    "tweet.fields",
                    "created_at,public_metrics,author_id,lang".to_owned(),
                ),
                ("expansions", "author_id".to_owned()),
                ("user.fields", "username".to_owned()),
            ];
            if days < MOST_DAYS
                && let Some(since) = window_start(days)
            {
                params.push((
                    "start_time",
                    since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                ));
            }
            let answer = get_json(
                &self.service,
                "tweets/search/recent",
                &params,
                Some(&self.key),
            )
            .await?;
            let users = answer
                .pointer("/includes/users")
                .and_then(Value::as_array)
                .map_or(&[][..], Vec::as_slice);
            Ok(array_at(&answer, "/data")
                .filter_map(|post| finding(post, users))
                .take(topic.limit as usize)
                .collect())
        })
    }
}
