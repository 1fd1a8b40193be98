//! `speech_from_text` offline: the Piper voice `en_US-joe-medium` for English, espeak-ng for
//! any other language it has (and for English when the voice or its runtime is missing). The
//! output is an MP3 with its word times in `result.captions`, exact for Piper (from the
//! phoneme lengths the voice reports) and shared out by word length for espeak-ng.

pub mod analysis;
mod delivery;
pub mod design;
mod espeak;
mod piper;
pub(crate) mod script;
mod timing;
pub mod voices;

use std::path::Path;
use std::sync::Arc;

use futures::future::BoxFuture;
use serde_json::{Value, json};
use tokio::sync::OnceCell;
use tracing::warn;

pub use delivery::Delivery;
pub use espeak::{Espeak, EspeakVoice};
pub use piper::{PiperVoice, Scales};

use self::analysis::Measured;
use self::delivery::SPEED_RANGE;
use self::script::{Sentence, sentences, spoken};
use self::timing::{is_segment, segments, words_over_sounds};
use self::voices::{CatalogueVoice, Engine, LocalVoice, espeak_voice_id, piper_voice_id};
use crate::local::LocalModels;
use crate::voice::SpeakingVoice;
use crate::words::{TimedWord, words_over_span};
use crate::{Generator, Produced, ProviderError, Work};

/// espeak-ng's own speaking rate, words per minute.
const ESPEAK_RATE: f64 = 175.0;
/// What was spoken: audio samples and word times.
#[derive(Clone, Debug)]
pub struct Spoken {
    pub samples: Vec<f32>,
    pub sample_rate: u32,
    pub words: Vec<TimedWord>,
    /// The engine and voice that spoke, such as `piper/en_US-joe-medium`.
    pub voice: String,
    /// `synthesis` when word times come from the voice, `estimated` when shared out.
    pub timing: &'static str,
    /// Semitones to shift the pitch by when the audio is encoded (Piper speaks at its own
    /// pitch; espeak-ng at the one asked for).
    pub pitch_shift: f64,
}

impl Spoken {
    pub fn seconds(&self) -> f64 {
        self.samples.len() as f64 / f64::from(self.sample_rate.max(1))
    }
}

/// How many times the default voice speaks [`REFERENCE_PASSAGE`] to be measured.
const REFERENCE_TAKES: usize = 5;

/// What ace's own voices read to be measured against a sample (a sample reading the same
/// passage is measured most exactly).
pub const REFERENCE_PASSAGE: &str = "The quick brown fox jumps over the lazy dog, then rests a \
     while in the warm afternoon sun before it runs home again. Fresh bread and hot coffee \
     wait on the table, and everyone is welcome to stay for dinner tonight.";

/// The local speech engine. The Piper voice loads on first use.
pub struct LocalSpeech {
    espeak: Espeak,
    tools: ace_media::Tools,
    models: LocalModels,
    piper: OnceCell<Option<Arc<PiperVoice>>>,
    espeak_voices: OnceCell<Vec<EspeakVoice>>,
    /// How the default voice of each language measures, for tuning it to a sample.
    references: tokio::sync::Mutex<std::collections::HashMap<String, Measured>>,
}

impl std::fmt::Debug for LocalSpeech {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalSpeech")
            .field("models", &self.models)
            .finish_non_exhaustive()
    }
}

impl LocalSpeech {
    pub fn new(models: LocalModels, tools: ace_media::Tools) -> Self {
        Self {
            espeak: Espeak::default(),
            tools,
            models,
            piper: OnceCell::new(),
            espeak_voices: OnceCell::new(),
            references: tokio::sync::Mutex::default(),
        }
    }

    /// The Piper voice, if its model and runtime are installed and load.
    pub async fn piper(&self) -> Option<Arc<PiperVoice>> {
        self.piper
            .get_or_init(|| async {
                let (library, model) = (self.models.onnxruntime(), self.models.piper_voice());
                if !library.exists() || !model.exists() {
                    warn!(
                        models = %self.models.dir.display(),
                        "the Piper voice is not installed (run scripts/models); speaking with espeak-ng"
                    );
                    return None;
                }
                let threads = self.models.threads;
                let loaded = tokio::task::spawn_blocking(move || PiperVoice::load(&library, &model, threads))
                    .await
                    .map_err(|err| err.to_string())
                    .and_then(|loaded| loaded);
                match loaded {
                    Ok(voice) => Some(Arc::new(voice)),
                    Err(err) => {
                        warn!(error = %err, "the Piper voice did not load; speaking with espeak-ng");
                        None
                    }
                }
            })
            .await
            .clone()
    }

    /// The espeak-ng voices installed (read once).
    pub async fn espeak_voices(&self) -> Result<&[EspeakVoice], String> {
        self.espeak_voices
            .get_or_try_init(|| self.espeak.voices())
            .await
            .map(Vec::as_slice)
    }

    /// Speaks `script` in `language` (a code such as `en`, `en-US` or `es`) with the best
    /// voice for it.
    pub async fn speak(
        &self,
        script: &str,
        language: &str,
        delivery: Delivery,
    ) -> Result<Spoken, ProviderError> {
        let voice = LocalVoice {
            base: None,
            delivery,
        };
        self.speak_as(script, Some(language), &voice).await
    }

    /// Speaks `script` with `voice`. A `language` given decides the language; the voice's
    /// own engine speaks if it speaks that language, else the best voice for it does.
    pub async fn speak_as(
        &self,
        script: &str,
        language: Option<&str>,
        voice: &LocalVoice,
    ) -> Result<Spoken, ProviderError> {
        let cut = sentences(script);
        if cut.is_empty() {
            return Err(ProviderError::Permanent(
                "The script has no words to speak.".into(),
            ));
        }
        let delivery = voice.delivery.clamped();
        let engine = voice.base.as_deref().and_then(Engine::of);
        let asked = language
            .map(|code| code.trim().to_ascii_lowercase().replace('_', "-"))
            .filter(|code| !code.is_empty());
        let language = match (&asked, &engine) {
            (Some(code), _) => code.clone(),
            (None, Some(Engine::Espeak(own))) => own.clone(),
            (None, _) => "en".to_owned(),
        };
        let english = language == "en" || language.starts_with("en-");
        match engine {
            Some(Engine::Espeak(own)) if same_language(&own, &language) => {
                return self.speak_espeak(&own, &cut, delivery).await;
            }
            _ => {}
        }
        if english && let Some(piper) = self.piper().await {
            return self.speak_piper(&piper, &cut, delivery).await;
        }
        let espeak_voice = self.espeak_voice_for(&language).await?;
        self.speak_espeak(&espeak_voice, &cut, delivery).await
    }

    /// The default voice of `language` tuned to sound like `target`: its pitch moved to the
    /// target's and its pace scaled to match. What a clone is without a cloning provider.
    pub async fn tuned_to(
        &self,
        target: &Measured,
        language: Option<&str>,
    ) -> Result<LocalVoice, ProviderError> {
        let key = language.unwrap_or("en").to_ascii_lowercase();
        let mut references = self.references.lock().await;
        let reference = match references.get(&key) {
            Some(known) => *known,
            None => {
                let measured = self.reference_measure(&key).await?;
                references.insert(key.clone(), measured);
                measured
            }
        };
        drop(references);
        let delivery = Delivery {
            pitch: analysis::semitones(reference.pitch_hz, target.pitch_hz),
            speed: target.syllables_per_second / reference.syllables_per_second.max(0.1),
            ..Delivery::default()
        };
        Ok(LocalVoice {
            base: None,
            delivery: delivery.clamped(),
        })
    }

    /// The default voice's measures in `language`: the median of [`REFERENCE_TAKES`] takes,
    /// since one take's syllable rate now and then locks onto a stray rhythm of its words.
    async fn reference_measure(&self, language: &str) -> Result<Measured, ProviderError> {
        let mut takes = Vec::with_capacity(REFERENCE_TAKES);
        for _ in 0..REFERENCE_TAKES {
            let spoken = self
                .speak_as(REFERENCE_PASSAGE, Some(language), &LocalVoice::default())
                .await?;
            if let Some(measured) = analysis::measure(&spoken.samples, spoken.sample_rate) {
                takes.push(measured);
            }
        }
        if takes.is_empty() {
            return Err(ProviderError::Permanent(
                "The default voice could not be measured.".into(),
            ));
        }
        let median = |value: fn(&Measured) -> f64| {
            let mut values: Vec<f64> = takes.iter().map(value).collect();
            values.sort_by(f64::total_cmp);
            values[values.len() / 2]
        };
        Ok(Measured {
            pitch_hz: median(|m| m.pitch_hz),
            syllables_per_second: median(|m| m.syllables_per_second),
            voiced_seconds: median(|m| m.voiced_seconds),
        })
    }

    /// The voices these engines speak with: the Piper voice if it loads, then espeak-ng's.
    pub async fn catalogue(&self) -> Vec<CatalogueVoice> {
        let mut voices = Vec::new();
        if let Some(piper) = self.piper().await {
            voices.push(CatalogueVoice {
                voice_id: piper_voice_id(&piper.model_stem()),
                name: piper.display_name(),
                language: piper.espeak_voice.clone(),
                gender: Some("male"),
            });
        }
        match self.espeak_voices().await {
            Ok(found) => voices.extend(found.iter().map(|voice| CatalogueVoice {
                voice_id: espeak_voice_id(&voice.language),
                name: format!("{} (espeak-ng)", voices::readable(&voice.name)),
                language: voice.language.clone(),
                gender: voice.gender,
            })),
            Err(err) => warn!(error = %err, "espeak-ng voices could not be listed"),
        }
        voices
    }

    /// The espeak-ng voice for `language`, or why there is none.
    async fn espeak_voice_for(&self, language: &str) -> Result<String, ProviderError> {
        let wanted = if language.is_empty() || language == "en" {
            "en-us"
        } else {
            language
        };
        let voices = self
            .espeak_voices()
            .await
            .map_err(ProviderError::Permanent)?;
        let base = wanted.split('-').next().unwrap_or(wanted);
        voices
            .iter()
            .find(|voice| voice.language == wanted)
            .or_else(|| voices.iter().find(|voice| voice.language == base))
            .or_else(|| voices.iter().find(|voice| voice.language.split('-').next() == Some(base)))
            .map(|voice| voice.language.clone())
            .ok_or_else(|| {
                ProviderError::Permanent(format!(
                    "No installed voice speaks the language '{language}'. Use a language code espeak-ng knows, such as en, es, fr, de or pt."
                ))
            })
    }

    async fn speak_piper(
        &self,
        voice: &Arc<PiperVoice>,
        cut: &[Sentence],
        delivery: Delivery,
    ) -> Result<Spoken, ProviderError> {
        let espeak_voice = voice.espeak_voice.clone();
        let weights = self.word_weights(&espeak_voice, cut).await;
        let scales = Scales {
            noise_scale: delivery.variation,
            length_scale: voice.scales.length_scale / speed(delivery) as f32,
            noise_w: delivery.rhythm,
        };
        let mut samples = Vec::new();
        let mut words = Vec::new();
        let mut timed = true;
        let mut weights = weights.into_iter();
        for sentence in cut {
            let (phonemes, ranges) = self.sentence_phonemes(&espeak_voice, sentence).await?;
            let synth_voice = Arc::clone(voice);
            let text = phonemes.clone();
            let synthesis =
                tokio::task::spawn_blocking(move || synth_voice.synthesize(&text, scales))
                    .await
                    .map_err(|err| ProviderError::Transient(format!("The voice stopped: {err}")))?
                    .map_err(ProviderError::Permanent)?;
            let offset = samples.len() as f64 / f64::from(voice.sample_rate);
            let length = synthesis.samples.len() as f64 / f64::from(voice.sample_rate);
            if synthesis.phoneme_spans.is_empty() {
                // This voice does not report phoneme lengths: share the sentence out.
                timed = false;
                let sentence_words: Vec<String> = sentence
                    .clauses
                    .iter()
                    .flat_map(|c| c.words.clone())
                    .collect();
                let sentence_weights: Vec<usize> =
                    weights.by_ref().take(sentence_words.len()).collect();
                let shared = words_over_span(&sentence_words, &sentence_weights, 0.0, length);
                words.extend(shared.iter().map(|word| word.shifted(offset)));
            } else {
                let chars: Vec<char> = phonemes.chars().collect();
                let mut last_end = 0.0;
                for (clause, range) in sentence.clauses.iter().zip(&ranges) {
                    let clause_weights: Vec<usize> =
                        weights.by_ref().take(clause.words.len()).collect();
                    let mut sounds: Vec<(f64, f64)> = range
                        .clone()
                        .filter(|&index| chars.get(index).is_some_and(|&c| is_segment(c)))
                        .filter_map(|index| synthesis.phoneme_spans.get(index).copied())
                        .collect();
                    if sounds.is_empty() {
                        sounds.push((last_end, last_end));
                    }
                    let timed_words = words_over_sounds(&clause.words, &clause_weights, &sounds);
                    last_end = timed_words.last().map_or(last_end, |word| word.end);
                    words.extend(timed_words.iter().map(|word| word.shifted(offset)));
                }
            }
            samples.extend(synthesis.samples);
        }
        normalize(&mut samples);
        let model = voice.model_stem();
        Ok(Spoken {
            samples,
            sample_rate: voice.sample_rate,
            words,
            voice: format!("piper/{model}"),
            timing: if timed { "synthesis" } else { "estimated" },
            pitch_shift: delivery.pitch,
        })
    }

    /// A sentence's phonemes as Piper reads them (each clause's IPA, its punctuation, a space),
    /// in NFD, with the character range of each clause.
    async fn sentence_phonemes(
        &self,
        voice: &str,
        sentence: &Sentence,
    ) -> Result<(String, Vec<std::ops::Range<usize>>), ProviderError> {
        use unicode_normalization::UnicodeNormalization;
        let texts: Vec<String> = sentence
            .clauses
            .iter()
            .map(|clause| clause.text.clone())
            .collect();
        let mut lines = self
            .espeak
            .ipa(voice, &texts)
            .await
            .map_err(ProviderError::Permanent)?;
        if lines.len() != texts.len() {
            // espeak-ng split a clause at punctuation of its own: phonemise them one by one.
            lines.clear();
            for text in &texts {
                let parts = self
                    .espeak
                    .ipa(voice, std::slice::from_ref(text))
                    .await
                    .map_err(ProviderError::Permanent)?;
                lines.push(parts.join(" "));
            }
        }
        let mut phonemes = String::new();
        let mut ranges = Vec::with_capacity(lines.len());
        let mut at = 0usize;
        for (line, clause) in lines.iter().zip(&sentence.clauses) {
            if !phonemes.is_empty() {
                phonemes.push(' ');
                at += 1;
            }
            let normalized: String = line.nfd().collect();
            let count = normalized.chars().count();
            ranges.push(at..at + count);
            phonemes.push_str(&normalized);
            at += count;
            if let Some(mark) = clause.punctuation {
                phonemes.push(mark);
                at += 1;
            }
        }
        Ok((phonemes, ranges))
    }

    /// Each word's weight for sharing out its clause's time: its sound count phonemised alone,
    /// or its letter count if espeak-ng cannot say.
    async fn word_weights(&self, voice: &str, cut: &[Sentence]) -> Vec<usize> {
        let words: Vec<String> = cut
            .iter()
            .flat_map(|s| &s.clauses)
            .flat_map(|c| c.spoken_words())
            .collect();
        let letters = || {
            words
                .iter()
                .map(|word| word.chars().filter(|c| c.is_alphanumeric()).count())
                .collect()
        };
        match self.espeak.ipa(voice, &words).await {
            Ok(lines) if lines.len() == words.len() => {
                lines.iter().map(|line| segments(line)).collect()
            }
            _ => letters(),
        }
    }

    async fn speak_espeak(
        &self,
        voice: &str,
        cut: &[Sentence],
        delivery: Delivery,
    ) -> Result<Spoken, ProviderError> {
        let scratch = tempfile_dir()?;
        let rate = (ESPEAK_RATE * speed(delivery)).round() as u32;
        let pitch = (50.0 + delivery.pitch * 4.0).clamp(0.0, 99.0).round() as u32;
        let mut samples = Vec::new();
        let mut sample_rate = 22_050;
        let mut words = Vec::new();
        for (index, sentence) in cut.iter().enumerate() {
            let text: Vec<String> = sentence
                .clauses
                .iter()
                .map(|clause| match clause.punctuation {
                    Some(mark) => format!("{}{mark}", clause.text),
                    None => clause.text.clone(),
                })
                .collect();
            let wav = scratch.path().join(format!("sentence-{index}.wav"));
            self.espeak
                .speak(voice, &text.join(" "), rate, pitch, &wav)
                .await
                .map_err(ProviderError::Permanent)?;
            let (spoken, rate) = read_wav(&wav).map_err(ProviderError::Permanent)?;
            sample_rate = rate;
            let offset = samples.len() as f64 / f64::from(rate);
            let length = spoken.len() as f64 / f64::from(rate);
            let sentence_words: Vec<String> = sentence
                .clauses
                .iter()
                .flat_map(|c| c.words.clone())
                .collect();
            let weights: Vec<usize> = sentence_words.iter().map(|w| spoken_letters(w)).collect();
            let (start, end) = voiced_span(&spoken, rate);
            words.extend(
                words_over_span(&sentence_words, &weights, start, end.min(length))
                    .iter()
                    .map(|w| w.shifted(offset)),
            );
            samples.extend(spoken);
        }
        Ok(Spoken {
            samples,
            sample_rate,
            words,
            voice: format!("espeak-ng/{voice}"),
            timing: "estimated",
            pitch_shift: 0.0,
        })
    }

    /// Writes `spoken` as an MP3 at `out`, its pitch shifted as it asks (its length and word
    /// times unchanged).
    pub async fn encode_mp3(&self, spoken: &Spoken, out: &Path) -> Result<(), ProviderError> {
        let pitch = spoken.pitch_shift;
        let wav = out.with_extension("wav");
        write_wav(&wav, &spoken.samples, spoken.sample_rate).map_err(ProviderError::Permanent)?;
        let rate = spoken.sample_rate;
        let filter = if pitch.abs() > 0.01 {
            let factor = 2f64.powf(pitch / 12.0);
            format!(
                "asetrate={:.0},aresample={rate},atempo={:.5}",
                f64::from(rate) * factor,
                1.0 / factor
            )
        } else {
            "anull".to_owned()
        };
        let (wav_arg, out_arg) = (wav.to_string_lossy(), out.to_string_lossy());
        let args = [
            "-y",
            "-i",
            &wav_arg,
            "-af",
            &filter,
            "-ac",
            "1",
            "-c:a",
            "libmp3lame",
            "-b:a",
            "128k",
            &out_arg,
        ];
        let encoded = self.tools.ffmpeg(&args).await;
        let _ = std::fs::remove_file(&wav);
        encoded.map(|_| ()).map_err(|err| {
            warn!(error = %err, "could not encode speech");
            ProviderError::Permanent("The speech could not be encoded as MP3.".into())
        })
    }
}

impl Generator for LocalSpeech {
    fn name(&self) -> &str {
        "local"
    }

    fn generate<'a>(&'a self, work: &'a Work) -> BoxFuture<'a, Result<Produced, ProviderError>> {
        Box::pin(async move {
            let script = work
                .data
                .get("script")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let language = work.data.get("language").and_then(Value::as_str);
            let mut voice = match &work.voice {
                None => LocalVoice::default(),
                Some(SpeakingVoice::Local(voice)) => voice.clone(),
                Some(SpeakingVoice::ElevenLabs(_)) => {
                    return Err(ProviderError::Permanent(
                        "This voice is an ElevenLabs voice, which ace's own engines cannot speak."
                            .into(),
                    ));
                }
            };
            if let Some(speed) = work.data.get("speed").and_then(Value::as_f64) {
                voice.delivery.speed *= speed;
            }
            let spoken = self.speak_as(script, language, &voice).await?;
            let out = work.room().await?.join("speech.mp3");
            self.encode_mp3(&spoken, &out).await?;
            Ok(Produced {
                result: Some(json!({
                    "captions": spoken.words,
                    "duration": (spoken.seconds() * 1000.0).round() / 1000.0,
                    "voice": spoken.voice,
                    "timing": spoken.timing,
                })),
                files: vec![out],
                provider: "local".into(),
                model: spoken.voice,
                ..Produced::default()
            })
        })
    }
}

/// Whether two language codes name the same language (`en` and `en-us` do not; `es` and
/// `ES` do).
fn same_language(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

fn speed(delivery: Delivery) -> f64 {
    delivery.speed.clamp(SPEED_RANGE.0, SPEED_RANGE.1)
}

fn spoken_letters(word: &str) -> usize {
    spoken(word).chars().filter(|c| c.is_alphanumeric()).count()
}

/// Scales `samples` so the loudest is at 95 % of full scale, as Piper's own tools do.
fn normalize(samples: &mut [f32]) {
    let peak = samples
        .iter()
        .fold(0f32, |peak, s| peak.max(s.abs()))
        .max(0.01);
    for sample in samples {
        *sample = *sample / peak * 0.95;
    }
}

/// From the first to the last sample above a whisper, in seconds.
fn voiced_span(samples: &[f32], rate: u32) -> (f64, f64) {
    let loud = |s: &f32| s.abs() > 0.02;
    let first = samples.iter().position(loud).unwrap_or(0);
    let last = samples
        .iter()
        .rposition(loud)
        .map_or(samples.len(), |i| i + 1);
    let seconds = |i: usize| i as f64 / f64::from(rate.max(1));
    (seconds(first), seconds(last))
}

fn tempfile_dir() -> Result<tempfile::TempDir, ProviderError> {
    tempfile::tempdir().map_err(|err| ProviderError::Transient(format!("No room to work: {err}")))
}

fn read_wav(path: &Path) -> Result<(Vec<f32>, u32), String> {
    let reader =
        hound::WavReader::open(path).map_err(|err| format!("espeak-ng wrote no audio: {err}"))?;
    let spec = reader.spec();
    let scale = f32::from(i16::MAX);
    let samples = reader
        .into_samples::<i16>()
        .collect::<Result<Vec<_>, _>>()
        .map_err(|err| format!("espeak-ng wrote unreadable audio: {err}"))?
        .into_iter()
        .step_by(usize::from(spec.channels.max(1)))
        .map(|s| f32::from(s) / scale)
        .collect();
    Ok((samples, spec.sample_rate))
}

fn write_wav(path: &Path, samples: &[f32], rate: u32) -> Result<(), String> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let fail = |err: hound::Error| format!("could not write audio: {err}");
    let mut writer = hound::WavWriter::create(path, spec).map_err(fail)?;
    for sample in samples {
        writer
            .write_sample((sample.clamp(-1.0, 1.0) * f32::from(i16::MAX)) as i16)
            .map_err(fail)?;
    }
    writer.finalize().map_err(fail)
}
