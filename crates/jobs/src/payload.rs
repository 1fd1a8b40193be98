//! Typed job payloads: one serde struct per job kind, stored with a `version` field so a worker
//! never reads one shape as another. A payload stored before versions existed reads as version
//! 1; a version newer than this build knows is refused, not guessed at.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The field every stored payload carries its version in.
const VERSION_FIELD: &str = "version";

/// What a job kind carries. Implement it on the kind's payload struct.
pub trait Payload: Serialize + DeserializeOwned {
    /// The job kind, as stored in the queue and matched by its [`crate::Handler`].
    const KIND: &'static str;
    /// The payload's shape; raise it when the shape changes, and read the older ones.
    const VERSION: u32;
}

/// Why a job's payload could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    #[error("a {found} job does not carry a {expected} payload")]
    WrongKind {
        expected: &'static str,
        found: String,
    },
    #[error("{kind} payload version {found} is newer than this build reads ({known})")]
    NewerVersion {
        kind: &'static str,
        found: u64,
        known: u32,
    },
    #[error("the {kind} payload is unreadable: {reason}")]
    Unreadable { kind: &'static str, reason: String },
}

/// `payload` as stored: its fields and its version.
pub(crate) fn encode<P: Payload>(payload: &P) -> Value {
    let mut value = serde_json::to_value(payload).unwrap_or(Value::Null);
    if !value.is_object() {
        value = serde_json::json!({ "value": value });
    }
    if let Value::Object(fields) = &mut value {
        fields.insert(VERSION_FIELD.into(), P::VERSION.into());
    }
    value
}

/// Reads the payload stored for a job of `kind`.
pub(crate) fn decode<P: Payload>(kind: &str, stored: &Value) -> Result<P, PayloadError> {
    if kind != P::KIND {
        return Err(PayloadError::WrongKind {
            expected: P::KIND,
            found: kind.to_owned(),
        });
    }
    let version = stored
        .get(VERSION_FIELD)
        .and_then(Value::as_u64)
        .unwrap_or(1);
    if version > u64::from(P::VERSION) {
        return Err(PayloadError::NewerVersion {
            kind: P::KIND,
            found: version,
            known: P::VERSION,
        });
    }
    P::deserialize(stored).map_err(|err| PayloadError::Unreadable {
        kind: P::KIND,
        reason: err.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Deliver {
        delivery_id: i64,
    }

    impl Payload for Deliver {
        const KIND: &'static str = "deliver";
        const VERSION: u32 = 2;
    }

    #[test]
    fn a_payload_is_stored_with_its_version_and_read_back() {
        let stored = encode(&Deliver { delivery_id: 7 });
        assert_eq!(
            stored,
            serde_json::json!({ "delivery_id": 7, "version": 2 })
        );
        assert_eq!(
            decode::<Deliver>("deliver", &stored),
            Ok(Deliver { delivery_id: 7 })
        );
    }

    #[test]
    fn a_payload_stored_before_versions_reads_as_version_one() {
        let stored = serde_json::json!({ "delivery_id": 7 });
        assert_eq!(
            decode::<Deliver>("deliver", &stored),
            Ok(Deliver { delivery_id: 7 })
        );
    }

    #[test]
    fn another_kind_a_newer_version_or_a_wrong_shape_is_refused() {
        let stored = encode(&Deliver { delivery_id: 7 });
        assert!(matches!(
            decode::<Deliver>("generation", &stored),
            Err(PayloadError::WrongKind { .. })
        ));
        let newer = serde_json::json!({ "delivery_id": 7, "version": 3 });
        assert!(matches!(
            decode::<Deliver>("deliver", &newer),
            Err(PayloadError::NewerVersion { found: 3, .. })
        ));
        let wrong = serde_json::json!({ "delivery": "seven" });
        assert!(matches!(
            decode::<Deliver>("deliver", &wrong),
            Err(PayloadError::Unreadable { .. })
        ));
    }
}
