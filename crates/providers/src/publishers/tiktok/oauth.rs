//! Login Kit's OAuth: the authorization URL a creator opens (with a PKCE challenge and a
//! state), the code exchanged for a grant, a grant refreshed before it expires (TikTok rotates
//! refresh tokens, so the newest must always be kept), and a grant revoked when an account is
//! removed. The token endpoint answers in OAuth's own shape (`error`, `error_description`),
//! not the Content Posting envelope.

use ace_net::hosted_api::ApiKey;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use tracing::warn;

use super::{GRANT_CODES, SCOPES, TikTok, TikTokError, read_capped, unreachable};

/// A PKCE pair: the verifier kept by ace, the challenge sent with the authorization URL.
#[derive(Clone, Debug)]
pub struct Pkce {
    pub verifier: String,
}

impl Pkce {
    /// `verifier`: 43 to 128 unreserved characters, random.
    pub fn new(verifier: String) -> Self {
        Self { verifier }
    }

    /// `S256`: the verifier's SHA-256, base64url without padding (RFC 7636).
    pub fn challenge(&self) -> String {
        URL_SAFE_NO_PAD.encode(Sha256::digest(self.verifier.as_bytes()))
    }
}

/// What TikTok granted: tokens and how long they last.
#[derive(Clone, Debug)]
pub struct Grant {
    pub open_id: String,
    pub access_token: ApiKey,
    /// Seconds.
    pub expires_in: u64,
    pub refresh_token: Option<ApiKey>,
    /// Seconds.
    pub refresh_expires_in: Option<u64>,
    pub scope: String,
}

#[derive(Deserialize)]
struct TokenAnswer {
    #[serde(default)]
    access_token: Option<String>,
    #[serde(default)]
    expires_in: Option<u64>,
    #[serde(default)]
    open_id: Option<String>,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    refresh_expires_in: Option<u64>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    error_description: Option<String>,
    #[serde(default)]
    log_id: Option<String>,
}

impl TikTok {
    /// The URL a creator opens to let this app post for them; TikTok sends them back to
    /// `redirect_uri` with `code` and `state`.
    pub fn authorization_url(
        &self,
        state: &str,
        pkce: &Pkce,
        redirect_uri: &str,
    ) -> Result<String, TikTokError> {
        let app = self.app()?;
        let challenge = pkce.challenge();
        let url = reqwest::Url::parse_with_params(
            &self.config.authorize_url,
            [
                ("client_key", app.client_key.as_str()),
                ("scope", SCOPES),
                ("response_type", "code"),
                ("redirect_uri", redirect_uri),
                ("state", state),
                ("code_challenge", challenge.as_str()),
                ("code_challenge_method", "S256"),
            ],
        )
        .map_err(|_| TikTokError::BadAnswer("the authorization URL is not a URL".into()))?;
        Ok(url.into())
    }

    /// Exchanges an authorization code for a grant.
    pub async fn exchange(
        &self,
        code: &str,
        pkce: &Pkce,
        redirect_uri: &str,
    ) -> Result<Grant, TikTokError> {
        let app = self.app()?;
        self.token(&[
            ("client_key", app.client_key.as_str()),
            ("client_secret", app.client_secret.expose()),
            ("code", code),
            ("grant_type", "authorization_code"),
            ("redirect_uri", redirect_uri),
            ("code_verifier", pkce.verifier.as_str()),
        ])
        .await
    }

    /// A fresh grant from a refresh token; its refresh token replaces the old one.
    pub async fn refresh(&self, refresh_token: &ApiKey) -> Result<Grant, TikTokError> {
        let app = self.app()?;
        self.token(&[
            ("client_key", app.client_key.as_str()),
            ("client_secret", app.client_secret.expose()),
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose()),
        ])
        .await
    }

    /// Revokes a grant, so the token stops working at TikTok too.
    pub async fn revoke(&self, access_token: &ApiKey) -> Result<(), TikTokError> {
        let app = self.app()?;
        let response = self
            .client
            .post(self.url("/v2/oauth/revoke/"))
            .form(&[
                ("client_key", app.client_key.as_str()),
                ("client_secret", app.client_secret.expose()),
                ("token", access_token.expose()),
            ])
            .send()
            .await
            .map_err(|err| unreachable(&err))?;
        let status = response.status();
        let bytes = read_capped(response).await?;
        let answer: Option<TokenAnswer> = serde_json::from_slice(&bytes).ok();
        match answer.and_then(|answer| refusal(&answer)) {
            Some(err) => Err(err),
            None if status.is_success() => Ok(()),
            None => Err(TikTokError::Unavailable(format!(
                "HTTP {}",
                status.as_u16()
            ))),
        }
    }

    async fn token(&self, form: &[(&str, &str)]) -> Result<Grant, TikTokError> {
        let response = self
            .client
            .post(self.url("/v2/oauth/token/"))
            .form(form)
            .send()
            .await
            .map_err(|err| unreachable(&err))?;
        let status = response.status();
        let bytes = read_capped(response).await?;
        let answer: TokenAnswer = serde_json::from_slice(&bytes).map_err(|_| {
            if status.is_server_error() {
                TikTokError::Unavailable(format!("HTTP {}", status.as_u16()))
            } else {
                TikTokError::BadAnswer("its token answer did not parse".into())
            }
        })?;
        if let Some(err) = refusal(&answer) {
            warn!(
                status = status.as_u16(),
                code = err.code().unwrap_or_default(),
                "TikTok refused a token request"
            );
            return Err(err);
        }
        match (answer.access_token, answer.open_id) {
            (Some(access), Some(open_id)) if !access.is_empty() => Ok(Grant {
                open_id,
                access_token: ApiKey::new(access),
                expires_in: answer.expires_in.unwrap_or(0),
                refresh_token: answer
                    .refresh_token
                    .filter(|t| !t.is_empty())
                    .map(ApiKey::new),
                refresh_expires_in: answer.refresh_expires_in,
                scope: answer.scope.unwrap_or_default(),
            }),
            _ => Err(TikTokError::BadAnswer("it granted no token".into())),
        }
    }
}

/// The refusal an OAuth answer carries, if any.
fn refusal(answer: &TokenAnswer) -> Option<TikTokError> {
    let code = answer
        .error
        .clone()
        .filter(|code| !code.is_empty() && code != "ok")?;
    let message = answer.error_description.clone().unwrap_or_default();
    let log_id = answer.log_id.clone().unwrap_or_default();
    Some(if GRANT_CODES.contains(&code.as_str()) {
        TikTokError::Grant {
            code,
            message,
            log_id,
        }
    } else if code == "rate_limit_exceeded" {
        TikTokError::RateLimited {
            code,
            message,
            log_id,
        }
    } else {
        TikTokError::Refused {
            code,
            message,
            log_id,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_challenge_is_the_verifiers_sha256_in_base64url() {
        // Computed apart, with Python's hashlib and base64.urlsafe_b64encode.
        let pkce = Pkce::new("ace-verifier-0123456789-abcdefghijklmnopqrstuvwxyz".into());
        assert_eq!(
            pkce.challenge(),
            "MHlEXel--nvp2JoN1gavpDs9Suisu-5XFez0LRz_RQ0"
        );
    }
}
