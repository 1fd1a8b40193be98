//! Agent Core's monitored sources as monitoring requests. An agent that opts in has each of
//! its monitored items watched on each of its target platforms that can search it: an account
//! by its username (read from a profile URL, which names its platform, or from a bare handle),
//! a hashtag, or keywords (not on Instagram). Each is daily monitoring with GEN's documented
//! defaults: the last 7 days, 20 results.

use serde_json::json;

use super::monitoring::{DEFAULT_DAYS, DEFAULT_MAX_RESULTS, MonitoringRequest, Platform};
use crate::agent_core::MonitoredKind;

/// The request monitored item (`kind`, `handle`, and the platform it was given with, if any)
/// makes of `platform`, or `None` when that platform cannot search it or the item names
/// another platform.
pub fn request_for(
    kind: MonitoredKind,
    handle: &str,
    item_platform: Option<&str>,
    platform: Platform,
) -> Option<MonitoringRequest> {
    let named =
        item_platform.and_then(|name| name.trim().to_ascii_lowercase().parse::<Platform>().ok());
    let (search, value) = match kind {
        MonitoredKind::Account => {
            let (from_url, name) = account(handle)?;
            if from_url.or(named).is_some_and(|only| only != platform) {
                return None;
            }
            ("username", format!("@{name}"))
        }
        MonitoredKind::Hashtag => {
            if named.is_some_and(|only| only != platform) {
                return None;
            }
            let tag = handle.trim().trim_start_matches('#');
            ("hashtag", format!("#{tag}"))
        }
        MonitoredKind::Keyword => {
            if named.is_some_and(|only| only != platform) {
                return None;
            }
            ("keyword", handle.trim().to_owned())
        }
    };
    let data = json!({
        "platform": platform.as_str(),
        "type": search,
        "value": value,
        "days": DEFAULT_DAYS,
        "max_results": DEFAULT_MAX_RESULTS,
        "monitoring": true,
    });
    MonitoringRequest::from_data(&data).ok()
}

/// An account's platform (when its handle is a profile URL) and username, without `@`.
fn account(handle: &str) -> Option<(Option<Platform>, String)> {
    let handle = handle.trim();
    let lower = handle.to_ascii_lowercase();
    let is_url =
        lower.starts_with("http://") || lower.starts_with("https://") || lower.contains(".com/");
    if !is_url {
        let name = handle.trim_start_matches('@');
        return (!name.is_empty()).then(|| (None, name.to_owned()));
    }
    let without_scheme = handle.split("://").nth(1).unwrap_or(handle);
    let mut parts = without_scheme.split('/');
    let host = parts.next()?.to_ascii_lowercase();
    let platform = if host.ends_with("tiktok.com") {
        Platform::TikTok
    } else if host.ends_with("instagram.com") {
        Platform::Instagram
    } else if host.ends_with("youtube.com") || host.ends_with("youtu.be") {
        Platform::YouTube
    } else {
        return None;
    };
    let name = parts
        .map(|part| part.split(['?', '#']).next().unwrap_or(""))
        .find(|part| !part.is_empty() && !matches!(*part, "c" | "user" | "channel"))?
        .trim_start_matches('@')
        .to_owned();
    (!name.is_empty()).then_some((Some(platform), name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::monitoring::SearchType;

    fn value(kind: MonitoredKind, handle: &str, platform: Platform) -> Option<String> {
        request_for(kind, handle, None, platform).map(|request| request.value)
    }

    #[test]
    fn accounts_are_read_from_profile_urls_for_their_own_platform_only() {
        let url = "https://tiktok.com/@keilapacheco";
        assert_eq!(
            value(MonitoredKind::Account, url, Platform::TikTok).as_deref(),
            Some("@keilapacheco")
        );
        assert_eq!(
            value(MonitoredKind::Account, url, Platform::Instagram),
            None
        );
        let insta = "https://www.instagram.com/fashionbrand/?hl=en";
        assert_eq!(
            value(MonitoredKind::Account, insta, Platform::Instagram).as_deref(),
            Some("@fashionbrand")
        );
        assert_eq!(
            value(
                MonitoredKind::Account,
                "https://www.youtube.com/@chefmo",
                Platform::YouTube
            )
            .as_deref(),
            Some("@chefmo")
        );
        assert_eq!(
            value(
                MonitoredKind::Account,
                "https://example.com/x",
                Platform::TikTok
            ),
            None
        );
        for platform in Platform::ALL {
            assert_eq!(
                value(MonitoredKind::Account, "@glowlab", platform).as_deref(),
                Some("@glowlab")
            );
        }
        assert_eq!(
            request_for(
                MonitoredKind::Account,
                "glowlab",
                Some("instagram"),
                Platform::TikTok
            ),
            None,
            "an item given for one platform asks nothing of the others"
        );
    }

    #[test]
    fn hashtags_and_keywords_follow_the_capability_table_with_the_documented_defaults() {
        let tag =
            request_for(MonitoredKind::Hashtag, "tacotok", None, Platform::Instagram).unwrap();
        assert_eq!(
            (tag.search, tag.value.as_str()),
            (SearchType::Hashtag, "#tacotok")
        );
        assert_eq!((tag.days, tag.max_results), (Some(7), Some(20)));
        assert!(tag.monitoring && !tag.comment_monitoring);
        assert_eq!(
            value(MonitoredKind::Keyword, "street food", Platform::Instagram),
            None
        );
        assert_eq!(
            value(MonitoredKind::Keyword, "street food", Platform::YouTube).as_deref(),
            Some("street food")
        );
        assert_eq!(
            value(MonitoredKind::Hashtag, "two words", Platform::TikTok),
            None
        );
    }
}
