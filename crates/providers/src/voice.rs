//! Which voice a speech run speaks with. The app resolves a card's `voice_id` (a catalogue
//! voice, one the agent designed or cloned, or a voice of the agent's own ElevenLabs
//! account) into a [`SpeakingVoice`] before the run, and the speech generator speaks with it.

use crate::local::speech::voices::LocalVoice;

/// The voice of one speech run.
#[derive(Clone, Debug, PartialEq)]
pub enum SpeakingVoice {
    /// One of ace's own voices, tuned.
    Local(LocalVoice),
    /// A voice of an ElevenLabs account, spoken with that account's key.
    ElevenLabs(ElevenLabsVoice),
}

/// A voice in someone's ElevenLabs account.
#[derive(Clone, PartialEq, Eq)]
pub struct ElevenLabsVoice {
    /// ElevenLabs' id of the voice.
    pub voice_id: String,
    /// The account's API key (never logged).
    pub api_key: String,
}

impl std::fmt::Debug for ElevenLabsVoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ElevenLabsVoice")
            .field("voice_id", &self.voice_id)
            .finish_non_exhaustive()
    }
}
