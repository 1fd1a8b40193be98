//! `text` through an OpenAI-compatible chat API (OpenAI, Gemini's compatible endpoint, Ollama,
//! llama.cpp, vLLM, OpenRouter): `POST {base}/chat/completions` with a system and a user
//! message, the card's `temperature` and `max_length`. The cost is the answer's `usage.cost`
//! when the provider reports one (OpenRouter does), else its token counts at the configured
//! per-million-token prices.

use std::sync::Arc;

use futures::future::BoxFuture;
use reqwest::Method;
use serde::Deserialize;
use serde_json::{Value, json};

use super::config::{ApiKey, Price};
use super::http::{Service, generation_error};
use crate::{Generator, Produced, ProviderError, Work};

/// The system message when the provider's configuration sets none.
const DEFAULT_SYSTEM_PROMPT: &str = "You write content for short social videos. Answer with \
     the requested text only: no preamble, no notes, no surrounding quotes.";
/// GEN's default `temperature` for text cards.
const DEFAULT_TEMPERATURE: f64 = 0.2;

/// Text from a chat-completions model.
#[derive(Debug)]
pub struct ChatText {
    pub service: Arc<Service>,
    pub key: Option<ApiKey>,
    /// The provider's model id, such as `gpt-4o`.
    pub model: String,
    pub system_prompt: Option<String>,
    pub price: Option<Price>,
}

#[derive(Deserialize)]
struct Completion {
    model: Option<String>,
    #[serde(default)]
    choices: Vec<Choice>,
    usage: Option<Usage>,
}

#[derive(Deserialize)]
struct Choice {
    message: Option<Message>,
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct Message {
    content: Option<String>,
    refusal: Option<String>,
}

#[derive(Deserialize)]
struct Usage {
    prompt_tokens: Option<u64>,
    completion_tokens: Option<u64>,
    /// What the call cost in US dollars, where the provider says (OpenRouter).
    cost: Option<f64>,
}

/// OpenAI's reasoning models take `max_completion_tokens` and only their own temperature.
fn is_reasoning_model(model: &str) -> bool {
    ["o1", "o3", "o4", "gpt-5"]
        .iter()
        .any(|prefix| model.starts_with(prefix))
}

impl ChatText {
    fn body(&self, work: &Work, prompt: &str) -> Value {
        let system = self
            .system_prompt
            .as_deref()
            .unwrap_or(DEFAULT_SYSTEM_PROMPT);
        let mut body = json!({
            "model": self.model,
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": prompt},
            ],
        });
        let temperature = work
            .data
            .get("temperature")
            .and_then(Value::as_f64)
            .unwrap_or(DEFAULT_TEMPERATURE);
        if is_reasoning_model(&self.model) {
            if let Some(tokens) = work.request.max_tokens {
                body["max_completion_tokens"] = json!(tokens);
            }
        } else {
            body["temperature"] = json!(temperature);
            if let Some(tokens) = work.request.max_tokens {
                body["max_tokens"] = json!(tokens);
            }
        }
        body
    }

    fn cost(&self, usage: Option<&Usage>) -> Option<f64> {
        let usage = usage?;
        if let Some(cost) = usage.cost {
            return Some(cost);
        }
        let price = self.price?;
        let input = price.input_per_1m_tokens? * usage.prompt_tokens? as f64;
        let output = price.output_per_1m_tokens? * usage.completion_tokens? as f64;
        Some((input + output) / 1_000_000.0)
    }
}

impl Generator for ChatText {
    fn name(&self) -> &str {
        self.service.provider()
    }

    fn generate<'a>(&'a self, work: &'a Work) -> BoxFuture<'a, Result<Produced, ProviderError>> {
        Box::pin(async move {
            let prompt = work.prompt()?;
            let key = self.key.as_ref();
            let request = self
                .service
                .request(Method::POST, "chat/completions", key)
                .json(&self.body(work, prompt));
            let completion: Completion = match self.service.json(request, key).await {
                Ok(completion) => completion,
                Err(err) => return Err(generation_error(err).await),
            };
            let provider = self.service.provider();
            let choice = completion.choices.first();
            let message = choice.and_then(|choice| choice.message.as_ref());
            if let Some(refusal) = message.and_then(|m| m.refusal.as_deref()) {
                return Err(ProviderError::Permanent(format!(
                    "{provider} declined the prompt: {}",
                    refusal.chars().take(300).collect::<String>()
                )));
            }
            if choice.and_then(|c| c.finish_reason.as_deref()) == Some("content_filter") {
                return Err(ProviderError::Permanent(format!(
                    "{provider} declined the prompt (its content filter stopped the answer)."
                )));
            }
            let text = message
                .and_then(|m| m.content.as_deref())
                .map(str::trim)
                .unwrap_or_default();
            if text.is_empty() {
                return Err(ProviderError::Transient(format!(
                    "{provider} answered with no text."
                )));
            }
            Ok(Produced {
                text: Some(text.to_owned()),
                provider: provider.to_owned(),
                model: completion.model.unwrap_or_else(|| self.model.clone()),
                cost_usd: self.cost(completion.usage.as_ref()),
                ..Produced::default()
            })
        })
    }
}
