//! Standard Webhooks signatures (<https://www.standardwebhooks.com>): `whsec_` secrets, the
//! `v1,` HMAC-SHA256 signature over `"{id}.{timestamp}.{body}"`, the three `webhook-*` headers,
//! and verification with a timestamp tolerance and constant-time comparison.

use std::fmt;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The prefix of every secret's text form.
const PREFIX: &str = "whsec_";
/// Random bytes in a generated secret.
const GENERATED_LEN: usize = 24;
/// Key sizes the specification allows, in bytes.
const KEY_LEN: std::ops::RangeInclusive<usize> = 24..=64;
/// The only signature scheme: symmetric HMAC-SHA256.
const VERSION: &str = "v1";

/// A webhook signing secret: `whsec_` + base64 of the HMAC key. `Debug` does not show it.
#[derive(Clone)]
pub struct Secret {
    text: String,
    key: Vec<u8>,
}

/// Why a secret's text form was refused. `Display` is client-facing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// Missing the `whsec_` prefix.
    #[error("must start with whsec_")]
    MissingPrefix,
    /// The part after the prefix is not standard base64.
    #[error("must be whsec_ followed by base64")]
    InvalidBase64,
    /// The key is shorter than 24 or longer than 64 bytes.
    #[error("must encode a key of 24 to 64 bytes")]
    InvalidLength,
}

/// Why a signed message was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// `webhook-timestamp` is not an integer number of seconds.
    #[error("invalid webhook-timestamp")]
    InvalidTimestamp,
    /// The timestamp is older than the tolerance allows.
    #[error("webhook-timestamp too old")]
    TimestampTooOld,
    /// The timestamp is further in the future than the tolerance allows.
    #[error("webhook-timestamp too far in the future")]
    TimestampInFuture,
    /// `webhook-signature` holds no `v1,` signature.
    #[error("no v1 signature in webhook-signature")]
    MissingSignature,
    /// No signature matches the message.
    #[error("invalid webhook signature")]
    InvalidSignature,
}

impl Secret {
    /// A new random secret: `whsec_` + base64 of 24 random bytes.
    pub fn generate() -> Secret {
        let key: [u8; GENERATED_LEN] = rand::random();
        Secret {
            text: format!("{PREFIX}{}", STANDARD.encode(key)),
            key: key.to_vec(),
        }
    }

    /// Parses a `whsec_`-prefixed base64 secret (as generated here, by Svix or by other
    /// Standard Webhooks senders).
    pub fn parse(text: &str) -> Result<Secret, SecretError> {
        let encoded = text
            .strip_prefix(PREFIX)
            .ok_or(SecretError::MissingPrefix)?;
        let key = STANDARD
            .decode(encoded)
            .map_err(|_| SecretError::InvalidBase64)?;
        if !KEY_LEN.contains(&key.len()) {
            return Err(SecretError::InvalidLength);
        }
        Ok(Secret {
            text: text.to_owned(),
            key,
        })
    }

    /// The text form, `whsec_…`, to store or show once to the receiver.
    pub fn expose(&self) -> &str {
        &self.text
    }

    fn mac(&self, msg_id: &str, timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.key)
            .expect("HMAC takes keys of any length");
        mac.update(msg_id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        mac
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(whsec_<redacted>)")
    }
}

/// The `webhook-signature` value for a message: `v1,` + base64 of
/// HMAC-SHA256(key, `"{msg_id}.{timestamp}.{body}"`).
pub fn sign(secret: &Secret, msg_id: &str, timestamp: i64, body: &[u8]) -> String {
    let tag = secret.mac(msg_id, timestamp, body).finalize().into_bytes();
    format!("{VERSION},{}", STANDARD.encode(tag))
}

/// The three headers to send with a message: `webhook-id`, `webhook-timestamp` (Unix seconds)
/// and `webhook-signature`.
pub fn headers(
    secret: &Secret,
    msg_id: &str,
    timestamp: i64,
    body: &[u8],
) -> [(&'static str, String); 3] {
    [
        ("webhook-id", msg_id.to_owned()),
        ("webhook-timestamp", timestamp.to_string()),
        ("webhook-signature", sign(secret, msg_id, timestamp, body)),
    ]
}

/// Verifies a received message from its raw `webhook-id`, `webhook-timestamp` and
/// `webhook-signature` header values: the timestamp must be within `tolerance` of `now` (Unix
/// seconds) either way, and one of the space-separated `v1,` signatures must match (compared in
/// constant time; other versions are ignored).
pub fn verify(
    secret: &Secret,
    msg_id: &str,
    timestamp: &str,
    signatures: &str,
    body: &[u8],
    now: i64,
    tolerance: Duration,
) -> Result<(), VerifyError> {
    let timestamp: i64 = timestamp
        .parse()
        .map_err(|_| VerifyError::InvalidTimestamp)?;
    if now.abs_diff(timestamp) > tolerance.as_secs() {
        return Err(if timestamp < now {
            VerifyError::TimestampTooOld
        } else {
            VerifyError::TimestampInFuture
        });
    }
    let mut candidates = signatures
        .split_ascii_whitespace()
        .filter_map(|entry| entry.split_once(','))
        .filter(|(version, _)| *version == VERSION)
        .peekable();
    if candidates.peek().is_none() {
        return Err(VerifyError::MissingSignature);
    }
    let mac = secret.mac(msg_id, timestamp, body);
    let matched = candidates
        .filter_map(|(_, encoded)| STANDARD.decode(encoded).ok())
        .any(|tag| mac.clone().verify_slice(&tag).is_ok());
    if matched {
        Ok(())
    } else {
        Err(VerifyError::InvalidSignature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};
    use standardwebhooks::Webhook;
    use std::time::{SystemTime, UNIX_EPOCH};

    const TOLERANCE: Duration = Duration::from_secs(300);
    const BODY: &[u8] = br#"{"type":"video.completed","data":{"id":"vid_1"}}"#;

    fn now() -> i64 {
        i64::try_from(
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_secs(),
        )
        .unwrap()
    }

    fn header_map(headers: [(&'static str, String); 3]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.insert(name, HeaderValue::from_str(&value).unwrap());
        }
        map
    }

    #[test]
    fn a_generated_secret_is_whsec_and_24_base64_bytes_and_parses_back() {
        let secret = Secret::generate();
        let text = secret.expose();
        assert!(text.starts_with("whsec_"), "{text}");
        assert_eq!(STANDARD.decode(&text[6..]).unwrap().len(), 24);
        let parsed = Secret::parse(text).unwrap();
        assert_eq!(parsed.expose(), text);
        assert_ne!(Secret::generate().expose(), text, "secrets are random");
    }

    #[test]
    fn malformed_secrets_are_refused() {
        assert_eq!(
            Secret::parse("C2FVsBQIhrscChlQIMV+b5sSYspob7oD").unwrap_err(),
            SecretError::MissingPrefix
        );
        assert_eq!(
            Secret::parse("whsec_not base64!").unwrap_err(),
            SecretError::InvalidBase64
        );
        assert_eq!(
            Secret::parse("whsec_c2hvcnQ=").unwrap_err(),
            SecretError::InvalidLength
        );
        let too_long = format!("whsec_{}", STANDARD.encode([7u8; 65]));
        assert_eq!(
            Secret::parse(&too_long).unwrap_err(),
            SecretError::InvalidLength
        );
        let longest = format!("whsec_{}", STANDARD.encode([7u8; 64]));
        assert!(Secret::parse(&longest).is_ok());
    }

    #[test]
    fn debug_does_not_print_the_secret() {
        let secret = Secret::generate();
        let shown = format!("{secret:?}");
        assert!(!shown.contains(&secret.expose()[6..]), "{shown}");
        assert_eq!(shown, "Secret(whsec_<redacted>)");
    }

    #[test]
    fn signing_matches_the_standard_webhooks_reference_vector() {
        let secret = Secret::parse("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD").unwrap();
        let body = br#"{"email":"test@example.com","username":"test_user"}"#;
        assert_eq!(
            sign(
                &secret,
                "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk",
                1_649_367_553,
                body
            ),
            "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw="
        );
    }

    #[test]
    fn signing_a_binary_body_matches_a_vector_computed_with_python_hmac() {
        // python3: base64.b64encode(hmac.new(bytes(range(24)),
        //   b"msg_2KWPBgLlAfxdpx2AI54pPJ85f4W.1700000000." + bytes([0,255,10,13]) + "héllo".encode(),
        //   hashlib.sha256).digest())
        let secret = Secret::parse("whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYX").unwrap();
        let mut body = vec![0u8, 255, 10, 13];
        body.extend_from_slice("héllo".as_bytes());
        assert_eq!(
            sign(
                &secret,
                "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W",
                1_700_000_000,
                &body
            ),
            "v1,0m6o1p1F8Cakk2vPoM9YZBML/Sku0YKzB1sO++TWFAs="
        );
    }

    #[test]
    fn headers_carry_the_id_the_timestamp_and_the_signature() {
        let secret = Secret::generate();
        let [id, ts, sig] = headers(&secret, "msg_1", 1_700_000_000, BODY);
        assert_eq!(id, ("webhook-id", "msg_1".to_owned()));
        assert_eq!(ts, ("webhook-timestamp", "1700000000".to_owned()));
        assert_eq!(
            sig,
            (
                "webhook-signature",
                sign(&secret, "msg_1", 1_700_000_000, BODY)
            )
        );
    }

    #[test]
    fn a_signed_message_verifies() {
        let secret = Secret::generate();
        let ts = 1_700_000_000;
        let sig = sign(&secret, "msg_1", ts, BODY);
        assert_eq!(
            verify(&secret, "msg_1", "1700000000", &sig, BODY, ts, TOLERANCE),
            Ok(())
        );
    }

    #[test]
    fn tampering_with_the_body_the_id_the_timestamp_or_the_secret_is_detected() {
        let secret = Secret::generate();
        let ts = 1_700_000_000;
        let sig = sign(&secret, "msg_1", ts, BODY);
        let bad = Err(VerifyError::InvalidSignature);
        assert_eq!(
            verify(&secret, "msg_1", "1700000000", &sig, b"{}", ts, TOLERANCE),
            bad
        );
        assert_eq!(
            verify(&secret, "msg_2", "1700000000", &sig, BODY, ts, TOLERANCE),
            bad
        );
        assert_eq!(
            verify(&secret, "msg_1", "1700000001", &sig, BODY, ts, TOLERANCE),
            bad
        );
        assert_eq!(
            verify(
                &Secret::generate(),
                "msg_1",
                "1700000000",
                &sig,
                BODY,
                ts,
                TOLERANCE
            ),
            bad
        );
        let mut tag = STANDARD.decode(&sig[3..]).unwrap();
        tag[0] ^= 1;
        let flipped = format!("v1,{}", STANDARD.encode(&tag));
        assert_eq!(
            verify(
                &secret,
                "msg_1",
                "1700000000",
                &flipped,
                BODY,
                ts,
                TOLERANCE
            ),
            bad
        );
        assert_eq!(
            verify(
                &secret,
                "msg_1",
                "1700000000",
                "v1,not-base64",
                BODY,
                ts,
                TOLERANCE
            ),
            bad
        );
    }

    #[test]
    fn any_one_of_several_space_separated_signatures_may_match() {
        let old = Secret::generate();
        let new = Secret::generate();
        let ts = 1_700_000_000;
        let both = format!(
            "{} v2,ignored {}",
            sign(&old, "msg_1", ts, BODY),
            sign(&new, "msg_1", ts, BODY)
        );
        assert_eq!(
            verify(&new, "msg_1", "1700000000", &both, BODY, ts, TOLERANCE),
            Ok(())
        );
        assert_eq!(
            verify(&old, "msg_1", "1700000000", &both, BODY, ts, TOLERANCE),
            Ok(())
        );
    }

    #[test]
    fn a_header_without_a_v1_signature_is_refused() {
        let secret = Secret::generate();
        for header in ["", "   ", "v2,abc", "v1abc"] {
            assert_eq!(
                verify(
                    &secret,
                    "msg_1",
                    "1700000000",
                    header,
                    BODY,
                    1_700_000_000,
                    TOLERANCE
                ),
                Err(VerifyError::MissingSignature),
                "{header:?}"
            );
        }
    }

    #[test]
    fn timestamps_outside_the_tolerance_are_refused_either_way() {
        let secret = Secret::generate();
        let ts = 1_700_000_000;
        let sig = sign(&secret, "msg_1", ts, BODY);
        let check = |now| verify(&secret, "msg_1", "1700000000", &sig, BODY, now, TOLERANCE);
        assert_eq!(check(ts + 300), Ok(()));
        assert_eq!(check(ts - 300), Ok(()));
        assert_eq!(check(ts + 301), Err(VerifyError::TimestampTooOld));
        assert_eq!(check(ts - 301), Err(VerifyError::TimestampInFuture));
        assert_eq!(
            verify(&secret, "msg_1", "soon", &sig, BODY, ts, TOLERANCE),
            Err(VerifyError::InvalidTimestamp)
        );
        assert_eq!(
            verify(
                &secret,
                "msg_1",
                "-9223372036854775808",
                &sig,
                BODY,
                i64::MAX,
                TOLERANCE
            ),
            Err(VerifyError::TimestampTooOld),
            "no overflow at the extremes"
        );
    }

    #[test]
    fn the_standard_webhooks_crate_verifies_what_we_sign() {
        let secret = Secret::generate();
        let ts = now();
        let theirs = Webhook::new(secret.expose()).unwrap();
        theirs
            .verify(BODY, &header_map(headers(&secret, "msg_ours", ts, BODY)))
            .unwrap();
        let mut tampered = header_map(headers(&secret, "msg_ours", ts, BODY));
        tampered.insert("webhook-id", HeaderValue::from_static("msg_other"));
        assert!(theirs.verify(BODY, &tampered).is_err());
    }

    #[test]
    fn we_verify_what_the_standard_webhooks_crate_signs() {
        let secret = Secret::generate();
        let ts = now();
        let theirs = Webhook::new(secret.expose()).unwrap();
        let signature = theirs.sign("msg_theirs", ts, BODY).unwrap();
        assert_eq!(signature, sign(&secret, "msg_theirs", ts, BODY));
        let ts_text = ts.to_string();
        assert_eq!(
            verify(
                &secret,
                "msg_theirs",
                &ts_text,
                &signature,
                BODY,
                now(),
                TOLERANCE
            ),
            Ok(())
        );
        assert_eq!(
            verify(
                &secret,
                "msg_theirs",
                &ts_text,
                &signature,
                b"tampered",
                now(),
                TOLERANCE
            ),
            Err(VerifyError::InvalidSignature)
        );
    }
}
