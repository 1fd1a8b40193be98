//! `Idempotency-Key` on pre-charge requests (GEN: credits, Idempotency). The answer to a
//! request sent with a key is stored, in the transaction that charges, under the caller and
//! the key; for a day, the same request with the same key gets that answer again and is
//! charged nothing more. The same key with a different request is refused, so a client bug
//! cannot silently return somebody else's answer.

use ace_db::Session;
use ace_db::idempotency as store;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::{Actor, App, AppError, AppResult, ErrorCode};

/// How long an answer is kept.
pub const WINDOW: Duration = Duration::hours(24);

/// The longest key accepted.
const KEY_MAX: usize = 255;

/// A request sent with an `Idempotency-Key`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Idempotent {
    key: String,
    fingerprint: String,
}

impl Idempotent {
    /// The header's key with a digest of what was asked: the `operation` (its name and
    /// target) and the request body.
    pub fn new(key: &str, operation: &str, body: &Value) -> AppResult<Self> {
        let valid = !key.is_empty()
            && key.len() <= KEY_MAX
            && key.bytes().all(|b| b.is_ascii_graphic() || b == b' ');
        if !valid {
            return Err(AppError::unprocessable(
                ErrorCode::ValidationError,
                format!("Idempotency-Key must be 1 to {KEY_MAX} printable ASCII characters."),
            ));
        }
        let mut digest = Sha256::new();
        digest.update(operation.as_bytes());
        digest.update([0]);
        digest.update(body.to_string().as_bytes());
        Ok(Self {
            key: key.to_owned(),
            fingerprint: hex::encode(digest.finalize()),
        })
    }

    /// The answer given to this request before, if any.
    pub(crate) async fn replay<T: DeserializeOwned>(
        &self,
        db: &mut dyn Session,
        app: &App,
        actor: &Actor,
    ) -> AppResult<Option<T>> {
        let since = app.clock.now() - WINDOW;
        let Some(stored) = store::find(db, actor.user_id.get(), &self.key, since).await? else {
            return Ok(None);
        };
        if stored.fingerprint != self.fingerprint {
            return Err(AppError::unprocessable(
                ErrorCode::ValidationError,
                "This Idempotency-Key was already used for a different request; use a new key.",
            ));
        }
        let answer = serde_json::from_value(stored.response.0)
            .map_err(|err| AppError::internal(anyhow::anyhow!("stored answer: {err}")))?;
        Ok(Some(answer))
    }

    /// Stores `answer` in the charging transaction. `false`: a concurrent request with the
    /// same key stored its answer first, so roll back and [`Idempotent::replay`] it.
    pub(crate) async fn remember(
        &self,
        tx: &mut dyn Session,
        actor: &Actor,
        answer: &impl Serialize,
        now: DateTime<Utc>,
    ) -> AppResult<bool> {
        let response = serde_json::to_value(answer)
            .map_err(|err| AppError::internal(anyhow::anyhow!("answer: {err}")))?;
        let user = actor.user_id.get();
        let since = now - WINDOW;
        Ok(store::store(
            tx,
            user,
            &self.key,
            &self.fingerprint,
            &response,
            now,
            since,
        )
        .await?)
    }
}

/// Forgets answers older than the window; returns how many.
pub async fn sweep_expired(app: &App) -> AppResult<u64> {
    let before = app.clock.now() - WINDOW;
    Ok(store::delete_older_than(&mut app.db.writer().await?, before).await?)
}
