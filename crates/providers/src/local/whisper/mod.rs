//! Transcription offline: Whisper base (the CTranslate2 package `scripts/models` installs) run
//! in process by candle. The model loads on first use and is shared; one transcription runs at
//! a time, on `LocalModels::threads` threads, and stops at its next decoding step when its
//! future is dropped. Segments are timed by Whisper's timestamps, words by aligning the text
//! to the audio through the decoder's attention.
//!
//! - [`ct2`] reads `model.bin`; [`weights`] renames, splits and widens its variables;
//! - [`model`] is the network; [`mel`] what it hears; [`audio`] decodes media with ffmpeg;
//! - [`vocabulary`] names the special tokens; [`rules`] is what may be written next;
//! - [`transcribe`] decodes window by window into [`segments`]; [`align`] times the tokens;
//!   [`words`] makes them words.

mod align;
mod audio;
mod ct2;
mod mel;
mod model;
mod rules;
mod segments;
mod transcribe;
mod vocabulary;
mod weights;
mod words;

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use serde::Serialize;
use tokenizers::Tokenizer;
use tokio::sync::{Mutex, OnceCell};
use tracing::warn;

pub use self::audio::samples_of;
use self::mel::{MelTransform, SAMPLE_RATE};
use self::model::Model;
use self::transcribe::{Interrupted, transcribe};
use self::vocabulary::{PackageConfig, Vocabulary};
use self::words::{Segment, fitted, timed_words, words_of_pieces, writes_spaces};
use crate::ProviderError;
use crate::local::{LocalModels, StopOnDrop};
use crate::words::TimedWord;

/// The model name outputs record.
pub const MODEL: &str = "whisper-base";

/// A transcript.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Transcript {
    pub words: Vec<TimedWord>,
    pub segments: Vec<TimedText>,
    /// The language code heard or given, such as `en`; `None` when nothing was heard.
    pub language: Option<String>,
    /// The audio's length in seconds.
    pub seconds: f64,
    /// `aligned` when every word was timed by alignment, `segments` when some were given a
    /// share of their segment's span.
    pub timing: &'static str,
}

/// A segment of a transcript.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TimedText {
    pub text: String,
    pub start: f64,
    pub end: f64,
}

struct Loaded {
    model: Arc<Mutex<Model>>,
    vocabulary: Vocabulary,
    alignment_heads: Vec<(usize, usize)>,
    tokenizer: Tokenizer,
    mel: MelTransform,
    threads: rayon::ThreadPool,
}

/// The embedded transcription model.
pub struct LocalWhisper {
    models: LocalModels,
    loaded: OnceCell<Result<Arc<Loaded>, String>>,
}

impl std::fmt::Debug for LocalWhisper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalWhisper")
            .field("models", &self.models)
            .finish_non_exhaustive()
    }
}

impl LocalWhisper {
    pub fn new(models: LocalModels) -> Self {
        Self {
            models,
            loaded: OnceCell::new(),
        }
    }

    /// Whether the model's files are there (whether they load is known on first use).
    pub fn installed(&self) -> bool {
        let dir = self.models.whisper_dir();
        ["model.bin", "config.json", "tokenizer.json"]
            .iter()
            .all(|file| dir.join(file).exists())
    }

    async fn loaded(&self) -> Result<Arc<Loaded>, ProviderError> {
        let loaded = self
            .loaded
            .get_or_init(|| async {
                let dir = self.models.whisper_dir();
                if !self.installed() {
                    warn!(models = %dir.display(), "Whisper base is not installed (run scripts/models)");
                    return Err("The embedded transcription model (Whisper base) is not installed on \
                                this server. Run scripts/models to install it, or configure a \
                                captions provider."
                        .to_owned());
                }
                let threads = self.models.threads;
                tokio::task::spawn_blocking(move || load(&dir, threads))
                    .await
                    .map_err(|err| err.to_string())
                    .and_then(|loaded| loaded)
                    .map(Arc::new)
                    .map_err(|err| {
                        warn!(error = %err, "Whisper base did not load");
                        "The embedded transcription model (Whisper base) could not be loaded. \
                         Run scripts/models again to reinstall it."
                            .to_owned()
                    })
            })
            .await;
        loaded.clone().map_err(ProviderError::Permanent)
    }

    /// Loads the model now rather than on first use.
    pub async fn warm_up(&self) -> Result<(), ProviderError> {
        self.loaded().await.map(|_| ())
    }

    /// Transcribes 16 kHz mono `samples`. `language` is a code such as `en` or `es`; without
    /// one the language is detected.
    pub async fn transcribe(
        &self,
        samples: Vec<f32>,
        language: Option<&str>,
    ) -> Result<Transcript, ProviderError> {
        let loaded = self.loaded().await?;
        let language = language
            .map(str::trim)
            .filter(|code| !code.is_empty())
            .map(|code| {
                loaded.vocabulary.language(code).ok_or_else(|| {
                    ProviderError::Permanent(format!(
                        "Whisper does not know the language '{code}'. Use a code such as en, es, \
                         fr, de or pt, or leave language out to have it detected."
                    ))
                })
            })
            .transpose()?;
        let mut model = Arc::clone(&loaded.model).lock_owned().await;
        let stop = Arc::new(AtomicBool::new(false));
        let _stop_on_drop = StopOnDrop(Arc::clone(&stop));
        let seconds = samples.len() as f64 / SAMPLE_RATE as f64;
        let running = Arc::clone(&loaded);
        let heard = tokio::task::spawn_blocking(move || {
            running.threads.install(|| {
                transcribe(
                    &mut model,
                    &running.vocabulary,
                    &running.mel,
                    &samples,
                    language,
                    &running.alignment_heads,
                    &stop,
                )
            })
        })
        .await
        .map_err(|err| {
            warn!(error = %err, "Whisper stopped unexpectedly");
            ProviderError::Transient("The transcription stopped unexpectedly.".into())
        })?
        .map_err(|err| match err {
            Interrupted::Stopped => {
                ProviderError::Transient("The transcription was stopped.".into())
            }
            Interrupted::Model(err) => {
                warn!(error = %err, "Whisper failed");
                ProviderError::Permanent("The transcription model failed on this audio.".into())
            }
        })?;
        let language = heard
            .language
            .and_then(|token| loaded.vocabulary.language_code(token))
            .map(str::to_owned);
        let spaced = writes_spaces(language.as_deref());
        let segments = heard
            .segments
            .iter()
            .map(|segment| {
                let text = decoded(&loaded.tokenizer, &segment.tokens)?;
                let words = match &segment.token_times {
                    Some(times) => {
                        let pieces = pieces(&loaded.tokenizer, &segment.tokens)?;
                        let starts: Vec<f64> = pieces
                            .iter()
                            .map(|(first, _)| times[*first])
                            .chain(times.last().copied())
                            .collect();
                        let texts: Vec<String> = pieces.into_iter().map(|(_, t)| t).collect();
                        words_of_pieces(&texts, &starts, spaced)
                    }
                    None => Vec::new(),
                };
                Ok(Segment {
                    start: segment.start,
                    end: segment.end,
                    text,
                    words,
                })
            })
            .collect::<Result<Vec<_>, ProviderError>>()?;
        let segments = fitted(segments, seconds);
        let aligned = segments.iter().all(|s| !s.words.is_empty());
        Ok(Transcript {
            words: timed_words(&segments, seconds),
            segments: segments
                .into_iter()
                .map(|s| TimedText {
                    text: s.text,
                    start: round_ms(s.start),
                    end: round_ms(s.end),
                })
                .collect(),
            language,
            seconds,
            timing: if aligned { "aligned" } else { "segments" },
        })
    }
}

/// The text of `tokens`.
fn decoded(tokenizer: &Tokenizer, tokens: &[u32]) -> Result<String, ProviderError> {
    tokenizer.decode(tokens, true).map_err(|err| {
        warn!(error = %err, "Whisper's tokens could not be read back");
        ProviderError::Permanent("The transcription could not be read.".into())
    })
}

/// The texts of `tokens` one by one, except that tokens which only together make whole
/// characters share one text; each with the index of its first token.
fn pieces(tokenizer: &Tokenizer, tokens: &[u32]) -> Result<Vec<(usize, String)>, ProviderError> {
    let mut pieces = Vec::with_capacity(tokens.len());
    let mut first = 0;
    for end in 1..=tokens.len() {
        let text = decoded(tokenizer, &tokens[first..end])?;
        if !text.contains(char::REPLACEMENT_CHARACTER) || end == tokens.len() {
            pieces.push((first, text));
            first = end;
        }
    }
    Ok(pieces)
}

fn round_ms(seconds: f64) -> f64 {
    (seconds * 1000.0).round() / 1000.0
}

fn load(dir: &std::path::Path, threads: usize) -> Result<Loaded, String> {
    let config = PackageConfig::read(&dir.join("config.json"))?;
    let tokenizer = Tokenizer::from_file(dir.join("tokenizer.json"))
        .map_err(|err| format!("its tokenizer could not be read: {err}"))?;
    let shape = weights::base_config();
    let vocabulary = Vocabulary::new(&tokenizer, &config, shape.vocab_size as u32)?;
    let tensors = weights::load(&dir.join("model.bin"))?;
    let model =
        Model::new(tensors, shape).map_err(|err| format!("its weights do not fit: {err}"))?;
    let (alignment_heads, unknown): (Vec<_>, Vec<_>) = config
        .alignment_heads
        .iter()
        .partition(|head| model.decoder.has_head(**head));
    if !unknown.is_empty() {
        warn!(
            ?unknown,
            "config.json names alignment heads the model lacks; ignoring them"
        );
    }
    let mel = MelTransform::new().map_err(|err| err.to_string())?;
    let threads = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .thread_name(|i| format!("whisper-{i}"))
        .build()
        .map_err(|err| err.to_string())?;
    Ok(Loaded {
        model: Arc::new(Mutex::new(model)),
        vocabulary,
        alignment_heads,
        tokenizer,
        mel,
        threads,
    })
}
