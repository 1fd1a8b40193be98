//! An agent's automation: where its events go (webhook and callback URLs) with the secret
//! that signs them, and the log of every delivery.

use ace_domain::ids::AgentId;
use ace_domain::webhook::{DeliveryStatus, DeliveryTarget};
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::FromRow;
use sqlx::types::Json;

use crate::{DbResult, Session, execute, fetch_all, fetch_one, fetch_optional};

/// A stored configuration.
#[derive(Clone, Debug, FromRow)]
pub struct ConfigRecord {
    pub agent_id: i64,
    pub webhook_url: Option<String>,
    pub callback_url: Option<String>,
    pub polling_enabled: bool,
    pub signing_secret: String,
    pub updated_at: DateTime<Utc>,
}

/// A stored delivery.
#[derive(Clone, Debug, FromRow)]
pub struct DeliveryRecord {
    pub id: i64,
    pub agent_id: i64,
    /// The `webhook-id` header: the same on every attempt.
    pub message_id: String,
    #[sqlx(try_from = "String")]
    pub target: DeliveryTarget,
    pub event_type: String,
    pub url: String,
    pub payload: Json<Value>,
    #[sqlx(try_from = "String")]
    pub status: DeliveryStatus,
    pub attempts: i64,
    pub last_status_code: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

/// A delivery to record.
#[derive(Clone, Debug)]
pub struct NewDelivery<'a> {
    pub agent_id: AgentId,
    pub message_id: &'a str,
    pub target: DeliveryTarget,
    pub event_type: &'a str,
    pub url: &'a str,
    pub payload: &'a Value,
}

/// An attempt's result.
#[derive(Clone, Debug)]
pub struct Attempt<'a> {
    /// Pending (will retry), delivered or failed (gave up).
    pub status: DeliveryStatus,
    pub status_code: Option<i64>,
    pub error: Option<&'a str>,
}

macro_rules! delivery_columns {
    () => {
        "id, agent_id, message_id, target, event_type, url, payload, status, attempts, last_status_code, \
         last_error, created_at, updated_at, delivered_at"
    };
}

pub async fn find(db: &mut dyn Session, agent: AgentId) -> DbResult<Option<ConfigRecord>> {
    let sql = "SELECT agent_id, webhook_url, callback_url, polling_enabled, signing_secret, updated_at \
               FROM automation_configs WHERE agent_id = $1";
    Ok(fetch_optional!(db, sqlx::query_as(sql).bind(agent.get())))
}

/// Writes the whole configuration.
pub async fn save(
    db: &mut dyn Session,
    config: &ConfigRecord,
    now: DateTime<Utc>,
) -> DbResult<ConfigRecord> {
    let sql = "INSERT INTO automation_configs (agent_id, webhook_url, callback_url, polling_enabled, signing_secret, updated_at) \
               VALUES ($1, $2, $3, $4, $5, $6) \
               ON CONFLICT (agent_id) DO UPDATE SET webhook_url = excluded.webhook_url, \
                 callback_url = excluded.callback_url, polling_enabled = excluded.polling_enabled, \
                 signing_secret = excluded.signing_secret, updated_at = excluded.updated_at \
               RETURNING agent_id, webhook_url, callback_url, polling_enabled, signing_secret, updated_at";
    Ok(fetch_one!(
        db,
        sqlx::query_as(sql)
            .bind(config.agent_id)
            .bind(&config.webhook_url)
            .bind(&config.callback_url)
            .bind(config.polling_enabled)
            .bind(&config.signing_secret)
            .bind(now)
    ))
}

pub async fn insert_delivery(
    db: &mut dyn Session,
    new: &NewDelivery<'_>,
    now: DateTime<Utc>,
) -> DbResult<DeliveryRecord> {
    let sql = concat!(
        "INSERT INTO webhook_deliveries (agent_id, message_id, target, event_type, url, payload, status, \
           created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $7) RETURNING ",
        delivery_columns!()
    );
    Ok(fetch_one!(
        db,
        sqlx::query_as(sql)
            .bind(new.agent_id.get())
            .bind(new.message_id)
            .bind(new.target.as_str())
            .bind(new.event_type)
            .bind(new.url)
            .bind(Json(new.payload))
            .bind(now)
    ))
}

pub async fn find_delivery(db: &mut dyn Session, id: i64) -> DbResult<Option<DeliveryRecord>> {
    let sql = concat!(
        "SELECT ",
        delivery_columns!(),
        " FROM webhook_deliveries WHERE id = $1"
    );
    Ok(fetch_optional!(db, sqlx::query_as(sql).bind(id)))
}

/// A delivery with the secret that signs it now (`None` if the agent's configuration is
/// gone).
#[derive(Clone, Debug, FromRow)]
pub struct Outgoing {
    #[sqlx(flatten)]
    pub delivery: DeliveryRecord,
    pub signing_secret: Option<String>,
}

/// A delivery and its current signing secret, in one statement.
pub async fn find_outgoing(db: &mut dyn Session, id: i64) -> DbResult<Option<Outgoing>> {
    let sql = "SELECT d.id, d.agent_id, d.message_id, d.target, d.event_type, d.url, d.payload, d.status, \
                 d.attempts, d.last_status_code, d.last_error, d.created_at, d.updated_at, d.delivered_at, \
                 c.signing_secret \
               FROM webhook_deliveries d LEFT JOIN automation_configs c ON c.agent_id = d.agent_id \
               WHERE d.id = $1";
    Ok(fetch_optional!(db, sqlx::query_as(sql).bind(id)))
}

/// Records one attempt.
pub async fn record_attempt(
    db: &mut dyn Session,
    id: i64,
    attempt: &Attempt<'_>,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let sql = "UPDATE webhook_deliveries SET status = $2, attempts = attempts + 1, last_status_code = $3, \
                 last_error = $4, updated_at = $5, \
                 delivered_at = CASE WHEN $2 = 'delivered' THEN $5 ELSE delivered_at END \
               WHERE id = $1";
    execute!(
        db,
        sqlx::query(sql)
            .bind(id)
            .bind(attempt.status.as_str())
            .bind(attempt.status_code)
            .bind(attempt.error)
            .bind(now)
    );
    Ok(())
}

/// Gives up on a delivery.
pub async fn mark_failed(
    db: &mut dyn Session,
    id: i64,
    error: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let sql = "UPDATE webhook_deliveries SET status = 'failed', last_error = $2, updated_at = $3 \
               WHERE id = $1 AND status = 'pending'";
    execute!(db, sqlx::query(sql).bind(id).bind(error).bind(now));
    Ok(())
}

/// The agent's latest deliveries, newest first.
pub async fn list_deliveries(
    db: &mut dyn Session,
    agent: AgentId,
    limit: i64,
) -> DbResult<Vec<DeliveryRecord>> {
    let sql = concat!(
        "SELECT ",
        delivery_columns!(),
        " FROM webhook_deliveries WHERE agent_id = $1 ORDER BY id DESC LIMIT $2"
    );
    Ok(fetch_all!(
        db,
        sqlx::query_as(sql).bind(agent.get()).bind(limit)
    ))
}
