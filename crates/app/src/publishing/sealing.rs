//! Sealing the tokens ace keeps for connected accounts: AES-256-GCM with a random nonce per
//! seal, under a key of their own from the configuration (never the JWT or URL signing key).
//! A sealed token is `v1.` and base64 of nonce, ciphertext and tag; the purpose it was sealed
//! for is authenticated with it, so an access token cannot be opened as a PKCE verifier.

use aws_lc_rs::aead::{AES_256_GCM, Aad, NONCE_LEN, Nonce, RandomizedNonceKey};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

use ace_net::hosted_api::ApiKey;

const PREFIX: &str = "v1.";

/// What a sealed value is for.
#[derive(Clone, Copy, Debug)]
pub enum Purpose {
    AccessToken,
    RefreshToken,
    CodeVerifier,
}

impl Purpose {
    fn label(self) -> &'static [u8] {
        match self {
            Purpose::AccessToken => b"ace social access token",
            Purpose::RefreshToken => b"ace social refresh token",
            Purpose::CodeVerifier => b"ace oauth code verifier",
        }
    }
}

/// Seals and opens tokens with the configured key.
pub struct TokenSealer {
    key: RandomizedNonceKey,
}

impl std::fmt::Debug for TokenSealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenSealer(****)")
    }
}

/// A sealed value that does not open: another key sealed it, or it was altered.
#[derive(Clone, Copy, Debug, thiserror::Error)]
#[error("a stored token could not be opened with the configured encryption key")]
pub struct SealError;

impl TokenSealer {
    /// A sealer from the configured key: 32 bytes as 64 hex digits or base64.
    pub fn from_key_text(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let bytes = if text.len() == 64 && text.chars().all(|c| c.is_ascii_hexdigit()) {
            hex::decode(text).ok()
        } else {
            STANDARD
                .decode(text)
                .ok()
                .or_else(|| URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')).ok())
        };
        match bytes {
            Some(bytes) if bytes.len() == 32 => RandomizedNonceKey::new(&AES_256_GCM, &bytes)
                .map(|key| Self { key })
                .map_err(|_| "the token encryption key could not be loaded".into()),
            _ => Err(
                "the token encryption key must be 32 bytes, as 64 hex digits or base64 \
                 (make one with `openssl rand -base64 32`)"
                    .into(),
            ),
        }
    }

    /// Seals `plain` for `purpose`.
    pub fn seal(&self, plain: &str, purpose: Purpose) -> String {
        let mut in_out = plain.as_bytes().to_vec();
        // Sealing fails only if the system's random source does; then nothing can be kept.
        let nonce = self
            .key
            .seal_in_place_append_tag(Aad::from(purpose.label()), &mut in_out)
            .expect("the system random source works");
        let mut sealed = nonce.as_ref().to_vec();
        sealed.extend_from_slice(&in_out);
        format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(sealed))
    }

    /// Opens a value sealed for `purpose`.
    pub fn open(&self, sealed: &str, purpose: Purpose) -> Result<ApiKey, SealError> {
        let bytes = sealed
            .strip_prefix(PREFIX)
            .and_then(|body| URL_SAFE_NO_PAD.decode(body).ok())
            .filter(|bytes| bytes.len() > NONCE_LEN)
            .ok_or(SealError)?;
        let (nonce, cipher) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| SealError)?;
        let mut in_out = cipher.to_vec();
        let plain = self
            .key
            .open_in_place(nonce, Aad::from(purpose.label()), &mut in_out)
            .map_err(|_| SealError)?;
        String::from_utf8(plain.to_vec())
            .map(ApiKey::new)
            .map_err(|_| SealError)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    #[test]
    fn a_sealed_token_opens_only_with_its_key_and_purpose() {
        let sealer = TokenSealer::from_key_text(KEY).unwrap();
        let sealed = sealer.seal("act.secret-token", Purpose::AccessToken);
        assert!(sealed.starts_with("v1.") && !sealed.contains("secret"));
        assert_ne!(
            sealed,
            sealer.seal("act.secret-token", Purpose::AccessToken)
        );
        assert_eq!(
            sealer.open(&sealed, Purpose::AccessToken).unwrap().expose(),
            "act.secret-token"
        );
        assert!(sealer.open(&sealed, Purpose::RefreshToken).is_err());
        let other = TokenSealer::from_key_text(&STANDARD.encode([7u8; 32])).unwrap();
        assert!(other.open(&sealed, Purpose::AccessToken).is_err());
        let mut altered = sealed.clone();
        let last = altered.pop().unwrap();
        altered.push(if last == 'A' { 'B' } else { 'A' });
        assert!(sealer.open(&altered, Purpose::AccessToken).is_err());
    }

    #[test]
    fn a_key_must_be_32_bytes() {
        assert!(TokenSealer::from_key_text("short").is_err());
        assert!(TokenSealer::from_key_text(&STANDARD.encode([1u8; 16])).is_err());
        assert!(TokenSealer::from_key_text(&STANDARD.encode([1u8; 32])).is_ok());
    }
}
