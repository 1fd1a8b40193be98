//! A reference to a voice: which catalogue it comes from and its id there. Shared by the agent
//! record (`default_user_voice_attributes`), agent core (`default_user_voice`) and the legacy
//! profile, so all three views read and write the same value.

use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// Where a voice lives. The first four are agent-core sources; the last three are the agent
/// endpoint's spelling of providers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VoiceSource {
    /// The shared public catalogue.
    Public,
    /// Designed from a prompt for this agent.
    UserDesigned,
    /// Cloned from audio for this agent.
    UserTrained,
    /// From the agent's own connected ElevenLabs account.
    UserElevenlabs,
    /// An ElevenLabs voice id.
    ElevenLabs,
    /// A Hume AI voice id.
    HumeAi,
    /// One of the agent's stored voice resources.
    UserVoiceResource,
}

impl VoiceSource {
    pub const ALL: [VoiceSource; 7] = [
        VoiceSource::Public,
        VoiceSource::UserDesigned,
        VoiceSource::UserTrained,
        VoiceSource::UserElevenlabs,
        VoiceSource::ElevenLabs,
        VoiceSource::HumeAi,
        VoiceSource::UserVoiceResource,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            VoiceSource::Public => "public",
            VoiceSource::UserDesigned => "user_designed",
            VoiceSource::UserTrained => "user_trained",
            VoiceSource::UserElevenlabs => "user_elevenlabs",
            VoiceSource::ElevenLabs => "eleven_labs",
            VoiceSource::HumeAi => "hume_ai",
            VoiceSource::UserVoiceResource => "user_voice_resource",
        }
    }

    /// The provider that synthesises this voice, as GEN's agent object names it; ace's own
    /// public voices are `local`.
    pub const fn provider(self) -> &'static str {
        match self {
            VoiceSource::Public => "local",
            VoiceSource::UserElevenlabs | VoiceSource::ElevenLabs => "eleven_labs",
            VoiceSource::HumeAi => "hume_ai",
            VoiceSource::UserDesigned
            | VoiceSource::UserTrained
            | VoiceSource::UserVoiceResource => "user_voice_resource",
        }
    }

    /// Sources whose voices belong to the agent itself and must exist before they are chosen.
    pub const fn is_agent_owned(self) -> bool {
        matches!(
            self,
            VoiceSource::UserDesigned | VoiceSource::UserTrained | VoiceSource::UserVoiceResource
        )
    }

    /// The sources of the voice library (`GET …/voice/library?source=`).
    pub const LIBRARY: [VoiceSource; 4] = [
        VoiceSource::Public,
        VoiceSource::UserDesigned,
        VoiceSource::UserTrained,
        VoiceSource::UserElevenlabs,
    ];

    pub fn names() -> String {
        VoiceSource::ALL.map(VoiceSource::as_str).join(", ")
    }
}

impl FromStr for VoiceSource {
    type Err = ();

    fn from_str(text: &str) -> Result<Self, ()> {
        VoiceSource::ALL
            .into_iter()
            .find(|s| s.as_str() == text.trim())
            .ok_or(())
    }
}

/// The genders a new voice may be given (GEN's MCP server documents `non-binary`).
pub const GENDERS: [&str; 4] = ["male", "female", "non-binary", "neutral"];

/// A gender as stored: one of [`GENDERS`], read ignoring case, with `nonbinary` and
/// `non_binary` as `non-binary`.
pub fn gender(text: &str) -> Option<&'static str> {
    let folded = text.trim().to_ascii_lowercase().replace('_', "-");
    let folded = if folded == "nonbinary" {
        "non-binary".to_owned()
    } else {
        folded
    };
    GENDERS.into_iter().find(|g| *g == folded)
}

/// The prefix of the ids of an agent's own (designed and trained) voices.
const OWN_VOICE_PREFIX: &str = "huv-";

/// The id clients see for the agent's own voice stored as `id`: `huv-<id>`.
pub fn own_voice_id(id: i64) -> String {
    format!("{OWN_VOICE_PREFIX}{id}")
}

/// The stored id behind an own-voice id, if `text` is one: `huv-<n>`, or the bare number `n`
/// that GEN's clients read from a voice's `id` and send back.
pub fn parse_own_voice_id(text: &str) -> Option<i64> {
    let text = text.trim();
    let digits = text.strip_prefix(OWN_VOICE_PREFIX).unwrap_or(text);
    crate::ids::parse_raw_id(digits).ok()
}

/// A voice id as it is stored and shown: an own voice's as `huv-<n>`, any other as given
/// (trimmed).
pub fn canonical_voice_id(text: &str) -> String {
    parse_own_voice_id(text).map_or_else(|| text.trim().to_owned(), own_voice_id)
}

/// The voice an agent speaks with by default.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoiceRef {
    pub voice_id: String,
    pub source: VoiceSource,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_voice_ids_round_trip_bare_numbers_included_and_nothing_else_parses() {
        assert_eq!(own_voice_id(42), "huv-42");
        assert_eq!(parse_own_voice_id("huv-42"), Some(42));
        assert_eq!(parse_own_voice_id(" huv-7 "), Some(7));
        assert_eq!(parse_own_voice_id("42"), Some(42));
        for other in [
            "huv-",
            "huv-x",
            "21m00Tcm4TlvDq8ikWAM",
            "huv--1",
            "piper-en_US-joe-medium",
        ] {
            assert_eq!(parse_own_voice_id(other), None, "{other}");
        }
        assert_eq!(canonical_voice_id(" 42"), "huv-42");
        assert_eq!(canonical_voice_id("espeak-es"), "espeak-es");
    }
}
