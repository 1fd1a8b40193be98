//! Agent core: the agent's setup canvas and the rules for changing it.
//!
//! A PATCH arrives in one of two shapes. The contract (seed 001 and GEN's OpenAPI) is *flat*:
//! `brand_name`, `keywords`, `monitored`, `linked_accounts`, `personality`,
//! `default_user_voice` and so on. Several official clients send *sections* instead:
//! `identity`, `overview`, `inspiration`, `accounts`, `personality`, `voice`, `look`. Both are
//! parsed here into one validated [`CorePatch`]; mixing the two shapes is refused because it
//! would be ambiguous. Unknown fields are refused in both shapes, at every depth.

use crate::FieldError;
use crate::ids::{LinkedAccountId, MonitoredItemId};
use crate::voice::VoiceRef;
use serde::{Deserialize, Serialize};

mod input;

pub use input::{LinkedAccountInput, parse_account_item, parse_inspiration_item};

/// Limits from the contract, plus bounds for fields it leaves open.
pub mod limits {
    pub const BRAND_NAME: usize = 200;
    pub const DESCRIPTION: usize = 500;
    pub const GOAL: usize = 100;
    pub const ONBOARDING_STATUS: usize = 50;
    pub const PERSONALITY: usize = 20_000;
    pub const TARGET_PLATFORMS: usize = 10;
    pub const PLATFORM: usize = 50;
    pub const KEYWORDS: usize = 20;
    /// A keyword is mirrored into a monitored handle, so it shares the handle's bound.
    pub const KEYWORD: usize = HANDLE;
    pub const MONITORED: usize = 50;
    pub const HANDLE: usize = 300;
    pub const RESEARCH_TOPICS: usize = 20;
    pub const TOPIC: usize = 500;
    pub const LINKED_ACCOUNTS: usize = 20;
    pub const URL: usize = 500;
    pub const DISPLAY_NAME: usize = 200;
    pub const VOICE_ID: usize = 200;
    pub const VOICE_NAME: usize = 200;
    pub const AGENT_NAME: usize = 100;
    pub const LOOK_DESCRIPTION: usize = 2_000;
}

/// Whether the agent presents as a brand or as a character.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentityType {
    Brand,
    Character,
}

impl IdentityType {
    pub const fn as_str(self) -> &'static str {
        match self {
            IdentityType::Brand => "brand",
            IdentityType::Character => "character",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text.trim() {
            "brand" => Some(IdentityType::Brand),
            "character" => Some(IdentityType::Character),
            _ => None,
        }
    }
}

/// What kind of inspiration source a monitored item is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MonitoredKind {
    Account,
    Hashtag,
    Keyword,
}

impl MonitoredKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            MonitoredKind::Account => "account",
            MonitoredKind::Hashtag => "hashtag",
            MonitoredKind::Keyword => "keyword",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text.trim() {
            "account" => Some(MonitoredKind::Account),
            "hashtag" => Some(MonitoredKind::Hashtag),
            "keyword" => Some(MonitoredKind::Keyword),
            _ => None,
        }
    }
}

/// A monitored inspiration source as the client wants it stored. `id` names an existing row
/// to keep; without it the row is new.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonitoredItem {
    pub id: Option<MonitoredItemId>,
    pub handle: String,
    pub kind: MonitoredKind,
    pub platform: Option<String>,
}

/// One of the agent's own social accounts as the client wants it stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkedAccount {
    pub id: Option<LinkedAccountId>,
    pub url: String,
    pub platform: Option<String>,
    pub display_name: Option<String>,
}

/// Which stored monitored items a replacement list stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MonitoredScope {
    /// The whole list (flat `monitored`).
    All,
    /// Only the items of one kind: keywords mirrored from `keywords`, or accounts from the
    /// sectioned `inspiration`. Items of other kinds are left alone.
    Kind(MonitoredKind),
}

/// A full-list replacement of (part of) the monitored items.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonitoredReplacement {
    pub scope: MonitoredScope,
    pub items: Vec<MonitoredItem>,
}

/// Changes to the brand fields. `None` leaves a field alone; `Some(None)` clears it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BrandChange {
    pub brand_name: Option<Option<String>>,
    pub description: Option<Option<String>>,
    pub identity_type: Option<Option<IdentityType>>,
    pub goal: Option<Option<String>>,
    pub target_platforms: Option<Vec<String>>,
    pub shortform: Option<Option<bool>>,
    pub longform: Option<Option<bool>>,
    pub onboarding_status: Option<Option<String>>,
    pub keywords: Option<Vec<String>>,
    pub monitored: Vec<MonitoredReplacement>,
    pub research_topics: Option<Vec<String>>,
    pub linked_accounts: Option<Vec<LinkedAccount>>,
}

/// What one section of a patch changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    Brand(BrandChange),
    /// The sectioned `identity`: the agent's display name, and an image URL to make its
    /// primary avatar (`profile_photo_url`; the app drops it when it is the current one).
    Identity {
        name: Option<String>,
        photo_url: Option<String>,
    },
    Personality(Option<String>),
    Voice(Option<VoiceRef>),
    LookDescription(Option<String>),
}

/// One section of the response, written on its own: a failure in one does not undo another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// The key this section's result appears under in the response.
    pub key: &'static str,
    pub change: Change,
}

/// Which shape the client used, so the response can answer in kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatchShape {
    Flat,
    Sectioned,
}

/// A validated agent-core patch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CorePatch {
    pub shape: PatchShape,
    /// An `agent_id` echoed in the body; it must match the path.
    pub agent_id: Option<i64>,
    pub sections: Vec<Section>,
}

/// The top-level keys of the sectioned shape (`personality` belongs to both shapes).
pub const SECTION_KEYS: [&str; 6] = [
    "identity",
    "overview",
    "inspiration",
    "accounts",
    "voice",
    "look",
];

impl CorePatch {
    /// Parses and validates a PATCH body.
    pub fn parse(body: &serde_json::Value) -> Result<CorePatch, FieldError> {
        let object = body
            .as_object()
            .ok_or_else(|| FieldError::new("body", "must be a JSON object"))?;
        let sectioned = SECTION_KEYS.iter().any(|key| object.contains_key(*key));
        if sectioned {
            if let Some(flat_key) = object.keys().find(|k| {
                !SECTION_KEYS.contains(&k.as_str())
                    && !["personality", "agent_id"].contains(&k.as_str())
            }) {
                return Err(FieldError::new(
                    flat_key.as_str(),
                    "can't be combined with sections (identity, overview, inspiration, accounts, voice, look); send either the flat fields or the sections",
                ));
            }
            input::parse_sectioned(body)
        } else {
            input::parse_flat(body)
        }
    }
}

#[cfg(test)]
mod tests;
