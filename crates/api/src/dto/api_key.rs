//! Personal access tokens.

use ace_app::api_keys::ApiKey;
use ace_domain::token::TokenStatus;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::time::{iso, iso_opt};
use crate::extract::Resource;

/// A token, without its secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyResponse {
    pub id: i64,
    pub name: String,
    pub token_type: String,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub expires_at: Option<String>,
    #[schema(format = DateTime)]
    pub last_used_at: Option<String>,
    #[schema(format = DateTime)]
    pub revoked_at: Option<String>,
    /// active, expired or revoked.
    #[schema(value_type = String)]
    pub status: TokenStatus,
    /// The token's last characters, for recognising it.
    pub masked_token: String,
}

impl From<&ApiKey> for ApiKeyResponse {
    fn from(key: &ApiKey) -> Self {
        Self {
            id: key.id.get(),
            name: key.name.clone(),
            token_type: key.token_type.clone(),
            created_at: iso(key.created_at),
            expires_at: iso_opt(key.expires_at),
            last_used_at: iso_opt(key.last_used_at),
            revoked_at: iso_opt(key.revoked_at),
            status: key.status,
            masked_token: key.masked_token.clone(),
        }
    }
}

/// A new token with its secret, shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedApiKeyResponse {
    #[serde(flatten)]
    pub key: ApiKeyResponse,
    /// The secret. It is not stored and cannot be shown again.
    pub token: String,
}

/// `{name?, expires_in?}`, also accepted under `persisted_token`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateApiKeyBody {
    pub name: Option<String>,
    /// Seconds (a number) or a duration such as `"30d"`, `"12h"` or `"45m"`. Omit for a key
    /// that never expires.
    #[schema(value_type = Option<String>, example = "30d")]
    pub expires_in: Option<serde_json::Value>,
}

impl Resource for CreateApiKeyBody {
    const KEY: &'static str = "persisted_token";
}

/// `{persisted_token: {name}}`, or `{name}`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RenameApiKeyBody {
    pub name: Option<String>,
}

impl Resource for RenameApiKeyBody {
    const KEY: &'static str = "persisted_token";
}
