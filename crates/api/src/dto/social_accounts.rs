//! Connected social accounts on the wire (ace additions beside Agent Core's
//! `linked_accounts`): an authorization to open, a connected account with its status and
//! posting settings, and the body that changes those settings. Tokens never appear.

use ace_app::publishing::accounts::{Authorization, ConnectedAccount};
use ace_domain::publishing::PostSettings;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::time::iso;

/// Where the creator authorizes ace to post for them.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthorizationResponse {
    /// Open this in a browser signed in to the TikTok account; TikTok sends it back to ace.
    pub authorization_url: String,
    /// The link works once, until then.
    pub expires_at: String,
}

impl From<Authorization> for AuthorizationResponse {
    fn from(authorization: Authorization) -> Self {
        Self {
            authorization_url: authorization.authorization_url,
            expires_at: iso(authorization.expires_at),
        }
    }
}

/// How an account's posts go out.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostSettingsBody {
    /// PUBLIC_TO_EVERYONE, FOLLOWER_OF_CREATOR, MUTUAL_FOLLOW_FRIENDS or SELF_ONLY; it must be
    /// one TikTok offers the creator. Null: the most public one offered.
    #[serde(default)]
    pub privacy_level: Option<String>,
    /// False turns comments off on posts. Null: as the creator's account allows.
    #[serde(default)]
    pub allow_comments: Option<bool>,
    #[serde(default)]
    pub allow_duet: Option<bool>,
    #[serde(default)]
    pub allow_stitch: Option<bool>,
}

impl From<PostSettingsBody> for PostSettings {
    fn from(body: PostSettingsBody) -> Self {
        Self {
            privacy_level: body.privacy_level,
            allow_comments: body.allow_comments,
            allow_duet: body.allow_duet,
            allow_stitch: body.allow_stitch,
        }
    }
}

impl From<PostSettings> for PostSettingsBody {
    fn from(settings: PostSettings) -> Self {
        Self {
            privacy_level: settings.privacy_level,
            allow_comments: settings.allow_comments,
            allow_duet: settings.allow_duet,
            allow_stitch: settings.allow_stitch,
        }
    }
}

/// `{settings: {...}}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSocialAccountBody {
    pub settings: PostSettingsBody,
}

/// A connected account.
#[derive(Debug, Serialize, ToSchema)]
pub struct SocialAccountResponse {
    /// Its id in Agent Core's `linked_accounts`; `account_id` in a post's data picks it.
    pub account_id: i64,
    pub agent_id: i64,
    pub platform: String,
    pub open_id: String,
    pub username: Option<String>,
    pub display_name: Option<String>,
    pub url: String,
    /// connected, or needs_reconnect (its grant stopped working).
    pub status: String,
    /// Why it must be connected again.
    pub reconnect_reason: Option<String>,
    pub scopes: Vec<String>,
    pub connected_at: String,
    /// When its access token expires; ace refreshes it before then.
    pub access_expires_at: String,
    pub settings: PostSettingsBody,
}

impl From<ConnectedAccount> for SocialAccountResponse {
    fn from(account: ConnectedAccount) -> Self {
        Self {
            account_id: account.account_id,
            agent_id: account.agent_id.get(),
            platform: account.platform,
            open_id: account.open_id,
            username: account.username,
            display_name: account.display_name,
            url: account.url,
            status: if account.needs_reconnect.is_some() {
                "needs_reconnect".into()
            } else {
                "connected".into()
            },
            reconnect_reason: account.needs_reconnect,
            scopes: account.scopes,
            connected_at: iso(account.connected_at),
            access_expires_at: iso(account.access_expires_at),
            settings: account.settings.into(),
        }
    }
}
