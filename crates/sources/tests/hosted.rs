//! The hosted adapters, each against a stand-in server speaking its wire format: what they
//! ask (paths, parameters, where the key goes), what they read back, and what a refusal or a
//! rate limit becomes.

use std::time::Duration;

use ace_domain::knowledge::monitoring::{Platform, SearchType};
use ace_fixtures::{ProviderApi, Seen, logged, reply_json};
use ace_net::hosted_api::{ApiKey, Service};
use ace_sources::hosted::install;
use ace_sources::{FetchError, Fetched, Query, Sources, Topic};
use serde_json::{Value, json};

/// `api`'s source, reached at `api_url`.
fn source(api: &str, url: &str, key: Option<&str>, settings: &str) -> Sources {
    let auth_header = (api == "brave").then_some("x-subscription-token");
    let service = Service::new(api, url, auth_header, Duration::from_secs(10)).unwrap();
    let mut sources = Sources::default();
    install(
        &mut sources,
        api,
        service,
        key.map(ApiKey::new),
        settings.parse().unwrap(),
    )
    .unwrap();
    sources
}

fn query(platform: Platform, search: SearchType, value: &str, comments: u32) -> Query {
    Query {
        platform,
        search,
        value: value.into(),
        days: 7,
        country: Some("us".into()),
        max_results: 2,
        comments_per_post: comments,
    }
}

/// One fetch by the source of `sources` serving the query's platform and search.
async fn fetch(sources: &Sources, query: &Query) -> Result<Fetched, FetchError> {
    let source = sources
        .serving(query.platform, query.search)
        .expect("a source serves the query");
    source.fetch(query).await
}

/// The value of query parameter `name` in a request's path, decoded.
fn param(seen: &Seen, name: &str) -> Option<String> {
    let (_, query) = seen.path.split_once('?')?;
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

fn recent(hours: i64) -> String {
    (chrono::Utc::now() - chrono::TimeDelta::hours(hours)).to_rfc3339()
}

fn tiktok_video(id: &str, plays: u64) -> Value {
    json!({
        "id": id, "text": format!("serum routine {id} #skincare"), "createTimeISO": recent(5),
        "webVideoUrl": format!("https://www.tiktok.com/@glowlab/video/{id}"),
        "playCount": plays, "diggCount": 10, "commentCount": 2, "shareCount": 1, "collectCount": 0,
        "authorMeta": {"name": "glowlab"}
    })
}

#[tokio::test]
async fn apify_runs_the_tiktok_scraper_then_its_comments_scraper_with_the_key_in_a_header() {
    let api = ProviderApi::start(|seen, _| {
        if seen.path.contains("tiktok-comments-scraper") {
            return reply_json(201, &json!([
                {"cid": "c1", "text": "love it", "diggCount": 40, "createTimeISO": recent(1),
                 "uniqueId": "fan1", "videoWebUrl": "https://www.tiktok.com/@glowlab/video/111"},
                {"cid": "c2", "text": "where to buy", "diggCount": 3, "createTimeISO": recent(1),
                 "uniqueId": "fan2", "videoWebUrl": "https://www.tiktok.com/@glowlab/video/222"}
            ]));
        }
        let old = json!({"id": "999", "text": "old", "createTimeISO": recent(24 * 30),
                         "webVideoUrl": "https://www.tiktok.com/@a/video/999"});
        reply_json(201, &json!([tiktok_video("111", 5000), tiktok_video("222", 900), old]))
    })
    .await;
    let sources = source("apify", &api.url, Some("apify_api_secret"), "");
    let fetched = fetch(
        &sources,
        &query(Platform::TikTok, SearchType::Hashtag, "#skincare", 20),
    )
    .await
    .unwrap();

    let ids: Vec<&str> = fetched
        .posts
        .iter()
        .map(|p| p.platform_id.as_str())
        .collect();
    assert_eq!(
        ids,
        ["111", "222"],
        "the post older than the window is left out"
    );
    assert_eq!(fetched.posts[0].metrics.views, Some(5000));
    assert_eq!(fetched.comments.len(), 2);
    assert_eq!(fetched.comments[0].post_platform_id, "111");
    assert_eq!(fetched.comments[0].likes, Some(40));
    assert_eq!(fetched.cut_short, None);

    let seen = api.seen();
    assert_eq!(seen.len(), 2);
    assert!(
        seen[0]
            .path
            .starts_with("/acts/clockworks~tiktok-scraper/run-sync-get-dataset-items?timeout=")
    );
    assert_eq!(seen[0].method, "POST");
    assert_eq!(seen[0].header("authorization"), "Bearer apify_api_secret");
    assert!(
        !seen[0].path.contains("apify_api_secret"),
        "the key stays out of the URL"
    );
    let input = seen[0].json();
    assert_eq!(input["hashtags"], json!(["skincare"]));
    assert_eq!(input["resultsPerPage"], 2);
    assert_eq!(input["shouldDownloadVideos"], false);
    assert!(input["oldestPostDate"].as_str().unwrap().len() == 10);
    let comments = seen[1].json();
    assert_eq!(comments["commentsPerPost"], 20);
    assert_eq!(comments["postURLs"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn apify_keeps_the_posts_when_the_comments_run_fails() {
    let api = ProviderApi::start(|seen, _| {
        if seen.path.contains("tiktok-comments-scraper") {
            return reply_json(429, &json!({"error": {"type": "rate-limit-exceeded"}}));
        }
        reply_json(201, &json!([tiktok_video("111", 5000)]))
    })
    .await;
    let sources = source("apify", &api.url, Some("apify_api_secret"), "");
    let fetched = fetch(
        &sources,
        &query(Platform::TikTok, SearchType::Keyword, "glass skin", 5),
    )
    .await
    .unwrap();
    assert_eq!(fetched.posts.len(), 1);
    assert!(fetched.comments.is_empty());
    assert_eq!(
        fetched.cut_short.as_deref(),
        Some("the source is rate limiting requests")
    );
    assert_eq!(api.seen()[0].json()["searchQueries"], json!(["glass skin"]));
}

#[tokio::test]
async fn apify_reads_instagram_posts_and_their_latest_comments_and_maps_refusals() {
    let api = ProviderApi::start(|seen, n| {
        if n > 0 {
            return reply_json(401, &json!({"error": {"message": "User was not found or authentication token is not valid"}}));
        }
        assert!(seen.path.starts_with("/acts/apify~instagram-scraper/"));
        reply_json(201, &json!([{
            "id": "3301", "shortCode": "C0dE", "caption": "morning routine",
            "url": "https://www.instagram.com/p/C0dE/", "ownerUsername": "glowlab",
            "timestamp": recent(3), "likesCount": 800, "commentsCount": 2, "videoViewCount": 9000,
            "latestComments": [
                {"id": "k1", "text": "so good", "ownerUsername": "fan", "timestamp": recent(2), "likesCount": 5},
                {"id": "k2", "text": "link?", "ownerUsername": "fan2", "timestamp": recent(2), "likesCount": 1}
            ]
        }]))
    })
    .await;
    let sources = source("apify", &api.url, Some("apify_api_secret"), "");
    assert!(
        sources
            .serving(Platform::Instagram, SearchType::Keyword)
            .is_none(),
        "Instagram has no keyword search"
    );
    let fetched = fetch(
        &sources,
        &query(Platform::Instagram, SearchType::Username, "@glowlab", 1),
    )
    .await
    .unwrap();
    assert_eq!(fetched.posts.len(), 1);
    assert_eq!(fetched.posts[0].metrics.views, Some(9000));
    assert_eq!(
        fetched.comments.len(),
        1,
        "at most comments_per_post a post"
    );
    assert_eq!(fetched.comments[0].post_platform_id, "3301");
    let input = api.seen()[0].json();
    assert_eq!(
        input["directUrls"],
        json!(["https://www.instagram.com/glowlab/"])
    );
    assert_eq!(input["onlyPostsNewerThan"], "7 days");

    let by_tag = query(Platform::Instagram, SearchType::Hashtag, "#skincare", 0);
    let refused = fetch(&sources, &by_tag).await.unwrap_err();
    assert!(matches!(refused, FetchError::Refused(_)), "{refused:?}");
    assert!(!refused.is_transient());
    assert_eq!(
        api.seen()[1].json()["directUrls"],
        json!(["https://www.instagram.com/explore/tags/skincare/"])
    );
}

fn youtube_api(seen: &Seen) -> Value {
    let path = seen.path.split('?').next().unwrap();
    match path {
        "/channels" => json!({"items": [{"kind": "youtube#channel", "id": "UC123"}]}),
        "/search" => json!({"items": [
            {"kind": "youtube#searchResult", "id": {"kind": "youtube#video", "videoId": "vB"}},
            {"kind": "youtube#searchResult", "id": {"kind": "youtube#video", "videoId": "vA"}}
        ]}),
        "/videos" => {
            let videos: Vec<Value> = ["vA", "vB"].iter().map(|id| json!({
                "kind": "youtube#video", "id": id,
                "snippet": {"title": format!("Video {id}"), "channelTitle": "Glow Lab", "publishedAt": recent(6)},
                "statistics": {"viewCount": "1200", "likeCount": "80", "commentCount": "4"}
            })).collect();
            json!({ "items": videos })
        }
        _ => json!({"items": [{
            "kind": "youtube#commentThread",
            "snippet": {"videoId": param(seen, "videoId").unwrap(), "topLevelComment": {
                "id": format!("cm-{}", param(seen, "videoId").unwrap()),
                "snippet": {"textOriginal": "great tips", "authorDisplayName": "Viewer",
                            "likeCount": 12, "publishedAt": recent(2)}}}
        }]}),
    }
}

#[tokio::test]
async fn youtube_searches_then_reads_statistics_and_top_comments_in_search_order() {
    let api = ProviderApi::start(|seen, _| {
        if seen.path.starts_with("/commentThreads")
            && param(seen, "videoId").as_deref() == Some("vA")
        {
            return reply_json(
                403,
                &json!({"error": {"code": 403, "message": "disabled",
                "errors": [{"reason": "commentsDisabled"}]}}),
            );
        }
        reply_json(200, &youtube_api(seen))
    })
    .await;
    let sources = source("youtube", &api.url, Some("AIza-key-123456"), "");
    let fetched = fetch(
        &sources,
        &query(
            Platform::YouTube,
            SearchType::Keyword,
            "skincare routine",
            5,
        ),
    )
    .await
    .unwrap();
    let ids: Vec<&str> = fetched
        .posts
        .iter()
        .map(|p| p.platform_id.as_str())
        .collect();
    assert_eq!(ids, ["vB", "vA"]);
    assert_eq!(fetched.posts[0].metrics.views, Some(1200));
    assert_eq!(fetched.comments.len(), 1, "vA's comments are turned off");
    assert_eq!(fetched.comments[0].post_platform_id, "vB");
    assert_eq!(fetched.cut_short, None);

    let seen = api.seen();
    let search = seen.iter().find(|s| s.path.starts_with("/search")).unwrap();
    assert_eq!(param(search, "q").as_deref(), Some("skincare routine"));
    assert_eq!(param(search, "type").as_deref(), Some("video"));
    assert_eq!(param(search, "regionCode").as_deref(), Some("US"));
    assert!(param(search, "publishedAfter").is_some());
    assert_eq!(param(search, "key").as_deref(), Some("AIza-key-123456"));
    let videos = seen.iter().find(|s| s.path.starts_with("/videos")).unwrap();
    assert_eq!(param(videos, "id").as_deref(), Some("vB,vA"));
    assert_eq!(param(videos, "part").as_deref(), Some("snippet,statistics"));
}

#[tokio::test]
async fn youtube_finds_a_channel_by_its_handle_and_tells_a_spent_quota_from_a_rate_limit() {
    let api = ProviderApi::start(|seen, n| match n {
        0..=2 => reply_json(200, &youtube_api(seen)),
        3 => reply_json(
            403,
            &json!({"error": {"code": 403, "errors": [{"reason": "quotaExceeded"}]}}),
        ),
        _ => reply_json(
            403,
            &json!({"error": {"code": 403, "errors": [{"reason": "rateLimitExceeded"}]}}),
        ),
    })
    .await;
    let sources = source("youtube", &api.url, Some("AIza-key-123456"), "");
    let by_handle = query(Platform::YouTube, SearchType::Username, "@glowlab", 0);
    let fetched = fetch(&sources, &by_handle).await.unwrap();
    assert_eq!(fetched.posts.len(), 2);
    let seen = api.seen();
    assert_eq!(param(&seen[0], "forHandle").as_deref(), Some("@glowlab"));
    assert_eq!(param(&seen[1], "channelId").as_deref(), Some("UC123"));
    assert_eq!(param(&seen[1], "order").as_deref(), Some("date"));

    let spent = fetch(&sources, &by_handle).await.unwrap_err();
    assert!(!spent.is_transient());
    assert!(spent.to_string().contains("daily quota"), "{spent}");
    let limited = fetch(&sources, &by_handle).await.unwrap_err();
    assert!(
        matches!(limited, FetchError::RateLimited { .. }),
        "{limited:?}"
    );
}

#[tokio::test]
async fn hacker_news_stories_become_findings() {
    let api = ProviderApi::start(|_, _| {
        reply_json(
            200,
            &json!({"hits": [
                {"objectID": "41", "title": "Sunscreen science", "url": "https://example.org/spf",
                 "points": 120, "num_comments": 33, "created_at_i": 1_790_000_000},
                {"objectID": "42", "title": "Ask HN: skincare for coders", "url": null,
                 "story_text": "<p>What do you use &amp; why?</p>", "created_at_i": 1_790_000_100}
            ]}),
        )
    })
    .await;
    let sources = source("hackernews", &api.url, None, "");
    let hn = &sources.research()[0];
    let findings = hn.search(&Topic::new("skincare", 7, 5)).await.unwrap();
    assert_eq!(findings.len(), 2);
    assert_eq!(findings[0].source, "hacker_news");
    assert_eq!(findings[0].url, "https://example.org/spf");
    assert!(
        findings[0].excerpt.contains("120 points"),
        "{}",
        findings[0].excerpt
    );
    assert_eq!(findings[1].url, "https://news.ycombinator.com/item?id=42");
    assert_eq!(findings[1].excerpt, "What do you use & why?");
    let seen = &api.seen()[0];
    assert_eq!(param(seen, "tags").as_deref(), Some("story"));
    assert_eq!(param(seen, "hitsPerPage").as_deref(), Some("5"));
    assert!(
        param(seen, "numericFilters")
            .unwrap()
            .starts_with("created_at_i>")
    );
}

#[tokio::test]
async fn reddit_trades_its_client_credentials_for_a_token_once_then_searches() {
    let api = ProviderApi::start(|seen, _| {
        if seen.path.starts_with("/token") {
            return reply_json(200, &json!({"access_token": "tok-1", "token_type": "bearer", "expires_in": 3600}));
        }
        reply_json(200, &json!({"data": {"children": [{"kind": "t3", "data": {
            "title": "Retinol purge?", "permalink": "/r/SkincareAddiction/comments/abc/retinol/",
            "selftext": "Week three and my skin is angry.", "score": 52, "num_comments": 17,
            "subreddit": "SkincareAddiction", "created_utc": 1_790_000_000.0
        }}]}}))
    })
    .await;
    let settings = format!("token_url = \"{}/token\"", api.url);
    let sources = source(
        "reddit",
        &api.url,
        Some("client-id:client-secret"),
        &settings,
    );
    let reddit = &sources.research()[0];
    for _ in 0..2 {
        let findings = reddit.search(&Topic::new("retinol", 30, 10)).await.unwrap();
        assert_eq!(
            findings[0].url,
            "https://www.reddit.com/r/SkincareAddiction/comments/abc/retinol/"
        );
        assert_eq!(findings[0].excerpt, "Week three and my skin is angry.");
    }
    let seen = api.seen();
    assert_eq!(seen.len(), 3, "one token for two searches");
    assert_eq!(seen[0].method, "POST");
    assert!(seen[0].header("authorization").starts_with("Basic "));
    assert_eq!(
        String::from_utf8_lossy(&seen[0].body),
        "grant_type=client_credentials"
    );
    assert_eq!(seen[1].header("authorization"), "Bearer tok-1");
    assert_eq!(param(&seen[1], "t").as_deref(), Some("month"));
}

#[tokio::test]
async fn brave_web_results_become_findings_with_the_key_in_its_header() {
    let api = ProviderApi::start(|_, _| {
        reply_json(200, &json!({"web": {"results": [{
            "title": "The <strong>niacinamide</strong> guide", "url": "https://example.com/guide",
            "description": "What <strong>niacinamide</strong> does.", "page_age": "2026-11-30T08:00:00",
            "extra_snippets": ["Start at 5%."]
        }]}}))
    })
    .await;
    let sources = source("brave", &api.url, Some("brave-key-123456"), "");
    let findings = sources.research()[0]
        .search(&Topic::new("niacinamide", 7, 5))
        .await
        .unwrap();
    assert_eq!(findings[0].source, "web");
    assert_eq!(findings[0].title, "The niacinamide guide");
    assert_eq!(findings[0].excerpt, "What niacinamide does. Start at 5%.");
    assert!(findings[0].published_at.is_some());
    let seen = &api.seen()[0];
    assert_eq!(seen.header("x-subscription-token"), "brave-key-123456");
    assert_eq!(param(seen, "freshness").as_deref(), Some("pw"));
}

#[tokio::test]
async fn x_recent_posts_become_findings_linked_to_their_authors() {
    let api = ProviderApi::start(|_, n| {
        if n > 0 {
            return reply_json(429, &json!({"title": "Too Many Requests"}));
        }
        reply_json(
            200,
            &json!({
                "data": [{"id": "1800", "text": "SPF every day, even indoors.", "author_id": "u1",
                          "created_at": "2026-12-06T10:00:00.000Z",
                          "public_metrics": {"like_count": 90, "retweet_count": 4}}],
                "includes": {"users": [{"id": "u1", "username": "dermdoc"}]}
            }),
        )
    })
    .await;
    let sources = source("x", &api.url, Some("x-bearer-123456"), "");
    let x = &sources.research()[0];
    let findings = x.search(&Topic::new("spf", 3, 5)).await.unwrap();
    assert_eq!(findings[0].url, "https://x.com/dermdoc/status/1800");
    assert_eq!(findings[0].title, "@dermdoc on X");
    assert_eq!(findings[0].raw["public_metrics"]["like_count"], 90);
    let seen = &api.seen()[0];
    assert_eq!(seen.header("authorization"), "Bearer x-bearer-123456");
    assert_eq!(param(seen, "query").as_deref(), Some("spf -is:retweet"));
    assert_eq!(param(seen, "max_results").as_deref(), Some("10"));
    assert!(param(seen, "start_time").is_some());
    let limited = x.search(&Topic::new("spf", 3, 5)).await.unwrap_err();
    assert!(limited.is_transient());
}

#[test]
fn a_source_without_its_key_or_with_an_unknown_setting_is_refused() {
    let service = || Service::new("x", "http://127.0.0.1:9", None, Duration::from_secs(1)).unwrap();
    let mut sources = Sources::default();
    let missing =
        install(&mut sources, "youtube", service(), None, toml::Table::new()).unwrap_err();
    assert!(missing.starts_with("needs api_key"), "{missing}");
    let unknown = install(
        &mut sources,
        "apify",
        service(),
        Some(ApiKey::new("k")),
        "tiktok_actr = \"a~b\"".parse().unwrap(),
    )
    .unwrap_err();
    assert!(unknown.contains("tiktok_actr"), "{unknown}");
    let bad_reddit = install(
        &mut sources,
        "reddit",
        service(),
        Some(ApiKey::new("only-id")),
        toml::Table::new(),
    )
    .unwrap_err();
    assert!(
        bad_reddit.contains("client_id:client_secret"),
        "{bad_reddit}"
    );
    assert!(sources.names().is_empty());
    assert_eq!(format!("{:?}", ApiKey::new("secret")), "ApiKey(****)");
}

#[tokio::test]
async fn a_key_in_the_url_never_reaches_the_logs_or_the_errors() {
    let echo = ProviderApi::start(|seen, _| {
        reply_json(
            400,
            &json!({"error": {"message": format!("bad request {}", seen.path)}}),
        )
    })
    .await;
    let logs = logged(async {
        for url in [echo.url.as_str(), "http://127.0.0.1:9"] {
            let sources = source("youtube", url, Some("AIza-never-logged-42"), "");
            let spf = query(Platform::YouTube, SearchType::Keyword, "spf", 0);
            let err = fetch(&sources, &spf).await.unwrap_err();
            assert!(!err.to_string().contains("AIza-never-logged-42"), "{err}");
        }
    })
    .await;
    assert!(logs.contains("a provider refused a call"), "{logs}");
    assert!(logs.contains("a provider call failed"), "{logs}");
    assert!(!logs.contains("AIza-never-logged-42"), "{logs}");
}
