//! Columns: list, create, update, delete, duplicate and reorder. Only ingredient columns are
//! the user's; the engine's own columns (video, final video, stats) refuse every change. A
//! new column gets a cell in every row; a deleted one takes its cells along.

use ace_db::Session;
use ace_db::sheets::columns::{self as store, ColumnChange, ColumnRecord, NewColumn};
use ace_db::sheets::engines::SheetRecord;
use ace_db::sheets::positions::{self, List};
use ace_domain::FieldError;
use ace_domain::ids::{AgentId, ColumnId, SpreadsheetId};
use ace_domain::sheet::column::{self, ColumnKind, ColumnRole};
use ace_domain::sheet::{card, position};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::assembled::Column;
use super::{EngineChange, not_found, open, reorder};
use crate::policy::AgentNeed;
use crate::{Actor, App, AppError, AppResult, ErrorCode};

/// A column to add.
#[derive(Clone, Debug, Default)]
pub struct ColumnInput {
    pub title: Option<String>,
    pub kind: Option<String>,
    pub position: Option<i64>,
    pub description: Option<String>,
    /// The creation card its cells are generated with (ace keeps it in
    /// `additional_attributes.creation_card`).
    pub additional_attributes: Option<Value>,
}

/// Changes to one column; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct ColumnEdit {
    pub id: Option<ColumnId>,
    pub title: Option<String>,
    pub kind: Option<String>,
    pub position: Option<i64>,
    pub description: Option<Option<String>>,
    pub temp_title: Option<Option<String>>,
    pub additional_attributes: Option<Value>,
}

/// The engine's columns in order.
pub async fn list(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
) -> AppResult<Vec<Column>> {
    let mut conn = app.db.conn().await?;
    let sheet = open(&mut conn, actor, agent, sheet, AgentNeed::View).await?;
    let columns = store::list(&mut conn, sheet.id).await?;
    Ok(columns.into_iter().map(Column::from).collect())
}

/// Adds an ingredient column (before the engine's own columns unless a position is given)
/// with an empty cell in every row.
pub async fn create(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    input: &ColumnInput,
) -> AppResult<Column> {
    let title = column::title("title", input.title.as_deref().unwrap_or_default())?;
    let kind = ColumnKind::for_ingredient(
        input
            .kind
            .as_deref()
            .ok_or_else(|| FieldError::new("type", "is required"))?,
    )?;
    let description = column::description(input.description.as_deref())?;
    let attributes = attributes(input.additional_attributes.clone())?;
    let mut change = EngineChange::begin(app, actor, agent, sheet).await?;
    let existing = store::list(&mut change.tx, change.sheet.id).await?;
    let position = match input.position {
        Some(_) => position::insertion_point(existing.len(), input.position),
        None => first_system_position(&existing),
    };
    positions::make_room(&mut change.tx, List::Columns(change.sheet.id), position).await?;
    let created = store::insert(
        &mut change.tx,
        &NewColumn {
            spreadsheet_id: change.sheet.id,
            title: &title,
            kind,
            role: ColumnRole::Ingredient,
            description: description.as_deref(),
            position,
            additional_attributes: &attributes,
        },
        change.now,
    )
    .await?;
    store::add_cells(
        &mut change.tx,
        &created,
        &cell_attributes(&attributes),
        change.now,
    )
    .await?;
    change.commit().await?;
    Ok(created.into())
}

/// Changes one ingredient column.
pub async fn update(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    edit: &ColumnEdit,
) -> AppResult<Column> {
    let mut change = EngineChange::begin(app, actor, agent, sheet).await?;
    let updated = apply_edit(&mut change.tx, &change.sheet, edit, change.now).await?;
    let updated = match edit.position {
        Some(position) => {
            reorder(
                &mut change.tx,
                List::Columns(change.sheet.id),
                "columns",
                &[(updated.id.get(), position)],
            )
            .await?;
            store::find(&mut change.tx, change.sheet.id, updated.id)
                .await?
                .ok_or_else(|| not_found("Column", updated.id))?
        }
        None => updated,
    };
    change.commit().await?;
    Ok(updated.into())
}

/// Changes several ingredient columns at once; all or nothing. Returns every column.
pub async fn mass_update(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    edits: &[ColumnEdit],
) -> AppResult<Vec<Column>> {
    let mut change = EngineChange::begin(app, actor, agent, sheet).await?;
    let mut moves = Vec::new();
    for (i, edit) in edits.iter().enumerate() {
        let updated = apply_edit(&mut change.tx, &change.sheet, edit, change.now)
            .await
            .map_err(|err| in_item(err, "columns", i))?;
        if let Some(position) = edit.position {
            moves.push((updated.id.get(), position));
        }
    }
    moved(change, &moves).await
}

/// Deletes an ingredient column and its cells.
pub async fn delete(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    id: ColumnId,
) -> AppResult<()> {
    let mut change = EngineChange::begin(app, actor, agent, sheet).await?;
    let column = ingredient(&mut change.tx, &change.sheet, id).await?;
    store::delete(&mut change.tx, column.id).await?;
    positions::close_gap(
        &mut change.tx,
        List::Columns(change.sheet.id),
        column.position,
    )
    .await?;
    change.commit().await?;
    Ok(())
}

/// Copies an ingredient column with its cells, right after it.
pub async fn duplicate(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    id: ColumnId,
) -> AppResult<Column> {
    let mut change = EngineChange::begin(app, actor, agent, sheet).await?;
    let original = ingredient(&mut change.tx, &change.sheet, id).await?;
    let position = original.position + 1;
    positions::make_room(&mut change.tx, List::Columns(change.sheet.id), position).await?;
    let title = copy_title(&original.title);
    let copy = store::insert(
        &mut change.tx,
        &NewColumn {
            spreadsheet_id: change.sheet.id,
            title: &title,
            kind: original.kind,
            role: original.column_role,
            description: original.description.as_deref(),
            position,
            additional_attributes: &original.additional_attributes.0,
        },
        change.now,
    )
    .await?;
    store::copy_cells(&mut change.tx, original.id, copy.id, change.now).await?;
    change.commit().await?;
    Ok(copy.into())
}

/// Reorders columns by `{id, position}` pairs; returns every column.
pub async fn update_positions(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    moves: &[(ColumnId, i64)],
) -> AppResult<Vec<Column>> {
    let change = EngineChange::begin(app, actor, agent, sheet).await?;
    let moves: Vec<(i64, i64)> = moves.iter().map(|(id, p)| (id.get(), *p)).collect();
    moved(change, &moves).await
}

/// Moves columns as asked (`(id, position)` pairs), commits, and returns every column.
async fn moved(mut change: EngineChange, moves: &[(i64, i64)]) -> AppResult<Vec<Column>> {
    reorder(
        &mut change.tx,
        List::Columns(change.sheet.id),
        "columns",
        moves,
    )
    .await?;
    let columns = store::list(&mut change.tx, change.sheet.id).await?;
    change.commit().await?;
    Ok(columns.into_iter().map(Column::from).collect())
}

async fn apply_edit(
    db: &mut dyn Session,
    sheet: &SheetRecord,
    edit: &ColumnEdit,
    now: DateTime<Utc>,
) -> AppResult<ColumnRecord> {
    let id = edit
        .id
        .ok_or_else(|| FieldError::new("id", "is required"))?;
    let column = ingredient(db, sheet, id).await?;
    let change = ColumnChange {
        title: edit
            .title
            .as_deref()
            .map(|t| column::title("title", t))
            .transpose()?,
        temp_title: edit.temp_title.clone(),
        kind: edit
            .kind
            .as_deref()
            .map(ColumnKind::for_ingredient)
            .transpose()?,
        description: edit
            .description
            .as_ref()
            .map(|d| column::description(d.as_deref()))
            .transpose()?,
        additional_attributes: edit
            .additional_attributes
            .clone()
            .map(|value| attributes(Some(value)))
            .transpose()?,
    };
    Ok(store::update(db, &column, &change, now).await?)
}

/// One of the engine's ingredient columns; a system column is refused.
async fn ingredient(
    db: &mut dyn Session,
    sheet: &SheetRecord,
    id: ColumnId,
) -> AppResult<ColumnRecord> {
    let column = store::find(db, sheet.id, id)
        .await?
        .ok_or_else(|| not_found("Column", id))?;
    if column.column_role != ColumnRole::Ingredient {
        return Err(AppError::unprocessable(
            ErrorCode::ValidationError,
            format!(
                "Column {id} ({}) is one of the engine's own {} columns; only ingredient columns can be changed, deleted or duplicated.",
                column.title, column.column_role
            ),
        ));
    }
    Ok(column)
}

/// A column's attributes: an object, whose `creation_card`, if any, must be a valid card.
fn attributes(value: Option<Value>) -> Result<Value, FieldError> {
    let value = value.unwrap_or_else(|| json!({}));
    let Value::Object(map) = &value else {
        return Err(FieldError::new(
            "additional_attributes",
            "must be an object",
        ));
    };
    if let Some(card) = map.get("creation_card") {
        card::check(card).map_err(|err| err.within("additional_attributes.creation_card"))?;
    }
    Ok(value)
}

/// What a new cell of a column starts with: the column's creation card, if it has one.
pub(crate) fn cell_attributes(column_attributes: &Value) -> Value {
    match column_attributes.get("creation_card") {
        Some(card) => json!({"creation_card": card}),
        None => json!({}),
    }
}

fn first_system_position(columns: &[ColumnRecord]) -> i64 {
    columns
        .iter()
        .find(|c| c.column_role != ColumnRole::Ingredient)
        .map_or_else(
            || position::insertion_point(columns.len(), None),
            |c| c.position,
        )
}

fn copy_title(title: &str) -> String {
    let suffix = " (copy)";
    let room = column::MAX_TITLE_CHARS - suffix.len();
    let kept: String = title.chars().take(room).collect();
    format!("{kept}{suffix}")
}

/// Prefixes a validation message with the list item it is about.
pub(crate) fn in_item(err: AppError, list: &str, index: usize) -> AppError {
    if err.code == ErrorCode::ValidationError {
        AppError::unprocessable(
            ErrorCode::ValidationError,
            format!("{list}[{index}]: {}", err.message),
        )
    } else {
        err
    }
}
