//! Linked accounts connected to their platform: the sealed grant ace posts with, the
//! account's posting settings, whether it must be connected again, and the per-minute window
//! of post starts. Also the authorizations in flight (a state and its sealed PKCE verifier),
//! each taken once. Tokens arrive and leave sealed: this module never sees them in clear.

use ace_domain::ids::AgentId;
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::FromRow;
use sqlx::types::Json;

use crate::{DbResult, Session, execute, fetch_all, fetch_one, fetch_optional};

/// A stored connection.
#[derive(Clone, Debug, FromRow)]
pub struct ConnectionRecord {
    pub id: i64,
    #[sqlx(try_from = "i64")]
    pub agent_id: AgentId,
    pub linked_account_id: i64,
    pub platform: String,
    pub open_id: String,
    pub username: Option<String>,
    pub display_name: Option<String>,
    pub scopes: String,
    /// Sealed.
    pub access_token: String,
    pub access_expires_at: DateTime<Utc>,
    /// Sealed.
    pub refresh_token: Option<String>,
    pub refresh_expires_at: Option<DateTime<Utc>>,
    /// Why the grant stopped working; `None` while it works.
    pub needs_reconnect: Option<String>,
    pub settings: Json<Value>,
    pub connected_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A grant to keep, sealed.
#[derive(Clone, Debug)]
pub struct SealedGrant<'a> {
    pub access_token: &'a str,
    pub access_expires_at: DateTime<Utc>,
    pub refresh_token: Option<&'a str>,
    pub refresh_expires_at: Option<DateTime<Utc>>,
    pub scopes: &'a str,
}

/// A connection to record.
#[derive(Clone, Debug)]
pub struct NewConnection<'a> {
    pub agent_id: AgentId,
    pub linked_account_id: i64,
    pub platform: &'a str,
    pub open_id: &'a str,
    pub username: Option<&'a str>,
    pub display_name: Option<&'a str>,
    pub grant: SealedGrant<'a>,
}

macro_rules! columns {
    () => {
        "id, agent_id, linked_account_id, platform, open_id, username, display_name, scopes, \
         access_token, access_expires_at, refresh_token, refresh_expires_at, needs_reconnect, settings, \
         connected_at, updated_at"
    };
}

/// Records a connection, or renews the one of the same platform account (its grant, names and
/// connection time; its linked account and settings stay).
pub async fn connect(
    db: &mut dyn Session,
    new: &NewConnection<'_>,
    now: DateTime<Utc>,
) -> DbResult<ConnectionRecord> {
    let sql = concat!(
        "INSERT INTO social_connections (agent_id, linked_account_id, platform, open_id, username, \
           display_name, scopes, access_token, access_expires_at, refresh_token, refresh_expires_at, \
           connected_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) \
         ON CONFLICT (agent_id, platform, open_id) DO UPDATE SET \
           username = COALESCE(excluded.username, social_connections.username), \
           display_name = COALESCE(excluded.display_name, social_connections.display_name), \
           scopes = excluded.scopes, access_token = excluded.access_token, \
           access_expires_at = excluded.access_expires_at, refresh_token = excluded.refresh_token, \
           refresh_expires_at = excluded.refresh_expires_at, needs_reconnect = NULL, \
           connected_at = excluded.connected_at, updated_at = excluded.updated_at \
         RETURNING ",
        columns!()
    );
    Ok(fetch_one!(
        db,
        sqlx::query_as(sql)
            .bind(new.agent_id.get())
            .bind(new.linked_account_id)
            .bind(new.platform)
            .bind(new.open_id)
            .bind(new.username)
            .bind(new.display_name)
            .bind(new.grant.scopes)
            .bind(new.grant.access_token)
            .bind(new.grant.access_expires_at)
            .bind(new.grant.refresh_token)
            .bind(new.grant.refresh_expires_at)
            .bind(now)
    ))
}

/// The agent's connection to a platform account, if any.
pub async fn find_by_open_id(
    db: &mut dyn Session,
    agent: AgentId,
    platform: &str,
    open_id: &str,
) -> DbResult<Option<ConnectionRecord>> {
    let sql = concat!(
        "SELECT ",
        columns!(),
        " FROM social_connections WHERE agent_id = $1 AND platform = $2 AND open_id = $3"
    );
    Ok(fetch_optional!(
        db,
        sqlx::query_as(sql)
            .bind(agent.get())
            .bind(platform)
            .bind(open_id)
    ))
}

/// The connection of one of the agent's linked accounts.
pub async fn find_by_linked_account(
    db: &mut dyn Session,
    agent: AgentId,
    linked_account: i64,
) -> DbResult<Option<ConnectionRecord>> {
    let sql = concat!(
        "SELECT ",
        columns!(),
        " FROM social_connections WHERE agent_id = $1 AND linked_account_id = $2"
    );
    Ok(fetch_optional!(
        db,
        sqlx::query_as(sql).bind(agent.get()).bind(linked_account)
    ))
}

/// The agent's connections, most recently connected first.
pub async fn for_agent(db: &mut dyn Session, agent: AgentId) -> DbResult<Vec<ConnectionRecord>> {
    let sql = concat!(
        "SELECT ",
        columns!(),
        " FROM social_connections WHERE agent_id = $1 ORDER BY connected_at DESC, id DESC"
    );
    Ok(fetch_all!(db, sqlx::query_as(sql).bind(agent.get())))
}

/// Keeps a refreshed grant; the refresh token TikTok rotated replaces the old one.
pub async fn save_grant(
    db: &mut dyn Session,
    id: i64,
    grant: &SealedGrant<'_>,
    now: DateTime<Utc>,
) -> DbResult<()> {
    execute!(
        db,
        sqlx::query(
            "UPDATE social_connections SET access_token = $2, access_expires_at = $3, \
               refresh_token = COALESCE($4, refresh_token), \
               refresh_expires_at = COALESCE($5, refresh_expires_at), \
               scopes = CASE WHEN $6 = '' THEN scopes ELSE $6 END, needs_reconnect = NULL, updated_at = $7 \
             WHERE id = $1"
        )
        .bind(id)
        .bind(grant.access_token)
        .bind(grant.access_expires_at)
        .bind(grant.refresh_token)
        .bind(grant.refresh_expires_at)
        .bind(grant.scopes)
        .bind(now)
    );
    Ok(())
}

/// Marks the grant as no longer working, with the reason.
pub async fn mark_needs_reconnect(
    db: &mut dyn Session,
    id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    execute!(
        db,
        sqlx::query(
            "UPDATE social_connections SET needs_reconnect = $2, updated_at = $3 WHERE id = $1"
        )
        .bind(id)
        .bind(reason)
        .bind(now)
    );
    Ok(())
}

/// Replaces the account's posting settings.
pub async fn save_settings(
    db: &mut dyn Session,
    id: i64,
    settings: &Value,
    now: DateTime<Utc>,
) -> DbResult<()> {
    execute!(
        db,
        sqlx::query("UPDATE social_connections SET settings = $2, updated_at = $3 WHERE id = $1")
            .bind(id)
            .bind(Json(settings))
            .bind(now)
    );
    Ok(())
}

/// Takes one of `limit` post starts in the minute window running at `now_ms`. `None` when
/// taken; otherwise the time (ms) the window ends and a start may be taken again.
pub async fn take_init_slot(
    db: &mut dyn Session,
    id: i64,
    now_ms: i64,
    limit: i64,
) -> DbResult<Option<i64>> {
    const WINDOW_MS: i64 = 60_000;
    let window_ends = now_ms - WINDOW_MS;
    let taken = execute!(
        db,
        sqlx::query(
            "UPDATE social_connections SET \
               init_count = CASE WHEN init_window_ms <= $2 THEN 1 ELSE init_count + 1 END, \
               init_window_ms = CASE WHEN init_window_ms <= $2 THEN $3 ELSE init_window_ms END \
             WHERE id = $1 AND (init_window_ms <= $2 OR init_count < $4)"
        )
        .bind(id)
        .bind(window_ends)
        .bind(now_ms)
        .bind(limit)
    );
    if taken == 1 {
        return Ok(None);
    }
    let started: Option<i64> = fetch_optional!(
        db,
        sqlx::query_scalar("SELECT init_window_ms FROM social_connections WHERE id = $1").bind(id)
    );
    Ok(Some(started.unwrap_or(now_ms) + WINDOW_MS))
}

/// Deletes the agent's connections whose linked account is not in `keep`, returning them
/// (so their grants can be revoked).
pub async fn remove_except(
    db: &mut dyn Session,
    agent: AgentId,
    keep: &[i64],
) -> DbResult<Vec<ConnectionRecord>> {
    let removed: Vec<ConnectionRecord> = for_agent(db, agent)
        .await?
        .into_iter()
        .filter(|connection| !keep.contains(&connection.linked_account_id))
        .collect();
    for connection in &removed {
        execute!(
            db,
            sqlx::query("DELETE FROM social_connections WHERE id = $1").bind(connection.id)
        );
    }
    Ok(removed)
}

/// An authorization in flight.
#[derive(Clone, Debug, FromRow)]
pub struct AuthorizationRecord {
    #[sqlx(try_from = "i64")]
    pub agent_id: AgentId,
    pub platform: String,
    /// Sealed.
    pub code_verifier: String,
    pub redirect_uri: String,
    pub expires_at: DateTime<Utc>,
}

/// Records an authorization in flight (and forgets those that expired).
pub async fn begin_authorization(
    db: &mut dyn Session,
    state_hash: &str,
    record: &AuthorizationRecord,
    now: DateTime<Utc>,
) -> DbResult<()> {
    execute!(
        db,
        sqlx::query("DELETE FROM social_authorizations WHERE expires_at < $1").bind(now)
    );
    execute!(
        db,
        sqlx::query(
            "INSERT INTO social_authorizations (state_hash, agent_id, platform, code_verifier, \
               redirect_uri, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        )
        .bind(state_hash)
        .bind(record.agent_id.get())
        .bind(&record.platform)
        .bind(&record.code_verifier)
        .bind(&record.redirect_uri)
        .bind(record.expires_at)
        .bind(now)
    );
    Ok(())
}

/// Takes the authorization of `state_hash`: it is gone afterwards, used or not.
pub async fn take_authorization(
    db: &mut dyn Session,
    state_hash: &str,
) -> DbResult<Option<AuthorizationRecord>> {
    Ok(fetch_optional!(
        db,
        sqlx::query_as(
            "DELETE FROM social_authorizations WHERE state_hash = $1 \
             RETURNING agent_id, platform, code_verifier, redirect_uri, expires_at"
        )
        .bind(state_hash)
    ))
}
