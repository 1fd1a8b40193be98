//! A pipeline's actions: added at a position (the end by default), read, changed and removed.
//! Each `config` is checked for its `action_type` and kept with every setting spelled out.
//! Runs going keep the actions they started with.

use ace_db::pipelines::{self as store, ActionRecord};
use ace_domain::ids::{AgentId, SpreadsheetId};
use ace_domain::pipeline::action::ActionConfig;
use serde_json::Value;

use super::{of_sheet, readable_sheet};
use crate::sheets::{not_found, open_for_change};
use crate::{Actor, App, AppError, AppResult, ErrorCode};

/// The most actions one pipeline has.
pub const MAX_ACTIONS: usize = 20;

/// What a create or an update sets; `None` keeps a field (on create, the position defaults
/// to the end and the config to the type's defaults).
#[derive(Clone, Debug, Default)]
pub struct ActionChange {
    pub action_type: Option<String>,
    pub position: Option<i64>,
    pub config: Option<Value>,
}

fn checked_config(action_type: &str, config: &Value) -> AppResult<ActionConfig> {
    ActionConfig::parse(action_type, config)
        .map_err(|err| AppError::invalid(ErrorCode::ValidationError, &err))
}

fn checked_position(position: i64) -> AppResult<i64> {
    if (0..=1_000).contains(&position) {
        Ok(position)
    } else {
        Err(AppError::unprocessable(
            ErrorCode::ValidationError,
            "position must be between 0 and 1000",
        ))
    }
}

/// Adds an action to the pipeline.
pub async fn create(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    pipeline: i64,
    change: ActionChange,
) -> AppResult<ActionRecord> {
    let action_type = change
        .action_type
        .as_deref()
        .map(str::trim)
        .ok_or_else(|| {
            AppError::unprocessable(
                ErrorCode::ValidationError,
                "action_type is required (ideas, run_rows or publish)",
            )
        })?;
    let config = checked_config(action_type, change.config.as_ref().unwrap_or(&Value::Null))?;
    let now = app.clock.now();
    let mut tx = app.db.begin().await?;
    open_for_change(&mut tx, actor, agent, sheet).await?;
    of_sheet(&mut tx, sheet, pipeline).await?;
    store::lock(&mut tx, pipeline).await?;
    let existing = store::actions(&mut tx, pipeline).await?;
    if existing.len() >= MAX_ACTIONS {
        return Err(AppError::unprocessable(
            ErrorCode::ValidationError,
            format!("A pipeline has at most {MAX_ACTIONS} actions."),
        ));
    }
    let position = match change.position {
        Some(position) => checked_position(position)?,
        None => existing.last().map_or(1, |last| last.position + 1),
    };
    let record = store::insert_action(
        &mut tx,
        pipeline,
        config.action_type(),
        position,
        &config.to_value(),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(record)
}

/// One of the pipeline's actions.
pub async fn get(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    pipeline: i64,
    id: i64,
) -> AppResult<ActionRecord> {
    let mut conn = app.db.conn().await?;
    readable_sheet(&mut conn, actor, agent, sheet).await?;
    of_sheet(&mut conn, sheet, pipeline).await?;
    of_pipeline(&mut conn, pipeline, id).await
}

/// Changes an action's position or config (its type stays: add another action instead).
pub async fn update(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    pipeline: i64,
    id: i64,
    change: ActionChange,
) -> AppResult<ActionRecord> {
    let now = app.clock.now();
    let mut tx = app.db.begin().await?;
    open_for_change(&mut tx, actor, agent, sheet).await?;
    of_sheet(&mut tx, sheet, pipeline).await?;
    store::lock(&mut tx, pipeline).await?;
    let current = of_pipeline(&mut tx, pipeline, id).await?;
    if let Some(kind) = &change.action_type
        && kind.trim() != current.action_type
    {
        return Err(AppError::unprocessable(
            ErrorCode::ValidationError,
            format!(
                "action_type stays {}; delete this action and add a {} one instead.",
                current.action_type,
                kind.trim()
            ),
        ));
    }
    let config = checked_config(
        &current.action_type,
        change.config.as_ref().unwrap_or(&current.config.0),
    )?;
    let position = match change.position {
        Some(position) => checked_position(position)?,
        None => current.position,
    };
    let record = store::update_action(&mut tx, id, position, &config.to_value(), now).await?;
    tx.commit().await?;
    Ok(record)
}

/// Removes an action.
pub async fn delete(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    pipeline: i64,
    id: i64,
) -> AppResult<()> {
    let mut tx = app.db.begin().await?;
    open_for_change(&mut tx, actor, agent, sheet).await?;
    of_sheet(&mut tx, sheet, pipeline).await?;
    of_pipeline(&mut tx, pipeline, id).await?;
    store::delete_action(&mut tx, id).await?;
    tx.commit().await?;
    Ok(())
}

async fn of_pipeline(
    db: &mut dyn ace_db::Session,
    pipeline: i64,
    id: i64,
) -> AppResult<ActionRecord> {
    store::actions(db, pipeline)
        .await?
        .into_iter()
        .find(|action| action.id == id)
        .ok_or_else(|| not_found("Pipeline action", id))
}
