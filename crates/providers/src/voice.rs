//! Which voice a speech run speaks with. The app resolves a card's `voice_id` (a catalogue
//! voice, one the agent designed or cloned, or a voice of the agent's own ElevenLabs
//! account) into a [`SpeakingVoice`] before the run, and the speech generator speaks with it.

use crate::local::speech::voices::LocalVoice;
use crate::remote::config::ApiKey;

/// The voice of one speech run.
#[derive(Clone, Debug, PartialEq)]
pub enum SpeakingVoice {
    /// One of ace's own voices, tuned.
    Local(LocalVoice),
    /// A voice of an ElevenLabs account, spoken with that account's key.
    ElevenLabs(ElevenLabsVoice),
}

/// A voice in someone's ElevenLabs account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ElevenLabsVoice {
    /// ElevenLabs' id of the voice.
    pub voice_id: String,
    /// The account's API key (its `Debug` never shows it).
    pub api_key: ApiKey,
}
