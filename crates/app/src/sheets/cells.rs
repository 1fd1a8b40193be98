//! Cells: read one, write values (one or many), and choose which of a cell's jobs it shows.

use ace_db::Session;
use ace_db::sheets::cells::{self as store, CellRecord};
use ace_db::sheets::engines::SheetRecord;
use ace_db::sheets::tree::Scope;
use ace_db::user_jobs;
use ace_domain::FieldError;
use ace_domain::ids::{AgentId, CellId, SpreadsheetId, UserJobId};
use ace_domain::sheet::card;
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::columns::in_item;
use super::{EngineChange, SheetView, load, merge_attributes, not_found, open};
use crate::policy::AgentNeed;
use crate::{Actor, App, AppError, AppResult, ErrorCode};

/// The longest cell value.
pub const MAX_VALUE_CHARS: usize = 200_000;

/// Changes to one cell; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct CellEdit {
    pub id: Option<CellId>,
    /// The new value; `Some(None)` empties the cell.
    pub value: Option<Option<String>>,
    /// Deep-merged into the cell's attributes (`null` removes a key).
    pub additional_attributes: Option<Value>,
}

/// One cell with its layers and job history.
pub async fn get(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    id: CellId,
) -> AppResult<SheetView> {
    let mut conn = app.db.conn().await?;
    let sheet = open(&mut conn, actor, agent, sheet, AgentNeed::View).await?;
    let cell = find(&mut conn, &sheet, id).await?;
    load(&mut conn, sheet, Scope::Cell(cell.id)).await
}

/// Writes one cell.
pub async fn update(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    edit: &CellEdit,
) -> AppResult<SheetView> {
    let mut change = EngineChange::begin(app, actor, agent, sheet).await?;
    let cell = apply(&mut change.tx, &change.sheet, edit, change.now).await?;
    change.commit_reading(Some(Scope::Cell(cell.id))).await
}

/// Writes several cells; all or nothing. Returns the engine, to answer with the cells.
pub async fn mass_update(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    edits: &[CellEdit],
) -> AppResult<SheetView> {
    let mut change = EngineChange::begin(app, actor, agent, sheet).await?;
    for (i, edit) in edits.iter().enumerate() {
        apply(&mut change.tx, &change.sheet, edit, change.now)
            .await
            .map_err(|err| in_item(err, "cells", i))?;
    }
    change.commit_reading(None).await
}

/// Makes one of the cell's own jobs the one it shows.
pub async fn set_default_user_job(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    id: CellId,
    job: UserJobId,
) -> AppResult<SheetView> {
    let mut change = EngineChange::begin(app, actor, agent, sheet).await?;
    let cell = find(&mut change.tx, &change.sheet, id).await?;
    let record = user_jobs::find(&mut change.tx, job)
        .await?
        .filter(|j| j.agent_id == agent)
        .ok_or_else(|| {
            AppError::not_found(ErrorCode::NotFound, format!("Generation {job} not found."))
        })?;
    if record.cell_id != Some(cell.id.get()) || record.layer_id.is_some() {
        return Err(AppError::unprocessable(
            ErrorCode::ValidationError,
            format!("user_job_id {job} is not one of cell {id}'s generations."),
        ));
    }
    store::set_default_job(&mut change.tx, cell.id, job, change.now).await?;
    change.commit_reading(Some(Scope::Cell(cell.id))).await
}

async fn apply(
    db: &mut dyn Session,
    sheet: &SheetRecord,
    edit: &CellEdit,
    now: DateTime<Utc>,
) -> AppResult<CellRecord> {
    let id = edit
        .id
        .ok_or_else(|| FieldError::new("id", "is required"))?;
    let cell = find(db, sheet, id).await?;
    let value = match &edit.value {
        Some(value) => value.clone(),
        None => cell.value.clone(),
    };
    if value
        .as_deref()
        .is_some_and(|v| v.chars().count() > MAX_VALUE_CHARS)
    {
        return Err(FieldError::new(
            "value",
            format!("must be at most {MAX_VALUE_CHARS} characters"),
        )
        .into());
    }
    let attributes = match &edit.additional_attributes {
        Some(patch) => merge_attributes(&cell.additional_attributes.0, patch)?,
        None => cell.additional_attributes.0.clone(),
    };
    if let Some(card) = attributes.get("creation_card") {
        card::check(card).map_err(|err| err.within("additional_attributes.creation_card"))?;
    }
    Ok(store::update(db, cell.id, value.as_deref(), &attributes, now).await?)
}

pub(crate) async fn find(
    db: &mut dyn Session,
    sheet: &SheetRecord,
    id: CellId,
) -> AppResult<CellRecord> {
    store::find(db, sheet.id, id)
        .await?
        .ok_or_else(|| not_found("Cell", id))
}
