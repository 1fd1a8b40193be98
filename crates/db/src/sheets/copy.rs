//! Deep copies: a whole engine (clone, template clone) or one row (duplicate). Columns,
//! rows, cells and variables copy in set-based statements whatever the engine's size;
//! layers copy with one statement per video cell that has any. Copies carry values,
//! attributes (creation cards included) and layers, never job history: jobs belong to the
//! engine that ran them. Old and new items are matched by their rank in the position order,
//! which the copy writes as the new positions, so the copy is dense even if the original
//! were not.

use std::collections::HashMap;

use ace_domain::ids::{RowId, SpreadsheetId};
use chrono::{DateTime, Utc};

use crate::{DbResult, Session, execute, fetch_all};

/// Copies the columns, rows, cells, layers and global variables of `from` into the empty
/// engine `to`.
pub async fn engine(
    db: &mut dyn Session,
    from: SpreadsheetId,
    to: SpreadsheetId,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let columns = "INSERT INTO spreadsheet_columns (spreadsheet_id, title, temp_title, kind, column_role, description, \
           position, additional_attributes, created_at, updated_at) \
         SELECT $2, title, temp_title, kind, column_role, description, \
           ROW_NUMBER() OVER (ORDER BY position, id), additional_attributes, $3, $3 \
         FROM spreadsheet_columns WHERE spreadsheet_id = $1";
    let rows = "INSERT INTO spreadsheet_rows (spreadsheet_id, position, additional_attributes, created_at, updated_at) \
         SELECT $2, ROW_NUMBER() OVER (ORDER BY position, id), additional_attributes, $3, $3 \
         FROM spreadsheet_rows WHERE spreadsheet_id = $1";
    let cells = "WITH old_columns AS (SELECT id, ROW_NUMBER() OVER (ORDER BY position, id) AS n \
             FROM spreadsheet_columns WHERE spreadsheet_id = $1), \
           old_rows AS (SELECT id, ROW_NUMBER() OVER (ORDER BY position, id) AS n \
             FROM spreadsheet_rows WHERE spreadsheet_id = $1) \
         INSERT INTO spreadsheet_cells (spreadsheet_id, row_id, column_id, value, additional_attributes, created_at, updated_at) \
         SELECT $2, new_row.id, new_column.id, c.value, c.additional_attributes, $3, $3 \
         FROM spreadsheet_cells c \
           JOIN old_rows ON old_rows.id = c.row_id \
           JOIN old_columns ON old_columns.id = c.column_id \
           JOIN spreadsheet_rows new_row ON new_row.spreadsheet_id = $2 AND new_row.position = old_rows.n \
           JOIN spreadsheet_columns new_column ON new_column.spreadsheet_id = $2 AND new_column.position = old_columns.n \
         WHERE c.spreadsheet_id = $1";
    let variable_sheet = "INSERT INTO global_variable_sheets (spreadsheet_id, created_at, updated_at) \
         SELECT $2, $3, $3 FROM global_variable_sheets WHERE spreadsheet_id = $1";
    let variables = "INSERT INTO global_variables (sheet_id, key, key_fold, value, position, created_at, updated_at) \
         SELECT new_sheet.id, v.key, v.key_fold, v.value, v.position, $3, $3 \
         FROM global_variables v \
           JOIN global_variable_sheets old_sheet ON old_sheet.id = v.sheet_id AND old_sheet.spreadsheet_id = $1 \
           JOIN global_variable_sheets new_sheet ON new_sheet.spreadsheet_id = $2";
    for sql in [columns, rows, cells, variable_sheet, variables] {
        execute!(
            db,
            sqlx::query(sql).bind(from.get()).bind(to.get()).bind(now)
        );
    }
    // Layers go cell by cell: one statement matching old and new cells through their ranks
    // let SQLite's planner pick a join order that took a minute on a 2,000-cell engine.
    let old_cells = "WITH old_columns AS (SELECT id, ROW_NUMBER() OVER (ORDER BY position, id) AS n \
             FROM spreadsheet_columns WHERE spreadsheet_id = $1), \
           old_rows AS (SELECT id, ROW_NUMBER() OVER (ORDER BY position, id) AS n \
             FROM spreadsheet_rows WHERE spreadsheet_id = $1) \
         SELECT c.id, old_rows.n, old_columns.n FROM spreadsheet_cells c \
           JOIN old_rows ON old_rows.id = c.row_id \
           JOIN old_columns ON old_columns.id = c.column_id \
         WHERE c.spreadsheet_id = $1 AND EXISTS (SELECT 1 FROM video_layers l WHERE l.cell_id = c.id)";
    let new_cells = "SELECT c.id, r.position, k.position FROM spreadsheet_cells c \
           JOIN spreadsheet_rows r ON r.id = c.row_id \
           JOIN spreadsheet_columns k ON k.id = c.column_id \
         WHERE c.spreadsheet_id = $1";
    let old: Vec<(i64, i64, i64)> = fetch_all!(db, sqlx::query_as(old_cells).bind(from.get()));
    let rows: Vec<(i64, i64, i64)> = fetch_all!(db, sqlx::query_as(new_cells).bind(to.get()));
    let new: HashMap<(i64, i64), i64> = rows
        .into_iter()
        .map(|(id, row, column)| ((row, column), id))
        .collect();
    for (old_cell, row, column) in old {
        if let Some(new_cell) = new.get(&(row, column)) {
            layers(db, to.get(), old_cell, *new_cell, now).await?;
        }
    }
    Ok(())
}

/// Copies the cells and layers of row `from` into the new, empty row `to` of the same engine.
pub async fn row(db: &mut dyn Session, from: RowId, to: RowId, now: DateTime<Utc>) -> DbResult<()> {
    let cells = "INSERT INTO spreadsheet_cells (spreadsheet_id, row_id, column_id, value, additional_attributes, created_at, updated_at) \
         SELECT spreadsheet_id, $2, column_id, value, additional_attributes, $3, $3 \
         FROM spreadsheet_cells WHERE row_id = $1";
    execute!(
        db,
        sqlx::query(cells).bind(from.get()).bind(to.get()).bind(now)
    );
    row_layers(db, from, to, now).await
}

/// Copies the layer stacks of row `from`'s video cells onto the same columns' cells of row
/// `to`, which has its cells already.
pub async fn row_layers(
    db: &mut dyn Session,
    from: RowId,
    to: RowId,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let pairs = "SELECT c.spreadsheet_id, c.id, new_cell.id FROM spreadsheet_cells c \
           JOIN spreadsheet_cells new_cell ON new_cell.row_id = $2 AND new_cell.column_id = c.column_id \
         WHERE c.row_id = $1 AND EXISTS (SELECT 1 FROM video_layers l WHERE l.cell_id = c.id)";
    let pairs: Vec<(i64, i64, i64)> =
        fetch_all!(db, sqlx::query_as(pairs).bind(from.get()).bind(to.get()));
    for (sheet, old_cell, new_cell) in pairs {
        layers(db, sheet, old_cell, new_cell, now).await?;
    }
    Ok(())
}

/// Copies the layers of one cell onto another, with dense positions.
async fn layers(
    db: &mut dyn Session,
    sheet: i64,
    from: i64,
    to: i64,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let sql = "INSERT INTO video_layers (spreadsheet_id, cell_id, name, kind, position, additional_attributes, created_at, updated_at) \
         SELECT $1, $2, name, kind, ROW_NUMBER() OVER (ORDER BY position, id), additional_attributes, $3, $3 \
         FROM video_layers WHERE cell_id = $4";
    execute!(
        db,
        sqlx::query(sql).bind(sheet).bind(to).bind(now).bind(from)
    );
    Ok(())
}
