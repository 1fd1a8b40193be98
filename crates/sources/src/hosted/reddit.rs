//! Reddit search (`GET /search` on `oauth.reddit.com`) as an application: the key is
//! `client_id:client_secret`, traded for a bearer token at `token_url` (OAuth client
//! credentials), which is kept until a minute before it expires.

use std::time::{Duration, Instant};

use ace_domain::knowledge::content::Finding;
use ace_net::hosted_api::{ApiKey, Service};
use chrono::DateTime;
use futures::future::BoxFuture;
use reqwest::Method;
use serde::Deserialize;
use serde_json::Value;
use tokio::sync::Mutex;

use super::{EXCERPT_CHARS, array_at, excerpt, fetch_error, get_json};
use crate::FetchError;
use crate::research::{Research, Topic};

/// `[providers.reddit]` settings.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedditSettings {
    /// Where the application's token is asked for.
    #[serde(default = "default_token_url")]
    pub token_url: String,
}

fn default_token_url() -> String {
    "https://www.reddit.com/api/v1/access_token".into()
}

/// How long before its expiry a token is replaced.
const EARLY: Duration = Duration::from_secs(60);

/// Reddit search, configured.
pub struct Reddit {
    service: Service,
    client_id: String,
    secret: ApiKey,
    settings: RedditSettings,
    token: Mutex<Option<(ApiKey, Instant)>>,
}

#[derive(Deserialize)]
struct Token {
    access_token: String,
    #[serde(default = "default_expires_in")]
    expires_in: u64,
}

fn default_expires_in() -> u64 {
    3_600
}

impl Reddit {
    /// Reddit with `key` (`client_id:client_secret`).
    pub fn new(service: Service, key: ApiKey, settings: RedditSettings) -> Result<Self, String> {
        let (client_id, secret) = key
            .expose()
            .split_once(':')
            .filter(|(id, secret)| !id.is_empty() && !secret.is_empty())
            .ok_or("api_key must be client_id:client_secret")?;
        Ok(Self {
            client_id: client_id.to_owned(),
            secret: ApiKey::new(secret),
            service,
            settings,
            token: Mutex::new(None),
        })
    }

    /// A live bearer token, asked for when there is none.
    async fn token(&self) -> Result<ApiKey, FetchError> {
        let mut held = self.token.lock().await;
        if let Some((token, until)) = held.as_ref()
            && Instant::now() < *until
        {
            return Ok(token.clone());
        }
        let request = self
            .service
            .request_to(Method::POST, &self.settings.token_url)
            .basic_auth(&self.client_id, Some(self.secret.expose()))
            .form(&[("grant_type", "client_credentials")]);
        let answer: Token = self
            .service
            .json(request, Some(&self.secret))
            .await
            .map_err(fetch_error)?;
        let token = ApiKey::new(answer.access_token);
        let lasts = Duration::from_secs(answer.expires_in).saturating_sub(EARLY);
        *held = Some((token.clone(), Instant::now() + lasts));
        Ok(token)
    }
}

/// Reddit's `t` for a window of `days`.
fn period(days: u32) -> &'static str {
    match days {
        0 => "all",
        1 => "day",
        2..=7 => "week",
        8..=31 => "month",
        _ => "year",
    }
}

fn finding(child: &Value) -> Option<Finding> {
    let post = child.get("data")?;
    let title = post.get("title").and_then(Value::as_str)?.to_owned();
    let permalink = post.get("permalink").and_then(Value::as_str)?;
    let count = |key: &str| post.get(key).and_then(Value::as_i64).unwrap_or(0);
    let text = post
        .get("selftext")
        .and_then(Value::as_str)
        .filter(|text| !text.trim().is_empty())
        .map_or_else(
            || {
                format!(
                    "{} points and {} comments in r/{}.",
                    count("score"),
                    count("num_comments"),
                    post.get("subreddit").and_then(Value::as_str).unwrap_or("?")
                )
            },
            str::to_owned,
        );
    Some(Finding {
        source: "reddit".into(),
        url: format!("https://www.reddit.com{permalink}"),
        title,
        excerpt: excerpt(&text, EXCERPT_CHARS),
        topic: None,
        published_at: post
            .get("created_utc")
            .and_then(Value::as_f64)
            .and_then(|s| DateTime::from_timestamp(s as i64, 0)),
        raw: post.clone(),
    })
}

impl Research for Reddit {
    fn name(&self) -> &'static str {
        "reddit"
    }

    fn search<'a>(&'a self, topic: &'a Topic) -> BoxFuture<'a, Result<Vec<Finding>, FetchError>> {
        Box::pin(async move {
            let token = self.token().await?;
            let params = [
                ("q", topic.words.clone()),
                ("limit", topic.limit.min(100).to_string()),
                ("sort", "relevance".into()),
                ("t", period(topic.days).into()),
                ("type", "link".into()),
                ("raw_json", "1".into()),
            ];
            let answer = get_json(&self.service, "search", &params, Some(&token)).await?;
            Ok(array_at(&answer, "/data/children")
                .filter_map(finding)
                .collect())
        })
    }
}
