//! What a row's STATS cell sums up: the current generation of each of its cells and layers,
//! with the video a render made.

use ace_domain::generation::{GenerationStatus, JobKind};
use chrono::{DateTime, Utc};
use sqlx::FromRow;

use crate::{DbResult, Session, execute, fetch_all};

/// One generation of the row.
#[derive(Clone, Debug, FromRow)]
pub struct StatsSource {
    /// The column's title (a layer's name, for a layer's generation).
    pub title: String,
    /// The column's role (`ingredient`, `final_video`, ...), or `layer`.
    pub role: String,
    #[sqlx(try_from = "String")]
    pub user_job_type: JobKind,
    #[sqlx(try_from = "String")]
    pub status: GenerationStatus,
    pub provider: Option<String>,
    pub model: Option<String>,
    pub execution_cost_millis: i64,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    /// What a render made.
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub duration_ms: Option<i64>,
    pub byte_size: Option<i64>,
}

/// The generations shown in the row of `cell`, cells in column order, then layers.
pub async fn sources(db: &mut dyn Session, cell: i64) -> DbResult<Vec<StatsSource>> {
    let sql = "WITH the_row AS (SELECT row_id FROM spreadsheet_cells WHERE id = $1) \
         SELECT title, role, user_job_type, status, provider, model, execution_cost_millis, \
                started_at, finished_at, width, height, duration_ms, byte_size FROM ( \
           SELECT col.title AS title, col.column_role AS role, col.position AS sort_a, 0 AS sort_b, \
                  j.user_job_type, j.status, j.provider, j.model, j.execution_cost_millis, \
                  j.started_at, j.finished_at, r.width, r.height, r.duration_ms, r.byte_size \
             FROM spreadsheet_cells c \
             JOIN spreadsheet_columns col ON col.id = c.column_id \
             JOIN user_jobs j ON j.id = c.default_user_job_id \
             LEFT JOIN content_resources r ON r.user_job_id = j.id AND j.user_job_type = 'render' \
            WHERE c.row_id = (SELECT row_id FROM the_row) \
           UNION ALL \
           SELECT l.name, 'layer', 1000000 + l.position, l.id, \
                  j.user_job_type, j.status, j.provider, j.model, j.execution_cost_millis, \
                  j.started_at, j.finished_at, NULL, NULL, NULL, NULL \
             FROM video_layers l \
             JOIN spreadsheet_cells c ON c.id = l.cell_id \
             JOIN user_jobs j ON j.id = l.default_user_job_id \
            WHERE c.row_id = (SELECT row_id FROM the_row) \
         ) sources ORDER BY sort_a, sort_b";
    Ok(fetch_all!(db, sqlx::query_as(sql).bind(cell)))
}

/// Writes the STATS cell of the row of `cell`.
pub async fn write(
    db: &mut dyn Session,
    cell: i64,
    value: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let sql = "UPDATE spreadsheet_cells SET value = $2, updated_at = $3 \
               WHERE row_id = (SELECT row_id FROM spreadsheet_cells WHERE id = $1) \
                 AND column_id IN (SELECT id FROM spreadsheet_columns \
                                    WHERE column_role = 'stats' \
                                      AND spreadsheet_id = (SELECT spreadsheet_id FROM spreadsheet_cells WHERE id = $1))";
    execute!(db, sqlx::query(sql).bind(cell).bind(value).bind(now));
    Ok(())
}
