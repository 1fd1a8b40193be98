//! Typed identifiers. Every id is a 64-bit integer. On the wire it is written as a JSON number
//! and read from a number or a numeric string, because GEN's clients send both.

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A value that should have been an id but was not.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be a numeric id")]
pub struct InvalidId;

/// Parses the text form of an id: decimal digits, optionally surrounded by white space.
pub fn parse_raw_id(text: &str) -> Result<i64, InvalidId> {
    let text = text.trim();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(InvalidId);
    }
    text.parse::<i64>().map_err(|_| InvalidId)
}

struct RawIdVisitor;

impl Visitor<'_> for RawIdVisitor {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a numeric id, as a number or a string of digits")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        if v < 0 {
            return Err(E::custom("ids are never negative"));
        }
        Ok(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::custom("id is too large"))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<i64, E> {
        // Some clients serialise every number as a float (2592000.0); accept whole values.
        if v.fract() == 0.0 && (0.0..9.0e18).contains(&v) {
            #[expect(
                clippy::cast_possible_truncation,
                reason = "the value is whole and in range"
            )]
            return Ok(v as i64);
        }
        Err(E::custom("ids are whole numbers"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<i64, E> {
        parse_raw_id(v).map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

/// Deserializes an `i64` id from a number or a numeric string.
pub fn deserialize_raw_id<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    deserializer.deserialize_any(RawIdVisitor)
}

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(i64);

        impl $name {
            /// Wraps a raw database id.
            pub const fn new(raw: i64) -> Self {
                Self(raw)
            }

            /// The raw value, for binding into SQL.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = InvalidId;

            fn from_str(text: &str) -> Result<Self, InvalidId> {
                parse_raw_id(text).map(Self)
            }
        }

        impl From<i64> for $name {
            fn from(raw: i64) -> Self {
                Self(raw)
            }
        }

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserialize_raw_id(deserializer).map(Self)
            }
        }
    };
}

id_type!(
    /// A user account.
    UserId
);
id_type!(
    /// An organization, which GEN also calls a workspace.
    OrganizationId
);
id_type!(
    /// An agent: an AI persona with avatars, a voice and a setup canvas.
    AgentId
);
id_type!(
    /// One avatar image of an agent.
    AvatarId
);
id_type!(
    /// A personal access token (GEN: persisted token).
    ApiKeyId
);
id_type!(
    /// One monitored inspiration source of an agent.
    MonitoredItemId
);
id_type!(
    /// One of an agent's own linked social accounts.
    LinkedAccountId
);
id_type!(
    /// A credit plan an organization may be on.
    CreditPlanId
);
id_type!(
    /// One entry of the credit ledger.
    LedgerEntryId
);
id_type!(
    /// A file in an agent's asset library (GEN: content resource).
    ContentResourceId
);
id_type!(
    /// A folder in an agent's asset library.
    AssetFolderId
);
id_type!(
    /// A blob being uploaded straight to storage (GEN: direct upload).
    DirectUploadId
);

id_type!(
    /// An Auto Content Engine (GEN: spreadsheet, sheet, vidsheet, project).
    SpreadsheetId
);
id_type!(
    /// A column of an engine: one content type.
    ColumnId
);
id_type!(
    /// A row of an engine: one video.
    RowId
);
id_type!(
    /// A cell: one row's content for one column.
    CellId
);
id_type!(
    /// A layer on a video cell's timeline.
    LayerId
);
id_type!(
    /// A template of the curated library.
    TemplateId
);
id_type!(
    /// One global variable of an engine.
    GlobalVariableId
);
id_type!(
    /// A job that fills a cell or layer (GEN: user job, generation).
    UserJobId
);
id_type!(
    /// A video idea the agent proposed.
    IdeaId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_reads_from_a_number_a_numeric_string_or_a_whole_float() {
        let from_number: AgentId = serde_json::from_str("42").unwrap();
        let from_string: AgentId = serde_json::from_str("\"42\"").unwrap();
        let from_float: AgentId = serde_json::from_str("42.0").unwrap();
        assert_eq!(from_number, AgentId::new(42));
        assert_eq!(from_string, from_number);
        assert_eq!(from_float, from_number);
    }

    #[test]
    fn an_id_rejects_words_negatives_and_fractions() {
        assert!(serde_json::from_str::<AgentId>("\"abc\"").is_err());
        assert!(serde_json::from_str::<AgentId>("-3").is_err());
        assert!(serde_json::from_str::<AgentId>("4.5").is_err());
        assert!("12a".parse::<AgentId>().is_err());
    }

    #[test]
    fn an_id_is_written_as_a_json_number() {
        assert_eq!(serde_json::to_string(&UserId::new(7)).unwrap(), "7");
    }
}
