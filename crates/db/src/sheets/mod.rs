//! Engines (GEN: spreadsheets) and everything inside them: columns, rows, cells, video
//! layers and global variables. Position changes run in a transaction that first takes
//! [`lock`], so each engine's positions stay dense however many writers race.

pub mod cells;
pub mod columns;
pub mod copy;
pub mod engines;
pub mod layers;
pub mod positions;
pub mod rows;
pub mod stats;
pub mod tree;
pub mod variables;

use ace_domain::ids::SpreadsheetId;

use crate::{DbResult, Handle, Session};

/// Serialises writers of one engine until the transaction ends. On SQLite every write
/// transaction already holds the database's write lock (`BEGIN IMMEDIATE`).
pub async fn lock(db: &mut dyn Session, sheet: SpreadsheetId) -> DbResult<()> {
    if let Handle::Postgres(conn) = db.handle() {
        sqlx::query("SELECT id FROM spreadsheets WHERE id = $1 FOR UPDATE")
            .bind(sheet.get())
            .fetch_optional(&mut *conn)
            .await?;
        crate::count_statement();
    }
    Ok(())
}
