//! Apify's scrapers, run synchronously (`POST /acts/{actor}/run-sync-get-dataset-items`, which
//! answers the run's dataset items): TikTok through `clockworks~tiktok-scraper` (comments
//! through `clockworks~tiktok-comments-scraper`), Instagram through `apify~instagram-scraper`
//! (comments from each post's `latestComments`). The items are read by `import`, as an
//! exported file of the same scrapers would be. The key goes in `Authorization`, never in the
//! URL.

use std::collections::HashMap;

use ace_domain::knowledge::content::{Comment, Post};
use ace_domain::knowledge::monitoring::{Platform, SearchType};
use ace_net::hosted_api::{ApiKey, CallError, Service};
use futures::future::BoxFuture;
use reqwest::Method;
use serde::Deserialize;
use serde_json::{Value, json};
use tracing::warn;

use super::{fetch_error, in_window, window_start};
use crate::import::{Format, Item, read_record};
use crate::{FetchError, Fetched, Query, Source};

/// `[providers.apify]` settings: which actors run, and how long a run may take.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApifySettings {
    #[serde(default = "default_tiktok_actor")]
    pub tiktok_actor: String,
    #[serde(default = "default_tiktok_comments_actor")]
    pub tiktok_comments_actor: String,
    #[serde(default = "default_instagram_actor")]
    pub instagram_actor: String,
    /// How long one run may take, in seconds (Apify ends a synchronous run at 300).
    #[serde(default = "default_run_timeout_secs")]
    pub run_timeout_secs: u64,
}

impl Default for ApifySettings {
    fn default() -> Self {
        Self {
            tiktok_actor: default_tiktok_actor(),
            tiktok_comments_actor: default_tiktok_comments_actor(),
            instagram_actor: default_instagram_actor(),
            run_timeout_secs: default_run_timeout_secs(),
        }
    }
}

fn default_tiktok_actor() -> String {
    "clockworks~tiktok-scraper".into()
}

fn default_tiktok_comments_actor() -> String {
    "clockworks~tiktok-comments-scraper".into()
}

fn default_instagram_actor() -> String {
    "apify~instagram-scraper".into()
}

fn default_run_timeout_secs() -> u64 {
    240
}

/// Apify, configured.
pub struct Apify {
    service: Service,
    key: ApiKey,
    settings: ApifySettings,
}

impl Apify {
    pub fn new(service: Service, key: ApiKey, settings: ApifySettings) -> Self {
        Self {
            service,
            key,
            settings,
        }
    }

    /// Runs `actor` on `input` and answers its dataset items.
    async fn run(&self, actor: &str, input: &Value) -> Result<Vec<Value>, CallError> {
        let path = format!(
            "acts/{actor}/run-sync-get-dataset-items?timeout={}",
            self.settings.run_timeout_secs.clamp(1, 300)
        );
        let request = self
            .service
            .request(Method::POST, &path, Some(&self.key))
            .json(input);
        self.service.json(request, Some(&self.key)).await
    }

    async fn tiktok(&self, query: &Query) -> Result<Fetched, FetchError> {
        let mut input = json!({
            "resultsPerPage": query.max_results,
            "shouldDownloadVideos": false,
            "shouldDownloadCovers": false,
            "shouldDownloadSubtitles": false,
            "shouldDownloadSlideshowImages": false,
        });
        let (field, value) = match query.search {
            SearchType::Username => ("profiles", query.bare_value()),
            SearchType::Hashtag => ("hashtags", query.bare_value()),
            SearchType::Keyword => ("searchQueries", query.value.as_str()),
        };
        input[field] = json!([value]);
        if let Some(since) = window_start(query.days) {
            input["oldestPostDate"] = json!(since.format("%Y-%m-%d").to_string());
        }
        let items = self
            .run(&self.settings.tiktok_actor, &input)
            .await
            .map_err(fetch_error)?;
        let mut fetched = Fetched {
            posts: posts(query, &items, Format::TikTokApify),
            ..Fetched::default()
        };
        if query.comments_per_post == 0 || fetched.posts.is_empty() {
            return Ok(fetched);
        }
        let urls: Vec<&str> = fetched
            .posts
            .iter()
            .filter_map(|post| post.url.as_deref())
            .collect();
        let input = json!({ "postURLs": urls, "commentsPerPost": query.comments_per_post });
        match self.run(&self.settings.tiktok_comments_actor, &input).await {
            Ok(items) => fetched.comments = comments(&fetched.posts, query, items),
            Err(err) => fetched.cut_short = Some(fetch_error(err).to_string()),
        }
        Ok(fetched)
    }

    async fn instagram(&self, query: &Query) -> Result<Fetched, FetchError> {
        let url = match query.search {
            SearchType::Hashtag => format!(
                "https://www.instagram.com/explore/tags/{}/",
                query.bare_value()
            ),
            _ => format!("https://www.instagram.com/{}/", query.bare_value()),
        };
        let mut input = json!({
            "directUrls": [url],
            "resultsType": "posts",
            "resultsLimit": query.max_results,
            "addParentData": false,
        });
        if query.days > 0 {
            input["onlyPostsNewerThan"] = json!(format!("{} days", query.days));
        }
        let items = self
            .run(&self.settings.instagram_actor, &input)
            .await
            .map_err(fetch_error)?;
        let posts = posts(query, &items, Format::InstagramApify);
        // Each post's record (kept as its `raw`) carries its latest comments.
        let mut latest = Vec::new();
        if query.comments_per_post > 0 {
            for post in &posts {
                let Some(Value::Array(comments)) = post.raw.get("latestComments") else {
                    continue;
                };
                for comment in comments {
                    let mut comment = comment.clone();
                    if let Value::Object(fields) = &mut comment {
                        fields.insert("postId".into(), json!(post.platform_id));
                    }
                    latest.push(comment);
                }
            }
        }
        let comments = comments(&posts, query, latest);
        Ok(Fetched {
            posts,
            comments,
            cut_short: None,
        })
    }
}

/// The posts among `items` in the query's window, at most its `max_results`.
fn posts(query: &Query, items: &[Value], format: Format) -> Vec<Post> {
    let since = window_start(query.days);
    let mut posts = Vec::new();
    for item in items {
        match read_record(item, Some(format)) {
            Ok(Item::Post(post)) if in_window(post.created_at, since) => posts.push(post),
            Ok(_) => {}
            Err(why) => warn!(format = %format, why = %why, "a scraped item could not be read"),
        }
    }
    posts.truncate(query.max_results as usize);
    posts
}

/// The comments among `items` on `posts`, at most `comments_per_post` a post.
fn comments(posts: &[Post], query: &Query, items: Vec<Value>) -> Vec<Comment> {
    let mut room: HashMap<&str, usize> = posts
        .iter()
        .map(|post| (post.platform_id.as_str(), query.comments_per_post as usize))
        .collect();
    let mut comments = Vec::new();
    for item in items {
        if let Ok(Item::Comment(comment)) = read_record(&item, None)
            && let Some(left) = room.get_mut(comment.post_platform_id.as_str())
            && *left > 0
        {
            *left -= 1;
            comments.push(comment);
        }
    }
    comments
}

impl Source for Apify {
    fn name(&self) -> &'static str {
        "apify"
    }

    fn serves(&self, platform: Platform, search: SearchType) -> bool {
        platform == Platform::TikTok
            || (platform == Platform::Instagram && platform.supports(search))
    }

    fn fetch<'a>(&'a self, query: &'a Query) -> BoxFuture<'a, Result<Fetched, FetchError>> {
        Box::pin(async move {
            match query.platform {
                Platform::TikTok => self.tiktok(query).await,
                Platform::Instagram => self.instagram(query).await,
                Platform::YouTube => Err(FetchError::Refused(
                    "Apify is not configured to read YouTube".into(),
                )),
            }
        })
    }
}
