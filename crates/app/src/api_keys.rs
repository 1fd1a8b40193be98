//! The caller's personal access tokens: create (the secret is shown once), list, rename and
//! revoke. Every user manages their own keys, whatever their roles.

use ace_db::api_keys::{self, ApiKeyRecord, NewApiKey};
use ace_domain::ids::ApiKeyId;
use ace_domain::text::{optional_line, required_line};
use ace_domain::token::{TOKEN_PREFIX, TokenStatus, parse_expires_in};
use chrono::{DateTime, Utc};

use crate::auth::{announce_revocation, forget_revoked, mint_token};
use crate::{Actor, App, AppError, AppResult, ErrorCode};

const NAME_MAX: usize = 100;
/// Active keys one user may hold; each has its own rate limit, so this bounds that too.
pub const MAX_ACTIVE: usize = 100;
/// GEN's token type for personal access tokens.
pub const TOKEN_TYPE: &str = "personal_access_token";

/// A key as its owner sees it: never its secret, only the last characters.
#[derive(Clone, Debug)]
pub struct ApiKey {
    pub id: ApiKeyId,
    pub name: String,
    pub token_type: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// Active, expired or revoked, as of the request.
    pub status: TokenStatus,
    /// The token's prefix and last characters, for recognising it.
    pub masked_token: String,
}

impl ApiKey {
    fn new(record: ApiKeyRecord, now: DateTime<Utc>) -> Self {
        Self {
            id: record.id,
            status: TokenStatus::of(record.revoked_at, record.expires_at, now),
            masked_token: format!("{TOKEN_PREFIX}****{}", record.token_hint),
            name: record.name,
            token_type: record.token_type,
            created_at: record.created_at,
            expires_at: record.expires_at,
            last_used_at: record.last_used_at,
            revoked_at: record.revoked_at,
        }
    }
}

/// A created key with its secret, which is never stored.
#[derive(Debug)]
pub struct CreatedKey {
    pub key: ApiKey,
    pub token: String,
}

/// Creates a key for the caller. Without a name it is named after its creation time; without
/// `expires_in` it never expires.
pub async fn create(
    app: &App,
    actor: &Actor,
    name: Option<&str>,
    expires_in: Option<&serde_json::Value>,
) -> AppResult<CreatedKey> {
    let now = app.clock.now();
    let name = optional_line("name", name, NAME_MAX)?
        .unwrap_or_else(|| format!("API key {}", now.format("%Y-%m-%d %H:%M:%S UTC")));
    let expires_at = match expires_in {
        None | Some(serde_json::Value::Null) => None,
        Some(value) => Some(now + parse_expires_in(value)?),
    };
    let mut conn = app.db.conn().await?;
    let active = api_keys::list_for_user(&mut conn, actor.user_id)
        .await?
        .iter()
        .filter(|k| TokenStatus::of(k.revoked_at, k.expires_at, now) == TokenStatus::Active)
        .count();
    if active >= MAX_ACTIVE {
        return Err(AppError::unprocessable(
            ErrorCode::ValidationError,
            format!(
                "You already have {active} active API keys; revoke one before creating another."
            ),
        ));
    }
    let minted = mint_token();
    let new = NewApiKey {
        user_id: actor.user_id,
        name,
        token_hash: minted.hash,
        token_hint: minted.hint,
        token_type: TOKEN_TYPE.into(),
        expires_at,
    };
    drop(conn);
    let record = api_keys::insert(&mut app.db.writer().await?, &new, now).await?;
    Ok(CreatedKey {
        key: ApiKey::new(record, now),
        token: minted.plain,
    })
}

/// All of the caller's keys, including revoked and expired ones.
pub async fn list(app: &App, actor: &Actor) -> AppResult<Vec<ApiKey>> {
    let mut conn = app.db.conn().await?;
    let now = app.clock.now();
    let keys = api_keys::list_for_user(&mut conn, actor.user_id).await?;
    Ok(keys.into_iter().map(|k| ApiKey::new(k, now)).collect())
}

/// Renames one of the caller's keys.
pub async fn rename(
    app: &App,
    actor: &Actor,
    id: ApiKeyId,
    name: Option<&str>,
) -> AppResult<ApiKey> {
    let name = required_line("name", name.unwrap_or_default(), NAME_MAX)?;
    let mut conn = app.db.writer().await?;
    let key = api_keys::rename(&mut conn, id, actor.user_id, &name)
        .await?
        .ok_or_else(|| key_not_found(id))?;
    Ok(ApiKey::new(key, app.clock.now()))
}

/// Revokes one of the caller's keys; it stops working at once, in every process.
pub async fn revoke(app: &App, actor: &Actor, id: ApiKeyId) -> AppResult<ApiKey> {
    let mut tx = app.db.begin().await?;
    let key = api_keys::revoke(&mut tx, id, actor.user_id, app.clock.now())
        .await?
        .ok_or_else(|| key_not_found(id))?;
    revoked(app, tx, &format!("key:{id}")).await?;
    Ok(ApiKey::new(key, app.clock.now()))
}

/// Revokes every key of the caller, the one in use included; returns how many.
pub async fn revoke_all(app: &App, actor: &Actor) -> AppResult<u64> {
    let mut tx = app.db.begin().await?;
    let count = api_keys::revoke_all(&mut tx, actor.user_id, app.clock.now()).await?;
    revoked(app, tx, &format!("user:{}", actor.user_id)).await?;
    Ok(count)
}

/// Commits a revocation together with its notice to other processes, then forgets the
/// cached keys here. Forgetting after the commit matters: a read racing the revocation then
/// either sees it or is kept out of the cache by the generation check.
async fn revoked(app: &App, mut tx: ace_db::Tx, payload: &str) -> AppResult<()> {
    announce_revocation(&mut tx, payload).await?;
    tx.commit().await?;
    forget_revoked(app, payload);
    Ok(())
}

fn key_not_found(id: ApiKeyId) -> AppError {
    AppError::not_found(ErrorCode::NotFound, format!("API key {id} not found."))
}
