//! Signed tokens: a purpose, an id and an expiry, with an HMAC-SHA256 over them, keyed with
//! a key of their own (configured, or derived from the server secret with [`derive_key`]). They let a URL or an id prove it was issued here (a direct-upload URL, a
//! blob's signed id) without a database lookup, and cannot be altered or reused for another
//! purpose.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Why a token was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenProblem {
    /// Malformed, altered, for another purpose, or not issued here.
    Invalid,
    /// Genuine, but past its expiry.
    Expired,
}

#[derive(Serialize, Deserialize)]
struct Claims {
    /// The purpose.
    p: String,
    id: i64,
    /// Expiry, Unix seconds.
    exp: i64,
}

/// The label ace derives its URL-signing key with from the server secret.
pub const URL_SIGNING_LABEL: &str = "ace signed tokens v1";

/// A key for one use, derived from `server_secret` and a `label` naming that use, so that no
/// two uses share a key: SHA-256 of the label, a zero byte and the secret.
pub fn derive_key(server_secret: &[u8], label: &str) -> Vec<u8> {
    let mut hasher = Sha256::new();
    hasher.update(label.as_bytes());
    hasher.update([0]);
    hasher.update(server_secret);
    hasher.finalize().to_vec()
}

/// Issues and checks signed tokens.
pub struct Signer {
    key: Vec<u8>,
}

impl Signer {
    /// A signer keyed with `key`: a key of its own, configured or made with [`derive_key`].
    pub fn new(key: &[u8]) -> Self {
        Self { key: key.to_vec() }
    }

    /// A token for `id`, valid for `purpose` until `expires`.
    pub fn sign(&self, purpose: &str, id: i64, expires: DateTime<Utc>) -> String {
        let claims = Claims {
            p: purpose.to_owned(),
            id,
            exp: expires.timestamp(),
        };
        let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap_or_default());
        let tag = URL_SAFE_NO_PAD.encode(self.mac(&body).finalize().into_bytes());
        format!("{body}--{tag}")
    }

    /// The id a token carries, if it is genuine, for `purpose`, and not expired at `now`.
    pub fn verify(
        &self,
        purpose: &str,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, TokenProblem> {
        let (body, tag) = token.trim().split_once("--").ok_or(TokenProblem::Invalid)?;
        let tag = URL_SAFE_NO_PAD
            .decode(tag)
            .map_err(|_| TokenProblem::Invalid)?;
        self.mac(body)
            .verify_slice(&tag)
            .map_err(|_| TokenProblem::Invalid)?;
        let json = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| TokenProblem::Invalid)?;
        let claims: Claims = serde_json::from_slice(&json).map_err(|_| TokenProblem::Invalid)?;
        if claims.p != purpose {
            return Err(TokenProblem::Invalid);
        }
        if claims.exp <= now.timestamp() {
            return Err(TokenProblem::Expired);
        }
        Ok(claims.id)
    }

    fn mac(&self, body: &str) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.key)
            .expect("HMAC takes keys of any length");
        mac.update(body.as_bytes());
        mac
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn a_token_carries_its_id_for_its_purpose_until_it_expires() {
        let signer = Signer::new(b"secret");
        let now = Utc::now();
        let token = signer.sign("blob", 42, now + Duration::hours(1));
        assert_eq!(signer.verify("blob", &token, now), Ok(42));
        assert_eq!(
            signer.verify("upload", &token, now),
            Err(TokenProblem::Invalid)
        );
        assert_eq!(
            signer.verify("blob", &token, now + Duration::hours(2)),
            Err(TokenProblem::Expired)
        );
    }

    #[test]
    fn an_altered_or_foreign_token_is_invalid() {
        let signer = Signer::new(b"secret");
        let now = Utc::now();
        let token = signer.sign("blob", 42, now + Duration::hours(1));
        let (body, tag) = token.split_once("--").unwrap();
        let forged_body = URL_SAFE_NO_PAD.encode(br#"{"p":"blob","id":43,"exp":9999999999}"#);
        assert_eq!(
            signer.verify("blob", &format!("{forged_body}--{tag}"), now),
            Err(TokenProblem::Invalid)
        );
        assert_eq!(
            signer.verify("blob", &format!("{body}--AAAA"), now),
            Err(TokenProblem::Invalid)
        );
        assert_eq!(
            Signer::new(b"other").verify("blob", &token, now),
            Err(TokenProblem::Invalid)
        );
        assert_eq!(
            signer.verify("blob", "nonsense", now),
            Err(TokenProblem::Invalid)
        );
    }

    #[test]
    fn a_derived_key_depends_on_its_label_and_is_never_the_secret_itself() {
        let url_key = derive_key(b"server secret", URL_SIGNING_LABEL);
        assert_ne!(url_key, b"server secret");
        assert_ne!(url_key, derive_key(b"server secret", "another use"));
        assert_ne!(url_key, derive_key(b"another secret", URL_SIGNING_LABEL));
        assert_eq!(url_key, derive_key(b"server secret", URL_SIGNING_LABEL));
    }
}
