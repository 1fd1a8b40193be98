//! Publishing (`publish_content`): an agent's own TikTok accounts connected with Login Kit
//! ([`accounts`]), posts started now or at a scheduled time as user jobs ([`post`]), and the
//! job that posts them through TikTok's Content Posting API and follows them until TikTok
//! publishes them ([`run`]), once the video passed the quality gates ([`gates`]). Grants are
//! sealed at rest with a key of their own ([`sealing`]); a linked account removed from Agent
//! Core has its grant revoked ([`revoke`]).

pub mod accounts;
pub mod gates;
pub mod metrics;
pub mod post;
pub mod revoke;
pub mod run;
pub mod sealing;

use std::time::Duration;

use ace_domain::ids::AgentId;
use ace_providers::publishers::tiktok::TikTok;

use crate::policy::{Denials, agent_not_found, no_access_to_agent};
use crate::{AppError, ErrorCode};

pub use sealing::TokenSealer;

/// How this server publishes.
#[derive(Debug)]
pub struct Publishing {
    /// TikTok's APIs (an app may or may not be configured).
    pub tiktok: TikTok,
    /// Seals the grants kept; `None`: no key is configured, so no account can be connected.
    pub sealer: Option<TokenSealer>,
    /// Where TikTok sends creators back to; `None`: ace's own callback under its public URL.
    pub redirect_uri: Option<String>,
    /// URL prefixes verified with TikTok, which it may pull videos from itself.
    pub verified_url_prefixes: Vec<String>,
    /// How often a post's status is read while TikTok processes it.
    pub status_interval: Duration,
    /// How long ace follows a post before giving up on it.
    pub follow_for: Duration,
    /// How long a post waits when TikTok says to slow down.
    pub rate_limit_wait: Duration,
    /// The interval of a published post's hourly readings (daily ones are 24 of them).
    pub figures_interval: Duration,
}

impl Default for Publishing {
    fn default() -> Self {
        Self {
            tiktok: TikTok::new(Default::default()).expect("the default TikTok client builds"),
            sealer: None,
            redirect_uri: None,
            verified_url_prefixes: Vec::new(),
            status_interval: Duration::from_secs(10),
            follow_for: Duration::from_secs(24 * 60 * 60),
            rate_limit_wait: Duration::from_secs(60),
            figures_interval: Duration::from_secs(60 * 60),
        }
    }
}

/// The queue lane of TikTok calls.
pub const LANE: &str = "tiktok";

/// The path of ace's own TikTok callback.
pub const TIKTOK_CALLBACK_PATH: &str = "/v1/social_accounts/tiktok/callback";

/// Who may connect accounts and publish for an agent: its editors.
pub(crate) const PUBLISHING: Denials = Denials {
    missing: agent_not_found,
    stranger: no_access_to_agent,
    role: role_too_low,
};

fn role_too_low(_: AgentId) -> AppError {
    AppError::forbidden(
        ErrorCode::PermissionDenied,
        "Your role in this workspace does not allow publishing for this agent.",
    )
}

/// The refusal when no key seals tokens.
fn no_sealer() -> AppError {
    AppError::unprocessable(
        ErrorCode::PublishingNotConfigured,
        "This server keeps no social account tokens: its operator must set ACE_TOKEN_ENCRYPTION_KEY.",
    )
}
