//! `text` offline: a small instruction-tuned model run in process by candle from a GGUF file,
//! its tokenizer rebuilt from the file's own metadata. Qwen2.5-Coder-0.5B-Instruct (4-bit)
//! when it is installed, else SmolLM2-135M-Instruct. The model loads on first use and is
//! shared; one generation runs at a time. Dropping a generation's future stops it at the next
//! token.
//!
//! Small models are fluent but loose with instructions, so the limits a prompt states
//! (`ace_domain::generation::instructions::Rules`: one line, a word limit, no emojis,
//! hashtags or quotation marks, ...) are held while decoding: the token budget follows the
//! word limit, a one-line answer stops at its first line break, and forbidden characters are
//! never sampled. An answer that still breaks a limit is written once more with another
//! seed, then cleaned and, as a last resort, cut at a word.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use ace_domain::generation::instructions::{Rules, Violation, word_count};
use candle_core::quantized::gguf_file;
use candle_core::quantized::tokenizer::TokenizerFromGguf;
use candle_core::{Device, Tensor};
use candle_transformers::generation::{LogitsProcessor, Sampling};
use candle_transformers::models::{quantized_llama, quantized_qwen2};
use futures::future::BoxFuture;
use serde_json::Value;
use tokenizers::Tokenizer;
use tokio::sync::OnceCell;
use tracing::{debug, warn};

use crate::local::{LocalModels, StopOnDrop};

mod constrained;
mod tool_turn;
use crate::{Generator, Produced, ProviderError, Work};

/// The embedded text models, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// Qwen2.5-Coder-0.5B-Instruct, Q4_K_M.
    Qwen,
    /// SmolLM2-135M-Instruct, Q4_1: the fallback.
    SmolLm2,
}

impl Family {
    /// The model name outputs record.
    pub const fn model(self) -> &'static str {
        match self {
            Family::Qwen => "qwen2.5-coder-0.5b-instruct",
            Family::SmolLm2 => "smollm2-135m-instruct",
        }
    }

    /// Its file among the installed models.
    pub fn path(self, models: &LocalModels) -> PathBuf {
        match self {
            Family::Qwen => models.qwen_text(),
            Family::SmolLm2 => models.smollm2(),
        }
    }

    /// The best one installed; SmolLM2 (to report as missing) when none is.
    pub fn installed(models: &LocalModels) -> Family {
        [Family::Qwen, Family::SmolLm2]
            .into_iter()
            .find(|family| family.path(models).exists())
            .unwrap_or(Family::SmolLm2)
    }
}

/// What the model is told it is: a copywriter that does as asked.
const SYSTEM: &str = "You write short copy for social videos. Every request is an ordinary \
    writing task: always write it. Follow the instructions exactly: keep to every length limit \
    and format, and answer with the requested text only, with no preamble, labels or notes.";
/// The end of a turn in the ChatML format both models use.
const END_OF_TURN: &str = "<|im_end|>";
/// The end of a text, which Qwen may write instead.
const END_OF_TEXT: &str = "<|endoftext|>";
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
    /// Tokens written, over every attempt.
    pub tokens: usize,
    /// How many times it was written (2 when the first answer broke a stated limit).
    pub attempts: usize,
    pub model: &'static str,
}

enum Weights {
    Llama(quantized_llama::ModelWeights),
    Qwen2(quantized_qwen2::ModelWeights),
}

impl Weights {
    fn forward(&mut self, input: &Tensor, position: usize) -> candle_core::Result<Tensor> {
        match self {
            Weights::Llama(weights) => weights.forward(input, position),
            Weights::Qwen2(weights) => weights.forward(input, position),
        }
    }
}

struct Loaded {
    family: Family,
    weights: Weights,
    tokenizer: Tokenizer,
    /// Tokens that end an answer.
    stops: Vec<u32>,
    /// Each token's text, read once when a limit first needs it.
    pieces: Option<Vec<String>>,
    /// The parsers of JSON schemas over this vocabulary, made on the first constrained answer.
    grammar: Option<llguidance::ParserFactory>,
}

/// The embedded text model.
pub struct LocalText {
    models: LocalModels,
    family: Family,
    loaded: OnceCell<Result<Arc<Mutex<Loaded>>, String>>,
}

impl std::fmt::Debug for LocalText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalText")
            .field("models", &self.models)
            .field("family", &self.family)
            .finish_non_exhaustive()
    }
}

impl LocalText {
    /// The best model installed in `models`.
    pub fn new(models: LocalModels) -> Self {
        let family = Family::installed(&models);
        Self::of(models, family)
    }

    /// A given model (for benchmarks that compare them).
    pub fn of(models: LocalModels, family: Family) -> Self {
        Self {
            models,
            family,
            loaded: OnceCell::new(),
        }
    }

    pub fn family(&self) -> Family {
        self.family
    }

    async fn model(&self) -> Result<Arc<Mutex<Loaded>>, ProviderError> {
        let family = self.family;
        let path = family.path(&self.models);
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
                tokio::task::spawn_blocking(move || load(&loading, family))
                    .await
                    .map_err(|err| err.to_string())
                    .and_then(|loaded| loaded)
                    .map(|loaded| Arc::new(Mutex::new(loaded)))
                    .inspect_err(|err| warn!(model = %path.display(), error = %err, "the embedded text model did not load"))
            })
            .await;
        loaded.clone().map_err(ProviderError::Permanent)
    }

    /// Writes an answer to `ask`, held to the limits its prompt states.
    pub async fn write(&self, ask: Ask) -> Result<Written, ProviderError> {
        let model = self.model().await?;
        let stop = Arc::new(AtomicBool::new(false));
        let _stop_on_drop = StopOnDrop(Arc::clone(&stop));
        tokio::task::spawn_blocking(move || {
            let mut loaded = model.lock().map_err(|_| {
                ProviderError::Permanent("The text model failed earlier and is unusable.".into())
            })?;
            let started = std::time::Instant::now();
            let written = write_within_rules(&mut loaded, &ask, &stop)
                .map_err(|err| ProviderError::Permanent(format!("The text model failed: {err}")))?;
            debug!(
                tokens = written.tokens,
                prompt_tokens = written.prompt_tokens,
                seconds = started.elapsed().as_secs_f64(),
                "the text model wrote"
            );
            Ok(written)
        })
        .await
        .map_err(|err| ProviderError::Transient(format!("The text model stopped: {err}")))?
    }
}

fn load(path: &Path, family: Family) -> Result<Loaded, String> {
    let path = &prepared(path)?;
    let mut file = std::fs::File::open(path)
        .map_err(|err| format!("could not open {}: {err}", path.display()))?;
    let content = gguf_file::Content::read(&mut file)
        .map_err(|err| format!("{} is not a GGUF model: {err}", path.display()))?;
    let tokenizer = Tokenizer::from_gguf(&content)
        .map_err(|err| format!("its tokenizer could not be built: {err}"))?;
    let end_of_turn = tokenizer
        .token_to_id(END_OF_TURN)
        .ok_or_else(|| format!("its vocabulary has no {END_OF_TURN}"))?;
    let stops = std::iter::once(end_of_turn)
        .chain(tokenizer.token_to_id(END_OF_TEXT))
        .collect();
    let weights = match family {
        Family::Qwen => quantized_qwen2::ModelWeights::from_gguf(content, &mut file, &Device::Cpu)
            .map(Weights::Qwen2),
        Family::SmolLm2 => {
            quantized_llama::ModelWeights::from_gguf(content, &mut file, &Device::Cpu)
                .map(Weights::Llama)
        }
    }
    .map_err(|err| format!("its weights could not be read: {err}"))?;
    Ok(Loaded {
        family,
        weights,
        tokenizer,
        stops,
        pieces: None,
        grammar: None,
    })
}

/// The model file to load: `path` itself, or beside it its copy whose weights in the 4- and
/// 5-bit formats candle multiplies without SIMD (Q4_1, Q5_0, Q5_1) are stored as Q8_0, which
/// it multiplies with AVX2. Made on first use (a few seconds) and kept; where it cannot be
/// written, the original is used.
fn prepared(path: &Path) -> Result<PathBuf, String> {
    let fast = path.with_extension("q8.gguf");
    if fast.exists() {
        return Ok(fast);
    }
    match requantize(path, &fast) {
        Ok(true) => Ok(fast),
        Ok(false) => Ok(path.to_owned()),
        Err(err) => {
            warn!(model = %path.display(), error = %err, "could not prepare a faster copy of the text model; using it as it is");
            Ok(path.to_owned())
        }
    }
}

/// Writes `to`, a copy of `from` with its slow weights stored as Q8_0; `false` when it has
/// none.
fn requantize(from: &Path, to: &Path) -> candle_core::Result<bool> {
    use candle_core::quantized::{GgmlDType, QTensor};
    let slow =
        |dtype: GgmlDType| matches!(dtype, GgmlDType::Q4_1 | GgmlDType::Q5_0 | GgmlDType::Q5_1);
    let mut file = std::fs::File::open(from)?;
    let content = gguf_file::Content::read(&mut file)?;
    if !content
        .tensor_infos
        .values()
        .any(|info| slow(info.ggml_dtype))
    {
        return Ok(false);
    }
    let mut names: Vec<&String> = content.tensor_infos.keys().collect();
    names.sort_by_key(|name| content.tensor_infos[*name].offset);
    let mut tensors = Vec::with_capacity(names.len());
    for name in names {
        let tensor = content.tensor(&mut file, name, &Device::Cpu)?;
        let tensor = if slow(tensor.dtype()) {
            QTensor::quantize(&tensor.dequantize(&Device::Cpu)?, GgmlDType::Q8_0)?
        } else {
            tensor
        };
        tensors.push((name.as_str(), tensor));
    }
    let metadata: Vec<(&str, &gguf_file::Value)> = content
        .metadata
        .iter()
        .map(|(key, value)| (key.as_str(), value))
        .collect();
    let tensor_refs: Vec<(&str, &QTensor)> = tensors.iter().map(|(name, t)| (*name, t)).collect();
    let partial = to.with_extension("partial");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&partial)?);
    gguf_file::write(&mut out, &metadata, &tensor_refs)?;
    std::io::Write::flush(&mut out)?;
    drop(out);
    std::fs::rename(&partial, to)?;
    Ok(true)
}

/// Writes, checks the answer against the prompt's rules, writes once more with another seed
/// if it breaks one, and cleans the better answer into shape.
fn write_within_rules(
    loaded: &mut Loaded,
    ask: &Ask,
    stop: &AtomicBool,
) -> candle_core::Result<Written> {
    let rules = Rules::of(&ask.prompt);
    // The limits once more at the end of the prompt, where a small model heeds them most.
    let asked = Ask {
        prompt: match rules.summary() {
            Some(summary) => format!("{}\n\n{summary}", ask.prompt.trim()),
            None => ask.prompt.clone(),
        },
        ..ask.clone()
    };
    let first = generate(loaded, &asked, &rules, stop, None)?;
    let mut tokens = first.tokens;
    let mut attempts = 1;
    let mut best = first.text.clone();
    let broken = rules.check(&best);
    let echoed = echoes(&best, &ask.prompt);
    if (!broken.is_empty() || echoed) && !stop.load(Ordering::Relaxed) {
        debug!(answer = %best, broken = ?broken, "the first answer broke its prompt's limits; writing it again");
        // Another seed, and a steadier hand.
        let again = Ask {
            seed: ask.seed.wrapping_add(0x9E37_79B9_7F4A_7C15),
            temperature: (asked.temperature * 0.5).min(0.3),
            ..asked
        };
        let second = generate(loaded, &again, &rules, stop, Some(&first))?;
        tokens += second.tokens;
        attempts += 1;
        // An echo or a refusal is worse than any broken limit: cleaning cannot mend them.
        let score = |text: &str| {
            let broken = rules.check(text);
            let unmendable = echoes(text, &ask.prompt) || broken.contains(&Violation::Refusal);
            broken.len() + 100 * usize::from(unmendable)
        };
        if score(&second.text) <= score(&best) {
            best = second.text;
        }
    }
    Ok(Written {
        text: rules.conform(&best),
        prompt_tokens: first.prompt_tokens,
        tokens,
        attempts,
        model: loaded.family.model(),
    })
}

/// One attempt: the raw answer as the model writes it, within the decoding limits.
struct Attempt {
    text: String,
    prompt_tokens: usize,
    tokens: usize,
    /// The first token written.
    opening: Option<u32>,
}

fn generate(
    loaded: &mut Loaded,
    ask: &Ask,
    rules: &Rules,
    stop: &AtomicBool,
    second: Option<&Attempt>,
) -> candle_core::Result<Attempt> {
    // A second take may not copy its prompt's lines, nor open as a refused first one did.
    let block_copies = second.is_some();
    let avoid_opening = second
        .filter(|first| rules.check(&first.text).contains(&Violation::Refusal))
        .and_then(|first| first.opening);
    let chat = format!(
        "<|im_start|>system\n{SYSTEM}<|im_end|>\n<|im_start|>user\n{}<|im_end|>\n<|im_start|>assistant\n",
        ask.prompt.trim()
    );
    let encoding = loaded
        .tokenizer
        .encode(chat, false)
        .map_err(candle_core::Error::msg)?;
    let mut prompt: Vec<u32> = encoding.get_ids().to_vec();
    let budget = rules.token_budget(ask.max_tokens).clamp(1, CONTEXT / 2);
    if prompt.len() + budget > CONTEXT {
        // Keep the end of an overlong prompt, where the instruction usually is.
        prompt.drain(..prompt.len() + budget - CONTEXT);
    }
    let banned = banned_tokens(loaded, rules)?;
    let copies = if block_copies {
        Copies::of(loaded, &ask.prompt)?
    } else {
        Copies(HashMap::new())
    };
    let line_breaks = if rules.single_line {
        tokens_with(loaded, |piece| piece.contains('\n'))?
    } else {
        Vec::new()
    };
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
    let mut written: Vec<u32> = Vec::with_capacity(budget);
    let mut input = Tensor::new(prompt.as_slice(), &Device::Cpu)?.unsqueeze(0)?;
    let mut position = 0;
    // Words past the limit are cut anyway: a few more only help a cut find a sentence end.
    let word_cap = rules.max_words.map(|max| max + 4);
    // An answer may not end before its least words.
    let word_floor = rules.min_words;
    while written.len() < budget && !stop.load(Ordering::Relaxed) {
        let logits = loaded.weights.forward(&input, position)?.squeeze(0)?;
        let recent = &all[all.len().saturating_sub(REPEAT_WINDOW)..];
        let mut logits =
            candle_transformers::utils::apply_repeat_penalty(&logits, REPEAT_PENALTY, recent)?;
        // Nothing forbidden, no line break before the line itself, and no end too soon.
        let so_far = decode(loaded, &written)?;
        let hold_breaks = so_far.trim().is_empty();
        let hold_end = word_floor.is_some_and(|floor| word_count(&so_far) < floor);
        let copying = copies.continuing(&written);
        let opening: &[u32] = match avoid_opening {
            Some(ref token) if written.is_empty() => std::slice::from_ref(token),
            _ => &[],
        };
        if !banned.is_empty()
            || (hold_breaks && !line_breaks.is_empty())
            || hold_end
            || !copying.is_empty()
            || !opening.is_empty()
        {
            let mut values = logits.to_vec1::<f32>()?;
            let breaks = if hold_breaks { &line_breaks[..] } else { &[] };
            let stops = if hold_end { &loaded.stops[..] } else { &[] };
            for &id in banned
                .iter()
                .chain(breaks)
                .chain(stops)
                .chain(copying)
                .chain(opening)
            {
                if let Some(value) = values.get_mut(id as usize) {
                    *value = f32::NEG_INFINITY;
                }
            }
            logits = Tensor::new(values, &Device::Cpu)?;
        }
        let next = sampler.sample(&logits)?;
        position += input.dim(1)?;
        if loaded.stops.contains(&next) {
            break;
        }
        written.push(next);
        all.push(next);
        if rules.single_line && line_breaks.contains(&next) {
            break;
        }
        if let Some(cap) = word_cap
            && word_count(&so_far) > cap
        {
            break;
        }
        input = Tensor::new(&[next], &Device::Cpu)?.unsqueeze(0)?;
    }
    let mut text = decode(loaded, &written)?;
    if rules.single_line
        && let Some(line) = text.trim_start().lines().next()
    {
        text = line.to_owned();
    }
    Ok(Attempt {
        text: tidy(&text),
        prompt_tokens: prompt.len(),
        tokens: written.len(),
        opening: written.first().copied(),
    })
}

/// How many tokens of the prompt a second answer may copy in a row: enough to name its topic,
/// too few to copy a line.
const MOST_COPIED: usize = 6;

/// Whether `answer` is only a line its prompt holds already (the line before it, quoted for
/// context, say): at least three words found in the prompt as they are.
fn echoes(answer: &str, prompt: &str) -> bool {
    let plain = |text: &str| {
        text.to_lowercase()
            .split(|c: char| !c.is_alphanumeric() && c != '\'')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let answer = plain(answer);
    word_count(&answer) >= 3 && plain(prompt).contains(&answer)
}

/// The prompt's runs of [`MOST_COPIED`] tokens, each with the tokens that follow it there.
struct Copies(HashMap<Vec<u32>, Vec<u32>>);

impl Copies {
    /// Each line or sentence of the prompt is read on its own, with and without a space
    /// before it, as an answer would write it at its start or further on.
    fn of(loaded: &Loaded, prompt: &str) -> candle_core::Result<Copies> {
        let mut runs: HashMap<Vec<u32>, Vec<u32>> = HashMap::new();
        let segments = prompt
            .split(['\n', ':', '/', '.', '!', '?'])
            .map(str::trim)
            .filter(|segment| !segment.is_empty());
        for segment in segments {
            for text in [segment.to_owned(), format!(" {segment}")] {
                let encoding = loaded
                    .tokenizer
                    .encode(text, false)
                    .map_err(candle_core::Error::msg)?;
                for window in encoding.get_ids().windows(MOST_COPIED + 1) {
                    runs.entry(window[..MOST_COPIED].to_vec())
                        .or_default()
                        .push(window[MOST_COPIED]);
                }
            }
        }
        Ok(Copies(runs))
    }

    /// The tokens that would extend a copy of the prompt past its limit.
    fn continuing(&self, written: &[u32]) -> &[u32] {
        written
            .len()
            .checked_sub(MOST_COPIED)
            .and_then(|start| self.0.get(&written[start..]))
            .map_or(&[], Vec::as_slice)
    }
}

fn decode(loaded: &Loaded, ids: &[u32]) -> candle_core::Result<String> {
    loaded
        .tokenizer
        .decode(ids, true)
        .map_err(candle_core::Error::msg)
}

/// The tokens the rules forbid: those holding emojis, hashtags, quotation marks or stage
/// direction brackets, as the rules say.
fn banned_tokens(loaded: &mut Loaded, rules: &Rules) -> candle_core::Result<Vec<u32>> {
    let quotes = ['"', '“', '”', '«', '»'];
    let forbidden = |piece: &str| {
        (rules.no_hashtags && piece.contains('#'))
            || (rules.no_quotes && piece.contains(quotes))
            || (rules.no_emojis && piece.chars().any(is_emoji_or_partial))
            || (rules.answer_only && piece.contains(['(', '[', '*']))
    };
    if !(rules.no_hashtags || rules.no_quotes || rules.no_emojis || rules.answer_only) {
        return Ok(Vec::new());
    }
    tokens_with(loaded, forbidden)
}

/// Emoji, or a piece of a character split over several tokens (how emojis usually come).
fn is_emoji_or_partial(c: char) -> bool {
    c == '\u{FFFD}' || matches!(c as u32, 0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0xFE0F | 0x200D)
}

/// The tokens whose text matches.
fn tokens_with(
    loaded: &mut Loaded,
    matches: impl Fn(&str) -> bool,
) -> candle_core::Result<Vec<u32>> {
    if loaded.pieces.is_none() {
        let size = loaded.tokenizer.get_vocab_size(true);
        let mut pieces = Vec::with_capacity(size);
        for id in 0..size {
            let id = u32::try_from(id).map_err(candle_core::Error::msg)?;
            pieces.push(decode(loaded, &[id]).unwrap_or_default());
        }
        loaded.pieces = Some(pieces);
    }
    Ok(loaded
        .pieces
        .iter()
        .flatten()
        .enumerate()
        .filter(|(id, piece)| {
            !piece.is_empty() && !loaded.stops.contains(&(*id as u32)) && matches(piece)
        })
        .filter_map(|(id, _)| u32::try_from(id).ok())
        .collect())
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

/// A seed of the run's own: from the prompt and where it runs (`place`, such as the cell and
/// the generation), so two cells never share one and a new generation gets a new take.
pub fn seed_of(prompt: &str, place: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    prompt.hash(&mut hasher);
    place.hash(&mut hasher);
    hasher.finish()
}

impl Generator for LocalText {
    fn name(&self) -> &str {
        "local"
    }

    /// Qwen only: SmolLM2's vocabulary trips llguidance (a token its mask allows is then
    /// refused), and a model that small picks tools no better than chance.
    fn tool_chat(&self) -> Option<&dyn crate::tool_chat::ToolChat> {
        (self.family == Family::Qwen).then_some(self as &dyn crate::tool_chat::ToolChat)
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
                seed: seed_of(prompt, &work.workdir.to_string_lossy()),
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
                model: written.model.into(),
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

    #[test]
    fn an_answer_that_is_a_line_of_its_prompt_echoes_it() {
        let prompt = "On screen so far: Check your inbox first thing. / Stop. Write the next line.";
        assert!(echoes("Check your inbox first thing!", prompt));
        assert!(!echoes("Check your calendar instead.", prompt));
        assert!(!echoes("Stop.", prompt), "too short to count");
    }

    #[test]
    fn seeds_differ_by_prompt_and_by_place() {
        let seed = seed_of("Write a hook", "generation-1");
        assert_eq!(seed, seed_of("Write a hook", "generation-1"));
        assert_ne!(seed, seed_of("Write a hook", "generation-2"));
        assert_ne!(seed, seed_of("Write a line", "generation-1"));
    }
}
