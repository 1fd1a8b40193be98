//! Whisper's special tokens and the package's `config.json`: which tokens start and steer a
//! transcript, which are languages, which are never written (`suppress_ids`) or never first
//! (`suppress_ids_begin`), and which cross-attention heads follow the audio
//! (`alignment_heads`). Timestamps are the tokens after `<|notimestamps|>`, one per 20 ms;
//! the package's `tokenizer.json` does not list them, `vocabulary.txt` does.

use std::path::Path;

use serde::Deserialize;
use tokenizers::Tokenizer;

/// What `config.json` says.
#[derive(Clone, Debug, Deserialize)]
pub struct PackageConfig {
    /// `(layer, head)` pairs of the decoder's cross-attention that track the audio.
    #[serde(default)]
    pub alignment_heads: Vec<(usize, usize)>,
    pub lang_ids: Vec<u32>,
    pub suppress_ids: Vec<u32>,
    pub suppress_ids_begin: Vec<u32>,
}

impl PackageConfig {
    pub fn read(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|err| format!("could not read {}: {err}", path.display()))?;
        serde_json::from_str(&text).map_err(|err| format!("{}: {err}", path.display()))
    }
}

/// The token ids decoding needs.
#[derive(Clone, Debug, PartialEq)]
pub struct Vocabulary {
    pub end_of_text: u32,
    pub start_of_transcript: u32,
    pub transcribe: u32,
    pub no_speech: u32,
    pub no_timestamps: u32,
    /// `<|0.00|>`; every id from here on is a timestamp.
    pub timestamp_begin: u32,
    /// Every id: timestamps end the vocabulary.
    pub size: u32,
    /// Language tokens and their codes (`en`, `es`, …).
    pub languages: Vec<(u32, String)>,
    /// Never written: the package's list and the task and prompt tokens.
    pub suppressed: Vec<u32>,
    /// Never written first: a bare space and the end of text.
    pub suppressed_first: Vec<u32>,
}

impl Vocabulary {
    /// Reads the ids from `tokenizer` by name, the rest from `config`.
    pub fn new(tokenizer: &Tokenizer, config: &PackageConfig, size: u32) -> Result<Self, String> {
        let id = |token: &str| {
            tokenizer
                .token_to_id(token)
                .ok_or_else(|| format!("the tokenizer has no {token}"))
        };
        let no_speech = id("<|nospeech|>").or_else(|_| id("<|nocaptions|>"))?;
        let no_timestamps = id("<|notimestamps|>")?;
        let languages = config
            .lang_ids
            .iter()
            .map(|&token| {
                let name = tokenizer
                    .id_to_token(token)
                    .ok_or_else(|| format!("language token {token} is not in the tokenizer"))?;
                let code = name
                    .strip_prefix("<|")
                    .and_then(|n| n.strip_suffix("|>"))
                    .ok_or_else(|| format!("{name} is not a language token"))?;
                Ok((token, code.to_owned()))
            })
            .collect::<Result<Vec<_>, String>>()?;
        if languages.is_empty() {
            return Err("config.json lists no languages".into());
        }
        let mut suppressed = config.suppress_ids.clone();
        for token in [
            "<|translate|>",
            "<|transcribe|>",
            "<|startoftranscript|>",
            "<|startofprev|>",
            "<|startoflm|>",
        ] {
            suppressed.push(id(token)?);
        }
        suppressed.push(no_speech);
        Ok(Self {
            end_of_text: id("<|endoftext|>")?,
            start_of_transcript: id("<|startoftranscript|>")?,
            transcribe: id("<|transcribe|>")?,
            no_speech,
            no_timestamps,
            timestamp_begin: no_timestamps + 1,
            size,
            languages,
            suppressed,
            suppressed_first: config.suppress_ids_begin.clone(),
        })
    }

    /// The token of a language code such as `en`, `en-US` or `pt_BR`.
    pub fn language(&self, code: &str) -> Option<u32> {
        let base = code
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        self.languages
            .iter()
            .find(|(_, known)| *known == base)
            .map(|(token, _)| *token)
    }

    /// The code of a language token.
    pub fn language_code(&self, token: u32) -> Option<&str> {
        self.languages
            .iter()
            .find(|(known, _)| *known == token)
            .map(|(_, code)| code.as_str())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Whisper's multilingual ids: `<|endoftext|>` 50257 … `<|notimestamps|>` 50363, with
    /// English and Spanish as the only languages.
    pub(crate) fn vocabulary() -> Vocabulary {
        Vocabulary {
            end_of_text: 50257,
            start_of_transcript: 50258,
            transcribe: 50359,
            no_speech: 50362,
            no_timestamps: 50363,
            timestamp_begin: 50364,
            size: 51865,
            languages: vec![(50259, "en".into()), (50262, "es".into())],
            suppressed: vec![1, 2, 50358, 50359],
            suppressed_first: vec![220, 50257],
        }
    }

    #[test]
    fn languages_are_found_by_their_base_code_in_any_case() {
        let vocabulary = vocabulary();
        assert_eq!(vocabulary.language("en"), Some(50259));
        assert_eq!(vocabulary.language("en-US"), Some(50259));
        assert_eq!(vocabulary.language(" ES_mx"), Some(50262));
        assert_eq!(vocabulary.language("xx"), None);
        assert_eq!(vocabulary.language(""), None);
        assert_eq!(vocabulary.language_code(50262), Some("es"));
    }
}
