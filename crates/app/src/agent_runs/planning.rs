//! What a run does for what its message asks: the tool calls, planned by rules for the fixed
//! commands (each with a call id fixed by its place, so planning again after a restart names
//! the same calls), and what the run is priced as.

use ace_db::agent_runs::CallRecord;
use ace_domain::agent_run::{Depth, Intent, Tool};
use ace_domain::ideas::pricing::AgentWork;
use serde_json::{Value, json};

use crate::ideas::IdeaRecord;

/// A call the run will make.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Planned {
    pub call_id: String,
    /// The tool's name (a model may name one ace does not have).
    pub tool: String,
    pub arguments: Value,
    /// What it does, in words (shown at an approval gate).
    pub summary: String,
}

/// What `intent` is priced as before it runs. Chat with a model that calls tools may end in
/// any work, so it holds the most a run does (five ideas with research).
pub(crate) fn work_of(intent: &Intent, calls_tools: bool) -> AgentWork {
    match intent {
        Intent::Chat if calls_tools => AgentWork::Ideas {
            count: 5,
            with_research: true,
        },
        Intent::Ideas {
            count,
            with_research,
            ..
        } => AgentWork::Ideas {
            count: *count,
            with_research: *with_research,
        },
        Intent::Refine { .. } => AgentWork::Refine,
        Intent::Research { .. } => AgentWork::Research,
        Intent::Remember { .. }
        | Intent::Forget { .. }
        | Intent::ListPreferences
        | Intent::MakeVidsheet { .. }
        | Intent::Chat => AgentWork::Chat,
    }
}

/// The calls that answer `intent`; `latest` is the conversation's latest set of ideas. Chat
/// needs none: the model answers it.
pub(crate) fn plan(intent: &Intent, latest: &[IdeaRecord]) -> Vec<Planned> {
    let one = |tool: Tool, arguments: Value, summary: String| {
        vec![Planned {
            call_id: "call_1".into(),
            tool: tool.as_str().to_owned(),
            arguments,
            summary,
        }]
    };
    match intent {
        Intent::Remember { rules } => one(
            Tool::RememberPreferences,
            json!({ "rules": rules }),
            format!(
                "Remember {} preference(s) for every future idea.",
                rules.len()
            ),
        ),
        Intent::Forget { words } => one(
            Tool::ForgetPreference,
            json!({ "words": words }),
            format!("Forget the preference about \"{words}\"."),
        ),
        Intent::ListPreferences => one(
            Tool::ListPreferences,
            json!({}),
            "List the saved preferences.".into(),
        ),
        Intent::Ideas {
            count,
            requirements,
            video_type,
            with_research,
        } => {
            let mut calls = Vec::new();
            if *with_research {
                let topic = if requirements.is_empty() {
                    String::new()
                } else {
                    requirements.join(", ")
                };
                calls.push(Planned {
                    call_id: format!("call_{}", calls.len() + 1),
                    tool: Tool::Research.as_str().to_owned(),
                    arguments: json!({ "topic": topic, "depth": "quick", "within_ideas": true }),
                    summary: "Research the topic before writing ideas.".into(),
                });
            }
            calls.push(Planned {
                call_id: format!("call_{}", calls.len() + 1),
                tool: Tool::ProposeIdeas.as_str().to_owned(),
                arguments: json!({
                    "count": count,
                    "requirements": requirements,
                    "video_type": video_type,
                }),
                summary: format!("Write {count} ideas grounded in the knowledge base."),
            });
            calls
        }
        Intent::Refine { edits } => one(
            Tool::ReviseIdeas,
            json!({ "edits": edits }),
            format!("Revise the latest {} ideas.", latest.len()),
        ),
        Intent::Research { topic, depth } => one(
            Tool::Research,
            json!({ "topic": topic, "depth": depth }),
            format!("Research \"{topic}\" ({depth}) and keep the findings."),
        ),
        Intent::MakeVidsheet {
            idea,
            idea_id,
            sheet_id,
            run,
        } => {
            let chosen = match (idea_id, idea) {
                (Some(id), _) => latest
                    .iter()
                    .find(|known| known.id.get() == *id)
                    .map(|known| (known.id.get(), known.title.clone()))
                    .or(Some((*id, format!("idea {id}")))),
                (None, Some(number)) => latest
                    .iter()
                    .find(|known| i64::from(known.idea_number) == i64::from(*number))
                    .map(|known| (known.id.get(), known.title.clone())),
                (None, None) => None,
            };
            let Some((id, title)) = chosen else {
                return Vec::new();
            };
            let place = sheet_id.map_or_else(
                || "a copy of the matching template".to_owned(),
                |sheet| format!("vidsheet {sheet}"),
            );
            let mut calls = one(
                Tool::MakeVidsheet,
                json!({ "idea_id": id, "sheet_id": sheet_id }),
                format!("Make \"{title}\" a row of {place}."),
            );
            if *run {
                calls.push(Planned {
                    call_id: "call_2".into(),
                    tool: Tool::RunRow.as_str().to_owned(),
                    arguments: json!({ "from_call": "call_1" }),
                    summary: format!(
                        "Run that row: generate what \"{title}\" still needs and render the video (charged per generation)."
                    ),
                });
            }
            calls
        }
        Intent::Chat => Vec::new(),
    }
}

/// The command a model's call amounts to, so its answer is written as that command's is:
/// for a model that calls tools but does not read their results. A call no command makes
/// (one cell's generation, a row run, a look at the knowledge base) is chat.
pub(crate) fn answered_as(call: &CallRecord) -> Intent {
    let arguments = &call.arguments.0;
    let text = |key: &str| {
        arguments
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let number = |key: &str| arguments.get(key).and_then(Value::as_i64);
    let texts = |key: &str| -> Vec<String> {
        serde_json::from_value(arguments.get(key).cloned().unwrap_or_default()).unwrap_or_default()
    };
    let Ok(tool) = call.tool.parse::<Tool>() else {
        return Intent::Chat;
    };
    match tool {
        Tool::Generate | Tool::QueryKnowledge | Tool::RunRow => Intent::Chat,
        Tool::ProposeIdeas => Intent::Ideas {
            count: number("count")
                .and_then(|n| u32::try_from(n).ok())
                .unwrap_or(5),
            requirements: texts("requirements"),
            video_type: text("video_type").parse().ok(),
            with_research: false,
        },
        Tool::ReviseIdeas => Intent::Refine {
            edits: serde_json::from_value(arguments.get("edits").cloned().unwrap_or_default())
                .unwrap_or_default(),
        },
        Tool::RememberPreferences => Intent::Remember {
            rules: texts("rules"),
        },
        Tool::ForgetPreference => Intent::Forget {
            words: text("words"),
        },
        Tool::ListPreferences => Intent::ListPreferences,
        Tool::Research => Intent::Research {
            topic: text("topic"),
            depth: text("depth").parse().unwrap_or(Depth::Default),
        },
        Tool::MakeVidsheet => Intent::MakeVidsheet {
            idea: number("idea").and_then(|n| u32::try_from(n).ok()),
            idea_id: number("idea_id"),
            sheet_id: number("sheet_id"),
            run: false,
        },
    }
}
