//! Letting go of a grant: when a connected account leaves Agent Core's `linked_accounts` (a
//! PATCH that replaces the list, or a removed item), its tokens are deleted in the same
//! transaction and a job revokes the grant at TikTok, retried while TikTok is unreachable.
//! The job carries the access token sealed, as it was stored.

use std::time::Duration;

use ace_db::Session;
use ace_db::social_connections as store;
use ace_domain::ids::AgentId;
use ace_jobs::{Enqueue, Handler, Job, Outcome, Payload};
use ace_providers::publishers::tiktok::TikTokError;
use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};
use tracing::{info, warn};

use super::LANE;
use super::sealing::Purpose;
use crate::{App, AppResult};

/// Tries before a revocation is given up.
const ATTEMPTS: u32 = 6;

/// Revokes one grant.
#[derive(Debug, Serialize, Deserialize)]
pub struct RevokeGrant {
    /// Sealed, as stored.
    pub access_token: String,
    pub connection: i64,
}

impl Payload for RevokeGrant {
    const KIND: &'static str = "revoke_social_grant";
    const VERSION: u32 = 1;
}

/// Deletes the agent's connections whose linked account is not in `keep`, and queues the
/// revocation of their grants, in `tx`.
pub(crate) async fn release_removed(
    tx: &mut dyn Session,
    app: &App,
    agent: AgentId,
    keep: &[i64],
) -> AppResult<()> {
    for connection in store::remove_except(tx, agent, keep).await? {
        let payload = RevokeGrant {
            access_token: connection.access_token,
            connection: connection.id,
        };
        let job = Enqueue::new(&payload, LANE, agent.get()).attempts(ATTEMPTS);
        app.queue.enqueue(tx, &job).await?;
        info!(agent = %agent, connection = connection.id, "a connected account was removed; its grant will be revoked");
    }
    Ok(())
}

/// Runs revocations.
pub struct RevokeJobs {
    app: App,
}

impl RevokeJobs {
    pub fn new(app: App) -> Self {
        Self { app }
    }
}

impl Handler for RevokeJobs {
    fn kind(&self) -> &'static str {
        RevokeGrant::KIND
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let base = self.app.settings.generation_retry_base;
        ace_jobs::exponential_backoff(attempt, base, base.saturating_mul(64))
    }

    fn run(&self, job: Job) -> BoxFuture<'static, Outcome> {
        let app = self.app.clone();
        Box::pin(async move {
            let Some(payload) = job.readable_payload::<RevokeGrant>() else {
                return Outcome::Done;
            };
            let Some(sealer) = app.publishing.sealer.as_ref() else {
                warn!(
                    connection = payload.connection,
                    "a grant cannot be revoked: no token encryption key is configured"
                );
                return Outcome::Done;
            };
            let Ok(token) = sealer.open(&payload.access_token, Purpose::AccessToken) else {
                warn!(
                    connection = payload.connection,
                    "a grant cannot be revoked: its token does not open with the configured key"
                );
                return Outcome::Done;
            };
            match app.publishing.tiktok.revoke(&token).await {
                Ok(()) | Err(TikTokError::Grant { .. }) => Outcome::Done,
                Err(err) if err.is_transient() => Outcome::Retry(err.to_string()),
                Err(err) => {
                    warn!(connection = payload.connection, error = %err, "TikTok did not revoke a removed account's grant");
                    Outcome::Done
                }
            }
        })
    }

    fn give_up(&self, job: Job, reason: String) -> BoxFuture<'static, ()> {
        Box::pin(async move {
            warn!(job = job.id, reason = %reason, "a removed account's grant could not be revoked at TikTok");
        })
    }
}
