//! Cells: one row's content for one column, with attributes such as its creation card and
//! the job whose output it shows.

use ace_domain::ids::{CellId, ColumnId, RowId, SpreadsheetId, UserJobId};
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::FromRow;
use sqlx::types::Json;

use crate::{DbResult, Session, execute, fetch_one, fetch_optional};

/// A stored cell.
#[derive(Clone, Debug, FromRow)]
pub struct CellRecord {
    #[sqlx(try_from = "i64")]
    pub id: CellId,
    #[sqlx(try_from = "i64")]
    pub spreadsheet_id: SpreadsheetId,
    #[sqlx(try_from = "i64")]
    pub row_id: RowId,
    #[sqlx(try_from = "i64")]
    pub column_id: ColumnId,
    pub value: Option<String>,
    pub additional_attributes: Json<Value>,
    pub default_user_job_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

macro_rules! columns {
    () => {
        "id, spreadsheet_id, row_id, column_id, value, additional_attributes, default_user_job_id, created_at, updated_at"
    };
}

pub async fn insert(
    db: &mut dyn Session,
    row: RowId,
    column: ColumnId,
    sheet: SpreadsheetId,
    value: Option<&str>,
    attributes: &Value,
    now: DateTime<Utc>,
) -> DbResult<CellRecord> {
    let sql = concat!(
        "INSERT INTO spreadsheet_cells (spreadsheet_id, row_id, column_id, value, additional_attributes, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING ",
        columns!()
    );
    Ok(fetch_one!(
        db,
        sqlx::query_as(sql)
            .bind(sheet.get())
            .bind(row.get())
            .bind(column.get())
            .bind(value)
            .bind(Json(attributes))
            .bind(now)
    ))
}

/// One of the engine's cells.
pub async fn find(
    db: &mut dyn Session,
    sheet: SpreadsheetId,
    id: CellId,
) -> DbResult<Option<CellRecord>> {
    let sql = concat!(
        "SELECT ",
        columns!(),
        " FROM spreadsheet_cells WHERE spreadsheet_id = $1 AND id = $2"
    );
    Ok(fetch_optional!(
        db,
        sqlx::query_as(sql).bind(sheet.get()).bind(id.get())
    ))
}

/// A row's cell in a column.
pub async fn find_in_row(
    db: &mut dyn Session,
    row: i64,
    column: i64,
) -> DbResult<Option<CellRecord>> {
    let sql = concat!(
        "SELECT ",
        columns!(),
        " FROM spreadsheet_cells WHERE row_id = $1 AND column_id = $2"
    );
    Ok(fetch_optional!(
        db,
        sqlx::query_as(sql).bind(row).bind(column)
    ))
}

/// A row's cell in the column of a role (`final_video`, `stats`, ...).
pub async fn find_by_role(
    db: &mut dyn Session,
    row: i64,
    role: &str,
) -> DbResult<Option<CellRecord>> {
    let sql = concat!(
        "SELECT ",
        columns!(),
        " FROM spreadsheet_cells WHERE row_id = $1 AND column_id IN \
           (SELECT id FROM spreadsheet_columns WHERE column_role = $2 \
              AND spreadsheet_id = (SELECT spreadsheet_id FROM spreadsheet_rows WHERE id = $1)) \
         ORDER BY id LIMIT 1"
    );
    Ok(fetch_optional!(
        db,
        sqlx::query_as(sql).bind(row).bind(role)
    ))
}

/// Writes a cell's value and attributes.
pub async fn update(
    db: &mut dyn Session,
    id: CellId,
    value: Option<&str>,
    attributes: &Value,
    now: DateTime<Utc>,
) -> DbResult<CellRecord> {
    let sql = concat!(
        "UPDATE spreadsheet_cells SET value = $2, additional_attributes = $3, updated_at = $4 WHERE id = $1 RETURNING ",
        columns!()
    );
    Ok(fetch_one!(
        db,
        sqlx::query_as(sql)
            .bind(id.get())
            .bind(value)
            .bind(Json(attributes))
            .bind(now)
    ))
}

/// Points the cell at the job whose output it shows.
pub async fn set_default_job(
    db: &mut dyn Session,
    id: CellId,
    job: UserJobId,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let sql =
        "UPDATE spreadsheet_cells SET default_user_job_id = $2, updated_at = $3 WHERE id = $1";
    execute!(
        db,
        sqlx::query(sql).bind(id.get()).bind(job.get()).bind(now)
    );
    Ok(())
}

/// Sets the cell's value (a generation's output).
pub async fn set_value(
    db: &mut dyn Session,
    id: CellId,
    value: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let sql = "UPDATE spreadsheet_cells SET value = $2, updated_at = $3 WHERE id = $1";
    execute!(db, sqlx::query(sql).bind(id.get()).bind(value).bind(now));
    Ok(())
}
