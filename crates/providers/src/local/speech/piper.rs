//! A Piper voice (VITS, ONNX) run through ONNX Runtime, loaded at run time from the library
//! file `scripts/models` unpacks (ort's `load-dynamic`; nothing is downloaded). The model is
//! patched on load to also output each phoneme's length in frames, which gives word times.
//! Everything here blocks: call it from a blocking thread.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use ort::environment::Environment;
use ort::session::Session;
use ort::value::Tensor;
use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

use crate::local::onnx_outputs;

/// The tensor holding each phoneme id's length in frames (`ceil` of the predicted durations).
const DURATIONS: &str = "/Ceil_output_0";
/// Audio samples per frame of the Piper decoder.
const SAMPLES_PER_FRAME: usize = 256;

const BOS: char = '^';
const EOS: char = '$';
const PAD: char = '_';

/// The one ONNX Runtime environment of the process, made from the first library loaded.
static RUNTIME: OnceLock<Result<Environment, String>> = OnceLock::new();

fn runtime(library: &Path) -> Result<&'static Environment, String> {
    RUNTIME
        .get_or_init(|| {
            ort::init_from(library)
                .map_err(|err| {
                    format!(
                        "could not load ONNX Runtime from {}: {err}",
                        library.display()
                    )
                })?
                .with_name("ace")
                .build()
                .map_err(|err| format!("could not start ONNX Runtime: {err}"))
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// The voice's `.onnx.json`.
#[derive(Debug, Deserialize)]
struct VoiceConfig {
    audio: AudioConfig,
    espeak: EspeakConfig,
    #[serde(default)]
    inference: Scales,
    phoneme_id_map: HashMap<String, Vec<i64>>,
}

#[derive(Debug, Deserialize)]
struct AudioConfig {
    sample_rate: u32,
}

#[derive(Debug, Deserialize)]
struct EspeakConfig {
    voice: String,
}

/// The synthesis knobs: variation of the voice, speaking rate, variation of phoneme lengths.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
pub struct Scales {
    pub noise_scale: f32,
    /// Above 1 is slower.
    pub length_scale: f32,
    pub noise_w: f32,
}

impl Default for Scales {
    fn default() -> Self {
        Self {
            noise_scale: 0.667,
            length_scale: 1.0,
            noise_w: 0.8,
        }
    }
}

/// A loaded Piper voice.
pub struct PiperVoice {
    session: Mutex<Session>,
    ids: HashMap<char, Vec<i64>>,
    pub sample_rate: u32,
    /// The espeak-ng voice its phonemes come from.
    pub espeak_voice: String,
    /// Its default knobs.
    pub scales: Scales,
    /// Whether the model reports phoneme lengths.
    timed: bool,
    pub model: PathBuf,
}

impl std::fmt::Debug for PiperVoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PiperVoice")
            .field("model", &self.model)
            .field("sample_rate", &self.sample_rate)
            .field("timed", &self.timed)
            .finish_non_exhaustive()
    }
}

/// What one synthesis made.
#[derive(Clone, Debug)]
pub struct Synthesis {
    /// Mono samples in -1..1 at the voice's sample rate.
    pub samples: Vec<f32>,
    /// Start and end (seconds) of each phoneme character given, in order; empty if the model
    /// does not report lengths.
    pub phoneme_spans: Vec<(f64, f64)>,
}

impl PiperVoice {
    /// Loads the voice `model` (with `model.json` beside it) on the runtime `library`, using
    /// `threads` threads per synthesis.
    pub fn load(library: &Path, model: &Path, threads: usize) -> Result<Self, String> {
        let env = runtime(library)?;
        let config_path = PathBuf::from(format!("{}.json", model.display()));
        let config: VoiceConfig = std::fs::read(&config_path)
            .map_err(|err| format!("could not read {}: {err}", config_path.display()))
            .and_then(|bytes| {
                serde_json::from_slice(&bytes).map_err(|err| {
                    format!(
                        "{} is not a Piper voice config: {err}",
                        config_path.display()
                    )
                })
            })?;
        let bytes = std::fs::read(model)
            .map_err(|err| format!("could not read {}: {err}", model.display()))?;
        let has_durations = bytes
            .windows(DURATIONS.len())
            .any(|window| window == DURATIONS.as_bytes());
        let (bytes, timed) =
            match has_durations.then(|| onnx_outputs::with_float_output(&bytes, DURATIONS)) {
                Some(Ok(patched)) => (patched, true),
                _ => (bytes, false),
            };
        let session = Session::builder(env)
            .and_then(|builder| {
                builder
                    .with_intra_threads(threads.max(1))
                    .map_err(Into::into)
            })
            .and_then(|mut builder| builder.commit_from_memory(&bytes))
            .map_err(|err| format!("ONNX Runtime could not load {}: {err}", model.display()))?;
        let ids = config
            .phoneme_id_map
            .into_iter()
            .filter_map(|(symbol, ids)| {
                let mut chars = symbol.chars();
                let first = chars.next()?;
                chars.next().is_none().then_some((first, ids))
            })
            .collect();
        Ok(Self {
            session: Mutex::new(session),
            ids,
            sample_rate: config.audio.sample_rate,
            espeak_voice: config.espeak.voice,
            scales: config.inference,
            timed,
            model: model.to_owned(),
        })
    }

    /// The model file's name without its extension, such as `en_US-joe-medium`.
    pub fn model_stem(&self) -> String {
        self.model.file_stem().map_or_else(
            || "piper".into(),
            |stem| stem.to_string_lossy().into_owned(),
        )
    }

    /// A name for people: `Joe (en_US, Piper)` for `en_US-joe-medium`.
    pub fn display_name(&self) -> String {
        let stem = self.model_stem();
        let mut parts = stem.split('-');
        let (locale, speaker) = (parts.next().unwrap_or_default(), parts.next());
        match speaker {
            Some(speaker) if !speaker.is_empty() => {
                let mut letters = speaker.chars();
                let first = letters.next().map(|c| c.to_uppercase().to_string());
                format!(
                    "{}{} ({locale}, Piper)",
                    first.unwrap_or_default(),
                    letters.as_str()
                )
            }
            _ => format!("{stem} (Piper)"),
        }
    }

    /// Speaks `phonemes` (IPA, as espeak-ng writes it, with punctuation). Characters the voice
    /// has no id for are skipped.
    pub fn synthesize(&self, phonemes: &str, scales: Scales) -> Result<Synthesis, String> {
        let (ids, owners) = self.ids_of(phonemes);
        let length = i64::try_from(ids.len()).unwrap_or(i64::MAX);
        let tensors = (
            Tensor::from_array(([1usize, ids.len()], ids)),
            Tensor::from_array(([1usize], vec![length])),
            Tensor::from_array((
                [3usize],
                vec![scales.noise_scale, scales.length_scale, scales.noise_w],
            )),
        );
        let (Ok(input), Ok(lengths), Ok(knobs)) = tensors else {
            return Err("could not build the voice's inputs".into());
        };
        let mut session = self
            .session
            .lock()
            .map_err(|_| "the voice is unusable after an earlier failure".to_owned())?;
        let outputs = session
            .run(ort::inputs!["input" => input, "input_lengths" => lengths, "scales" => knobs])
            .map_err(|err| format!("the voice failed: {err}"))?;
        let (_, audio) = outputs["output"]
            .try_extract_tensor::<f32>()
            .map_err(|err| format!("the voice gave no audio: {err}"))?;
        let samples = audio.to_vec();
        let phoneme_spans = match (self.timed, outputs.get(DURATIONS)) {
            (true, Some(durations)) => durations
                .try_extract_tensor::<f32>()
                .map(|(_, frames)| self.spans(frames, &owners, phonemes.nfd().count()))
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        Ok(Synthesis {
            samples,
            phoneme_spans,
        })
    }

    /// The ids for `phonemes` (`^ _ (id _)* $`), and for each id the index of the (NFD)
    /// phoneme character it stands for, if any.
    fn ids_of(&self, phonemes: &str) -> (Vec<i64>, Vec<Option<usize>>) {
        let mut ids = Vec::new();
        let mut owners = Vec::new();
        let mut push = |symbol: char, owner: Option<usize>, ids: &mut Vec<i64>| {
            if let Some(found) = self.ids.get(&symbol) {
                for id in found {
                    ids.push(*id);
                    owners.push(owner);
                }
            }
        };
        push(BOS, None, &mut ids);
        push(PAD, None, &mut ids);
        for (index, symbol) in phonemes.nfd().enumerate() {
            if self.ids.contains_key(&symbol) {
                push(symbol, Some(index), &mut ids);
                push(PAD, Some(index), &mut ids);
            }
        }
        push(EOS, None, &mut ids);
        (ids, owners)
    }

    /// Each phoneme character's span from the frames of each id.
    fn spans(
        &self,
        frames: &[f32],
        owners: &[Option<usize>],
        characters: usize,
    ) -> Vec<(f64, f64)> {
        let seconds_per_frame = SAMPLES_PER_FRAME as f64 / f64::from(self.sample_rate);
        let mut spans: Vec<Option<(f64, f64)>> = vec![None; characters];
        let mut at = 0.0;
        for (owner, frames) in owners.iter().zip(frames) {
            let end = at + f64::from(frames.max(0.0)) * seconds_per_frame;
            if let Some(span) = owner.and_then(|index| spans.get_mut(index)) {
                *span = Some(span.map_or((at, end), |(start, _)| (start, end)));
            }
            at = end;
        }
        let mut last = 0.0;
        spans
            .into_iter()
            .map(|span| {
                let span = span.unwrap_or((last, last));
                last = span.1;
                span
            })
            .collect()
    }
}
