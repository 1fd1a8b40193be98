//! Columns: one content type of an engine, each with a cell in every row.

use ace_domain::ids::{ColumnId, SpreadsheetId};
use ace_domain::sheet::column::{ColumnKind, ColumnRole};
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::FromRow;
use sqlx::types::Json;

use crate::{DbResult, Session, execute, fetch_all, fetch_one, fetch_optional};

/// A stored column.
#[derive(Clone, Debug, FromRow)]
pub struct ColumnRecord {
    #[sqlx(try_from = "i64")]
    pub id: ColumnId,
    #[sqlx(try_from = "i64")]
    pub spreadsheet_id: SpreadsheetId,
    pub title: String,
    pub temp_title: Option<String>,
    #[sqlx(try_from = "String")]
    pub kind: ColumnKind,
    #[sqlx(try_from = "String")]
    pub column_role: ColumnRole,
    pub description: Option<String>,
    pub position: i64,
    pub additional_attributes: Json<Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A column to record.
#[derive(Clone, Debug)]
pub struct NewColumn<'a> {
    pub spreadsheet_id: SpreadsheetId,
    pub title: &'a str,
    pub kind: ColumnKind,
    pub role: ColumnRole,
    pub description: Option<&'a str>,
    pub position: i64,
    pub additional_attributes: &'a Value,
}

/// What a column update changes; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct ColumnChange {
    pub title: Option<String>,
    pub temp_title: Option<Option<String>>,
    pub kind: Option<ColumnKind>,
    pub description: Option<Option<String>>,
    pub additional_attributes: Option<Value>,
}

macro_rules! columns {
    () => {
        "id, spreadsheet_id, title, temp_title, kind, column_role, description, position, additional_attributes, \
         created_at, updated_at"
    };
}

pub async fn insert(
    db: &mut dyn Session,
    new: &NewColumn<'_>,
    now: DateTime<Utc>,
) -> DbResult<ColumnRecord> {
    let sql = concat!(
        "INSERT INTO spreadsheet_columns (spreadsheet_id, title, kind, column_role, description, position, \
           additional_attributes, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING ",
        columns!()
    );
    Ok(fetch_one!(
        db,
        sqlx::query_as(sql)
            .bind(new.spreadsheet_id.get())
            .bind(new.title)
            .bind(new.kind.as_str())
            .bind(new.role.as_str())
            .bind(new.description)
            .bind(new.position)
            .bind(Json(new.additional_attributes))
            .bind(now)
    ))
}

/// The engine's columns in order.
pub async fn list(db: &mut dyn Session, sheet: SpreadsheetId) -> DbResult<Vec<ColumnRecord>> {
    let sql = concat!(
        "SELECT ",
        columns!(),
        " FROM spreadsheet_columns WHERE spreadsheet_id = $1 ORDER BY position, id"
    );
    Ok(fetch_all!(db, sqlx::query_as(sql).bind(sheet.get())))
}

/// One of the engine's columns.
pub async fn find(
    db: &mut dyn Session,
    sheet: SpreadsheetId,
    id: ColumnId,
) -> DbResult<Option<ColumnRecord>> {
    let sql = concat!(
        "SELECT ",
        columns!(),
        " FROM spreadsheet_columns WHERE spreadsheet_id = $1 AND id = $2"
    );
    Ok(fetch_optional!(
        db,
        sqlx::query_as(sql).bind(sheet.get()).bind(id.get())
    ))
}

/// Applies a change and returns the column as it now is.
pub async fn update(
    db: &mut dyn Session,
    column: &ColumnRecord,
    change: &ColumnChange,
    now: DateTime<Utc>,
) -> DbResult<ColumnRecord> {
    let sql = concat!(
        "UPDATE spreadsheet_columns SET title = $2, temp_title = $3, kind = $4, description = $5, \
           additional_attributes = $6, updated_at = $7 WHERE id = $1 RETURNING ",
        columns!()
    );
    let attributes = change
        .additional_attributes
        .as_ref()
        .unwrap_or(&column.additional_attributes.0);
    Ok(fetch_one!(
        db,
        sqlx::query_as(sql)
            .bind(column.id.get())
            .bind(change.title.as_ref().unwrap_or(&column.title))
            .bind(change.temp_title.as_ref().unwrap_or(&column.temp_title))
            .bind(change.kind.unwrap_or(column.kind).as_str())
            .bind(change.description.as_ref().unwrap_or(&column.description))
            .bind(Json(attributes))
            .bind(now)
    ))
}

/// Deletes a column with its cells.
pub async fn delete(db: &mut dyn Session, id: ColumnId) -> DbResult<()> {
    execute!(
        db,
        sqlx::query("DELETE FROM spreadsheet_columns WHERE id = $1").bind(id.get())
    );
    Ok(())
}

/// Gives the new column an empty cell in every row of its engine, carrying `attributes`
/// (the column's creation card, when it has one).
pub async fn add_cells(
    db: &mut dyn Session,
    column: &ColumnRecord,
    attributes: &Value,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let sql = "INSERT INTO spreadsheet_cells (spreadsheet_id, row_id, column_id, additional_attributes, created_at, updated_at) \
               SELECT $1, id, $2, $3, $4, $4 FROM spreadsheet_rows WHERE spreadsheet_id = $1";
    execute!(
        db,
        sqlx::query(sql)
            .bind(column.spreadsheet_id.get())
            .bind(column.id.get())
            .bind(Json(attributes))
            .bind(now)
    );
    Ok(())
}

/// Copies every cell of `from` into the new column `to`, values and attributes alike.
pub async fn copy_cells(
    db: &mut dyn Session,
    from: ColumnId,
    to: ColumnId,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let sql = "INSERT INTO spreadsheet_cells (spreadsheet_id, row_id, column_id, value, additional_attributes, created_at, updated_at) \
               SELECT spreadsheet_id, row_id, $2, value, additional_attributes, $3, $3 \
               FROM spreadsheet_cells WHERE column_id = $1";
    execute!(
        db,
        sqlx::query(sql).bind(from.get()).bind(to.get()).bind(now)
    );
    Ok(())
}
