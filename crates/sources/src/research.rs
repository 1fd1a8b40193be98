//! A research source: a search service that needs no scraping contract (Hacker News, Reddit,
//! the web, X), asked about a topic, answering with findings (where, a title, an excerpt).

use ace_domain::knowledge::content::Finding;
use futures::future::BoxFuture;

use crate::FetchError;

/// The most findings one search asks for.
pub const MAX_FINDINGS: u32 = 50;

/// What one search asks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Topic {
    /// The words to search for.
    pub words: String,
    /// Findings from the last this many days; 0 for no limit.
    pub days: u32,
    /// The most findings wanted, 1 to [`MAX_FINDINGS`].
    pub limit: u32,
}

impl Topic {
    pub fn new(words: impl Into<String>, days: u32, limit: u32) -> Self {
        Self {
            words: words.into(),
            days,
            limit: limit.clamp(1, MAX_FINDINGS),
        }
    }
}

/// A research source.
pub trait Research: Send + Sync + 'static {
    /// Its name, which its findings carry as their `source`: `hacker_news`, `reddit`, `web`,
    /// `x`.
    fn name(&self) -> &'static str;

    /// One search. Findings come without a `topic`; whoever keeps them sets it.
    fn search<'a>(&'a self, topic: &'a Topic) -> BoxFuture<'a, Result<Vec<Finding>, FetchError>>;
}
