//! Video layers: the timeline of a video cell, ordered by z-position.

use ace_domain::ids::{CellId, LayerId, SpreadsheetId, UserJobId};
use ace_domain::sheet::layer::LayerKind;
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::FromRow;
use sqlx::types::Json;

use crate::{DbResult, Session, execute, fetch_all, fetch_one, fetch_optional};

/// A stored layer.
#[derive(Clone, Debug, FromRow)]
pub struct LayerRecord {
    #[sqlx(try_from = "i64")]
    pub id: LayerId,
    #[sqlx(try_from = "i64")]
    pub spreadsheet_id: SpreadsheetId,
    #[sqlx(try_from = "i64")]
    pub cell_id: CellId,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub kind: LayerKind,
    pub position: i64,
    pub additional_attributes: Json<Value>,
    pub default_user_job_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A layer to record.
#[derive(Clone, Debug)]
pub struct NewLayer<'a> {
    pub spreadsheet_id: SpreadsheetId,
    pub cell_id: CellId,
    pub name: &'a str,
    pub kind: LayerKind,
    pub position: i64,
    pub additional_attributes: &'a Value,
}

macro_rules! columns {
    () => {
        "id, spreadsheet_id, cell_id, name, kind, position, additional_attributes, default_user_job_id, created_at, updated_at"
    };
}

pub async fn insert(
    db: &mut dyn Session,
    new: &NewLayer<'_>,
    now: DateTime<Utc>,
) -> DbResult<LayerRecord> {
    let sql = concat!(
        "INSERT INTO video_layers (spreadsheet_id, cell_id, name, kind, position, additional_attributes, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING ",
        columns!()
    );
    Ok(fetch_one!(
        db,
        sqlx::query_as(sql)
            .bind(new.spreadsheet_id.get())
            .bind(new.cell_id.get())
            .bind(new.name)
            .bind(new.kind.as_str())
            .bind(new.position)
            .bind(Json(new.additional_attributes))
            .bind(now)
    ))
}

/// One of the cell's layers.
pub async fn find(
    db: &mut dyn Session,
    cell: CellId,
    id: LayerId,
) -> DbResult<Option<LayerRecord>> {
    let sql = concat!(
        "SELECT ",
        columns!(),
        " FROM video_layers WHERE cell_id = $1 AND id = $2"
    );
    Ok(fetch_optional!(
        db,
        sqlx::query_as(sql).bind(cell.get()).bind(id.get())
    ))
}

/// The cell's layers, back to front.
pub async fn list_for_cell(db: &mut dyn Session, cell: CellId) -> DbResult<Vec<LayerRecord>> {
    let sql = concat!(
        "SELECT ",
        columns!(),
        " FROM video_layers WHERE cell_id = $1 ORDER BY position, id"
    );
    Ok(fetch_all!(db, sqlx::query_as(sql).bind(cell.get())))
}

/// Writes a layer's name, kind and attributes.
pub async fn update(
    db: &mut dyn Session,
    id: LayerId,
    name: &str,
    kind: LayerKind,
    attributes: &Value,
    now: DateTime<Utc>,
) -> DbResult<LayerRecord> {
    let sql = concat!(
        "UPDATE video_layers SET name = $2, kind = $3, additional_attributes = $4, updated_at = $5 WHERE id = $1 RETURNING ",
        columns!()
    );
    Ok(fetch_one!(
        db,
        sqlx::query_as(sql)
            .bind(id.get())
            .bind(name)
            .bind(kind.as_str())
            .bind(Json(attributes))
            .bind(now)
    ))
}

pub async fn delete(db: &mut dyn Session, id: LayerId) -> DbResult<()> {
    execute!(
        db,
        sqlx::query("DELETE FROM video_layers WHERE id = $1").bind(id.get())
    );
    Ok(())
}

/// Points the layer at the job whose output it shows.
pub async fn set_default_job(
    db: &mut dyn Session,
    id: LayerId,
    job: UserJobId,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let sql = "UPDATE video_layers SET default_user_job_id = $2, updated_at = $3 WHERE id = $1";
    execute!(
        db,
        sqlx::query(sql).bind(id.get()).bind(job.get()).bind(now)
    );
    Ok(())
}
