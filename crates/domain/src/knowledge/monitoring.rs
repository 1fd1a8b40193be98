//! A scrape or monitoring request (`train_social`): the platform, what to search by, the
//! value, and the bounds of each fetch. Created from the job's `data` (a JSON object, sent as a
//! JSON string) and changed by flat fields; both arrive from form encodings too, so numbers and
//! booleans may come as strings. Every refusal names its field.

use serde_json::{Map, Value, json};

use crate::FieldError;
use crate::job_data::{flag, number, object_of, required_word, text};

crate::wire_enum! {
    /// A social platform ace can gather content from.
    pub enum Platform {
        TikTok = "tiktok",
        Instagram = "instagram",
        YouTube = "youtube",
    }
}

crate::wire_enum! {
    /// What a scrape searches by.
    pub enum SearchType {
        Username = "username",
        Hashtag = "hashtag",
        Keyword = "keyword",
    }
}

impl Platform {
    /// GEN's capability table: every platform searches by username and hashtag; Instagram has
    /// no keyword search.
    pub const fn supports(self, search: SearchType) -> bool {
        !matches!((self, search), (Platform::Instagram, SearchType::Keyword))
    }
}

/// The lookback windows a request may ask for, in days (0: no filter).
pub const DAYS: [u32; 6] = [0, 1, 7, 30, 90, 180];
/// The most results one fetch may ask for.
pub const MAX_RESULTS: u32 = 50;
/// The window a fetch uses when the request names none (GEN's default for monitored items).
pub const DEFAULT_DAYS: u32 = 7;
/// The results a fetch asks for when the request names no limit.
pub const DEFAULT_MAX_RESULTS: u32 = 20;
/// The longest search value.
const MAX_VALUE_CHARS: usize = 200;

/// A checked `train_social` request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonitoringRequest {
    pub platform: Platform,
    pub search: SearchType,
    /// `@name` for usernames, `#tag` for hashtags, plain text for keywords.
    pub value: String,
    pub days: Option<u32>,
    /// Two lowercase letters.
    pub country: Option<String>,
    pub max_results: Option<u32>,
    /// `true`: run on a schedule until turned off; `false`: one scrape, then completed.
    pub monitoring: bool,
    /// Fetch each post's comments too (charged per comment).
    pub comment_monitoring: bool,
}

/// The flat fields of an update; absent fields stay as they are.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MonitoringChanges {
    fields: Map<String, Value>,
}

impl MonitoringRequest {
    /// Reads the job's `data`: a JSON string of an object (or the object itself, as JSON
    /// bodies may send it). Field names in errors are prefixed with `data.`.
    pub fn from_data(data: &Value) -> Result<Self, FieldError> {
        let fields = object_of(data)?;
        Self::from_fields(&fields).map_err(|err| err.within("data"))
    }

    /// This request with `changes` applied, checked as a whole (a platform changed to one
    /// that does not support the search type is refused, naming `type`).
    pub fn changed(&self, changes: &MonitoringChanges) -> Result<Self, FieldError> {
        let mut fields = match self.to_data() {
            Value::Object(fields) => fields,
            _ => Map::new(),
        };
        for (key, value) in &changes.fields {
            fields.insert(key.clone(), value.clone());
        }
        Self::from_fields(&fields)
    }

    /// The stored `data`: every field, with absent optional ones as `null`.
    pub fn to_data(&self) -> Value {
        json!({
            "platform": self.platform.as_str(),
            "type": self.search.as_str(),
            "value": self.value,
            "days": self.days,
            "country": self.country,
            "max_results": self.max_results,
            "monitoring": self.monitoring,
            "comment_monitoring": self.comment_monitoring,
        })
    }

    /// The lookback window a fetch uses.
    pub fn effective_days(&self) -> u32 {
        self.days.unwrap_or(DEFAULT_DAYS)
    }

    /// The results a fetch asks for.
    pub fn effective_max_results(&self) -> u32 {
        self.max_results.unwrap_or(DEFAULT_MAX_RESULTS)
    }

    fn from_fields(fields: &Map<String, Value>) -> Result<Self, FieldError> {
        let platform: Platform = required_word(fields, "platform")?;
        let search: SearchType = required_word(fields, "type")?;
        if !platform.supports(search) {
            return Err(FieldError::new(
                "type",
                format!(
                    "{} has no {} search; use {}",
                    platform.as_str(),
                    search.as_str(),
                    supported(platform)
                ),
            ));
        }
        let value = search_value(search, text(fields, "value")?.unwrap_or_default())?;
        let days = number(fields, "days")?;
        if let Some(days) = days
            && !DAYS.contains(&days)
        {
            return Err(FieldError::new(
                "days",
                "must be one of 0, 1, 7, 30, 90 or 180",
            ));
        }
        let max_results = number(fields, "max_results")?;
        if let Some(max) = max_results
            && !(1..=MAX_RESULTS).contains(&max)
        {
            return Err(FieldError::new(
                "max_results",
                format!("must be between 1 and {MAX_RESULTS}"),
            ));
        }
        let country = match text(fields, "country")?.filter(|c| !c.trim().is_empty()) {
            None => None,
            Some(code) => {
                let code = code.trim();
                if code.len() != 2 || !code.chars().all(|c| c.is_ascii_alphabetic()) {
                    return Err(FieldError::new(
                        "country",
                        "must be a two-letter country code, such as us or gb",
                    ));
                }
                Some(code.to_ascii_lowercase())
            }
        };
        Ok(Self {
            platform,
            search,
            value,
            days,
            country,
            max_results,
            monitoring: flag(fields, "monitoring")?.unwrap_or(false),
            comment_monitoring: flag(fields, "comment_monitoring")?.unwrap_or(false),
        })
    }
}

impl MonitoringChanges {
    /// The fields of an update that belong to a request; others are left out.
    pub fn from_fields(fields: &Map<String, Value>) -> Self {
        const KNOWN: [&str; 8] = [
            "platform",
            "type",
            "value",
            "days",
            "country",
            "max_results",
            "monitoring",
            "comment_monitoring",
        ];
        Self {
            fields: fields
                .iter()
                .filter(|(key, _)| KNOWN.contains(&key.as_str()))
                .map(|(key, value)| (key.clone(), value.clone()))
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }
}

fn supported(platform: Platform) -> String {
    let names: Vec<&str> = SearchType::ALL
        .into_iter()
        .filter(|search| platform.supports(*search))
        .map(SearchType::as_str)
        .collect();
    names.join(" or ")
}

/// The value checked for its search type.
fn search_value(search: SearchType, raw: String) -> Result<String, FieldError> {
    let value = raw.trim();
    let invalid = |message: &str| Err(FieldError::new("value", message));
    if value.is_empty() {
        return invalid("is required");
    }
    if value.chars().count() > MAX_VALUE_CHARS || value.contains(['\n', '\r']) {
        return invalid("must be one line of at most 200 characters");
    }
    let (mark, what) = match search {
        SearchType::Username => ('@', "a username must start with @, as in @creator"),
        SearchType::Hashtag => ('#', "a hashtag must start with #, as in #skincare"),
        SearchType::Keyword => return Ok(value.to_owned()),
    };
    let name = value.strip_prefix(mark);
    match name {
        Some(name) if !name.is_empty() && !name.contains(char::is_whitespace) => {
            Ok(value.to_owned())
        }
        _ => invalid(what),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(fields: Value) -> Value {
        Value::String(fields.to_string())
    }

    fn refused(fields: Value) -> FieldError {
        MonitoringRequest::from_data(&data(fields)).unwrap_err()
    }

    #[test]
    fn the_documented_examples_are_read() {
        let request = MonitoringRequest::from_data(&data(json!({
            "platform": "instagram", "type": "username", "value": "@fashionbrand",
            "days": 30, "max_results": 50, "monitoring": true
        })))
        .unwrap();
        assert_eq!(request.platform, Platform::Instagram);
        assert_eq!(request.search, SearchType::Username);
        assert_eq!(request.value, "@fashionbrand");
        assert_eq!((request.days, request.max_results), (Some(30), Some(50)));
        assert!(request.monitoring && !request.comment_monitoring);
        let keyword = MonitoringRequest::from_data(&data(json!({
            "platform": "tiktok", "type": "keyword", "value": "ai tools", "days": 7,
            "country": "US", "monitoring": true, "comment_monitoring": true
        })))
        .unwrap();
        assert_eq!(keyword.country.as_deref(), Some("us"));
        assert!(keyword.comment_monitoring);
    }

    #[test]
    fn every_platform_and_type_pair_follows_the_table() {
        for platform in Platform::ALL {
            for search in SearchType::ALL {
                let value = match search {
                    SearchType::Username => "@someone",
                    SearchType::Hashtag => "#topic",
                    SearchType::Keyword => "some words",
                };
                let read = MonitoringRequest::from_data(&data(json!({
                    "platform": platform.as_str(), "type": search.as_str(), "value": value
                })));
                let expected = !(platform == Platform::Instagram && search == SearchType::Keyword);
                assert_eq!(read.is_ok(), expected, "{platform} {search}");
                if let Err(err) = read {
                    assert_eq!(err.field, "data.type");
                    assert!(
                        err.message.contains("username or hashtag"),
                        "{}",
                        err.message
                    );
                }
            }
        }
    }

    #[test]
    fn values_carry_their_mark_and_bounds_are_kept() {
        let base = |extra: Value| {
            let mut fields = json!({"platform": "tiktok", "type": "username", "value": "@a"});
            for (key, value) in extra.as_object().unwrap() {
                fields[key] = value.clone();
            }
            fields
        };
        assert_eq!(
            refused(base(json!({"value": "creator"}))).field,
            "data.value"
        );
        assert_eq!(
            refused(base(json!({"type": "hashtag", "value": "skincare"}))).field,
            "data.value"
        );
        assert_eq!(
            refused(base(json!({"value": "@two words"}))).field,
            "data.value"
        );
        for days in [2, 14, 365] {
            assert_eq!(refused(base(json!({"days": days}))).field, "data.days");
        }
        for days in DAYS {
            assert!(MonitoringRequest::from_data(&data(base(json!({"days": days})))).is_ok());
        }
        assert_eq!(
            refused(base(json!({"country": "usa"}))).field,
            "data.country"
        );
        assert_eq!(
            refused(base(json!({"country": "u1"}))).field,
            "data.country"
        );
        for max in [0, 51] {
            assert_eq!(
                refused(base(json!({"max_results": max}))).field,
                "data.max_results"
            );
        }
        assert_eq!(
            refused(base(json!({"platform": "vine"}))).field,
            "data.platform"
        );
        assert_eq!(
            refused(json!({"type": "username", "value": "@a"})).field,
            "data.platform"
        );
        assert_eq!(
            MonitoringRequest::from_data(&json!("not json"))
                .unwrap_err()
                .field,
            "data"
        );
    }

    #[test]
    fn form_encoded_numbers_and_booleans_are_read_from_strings() {
        let request = MonitoringRequest::from_data(&data(json!({
            "platform": "youtube", "type": "hashtag", "value": "#cooking",
            "days": "7", "max_results": "50", "monitoring": "false", "comment_monitoring": "true"
        })))
        .unwrap();
        assert_eq!((request.days, request.max_results), (Some(7), Some(50)));
        assert!(!request.monitoring && request.comment_monitoring);
        assert_eq!(request.effective_days(), 7);
    }

    #[test]
    fn an_update_changes_only_what_it_names_and_is_checked_as_a_whole() {
        let request = MonitoringRequest::from_data(&data(json!({
            "platform": "tiktok", "type": "keyword", "value": "ai tools", "monitoring": true
        })))
        .unwrap();
        let fields = |value: Value| MonitoringChanges::from_fields(value.as_object().unwrap());
        let changed = request
            .changed(&fields(json!({"days": "30", "ignored": "x"})))
            .unwrap();
        assert_eq!(changed.days, Some(30));
        assert_eq!(changed.value, "ai tools");
        assert!(changed.monitoring);
        let err = request
            .changed(&fields(json!({"platform": "instagram"})))
            .unwrap_err();
        assert_eq!(err.field, "type");
        assert_eq!(
            MonitoringRequest::from_data(&changed.to_data()).unwrap(),
            changed,
            "the stored data reads back the same"
        );
    }
}
