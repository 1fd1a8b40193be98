//! Idempotency keys: the answer a pre-charge request gave, kept under the key its client
//! sent, so that a retry gets the same answer without a second charge.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::FromRow;
use sqlx::types::Json;

use crate::{DbResult, Session, execute, fetch_optional};

/// A remembered answer.
#[derive(Clone, Debug, FromRow)]
pub struct StoredAnswer {
    pub fingerprint: String,
    pub response: Json<Value>,
}

/// The answer stored under the user's `key` since `since`, if any.
pub async fn find(
    db: &mut dyn Session,
    user: i64,
    key: &str,
    since: DateTime<Utc>,
) -> DbResult<Option<StoredAnswer>> {
    let sql = "SELECT fingerprint, response FROM idempotency_keys \
               WHERE user_id = $1 AND key = $2 AND created_at >= $3";
    Ok(fetch_optional!(
        db,
        sqlx::query_as(sql).bind(user).bind(key).bind(since)
    ))
}

/// Stores an answer under the user's `key`, replacing one older than `since`. Returns false
/// if a live answer is there already (a concurrent request with the same key won).
pub async fn store(
    db: &mut dyn Session,
    user: i64,
    key: &str,
    fingerprint: &str,
    response: &Value,
    now: DateTime<Utc>,
    since: DateTime<Utc>,
) -> DbResult<bool> {
    let sql = "INSERT INTO idempotency_keys (user_id, key, fingerprint, response, created_at) \
               VALUES ($1, $2, $3, $4, $5) \
               ON CONFLICT (user_id, key) DO UPDATE SET fingerprint = excluded.fingerprint, \
                 response = excluded.response, created_at = excluded.created_at \
               WHERE idempotency_keys.created_at < $6";
    let stored = execute!(
        db,
        sqlx::query(sql)
            .bind(user)
            .bind(key)
            .bind(fingerprint)
            .bind(Json(response))
            .bind(now)
            .bind(since)
    );
    Ok(stored == 1)
}

/// Deletes answers older than `before`; returns how many.
pub async fn delete_older_than(db: &mut dyn Session, before: DateTime<Utc>) -> DbResult<u64> {
    let sql = "DELETE FROM idempotency_keys WHERE created_at < $1";
    Ok(execute!(db, sqlx::query(sql).bind(before)))
}
