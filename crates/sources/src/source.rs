//! A hosted source of social content: what it can search (platform × search type), and one
//! fetch of posts (and their comments) for a request. [`Sources`] holds the configured ones and
//! says, for a platform nothing serves, which setting would add one.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use ace_domain::knowledge::content::{Comment, Post};
use ace_domain::knowledge::monitoring::{MonitoringRequest, Platform, SearchType};
use futures::future::BoxFuture;

use crate::research::Research;

/// The most comments read per post when comments are asked for.
pub const COMMENTS_PER_POST: u32 = 20;

/// What one fetch asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    pub platform: Platform,
    pub search: SearchType,
    /// `@name`, `#tag` or plain words, as the request gave it.
    pub value: String,
    /// Content from the last this many days; 0 for no limit.
    pub days: u32,
    /// Two lowercase letters.
    pub country: Option<String>,
    pub max_results: u32,
    /// Comments per post to read as well; 0 for none.
    pub comments_per_post: u32,
}

impl Query {
    /// The fetch a request asks for, with its documented defaults filled in.
    pub fn of(request: &MonitoringRequest) -> Self {
        Self {
            platform: request.platform,
            search: request.search,
            value: request.value.clone(),
            days: request.effective_days(),
            country: request.country.clone(),
            max_results: request.effective_max_results(),
            comments_per_post: if request.comment_monitoring {
                COMMENTS_PER_POST
            } else {
                0
            },
        }
    }

    /// The value without its `@` or `#`.
    pub fn bare_value(&self) -> &str {
        self.value.trim_start_matches(['@', '#'])
    }

    /// The most posts and comments this fetch can return.
    pub fn most(&self) -> (u64, u64) {
        let posts = u64::from(self.max_results);
        (posts, posts * u64::from(self.comments_per_post))
    }
}

/// What a fetch brought back.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fetched {
    pub posts: Vec<Post>,
    pub comments: Vec<Comment>,
    /// Why the fetch stopped early, when it did; what came before is kept.
    pub cut_short: Option<String>,
}

/// Why a fetch brought nothing back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FetchError {
    /// The service asked us to slow down (HTTP 429, a quota for now); worth retrying later.
    RateLimited { retry_after: Option<Duration> },
    /// The service failed or could not be reached; worth retrying later.
    Unavailable(String),
    /// The service refused the request (a bad key, an exhausted daily quota, an unknown
    /// account); retrying will not help. The text is for the user.
    Refused(String),
}

impl FetchError {
    /// Whether trying again later may succeed.
    pub fn is_transient(&self) -> bool {
        !matches!(self, FetchError::Refused(_))
    }
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::RateLimited { .. } => f.write_str("the source is rate limiting requests"),
            FetchError::Unavailable(why) | FetchError::Refused(why) => f.write_str(why),
        }
    }
}

/// A hosted source of social content.
pub trait Source: Send + Sync + 'static {
    /// Its name: the queue lane its fetches are capped in, and what jobs record as their
    /// provider.
    fn name(&self) -> &'static str;

    /// Whether it can search `platform` by `search`.
    fn serves(&self, platform: Platform, search: SearchType) -> bool;

    /// One fetch. Dropping the future abandons it.
    fn fetch<'a>(&'a self, query: &'a Query) -> BoxFuture<'a, Result<Fetched, FetchError>>;
}

/// The configured sources: of social content, the first that serves a search winning; of
/// research, all of them asked together.
#[derive(Clone, Default)]
pub struct Sources {
    configured: Vec<Arc<dyn Source>>,
    research: Vec<Arc<dyn Research>>,
}

impl Sources {
    /// Adds a source after those already configured.
    pub fn add(&mut self, source: Arc<dyn Source>) {
        self.configured.push(source);
    }

    /// Adds `other`'s sources after these.
    pub fn extend(&mut self, other: Sources) {
        self.configured.extend(other.configured);
        self.research.extend(other.research);
    }

    /// Adds a research source.
    pub fn add_research(&mut self, source: Arc<dyn Research>) {
        self.research.push(source);
    }

    /// The research sources.
    pub fn research(&self) -> &[Arc<dyn Research>] {
        &self.research
    }

    /// The source that serves `platform` searched by `search`, if one is configured.
    pub fn serving(&self, platform: Platform, search: SearchType) -> Option<Arc<dyn Source>> {
        self.configured
            .iter()
            .find(|source| source.serves(platform, search))
            .cloned()
    }

    /// The names of the configured sources, social then research.
    pub fn names(&self) -> Vec<&'static str> {
        self.configured
            .iter()
            .map(|source| source.name())
            .chain(self.research.iter().map(|source| source.name()))
            .collect()
    }
}

impl fmt::Debug for Sources {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.names()).finish()
    }
}

/// The setting that configures a source for `platform`, for messages about a missing one.
pub const fn setting_for(platform: Platform) -> &'static str {
    match platform {
        Platform::TikTok | Platform::Instagram => {
            "ACE_PROVIDER_APIFY_API_KEY (or api_key under [providers.apify] in the config file)"
        }
        Platform::YouTube => {
            "ACE_PROVIDER_YOUTUBE_API_KEY (or api_key under [providers.youtube] in the config file)"
        }
    }
}
