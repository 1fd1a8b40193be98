//! Personal access tokens. Only a SHA-256 digest of each token is stored, indexed, so looking
//! a key up costs one index probe.

use ace_domain::ids::{ApiKeyId, UserId};
use chrono::{DateTime, Utc};
use sqlx::FromRow;

use crate::users::UserRecord;
use crate::{DbResult, Session, execute, fetch_all, fetch_one, fetch_optional};

/// A stored token (never its secret).
#[derive(Clone, Debug, FromRow)]
pub struct ApiKeyRecord {
    #[sqlx(try_from = "i64")]
    pub id: ApiKeyId,
    #[sqlx(try_from = "i64")]
    pub user_id: UserId,
    pub name: String,
    /// The last characters of the token, for a masked display.
    pub token_hint: String,
    pub token_type: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A token found by its digest, with the user it belongs to: everything authentication needs,
/// in one query.
#[derive(Clone, Debug, FromRow)]
pub struct KeyOwner {
    #[sqlx(flatten)]
    pub key: ApiKeyRecord,
    user_email: String,
    user_name: String,
    user_username: String,
    user_created_at: DateTime<Utc>,
    user_updated_at: DateTime<Utc>,
}

impl KeyOwner {
    pub fn user(&self) -> UserRecord {
        UserRecord {
            id: self.key.user_id,
            email: self.user_email.clone(),
            name: self.user_name.clone(),
            username: self.user_username.clone(),
            created_at: self.user_created_at,
            updated_at: self.user_updated_at,
        }
    }
}

/// A token to store.
#[derive(Clone, Debug)]
pub struct NewApiKey {
    pub user_id: UserId,
    pub name: String,
    pub token_hash: String,
    pub token_hint: String,
    pub token_type: String,
    pub expires_at: Option<DateTime<Utc>>,
}

macro_rules! columns {
    () => {
        "id, user_id, name, token_hint, token_type, created_at, expires_at, last_used_at, revoked_at"
    };
}

pub async fn insert(
    db: &mut dyn Session,
    new: &NewApiKey,
    now: DateTime<Utc>,
) -> DbResult<ApiKeyRecord> {
    let sql = concat!(
        "INSERT INTO api_keys (user_id, name, token_hash, token_hint, token_type, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ",
        columns!()
    );
    Ok(fetch_one!(
        db,
        sqlx::query_as(sql)
            .bind(new.user_id.get())
            .bind(&new.name)
            .bind(&new.token_hash)
            .bind(&new.token_hint)
            .bind(&new.token_type)
            .bind(now)
            .bind(new.expires_at)
    ))
}

/// The token with this digest, whatever its status, with its user.
pub async fn find_by_hash(db: &mut dyn Session, token_hash: &str) -> DbResult<Option<KeyOwner>> {
    let sql = "SELECT k.id, k.user_id, k.name, k.token_hint, k.token_type, k.created_at, k.expires_at, \
                 k.last_used_at, k.revoked_at, u.email AS user_email, u.name AS user_name, \
                 u.username AS user_username, u.created_at AS user_created_at, u.updated_at AS user_updated_at \
               FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.token_hash = $1";
    Ok(fetch_optional!(db, sqlx::query_as(sql).bind(token_hash)))
}

/// Every token of a user, newest first, including revoked and expired ones.
pub async fn list_for_user(db: &mut dyn Session, user: UserId) -> DbResult<Vec<ApiKeyRecord>> {
    let sql = concat!(
        "SELECT ",
        columns!(),
        " FROM api_keys WHERE user_id = $1 ORDER BY id DESC"
    );
    Ok(fetch_all!(db, sqlx::query_as(sql).bind(user.get())))
}

/// Renames a user's token; `None` when the user has no such token.
pub async fn rename(
    db: &mut dyn Session,
    id: ApiKeyId,
    user: UserId,
    name: &str,
) -> DbResult<Option<ApiKeyRecord>> {
    let sql = concat!(
        "UPDATE api_keys SET name = $3 WHERE id = $1 AND user_id = $2 RETURNING ",
        columns!()
    );
    Ok(fetch_optional!(
        db,
        sqlx::query_as(sql)
            .bind(id.get())
            .bind(user.get())
            .bind(name)
    ))
}

/// Revokes a user's token (a no-op on one already revoked); `None` when there is no such
/// token.
pub async fn revoke(
    db: &mut dyn Session,
    id: ApiKeyId,
    user: UserId,
    now: DateTime<Utc>,
) -> DbResult<Option<ApiKeyRecord>> {
    let sql = concat!(
        "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $3) \
         WHERE id = $1 AND user_id = $2 RETURNING ",
        columns!()
    );
    Ok(fetch_optional!(
        db,
        sqlx::query_as(sql)
            .bind(id.get())
            .bind(user.get())
            .bind(now)
    ))
}

/// Revokes every token of a user not yet revoked; returns how many.
pub async fn revoke_all(db: &mut dyn Session, user: UserId, now: DateTime<Utc>) -> DbResult<u64> {
    let sql = "UPDATE api_keys SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL";
    Ok(execute!(db, sqlx::query(sql).bind(user.get()).bind(now)))
}

/// Records that a token was used.
pub async fn touch(db: &mut dyn Session, id: ApiKeyId, now: DateTime<Utc>) -> DbResult<()> {
    let sql = "UPDATE api_keys SET last_used_at = $2 WHERE id = $1";
    execute!(db, sqlx::query(sql).bind(id.get()).bind(now));
    Ok(())
}
