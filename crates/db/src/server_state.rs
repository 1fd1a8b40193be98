//! Small server-wide facts kept in the database so every process agrees on them: the JWT
//! signing secret and the first-run marker.

use chrono::{DateTime, Utc};

use crate::{DbResult, Session, execute, fetch_optional};

/// The value stored under `key`, if any.
pub async fn get(db: &mut dyn Session, key: &str) -> DbResult<Option<String>> {
    let sql = "SELECT value FROM server_state WHERE key = $1";
    Ok(fetch_optional!(db, sqlx::query_scalar(sql).bind(key)))
}

/// Stores `value` under `key` unless something is there already. Returns whether this call
/// stored it, which makes it a claim: of several processes racing, exactly one wins.
pub async fn claim(
    db: &mut dyn Session,
    key: &str,
    value: &str,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    let sql = "INSERT INTO server_state (key, value, created_at) VALUES ($1, $2, $3) \
               ON CONFLICT (key) DO NOTHING";
    let inserted = execute!(db, sqlx::query(sql).bind(key).bind(value).bind(now));
    Ok(inserted == 1)
}
