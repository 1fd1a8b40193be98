//! Social content as the knowledge base keeps it, whatever source it came from: posts and
//! comments normalised to one shape (platform, platform id, URL, author, text, time, metrics,
//! media), each with the record it was read from.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::monitoring::Platform;

/// What a post's audience did, as counted when it was fetched; `None` where the source does
/// not say.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Metrics {
    pub views: Option<i64>,
    pub likes: Option<i64>,
    pub comments: Option<i64>,
    pub shares: Option<i64>,
    pub saves: Option<i64>,
}

/// A post or video.
#[derive(Clone, Debug, PartialEq)]
pub struct Post {
    pub platform: Platform,
    /// The platform's own id; with the platform, it identifies the post.
    pub platform_id: String,
    pub url: Option<String>,
    /// The author's handle, without `@`.
    pub author: Option<String>,
    /// The caption, title and description, as one text.
    pub text: String,
    pub created_at: Option<DateTime<Utc>>,
    pub metrics: Metrics,
    /// Covers, thumbnails or the media itself.
    pub media_urls: Vec<String>,
    /// The record as the source gave it.
    pub raw: Value,
}

/// A comment on a post.
#[derive(Clone, Debug, PartialEq)]
pub struct Comment {
    pub platform: Platform,
    pub platform_id: String,
    /// The platform id of the post it is on.
    pub post_platform_id: String,
    pub author: Option<String>,
    pub text: String,
    pub created_at: Option<DateTime<Utc>>,
    pub likes: Option<i64>,
    pub raw: Value,
}

/// A page research found: a story, a thread or a search result.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// Where it was found: `hacker_news`, `reddit`, `web`.
    pub source: String,
    pub url: String,
    pub title: String,
    /// What the page says, in a few sentences.
    pub excerpt: String,
    /// The research topic it was found for.
    pub topic: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub raw: Value,
}
