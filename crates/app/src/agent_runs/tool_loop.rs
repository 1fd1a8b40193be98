//! The agent driven by a model that calls tools (a provider's chat model with native tool
//! calling): for chat, the model sees the conversation, the agent's brief, its saved
//! preferences, the latest ideas and the tools' JSON schemas, and each turn either asks for
//! calls (stored, numbered by round, then executed like planned ones, gates included) or
//! answers. The conversation it sees is rebuilt from the stored rounds, so a run resumed after
//! a restart or an approval continues where it was, without asking again for calls it made.

use ace_db::agent_runs::{CallRecord, RunRecord};
use ace_db::conversations as talk;
use ace_domain::agent_run::Tool;
use ace_domain::agent_run::intent::MAX_IDEAS;
use ace_domain::ideas::VideoType;
use ace_domain::knowledge::monitoring::Platform;
use ace_domain::knowledge::query::Ranking;
use ace_providers::tool_chat::{ChatMessage, ChatTurn, ToolCall, ToolChat, ToolExample, ToolSpec};
use serde_json::{Value, json};

use super::ideas_writer::Brief;
use super::planning::Planned;
use super::{Asked, latest_ideas};
use crate::ideas::preferences;
use crate::{App, AppError, AppResult, ErrorCode, ErrorKind};

/// The tools a small model (one that does not read results) is offered: those whose arguments
/// a free message fills. Ideas, rows and preferences named by number or by words are
/// commands the rules read exactly ("make idea 2 punchier", "forget: …"), and a choice among
/// fewer tools is right more often.
const SMALL_MODEL_TOOLS: [&str; 5] = [
    Tool::QueryKnowledge.as_str(),
    Tool::ProposeIdeas.as_str(),
    Tool::RememberPreferences.as_str(),
    Tool::ListPreferences.as_str(),
    Tool::Research.as_str(),
];
/// The most turns a run takes before it must answer.
pub(crate) const MAX_ROUNDS: i32 = 6;
/// The messages before this run the model sees.
const HISTORY: usize = 8;
/// The longest tool result the model is shown, in characters.
const RESULT_CHARS: usize = 4_000;

/// What the model does next.
pub(crate) enum Next {
    /// Calls for round `round`.
    Calls {
        round: i32,
        calls: Vec<Planned>,
    },
    Answer(String),
}

/// Asks the model for its next turn, given the calls made so far.
pub(crate) async fn next(
    app: &App,
    chat: &dyn ToolChat,
    run: &RunRecord,
    asked: &Asked,
    calls: &[CallRecord],
) -> AppResult<Next> {
    let mut messages = opening(app, run, asked).await?;
    let rounds = calls.iter().map(|call| call.round).max().unwrap_or(0);
    for round in 1..=rounds {
        let made: Vec<&CallRecord> = calls.iter().filter(|call| call.round == round).collect();
        messages.push(ChatMessage::Assistant {
            content: None,
            tool_calls: made
                .iter()
                .map(|call| ToolCall {
                    id: call.call_id.clone(),
                    name: call.tool.clone(),
                    arguments: call.arguments.0.clone(),
                })
                .collect(),
        });
        for call in made {
            messages.push(ChatMessage::Tool {
                call_id: call.call_id.clone(),
                content: shown(call),
            });
        }
    }
    let specs = if rounds >= MAX_ROUNDS {
        Vec::new()
    } else if chat.reads_results() {
        specs()
    } else {
        specs()
            .into_iter()
            .filter(|spec| SMALL_MODEL_TOOLS.contains(&spec.name.as_str()))
            .collect()
    };
    let turn = chat.turn(&messages, &specs).await.map_err(|err| {
        AppError::new(
            ErrorKind::Unavailable,
            ErrorCode::ServiceUnavailable,
            format!("The text model could not answer: {err}"),
        )
    })?;
    let round = rounds + 1;
    Ok(match turn {
        ChatTurn::Answer(text) => Next::Answer(text),
        ChatTurn::Calls(_) if rounds >= MAX_ROUNDS => Next::Answer(format!(
            "I stopped after {MAX_ROUNDS} rounds of tool calls without an answer; ask again, more narrowly."
        )),
        ChatTurn::Calls(asked_for) => Next::Calls {
            round,
            calls: asked_for
                .into_iter()
                .map(|call| planned(call, round))
                .collect(),
        },
    })
}

/// The system message, the conversation before this run, and the user's message.
async fn opening(app: &App, run: &RunRecord, asked: &Asked) -> AppResult<Vec<ChatMessage>> {
    let brief = Brief::of(app, run.agent_id, &[]).await?;
    let rules = preferences::list(app, run.agent_id).await?;
    let (latest, earlier) = {
        let mut conn = app.db.conn().await?;
        let latest = latest_ideas(&mut conn, &run.conversation_id).await?;
        let all = talk::messages(&mut conn, &run.conversation_id, 1_000, 0).await?;
        (latest, all)
    };
    let mut system = vec![
        brief.persona(),
        "You help plan short vertical videos. Use the tools to propose ideas (grounded in the agent's knowledge base), revise or drop ideas of the latest set, remember, forget or list the user's preferences, research topics, make a vidsheet from an idea and run its row into a video. Answer briefly.".to_owned(),
    ];
    if !rules.is_empty() {
        system.push(format!(
            "Saved preferences, obeyed by every idea: {}.",
            rules.join("; ")
        ));
    }
    if !latest.is_empty() {
        let listed: Vec<String> = latest
            .iter()
            .map(|idea| {
                format!(
                    "idea {} (idea_id {}): {}",
                    idea.idea_number, idea.id, idea.title
                )
            })
            .collect();
        system.push(format!("The latest set of ideas: {}.", listed.join("; ")));
    }
    let mut messages = vec![ChatMessage::System(system.join("\n"))];
    let before: Vec<_> = earlier
        .into_iter()
        .filter(|message| message.run_id.as_deref() != Some(run.id.as_str()))
        .collect();
    let skip = before.len().saturating_sub(HISTORY);
    for message in before.into_iter().skip(skip) {
        messages.push(match message.role.as_str() {
            "user" => ChatMessage::User(message.content),
            _ => ChatMessage::Assistant {
                content: Some(message.content),
                tool_calls: Vec::new(),
            },
        });
    }
    messages.push(ChatMessage::User(asked.message.clone()));
    Ok(messages)
}

/// A call's result as the model is shown it.
fn shown(call: &CallRecord) -> String {
    let text = match (&call.result, call.approved) {
        (Some(result), _) => result.0.to_string(),
        (None, Some(false)) => json!({"error": "the user rejected this call"}).to_string(),
        (None, _) => json!({"error": "not run"}).to_string(),
    };
    text.chars().take(RESULT_CHARS).collect()
}

/// The model's call as one to store, its id made unique to its round (some servers number
/// calls afresh each turn): a tool ace does not have is kept, to be answered with an error.
fn planned(call: ToolCall, round: i32) -> Planned {
    let summary = match call.name.parse::<Tool>() {
        Ok(tool) => summary_of(tool, &call.arguments),
        Err(_) => format!("Call {}, which is not a tool.", call.name),
    };
    Planned {
        call_id: format!("r{round}-{}", call.id),
        tool: call.name,
        arguments: call.arguments,
        summary,
    }
}

fn summary_of(tool: Tool, arguments: &Value) -> String {
    let text = |key: &str| {
        arguments
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    match tool {
        Tool::QueryKnowledge => match arguments.get("words").and_then(Value::as_str) {
            Some(words) => format!("Read the knowledge base's best posts about \"{words}\"."),
            None => "Read the knowledge base's best posts.".into(),
        },
        Tool::ProposeIdeas => format!(
            "Write {} ideas grounded in the knowledge base.",
            arguments.get("count").and_then(Value::as_u64).unwrap_or(5)
        ),
        Tool::ReviseIdeas => "Revise ideas of the latest set.".into(),
        Tool::RememberPreferences => "Remember preferences for every future idea.".into(),
        Tool::ForgetPreference => format!("Forget the preference about \"{}\".", text("words")),
        Tool::ListPreferences => "List the saved preferences.".into(),
        Tool::Research => format!("Research \"{}\" ({}).", text("topic"), text("depth")),
        Tool::MakeVidsheet => {
            let number = |key: &str| arguments.get(key).and_then(Value::as_i64);
            match (number("idea_id"), number("idea")) {
                (Some(id), _) => format!("Make the idea with idea_id {id} a vidsheet row."),
                (None, Some(nth)) => format!("Make idea {nth} of the latest set a vidsheet row."),
                (None, None) => "Make an idea a vidsheet row.".into(),
            }
        }
        Tool::Generate => format!(
            "Generate the {} cell of row {} of vidsheet {} (charged as a generation).",
            text("column"),
            arguments
                .get("row_id")
                .and_then(Value::as_i64)
                .unwrap_or_default(),
            arguments
                .get("sheet_id")
                .and_then(Value::as_i64)
                .unwrap_or_default()
        ),
        Tool::RunRow => {
            let id = |key: &str| {
                arguments
                    .get(key)
                    .and_then(Value::as_i64)
                    .unwrap_or_default()
            };
            format!(
                "Run row {} of vidsheet {} into a video (charged per generation).",
                id("row_id"),
                id("sheet_id")
            )
        }
    }
}

/// The tools, with the JSON schemas of their arguments.
pub(crate) fn specs() -> Vec<ToolSpec> {
    let video_types: Vec<&str> = VideoType::ALL.iter().map(|kind| kind.as_str()).collect();
    let platforms: Vec<&str> = Platform::ALL.iter().map(|p| p.as_str()).collect();
    let rankings: Vec<&str> = Ranking::ALL.iter().map(|r| r.as_str()).collect();
    let spec = |tool: Tool, description: &str, parameters: Value| ToolSpec {
        name: tool.as_str().to_owned(),
        description: description.to_owned(),
        parameters,
        examples: examples(tool),
    };
    let strings = json!({"type": "array", "items": {"type": "string"}});
    let numbers = json!({"type": "array", "items": {"type": "integer", "minimum": 1}});
    vec![
        spec(
            Tool::QueryKnowledge,
            "Read the agent's knowledge base: its best posts (ranked by engagement unless asked otherwise) and research findings, optionally about some words, on one platform or from the last days.",
            json!({"type": "object", "properties": {
                "words": {"type": "string"},
                "platform": {"type": "string", "enum": platforms},
                "days": {"type": "integer", "minimum": 1, "maximum": 365},
                "ranking": {"type": "string", "enum": rankings},
                "limit": {"type": "integer", "minimum": 1, "maximum": 20},
            }, "additionalProperties": false}),
        ),
        spec(
            Tool::ProposeIdeas,
            "Write new video ideas grounded in the agent's knowledge base.",
            json!({"type": "object", "properties": {
                "count": {"type": "integer", "minimum": 1, "maximum": MAX_IDEAS},
                "requirements": strings,
                "video_type": {"type": "string", "enum": video_types},
            }, "required": ["count"], "additionalProperties": false}),
        ),
        spec(
            Tool::ReviseIdeas,
            "Change ideas of the latest set, named by their numbers (none: all of them): drop them, keep only them, change their video type, or rewrite them as instructed.",
            json!({"type": "object", "properties": {
                "edits": {"type": "array", "items": {"type": "object", "properties": {
                    "change": {"type": "string", "enum": ["drop", "keep_only", "retype", "rewrite"]},
                    "ideas": numbers,
                    "video_type": {"type": "string", "enum": video_types},
                    "instruction": {"type": "string"},
                }, "required": ["change", "ideas"]}},
            }, "required": ["edits"], "additionalProperties": false}),
        ),
        spec(
            Tool::RememberPreferences,
            "Save preferences that every future idea obeys.",
            json!({"type": "object", "properties": {"rules": strings}, "required": ["rules"], "additionalProperties": false}),
        ),
        spec(
            Tool::ForgetPreference,
            "Drop the saved preference these words describe.",
            json!({"type": "object", "properties": {"words": {"type": "string"}}, "required": ["words"], "additionalProperties": false}),
        ),
        spec(
            Tool::ListPreferences,
            "List the saved preferences.",
            json!({"type": "object", "properties": {}, "additionalProperties": false}),
        ),
        spec(
            Tool::Research,
            "Search the research sources on a topic and keep the findings in the knowledge base.",
            json!({"type": "object", "properties": {
                "topic": {"type": "string"},
                "depth": {"type": "string", "enum": ["quick", "default", "deep"]},
            }, "required": ["topic"], "additionalProperties": false}),
        ),
        spec(
            Tool::MakeVidsheet,
            "Make an idea a vidsheet row: a copy of the template of its video type, or a new row of the named vidsheet. Name the idea by its number in the latest set (idea) or by its idea_id.",
            json!({"type": "object", "properties": {
                "idea": {"type": "integer", "minimum": 1},
                "idea_id": {"type": "integer"},
                "sheet_id": {"type": "integer"},
            }, "additionalProperties": false}),
        ),
        spec(
            Tool::RunRow,
            "Run a vidsheet row into a video: generate what its cells still need, then render. Charged per generation.",
            json!({"type": "object", "properties": {
                "sheet_id": {"type": "integer"},
                "row_id": {"type": "integer"},
                "force": {"type": "boolean"},
            }, "required": ["sheet_id", "row_id"], "additionalProperties": false}),
        ),
        spec(
            Tool::Generate,
            "Generate one cell of a vidsheet row, named by its column, as the column's creation card says. Charged as a generation.",
            json!({"type": "object", "properties": {
                "sheet_id": {"type": "integer"},
                "row_id": {"type": "integer"},
                "column": {"type": "string"},
            }, "required": ["sheet_id", "row_id", "column"], "additionalProperties": false}),
        ),
    ]
}

/// Requests each tool answers, with their arguments: a small model learns the tools from them.
fn examples(tool: Tool) -> Vec<ToolExample> {
    let example = |asked: &str, arguments: Value| ToolExample {
        asked: asked.to_owned(),
        arguments,
    };
    match tool {
        Tool::QueryKnowledge => vec![
            example(
                "What is doing well on TikTok this week?",
                json!({"platform": "tiktok", "days": 7}),
            ),
            example(
                "show me the most viewed posts about ramen",
                json!({"words": "ramen", "ranking": "views"}),
            ),
        ],
        Tool::ProposeIdeas => vec![
            example(
                "Give me three video ideas about budget travel",
                json!({"count": 3, "requirements": ["budget travel"]}),
            ),
            example(
                "any thoughts for a video on winter soups?",
                json!({"count": 1, "requirements": ["winter soups"]}),
            ),
        ],
        Tool::ReviseIdeas => vec![
            example(
                "Make idea 1 shorter and drop idea 4",
                json!({"edits": [
                    {"change": "rewrite", "ideas": [1], "instruction": "shorter"},
                    {"change": "drop", "ideas": [4]},
                ]}),
            ),
            example(
                "The second one is dull",
                json!({"edits": [{"change": "rewrite", "ideas": [2], "instruction": "less dull"}]}),
            ),
        ],
        Tool::RememberPreferences => vec![
            example(
                "From now on, always end with a question to the viewer",
                json!({"rules": ["End with a question to the viewer."]}),
            ),
            example("I hate long intros", json!({"rules": ["No long intros."]})),
        ],
        Tool::ForgetPreference => vec![example(
            "Stop avoiding long intros",
            json!({"words": "long intros"}),
        )],
        Tool::ListPreferences => vec![
            example("What rules have I given you so far?", json!({})),
            example("remind me what I like", json!({})),
        ],
        Tool::Research => vec![
            example(
                "Find out what is new in electric bikes",
                json!({"topic": "electric bikes", "depth": "quick"}),
            ),
            example(
                "dig into the science of sourdough",
                json!({"topic": "science of sourdough", "depth": "deep"}),
            ),
        ],
        Tool::MakeVidsheet => vec![
            example("Let's produce idea 2", json!({"idea": 2})),
            example("put the first one in a sheet", json!({"idea": 1})),
        ],
        Tool::RunRow => vec![example(
            "Render row 4 of vidsheet 12",
            json!({"sheet_id": 12, "row_id": 4}),
        )],
        Tool::Generate => vec![example(
            "Write the hook of row 3 in vidsheet 12 again",
            json!({"sheet_id": 12, "row_id": 3, "column": "HOOK"}),
        )],
    }
}
