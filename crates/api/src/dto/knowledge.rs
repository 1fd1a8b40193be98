//! The agent's knowledge on the wire (ace additions): the posts, comments and research
//! findings the knowledge routes answer with, and the questions their query strings ask.

use ace_app::knowledge::ask::{FoundComment, FoundFinding, FoundPost};
use ace_domain::ids::UserJobId;
use ace_domain::knowledge::monitoring::Platform;
use ace_domain::knowledge::query::{DEFAULT_LIMIT, MAX_LIMIT, PostQuery, Ranking};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::time::{iso, iso_opt};
use crate::error::ApiError;

/// Which posts, and in what order (all optional).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PostSearch {
    /// Words every post must contain, in its text or its author.
    pub q: Option<String>,
    /// tiktok, instagram or youtube.
    pub platform: Option<String>,
    /// Posts from the last this many days (by when they were posted, else first seen); 0 for
    /// no limit.
    pub days: Option<u32>,
    /// The author's handle, with or without `@`.
    pub author: Option<String>,
    /// Posts a scrape, monitoring or import job brought.
    pub user_job_id: Option<i64>,
    /// views (the default), likes, engagement, growth or recent.
    pub rank: Option<String>,
    /// 1 to 100; 10 by default.
    pub limit: Option<u32>,
}

impl PostSearch {
    /// The question it asks; a value out of range is a 422 naming it.
    pub fn query(self) -> Result<PostQuery, ApiError> {
        let platform = match self.platform.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => Some(
                text.parse::<Platform>()
                    .map_err(|err| ApiError::validation(format!("platform {text:?}: {err}.")))?,
            ),
        };
        let ranking = match self.rank.as_deref().map(str::trim) {
            None | Some("") => Ranking::Views,
            Some(text) => text
                .parse::<Ranking>()
                .map_err(|err| ApiError::validation(format!("rank {text:?}: {err}.")))?,
        };
        Ok(PostQuery {
            words: self.q.filter(|q| !q.trim().is_empty()),
            platform,
            days: self.days,
            author: self.author.filter(|a| !a.trim().is_empty()),
            found_by: self.user_job_id.map(UserJobId::new),
            ranking,
            limit: limit(self.limit)?,
        })
    }
}

/// A limit from 1 to 100, 10 when none is given.
pub fn limit(given: Option<u32>) -> Result<u32, ApiError> {
    match given {
        None => Ok(DEFAULT_LIMIT),
        Some(limit) if (1..=MAX_LIMIT).contains(&limit) => Ok(limit),
        Some(limit) => Err(ApiError::validation(format!(
            "limit {limit} must be between 1 and {MAX_LIMIT}."
        ))),
    }
}

/// Which comments: those on some posts, optionally containing words.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommentSearch {
    /// The posts' knowledge ids (as the posts route answers them), comma-separated.
    pub post_ids: String,
    /// Words every comment must contain.
    pub q: Option<String>,
    /// 1 to 100; 10 by default.
    pub limit: Option<u32>,
}

impl CommentSearch {
    /// The post ids; at least one, at most 100, each a number.
    pub fn posts(&self) -> Result<Vec<i64>, ApiError> {
        let ids = self
            .post_ids
            .split(',')
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map(|id| {
                id.parse::<i64>()
                    .map_err(|_| ApiError::validation(format!("post_ids: {id:?} is not an id.")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if ids.is_empty() || ids.len() > MAX_LIMIT as usize {
            return Err(ApiError::validation(format!(
                "post_ids must name 1 to {MAX_LIMIT} posts."
            )));
        }
        Ok(ids)
    }
}

/// Which findings: those containing words (all for none).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FindingSearch {
    /// Words every finding must contain.
    pub q: Option<String>,
    /// 1 to 100; 10 by default.
    pub limit: Option<u32>,
}

/// A post's metrics at its last fetch.
#[derive(Debug, Serialize, ToSchema)]
pub struct KnowledgeMetrics {
    pub views: Option<i64>,
    pub likes: Option<i64>,
    pub comments: Option<i64>,
    pub shares: Option<i64>,
    pub saves: Option<i64>,
}

/// A post in the agent's knowledge.
#[derive(Debug, Serialize, ToSchema)]
pub struct KnowledgePost {
    /// Its id in the agent's knowledge (for the comments route).
    pub id: i64,
    pub platform: String,
    /// Its id on the platform.
    pub platform_id: String,
    pub url: Option<String>,
    pub author: Option<String>,
    pub text: String,
    pub posted_at: Option<String>,
    pub metrics: KnowledgeMetrics,
    /// Likes, comments, shares and saves per view; `null` without views.
    pub engagement_rate: Option<f64>,
    /// Views gained between its first and last fetch in the window.
    pub views_gained: i64,
}

impl From<FoundPost> for KnowledgePost {
    fn from(post: FoundPost) -> Self {
        Self {
            id: post.id,
            platform: post.platform,
            platform_id: post.platform_id,
            url: post.url,
            author: post.author,
            text: post.body,
            posted_at: iso_opt(post.posted_at),
            metrics: KnowledgeMetrics {
                views: post.views,
                likes: post.likes,
                comments: post.comments,
                shares: post.shares,
                saves: post.saves,
            },
            engagement_rate: post.engagement,
            views_gained: post.growth,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KnowledgePostsResponse {
    pub posts: Vec<KnowledgePost>,
}

/// A comment on one of the agent's posts.
#[derive(Debug, Serialize, ToSchema)]
pub struct KnowledgeComment {
    pub id: i64,
    pub platform: String,
    pub platform_id: String,
    /// The platform id of the post it is on.
    pub post_platform_id: String,
    pub author: Option<String>,
    pub text: String,
    pub posted_at: Option<String>,
    pub likes: Option<i64>,
}

impl From<FoundComment> for KnowledgeComment {
    fn from(comment: FoundComment) -> Self {
        Self {
            id: comment.id,
            platform: comment.platform,
            platform_id: comment.platform_id,
            post_platform_id: comment.post_platform_id,
            author: comment.author,
            text: comment.body,
            posted_at: iso_opt(comment.posted_at),
            likes: comment.likes,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KnowledgeCommentsResponse {
    pub comments: Vec<KnowledgeComment>,
}

/// A research finding.
#[derive(Debug, Serialize, ToSchema)]
pub struct KnowledgeFinding {
    pub id: i64,
    /// hacker_news, reddit, web or x.
    pub source: String,
    pub url: String,
    pub title: String,
    pub excerpt: String,
    /// The research topic it was found for.
    pub topic: Option<String>,
    pub published_at: Option<String>,
    pub fetched_at: String,
}

impl From<FoundFinding> for KnowledgeFinding {
    fn from(finding: FoundFinding) -> Self {
        Self {
            id: finding.id,
            source: finding.source,
            url: finding.url,
            title: finding.title,
            excerpt: finding.excerpt,
            topic: finding.topic,
            published_at: iso_opt(finding.published_at),
            fetched_at: iso(finding.fetched_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KnowledgeFindingsResponse {
    pub findings: Vec<KnowledgeFinding>,
}
