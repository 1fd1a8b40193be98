//! The voices ace's own engines speak with (its public catalogue): the Piper voice when it is
//! installed, and one espeak-ng voice per language espeak-ng has. Ids are stable and name the
//! engine (`piper-en_US-joe-medium`, `espeak-es`), so a saved choice keeps meaning the same
//! voice. A [`LocalVoice`] is one of them tuned by a [`Delivery`]: what designed and cloned
//! voices are made of.

use serde::{Deserialize, Serialize};

use super::delivery::Delivery;

/// The prefix of Piper voice ids.
const PIPER_PREFIX: &str = "piper-";
/// The prefix of espeak-ng voice ids.
const ESPEAK_PREFIX: &str = "espeak-";

/// A voice of the public catalogue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogueVoice {
    /// `piper-<model>` or `espeak-<language>`.
    pub voice_id: String,
    pub name: String,
    /// The language it speaks, as a code (`en-us`, `es`).
    pub language: String,
    /// `male` or `female`, when known.
    pub gender: Option<&'static str>,
}

/// Which engine speaks a catalogue voice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Engine {
    /// The installed Piper voice (English).
    Piper,
    /// espeak-ng in this language.
    Espeak(String),
}

impl Engine {
    /// The engine behind a catalogue id, if it is one.
    pub fn of(voice_id: &str) -> Option<Engine> {
        if let Some(language) = voice_id.strip_prefix(ESPEAK_PREFIX) {
            return (!language.is_empty()).then(|| Engine::Espeak(language.to_owned()));
        }
        voice_id.starts_with(PIPER_PREFIX).then_some(Engine::Piper)
    }
}

/// The catalogue id of the Piper voice whose model file is named `model_stem`.
pub fn piper_voice_id(model_stem: &str) -> String {
    format!("{PIPER_PREFIX}{model_stem}")
}

/// The catalogue id of espeak-ng's voice for `language`.
pub fn espeak_voice_id(language: &str) -> String {
    format!("{ESPEAK_PREFIX}{language}")
}

/// A catalogue voice as a designed or cloned voice uses it: which one (none: the default for
/// the language) and how it speaks.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LocalVoice {
    /// A catalogue id; `None` picks the best voice for the language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    #[serde(default)]
    pub delivery: Delivery,
}

/// espeak-ng's name for a voice (`English_(America)`) as people write it.
pub(crate) fn readable(name: &str) -> String {
    name.replace('_', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_name_their_engine() {
        assert_eq!(Engine::of("piper-en_US-joe-medium"), Some(Engine::Piper));
        assert_eq!(
            Engine::of("espeak-pt-br"),
            Some(Engine::Espeak("pt-br".into()))
        );
        assert_eq!(Engine::of("espeak-"), None);
        assert_eq!(Engine::of("21m00Tcm4TlvDq8ikWAM"), None);
        assert_eq!(
            Engine::of(&espeak_voice_id("fr")),
            Some(Engine::Espeak("fr".into()))
        );
        assert_eq!(
            Engine::of(&piper_voice_id("en_US-joe-medium")),
            Some(Engine::Piper)
        );
    }

    #[test]
    fn a_local_voice_is_stored_as_plain_json() {
        let voice = LocalVoice {
            base: Some("espeak-es".into()),
            delivery: Delivery {
                pitch: 2.0,
                ..Delivery::default()
            },
        };
        let json = serde_json::to_value(&voice).unwrap();
        assert_eq!(json["base"], "espeak-es");
        assert_eq!(json["delivery"]["pitch"], 2.0);
        assert_eq!(serde_json::from_value::<LocalVoice>(json).unwrap(), voice);
        assert_eq!(
            serde_json::from_value::<LocalVoice>(serde_json::json!({})).unwrap(),
            LocalVoice::default()
        );
    }
}
