//! TikTok: Login Kit's OAuth (authorization code with PKCE, refresh, revoke) in [`oauth`], and
//! the Content Posting API (creator info, a direct post uploaded in chunks or pulled from a
//! verified URL, its status) in [`posting`], and the Display API's video query (how a post
//! performs) in [`videos`]. Every answer carries TikTok's envelope
//! `{data, error: {code, message, log_id}}`; a failure becomes a [`TikTokError`] that keeps
//! TikTok's code and log id, so a failed post can be traced with TikTok's support.

mod oauth;
mod posting;
mod videos;

use std::time::Duration;

use ace_net::hosted_api::ApiKey;
use reqwest::{RequestBuilder, StatusCode};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tracing::warn;

pub use oauth::{Grant, Pkce};
pub use posting::{ChunkPlan, Creator, PostStatus, Upload, VideoPost, VideoSource};
pub use videos::VideoFigures;

/// Where TikTok's API is.
pub const API_URL: &str = "https://open.tiktokapis.com";
/// Where Login Kit asks the creator to authorize an app.
pub const AUTHORIZE_URL: &str = "https://www.tiktok.com/v2/auth/authorize/";
/// What ace asks a creator for: who they are, posting on their behalf, and reading their
/// videos' figures back.
pub const SCOPES: &str = "user.info.basic,video.publish,video.list";
/// The scope reading videos back needs.
pub const VIDEO_LIST_SCOPE: &str = "video.list";
/// The largest answer read.
const MAX_ANSWER_BYTES: usize = 1024 * 1024;

/// An app registered with TikTok for Developers: its client key and secret.
#[derive(Clone, Debug)]
pub struct TikTokApp {
    pub client_key: String,
    pub client_secret: ApiKey,
}

/// How ace reaches TikTok.
#[derive(Clone, Debug)]
pub struct TikTokConfig {
    /// `None`: tokens can be stored (`ace admin link-tiktok`) but not obtained or refreshed.
    pub app: Option<TikTokApp>,
    pub api_url: String,
    pub authorize_url: String,
    /// How long one request may take (chunk uploads included).
    pub timeout: Duration,
}

impl Default for TikTokConfig {
    fn default() -> Self {
        Self {
            app: None,
            api_url: API_URL.into(),
            authorize_url: AUTHORIZE_URL.into(),
            timeout: Duration::from_secs(120),
        }
    }
}

/// Why a call to TikTok failed. `Display` is safe to show users: it carries TikTok's error
/// code and log id, never a token.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TikTokError {
    /// The creator's grant is revoked or expired: the account must be connected again.
    #[error("TikTok no longer accepts this account's authorization ({}); connect the account again", detail(.code, .message, .log_id))]
    Grant {
        code: String,
        message: String,
        log_id: String,
    },
    /// Too many calls for the token or the app.
    #[error("TikTok is rate limiting this account ({})", detail(.code, .message, .log_id))]
    RateLimited {
        code: String,
        message: String,
        log_id: String,
    },
    /// TikTok refused the request.
    #[error("TikTok refused the request ({})", detail(.code, .message, .log_id))]
    Refused {
        code: String,
        message: String,
        log_id: String,
    },
    /// The server has no TikTok app configured.
    #[error(
        "this server has no TikTok app configured (set ACE_TIKTOK_CLIENT_KEY and ACE_TIKTOK_CLIENT_SECRET)"
    )]
    NoApp,
    /// TikTok could not be reached, timed out or failed on its side.
    #[error("TikTok is unavailable ({0})")]
    Unavailable(String),
    /// TikTok answered in a form ace cannot read.
    #[error("TikTok answered in a form ace cannot read ({0})")]
    BadAnswer(String),
}

fn detail(code: &str, message: &str, log_id: &str) -> String {
    let mut text = code.to_owned();
    if !message.is_empty() {
        text.push_str(": ");
        text.extend(message.chars().take(300));
    }
    if !log_id.is_empty() {
        text.push_str(&format!("; log id {log_id}"));
    }
    text
}

impl TikTokError {
    /// Whether trying again later may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            TikTokError::RateLimited { .. } | TikTokError::Unavailable(_)
        )
    }

    /// TikTok's error code, when it gave one.
    pub fn code(&self) -> Option<&str> {
        match self {
            TikTokError::Grant { code, .. }
            | TikTokError::RateLimited { code, .. }
            | TikTokError::Refused { code, .. } => Some(code),
            _ => None,
        }
    }
}

/// TikTok's APIs, for one configured app.
#[derive(Clone, Debug)]
pub struct TikTok {
    config: TikTokConfig,
    client: reqwest::Client,
}

/// TikTok's error object, in the Content Posting envelope.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ErrorObject {
    code: String,
    message: String,
    log_id: String,
}

#[derive(Debug, Deserialize)]
struct Envelope<T> {
    data: Option<T>,
    #[serde(default)]
    error: ErrorObject,
}

/// Error codes that mean the token itself is no good.
const GRANT_CODES: [&str; 4] = [
    "access_token_invalid",
    "scope_not_authorized",
    "invalid_grant",
    "token_expired",
];

impl TikTok {
    pub fn new(config: TikTokConfig) -> Result<Self, String> {
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(Duration::from_secs(15).min(config.timeout))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("ace/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|err| format!("the HTTP client for TikTok could not be built: {err}"))?;
        Ok(Self { config, client })
    }

    /// Whether an app is configured (so creators can connect and tokens refresh).
    pub fn has_app(&self) -> bool {
        self.config.app.is_some()
    }

    fn app(&self) -> Result<&TikTokApp, TikTokError> {
        self.config.app.as_ref().ok_or(TikTokError::NoApp)
    }

    fn url(&self, path: &str) -> String {
        format!(
            "{}/{}",
            self.config.api_url.trim_end_matches('/'),
            path.trim_start_matches('/')
        )
    }

    /// Sends a Content Posting API call and reads its envelope's `data`.
    async fn call<T: DeserializeOwned>(
        &self,
        request: RequestBuilder,
        token: &ApiKey,
    ) -> Result<T, TikTokError> {
        let response = request
            .bearer_auth(token.expose())
            .send()
            .await
            .map_err(|err| unreachable(&err))?;
        let status = response.status();
        let bytes = read_capped(response).await?;
        let envelope: Envelope<T> = match serde_json::from_slice(&bytes) {
            Ok(envelope) => envelope,
            Err(err) => {
                if let Some(failure) = status_failure(status) {
                    return Err(failure);
                }
                warn!(status = status.as_u16(), error = %err, "a TikTok answer did not parse");
                return Err(TikTokError::BadAnswer(
                    "its JSON did not match the API".into(),
                ));
            }
        };
        let error = envelope.error;
        if status.is_success() && (error.code.is_empty() || error.code == "ok") {
            return envelope
                .data
                .ok_or_else(|| TikTokError::BadAnswer("it sent no data".into()));
        }
        warn!(status = status.as_u16(), code = %error.code, log_id = %error.log_id, "TikTok refused a call");
        Err(classify(status, error))
    }
}

fn classify(status: StatusCode, error: ErrorObject) -> TikTokError {
    let ErrorObject {
        code,
        message,
        log_id,
    } = error;
    let code = if code.is_empty() {
        format!("http_{}", status.as_u16())
    } else {
        code
    };
    if status == StatusCode::TOO_MANY_REQUESTS || code == "rate_limit_exceeded" {
        TikTokError::RateLimited {
            code,
            message,
            log_id,
        }
    } else if status == StatusCode::UNAUTHORIZED || GRANT_CODES.contains(&code.as_str()) {
        TikTokError::Grant {
            code,
            message,
            log_id,
        }
    } else if status.is_server_error() {
        TikTokError::Unavailable(detail(&code, &message, &log_id))
    } else {
        TikTokError::Refused {
            code,
            message,
            log_id,
        }
    }
}

fn status_failure(status: StatusCode) -> Option<TikTokError> {
    if status.is_success() {
        return None;
    }
    Some(classify(status, ErrorObject::default()))
}

fn unreachable(err: &reqwest::Error) -> TikTokError {
    if err.is_timeout() {
        TikTokError::Unavailable("it did not answer in time".into())
    } else {
        TikTokError::Unavailable("it could not be reached".into())
    }
}

async fn read_capped(mut response: reqwest::Response) -> Result<Vec<u8>, TikTokError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|err| unreachable(&err))? {
        if bytes.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(TikTokError::BadAnswer("the answer is too large".into()));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// A JSON value's text at `key`, for answers whose shape varies.
fn text_at(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}
