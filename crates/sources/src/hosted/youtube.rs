//! The YouTube Data API v3: `search.list` finds videos (by words or a hashtag, or a channel's
//! newest after `channels.list` turns its `@handle` into an id), `videos.list` reads their
//! statistics, and `commentThreads.list` their top comments. The key goes in the `key`
//! parameter, as Google's API keys do. YouTube's errors say more in their body than in their
//! status: a used-up daily quota refuses the fetch (retrying today will not help), a per-minute
//! limit is a rate limit, and a video with comments turned off is skipped.

use std::collections::HashMap;

use ace_domain::knowledge::content::{Comment, Post};
use ace_domain::knowledge::monitoring::{Platform, SearchType};
use ace_net::hosted_api::{ApiKey, CallError, Service};
use futures::future::BoxFuture;
use reqwest::{Method, StatusCode};
use serde_json::Value;

use super::{array_at, fetch_error, window_start};
use crate::import::{Format, Item, read_record};
use crate::{FetchError, Fetched, Query, Source};

/// The most ids `videos.list` takes at once, and results `search.list` gives a page.
const PAGE: u32 = 50;

/// The YouTube Data API, configured.
pub struct YouTube {
    service: Service,
    key: ApiKey,
}

/// Why YouTube refused, from its error body's `error.errors[0].reason`.
fn explain(status: StatusCode, body: &str) -> Option<CallError> {
    let json: Value = serde_json::from_str(body).ok()?;
    let reason = json.pointer("/error/errors/0/reason")?.as_str()?;
    let refused = |message: &str| CallError::Refused {
        provider: "youtube".into(),
        status: status.as_u16(),
        message: message.into(),
    };
    match reason {
        "quotaExceeded" | "dailyLimitExceeded" => Some(refused(
            "the API key's daily quota is used up; it resets at midnight Pacific time",
        )),
        "rateLimitExceeded" | "userRateLimitExceeded" => Some(CallError::RateLimited {
            provider: "youtube".into(),
            retry_after: None,
        }),
        "commentsDisabled" => Some(refused(COMMENTS_DISABLED)),
        _ => None,
    }
}

const COMMENTS_DISABLED: &str = "comments are turned off on this video";

impl YouTube {
    pub fn new(service: Service, key: ApiKey) -> Self {
        Self { service, key }
    }

    /// `GET {path}` with `params` and the key; its JSON answer.
    async fn get(&self, path: &str, params: &[(&str, String)]) -> Result<Value, CallError> {
        let request = self
            .service
            .request(Method::GET, path, None)
            .query(params)
            .query(&[("key", self.key.expose())]);
        self.service
            .json_explained(request, Some(&self.key), &explain)
            .await
    }

    /// The channel id of `@handle`.
    async fn channel(&self, handle: &str) -> Result<String, FetchError> {
        let answer = self
            .get(
                "channels",
                &[("part", "id".into()), ("forHandle", format!("@{handle}"))],
            )
            .await
            .map_err(fetch_error)?;
        answer
            .pointer("/items/0/id")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| FetchError::Refused(format!("YouTube has no channel @{handle}")))
    }

    /// The ids of the videos the query finds.
    async fn search(&self, query: &Query) -> Result<Vec<String>, FetchError> {
        let mut params = vec![
            ("part", "snippet".to_owned()),
            ("type", "video".to_owned()),
            ("maxResults", query.max_results.clamp(1, PAGE).to_string()),
        ];
        match query.search {
            SearchType::Username => {
                params.push(("channelId", self.channel(query.bare_value()).await?));
                params.push(("order", "date".into()));
            }
            SearchType::Hashtag | SearchType::Keyword => {
                params.push(("q", query.value.clone()));
            }
        }
        if let Some(since) = window_start(query.days) {
            params.push((
                "publishedAfter",
                since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            ));
        }
        if let Some(country) = &query.country {
            params.push(("regionCode", country.to_ascii_uppercase()));
        }
        let answer = self.get("search", &params).await.map_err(fetch_error)?;
        let ids = items(&answer)
            .filter_map(|item| item.pointer("/id/videoId").and_then(Value::as_str))
            .map(str::to_owned)
            .collect();
        Ok(ids)
    }

    /// The videos `ids`, with their statistics.
    async fn videos(&self, ids: &[String]) -> Result<Vec<Post>, FetchError> {
        let mut posts = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(PAGE as usize) {
            let answer = self
                .get(
                    "videos",
                    &[
                        ("part", "snippet,statistics".into()),
                        ("id", chunk.join(",")),
                        ("maxResults", PAGE.to_string()),
                    ],
                )
                .await
                .map_err(fetch_error)?;
            posts.extend(items(&answer).filter_map(|item| {
                match read_record(item, Some(Format::YouTubeApi)) {
                    Ok(Item::Post(post)) => Some(post),
                    _ => None,
                }
            }));
        }
        Ok(posts)
    }

    /// The top `count` comments of `video`; none when its comments are turned off.
    async fn comments(&self, video: &str, count: u32) -> Result<Vec<Comment>, CallError> {
        let answer = self
            .get(
                "commentThreads",
                &[
                    ("part", "snippet".into()),
                    ("videoId", video.into()),
                    ("maxResults", count.clamp(1, 100).to_string()),
                    ("order", "relevance".into()),
                    ("textFormat", "plainText".into()),
                ],
            )
            .await;
        let answer = match answer {
            Err(CallError::Refused { message, .. }) if message == COMMENTS_DISABLED => {
                return Ok(Vec::new());
            }
            other => other?,
        };
        Ok(items(&answer)
            .filter_map(|item| match read_record(item, Some(Format::YouTubeApi)) {
                Ok(Item::Comment(comment)) => Some(comment),
                _ => None,
            })
            .take(count as usize)
            .collect())
    }
}

fn items(answer: &Value) -> impl Iterator<Item = &Value> {
    array_at(answer, "/items")
}

impl Source for YouTube {
    fn name(&self) -> &'static str {
        "youtube"
    }

    fn serves(&self, platform: Platform, search: SearchType) -> bool {
        platform == Platform::YouTube && platform.supports(search)
    }

    fn fetch<'a>(&'a self, query: &'a Query) -> BoxFuture<'a, Result<Fetched, FetchError>> {
        Box::pin(async move {
            let ids = self.search(query).await?;
            let mut fetched = Fetched {
                posts: self.videos(&ids).await?,
                ..Fetched::default()
            };
            // search.list answers in its order; keep it.
            let rank: HashMap<&str, usize> = ids
                .iter()
                .enumerate()
                .map(|(i, id)| (id.as_str(), i))
                .collect();
            fetched
                .posts
                .sort_by_key(|post| rank.get(post.platform_id.as_str()).copied());
            if query.comments_per_post == 0 {
                return Ok(fetched);
            }
            let videos: Vec<String> = fetched
                .posts
                .iter()
                .map(|p| p.platform_id.clone())
                .collect();
            for video in videos {
                match self.comments(&video, query.comments_per_post).await {
                    Ok(comments) => fetched.comments.extend(comments),
                    Err(err) => {
                        fetched.cut_short = Some(fetch_error(err).to_string());
                        break;
                    }
                }
            }
            Ok(fetched)
        })
    }
}
