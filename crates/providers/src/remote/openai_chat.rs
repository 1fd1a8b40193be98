//! `text` through an OpenAI-compatible chat API (OpenAI, Gemini's compatible endpoint, Ollama,
//! llama.cpp, vLLM, OpenRouter): `POST {base}/chat/completions` with a system and a user
//! message, the card's `temperature` and `max_length`. The cost is the answer's `usage.cost`
//! when the provider reports one (OpenRouter does), else its token counts at the configured
//! per-million-token prices. The same model serves the Ideas agent as a [`ToolChat`]: the
//! conversation with `tools` and `tool_choice: "auto"`, answered with `tool_calls` or text,
//! and structured answers with `response_format: json_schema`.

use std::sync::Arc;

use futures::future::BoxFuture;
use reqwest::Method;
use serde::Deserialize;
use serde_json::{Value, json};

use super::config::{ApiKey, Price};
use super::http::{Service, generation_error};
use crate::tool_chat::{ChatMessage, ChatTurn, ToolCall, ToolChat, ToolSpec};
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
    #[serde(default)]
    tool_calls: Vec<CallOut>,
}

/// A call in an answer: its id and the function with its arguments as a JSON string.
#[derive(Deserialize)]
struct CallOut {
    id: Option<String>,
    function: Option<FunctionOut>,
}

#[derive(Deserialize)]
struct FunctionOut {
    name: String,
    #[serde(default)]
    arguments: Option<String>,
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

impl ChatText {
    /// Sends `body` and reads the first choice's message, refusing what the provider
    /// declined.
    async fn complete(&self, body: &Value) -> Result<(Completion, Option<Message>), ProviderError> {
        let key = self.key.as_ref();
        let request = self
            .service
            .request(Method::POST, "chat/completions", key)
            .json(body);
        let mut completion: Completion = match self.service.json(request, key).await {
            Ok(completion) => completion,
            Err(err) => return Err(generation_error(err).await),
        };
        let provider = self.service.provider();
        let choice = completion.choices.first_mut();
        let filtered =
            choice.as_ref().and_then(|c| c.finish_reason.as_deref()) == Some("content_filter");
        let message = choice.and_then(|choice| choice.message.take());
        if let Some(refusal) = message.as_ref().and_then(|m| m.refusal.as_deref()) {
            return Err(ProviderError::Permanent(format!(
                "{provider} declined the prompt: {}",
                refusal.chars().take(300).collect::<String>()
            )));
        }
        if filtered {
            return Err(ProviderError::Permanent(format!(
                "{provider} declined the prompt (its content filter stopped the answer)."
            )));
        }
        Ok((completion, message))
    }

    fn tool_body(&self, messages: &[ChatMessage], tools: &[ToolSpec]) -> Value {
        let messages: Vec<Value> = messages.iter().map(wire_message).collect();
        let tools: Vec<Value> = tools
            .iter()
            .map(|tool| {
                json!({
                    "type": "function",
                    "function": {
                        "name": tool.name,
                        "description": tool.described(),
                        "parameters": tool.parameters,
                    },
                })
            })
            .collect();
        let mut body = json!({
            "model": self.model,
            "messages": messages,
        });
        if !tools.is_empty() {
            body["tools"] = json!(tools);
            body["tool_choice"] = json!("auto");
        }
        if !is_reasoning_model(&self.model) {
            body["temperature"] = json!(DEFAULT_TEMPERATURE);
        }
        body
    }
}

/// A message as the chat API takes it.
fn wire_message(message: &ChatMessage) -> Value {
    match message {
        ChatMessage::System(content) => json!({"role": "system", "content": content}),
        ChatMessage::User(content) => json!({"role": "user", "content": content}),
        ChatMessage::Assistant {
            content,
            tool_calls,
        } => {
            let mut wire = json!({"role": "assistant", "content": content});
            if !tool_calls.is_empty() {
                wire["tool_calls"] = tool_calls
                    .iter()
                    .map(|call| {
                        json!({
                            "id": call.id,
                            "type": "function",
                            "function": {"name": call.name, "arguments": call.arguments.to_string()},
                        })
                    })
                    .collect();
            }
            wire
        }
        ChatMessage::Tool { call_id, content } => {
            json!({"role": "tool", "tool_call_id": call_id, "content": content})
        }
    }
}

impl ToolChat for ChatText {
    fn turn<'a>(
        &'a self,
        messages: &'a [ChatMessage],
        tools: &'a [ToolSpec],
    ) -> BoxFuture<'a, Result<ChatTurn, ProviderError>> {
        Box::pin(async move {
            let (_, message) = self.complete(&self.tool_body(messages, tools)).await?;
            let message = message.ok_or_else(|| {
                ProviderError::Transient(format!(
                    "{} answered with no message.",
                    self.service.provider()
                ))
            })?;
            let calls: Vec<ToolCall> = message
                .tool_calls
                .into_iter()
                .enumerate()
                .filter_map(|(at, call)| {
                    let function = call.function?;
                    let text = function.arguments.unwrap_or_default();
                    let arguments = if text.trim().is_empty() {
                        json!({})
                    } else {
                        serde_json::from_str(&text).unwrap_or_else(|_| json!({"unreadable": text}))
                    };
                    Some(ToolCall {
                        id: call.id.unwrap_or_else(|| format!("call_{}", at + 1)),
                        name: function.name,
                        arguments,
                    })
                })
                .collect();
            if !calls.is_empty() {
                return Ok(ChatTurn::Calls(calls));
            }
            let text = message
                .content
                .as_deref()
                .map(str::trim)
                .unwrap_or_default();
            if text.is_empty() {
                return Err(ProviderError::Transient(format!(
                    "{} answered with neither text nor tool calls.",
                    self.service.provider()
                )));
            }
            Ok(ChatTurn::Answer(text.to_owned()))
        })
    }

    fn answer_json<'a>(
        &'a self,
        prompt: &'a str,
        schema: &'a Value,
    ) -> BoxFuture<'a, Result<Value, ProviderError>> {
        Box::pin(async move {
            let mut body = self.tool_body(&[ChatMessage::User(prompt.to_owned())], &[]);
            body["response_format"] = json!({
                "type": "json_schema",
                "json_schema": {"name": "answer", "strict": true, "schema": schema},
            });
            let (_, message) = self.complete(&body).await?;
            let text = message
                .and_then(|message| message.content)
                .unwrap_or_default();
            serde_json::from_str(&text).map_err(|_| {
                ProviderError::Transient(format!(
                    "{} answered with no JSON of the schema asked for.",
                    self.service.provider()
                ))
            })
        })
    }
}

impl Generator for ChatText {
    fn name(&self) -> &str {
        self.service.provider()
    }

    fn tool_chat(&self) -> Option<&dyn ToolChat> {
        Some(self)
    }

    fn generate<'a>(&'a self, work: &'a Work) -> BoxFuture<'a, Result<Produced, ProviderError>> {
        Box::pin(async move {
            let prompt = work.prompt()?;
            let (completion, message) = self.complete(&self.body(work, prompt)).await?;
            let provider = self.service.provider();
            let text = message
                .as_ref()
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
                model: completion
                    .model
                    .clone()
                    .unwrap_or_else(|| self.model.clone()),
                cost_usd: self.cost(completion.usage.as_ref()),
                ..Produced::default()
            })
        })
    }
}
