//! Reading an exported file: a JSON array, one JSON object, NDJSON (an object a line), or CSV
//! with a header row (nested fields as `authorMeta/name` or `authorMeta.name`, as Apify's CSV
//! exports write them). Each record's shape is told by its fields, or named for the whole file:
//!
//! - `tiktok_apify`: Apify's TikTok scraper (`clockworks/tiktok-scraper`): `id`, `text`,
//!   `webVideoUrl`, `createTimeISO`, `playCount`, `diggCount`, `commentCount`, `shareCount`,
//!   `collectCount`, `authorMeta.name`, `videoMeta.coverUrl`; and its comments scraper
//!   (`clockworks/tiktok-comments-scraper`): `cid`, `text`, `diggCount`, `createTimeISO`,
//!   `uniqueId`, `awemeId` or `videoWebUrl`;
//! - `instagram_apify`: Apify's Instagram scraper: posts (`shortCode`, `caption`, `url`,
//!   `ownerUsername`, `timestamp`, `likesCount`, `commentsCount`, `videoViewCount`,
//!   `displayUrl`) and comments (`id`, `text`, `ownerUsername`, `timestamp`, `likesCount`,
//!   `postId` or `postUrl`);
//! - `youtube_api`: YouTube Data API v3 items: `youtube#video` (`snippet`, `statistics`) and
//!   `youtube#commentThread`;
//! - `generic`: `{platform, id, url, author, text, created_at, views, likes, comments,
//!   shares, saves, media_urls}` for posts, and `post_id` added for comments.
//!
//! A record that cannot be read is reported with its line (or item) number; the others are
//! kept.

use std::fmt;
use std::str::FromStr;

use ace_domain::knowledge::content::{Comment, Metrics, Post};
use ace_domain::knowledge::monitoring::Platform;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

/// The shape of an exported file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    TikTokApify,
    InstagramApify,
    YouTubeApi,
    Generic,
}

impl Format {
    pub const ALL: [Format; 4] = [
        Format::TikTokApify,
        Format::InstagramApify,
        Format::YouTubeApi,
        Format::Generic,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Format::TikTokApify => "tiktok_apify",
            Format::InstagramApify => "instagram_apify",
            Format::YouTubeApi => "youtube_api",
            Format::Generic => "generic",
        }
    }

    /// The shape a record's fields show, if any.
    fn of(record: &Map<String, Value>) -> Option<Format> {
        let has = |key: &str| record.contains_key(key);
        if record
            .get("kind")
            .and_then(Value::as_str)
            .is_some_and(|kind| kind.starts_with("youtube#"))
        {
            Some(Format::YouTubeApi)
        } else if has("webVideoUrl") || has("authorMeta") || has("diggCount") || has("cid") {
            Some(Format::TikTokApify)
        } else if has("shortCode") || has("ownerUsername") {
            Some(Format::InstagramApify)
        } else if has("platform") {
            Some(Format::Generic)
        } else {
            None
        }
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        Format::ALL
            .into_iter()
            .find(|format| format.as_str() == text.trim())
            .ok_or_else(|| {
                let names: Vec<&str> = Format::ALL.iter().map(|f| f.as_str()).collect();
                format!("must be one of {}", names.join(", "))
            })
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One record read.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    Post(Post),
    Comment(Comment),
}

/// A record that could not be read: where it is and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The line (NDJSON) or the item (a JSON array), from 1.
    pub at: usize,
    pub message: String,
}

/// What a file held.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Imported {
    pub items: Vec<Item>,
    pub problems: Vec<Problem>,
}

/// Reads a file, every record in `format` when given, else in the shape its fields show.
pub fn read(bytes: &[u8], format: Option<Format>) -> Imported {
    let text = String::from_utf8_lossy(bytes);
    let mut imported = Imported::default();
    let looks_like_json = text.trim_start().starts_with(['{', '[']);
    let records: Vec<(usize, Result<Value, String>)> = if !looks_like_json {
        csv_records(text.as_bytes())
    } else {
        match serde_json::from_str::<Value>(text.trim()) {
            Ok(Value::Array(items)) => items
                .into_iter()
                .enumerate()
                .map(|(i, item)| (i + 1, Ok(item)))
                .collect(),
            Ok(single @ Value::Object(_)) => vec![(1, Ok(single))],
            _ => text
                .lines()
                .enumerate()
                .filter(|(_, line)| !line.trim().is_empty())
                .map(|(i, line)| {
                    let record = serde_json::from_str::<Value>(line)
                        .map_err(|err| format!("is not JSON ({err})"));
                    (i + 1, record)
                })
                .collect(),
        }
    };
    for (at, record) in records {
        match record.and_then(|record| read_record(&record, format)) {
            Ok(item) => imported.items.push(item),
            Err(message) => imported.problems.push(Problem { at, message }),
        }
    }
    imported
}

/// The rows of a CSV file as JSON objects, by line; empty cells are left out.
fn csv_records(bytes: &[u8]) -> Vec<(usize, Result<Value, String>)> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers = match reader.headers() {
        Ok(headers) => headers.clone(),
        Err(err) => return vec![(1, Err(format!("is not a CSV header ({err})")))],
    };
    reader
        .records()
        .map(|row| {
            let row = row.map_err(|err| {
                let line = err
                    .position()
                    .map_or(0, |p| usize::try_from(p.line()).unwrap_or(0));
                (line, format!("is not a CSV row ({err})"))
            });
            match row {
                Err((line, message)) => (line, Err(message)),
                Ok(row) => {
                    let line = row
                        .position()
                        .map_or(0, |p| usize::try_from(p.line()).unwrap_or(0));
                    let mut object = Map::new();
                    for (header, cell) in headers.iter().zip(row.iter()) {
                        if !cell.trim().is_empty() {
                            insert_path(&mut object, header, Value::String(cell.to_owned()));
                        }
                    }
                    (line, Ok(Value::Object(object)))
                }
            }
        })
        .collect()
}

/// Puts `value` at a `/`- or `.`-separated path, making the objects on the way.
fn insert_path(object: &mut Map<String, Value>, path: &str, value: Value) {
    let mut parts = path.split(['/', '.']).filter(|p| !p.is_empty()).peekable();
    let mut here = object;
    while let Some(part) = parts.next() {
        if parts.peek().is_none() {
            here.insert(part.to_owned(), value);
            return;
        }
        let next = here
            .entry(part.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        if !next.is_object() {
            *next = Value::Object(Map::new());
        }
        let Value::Object(inner) = next else {
            return;
        };
        here = inner;
    }
}

/// Reads one record, in `format` when given, else in the shape its fields show.
pub fn read_record(record: &Value, format: Option<Format>) -> Result<Item, String> {
    let Value::Object(fields) = record else {
        return Err("is not a JSON object".into());
    };
    let format = format
        .or_else(|| Format::of(fields))
        .ok_or("has none of the fields of a known shape (name one with format)")?;
    match format {
        Format::TikTokApify => tiktok(fields, record),
        Format::InstagramApify => instagram(fields, record),
        Format::YouTubeApi => youtube(fields, record),
        Format::Generic => generic(fields, record),
    }
}

fn tiktok(fields: &Map<String, Value>, raw: &Value) -> Result<Item, String> {
    if fields.contains_key("cid") {
        return tiktok_comment(fields, raw);
    }
    let id = id_of(fields, "id")?;
    Ok(Item::Post(Post {
        platform: Platform::TikTok,
        url: text(fields.get("webVideoUrl")),
        author: text(raw.pointer("/authorMeta/name")).map(handle),
        text: text(fields.get("text")).unwrap_or_default(),
        created_at: time(fields.get("createTimeISO")).or_else(|| time(fields.get("createTime"))),
        metrics: Metrics {
            views: count(fields.get("playCount")),
            likes: count(fields.get("diggCount")),
            comments: count(fields.get("commentCount")),
            shares: count(fields.get("shareCount")),
            saves: count(fields.get("collectCount")),
        },
        media_urls: text(raw.pointer("/videoMeta/coverUrl"))
            .into_iter()
            .collect(),
        platform_id: id,
        raw: raw.clone(),
    }))
}

fn tiktok_comment(fields: &Map<String, Value>, raw: &Value) -> Result<Item, String> {
    let post = text(fields.get("awemeId"))
        .or_else(|| text(fields.get("aweme_id")))
        .or_else(|| {
            text(fields.get("videoWebUrl")).and_then(|url| {
                let (_, id) = url.split_once("/video/")?;
                let id = id.split(['?', '/']).next()?;
                (!id.is_empty()).then(|| id.to_owned())
            })
        })
        .ok_or("has no awemeId or videoWebUrl naming its video")?;
    Ok(Item::Comment(Comment {
        platform: Platform::TikTok,
        platform_id: id_of(fields, "cid")?,
        post_platform_id: post,
        author: text(fields.get("uniqueId")).map(handle),
        text: text(fields.get("text")).unwrap_or_default(),
        created_at: time(fields.get("createTimeISO")).or_else(|| time(fields.get("createTime"))),
        likes: count(fields.get("diggCount")),
        raw: raw.clone(),
    }))
}

fn instagram(fields: &Map<String, Value>, raw: &Value) -> Result<Item, String> {
    let id = id_of(fields, "id").or_else(|_| id_of(fields, "shortCode"))?;
    let author = text(fields.get("ownerUsername")).map(handle);
    let created_at = time(fields.get("timestamp"));
    let post = text(fields.get("postId")).or_else(|| {
        text(fields.get("postUrl")).and_then(|url| shortcode_in(&url).map(str::to_owned))
    });
    if !fields.contains_key("shortCode")
        && let Some(post) = post
    {
        return Ok(Item::Comment(Comment {
            platform: Platform::Instagram,
            platform_id: id,
            post_platform_id: post,
            author,
            text: text(fields.get("text")).unwrap_or_default(),
            created_at,
            likes: count(fields.get("likesCount")),
            raw: raw.clone(),
        }));
    }
    Ok(Item::Post(Post {
        platform: Platform::Instagram,
        url: text(fields.get("url")),
        author,
        text: text(fields.get("caption")).unwrap_or_default(),
        created_at,
        metrics: Metrics {
            views: count(fields.get("videoViewCount"))
                .or_else(|| count(fields.get("videoPlayCount"))),
            likes: count(fields.get("likesCount")),
            comments: count(fields.get("commentsCount")),
            shares: None,
            saves: None,
        },
        media_urls: text(fields.get("displayUrl")).into_iter().collect(),
        platform_id: id,
        raw: raw.clone(),
    }))
}

fn youtube(fields: &Map<String, Value>, raw: &Value) -> Result<Item, String> {
    let kind = text(fields.get("kind")).unwrap_or_default();
    if kind == "youtube#commentThread" {
        let comment = raw
            .pointer("/snippet/topLevelComment")
            .ok_or("has no snippet.topLevelComment")?;
        let snippet = comment.get("snippet");
        let on = |key: &str| snippet.and_then(|s| s.get(key));
        return Ok(Item::Comment(Comment {
            platform: Platform::YouTube,
            platform_id: text(comment.get("id")).ok_or("has no comment id")?,
            post_platform_id: text(raw.pointer("/snippet/videoId"))
                .ok_or("has no snippet.videoId")?,
            author: text(on("authorDisplayName")),
            text: text(on("textOriginal"))
                .or_else(|| text(on("textDisplay")))
                .unwrap_or_default(),
            created_at: time(on("publishedAt")),
            likes: count(on("likeCount")),
            raw: raw.clone(),
        }));
    }
    // `search.list` puts the id in `id.videoId`; `videos.list` in `id`.
    let id = text(raw.pointer("/id/videoId"))
        .or_else(|| text(fields.get("id")))
        .ok_or("has no id")?;
    let snippet = |key: &str| raw.pointer(&format!("/snippet/{key}"));
    let statistic = |key: &str| count(raw.pointer(&format!("/statistics/{key}")));
    let title = text(snippet("title")).unwrap_or_default();
    let description = text(snippet("description")).unwrap_or_default();
    Ok(Item::Post(Post {
        platform: Platform::YouTube,
        url: Some(format!("https://www.youtube.com/watch?v={id}")),
        author: text(snippet("channelTitle")),
        text: [title, description]
            .into_iter()
            .filter(|part| !part.trim().is_empty())
            .collect::<Vec<_>>()
            .join("\n\n"),
        created_at: time(snippet("publishedAt")),
        metrics: Metrics {
            views: statistic("viewCount"),
            likes: statistic("likeCount"),
            comments: statistic("commentCount"),
            shares: None,
            saves: statistic("favoriteCount"),
        },
        media_urls: ["high", "medium", "default"]
            .iter()
            .find_map(|size| text(raw.pointer(&format!("/snippet/thumbnails/{size}/url"))))
            .into_iter()
            .collect(),
        platform_id: id,
        raw: raw.clone(),
    }))
}

fn generic(fields: &Map<String, Value>, raw: &Value) -> Result<Item, String> {
    let platform: Platform = text(fields.get("platform"))
        .ok_or("has no platform")?
        .trim()
        .to_ascii_lowercase()
        .parse()
        .map_err(|err| format!("platform {err}"))?;
    let id = id_of(fields, "id")?;
    let author = text(fields.get("author")).map(handle);
    let created_at = time(fields.get("created_at"));
    if let Some(post) = text(fields.get("post_id")) {
        return Ok(Item::Comment(Comment {
            platform,
            platform_id: id,
            post_platform_id: post,
            author,
            text: text(fields.get("text")).unwrap_or_default(),
            created_at,
            likes: count(fields.get("likes")),
            raw: raw.clone(),
        }));
    }
    Ok(Item::Post(Post {
        platform,
        url: text(fields.get("url")),
        author,
        text: text(fields.get("text")).unwrap_or_default(),
        created_at,
        metrics: Metrics {
            views: count(fields.get("views")),
            likes: count(fields.get("likes")),
            comments: count(fields.get("comments")),
            shares: count(fields.get("shares")),
            saves: count(fields.get("saves")),
        },
        media_urls: match fields.get("media_urls") {
            Some(Value::Array(urls)) => urls.iter().filter_map(|u| text(Some(u))).collect(),
            other => text(other).into_iter().collect(),
        },
        platform_id: id,
        raw: raw.clone(),
    }))
}

/// A required id: a non-empty string or a number.
fn id_of(fields: &Map<String, Value>, key: &str) -> Result<String, String> {
    text(fields.get(key)).ok_or_else(|| format!("has no {key}"))
}

/// Text, from a non-empty string or a number.
fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(text) if !text.trim().is_empty() => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// A count, from a number or a numeric string (the YouTube API sends strings).
fn count(value: Option<&Value>) -> Option<i64> {
    match value? {
        Value::Number(number) => number
            .as_i64()
            .or_else(|| number.as_f64().map(|f| f as i64)),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// A time, from RFC 3339 text or Unix seconds.
fn time(value: Option<&Value>) -> Option<DateTime<Utc>> {
    match value? {
        Value::String(text) => DateTime::parse_from_rfc3339(text.trim())
            .ok()
            .map(|t| t.with_timezone(&Utc))
            .or_else(|| {
                text.trim()
                    .parse::<i64>()
                    .ok()
                    .and_then(|s| DateTime::from_timestamp(s, 0))
            }),
        Value::Number(number) => number.as_i64().and_then(|s| DateTime::from_timestamp(s, 0)),
        _ => None,
    }
}

/// A handle without its `@`.
fn handle(name: String) -> String {
    name.trim().trim_start_matches('@').to_owned()
}

/// The shortcode in an Instagram post URL (`/p/{code}/` or `/reel/{code}/`).
fn shortcode_in(url: &str) -> Option<&str> {
    let mut parts = url
        .split('/')
        .skip_while(|p| !matches!(*p, "p" | "reel" | "reels"));
    parts.next()?;
    parts.next().filter(|code| !code.is_empty())
}
