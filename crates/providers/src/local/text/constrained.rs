//! Decoding held to a JSON schema, by llguidance: before each token is sampled, every token
//! that could not continue a document the schema accepts is masked out, so even a small model
//! writes a value of the schema's shape. Tokens the grammar forces (a property's name, a
//! `const`) are fed without sampling, several in one forward pass.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use candle_core::{Device, Tensor};
use candle_transformers::generation::{LogitsProcessor, Sampling};
use llguidance::api::TopLevelGrammar;
use llguidance::{Matcher, ParserFactory};
use serde_json::Value;
use tokenizers::Tokenizer;
use toktrie::{TokEnv, TokRxInfo, TokTrie, TokenizerEnv};

use super::Loaded;

/// The model's vocabulary as llguidance reads it: each token's bytes, and the tokenizer.
struct Vocabulary {
    trie: TokTrie,
    tokenizer: Tokenizer,
}

impl TokenizerEnv for Vocabulary {
    fn tok_trie(&self) -> &TokTrie {
        &self.trie
    }

    fn tokenize_bytes(&self, bytes: &[u8]) -> Vec<u32> {
        match std::str::from_utf8(bytes) {
            Ok(text) => self
                .tokenizer
                .encode(text, false)
                .map(|encoding| encoding.get_ids().to_vec())
                .unwrap_or_else(|_| self.trie.greedy_tokenize(bytes)),
            Err(_) => self.trie.greedy_tokenize(bytes),
        }
    }
}

/// Builds the parsers of schemas for one model: made once, on the first constrained answer.
pub(super) fn factory(tokenizer: &Tokenizer, end_of_turn: u32) -> Result<ParserFactory, String> {
    let json: Value = serde_json::from_str(&tokenizer.to_string(false).map_err(|e| e.to_string())?)
        .map_err(|err| err.to_string())?;
    let words = llguidance::token_bytes_from_tokenizer_json(&json).map_err(|e| e.to_string())?;
    let size = u32::try_from(words.len()).map_err(|err| err.to_string())?;
    let info = TokRxInfo {
        tok_end_of_turn: Some(end_of_turn),
        ..TokRxInfo::new(size, end_of_turn)
    };
    let vocabulary = Vocabulary {
        trie: TokTrie::from(&info, &words),
        tokenizer: tokenizer.clone(),
    };
    let env: TokEnv = Arc::new(vocabulary);
    let mut factory = ParserFactory::new_simple(&env).map_err(|err| err.to_string())?;
    factory.quiet();
    Ok(factory)
}

/// What a constrained answer came to.
pub(super) struct Held {
    /// The document, which the schema accepts unless the token budget ran out first.
    pub text: String,
    pub prompt_tokens: usize,
    /// Tokens sampled or forced.
    pub tokens: usize,
    /// Of those, tokens the grammar forced.
    pub forced: usize,
}

/// What a constrained answer is asked for.
pub(super) struct JsonAsk {
    /// The ChatML conversation, ending where the assistant's turn opens.
    pub chat: String,
    pub schema: Value,
    pub max_tokens: usize,
    /// The most tokens of prompt and answer together: a longer prompt loses its start.
    pub context: usize,
    pub sampling: Sampling,
    pub seed: u64,
}

/// Writes the answer to `ask.chat` as a JSON document `ask.schema` accepts.
pub(super) fn write_json(
    loaded: &mut Loaded,
    ask: JsonAsk,
    stop: &AtomicBool,
) -> candle_core::Result<Held> {
    if loaded.grammar.is_none() {
        let end_of_turn = loaded.stops[0];
        loaded.grammar =
            Some(factory(&loaded.tokenizer, end_of_turn).map_err(candle_core::Error::msg)?);
    }
    let Some(factory) = loaded.grammar.as_ref() else {
        return Err(candle_core::Error::msg("no grammar factory"));
    };
    let parser = factory.create_parser(TopLevelGrammar::from_json_schema(ask.schema));
    let mut matcher = Matcher::new(parser);
    if let Some(err) = matcher.get_error() {
        return Err(candle_core::Error::msg(format!(
            "the schema was refused: {err}"
        )));
    }
    let encoding = loaded
        .tokenizer
        .encode(ask.chat, false)
        .map_err(candle_core::Error::msg)?;
    let mut prompt: Vec<u32> = encoding.get_ids().to_vec();
    let budget = ask.max_tokens.clamp(1, ask.context / 2);
    if prompt.len() + budget > ask.context {
        prompt.drain(..prompt.len() + budget - ask.context);
    }
    let mut sampler = LogitsProcessor::from_sampling(ask.seed, ask.sampling);
    let mut written: Vec<u32> = Vec::with_capacity(budget);
    let mut forced = 0;
    let mut input = prompt.clone();
    let mut position = 0;
    while written.len() < budget && !stop.load(Ordering::Relaxed) && !matcher.is_stopped() {
        let fed = Tensor::new(input.as_slice(), &Device::Cpu)?.unsqueeze(0)?;
        let logits = loaded.weights.forward(&fed, position)?.squeeze(0)?;
        position += input.len();
        let mask = matcher
            .compute_mask_or_eos()
            .map_err(|err| candle_core::Error::msg(err.to_string()))?;
        let mut values = logits.to_vec1::<f32>()?;
        for (id, value) in values.iter_mut().enumerate() {
            // Ids past the vocabulary (padding rows of the output layer) are never allowed.
            let allowed = id < mask.len() && u32::try_from(id).is_ok_and(|id| mask.is_allowed(id));
            if !allowed {
                *value = f32::NEG_INFINITY;
            }
        }
        let next = sampler.sample(&Tensor::new(values, &Device::Cpu)?)?;
        if loaded.stops.contains(&next) {
            break;
        }
        matcher
            .consume_token(next)
            .map_err(|err| candle_core::Error::msg(err.to_string()))?;
        written.push(next);
        let ahead = matcher.consume_ff_tokens();
        forced += ahead.len();
        written.extend_from_slice(&ahead);
        input = std::iter::once(next).chain(ahead).collect();
    }
    let text = loaded
        .tokenizer
        .decode(&written, true)
        .map_err(candle_core::Error::msg)?;
    Ok(Held {
        text,
        prompt_tokens: prompt.len(),
        tokens: written.len(),
        forced,
    })
}
