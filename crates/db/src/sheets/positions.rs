//! The ordered lists of an engine: its columns, its rows, and each cell's layers. Positions
//! are dense and 1-based; these statements keep them so, inside a locked transaction.

use ace_domain::ids::{CellId, SpreadsheetId};

use crate::{DbResult, Session, execute, fetch_all};

/// One ordered list.
#[derive(Clone, Copy, Debug)]
pub enum List {
    Columns(SpreadsheetId),
    Rows(SpreadsheetId),
    Layers(CellId),
}

/// `concat!` with the table and parent column spliced in.
macro_rules! list_sql {
    (ids, $table:literal, $parent:literal) => {
        concat!(
            "SELECT id FROM ",
            $table,
            " WHERE ",
            $parent,
            " = $1 ORDER BY position, id"
        )
    };
    (make_room, $table:literal, $parent:literal) => {
        concat!(
            "UPDATE ",
            $table,
            " SET position = position + 1 WHERE ",
            $parent,
            " = $1 AND position >= $2"
        )
    };
    (close_gap, $table:literal, $parent:literal) => {
        concat!(
            "UPDATE ",
            $table,
            " SET position = position - 1 WHERE ",
            $parent,
            " = $1 AND position > $2"
        )
    };
    (set, $table:literal, $parent:literal) => {
        concat!(
            "UPDATE ",
            $table,
            " SET position = $3 WHERE ",
            $parent,
            " = $1 AND id = $2 AND position <> $3"
        )
    };
}

macro_rules! by_list {
    ($list:expr, $template:ident) => {
        match $list {
            List::Columns(sheet) => (
                list_sql!($template, "spreadsheet_columns", "spreadsheet_id"),
                sheet.get(),
            ),
            List::Rows(sheet) => (
                list_sql!($template, "spreadsheet_rows", "spreadsheet_id"),
                sheet.get(),
            ),
            List::Layers(cell) => (list_sql!($template, "video_layers", "cell_id"), cell.get()),
        }
    };
}

/// The list's ids in order.
pub async fn ids(db: &mut dyn Session, list: List) -> DbResult<Vec<i64>> {
    let (sql, parent) = by_list!(list, ids);
    let ids: Vec<(i64,)> = fetch_all!(db, sqlx::query_as(sql).bind(parent));
    Ok(ids.into_iter().map(|(id,)| id).collect())
}

/// Moves everything at `position` or after one step back, to free `position`.
pub async fn make_room(db: &mut dyn Session, list: List, position: i64) -> DbResult<()> {
    let (sql, parent) = by_list!(list, make_room);
    execute!(db, sqlx::query(sql).bind(parent).bind(position));
    Ok(())
}

/// Moves everything after `position` one step forward, after the item there left.
pub async fn close_gap(db: &mut dyn Session, list: List, position: i64) -> DbResult<()> {
    let (sql, parent) = by_list!(list, close_gap);
    execute!(db, sqlx::query(sql).bind(parent).bind(position));
    Ok(())
}

/// Writes `order` as positions 1..=n, touching only the items whose position changes.
pub async fn apply(db: &mut dyn Session, list: List, order: &[i64]) -> DbResult<()> {
    let (sql, parent) = by_list!(list, set);
    for (index, id) in order.iter().enumerate() {
        let position = i64::try_from(index).unwrap_or(i64::MAX - 1) + 1;
        execute!(db, sqlx::query(sql).bind(parent).bind(id).bind(position));
    }
    Ok(())
}
