//! Global variables: an engine's named values for `{{name}}` substitution, kept in one
//! variables sheet per engine (created with its first variable).

use ace_domain::ids::{GlobalVariableId, SpreadsheetId};
use ace_domain::text::fold;
use chrono::{DateTime, Utc};
use sqlx::FromRow;

use crate::{DbResult, Session, execute, fetch_all, fetch_one, fetch_optional};

/// An engine's variables sheet.
#[derive(Clone, Debug, FromRow)]
pub struct VariableSheetRecord {
    pub id: i64,
    #[sqlx(try_from = "i64")]
    pub spreadsheet_id: SpreadsheetId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One variable.
#[derive(Clone, Debug, FromRow)]
pub struct VariableRecord {
    #[sqlx(try_from = "i64")]
    pub id: GlobalVariableId,
    pub sheet_id: i64,
    pub key: String,
    pub value: String,
    pub position: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

macro_rules! sheet_columns {
    () => {
        "id, spreadsheet_id, created_at, updated_at"
    };
}

macro_rules! columns {
    ($p:literal) => {
        concat!(
            $p,
            "id, ",
            $p,
            "sheet_id, ",
            $p,
            "key, ",
            $p,
            "value, ",
            $p,
            "position, ",
            $p,
            "created_at, ",
            $p,
            "updated_at"
        )
    };
}

/// The engine's variables sheet, if it has one.
pub async fn find_sheet(
    db: &mut dyn Session,
    spreadsheet: SpreadsheetId,
) -> DbResult<Option<VariableSheetRecord>> {
    let sql = concat!(
        "SELECT ",
        sheet_columns!(),
        " FROM global_variable_sheets WHERE spreadsheet_id = $1"
    );
    Ok(fetch_optional!(
        db,
        sqlx::query_as(sql).bind(spreadsheet.get())
    ))
}

/// The engine's variables sheet, made if missing; marked changed either way.
pub async fn ensure_sheet(
    db: &mut dyn Session,
    spreadsheet: SpreadsheetId,
    now: DateTime<Utc>,
) -> DbResult<VariableSheetRecord> {
    let sql = concat!(
        "INSERT INTO global_variable_sheets (spreadsheet_id, created_at, updated_at) VALUES ($1, $2, $2) \
         ON CONFLICT (spreadsheet_id) DO UPDATE SET updated_at = excluded.updated_at RETURNING ",
        sheet_columns!()
    );
    Ok(fetch_one!(
        db,
        sqlx::query_as(sql).bind(spreadsheet.get()).bind(now)
    ))
}

/// The variables of a variables sheet, in order.
pub async fn list(db: &mut dyn Session, sheet_id: i64) -> DbResult<Vec<VariableRecord>> {
    let sql = concat!(
        "SELECT ",
        columns!(""),
        " FROM global_variables WHERE sheet_id = $1 ORDER BY position, id"
    );
    Ok(fetch_all!(db, sqlx::query_as(sql).bind(sheet_id)))
}

/// One variable of a variables sheet.
pub async fn find(
    db: &mut dyn Session,
    sheet_id: i64,
    id: GlobalVariableId,
) -> DbResult<Option<VariableRecord>> {
    let sql = concat!(
        "SELECT ",
        columns!(""),
        " FROM global_variables WHERE sheet_id = $1 AND id = $2"
    );
    Ok(fetch_optional!(
        db,
        sqlx::query_as(sql).bind(sheet_id).bind(id.get())
    ))
}

/// Adds a variable at the end. A key already there (ignoring case) is a unique violation.
pub async fn insert(
    db: &mut dyn Session,
    sheet_id: i64,
    key: &str,
    value: &str,
    now: DateTime<Utc>,
) -> DbResult<VariableRecord> {
    let sql = concat!(
        "INSERT INTO global_variables (sheet_id, key, key_fold, value, position, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, (SELECT COALESCE(MAX(position), 0) + 1 FROM global_variables WHERE sheet_id = $1), $5, $5) \
         RETURNING ",
        columns!("")
    );
    Ok(fetch_one!(
        db,
        sqlx::query_as(sql)
            .bind(sheet_id)
            .bind(key)
            .bind(fold(key))
            .bind(value)
            .bind(now)
    ))
}

/// Renames or revalues a variable.
pub async fn update(
    db: &mut dyn Session,
    id: GlobalVariableId,
    key: &str,
    value: &str,
    now: DateTime<Utc>,
) -> DbResult<VariableRecord> {
    let sql = concat!(
        "UPDATE global_variables SET key = $2, key_fold = $3, value = $4, updated_at = $5 WHERE id = $1 RETURNING ",
        columns!("")
    );
    Ok(fetch_one!(
        db,
        sqlx::query_as(sql)
            .bind(id.get())
            .bind(key)
            .bind(fold(key))
            .bind(value)
            .bind(now)
    ))
}

pub async fn delete(db: &mut dyn Session, id: GlobalVariableId) -> DbResult<()> {
    execute!(
        db,
        sqlx::query("DELETE FROM global_variables WHERE id = $1").bind(id.get())
    );
    Ok(())
}

/// Removes every variable of a variables sheet.
pub async fn delete_all(db: &mut dyn Session, sheet_id: i64) -> DbResult<()> {
    execute!(
        db,
        sqlx::query("DELETE FROM global_variables WHERE sheet_id = $1").bind(sheet_id)
    );
    Ok(())
}

/// The engine's variables, without its sheet: for the full engine and for substitution.
pub async fn list_for_spreadsheet(
    db: &mut dyn Session,
    spreadsheet: SpreadsheetId,
) -> DbResult<Vec<VariableRecord>> {
    let sql = concat!(
        "SELECT ",
        columns!("v."),
        " FROM global_variables v JOIN global_variable_sheets s ON s.id = v.sheet_id \
         WHERE s.spreadsheet_id = $1 ORDER BY v.position, v.id"
    );
    Ok(fetch_all!(db, sqlx::query_as(sql).bind(spreadsheet.get())))
}
