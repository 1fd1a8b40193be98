//! A `publish_content` request: GEN's documented data fields, checked one by one so every
//! refusal names its field, plus ace's additions (`account_id` picks one of several connected
//! accounts, `force` skips the quality gates, `idea_id` names the idea the video was made
//! from). A scheduled time with no zone of its
//! own is read at `timezone_offset`.

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeDelta, Utc};
use serde_json::{Map, Value, json};

use crate::FieldError;
use crate::job_data::{flag, object_of, required_word, text};

crate::wire_enum! {
    /// A platform ace publishes to.
    pub enum PublishPlatform {
        TikTok = "tiktok",
    }
}

crate::wire_enum! {
    /// What a post carries.
    pub enum MediaType {
        Video = "VIDEO",
        Image = "IMAGE",
    }
}

/// TikTok's caption limit.
pub const MAX_DESCRIPTION_CHARS: usize = 2_200;
/// The longest title kept.
const MAX_TITLE_CHARS: usize = 150;
/// How far ahead a post may be scheduled.
const LONGEST_SCHEDULE_DAYS: i64 = 366;
/// Time zones reach from UTC−12 to UTC+14.
const OFFSET_MINUTES: std::ops::RangeInclusive<i64> = -720..=840;

/// When a post goes out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Schedule {
    Now,
    At(DateTime<Utc>),
}

/// A checked `publish_content` request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishRequest {
    pub platform: PublishPlatform,
    /// An http(s) URL; whether it may be fetched is the use case's to decide.
    pub media_url: String,
    pub description: String,
    pub title: Option<String>,
    pub media_type: MediaType,
    pub schedule: Schedule,
    pub thumbnail_url: Option<String>,
    /// Minutes east of UTC.
    pub timezone_offset: i32,
    /// The linked account to post from (an ace addition); `None`: the latest connected.
    pub account_id: Option<i64>,
    /// Skip the quality gates (an ace addition).
    pub force: bool,
    /// The idea the video was made from (an ace addition): it moves to `posted` when the post
    /// completes.
    pub idea_id: Option<i64>,
}

impl PublishRequest {
    /// Reads the job's `data` (a JSON string of an object, or the object); field names in
    /// errors are prefixed with `data.`. A scheduled time must be after `now`.
    pub fn from_data(data: &Value, now: DateTime<Utc>) -> Result<Self, FieldError> {
        let fields = object_of(data)?;
        Self::from_fields(&fields, Some(now)).map_err(|err| err.within("data"))
    }

    /// Reads a stored request, whose scheduled time may have passed since.
    pub fn stored(data: &Value) -> Result<Self, FieldError> {
        let fields = object_of(data)?;
        Self::from_fields(&fields, None).map_err(|err| err.within("data"))
    }

    /// The stored `data`, in GEN's field names.
    pub fn to_data(&self) -> Value {
        let (schedule_type, scheduled_time) = match self.schedule {
            Schedule::Now => ("now", None),
            Schedule::At(at) => (
                "scheduled",
                Some(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            ),
        };
        json!({
            "platform": self.platform.as_str(),
            "media_url": self.media_url,
            "description": self.description,
            "title": self.title,
            "media_type": self.media_type.as_str(),
            "schedule_type": schedule_type,
            "scheduled_time": scheduled_time,
            "thumbnail_url": self.thumbnail_url,
            "timezone_offset": self.timezone_offset,
            "account_id": self.account_id,
            "force": self.force,
            "idea_id": self.idea_id,
        })
    }

    /// When the post is due: its scheduled time, or `now`.
    pub fn due(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        match self.schedule {
            Schedule::Now => now,
            Schedule::At(at) => at.max(now),
        }
    }

    /// The caption TikTok gets: the title and the description, as one text within the limit.
    pub fn caption(&self) -> String {
        let caption = match self.title.as_deref().map(str::trim) {
            Some(title) if !title.is_empty() && !self.description.contains(title) => {
                format!("{title}\n\n{}", self.description)
            }
            _ => self.description.clone(),
        };
        caption.chars().take(MAX_DESCRIPTION_CHARS).collect()
    }

    /// `now`: when the request arrives, so its time is checked; `None` for a stored one.
    fn from_fields(
        fields: &Map<String, Value>,
        now: Option<DateTime<Utc>>,
    ) -> Result<Self, FieldError> {
        let platform: PublishPlatform = required_word(fields, "platform")?;
        let media_url = web_url(fields, "media_url")?
            .ok_or_else(|| FieldError::new("media_url", "is required"))?;
        let description = text(fields, "description")?
            .ok_or_else(|| FieldError::new("description", "is required"))?;
        let length = description.chars().count();
        if length > MAX_DESCRIPTION_CHARS {
            return Err(FieldError::new(
                "description",
                format!("must be at most {MAX_DESCRIPTION_CHARS} characters (it has {length})"),
            ));
        }
        let title = text(fields, "title")?.filter(|title| !title.trim().is_empty());
        if title
            .as_ref()
            .is_some_and(|title| title.chars().count() > MAX_TITLE_CHARS)
        {
            return Err(FieldError::new(
                "title",
                format!("must be at most {MAX_TITLE_CHARS} characters"),
            ));
        }
        let media_type = match text(fields, "media_type")?.filter(|t| !t.trim().is_empty()) {
            None => MediaType::Video,
            Some(kind) => kind.trim().to_ascii_uppercase().parse().map_err(
                |err: crate::wire_enum::NotOneOf| FieldError::new("media_type", err.to_string()),
            )?,
        };
        let timezone_offset = offset(fields)?;
        let schedule = schedule(fields, timezone_offset, now)?;
        Ok(Self {
            platform,
            media_url,
            description,
            title,
            media_type,
            schedule,
            thumbnail_url: web_url(fields, "thumbnail_url")?,
            timezone_offset,
            account_id: whole(fields, "account_id")?,
            force: flag(fields, "force")?.unwrap_or(false),
            idea_id: whole(fields, "idea_id")?,
        })
    }
}

/// An http(s) URL field, trimmed; `None` when absent or blank.
fn web_url(fields: &Map<String, Value>, key: &str) -> Result<Option<String>, FieldError> {
    let Some(url) = text(fields, key)?.map(|url| url.trim().to_owned()) else {
        return Ok(None);
    };
    if url.is_empty() {
        return Ok(None);
    }
    let lower = url.to_ascii_lowercase();
    let has_host = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'));
    if !has_host || url.contains(char::is_whitespace) {
        return Err(FieldError::new(key, "must be an http(s) URL"));
    }
    Ok(Some(url))
}

fn offset(fields: &Map<String, Value>) -> Result<i32, FieldError> {
    let minutes: i64 = whole(fields, "timezone_offset")?.unwrap_or_default();
    if !OFFSET_MINUTES.contains(&minutes) {
        return Err(FieldError::new(
            "timezone_offset",
            "must be minutes from UTC, between -720 and 840",
        ));
    }
    i32::try_from(minutes).map_err(|_| FieldError::new("timezone_offset", "is out of range"))
}

fn schedule(
    fields: &Map<String, Value>,
    offset_minutes: i32,
    now: Option<DateTime<Utc>>,
) -> Result<Schedule, FieldError> {
    let kind = text(fields, "schedule_type")?.unwrap_or_default();
    match kind.trim().to_ascii_lowercase().as_str() {
        "" => Err(FieldError::new(
            "schedule_type",
            "is required: now or scheduled",
        )),
        "now" => Ok(Schedule::Now),
        "scheduled" => {
            let raw = text(fields, "scheduled_time")?.unwrap_or_default();
            if raw.trim().is_empty() {
                return Err(FieldError::new(
                    "scheduled_time",
                    "is required when schedule_type is scheduled",
                ));
            }
            let at = instant(raw.trim(), offset_minutes).ok_or_else(|| {
                FieldError::new(
                    "scheduled_time",
                    "must be an ISO 8601 time, such as 2026-03-16T15:00:00Z",
                )
            })?;
            let Some(now) = now else {
                return Ok(Schedule::At(at));
            };
            if at <= now {
                return Err(FieldError::new("scheduled_time", "must be in the future"));
            }
            if at - now > TimeDelta::days(LONGEST_SCHEDULE_DAYS) {
                return Err(FieldError::new(
                    "scheduled_time",
                    "must be within a year from now",
                ));
            }
            Ok(Schedule::At(at))
        }
        _ => Err(FieldError::new(
            "schedule_type",
            "must be one of now, scheduled",
        )),
    }
}

/// An ISO 8601 time: with its own zone, or local time at `offset_minutes`.
fn instant(raw: &str, offset_minutes: i32) -> Option<DateTime<Utc>> {
    if let Ok(at) = DateTime::parse_from_rfc3339(raw) {
        return Some(at.with_timezone(&Utc));
    }
    let local = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
    ]
    .iter()
    .find_map(|format| NaiveDateTime::parse_from_str(raw, format).ok())?;
    let zone = FixedOffset::east_opt(offset_minutes * 60)?;
    local
        .and_local_timezone(zone)
        .single()
        .map(|at| at.with_timezone(&Utc))
}

/// A whole number field, from a number or a string.
fn whole(fields: &Map<String, Value>, key: &str) -> Result<Option<i64>, FieldError> {
    let not_whole = || FieldError::new(key, "must be a whole number");
    match fields.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(number)) => number.as_i64().map(Some).ok_or_else(not_whole),
        Some(Value::String(text)) if text.trim().is_empty() => Ok(None),
        Some(Value::String(text)) => text.trim().parse().map(Some).map_err(|_| not_whole()),
        Some(_) => Err(not_whole()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-03-10T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn read(fields: Value) -> Result<PublishRequest, FieldError> {
        PublishRequest::from_data(&Value::String(fields.to_string()), now())
    }

    fn refused_field(fields: Value) -> String {
        read(fields).unwrap_err().field
    }

    #[test]
    fn the_documented_examples_are_read() {
        let now_post = read(json!({"platform": "tiktok", "media_url": "https://cdn.example.com/video.mp4",
            "description": "Factory price reveal #sourcing #china", "schedule_type": "now", "media_type": "VIDEO"}))
        .unwrap();
        assert_eq!(now_post.schedule, Schedule::Now);
        assert_eq!(now_post.media_type, MediaType::Video);
        let later = read(json!({"platform": "tiktok", "media_url": "https://cdn.example.com/video.mp4",
            "description": "Your $12 beauty sponge costs 10 cents #beauty #factory", "title": "Beauty sponge price reveal",
            "schedule_type": "scheduled", "scheduled_time": "2026-03-16T15:00:00Z", "media_type": "VIDEO"}))
        .unwrap();
        assert_eq!(
            later.schedule,
            Schedule::At("2026-03-16T15:00:00Z".parse().unwrap())
        );
        assert!(
            later
                .caption()
                .starts_with("Beauty sponge price reveal\n\n")
        );
        assert_eq!(PublishRequest::stored(&later.to_data()).unwrap(), later);
    }

    #[test]
    fn each_documented_field_is_checked_by_name() {
        let base = json!({"platform": "tiktok", "media_url": "https://a.example/v.mp4",
            "description": "hi", "schedule_type": "now"});
        let with = |key: &str, value: Value| {
            let mut fields = base.clone();
            fields[key] = value;
            fields
        };
        assert_eq!(
            refused_field(with("platform", json!("myspace"))),
            "data.platform"
        );
        assert_eq!(
            refused_field(with("media_url", json!("ftp://x/v.mp4"))),
            "data.media_url"
        );
        assert_eq!(
            refused_field(with("media_url", json!(null))),
            "data.media_url"
        );
        assert_eq!(
            refused_field(with("description", json!("x".repeat(2_201)))),
            "data.description"
        );
        assert!(read(with("description", json!("x".repeat(2_200)))).is_ok());
        assert_eq!(
            refused_field(with("schedule_type", json!("later"))),
            "data.schedule_type"
        );
        assert_eq!(
            refused_field(with("media_type", json!("GIF"))),
            "data.media_type"
        );
        assert_eq!(
            refused_field(with("timezone_offset", json!(900))),
            "data.timezone_offset"
        );
        assert_eq!(
            refused_field(with("timezone_offset", json!("east"))),
            "data.timezone_offset"
        );
        let scheduled = with("schedule_type", json!("scheduled"));
        assert_eq!(refused_field(scheduled.clone()), "data.scheduled_time");
        let mut past = scheduled.clone();
        past["scheduled_time"] = json!("2026-03-01T00:00:00Z");
        assert_eq!(refused_field(past), "data.scheduled_time");
        let mut garbled = scheduled;
        garbled["scheduled_time"] = json!("next tuesday");
        assert_eq!(refused_field(garbled), "data.scheduled_time");
    }

    #[test]
    fn a_time_without_a_zone_is_read_at_the_offset() {
        let request = read(json!({"platform": "tiktok", "media_url": "https://a.example/v.mp4",
            "description": "", "schedule_type": "scheduled", "scheduled_time": "2026-03-16T15:00:00",
            "timezone_offset": "-300"}))
        .unwrap();
        assert_eq!(
            request.schedule,
            Schedule::At("2026-03-16T20:00:00Z".parse().unwrap())
        );
    }
}
