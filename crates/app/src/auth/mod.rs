//! Who is calling. A request presents an API key (`X-API-Key`, or `Authorization: Bearer`
//! with a key) or an HS256 JWT signed with the server secret. API keys are 32 random bytes, so
//! a SHA-256 digest looked up by index is both safe and fast; no slow password hash runs per
//! request. A revoked or expired key is refused at once.

mod key_cache;
pub mod passwords;

use ace_db::api_keys;
use ace_db::notify::Heard;
use ace_db::users;
use ace_domain::ids::{ApiKeyId, UserId};
use ace_domain::token::{TOKEN_PREFIX, TokenStatus};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Duration;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::accounts::user::User;
use crate::{App, AppError, AppResult};

pub use key_cache::CHANNEL as REVOCATIONS_CHANNEL;
pub(crate) use key_cache::{CachedKey, KeyCache};

/// How often `last_used_at` is written for a busy key: once a minute keeps it current
/// without a write on every request.
const LAST_USED_GRANULARITY: Duration = Duration::seconds(60);

/// The authenticated caller.
#[derive(Clone, Debug)]
pub struct Actor {
    pub user_id: UserId,
    pub via: Via,
    /// The user as read while authenticating, in the same request.
    pub user: Option<User>,
}

/// The credential an [`Actor`] presented.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    ApiKey(ApiKeyId),
    Jwt,
    /// Work the user started that ace carries on (the steps of a row run).
    OnBehalf,
}

impl Actor {
    /// The bucket this caller is rate limited in: one per API key, one per user for JWTs.
    pub fn rate_limit_key(&self) -> String {
        match self.via {
            Via::ApiKey(id) => format!("key:{id}"),
            Via::Jwt | Via::OnBehalf => format!("user:{}", self.user_id),
        }
    }

    /// The user, for work they started that ace carries on: the same access checks apply.
    pub fn on_behalf_of(user_id: UserId) -> Actor {
        Actor {
            user_id,
            via: Via::OnBehalf,
            user: None,
        }
    }
}

/// A freshly minted API key. Its secret exists only here and in the response that shows it
/// once.
pub struct MintedToken {
    pub plain: String,
    pub hash: String,
    pub hint: String,
}

/// Generates a new API key secret.
pub fn mint_token() -> MintedToken {
    let mut bytes = [0_u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let plain = format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes));
    let hint = plain[plain.len() - 4..].to_owned();
    MintedToken {
        hash: hash_token(&plain),
        plain,
        hint,
    }
}

/// The digest stored for, and looked up by, a token.
pub fn hash_token(plain: &str) -> String {
    hex::encode(Sha256::digest(plain.trim().as_bytes()))
}

/// The signing keys for JWTs.
pub(crate) struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl JwtKeys {
    pub(crate) fn new(secret: &[u8]) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Claims {
    /// The user id, as a string or a number.
    sub: serde_json::Value,
    exp: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    iat: Option<i64>,
}

/// Authenticates an API key.
pub async fn authenticate_api_key(app: &App, presented: &str) -> AppResult<Actor> {
    let presented = presented.trim();
    if presented.is_empty() {
        return Err(AppError::unauthorized("Missing API key."));
    }
    let digest = hash_token(presented);
    let key = match app.keys.get(&digest) {
        Some(cached) => cached,
        None => {
            let seen = app.keys.generation();
            let mut conn = app.db.conn().await?;
            let found = api_keys::find_by_hash(&mut conn, &digest)
                .await?
                .ok_or_else(|| AppError::unauthorized("Invalid API key."))?;
            if found.key.revoked_at.is_some() {
                return Err(AppError::unauthorized("This API key has been revoked."));
            }
            let key = CachedKey::new(
                found.key.id,
                found.user(),
                found.key.expires_at,
                found.key.last_used_at,
            );
            app.keys.put(digest.clone(), key.clone(), seen);
            key
        }
    };
    let now = app.clock.now();
    if TokenStatus::of(None, key.expires_at, now) == TokenStatus::Expired {
        return Err(AppError::unauthorized("This API key has expired."));
    }
    if key
        .last_used_at
        .is_none_or(|at| now - at >= LAST_USED_GRANULARITY)
    {
        let mut conn = app.db.writer().await?;
        api_keys::touch(&mut conn, key.key_id, now).await?;
        app.keys.touched(&digest, now);
    }
    Ok(Actor {
        user_id: key.user.id,
        via: Via::ApiKey(key.key_id),
        user: Some(key.user.into()),
    })
}

/// Tells every other process on the same PostgreSQL about a revocation, as part of `tx`
/// (the notice goes out when it commits). `payload` is `key:<id>` or `user:<id>`.
pub(crate) async fn announce_revocation(
    tx: &mut dyn ace_db::Session,
    payload: &str,
) -> AppResult<()> {
    ace_db::notify::notify(tx, REVOCATIONS_CHANNEL, payload).await?;
    Ok(())
}

/// Forgets this process's cached keys named by a committed revocation.
pub(crate) fn forget_revoked(app: &App, payload: &str) {
    app.keys.apply(payload);
}

/// Starts keeping this process's key cache in step with revocations made by other
/// processes. On PostgreSQL it listens before returning, so the cache is on from the first
/// request, and returns the task that follows the notices (re-listening, with the cache off,
/// whenever the connection drops). On SQLite this process makes every revocation itself, so
/// there is nothing to follow and it returns `None`.
pub async fn follow_revocations(app: &App) -> Option<tokio::task::JoinHandle<()>> {
    let listener = match app.db.listen(&[REVOCATIONS_CHANNEL]).await {
        Ok(None) => return None,
        Ok(Some(listener)) => {
            app.keys.enable();
            Some(listener)
        }
        Err(err) => {
            tracing::warn!(error = %err, "cannot listen for key revocations; caching no keys for now");
            None
        }
    };
    Some(tokio::spawn(follow(app.clone(), listener)))
}

async fn follow(app: App, mut listener: Option<ace_db::notify::Listener>) {
    loop {
        if let Some(active) = listener.as_mut() {
            while let Ok(Heard::Notice(notice)) = active.next().await {
                app.keys.apply(&notice.payload);
            }
            app.keys.disable();
            tracing::warn!("lost the key-revocation listener; caching no keys until it is back");
        }
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        listener = match app.db.listen(&[REVOCATIONS_CHANNEL]).await {
            Ok(Some(fresh)) => {
                app.keys.enable();
                Some(fresh)
            }
            _ => None,
        };
    }
}

/// Authenticates an `Authorization: Bearer` credential, which may be a JWT or an API key.
pub async fn authenticate_bearer(app: &App, token: &str) -> AppResult<Actor> {
    if looks_like_jwt(token) {
        authenticate_jwt(app, token).await
    } else {
        authenticate_api_key(app, token).await
    }
}

fn looks_like_jwt(token: &str) -> bool {
    token.split('.').count() == 3 && !token.starts_with(TOKEN_PREFIX)
}

async fn authenticate_jwt(app: &App, token: &str) -> AppResult<Actor> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_required_spec_claims(&["exp", "sub"]);
    validation.leeway = 30;
    let data = jsonwebtoken::decode::<Claims>(token.trim(), &app.jwt.decoding, &validation)
        .map_err(|_| AppError::unauthorized("Invalid or expired JWT."))?;
    let user_id = match &data.claims.sub {
        serde_json::Value::String(s) => s.parse::<UserId>().ok(),
        serde_json::Value::Number(n) => n.as_i64().map(UserId::new),
        _ => None,
    }
    .ok_or_else(|| AppError::unauthorized("Invalid or expired JWT."))?;
    let mut conn = app.db.conn().await?;
    let user = users::find(&mut conn, user_id)
        .await?
        .ok_or_else(|| AppError::unauthorized("The JWT's user no longer exists."))?;
    Ok(Actor {
        user_id,
        via: Via::Jwt,
        user: Some(user.into()),
    })
}

/// Issues a JWT for a user, valid for `ttl`.
pub fn issue_jwt(app: &App, user: UserId, ttl: Duration) -> AppResult<String> {
    let now = app.clock.now();
    let claims = Claims {
        sub: serde_json::Value::String(user.to_string()),
        exp: (now + ttl).timestamp(),
        iat: Some(now.timestamp()),
    };
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &app.jwt.encoding)
        .map_err(AppError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minted_tokens_are_prefixed_high_entropy_and_stored_only_as_digests() {
        let a = mint_token();
        let b = mint_token();
        assert!(a.plain.starts_with("ace_pat_"));
        assert_eq!(a.plain.len(), "ace_pat_".len() + 43);
        assert_ne!(a.plain, b.plain);
        assert_eq!(a.hash, hash_token(&a.plain));
        assert_eq!(a.hash.len(), 64);
        assert!(a.plain.ends_with(&a.hint));
    }

    #[test]
    fn only_three_part_tokens_are_read_as_jwts() {
        assert!(looks_like_jwt("aaa.bbb.ccc"));
        assert!(!looks_like_jwt("ace_pat_abc"));
    }
}
