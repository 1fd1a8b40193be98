//! The assistant's answer to a run: written from its calls' results for the commands (the
//! ideas listed, the preferences as they now stand, the research findings cited), and by the
//! model for chat, in the agent's voice, with the conversation so far.

use ace_db::agent_runs::{CallRecord, RunRecord};
use ace_db::conversations as talk;
use ace_domain::agent_run::{Intent, Tool};
use ace_domain::ids::IdeaId;
use serde_json::{Value, json};

use super::ideas_writer::Brief;
use super::{Asked, planning};
use crate::text::{self, Ask};
use crate::{App, AppResult};

/// The messages of the conversation a chat answer sees.
const CHAT_HISTORY: i64 = 8;

/// An answer to store.
pub(crate) struct Written {
    pub content: String,
    pub data: Option<Value>,
}

/// Writes the answer to `asked` from the finished `calls`.
pub(crate) async fn compose(
    app: &App,
    run: &RunRecord,
    asked: &Asked,
    calls: &[CallRecord],
) -> AppResult<Written> {
    let result = |tool: Tool| {
        calls
            .iter()
            .rev()
            .find(|call| call.tool == tool.as_str())
            .and_then(|call| call.result.as_ref())
            .map(|result| result.0.clone())
    };
    let written = match &asked.intent {
        Intent::Remember { .. } => {
            let done = result(Tool::RememberPreferences).unwrap_or_default();
            let rules = strings(&done["preferences"]);
            Written {
                content: format!(
                    "Saved. Every future idea will follow these preferences:\n{}",
                    bullets(&rules)
                ),
                data: Some(json!({ "preferences": rules })),
            }
        }
        Intent::Forget { words } => {
            let done = result(Tool::ForgetPreference).unwrap_or_default();
            let rules = strings(&done["preferences"]);
            let content = match done["forgotten"].as_str() {
                Some(rule) => format!("Forgotten: \"{rule}\"."),
                None => format!("No saved preference matches \"{words}\"; nothing was forgotten."),
            };
            Written {
                content: format!("{content}\n{}", listing(&rules)),
                data: Some(json!({ "preferences": rules, "forgotten": done["forgotten"] })),
            }
        }
        Intent::ListPreferences => {
            let rules = strings(&result(Tool::ListPreferences).unwrap_or_default()["preferences"]);
            Written {
                content: listing(&rules),
                data: Some(json!({ "preferences": rules })),
            }
        }
        Intent::Ideas { .. } => {
            let done = result(Tool::ProposeIdeas).unwrap_or_default();
            let mut content = ideas_list(app, &done, "Here are your ideas:").await?;
            if done["grounded"] == json!(false) {
                content.push_str("\n\nThe knowledge base has no posts yet, so these rest on the agent's brief; scrape or import posts to ground them.");
            }
            let mut data = json!({ "idea_ids": done["idea_ids"] });
            if let Some(research) = result(Tool::Research) {
                data["research"] = research;
            }
            Written {
                content,
                data: Some(data),
            }
        }
        Intent::Refine { .. } => {
            let done = result(Tool::ReviseIdeas).unwrap_or_default();
            let mut content = ideas_list(app, &done, "Here is the updated set:").await?;
            let missing = strings_of_numbers(&done["missing"]);
            if !missing.is_empty() {
                content.push_str(&format!("\n\nThe latest set has no idea {}.", missing.join(" or ")));
            }
            Written {
                content,
                data: Some(json!({ "idea_ids": done["idea_ids"], "changed": done["changed"], "dropped": done["dropped"] })),
            }
        }
        Intent::Research { topic, .. } => {
            let done = result(Tool::Research).unwrap_or_default();
            Written {
                content: research_summary(topic, &done),
                data: Some(done),
            }
        }
        Intent::MakeVidsheet { .. } => match result(Tool::MakeVidsheet) {
            Some(mut made) => {
                let mut content = format!(
                    "Made vidsheet {} (\"{}\"), its row {} filled from the idea.",
                    made["spreadsheet_id"],
                    made["title"].as_str().unwrap_or_default(),
                    made["row_id"]
                );
                match result(Tool::RunRow) {
                    Some(started) => {
                        content.push_str(&format!(
                            " Its row run {} makes the video; follow it at {}.",
                            started["row_run_id"],
                            started["follow"].as_str().unwrap_or_default()
                        ));
                        made["row_run"] = started;
                    }
                    None => content.push_str(" Run the row to make the video."),
                }
                Written {
                    content,
                    data: Some(made),
                }
            }
            None => Written {
                content: "That idea is not in this conversation's latest set; name it by its number there, or by idea_id.".into(),
                data: None,
            },
        },
        Intent::Chat => chat(app, run, asked).await?,
    };
    Ok(with_tools(written, calls))
}

/// `written` with the tools its run called under `data.tools` (none: as it was).
fn with_tools(mut written: Written, calls: &[CallRecord]) -> Written {
    if calls.is_empty() {
        return written;
    }
    let tools: Vec<&str> = calls.iter().map(|call| call.tool.as_str()).collect();
    if let Some(data) = written
        .data
        .get_or_insert_with(|| json!({}))
        .as_object_mut()
    {
        data.insert("tools".into(), json!(tools));
    }
    written
}

/// The answer to a run whose model called tools once and does not read their results (the
/// embedded model): written as the command its first call amounts to would be, or, if that
/// call failed, saying why.
pub(crate) async fn from_results(
    app: &App,
    run: &RunRecord,
    asked: &Asked,
    calls: &[CallRecord],
) -> AppResult<Written> {
    let Some(first) = calls.first() else {
        return chat(app, run, asked).await;
    };
    let tools: Vec<&str> = calls.iter().map(|call| call.tool.as_str()).collect();
    let failed = first
        .result
        .as_ref()
        .and_then(|result| result.0.get("error"))
        .and_then(Value::as_str);
    if let Some(reason) = failed {
        return Ok(Written {
            content: format!("I could not do that: {reason}"),
            data: Some(json!({ "tools": tools })),
        });
    }
    let intent = planning::answered_as(first);
    if intent == Intent::Chat {
        let mut data = first
            .result
            .as_ref()
            .map_or_else(|| json!({}), |result| result.0.clone());
        let content = match (data["follow"].as_str(), data["posts"].as_array()) {
            (Some(follow), _) => format!("Started: {} Follow it at {follow}.", first.summary),
            (None, Some(posts)) => knowledge_listing(posts, &data["findings"]),
            (None, None) => format!("Done: {}", first.summary),
        };
        data["tools"] = json!(tools);
        return Ok(Written {
            content,
            data: Some(data),
        });
    }
    let asked = Asked {
        intent,
        ..asked.clone()
    };
    compose(app, run, &asked, calls).await
}

/// What a look at the knowledge base found: the posts, best first, and the findings.
fn knowledge_listing(posts: &[Value], findings: &Value) -> String {
    if posts.is_empty() {
        return "The knowledge base has no posts that match yet; scrape, monitor or import posts to fill it.".into();
    }
    let mut lines = vec!["The best posts in the knowledge base:".to_owned()];
    for post in posts {
        let text: String = post["text"]
            .as_str()
            .unwrap_or_default()
            .chars()
            .take(120)
            .collect();
        lines.push(format!(
            "- @{} on {}, {} views, {} likes: {text} ({})",
            post["author"].as_str().unwrap_or("unknown"),
            post["platform"].as_str().unwrap_or_default(),
            post["views"].as_i64().unwrap_or_default(),
            post["likes"].as_i64().unwrap_or_default(),
            post["url"].as_str().unwrap_or_default()
        ));
    }
    let findings = findings.as_array().map(Vec::as_slice).unwrap_or_default();
    if !findings.is_empty() {
        lines.push("Research findings:".into());
        lines.extend(findings.iter().map(finding_line));
    }
    lines.join("\n")
}

/// The answer of a model that called tools: its text, with the ideas of its last ideas call
/// (so a refinement can name them) and the tools it used.
pub(crate) fn from_model(text: String, calls: &[CallRecord]) -> Written {
    let ideas = calls
        .iter()
        .rev()
        .filter(|call| {
            call.tool == Tool::ProposeIdeas.as_str() || call.tool == Tool::ReviseIdeas.as_str()
        })
        .find_map(|call| {
            call.result
                .as_ref()
                .map(|result| result.0["idea_ids"].clone())
        })
        .filter(Value::is_array);
    let used: Vec<&str> = calls.iter().map(|call| call.tool.as_str()).collect();
    let data = match (ideas, used.is_empty()) {
        (None, true) => None,
        (ideas, _) => {
            let mut data = json!({ "tools": used });
            if let Some(ideas) = ideas {
                data["idea_ids"] = ideas;
            }
            Some(data)
        }
    };
    Written {
        content: text,
        data,
    }
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn strings_of_numbers(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| items.iter().map(Value::to_string).collect())
        .unwrap_or_default()
}

pub(crate) fn bullets(rules: &[String]) -> String {
    rules
        .iter()
        .map(|rule| format!("- {rule}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn listing(rules: &[String]) -> String {
    if rules.is_empty() {
        "You have no saved preferences.".into()
    } else {
        format!("Your current preferences:\n{}", bullets(rules))
    }
}

/// The ideas a result names, numbered as in their set.
async fn ideas_list(app: &App, done: &Value, heading: &str) -> AppResult<String> {
    let mut conn = app.db.conn().await?;
    let mut lines = vec![heading.to_owned()];
    for id in done["idea_ids"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_i64)
    {
        if let Some(idea) = ace_db::ideas::find(&mut conn, IdeaId::new(id)).await? {
            lines.push(format!(
                "\n{}. {} ({}, about {} s)\nHook: {}\n{}",
                idea.idea_number,
                idea.title,
                idea.video_type,
                idea.estimated_duration.unwrap_or_default(),
                idea.hook,
                idea.full_script
            ));
        }
    }
    if lines.len() == 1 {
        lines.push("No ideas are left in the set.".into());
    }
    Ok(lines.join("\n"))
}

fn research_summary(topic: &str, done: &Value) -> String {
    let findings = done["findings"].as_array().cloned().unwrap_or_default();
    let mut lines = if findings.is_empty() {
        vec![format!("No findings on \"{topic}\".")]
    } else {
        vec![format!("{} findings on \"{topic}\":", findings.len())]
    };
    lines.extend(findings.iter().take(10).map(finding_line));
    for missed in done["unanswered"].as_array().into_iter().flatten() {
        lines.push(format!(
            "{} did not answer: {}",
            missed["source"].as_str().unwrap_or_default(),
            missed["reason"].as_str().unwrap_or_default()
        ));
    }
    lines.join("\n")
}

/// A research finding as a line of an answer.
fn finding_line(finding: &Value) -> String {
    format!(
        "- {} ({}): {}",
        finding["title"].as_str().unwrap_or_default(),
        finding["source"].as_str().unwrap_or_default(),
        finding["url"].as_str().unwrap_or_default()
    )
}

/// The model's reply to a chat message, in the agent's voice.
async fn chat(app: &App, run: &RunRecord, asked: &Asked) -> AppResult<Written> {
    let brief = Brief::of(app, run.agent_id, &[]).await?;
    let history = {
        let mut conn = app.db.conn().await?;
        let all = talk::messages(&mut conn, &run.conversation_id, 1_000, 0).await?;
        let skip = all
            .len()
            .saturating_sub(usize::try_from(CHAT_HISTORY).unwrap_or(8));
        all.into_iter()
            .skip(skip)
            .filter(|message| message.run_id.as_deref() != Some(run.id.as_str()))
            .map(|message| format!("{}: {}", message.role, message.content))
            .collect::<Vec<_>>()
    };
    let prompt = format!(
        "{}\nYou help plan short videos and can propose ideas, refine them, research topics and remember preferences.\n{}\nuser: {}\nReply to the user in at most three sentences, with no emojis or hashtags.",
        brief.persona(),
        history.join("\n"),
        asked.message
    );
    let written = text::write(
        app,
        Ask {
            prompt: &prompt,
            max_tokens: 160,
            temperature: 0.6,
        },
    )
    .await?;
    Ok(Written {
        content: written.text,
        data: None,
    })
}
