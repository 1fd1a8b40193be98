//! The embedded generators: what ace makes with no keys and no network. The model files come
//! from `scripts/models` into one directory ([`LocalModels`]); a missing model never fails
//! start-up, it makes the generators that need it fall back or fail with a reason that says how
//! to install it.

pub mod captions;
mod design;
pub mod image;
pub mod motion;
mod onnx_outputs;
pub mod speech;
#[cfg(feature = "local-llm")]
pub mod text;
#[cfg(feature = "local-asr")]
pub mod whisper;

use std::path::PathBuf;
use std::sync::Arc;

use ace_domain::sheet::card::GenerationType;

use crate::Registry;

/// Where the embedded models are, and how many threads one run may use.
#[derive(Clone, Debug)]
pub struct LocalModels {
    pub dir: PathBuf,
    pub threads: usize,
}

impl LocalModels {
    pub fn new(dir: PathBuf) -> Self {
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        Self { dir, threads }
    }

    /// The Piper voice (its `.onnx.json` is beside it).
    pub fn piper_voice(&self) -> PathBuf {
        self.dir.join("piper/en_US-joe-medium.onnx")
    }

    /// Where `scripts/models` installs: `ACE_MODELS_DIR`, else `~/.cache/ace/models`, else
    /// `models` here.
    pub fn default_dir() -> PathBuf {
        let set = |name: &str| std::env::var_os(name).filter(|value| !value.is_empty());
        set("ACE_MODELS_DIR").map_or_else(
            || {
                set("HOME").map_or_else(
                    || PathBuf::from("models"),
                    |home| PathBuf::from(home).join(".cache/ace/models"),
                )
            },
            PathBuf::from,
        )
    }

    /// The Qwen2.5-Coder-0.5B-Instruct text model.
    pub fn qwen_text(&self) -> PathBuf {
        self.dir
            .join("qwen2.5-coder-0.5b/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf")
    }

    /// The SmolLM2 text model (the fallback).
    pub fn smollm2(&self) -> PathBuf {
        self.dir.join("smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")
    }

    /// Whisper base: `model.bin` (CTranslate2), `config.json` and `tokenizer.json`.
    pub fn whisper_dir(&self) -> PathBuf {
        self.dir.join("whisper-base")
    }

    /// The ONNX Runtime library the Piper voice runs on.
    pub fn onnxruntime(&self) -> PathBuf {
        self.dir.join("onnxruntime/libonnxruntime.so")
    }
}

/// Sets its flag when dropped. An in-process model run (on a blocking thread, which a dropped
/// future cannot cancel) checks the flag between steps, so dropping the generation stops it.
#[cfg(any(feature = "local-llm", feature = "local-asr"))]
pub(crate) struct StopOnDrop(pub(crate) Arc<std::sync::atomic::AtomicBool>);

#[cfg(any(feature = "local-llm", feature = "local-asr"))]
impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// The embedded generators, installed in `registry`. Returns the speech engine, for the
/// voice catalogue and voice design to share.
pub fn install(
    registry: &mut Registry,
    models: &LocalModels,
    tools: &ace_media::Tools,
) -> Arc<speech::LocalSpeech> {
    let speech = Arc::new(speech::LocalSpeech::new(models.clone(), tools.clone()));
    registry.set(GenerationType::SpeechFromText, speech.clone());
    let captions = captions::LocalCaptions::new(models.clone(), tools.clone());
    registry.set(GenerationType::Captions, Arc::new(captions));
    registry.set(GenerationType::ImageFromText, Arc::new(image::LocalImages));
    let video = Arc::new(motion::LocalVideo::new(tools.clone()));
    registry.set(GenerationType::VideoFromText, video.clone());
    registry.set(GenerationType::VideoFromImage, video.clone());
    registry.set(GenerationType::VideoFromIngredients, video);
    #[cfg(feature = "local-llm")]
    registry.set(
        GenerationType::Text,
        Arc::new(text::LocalText::new(models.clone())),
    );
    speech
}
