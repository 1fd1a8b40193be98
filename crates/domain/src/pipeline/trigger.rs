//! When a pipeline runs: by hand and on a webhook only, or on a schedule in the pipeline's
//! time zone. A schedule's slots are whole, named instants (every N minutes counted from the
//! Unix epoch; every N hours, a day, a week or a month at a local time of day), so every
//! process that works out "the next slot" gets the same one, and a slot fires once.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::FieldError;
use crate::text::time_zone;

/// The trigger types GEN documents.
pub const TRIGGER_TYPES: [&str; 7] = [
    "webhook",
    "schedule_minutely",
    "schedule_hourly",
    "schedule_daily",
    "schedule_weekly",
    "schedule_monthly",
    "schedule_once",
];

/// A pipeline's trigger, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trigger {
    pub kind: TriggerKind,
    /// IANA name; `UTC` unless set.
    pub timezone: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TriggerKind {
    Webhook,
    /// Every `every` minutes, counted from the Unix epoch.
    Minutely {
        every: u32,
    },
    /// Every `every` hours of each local day, from `at`.
    Hourly {
        every: u32,
        at: NaiveTime,
    },
    Daily {
        at: NaiveTime,
    },
    Weekly {
        weekday: Weekday,
        at: NaiveTime,
    },
    /// On `day_of_month` (the month's last day when it has fewer).
    Monthly {
        day_of_month: u32,
        at: NaiveTime,
    },
    Once {
        run_at: DateTime<Utc>,
    },
}

/// `trigger_config` as stored and shown.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriggerConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekday: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day_of_month: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
}

impl Trigger {
    /// Reads `trigger_type` with its `trigger_config`. A `schedule_once` time must be after
    /// `now`, when given (it is not for a stored trigger, whose time may have passed).
    pub fn parse(
        trigger_type: &str,
        config: &TriggerConfig,
        now: Option<DateTime<Utc>>,
    ) -> Result<Trigger, FieldError> {
        let within = |err: FieldError| err.within("trigger_config");
        let timezone = match config.timezone.as_deref() {
            Some(raw) => time_zone("timezone", raw).map_err(within)?,
            None => "UTC".to_owned(),
        };
        let at = |required: bool| -> Result<NaiveTime, FieldError> {
            match config.at.as_deref() {
                Some(raw) => time_of_day("at", raw).map_err(within),
                None if required => Err(within(FieldError::new(
                    "at",
                    format!("is required for {trigger_type} (a time of day, \"HH:MM\")"),
                ))),
                None => Ok(NaiveTime::MIN),
            }
        };
        let every = |most: u32| -> Result<u32, FieldError> {
            let every = config.every.unwrap_or(1);
            if (1..=most).contains(&every) {
                Ok(every)
            } else {
                Err(within(FieldError::new(
                    "every",
                    format!("must be between 1 and {most}"),
                )))
            }
        };
        let kind = match trigger_type {
            "webhook" => TriggerKind::Webhook,
            "schedule_minutely" => TriggerKind::Minutely {
                every: every(1_440)?,
            },
            "schedule_hourly" => TriggerKind::Hourly {
                every: every(24)?,
                at: at(false)?,
            },
            "schedule_daily" => TriggerKind::Daily { at: at(true)? },
            "schedule_weekly" => {
                let raw = config.weekday.as_deref().ok_or_else(|| {
                    within(FieldError::new(
                        "weekday",
                        "is required for schedule_weekly (monday to sunday)",
                    ))
                })?;
                TriggerKind::Weekly {
                    weekday: weekday(raw).map_err(within)?,
                    at: at(true)?,
                }
            }
            "schedule_monthly" => {
                let day = config.day_of_month.ok_or_else(|| {
                    within(FieldError::new(
                        "day_of_month",
                        "is required for schedule_monthly (1 to 31)",
                    ))
                })?;
                if !(1..=31).contains(&day) {
                    return Err(within(FieldError::new(
                        "day_of_month",
                        "must be between 1 and 31",
                    )));
                }
                TriggerKind::Monthly {
                    day_of_month: day,
                    at: at(true)?,
                }
            }
            "schedule_once" => {
                let raw = config.run_at.as_deref().ok_or_else(|| {
                    within(FieldError::new(
                        "run_at",
                        "is required for schedule_once (ISO 8601)",
                    ))
                })?;
                let run_at = DateTime::parse_from_rfc3339(raw.trim())
                    .map_err(|_| {
                        within(FieldError::new(
                            "run_at",
                            "must be an ISO 8601 time with its offset, such as 2026-12-24T18:00:00Z",
                        ))
                    })?
                    .with_timezone(&Utc);
                if now.is_some_and(|now| run_at <= now) {
                    return Err(within(FieldError::new("run_at", "must be in the future")));
                }
                TriggerKind::Once { run_at }
            }
            other => {
                return Err(FieldError::new(
                    "trigger_type",
                    format!("'{other}' is not one of {}", TRIGGER_TYPES.join(", ")),
                ));
            }
        };
        Ok(Trigger { kind, timezone })
    }

    /// Whether it runs on a schedule.
    pub fn is_scheduled(&self) -> bool {
        self.kind != TriggerKind::Webhook
    }

    /// The first slot strictly after `after`; `None` when there is no other (a webhook, or a
    /// one-off time that has come).
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let tz: Tz = self.timezone.parse().unwrap_or(Tz::UTC);
        match self.kind {
            TriggerKind::Webhook => None,
            TriggerKind::Once { run_at } => (run_at > after).then_some(run_at),
            TriggerKind::Minutely { every } => {
                let step = i64::from(every) * 60_000;
                let next = (after.timestamp_millis().div_euclid(step) + 1) * step;
                DateTime::from_timestamp_millis(next)
            }
            TriggerKind::Hourly { every, at } => first_local(
                tz,
                after,
                |date| {
                    (0..24)
                        .step_by(every as usize)
                        .filter_map(|hours| {
                            let time = at + Duration::hours(hours);
                            // Count only the times still within the day.
                            (time >= at).then(|| date.and_time(time))
                        })
                        .collect()
                },
                |_| true,
            ),
            TriggerKind::Daily { at } => {
                first_local(tz, after, |date| vec![date.and_time(at)], |_| true)
            }
            TriggerKind::Weekly { weekday, at } => first_local(
                tz,
                after,
                |date| {
                    if date.weekday() == weekday {
                        vec![date.and_time(at)]
                    } else {
                        Vec::new()
                    }
                },
                |_| true,
            ),
            TriggerKind::Monthly { day_of_month, at } => first_local(
                tz,
                after,
                |date| {
                    if date.day() == day_of_month.min(last_day(date)) {
                        vec![date.and_time(at)]
                    } else {
                        Vec::new()
                    }
                },
                |_| true,
            ),
        }
    }
}

/// The earliest of `times_on`'s local times (looking day by day from the day before
/// `after`'s, for up to 400 days) that falls strictly after `after` and that `keep` keeps. A
/// local time a clock change skips is left out; one it repeats is its first occurrence.
pub(super) fn first_local(
    tz: Tz,
    after: DateTime<Utc>,
    times_on: impl Fn(NaiveDate) -> Vec<chrono::NaiveDateTime>,
    keep: impl Fn(&DateTime<Utc>) -> bool,
) -> Option<DateTime<Utc>> {
    let start = after.with_timezone(&tz).date_naive() - Duration::days(1);
    (0..400).find_map(|offset| {
        let date = start + Duration::days(offset);
        times_on(date)
            .into_iter()
            .filter_map(|local| tz.from_local_datetime(&local).earliest())
            .map(|at| at.with_timezone(&Utc))
            .filter(|at| *at > after && keep(at))
            .min()
    })
}

fn last_day(date: NaiveDate) -> u32 {
    let (year, month) = if date.month() == 12 {
        (date.year() + 1, 1)
    } else {
        (date.year(), date.month() + 1)
    };
    NaiveDate::from_ymd_opt(year, month, 1)
        .and_then(|first| first.pred_opt())
        .map_or(28, |last| last.day())
}

/// Reads a time of day, `HH:MM` on a 24-hour clock.
pub fn time_of_day(field: &str, raw: &str) -> Result<NaiveTime, FieldError> {
    NaiveTime::parse_from_str(raw.trim(), "%H:%M").map_err(|_| {
        FieldError::new(
            field,
            format!("'{raw}' is not a time of day like \"09:30\""),
        )
    })
}

fn weekday(raw: &str) -> Result<Weekday, FieldError> {
    raw.trim()
        .parse::<Weekday>()
        .map_err(|_| FieldError::new("weekday", format!("'{raw}' is not a day of the week")))
}

/// The config as stored: only the fields the trigger uses, normalised.
impl From<&Trigger> for TriggerConfig {
    fn from(trigger: &Trigger) -> Self {
        let hhmm = |at: NaiveTime| Some(at.format("%H:%M").to_string());
        let mut config = TriggerConfig {
            timezone: Some(trigger.timezone.clone()),
            ..TriggerConfig::default()
        };
        match trigger.kind {
            TriggerKind::Webhook => config.timezone = None,
            TriggerKind::Minutely { every } => {
                config.every = Some(every);
                config.timezone = None;
            }
            TriggerKind::Hourly { every, at } => {
                config.every = Some(every);
                config.at = hhmm(at);
            }
            TriggerKind::Daily { at } => config.at = hhmm(at),
            TriggerKind::Weekly { weekday, at } => {
                config.weekday = Some(weekday_name(weekday).to_owned());
                config.at = hhmm(at);
            }
            TriggerKind::Monthly { day_of_month, at } => {
                config.day_of_month = Some(day_of_month);
                config.at = hhmm(at);
            }
            TriggerKind::Once { run_at } => {
                config.run_at = Some(run_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
                config.timezone = None;
            }
        }
        config
    }
}

fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "monday",
        Weekday::Tue => "tuesday",
        Weekday::Wed => "wednesday",
        Weekday::Thu => "thursday",
        Weekday::Fri => "friday",
        Weekday::Sat => "saturday",
        Weekday::Sun => "sunday",
    }
}

/// Reads a `trigger_config` object, naming the field that is wrong.
pub fn config_of(value: &Value) -> Result<TriggerConfig, FieldError> {
    let object = match value {
        Value::Null => Map::new(),
        Value::Object(object) => object.clone(),
        _ => return Err(FieldError::new("trigger_config", "must be an object")),
    };
    serde_path_to_error::deserialize(Value::Object(object)).map_err(|err| {
        let err = crate::validation::from_json_path_error(&err);
        if err.field == "body" {
            FieldError::new("trigger_config", err.message)
        } else {
            err.within("trigger_config")
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn trigger(kind: &str, config: serde_json::Value) -> Trigger {
        Trigger::parse(kind, &config_of(&config).unwrap(), None).unwrap()
    }

    #[test]
    fn minutely_slots_count_from_the_epoch_so_every_process_agrees() {
        let every_15 = trigger("schedule_minutely", serde_json::json!({"every": 15}));
        assert_eq!(
            every_15.next_after(at("2026-12-07T10:07:30Z")),
            Some(at("2026-12-07T10:15:00Z"))
        );
        assert_eq!(
            every_15.next_after(at("2026-12-07T10:15:00Z")),
            Some(at("2026-12-07T10:30:00Z"))
        );
    }

    #[test]
    fn daily_runs_at_local_time_across_a_clock_change() {
        let daily = trigger(
            "schedule_daily",
            serde_json::json!({"at": "09:00", "timezone": "Europe/Paris"}),
        );
        // Winter: UTC+1.
        assert_eq!(
            daily.next_after(at("2026-12-07T10:00:00Z")),
            Some(at("2026-12-08T08:00:00Z"))
        );
        // Summer time starts on 29 March 2026: UTC+2 from then.
        assert_eq!(
            daily.next_after(at("2026-03-28T09:00:00Z")),
            Some(at("2026-03-29T07:00:00Z"))
        );
    }

    #[test]
    fn hourly_weekly_monthly_and_once() {
        let hourly = trigger(
            "schedule_hourly",
            serde_json::json!({"every": 6, "at": "01:30"}),
        );
        assert_eq!(
            hourly.next_after(at("2026-12-07T08:00:00Z")),
            Some(at("2026-12-07T13:30:00Z"))
        );
        assert_eq!(
            hourly.next_after(at("2026-12-07T19:30:00Z")),
            Some(at("2026-12-08T01:30:00Z"))
        );
        let weekly = trigger(
            "schedule_weekly",
            serde_json::json!({"weekday": "friday", "at": "18:00"}),
        );
        // 7 December 2026 is a Monday.
        assert_eq!(
            weekly.next_after(at("2026-12-07T12:00:00Z")),
            Some(at("2026-12-11T18:00:00Z"))
        );
        let monthly = trigger(
            "schedule_monthly",
            serde_json::json!({"day_of_month": 31, "at": "12:00"}),
        );
        assert_eq!(
            monthly.next_after(at("2027-02-01T00:00:00Z")),
            Some(at("2027-02-28T12:00:00Z"))
        );
        let once = trigger(
            "schedule_once",
            serde_json::json!({"run_at": "2026-12-24T18:00:00+01:00"}),
        );
        assert_eq!(
            once.next_after(at("2026-12-07T00:00:00Z")),
            Some(at("2026-12-24T17:00:00Z"))
        );
        assert_eq!(once.next_after(at("2026-12-24T17:00:00Z")), None);
        assert_eq!(
            trigger("webhook", serde_json::json!({})).next_after(at("2026-12-07T00:00:00Z")),
            None
        );
    }

    #[test]
    fn bad_configs_name_their_field() {
        let bad = |kind: &str, config: serde_json::Value| {
            Trigger::parse(
                kind,
                &config_of(&config).unwrap(),
                Some(at("2026-12-07T00:00:00Z")),
            )
            .unwrap_err()
            .field
        };
        assert_eq!(
            bad("schedule_yearly", serde_json::json!({})),
            "trigger_type"
        );
        assert_eq!(
            bad("schedule_daily", serde_json::json!({})),
            "trigger_config.at"
        );
        assert_eq!(
            bad("schedule_daily", serde_json::json!({"at": "25:00"})),
            "trigger_config.at"
        );
        assert_eq!(
            bad("schedule_minutely", serde_json::json!({"every": 0})),
            "trigger_config.every"
        );
        assert_eq!(
            bad(
                "schedule_weekly",
                serde_json::json!({"at": "10:00", "weekday": "someday"})
            ),
            "trigger_config.weekday"
        );
        assert_eq!(
            bad(
                "schedule_once",
                serde_json::json!({"run_at": "2020-01-01T00:00:00Z"})
            ),
            "trigger_config.run_at"
        );
        assert_eq!(
            bad(
                "schedule_daily",
                serde_json::json!({"at": "09:00", "timezone": "Mars/Base"})
            ),
            "trigger_config.timezone"
        );
        assert_eq!(
            config_of(&serde_json::json!({"every": "often"}))
                .unwrap_err()
                .field,
            "trigger_config.every"
        );
    }
}
