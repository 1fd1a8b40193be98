//! The agent's tools, executed for a run's stored calls. Each call's result is stored under
//! its call id once the tool finishes, in the transaction of the tool's own writes where it
//! has any (new or revised ideas), so a run that resumes never repeats a finished call. The
//! tools act on behalf of the run's starter, with the access they had when it started.

use std::collections::BTreeSet;

use ace_db::agent_runs::{self as store, CallRecord, RunRecord};
use ace_db::ideas as idea_store;
use ace_db::sheets::{cells as cell_store, columns as column_store};
use ace_domain::agent_run::{Depth, Edit, Tool};
use ace_domain::ideas::preferences::candidates;
use ace_domain::ideas::{IdeaStatus, VideoType};
use ace_domain::ids::{IdeaId, RowId, SpreadsheetId};
use ace_domain::knowledge::query::{PostQuery, Ranking};
use ace_sources::research::Topic;
use serde_json::{Value, json};

use super::answer::bullets;
use super::ideas_writer::{self, Brief};
use super::latest_ideas;
use crate::generations::trigger::{Target, Trigger, trigger};
use crate::ideas::{preferences, vidsheet};
use crate::knowledge::ask;
use crate::knowledge::research::research;
use crate::row_runs::{self, RunOptions};
use crate::text::{self, Ask};
use crate::{Actor, App, AppError, AppResult, ErrorCode};

/// Runs `call` of `run` and stores its result.
pub(crate) async fn execute(app: &App, run: &RunRecord, call: &CallRecord) -> AppResult<Value> {
    let tool: Tool = call.tool.parse().map_err(|_| {
        AppError::unprocessable(
            ErrorCode::ValidationError,
            format!("There is no tool named {}.", call.tool),
        )
    })?;
    let arguments = &call.arguments.0;
    let result = match tool {
        Tool::QueryKnowledge => query_knowledge(app, run, arguments).await?,
        Tool::ProposeIdeas => return propose(app, run, call).await,
        Tool::ReviseIdeas => return revise(app, run, call).await,
        Tool::RememberPreferences => {
            let rules = grounded(run, strings(arguments.get("rules")))?;
            let after = preferences::remember(app, run.agent_id, &rules).await?;
            json!({ "remembered": rules, "preferences": after })
        }
        Tool::ForgetPreference => {
            let words = arguments
                .get("words")
                .and_then(Value::as_str)
                .unwrap_or_default();
            forget(app, run, words).await?
        }
        Tool::ListPreferences => {
            json!({ "preferences": preferences::list(app, run.agent_id).await? })
        }
        Tool::Research => research_topic(app, run, arguments).await?,
        Tool::MakeVidsheet => make_vidsheet(app, run, arguments).await?,
        Tool::RunRow => run_row(app, run, arguments).await?,
        Tool::Generate => generate(app, run, call).await?,
    };
    let mut tx = app.db.begin().await?;
    store::finish_call(&mut tx, &run.id, &call.call_id, &result, app.clock.now()).await?;
    tx.commit().await?;
    Ok(result)
}

/// The agent's posts the arguments ask for (words, platform, window, ranking, limit), best
/// first, and the research findings with the same words.
async fn query_knowledge(app: &App, run: &RunRecord, arguments: &Value) -> AppResult<Value> {
    let text = |key: &str| {
        arguments
            .get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|value| !value.is_empty())
    };
    let query = PostQuery {
        words: text("words").map(str::to_owned),
        platform: text("platform").and_then(|name| name.parse().ok()),
        days: arguments
            .get("days")
            .and_then(Value::as_u64)
            .and_then(|days| u32::try_from(days).ok()),
        ranking: text("ranking")
            .and_then(|name| name.parse().ok())
            .unwrap_or(Ranking::Engagement),
        limit: arguments
            .get("limit")
            .and_then(Value::as_u64)
            .map_or(5, |limit| limit.clamp(1, 20) as u32),
        ..PostQuery::default()
    };
    let actor = Actor::on_behalf_of(run.user_id);
    let posts = ask::posts(app, &actor, run.agent_id, &query).await?;
    let findings = ask::findings(app, &actor, run.agent_id, text("words").unwrap_or(""), 5).await?;
    let posts: Vec<Value> = posts
        .iter()
        .map(|post| {
            json!({
                "platform": post.platform, "url": post.url, "author": post.author,
                "text": post.body, "views": post.views, "likes": post.likes,
                "engagement": post.engagement,
            })
        })
        .collect();
    let findings: Vec<Value> = findings
        .iter()
        .map(|finding| json!({"title": finding.title, "source": finding.source, "url": finding.url, "excerpt": finding.excerpt}))
        .collect();
    Ok(json!({ "ranking": query.ranking, "posts": posts, "findings": findings }))
}

/// Makes the idea the arguments name (by `idea_id`, or by its number in the conversation's
/// latest set, `idea`) a vidsheet row: a new one of `sheet_id`, or of a copy of its template.
async fn make_vidsheet(app: &App, run: &RunRecord, arguments: &Value) -> AppResult<Value> {
    let number = |key: &str| arguments.get(key).and_then(Value::as_i64);
    let idea = match (number("idea_id"), number("idea")) {
        (Some(id), _) => Some(id),
        (None, Some(nth)) => {
            let mut conn = app.db.conn().await?;
            latest_ideas(&mut conn, &run.conversation_id)
                .await?
                .into_iter()
                .find(|idea| i64::from(idea.idea_number) == nth)
                .map(|idea| idea.id.get())
        }
        (None, None) => None,
    };
    let Some(idea) = idea else {
        return Err(AppError::unprocessable(
            ErrorCode::ValidationError,
            "make_vidsheet needs an idea of this conversation's latest set: its number (idea) or its idea_id.",
        ));
    };
    let sheet = number("sheet_id").map(SpreadsheetId::new);
    let actor = Actor::on_behalf_of(run.user_id);
    let (made, row) = vidsheet::make(app, &actor, IdeaId::new(idea), sheet).await?;
    Ok(json!({
        "spreadsheet_id": made.sheet.id.get(),
        "row_id": row.get(),
        "title": made.sheet.title,
        "idea_id": idea,
    }))
}

/// Starts a generation of the cell in the named column of a vidsheet row, as the column's
/// creation card says, charged as any generation. Its idempotency key is the call's, so a
/// run resumed after a restart finds the generation it started rather than starting another.
async fn generate(app: &App, run: &RunRecord, call: &CallRecord) -> AppResult<Value> {
    let arguments = &call.arguments.0;
    let id = |key: &str| arguments.get(key).and_then(Value::as_i64);
    let column = arguments
        .get("column")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let (Some(sheet), Some(row)) = (id("sheet_id"), id("row_id")) else {
        return Err(AppError::unprocessable(
            ErrorCode::ValidationError,
            "generate needs the sheet_id and row_id of the row, and the column to fill.",
        ));
    };
    let sheet = SpreadsheetId::new(sheet);
    let cell = {
        let mut conn = app.db.conn().await?;
        let found = column_store::list(&mut conn, sheet)
            .await?
            .into_iter()
            .find(|known| known.title.eq_ignore_ascii_case(column.trim()));
        match found {
            Some(known) => cell_store::find_in_row(&mut conn, row, known.id.get()).await?,
            None => None,
        }
    };
    let Some(cell) = cell else {
        return Err(AppError::unprocessable(
            ErrorCode::ValidationError,
            format!("Row {row} of vidsheet {sheet} has no column named \"{column}\"."),
        ));
    };
    let asked = Trigger {
        generation_type: None,
        data: json!({}),
        idempotency_key: Some(format!("agent-run:{}:{}", run.id, call.call_id)),
        row_run: None,
    };
    let actor = Actor::on_behalf_of(run.user_id);
    let started = trigger(
        app,
        &actor,
        run.agent_id,
        sheet,
        Target::Cell(cell.id),
        asked,
    )
    .await?;
    Ok(json!({
        "generation_id": started.generation_id,
        "status": started.status,
        "spreadsheet_id": sheet.get(),
        "row_id": row,
        "column": column,
        "follow": format!("/v1/generations/{}", started.generation_id),
    }))
}

/// Starts a row run of the vidsheet row the arguments name (or the one an earlier call of
/// this run made, with `from_call`): its generations, then its render, charged as they go.
async fn run_row(app: &App, run: &RunRecord, arguments: &Value) -> AppResult<Value> {
    let mut place = arguments.clone();
    if let Some(earlier) = arguments.get("from_call").and_then(Value::as_str) {
        let mut conn = app.db.conn().await?;
        place = store::calls(&mut conn, &run.id)
            .await?
            .into_iter()
            .find(|call| call.call_id == earlier)
            .and_then(|call| call.result.map(|result| result.0))
            .unwrap_or_default();
    }
    let id = |key: &str| place.get(key).and_then(Value::as_i64);
    let (Some(sheet), Some(row)) = (id("spreadsheet_id").or(id("sheet_id")), id("row_id")) else {
        return Err(AppError::unprocessable(
            ErrorCode::ValidationError,
            "run_row needs the sheet_id and row_id of the row to run.",
        ));
    };
    let actor = Actor::on_behalf_of(run.user_id);
    let options = RunOptions {
        force: arguments
            .get("force")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    };
    let started = row_runs::start(
        app,
        &actor,
        run.agent_id,
        SpreadsheetId::new(sheet),
        RowId::new(row),
        options,
    )
    .await?;
    Ok(json!({
        "row_run_id": started.id,
        "spreadsheet_id": sheet,
        "row_id": row,
        "status": started.status,
        "follow": format!("/v1/autocontentengine/{sheet}/rows/{row}/runs/{}?agent_id={}", started.id, run.agent_id),
    }))
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The rules to save. A model's (a chat message's) only where they share a word with the
/// message: a preference is the user's, so a model that calls this tool on a question ("what
/// do I prefer?") saves nothing. A rule's are the user's own words.
fn grounded(run: &RunRecord, rules: Vec<String>) -> AppResult<Vec<String>> {
    let asked = super::Asked::of(run)?;
    if asked.intent != ace_domain::agent_run::Intent::Chat {
        return Ok(rules);
    }
    let message = asked.message;
    let shared: Vec<String> = rules
        .iter()
        .filter(|rule| !candidates(std::slice::from_ref(*rule), &message).is_empty())
        .cloned()
        .collect();
    if shared.is_empty() {
        return Err(AppError::unprocessable(
            ErrorCode::ValidationError,
            "Your message states no preference to save; say it as \"remember: …\".",
        ));
    }
    Ok(shared)
}

/// Forgets the preference `words` mean: the one rule sharing most of its words, or the one
/// the model picks when several tie.
async fn forget(app: &App, run: &RunRecord, words: &str) -> AppResult<Value> {
    let rules = preferences::list(app, run.agent_id).await?;
    let matching: Vec<String> = candidates(&rules, words).into_iter().cloned().collect();
    let chosen = match matching.as_slice() {
        [] => None,
        [only] => Some(only.clone()),
        several => Some(pick(app, words, several).await?),
    };
    let after = match &chosen {
        Some(rule) => preferences::forget(app, run.agent_id, rule).await?,
        None => rules,
    };
    Ok(json!({ "forgotten": chosen, "asked": words, "preferences": after }))
}

/// The rule of `several` the model says `words` mean: answered in JSON naming one of them
/// where the model can (held to the list while decoding), else as a number; the first when
/// its answer names none.
async fn pick(app: &App, words: &str, several: &[String]) -> AppResult<String> {
    let model = app.generator(ace_domain::sheet::card::GenerationType::Text, None);
    if let Some(chat) = model.tool_chat() {
        let prompt = format!(
            "Saved preferences:\n{}\nThe user asked to forget: {words}\nWhich preference do they mean?",
            bullets(several)
        );
        let schema = json!({
            "type": "object",
            "properties": {"preference": {"type": "string", "enum": several}},
            "required": ["preference"],
            "additionalProperties": false,
        });
        match chat.answer_json(&prompt, &schema).await {
            Ok(answer) => {
                if let Some(rule) = several.iter().find(|rule| answer["preference"] == **rule) {
                    return Ok(rule.clone());
                }
            }
            Err(err) => {
                tracing::debug!(error = %err, "no pick in JSON; asking for a number instead");
            }
        }
    }
    let listed: Vec<String> = several
        .iter()
        .enumerate()
        .map(|(at, rule)| format!("{}. {rule}", at + 1))
        .collect();
    let prompt = format!(
        "Saved preferences:\n{}\nThe user asked to forget: {words}\nWhich preference do they mean? Return only the number, in one word.",
        listed.join("\n")
    );
    let answer = text::write(
        app,
        Ask {
            prompt: &prompt,
            max_tokens: 4,
            temperature: 0.0,
        },
    )
    .await?;
    let number: Option<usize> = answer
        .text
        .split(|c: char| !c.is_ascii_digit())
        .find_map(|digits| digits.parse().ok());
    Ok(number
        .and_then(|n| n.checked_sub(1))
        .and_then(|at| several.get(at))
        .unwrap_or(&several[0])
        .clone())
}

/// Researches a topic at a depth: each round asks every research source, and a deep run's
/// second round searches again with the words its first findings share most.
async fn research_topic(app: &App, run: &RunRecord, arguments: &Value) -> AppResult<Value> {
    let depth: Depth = arguments
        .get("depth")
        .and_then(Value::as_str)
        .and_then(|depth| depth.parse().ok())
        .unwrap_or(Depth::Default);
    let mut topic = arguments
        .get("topic")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    if topic.is_empty() {
        topic = Brief::of(app, run.agent_id, &[]).await?.topic();
    }
    let actor = Actor::on_behalf_of(run.user_id);
    let mut findings = Vec::new();
    let mut unanswered = Vec::new();
    let mut words = topic.clone();
    for round in 0..depth.rounds() {
        let asked = Topic::new(words.clone(), depth.days(), depth.findings_per_source());
        let found = research(app, &actor, run.agent_id, &asked).await?;
        for kept in found.findings {
            if findings
                .iter()
                .all(|known: &Value| known["url"] != json!(kept.finding.url))
            {
                findings.push(json!({
                    "source": kept.finding.source,
                    "url": kept.finding.url,
                    "title": kept.finding.title,
                    "excerpt": kept.finding.excerpt,
                    "round": round + 1,
                }));
            }
        }
        unanswered.extend(
            found
                .unanswered
                .into_iter()
                .map(|missed| json!({ "source": missed.source, "reason": missed.reason })),
        );
        match shared_word(&findings, &topic) {
            Some(word) => words = format!("{topic} {word}"),
            None => break,
        }
    }
    Ok(json!({
        "topic": topic,
        "depth": depth,
        "sources_asked": app.sources.research().len(),
        "findings": findings,
        "unanswered": unanswered,
    }))
}

/// The longest word the findings' titles share most, not already in the topic.
fn shared_word(findings: &[Value], topic: &str) -> Option<String> {
    let topic = topic.to_lowercase();
    let mut counts: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for finding in findings {
        let title = finding["title"].as_str().unwrap_or_default().to_lowercase();
        let words: BTreeSet<&str> = title
            .split(|c: char| !c.is_alphanumeric())
            .filter(|word| word.len() > 4 && !topic.contains(word))
            .collect();
        for word in words {
            *counts.entry(word.to_owned()).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .filter(|(_, count)| *count > 1)
        .max_by_key(|(word, count)| (*count, word.len()))
        .map(|(word, _)| word)
}

/// Writes the new ideas, then stores them and the call's result together.
async fn propose(app: &App, run: &RunRecord, call: &CallRecord) -> AppResult<Value> {
    let arguments = &call.arguments.0;
    let count = arguments
        .get("count")
        .and_then(Value::as_u64)
        .and_then(|count| u32::try_from(count).ok())
        .unwrap_or(5)
        .clamp(1, ace_domain::agent_run::intent::MAX_IDEAS);
    let requirements = strings(arguments.get("requirements"));
    let video_type: Option<VideoType> = arguments
        .get("video_type")
        .and_then(Value::as_str)
        .and_then(|kind| kind.parse().ok());
    let brief = Brief::of(app, run.agent_id, &requirements).await?;
    let sources = ideas_writer::sources(app, run.agent_id, &brief, count).await?;
    let mut written = Vec::new();
    let mut titles = Vec::new();
    for number in 1..=count {
        let source = (!sources.is_empty()).then(|| &sources[(number as usize - 1) % sources.len()]);
        let idea = ideas_writer::write(app, &brief, number, video_type, source, &titles).await?;
        titles.push(idea.title.clone());
        written.push(idea);
    }
    let now = app.clock.now();
    let mut tx = app.db.begin().await?;
    let mut ids = Vec::new();
    for (at, idea) in written.iter().enumerate() {
        let number = u32::try_from(at + 1).unwrap_or(u32::MAX);
        ids.push(
            idea_store::insert(&mut tx, run.agent_id, number, idea, now)
                .await?
                .id
                .get(),
        );
    }
    let result = json!({
        "idea_ids": ids,
        "count": ids.len(),
        "grounded": !sources.is_empty(),
    });
    store::finish_call(&mut tx, &run.id, &call.call_id, &result, now).await?;
    tx.commit().await?;
    Ok(result)
}

/// Applies the edits to the conversation's latest set: rewritten and retyped ideas keep
/// their ids and numbers; dropped ones are set to `rejected` and leave the set.
async fn revise(app: &App, run: &RunRecord, call: &CallRecord) -> AppResult<Value> {
    let edits: Vec<Edit> =
        serde_json::from_value(call.arguments.0.get("edits").cloned().unwrap_or_default())
            .map_err(|err| {
                AppError::unprocessable(
                    ErrorCode::ValidationError,
                    format!("revise_ideas needs edits: {err}"),
                )
            })?;
    let latest = {
        let mut conn = app.db.conn().await?;
        latest_ideas(&mut conn, &run.conversation_id).await?
    };
    if latest.is_empty() {
        return Err(AppError::unprocessable(
            ErrorCode::ValidationError,
            "This conversation has no ideas to refine yet; ask for ideas first.",
        ));
    }
    let brief = Brief::of(app, run.agent_id, &[]).await?;
    let numbers: Vec<u32> = latest
        .iter()
        .map(|idea| u32::try_from(idea.idea_number).unwrap_or(0))
        .collect();
    let named = |ideas: &[u32]| -> Vec<u32> {
        if ideas.is_empty() {
            numbers.clone()
        } else {
            ideas.to_vec()
        }
    };
    let mut contents: Vec<_> = latest.iter().map(|idea| idea.content()).collect();
    let mut dropped = BTreeSet::new();
    let mut changed = BTreeSet::new();
    let mut missing = BTreeSet::new();
    for edit in &edits {
        let (ideas, action) = match edit {
            Edit::Drop { ideas } => (named(ideas), None),
            Edit::KeepOnly { ideas } => {
                let keep = named(ideas);
                dropped.extend(numbers.iter().filter(|number| !keep.contains(number)));
                missing.extend(keep.iter().filter(|number| !numbers.contains(number)));
                continue;
            }
            Edit::Retype { ideas, .. } | Edit::Rewrite { ideas, .. } => (named(ideas), Some(edit)),
        };
        for number in ideas {
            let Some(at) = numbers.iter().position(|known| *known == number) else {
                missing.insert(number);
                continue;
            };
            match action {
                None => {
                    dropped.insert(number);
                }
                Some(Edit::Retype { video_type, .. }) => {
                    contents[at] = ideas_writer::retyped(&brief, &contents[at], *video_type);
                    changed.insert(number);
                }
                Some(Edit::Rewrite { instruction, .. }) => {
                    contents[at] =
                        ideas_writer::rewrite(app, &brief, &contents[at], instruction).await?;
                    changed.insert(number);
                }
                Some(_) => {}
            }
        }
    }
    let now = app.clock.now();
    let mut tx = app.db.begin().await?;
    let mut kept = Vec::new();
    for ((idea, content), number) in latest.iter().zip(&contents).zip(&numbers) {
        if dropped.contains(number) {
            idea_store::change_status(&mut tx, idea.id, idea.status, IdeaStatus::Rejected, now)
                .await?;
            continue;
        }
        if changed.contains(number) {
            idea_store::update_content(&mut tx, idea.id, content, now).await?;
        }
        kept.push(idea.id.get());
    }
    let result = json!({
        "idea_ids": kept,
        "changed": changed,
        "dropped": dropped,
        "missing": missing,
    });
    store::finish_call(&mut tx, &run.id, &call.call_id, &result, now).await?;
    tx.commit().await?;
    Ok(result)
}
