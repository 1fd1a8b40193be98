//! Jobs (GEN: user jobs, generations): what filled a cell or a layer, with its status, result,
//! cost and output resources. Cells and layers keep their job history here.

use ace_domain::ids::{AgentId, CellId, LayerId, SpreadsheetId, UserJobId};
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::FromRow;
use sqlx::types::Json;

use crate::{DbResult, Session, fetch_one, fetch_optional};

/// A stored job.
#[derive(Clone, Debug, FromRow)]
pub struct JobRecord {
    #[sqlx(try_from = "i64")]
    pub id: UserJobId,
    #[sqlx(try_from = "i64")]
    pub agent_id: AgentId,
    pub spreadsheet_id: Option<i64>,
    pub cell_id: Option<i64>,
    pub layer_id: Option<i64>,
    pub user_job_type: String,
    /// pending, processing, completed, failed or stopped.
    pub status: String,
    pub data: Json<Value>,
    pub result: Option<Json<Value>>,
    pub failed_reason: Option<String>,
    pub execution_cost_millis: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A job to record.
#[derive(Clone, Debug)]
pub struct NewJob<'a> {
    pub agent_id: AgentId,
    pub spreadsheet_id: Option<SpreadsheetId>,
    pub cell_id: Option<CellId>,
    pub layer_id: Option<LayerId>,
    pub user_job_type: &'a str,
    pub status: &'a str,
    pub data: &'a Value,
}

/// A resource a job produced.
#[derive(Clone, Debug, FromRow)]
pub struct OutputRecord {
    pub id: i64,
    pub user_job_id: i64,
    pub storage_key: String,
    pub thumbnail_key: Option<String>,
    /// image, video, audio, zip or safe_tensors.
    pub kind: String,
}

macro_rules! columns {
    () => {
        "id, agent_id, spreadsheet_id, cell_id, layer_id, user_job_type, status, data, result, failed_reason, \
         execution_cost_millis, created_at, updated_at"
    };
}

pub async fn insert(
    db: &mut dyn Session,
    new: &NewJob<'_>,
    now: DateTime<Utc>,
) -> DbResult<JobRecord> {
    let sql = concat!(
        "INSERT INTO user_jobs (agent_id, spreadsheet_id, cell_id, layer_id, user_job_type, status, data, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING ",
        columns!()
    );
    Ok(fetch_one!(
        db,
        sqlx::query_as(sql)
            .bind(new.agent_id.get())
            .bind(new.spreadsheet_id.map(SpreadsheetId::get))
            .bind(new.cell_id.map(CellId::get))
            .bind(new.layer_id.map(LayerId::get))
            .bind(new.user_job_type)
            .bind(new.status)
            .bind(Json(new.data))
            .bind(now)
    ))
}

pub async fn find(db: &mut dyn Session, id: UserJobId) -> DbResult<Option<JobRecord>> {
    let sql = concat!("SELECT ", columns!(), " FROM user_jobs WHERE id = $1");
    Ok(fetch_optional!(db, sqlx::query_as(sql).bind(id.get())))
}
