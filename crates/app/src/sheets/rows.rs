//! Rows: one video each. A new row gets a cell for every column (carrying the column's
//! creation card); a duplicate copies the cells' values and cards and the layer stacks.

use ace_db::Session;
use ace_db::sheets::cells;
use ace_db::sheets::columns;
use ace_db::sheets::copy;
use ace_db::sheets::engines::SheetRecord;
use ace_db::sheets::positions::{self, List};
use ace_db::sheets::rows::{self as store, RowRecord};
use ace_db::sheets::tree::Scope;
use ace_domain::FieldError;
use ace_domain::ids::{AgentId, RowId, SpreadsheetId};
use ace_domain::sheet::position;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::columns::{cell_attributes, in_item};
use super::engines::touch;
use super::{
    EngineChange, SheetView, load, load_engine, merge_attributes, not_found, open, reorder,
};
use crate::policy::AgentNeed;
use crate::{Actor, App, AppResult};

/// Changes to one row.
#[derive(Clone, Debug, Default)]
pub struct RowEdit {
    pub id: Option<RowId>,
    pub position: Option<i64>,
    /// Deep-merged into the row's attributes (`null` removes a key).
    pub additional_attributes: Option<Value>,
}

/// The engine with all its rows (and their cells).
pub async fn list(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
) -> AppResult<SheetView> {
    let mut conn = app.db.conn().await?;
    let sheet = open(&mut conn, actor, agent, sheet, AgentNeed::View).await?;
    load_engine(&mut conn, sheet).await
}

/// One row with its cells.
pub async fn get(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    id: RowId,
) -> AppResult<SheetView> {
    let mut conn = app.db.conn().await?;
    let sheet = open(&mut conn, actor, agent, sheet, AgentNeed::View).await?;
    let row = find(&mut conn, &sheet, id).await?;
    load(&mut conn, sheet, Scope::Row(row.id)).await
}

/// Adds a row at `position` (the end if omitted) with a cell for every column.
pub async fn create(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    requested: Option<i64>,
) -> AppResult<SheetView> {
    let mut change = EngineChange::begin(app, actor, agent, sheet).await?;
    let row = insert_row(
        &mut change.tx,
        &change.sheet,
        requested,
        &json!({}),
        change.now,
    )
    .await?;
    change.commit_reading(Some(Scope::Row(row))).await
}

/// Copies a row right after itself: cell values, creation cards and layers.
pub async fn duplicate(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    id: RowId,
) -> AppResult<SheetView> {
    let mut change = EngineChange::begin(app, actor, agent, sheet).await?;
    let original = find(&mut change.tx, &change.sheet, id).await?;
    let position = original.position + 1;
    positions::make_room(&mut change.tx, List::Rows(change.sheet.id), position).await?;
    let row = store::insert(
        &mut change.tx,
        change.sheet.id,
        position,
        &original.additional_attributes.0,
        change.now,
    )
    .await?;
    copy::row(&mut change.tx, original.id, row.id, change.now).await?;
    change.commit_reading(Some(Scope::Row(row.id))).await
}

/// Deletes a row with its cells and layers.
pub async fn delete(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    id: RowId,
) -> AppResult<()> {
    let mut change = EngineChange::begin(app, actor, agent, sheet).await?;
    let row = find(&mut change.tx, &change.sheet, id).await?;
    ace_db::sheets::rows::delete(&mut change.tx, row.id).await?;
    positions::close_gap(&mut change.tx, List::Rows(change.sheet.id), row.position).await?;
    change.commit().await?;
    Ok(())
}

/// Reorders rows by `{id, position}` pairs; returns the engine with every row.
pub async fn update_positions(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    moves: &[(RowId, i64)],
) -> AppResult<SheetView> {
    let mut change = EngineChange::begin(app, actor, agent, sheet).await?;
    let moves: Vec<(i64, i64)> = moves.iter().map(|(id, p)| (id.get(), *p)).collect();
    reorder(&mut change.tx, List::Rows(change.sheet.id), "rows", &moves).await?;
    change.commit_reading(None).await
}

/// Changes several rows at once (attributes and positions); all or nothing.
pub async fn mass_update(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    edits: &[RowEdit],
) -> AppResult<SheetView> {
    let mut change = EngineChange::begin(app, actor, agent, sheet).await?;
    let mut moves = Vec::new();
    for (i, edit) in edits.iter().enumerate() {
        let row = edit_row(&mut change.tx, &change.sheet, edit, change.now)
            .await
            .map_err(|err| in_item(err, "rows", i))?;
        if let Some(position) = edit.position {
            moves.push((row.id.get(), position));
        }
    }
    reorder(&mut change.tx, List::Rows(change.sheet.id), "rows", &moves).await?;
    change.commit_reading(None).await
}

/// Inserts a row at `requested` with a cell per column; returns its id.
pub(crate) async fn insert_row(
    db: &mut dyn Session,
    sheet: &SheetRecord,
    requested: Option<i64>,
    attributes: &Value,
    now: DateTime<Utc>,
) -> AppResult<RowId> {
    let list = List::Rows(sheet.id);
    let position = position::insertion_point(positions::ids(db, list).await?.len(), requested);
    positions::make_room(db, list, position).await?;
    let row = store::insert(db, sheet.id, position, attributes, now).await?;
    for column in columns::list(db, sheet.id).await? {
        let attributes = cell_attributes(&column.additional_attributes.0);
        cells::insert(db, row.id, column.id, sheet.id, None, &attributes, now).await?;
    }
    touch(db, sheet.id, now).await?;
    Ok(row.id)
}

async fn edit_row(
    db: &mut dyn Session,
    sheet: &SheetRecord,
    edit: &RowEdit,
    now: DateTime<Utc>,
) -> AppResult<RowRecord> {
    let id = edit
        .id
        .ok_or_else(|| FieldError::new("id", "is required"))?;
    let row = find(db, sheet, id).await?;
    if let Some(patch) = &edit.additional_attributes {
        let attributes = merge_attributes(&row.additional_attributes.0, patch)?;
        store::set_attributes(db, row.id, &attributes, now).await?;
    }
    Ok(row)
}

async fn find(db: &mut dyn Session, sheet: &SheetRecord, id: RowId) -> AppResult<RowRecord> {
    store::find(db, sheet.id, id)
        .await?
        .ok_or_else(|| not_found("Row", id))
}
