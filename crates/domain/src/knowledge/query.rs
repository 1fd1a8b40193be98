//! Questions the agent asks of its knowledge: posts matching words, narrowed by platform,
//! window, author or the monitoring job that found them, ranked by views, likes, engagement
//! rate, growth or recency; the comments on them; research findings. The words become search
//! terms the same way on every database: lowercase letters and digits, every term required.

use chrono::{DateTime, TimeDelta, Utc};

use super::monitoring::Platform;
use crate::ids::UserJobId;

crate::wire_enum! {
    /// How posts are ranked, best first.
    pub enum Ranking {
        /// Most viewed.
        Views = "views",
        /// Most liked.
        Likes = "likes",
        /// Most interactions (likes, comments, shares, saves) per view.
        Engagement = "engagement",
        /// Most views gained between the first and the last fetch in the window.
        Growth = "growth",
        /// Newest first.
        Recent = "recent",
    }
}

/// The most results one question returns.
pub const MAX_LIMIT: u32 = 100;
/// The results a question returns when it names no limit.
pub const DEFAULT_LIMIT: u32 = 10;
/// The most search terms read from a question's words.
const MAX_TERMS: usize = 16;

/// A question about posts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostQuery {
    /// Words every post must contain (in its text or its author), if any.
    pub words: Option<String>,
    pub platform: Option<Platform>,
    /// Posts from the last this many days (by when they were posted, else first seen).
    pub days: Option<u32>,
    /// The author's handle, with or without `@`, in any case.
    pub author: Option<String>,
    /// Posts a scrape, monitoring or import job brought.
    pub found_by: Option<UserJobId>,
    pub ranking: Ranking,
    pub limit: u32,
}

impl Default for PostQuery {
    fn default() -> Self {
        Self {
            words: None,
            platform: None,
            days: None,
            author: None,
            found_by: None,
            ranking: Ranking::Views,
            limit: DEFAULT_LIMIT,
        }
    }
}

impl PostQuery {
    /// The search terms of its words; empty when it has none.
    pub fn terms(&self) -> Vec<String> {
        self.words.as_deref().map(search_terms).unwrap_or_default()
    }

    /// The author as stored: lowercase, without `@`.
    pub fn author_key(&self) -> Option<String> {
        self.author
            .as_deref()
            .map(|author| author.trim().trim_start_matches('@').to_lowercase())
            .filter(|author| !author.is_empty())
    }

    /// The start of its window, seen at `now`.
    pub fn since(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.days
            .filter(|days| *days > 0)
            .map(|days| now - TimeDelta::days(i64::from(days)))
    }

    /// Its limit, within 1 and [`MAX_LIMIT`].
    pub fn bounded_limit(&self) -> u32 {
        self.limit.clamp(1, MAX_LIMIT)
    }
}

/// The search terms of `words`: runs of letters and digits, lowercased, at most sixteen, each
/// once.
pub fn search_terms(words: &str) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    for term in words
        .split(|c: char| !c.is_alphanumeric())
        .filter(|term| !term.is_empty())
        .map(str::to_lowercase)
    {
        if !terms.contains(&term) {
            terms.push(term);
        }
        if terms.len() == MAX_TERMS {
            break;
        }
    }
    terms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_become_lowercase_terms_without_marks_or_repeats() {
        assert_eq!(
            search_terms("#SkinCare routine, skincare! @glow_lab 2026"),
            ["skincare", "routine", "glow", "lab", "2026"]
        );
        assert_eq!(search_terms("  -- "), Vec::<String>::new());
        assert_eq!(search_terms(&"w ".repeat(40)).len(), 1);
        let many: String = (0..40).map(|n| format!("t{n} ")).collect();
        assert_eq!(search_terms(&many).len(), 16);
    }

    #[test]
    fn authors_windows_and_limits_are_normalised() {
        let query = PostQuery {
            author: Some(" @GlowLab".into()),
            days: Some(7),
            limit: 500,
            ..PostQuery::default()
        };
        assert_eq!(query.author_key().as_deref(), Some("glowlab"));
        let now = Utc::now();
        assert_eq!(query.since(now), Some(now - TimeDelta::days(7)));
        assert_eq!(query.bounded_limit(), MAX_LIMIT);
        let all_time = PostQuery {
            days: Some(0),
            ..PostQuery::default()
        };
        assert_eq!(all_time.since(now), None);
    }
}
