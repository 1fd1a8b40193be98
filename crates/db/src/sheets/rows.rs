//! Rows: one video each, with a cell for every column.

use ace_domain::ids::{RowId, SpreadsheetId};
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::FromRow;
use sqlx::types::Json;

use crate::{DbResult, Session, execute, fetch_all, fetch_one, fetch_optional};

/// A stored row.
#[derive(Clone, Debug, FromRow)]
pub struct RowRecord {
    #[sqlx(try_from = "i64")]
    pub id: RowId,
    #[sqlx(try_from = "i64")]
    pub spreadsheet_id: SpreadsheetId,
    pub position: i64,
    pub additional_attributes: Json<Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

macro_rules! columns {
    () => {
        "id, spreadsheet_id, position, additional_attributes, created_at, updated_at"
    };
}

pub async fn insert(
    db: &mut dyn Session,
    sheet: SpreadsheetId,
    position: i64,
    attributes: &Value,
    now: DateTime<Utc>,
) -> DbResult<RowRecord> {
    let sql = concat!(
        "INSERT INTO spreadsheet_rows (spreadsheet_id, position, additional_attributes, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $4) RETURNING ",
        columns!()
    );
    Ok(fetch_one!(
        db,
        sqlx::query_as(sql)
            .bind(sheet.get())
            .bind(position)
            .bind(Json(attributes))
            .bind(now)
    ))
}

/// The engine's rows in order.
pub async fn list(db: &mut dyn Session, sheet: SpreadsheetId) -> DbResult<Vec<RowRecord>> {
    let sql = concat!(
        "SELECT ",
        columns!(),
        " FROM spreadsheet_rows WHERE spreadsheet_id = $1 ORDER BY position, id"
    );
    Ok(fetch_all!(db, sqlx::query_as(sql).bind(sheet.get())))
}

/// One of the engine's rows.
pub async fn find(
    db: &mut dyn Session,
    sheet: SpreadsheetId,
    id: RowId,
) -> DbResult<Option<RowRecord>> {
    let sql = concat!(
        "SELECT ",
        columns!(),
        " FROM spreadsheet_rows WHERE spreadsheet_id = $1 AND id = $2"
    );
    Ok(fetch_optional!(
        db,
        sqlx::query_as(sql).bind(sheet.get()).bind(id.get())
    ))
}

/// Replaces a row's attributes.
pub async fn set_attributes(
    db: &mut dyn Session,
    id: RowId,
    attributes: &Value,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let sql =
        "UPDATE spreadsheet_rows SET additional_attributes = $2, updated_at = $3 WHERE id = $1";
    execute!(
        db,
        sqlx::query(sql)
            .bind(id.get())
            .bind(Json(attributes))
            .bind(now)
    );
    Ok(())
}

/// Deletes a row with its cells and their layers.
pub async fn delete(db: &mut dyn Session, id: RowId) -> DbResult<()> {
    execute!(
        db,
        sqlx::query("DELETE FROM spreadsheet_rows WHERE id = $1").bind(id.get())
    );
    Ok(())
}
