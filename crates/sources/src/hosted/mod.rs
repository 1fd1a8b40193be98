//! The hosted sources, one file each, over `ace_net::hosted_api`: [`apify`] (TikTok and
//! Instagram through Apify's scrapers) and [`youtube`] (the YouTube Data API) find social
//! content; [`hacker_news`], [`reddit`], [`brave`] (web search) and [`x`] (recent posts on X)
//! find research. [`install`] builds the one a provider's configuration names.

pub mod apify;
pub mod brave;
pub mod hacker_news;
pub mod reddit;
pub mod x;
pub mod youtube;

use std::sync::Arc;

use ace_net::hosted_api::{ApiKey, CallError, Service};
use chrono::{DateTime, TimeDelta, Utc};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::{FetchError, Sources};

/// Adds to `sources` the source of API `api` (`apify`, `youtube`, `x`, `hackernews`,
/// `reddit` or `brave`) reached through `service`, with its `settings` (its configuration's
/// other keys, checked here). The error names what is wrong, for the provider's section.
pub fn install(
    sources: &mut Sources,
    api: &str,
    service: Service,
    key: Option<ApiKey>,
    settings: toml::Table,
) -> Result<(), String> {
    match api {
        "apify" => sources.add(Arc::new(apify::Apify::new(
            service,
            needed(key)?,
            read(settings)?,
        ))),
        "youtube" => {
            no_settings(settings)?;
            sources.add(Arc::new(youtube::YouTube::new(service, needed(key)?)));
        }
        "x" => {
            no_settings(settings)?;
            sources.add_research(Arc::new(x::RecentPosts::new(service, needed(key)?)));
        }
        "hackernews" => {
            no_settings(settings)?;
            sources.add_research(Arc::new(hacker_news::HackerNews::new(service)));
        }
        "reddit" => sources.add_research(Arc::new(reddit::Reddit::new(
            service,
            needed(key)?,
            read(settings)?,
        )?)),
        "brave" => {
            no_settings(settings)?;
            sources.add_research(Arc::new(brave::WebSearch::new(service, needed(key)?)));
        }
        other => return Err(format!("api {other} is not a source of content")),
    }
    Ok(())
}

fn needed(key: Option<ApiKey>) -> Result<ApiKey, String> {
    key.filter(|key| !key.expose().trim().is_empty())
        .ok_or_else(|| "needs api_key (or its ACE_PROVIDER_<NAME>_API_KEY)".to_owned())
}

fn read<T: DeserializeOwned>(settings: toml::Table) -> Result<T, String> {
    settings.try_into().map_err(|err| err.message().to_owned())
}

fn no_settings(settings: toml::Table) -> Result<(), String> {
    match settings.keys().next() {
        None => Ok(()),
        Some(key) => Err(format!("has no setting {key}")),
    }
}

/// `GET {path}` with `params` (and `key`, as the service takes it): its JSON answer.
async fn get_json(
    service: &Service,
    path: &str,
    params: &[(&str, String)],
    key: Option<&ApiKey>,
) -> Result<Value, FetchError> {
    let request = service.request(Method::GET, path, key).query(params);
    service.json(request, key).await.map_err(fetch_error)
}

/// The items of the array at `pointer` in an answer (none when there is no array).
fn array_at<'a>(answer: &'a Value, pointer: &str) -> impl Iterator<Item = &'a Value> {
    answer
        .pointer(pointer)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

/// A failed call as a failed fetch.
fn fetch_error(err: CallError) -> FetchError {
    match err {
        CallError::RateLimited { retry_after, .. } => FetchError::RateLimited { retry_after },
        CallError::Unavailable { .. } | CallError::BadAnswer { .. } => {
            FetchError::Unavailable(err.to_string())
        }
        CallError::Unauthorized { .. } | CallError::Refused { .. } => {
            FetchError::Refused(err.to_string())
        }
    }
}

/// The start of a window of `days` ending now; none for 0.
fn window_start(days: u32) -> Option<DateTime<Utc>> {
    (days > 0).then(|| Utc::now() - TimeDelta::days(i64::from(days)))
}

/// Whether something made at `at` falls in the window starting `since` (undated things do).
fn in_window(at: Option<DateTime<Utc>>, since: Option<DateTime<Utc>>) -> bool {
    match (at, since) {
        (Some(at), Some(since)) => at >= since,
        _ => true,
    }
}

/// Text cut to at most `chars` characters on a word boundary, with `…` when cut.
fn excerpt(text: &str, chars: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= chars {
        return text;
    }
    let cut: String = text.chars().take(chars).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', '.', ';', ':']))
}

/// The most characters of an excerpt.
const EXCERPT_CHARS: usize = 600;
