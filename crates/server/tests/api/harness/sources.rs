//! A source of social content for tests: it answers each fetch with the next scripted answer
//! (posts and comments made up for the query, or an error), and counts the fetches. Hosted
//! adapters are tested against stand-ins of their real services; this one tests what ace does
//! with whatever a source brings back.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use ace_domain::knowledge::content::{Comment, Metrics, Post};
use ace_domain::knowledge::monitoring::{Platform, SearchType};
use ace_sources::{FetchError, Fetched, Query, Source};
use futures::future::BoxFuture;
use serde_json::json;

/// One scripted answer.
#[derive(Clone, Debug)]
pub enum Answer {
    /// Posts numbered `first..first + count`, each with `comments` comments.
    Posts {
        first: u32,
        count: u32,
        comments: u32,
    },
    /// Those posts, then the fetch stops early saying why.
    CutShort {
        count: u32,
        why: &'static str,
    },
    Fails(FetchError),
}

/// A source serving every platform and search type with scripted answers; once the script
/// runs out, it repeats its last answer.
pub struct ScriptedSource {
    script: Mutex<VecDeque<Answer>>,
    last: Mutex<Option<Answer>>,
    fetches: AtomicUsize,
}

impl ScriptedSource {
    pub fn new(script: impl IntoIterator<Item = Answer>) -> Arc<Self> {
        Arc::new(Self {
            script: Mutex::new(script.into_iter().collect()),
            last: Mutex::new(None),
            fetches: AtomicUsize::new(0),
        })
    }

    /// How many fetches it has answered.
    pub fn fetches(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }

    fn next(&self) -> Answer {
        let mut script = self.script.lock().unwrap();
        let mut last = self.last.lock().unwrap();
        if let Some(answer) = script.pop_front() {
            *last = Some(answer);
        }
        last.clone().expect("the source has a script")
    }
}

impl Source for ScriptedSource {
    fn name(&self) -> &'static str {
        "scripted"
    }

    fn serves(&self, _: Platform, _: SearchType) -> bool {
        true
    }

    fn fetch<'a>(&'a self, query: &'a Query) -> BoxFuture<'a, Result<Fetched, FetchError>> {
        self.fetches.fetch_add(1, Ordering::SeqCst);
        let answer = self.next();
        Box::pin(async move {
            match answer {
                Answer::Posts {
                    first,
                    count,
                    comments,
                } => Ok(made_up(query, first, count, comments, None)),
                Answer::CutShort { count, why } => Ok(made_up(query, 0, count, 0, Some(why))),
                Answer::Fails(err) => Err(err),
            }
        })
    }
}

fn made_up(query: &Query, first: u32, count: u32, comments: u32, why: Option<&str>) -> Fetched {
    let mut fetched = Fetched {
        cut_short: why.map(str::to_owned),
        ..Fetched::default()
    };
    for n in first..first + count {
        let id = format!("p{n}");
        fetched.posts.push(Post {
            platform: query.platform,
            platform_id: id.clone(),
            url: Some(format!("https://example.com/{id}")),
            author: Some("creator".into()),
            text: format!("post {n} about {}", query.bare_value()),
            created_at: None,
            metrics: Metrics {
                views: Some(i64::from(n) * 100),
                ..Metrics::default()
            },
            media_urls: Vec::new(),
            raw: json!({"id": id}),
        });
        for c in 0..comments {
            fetched.comments.push(Comment {
                platform: query.platform,
                platform_id: format!("{id}-c{c}"),
                post_platform_id: id.clone(),
                author: Some("fan".into()),
                text: format!("comment {c}"),
                created_at: None,
                likes: Some(1),
                raw: json!({}),
            });
        }
    }
    fetched
}
