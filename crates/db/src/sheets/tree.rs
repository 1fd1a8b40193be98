//! Reading an engine's contents, whole or for one row or cell, in a constant number of
//! statements however many rows, cells and layers there are (no query per row or cell).

use ace_domain::ids::{CellId, RowId, SpreadsheetId};

use crate::sheets::cells::CellRecord;
use crate::sheets::columns::{self, ColumnRecord};
use crate::sheets::layers::LayerRecord;
use crate::sheets::rows::{self, RowRecord};
use crate::sheets::variables::{self, VariableRecord, VariableSheetRecord};
use crate::user_jobs::{JobRecord, OutputRecord, columns as job_columns};
use crate::{DbResult, Session, fetch_all};

/// The part of an engine to read.
#[derive(Clone, Copy, Debug)]
pub enum Scope {
    Sheet(SpreadsheetId),
    Row(RowId),
    Cell(CellId),
}

/// What a scope holds, each list in display order. Columns are always the engine's all.
#[derive(Clone, Debug, Default)]
pub struct Contents {
    pub columns: Vec<ColumnRecord>,
    pub rows: Vec<RowRecord>,
    pub cells: Vec<CellRecord>,
    /// By cell, back to front.
    pub layers: Vec<LayerRecord>,
    /// The jobs of the scope's cells and layers, oldest first.
    pub jobs: Vec<JobRecord>,
    /// The resources those jobs produced.
    pub outputs: Vec<OutputRecord>,
    /// Read for a whole engine only.
    pub variable_sheet: Option<VariableSheetRecord>,
    pub variables: Vec<VariableRecord>,
}

/// Splices the scope's cell filter into a statement.
macro_rules! scoped {
    ($scope:expr, $head:expr, $cells:literal, $tail:literal) => {
        match $scope {
            Scope::Sheet(id) => (
                concat!($head, $cells, "spreadsheet_id = $1", $tail),
                id.get(),
            ),
            Scope::Row(id) => (concat!($head, $cells, "row_id = $1", $tail), id.get()),
            Scope::Cell(id) => (concat!($head, $cells, "id = $1", $tail), id.get()),
        }
    };
}

/// Reads the scope's contents. `sheet` is the engine the scope lies in.
pub async fn load(db: &mut dyn Session, sheet: SpreadsheetId, scope: Scope) -> DbResult<Contents> {
    let columns = columns::list(db, sheet).await?;
    let rows = match scope {
        Scope::Sheet(_) => rows::list(db, sheet).await?,
        Scope::Row(row) => rows::find(db, sheet, row).await?.into_iter().collect(),
        Scope::Cell(_) => Vec::new(),
    };
    let (sql, id) = scoped!(
        scope,
        "SELECT id, spreadsheet_id, row_id, column_id, value, additional_attributes, default_user_job_id, \
           created_at, updated_at FROM spreadsheet_cells ",
        "WHERE ",
        ""
    );
    let cells: Vec<CellRecord> = fetch_all!(db, sqlx::query_as(sql).bind(id));
    let (sql, id) = scoped!(
        scope,
        "SELECT id, spreadsheet_id, cell_id, name, kind, position, additional_attributes, default_user_job_id, \
           created_at, updated_at FROM video_layers ",
        "WHERE cell_id IN (SELECT id FROM spreadsheet_cells WHERE ",
        ") ORDER BY cell_id, position, id"
    );
    let layers: Vec<LayerRecord> = fetch_all!(db, sqlx::query_as(sql).bind(id));
    let (sql, id) = scoped!(
        scope,
        concat!("SELECT ", job_columns!(), " FROM user_jobs "),
        "WHERE cell_id IN (SELECT id FROM spreadsheet_cells WHERE ",
        ") ORDER BY id"
    );
    let jobs: Vec<JobRecord> = fetch_all!(db, sqlx::query_as(sql).bind(id));
    let (sql, id) = scoped!(
        scope,
        "SELECT r.id, j.id AS user_job_id, r.storage_key, r.thumbnail_key, r.kind \
         FROM user_jobs j JOIN content_resources r ON r.user_job_id = j.id OR r.id = j.attached_resource_id ",
        "WHERE j.cell_id IN (SELECT id FROM spreadsheet_cells WHERE ",
        ") ORDER BY r.id"
    );
    let outputs: Vec<OutputRecord> = fetch_all!(db, sqlx::query_as(sql).bind(id));
    let (variable_sheet, variables) = match scope {
        Scope::Sheet(_) => (
            variables::find_sheet(db, sheet).await?,
            variables::list_for_spreadsheet(db, sheet).await?,
        ),
        _ => (None, Vec::new()),
    };
    Ok(Contents {
        columns,
        rows,
        cells,
        layers,
        jobs,
        outputs,
        variable_sheet,
        variables,
    })
}

/// What a card's column references can point at in one row: the engine's columns, the row's
/// cells, and for each cell the first resource its default job made.
#[derive(Clone, Debug, Default)]
pub struct RowSources {
    pub columns: Vec<ColumnRecord>,
    pub cells: Vec<CellRecord>,
    /// (cell id, resource id) for the cells whose default job made or attached a resource.
    pub shown: Vec<(i64, i64)>,
}

/// Reads the [`RowSources`] of the row `cell` (of engine `sheet`) lies in, in three
/// statements however long its cells' job history; `None` if the engine has no such cell.
pub async fn row_sources(
    db: &mut dyn Session,
    sheet: SpreadsheetId,
    cell: CellId,
) -> DbResult<Option<RowSources>> {
    let sql = "SELECT id, spreadsheet_id, row_id, column_id, value, additional_attributes, default_user_job_id, \
                 created_at, updated_at FROM spreadsheet_cells \
               WHERE row_id = (SELECT row_id FROM spreadsheet_cells WHERE id = $1 AND spreadsheet_id = $2)";
    let cells: Vec<CellRecord> =
        fetch_all!(db, sqlx::query_as(sql).bind(cell.get()).bind(sheet.get()));
    let Some(row) = cells.first().map(|c| c.row_id) else {
        return Ok(None);
    };
    let columns = columns::list(db, sheet).await?;
    // Per cell, so each lookup is an index probe whatever the tables' statistics say.
    let sql = "SELECT c.id, (SELECT MIN(shown.id) FROM ( \
                 SELECT r.id FROM content_resources r WHERE r.user_job_id = c.default_user_job_id \
                 UNION ALL \
                 SELECT j.attached_resource_id FROM user_jobs j WHERE j.id = c.default_user_job_id \
               ) shown) \
               FROM spreadsheet_cells c WHERE c.row_id = $1 AND c.default_user_job_id IS NOT NULL";
    let shown: Vec<(i64, Option<i64>)> = fetch_all!(db, sqlx::query_as(sql).bind(row.get()));
    let shown = shown
        .into_iter()
        .filter_map(|(cell, resource)| Some((cell, resource?)))
        .collect();
    Ok(Some(RowSources {
        columns,
        cells,
        shown,
    }))
}
