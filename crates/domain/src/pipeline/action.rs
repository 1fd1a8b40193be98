//! A pipeline's actions, chained in order: `ideas` (a prompt to the Ideas agent; its new
//! ideas become rows of the pipeline's sheet), `run_rows` (a row run of each new or chosen
//! row) and `publish` (each made row's final video, posted now or in the next free slot of a
//! posting calendar). Each action's `config` is read here, naming the field that is wrong.

use chrono::NaiveTime;
use serde_json::{Value, json};

use super::trigger::time_of_day;
use crate::FieldError;
use crate::agent_run::intent::Intent;
use crate::text::time_zone;

/// The action types.
pub const ACTION_TYPES: [&str; 3] = ["ideas", "run_rows", "publish"];

/// The longest ideas prompt (an agent run's message).
pub const MAX_PROMPT_CHARS: usize = 8_000;
/// The most rows one `run_rows` action names.
pub const MAX_CHOSEN_ROWS: usize = 100;
/// The most slots in a posting calendar.
pub const MAX_SLOTS: usize = 24;

/// An action's config, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActionConfig {
    Ideas { prompt: String },
    RunRows(RunRows),
    Publish(Publish),
}

/// Which rows a `run_rows` action runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunRows {
    /// `None`: the rows an earlier `ideas` action of the same run made.
    pub row_ids: Option<Vec<i64>>,
    pub force: bool,
    pub max_parallel_rows: i64,
}

/// How a `publish` action posts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Publish {
    /// `{{title}}` (the idea's title, else the sheet's) and `{{COLUMN}}` (the row's cell)
    /// are filled in.
    pub description: String,
    pub schedule: PostWhen,
    /// The linked account to post from; the latest connected when `None`.
    pub account_id: Option<i64>,
    /// Skips the quality gates.
    pub force: bool,
}

/// When a `publish` action's posts go out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PostWhen {
    Now,
    /// The next slot (a time of day in `timezone`) no other post of the pipeline holds.
    NextSlot {
        slots: Vec<NaiveTime>,
        timezone: String,
    },
}

impl ActionConfig {
    /// Reads `config` for `action_type`.
    pub fn parse(action_type: &str, config: &Value) -> Result<ActionConfig, FieldError> {
        let within = |err: FieldError| err.within("config");
        let object = match config {
            Value::Null => serde_json::Map::new(),
            Value::Object(object) => object.clone(),
            _ => return Err(FieldError::new("config", "must be an object")),
        };
        let known: &[&str] = match action_type {
            "ideas" => &["prompt"],
            "run_rows" => &["row_ids", "force", "max_parallel_rows"],
            "publish" => &[
                "description",
                "schedule",
                "slots",
                "timezone",
                "account_id",
                "force",
            ],
            other => {
                return Err(FieldError::new(
                    "action_type",
                    format!("'{other}' is not one of {}", ACTION_TYPES.join(", ")),
                ));
            }
        };
        if let Some(unknown) = object.keys().find(|key| !known.contains(&key.as_str())) {
            return Err(within(FieldError::new(
                unknown.clone(),
                format!(
                    "is not a setting of {action_type} (it has {})",
                    known.join(", ")
                ),
            )));
        }
        let flag = |key: &str| -> Result<bool, FieldError> {
            match object.get(key) {
                None | Some(Value::Null) => Ok(false),
                Some(Value::Bool(on)) => Ok(*on),
                Some(_) => Err(within(FieldError::new(key, "must be true or false"))),
            }
        };
        let text = |key: &str| -> Result<Option<String>, FieldError> {
            match object.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(text)) => Ok(Some(text.trim().to_owned())),
                Some(_) => Err(within(FieldError::new(key, "must be a string"))),
            }
        };
        Ok(match action_type {
            "ideas" => {
                let prompt = text("prompt")?.unwrap_or_default();
                if prompt.is_empty() || prompt.chars().count() > MAX_PROMPT_CHARS {
                    return Err(within(FieldError::new(
                        "prompt",
                        format!("must be 1 to {MAX_PROMPT_CHARS} characters"),
                    )));
                }
                if !matches!(Intent::of(&prompt, false), Intent::Ideas { .. }) {
                    return Err(within(FieldError::new(
                        "prompt",
                        "must ask the agent for video ideas, such as \"3 ideas about late-night tacos\"",
                    )));
                }
                ActionConfig::Ideas { prompt }
            }
            "run_rows" => {
                let row_ids = match object.get("row_ids") {
                    None | Some(Value::Null) => None,
                    Some(Value::Array(ids)) => {
                        let ids: Option<Vec<i64>> = ids
                            .iter()
                            .map(|id| {
                                id.as_i64()
                                    .or_else(|| id.as_str().and_then(|s| s.parse().ok()))
                                    .filter(|id| *id > 0)
                            })
                            .collect();
                        match ids {
                            Some(ids) if !ids.is_empty() && ids.len() <= MAX_CHOSEN_ROWS => {
                                Some(ids)
                            }
                            _ => {
                                return Err(within(FieldError::new(
                                    "row_ids",
                                    format!("must be 1 to {MAX_CHOSEN_ROWS} row ids"),
                                )));
                            }
                        }
                    }
                    Some(_) => {
                        return Err(within(FieldError::new(
                            "row_ids",
                            "must be a list of row ids",
                        )));
                    }
                };
                let max_parallel_rows = match object.get("max_parallel_rows") {
                    None | Some(Value::Null) => 2,
                    Some(value) => {
                        value
                            .as_i64()
                            .filter(|n| (1..=16).contains(n))
                            .ok_or_else(|| {
                                within(FieldError::new(
                                    "max_parallel_rows",
                                    "must be between 1 and 16",
                                ))
                            })?
                    }
                };
                ActionConfig::RunRows(RunRows {
                    row_ids,
                    force: flag("force")?,
                    max_parallel_rows,
                })
            }
            _ => {
                let description = text("description")?.unwrap_or_else(|| "{{title}}".to_owned());
                if description.is_empty() || description.chars().count() > 2_200 {
                    return Err(within(FieldError::new(
                        "description",
                        "must be 1 to 2200 characters",
                    )));
                }
                let schedule = match text("schedule")?.as_deref() {
                    None | Some("now") => PostWhen::Now,
                    Some("next_slot") => {
                        let slots = match object.get("slots") {
                            Some(Value::Array(slots))
                                if !slots.is_empty() && slots.len() <= MAX_SLOTS =>
                            {
                                slots
                                    .iter()
                                    .enumerate()
                                    .map(|(i, slot)| {
                                        time_of_day(
                                            &format!("slots[{i}]"),
                                            slot.as_str().unwrap_or("?"),
                                        )
                                        .map_err(within)
                                    })
                                    .collect::<Result<Vec<_>, _>>()?
                            }
                            _ => {
                                return Err(within(FieldError::new(
                                    "slots",
                                    format!(
                                        "must list 1 to {MAX_SLOTS} times of day (\"HH:MM\") for next_slot"
                                    ),
                                )));
                            }
                        };
                        let timezone = match text("timezone")? {
                            Some(raw) => time_zone("timezone", &raw).map_err(within)?,
                            None => "UTC".to_owned(),
                        };
                        let mut slots = slots;
                        slots.sort();
                        slots.dedup();
                        PostWhen::NextSlot { slots, timezone }
                    }
                    Some(other) => {
                        return Err(within(FieldError::new(
                            "schedule",
                            format!("'{other}' is not now or next_slot"),
                        )));
                    }
                };
                let account_id = match object.get("account_id") {
                    None | Some(Value::Null) => None,
                    Some(value) => Some(
                        value
                            .as_i64()
                            .or_else(|| value.as_str().and_then(|s| s.parse().ok()))
                            .ok_or_else(|| {
                                within(FieldError::new("account_id", "must be a linked account id"))
                            })?,
                    ),
                };
                ActionConfig::Publish(Publish {
                    description,
                    schedule,
                    account_id,
                    force: flag("force")?,
                })
            }
        })
    }

    pub fn action_type(&self) -> &'static str {
        match self {
            ActionConfig::Ideas { .. } => "ideas",
            ActionConfig::RunRows(_) => "run_rows",
            ActionConfig::Publish(_) => "publish",
        }
    }

    /// The config as stored and shown, every setting spelled out.
    pub fn to_value(&self) -> Value {
        match self {
            ActionConfig::Ideas { prompt } => json!({ "prompt": prompt }),
            ActionConfig::RunRows(rows) => json!({
                "row_ids": rows.row_ids,
                "force": rows.force,
                "max_parallel_rows": rows.max_parallel_rows,
            }),
            ActionConfig::Publish(publish) => {
                let mut value = json!({
                    "description": publish.description,
                    "account_id": publish.account_id,
                    "force": publish.force,
                });
                match &publish.schedule {
                    PostWhen::Now => value["schedule"] = json!("now"),
                    PostWhen::NextSlot { slots, timezone } => {
                        value["schedule"] = json!("next_slot");
                        value["slots"] = json!(
                            slots
                                .iter()
                                .map(|slot| slot.format("%H:%M").to_string())
                                .collect::<Vec<_>>()
                        );
                        value["timezone"] = json!(timezone);
                    }
                }
                value
            }
        }
    }
}

crate::wire_enum! {
    /// Where an action of a run is.
    pub enum ActionStatus {
        Pending = "pending",
        Running = "running",
        Completed = "completed",
        Failed = "failed",
        /// Not reached: an earlier action failed, or the run was cancelled.
        Skipped = "skipped",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configs_are_read_with_their_defaults() {
        let ideas = ActionConfig::parse(
            "ideas",
            &json!({"prompt": "3 ideas about late-night tacos"}),
        )
        .unwrap();
        assert_eq!(ideas.action_type(), "ideas");
        let rows = ActionConfig::parse("run_rows", &Value::Null).unwrap();
        assert_eq!(
            rows,
            ActionConfig::RunRows(RunRows {
                row_ids: None,
                force: false,
                max_parallel_rows: 2
            })
        );
        let publish = ActionConfig::parse(
            "publish",
            &json!({"schedule": "next_slot", "slots": ["18:00", "09:30", "18:00"], "timezone": "Europe/Paris"}),
        )
        .unwrap();
        assert_eq!(
            publish.to_value(),
            json!({"description": "{{title}}", "account_id": null, "force": false,
                "schedule": "next_slot", "slots": ["09:30", "18:00"], "timezone": "Europe/Paris"})
        );
    }

    #[test]
    fn bad_configs_name_their_field() {
        let field =
            |kind: &str, config: Value| ActionConfig::parse(kind, &config).unwrap_err().field;
        assert_eq!(field("tweet", json!({})), "action_type");
        assert_eq!(field("ideas", json!({})), "config.prompt");
        assert_eq!(
            field("ideas", json!({"prompt": "hello there"})),
            "config.prompt"
        );
        assert_eq!(field("run_rows", json!({"row_ids": []})), "config.row_ids");
        assert_eq!(field("run_rows", json!({"rows": "all"})), "config.rows");
        assert_eq!(
            field("publish", json!({"schedule": "later"})),
            "config.schedule"
        );
        assert_eq!(
            field("publish", json!({"schedule": "next_slot"})),
            "config.slots"
        );
        assert_eq!(
            field(
                "publish",
                json!({"schedule": "next_slot", "slots": ["9am"]})
            ),
            "config.slots[0]"
        );
        assert_eq!(
            field("publish", json!({"description": ""})),
            "config.description"
        );
    }
}
