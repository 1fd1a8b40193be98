//! `text` offline: SmolLM2-135M-Instruct (a 4-bit GGUF) run in process by candle, its
//! tokenizer rebuilt from the GGUF's own metadata. Small and quick rather than clever: fluent
//! and on topic, weak at following exact instructions. The model loads on first use and is
//! shared; one generation runs at a time. Dropping a generation's future stops it at the next
//! token.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use candle_core::quantized::gguf_file;
use candle_core::quantized::tokenizer::TokenizerFromGguf;
use candle_core::{Device, Tensor};
use candle_transformers::generation::{LogitsProcessor, Sampling};
use candle_transformers::models::quantized_llama::ModelWeights;
use futures::future::BoxFuture;
use serde_json::Value;
use tokenizers::Tokenizer;
use tokio::sync::OnceCell;
use tracing::warn;

use crate::local::{LocalModels, StopOnDrop};
use crate::{Generator, Produced, ProviderError, Work};

/// The model name outputs record.
pub const MODEL: &str = "smollm2-135m-instruct";
/// What the model is told it is.
const SYSTEM: &str = "You are a helpful AI assistant named SmolLM, trained by Hugging Face";
/// The end of a turn in its chat format.
const END_OF_TURN: &str = "<|im_end|>";
/// Tokens written when the card does not say.
const DEFAULT_TOKENS: usize = 256;
/// The most tokens of prompt and answer together.
const CONTEXT: usize = 2048;
const REPEAT_PENALTY: f32 = 1.1;
const REPEAT_WINDOW: usize = 64;

/// What one generation asks for.
#[derive(Clone, Debug, PartialEq)]
pub struct Ask {
    pub prompt: String,
    pub max_tokens: usize,
    /// 0 always takes the likeliest token.
    pub temperature: f64,
    pub seed: u64,
}

/// What one generation wrote.
#[derive(Clone, Debug, PartialEq)]
pub struct Written {
    pub text: String,
    pub prompt_tokens: usize,
    pub tokens: usize,
}

struct Loaded {
    weights: ModelWeights,
    tokenizer: Tokenizer,
    end_of_turn: u32,
}

/// The embedded text model.
pub struct LocalText {
    models: LocalModels,
    loaded: OnceCell<Result<Arc<Mutex<Loaded>>, String>>,
}

impl std::fmt::Debug for LocalText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalText")
            .field("models", &self.models)
            .finish_non_exhaustive()
    }
}

impl LocalText {
    pub fn new(models: LocalModels) -> Self {
        Self {
            models,
            loaded: OnceCell::new(),
        }
    }

    async fn model(&self) -> Result<Arc<Mutex<Loaded>>, ProviderError> {
        let path = self.models.smollm2();
        let loaded = self
            .loaded
            .get_or_init(|| async move {
                if !path.exists() {
                    return Err(format!(
                        "The embedded text model is not installed (expected {}). Run scripts/models, \
                         or configure a text provider.",
                        path.display()
                    ));
                }
                let loading = path.clone();
                tokio::task::spawn_blocking(move || load(&loading))
                    .await
                    .map_err(|err| err.to_string())
                    .and_then(|loaded| loaded)
                    .map(|loaded| Arc::new(Mutex::new(loaded)))
                    .inspect_err(|err| warn!(model = %path.display(), error = %err, "the embedded text model did not load"))
            })
            .await;
        loaded.clone().map_err(ProviderError::Permanent)
    }

    /// Writes an answer to `ask`.
    pub async fn write(&self, ask: Ask) -> Result<Written, ProviderError> {
        let model = self.model().await?;
        let stop = Arc::new(AtomicBool::new(false));
        let _stop_on_drop = StopOnDrop(Arc::clone(&stop));
        tokio::task::spawn_blocking(move || {
            let mut loaded = model.lock().map_err(|_| {
                ProviderError::Permanent("The text model failed earlier and is unusable.".into())
            })?;
            generate(&mut loaded, &ask, &stop)
                .map_err(|err| ProviderError::Permanent(format!("The text model failed: {err}")))
        })
        .await
        .map_err(|err| ProviderError::Transient(format!("The text model stopped: {err}")))?
    }
}

fn load(path: &Path) -> Result<Loaded, String> {
    let mut file = std::fs::File::open(path)
        .map_err(|err| format!("could not open {}: {err}", path.display()))?;
    let content = gguf_file::Content::read(&mut file)
        .map_err(|err| format!("{} is not a GGUF model: {err}", path.display()))?;
    let tokenizer = Tokenizer::from_gguf(&content)
        .map_err(|err| format!("its tokenizer could not be built: {err}"))?;
    let end_of_turn = tokenizer
        .token_to_id(END_OF_TURN)
        .ok_or_else(|| format!("its vocabulary has no {END_OF_TURN}"))?;
    let weights = ModelWeights::from_gguf(content, &mut file, &Device::Cpu)
        .map_err(|err| format!("its weights could not be read: {err}"))?;
    Ok(Loaded {
        weights,
        tokenizer,
        end_of_turn,
    })
}

fn generate(loaded: &mut Loaded, ask: &Ask, stop: &AtomicBool) -> candle_core::Result<Written> {
    let chat = format!(
        "<|im_start|>system\n{SYSTEM}<|im_end|>\n<|im_start|>user\n{}<|im_end|>\n<|im_start|>assistant\n",
        ask.prompt.trim()
    );
    let encoding = loaded
        .tokenizer
        .encode(chat, false)
        .map_err(candle_core::Error::msg)?;
    let mut prompt: Vec<u32> = encoding.get_ids().to_vec();
    let budget = ask.max_tokens.clamp(1, CONTEXT / 2);
    if prompt.len() + budget > CONTEXT {
        // Keep the end of an overlong prompt, where the instruction usually is.
        prompt.drain(..prompt.len() + budget - CONTEXT);
    }
    let sampling = if ask.temperature <= 0.0 {
        Sampling::ArgMax
    } else {
        Sampling::TopP {
            p: 0.9,
            temperature: ask.temperature,
        }
    };
    let mut sampler = LogitsProcessor::from_sampling(ask.seed, sampling);
    let mut all = prompt.clone();
    let mut written = Vec::with_capacity(budget);
    let mut input = Tensor::new(prompt.as_slice(), &Device::Cpu)?.unsqueeze(0)?;
    let mut position = 0;
    while written.len() < budget && !stop.load(Ordering::Relaxed) {
        let logits = loaded.weights.forward(&input, position)?.squeeze(0)?;
        let recent = &all[all.len().saturating_sub(REPEAT_WINDOW)..];
        let logits =
            candle_transformers::utils::apply_repeat_penalty(&logits, REPEAT_PENALTY, recent)?;
        let next = sampler.sample(&logits)?;
        position += input.dim(1)?;
        if next == loaded.end_of_turn {
            break;
        }
        written.push(next);
        all.push(next);
        input = Tensor::new(&[next], &Device::Cpu)?.unsqueeze(0)?;
    }
    let text = loaded
        .tokenizer
        .decode(&written, true)
        .map_err(candle_core::Error::msg)?;
    Ok(Written {
        text: tidy(&text),
        prompt_tokens: prompt.len(),
        tokens: written.len(),
    })
}

/// The answer without the wrapping small models like to add: surrounding space and quotes.
pub fn tidy(text: &str) -> String {
    let trimmed = text.trim();
    let unquoted = trimmed
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
        .filter(|inner| !inner.contains('"'))
        .unwrap_or(trimmed);
    unquoted.trim().to_owned()
}

impl Generator for LocalText {
    fn name(&self) -> &str {
        "local"
    }

    fn generate<'a>(&'a self, work: &'a Work) -> BoxFuture<'a, Result<Produced, ProviderError>> {
        Box::pin(async move {
            let prompt = work
                .data
                .get("prompt")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if prompt.trim().is_empty() {
                return Err(ProviderError::Permanent("The prompt is empty.".into()));
            }
            let ask = Ask {
                prompt: prompt.to_owned(),
                max_tokens: work
                    .request
                    .max_tokens
                    .map_or(DEFAULT_TOKENS, |n| n as usize),
                temperature: work
                    .data
                    .get("temperature")
                    .and_then(Value::as_f64)
                    .unwrap_or(0.6),
                seed: 42,
            };
            let written = self.write(ask).await?;
            if written.text.is_empty() {
                return Err(ProviderError::Transient(
                    "The text model wrote nothing.".into(),
                ));
            }
            Ok(Produced {
                text: Some(written.text),
                provider: "local".into(),
                model: MODEL.into(),
                ..Produced::default()
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidy_drops_wrapping_quotes_and_space_but_not_inner_quotes() {
        assert_eq!(tidy("  \"Tacos at dawn.\"\n"), "Tacos at dawn.");
        assert_eq!(tidy("\"One\" and \"two\""), "\"One\" and \"two\"");
        assert_eq!(tidy("plain"), "plain");
    }
}
