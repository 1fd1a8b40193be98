//! Keeping what a fetch or an import brought: every post and comment stored in one
//! transaction, counted as new or already known, each post linked to the job that brought it.

use ace_db::Session;
use ace_db::knowledge;
use ace_domain::ids::{AgentId, UserJobId};
use ace_domain::knowledge::content::{Comment, Post};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::AppResult;

/// How many posts and comments were kept, and how many of them were new.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub posts_fetched: u64,
    pub posts_new: u64,
    pub posts_known: u64,
    pub comments_fetched: u64,
    pub comments_new: u64,
    pub comments_known: u64,
}

/// Stores `posts` and `comments` as the agent's, brought by `job` at `at`.
pub(crate) async fn keep(
    tx: &mut dyn Session,
    agent: AgentId,
    job: UserJobId,
    posts: &[Post],
    comments: &[Comment],
    at: DateTime<Utc>,
) -> AppResult<Tally> {
    let mut tally = Tally::default();
    for stored in knowledge::store_posts(tx, agent, posts, Some(job), at).await? {
        tally.posts_fetched += 1;
        if stored.new {
            tally.posts_new += 1;
        } else {
            tally.posts_known += 1;
        }
    }
    for stored in knowledge::store_comments(tx, agent, comments, at).await? {
        tally.comments_fetched += 1;
        if stored.new {
            tally.comments_new += 1;
        } else {
            tally.comments_known += 1;
        }
    }
    Ok(tally)
}
