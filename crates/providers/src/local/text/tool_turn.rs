//! The embedded model (Qwen) as a chat that calls tools. A model this small cannot be trusted
//! to write a well-formed call, so it writes none freely: it is shown the tools by name and
//! description, then each tool's examples as earlier turns (it learns more from those), and
//! its answer is decoded under a JSON schema that is the union of one object per tool
//! (`{"name": <its name>, "arguments": <its schema>}`) and `{"name": "reply"}`. Whatever it
//! picks is a valid call. It calls once, and does not read results back
//! ([`ToolChat::reads_results`] is false): ace writes the answer from them. A reply is written
//! as free text, held to the limits its prompt states like any text card. Any prompt can be
//! answered the same way in JSON of a given schema.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use candle_transformers::generation::Sampling;
use futures::future::BoxFuture;
use serde_json::{Value, json};
use tracing::debug;

use super::constrained::{JsonAsk, write_json};
use super::{Ask, LocalText, SYSTEM, seed_of};
use crate::ProviderError;
use crate::local::StopOnDrop;
use crate::tool_chat::{ChatMessage, ChatTurn, ToolCall, ToolChat, ToolSpec};

/// The name of the choice to answer without a tool.
const REPLY: &str = "reply";
/// What a reply is for.
const REPLY_DESCRIPTION: &str = "answer the user yourself: a greeting, thanks, a question about you, or anything no other function does.";
/// Messages a reply answers, shown as examples.
const REPLY_EXAMPLES: [&str; 2] = [
    "Thanks, that looks great!",
    "Who are you, and how do you work?",
];
/// The most tokens of a call.
const CALL_TOKENS: usize = 160;
/// The most tokens of prompt and call: tools take room.
const CALL_CONTEXT: usize = 4096;
/// The most characters of an earlier message or result the model is shown.
const SHOWN_CHARS: usize = 600;
/// The longest string of a call, in characters, where its schema sets no bound.
const STRING_CHARS: u64 = 120;
/// The most items of an array of a call, where its schema sets no bound.
const ARRAY_ITEMS: u64 = 4;
/// The most tokens of a reply.
const REPLY_TOKENS: usize = 160;

impl ToolChat for LocalText {
    fn turn<'a>(
        &'a self,
        messages: &'a [ChatMessage],
        tools: &'a [ToolSpec],
    ) -> BoxFuture<'a, Result<ChatTurn, ProviderError>> {
        Box::pin(async move {
            let called = messages
                .iter()
                .any(|message| matches!(message, ChatMessage::Tool { .. }));
            if !tools.is_empty() && !called {
                let choice = self.choose(messages, tools).await?;
                if choice["name"] != REPLY {
                    let call = ToolCall {
                        id: "call_1".into(),
                        name: choice["name"].as_str().unwrap_or_default().to_owned(),
                        arguments: choice.get("arguments").cloned().unwrap_or(json!({})),
                    };
                    return Ok(ChatTurn::Calls(vec![call]));
                }
            }
            self.reply(messages).await.map(ChatTurn::Answer)
        })
    }

    fn reads_results(&self) -> bool {
        false
    }

    fn answer_json<'a>(
        &'a self,
        prompt: &'a str,
        schema: &'a Value,
    ) -> BoxFuture<'a, Result<Value, ProviderError>> {
        Box::pin(async move {
            let chat = format!(
                "<|im_start|>system\n{SYSTEM}<|im_end|>\n<|im_start|>user\n{}<|im_end|>\n<|im_start|>assistant\n",
                prompt.trim()
            );
            let mut schema = bounded(schema.clone());
            if let Some(object) = schema.as_object_mut() {
                object.insert("x-guidance".into(), compact());
            }
            self.held_json(chat, schema).await
        })
    }
}

impl LocalText {
    /// The model's pick among `tools` and a reply, as the JSON object the schema holds it to.
    async fn choose(
        &self,
        messages: &[ChatMessage],
        tools: &[ToolSpec],
    ) -> Result<Value, ProviderError> {
        self.held_json(tools_chat(messages, tools), choices(tools))
            .await
    }

    /// The answer to the ChatML `chat` as JSON that `schema` accepts.
    async fn held_json(&self, chat: String, schema: Value) -> Result<Value, ProviderError> {
        let model = self.model().await?;
        let ask = JsonAsk {
            seed: seed_of(&chat, "json"),
            chat,
            schema,
            max_tokens: CALL_TOKENS,
            context: CALL_CONTEXT,
            sampling: Sampling::ArgMax,
        };
        let stop = Arc::new(AtomicBool::new(false));
        let _stop_on_drop = StopOnDrop(Arc::clone(&stop));
        let held = tokio::task::spawn_blocking(move || {
            let mut loaded = model.lock().map_err(|_| {
                ProviderError::Permanent("The text model failed earlier and is unusable.".into())
            })?;
            let started = std::time::Instant::now();
            let held = write_json(&mut loaded, ask, &stop)
                .map_err(|err| ProviderError::Permanent(format!("The text model failed: {err}")))?;
            debug!(
                tokens = held.tokens,
                forced = held.forced,
                prompt_tokens = held.prompt_tokens,
                seconds = started.elapsed().as_secs_f64(),
                answer = %held.text,
                "the text model answered in JSON"
            );
            Ok::<_, ProviderError>(held)
        })
        .await
        .map_err(|err| ProviderError::Transient(format!("The text model stopped: {err}")))??;
        serde_json::from_str(&held.text).map_err(|_| {
            ProviderError::Transient("The text model's answer was cut short; ask again.".into())
        })
    }

    /// A reply to the conversation, in at most three sentences.
    async fn reply(&self, messages: &[ChatMessage]) -> Result<String, ProviderError> {
        let mut lines = Vec::new();
        for message in messages {
            match message {
                ChatMessage::System(text) => lines.push(text.clone()),
                ChatMessage::User(text) => lines.push(format!("user: {}", shown(text))),
                ChatMessage::Assistant {
                    content: Some(text),
                    ..
                } => lines.push(format!("assistant: {}", shown(text))),
                ChatMessage::Assistant { content: None, .. } => {}
                ChatMessage::Tool { content, .. } => {
                    lines.push(format!("tool result: {}", shown(content)));
                }
            }
        }
        lines.push(
            "Reply to the user in at most three sentences, with no emojis or hashtags.".into(),
        );
        let prompt = lines.join("\n");
        let written = self
            .write(Ask {
                seed: seed_of(&prompt, "reply"),
                prompt,
                max_tokens: REPLY_TOKENS,
                temperature: 0.6,
            })
            .await?;
        Ok(written.text)
    }
}

/// The conversation in ChatML: a system turn listing the tools by name and description and
/// stating the answer's format, the tools' examples as earlier turns, then the messages.
fn tools_chat(messages: &[ChatMessage], tools: &[ToolSpec]) -> String {
    // Names and descriptions only: the grammar holds the arguments to their schemas, and the
    // examples show them; the schemas themselves would double the prompt.
    let listed: Vec<String> = tools
        .iter()
        .map(|tool| format!("- {}: {}", tool.name, tool.description))
        .chain(std::iter::once(format!("- {REPLY}: {REPLY_DESCRIPTION}")))
        .collect();
    let mut system = String::from(SYSTEM);
    // The examples first, as earlier turns: first examples of every tool, then second ones,
    // and a reply among them, so no tool is always nearest the question.
    let mut turns: Vec<(&str, String)> = Vec::new();
    let most = tools
        .iter()
        .map(|tool| tool.examples.len())
        .max()
        .unwrap_or(0);
    let reply = json!({ "name": REPLY }).to_string();
    for nth in 0..most {
        for tool in tools {
            if let Some(example) = tool.examples.get(nth) {
                let call = json!({"name": tool.name, "arguments": example.arguments});
                turns.push(("user", example.asked.clone()));
                turns.push(("assistant", call.to_string()));
            }
        }
        if let Some(asked) = REPLY_EXAMPLES.get(nth) {
            turns.push(("user", (*asked).to_owned()));
            turns.push(("assistant", reply.clone()));
        }
    }
    for message in messages {
        match message {
            ChatMessage::System(text) => {
                system = text.clone();
            }
            ChatMessage::User(text) => turns.push(("user", shown(text))),
            ChatMessage::Assistant {
                content,
                tool_calls,
            } => {
                let calls = tool_calls.iter().map(|call| {
                    json!({"name": call.name, "arguments": call.arguments}).to_string()
                });
                let said: Vec<String> = content.iter().cloned().chain(calls).collect();
                turns.push(("assistant", shown(&said.join("\n"))));
            }
            ChatMessage::Tool { content, .. } => turns.push((
                "user",
                format!("<tool_response>\n{}\n</tool_response>", shown(content)),
            )),
        }
    }
    let mut chat = format!(
        "<|im_start|>system\n{system}\n\n# Tools\n\nDo what the user asks with one of these functions:\n{}\n\nAnswer with one JSON object naming the function and its arguments: {{\"name\": <function-name>, \"arguments\": <args-json-object>}}.<|im_end|>\n",
        listed.join("\n")
    );
    for (role, text) in turns {
        chat.push_str(&format!("<|im_start|>{role}\n{text}<|im_end|>\n"));
    }
    chat.push_str("<|im_start|>assistant\n");
    chat
}

/// The schema of an answer: one call of one of `tools`, or a reply.
fn choices(tools: &[ToolSpec]) -> Value {
    let call = |name: &str, arguments: Value| {
        json!({
            "type": "object",
            "properties": {"name": {"const": name}, "arguments": arguments},
            "required": ["name", "arguments"],
            "additionalProperties": false,
        })
    };
    let mut options: Vec<Value> = tools
        .iter()
        .map(|tool| call(&tool.name, bounded(tool.parameters.clone())))
        .collect();
    options.push(json!({
        "type": "object",
        "properties": {"name": {"const": REPLY}},
        "required": ["name"],
        "additionalProperties": false,
    }));
    json!({ "anyOf": options, "x-guidance": compact() })
}

/// JSON as models are used to writing it on one line: `{"a": 1, "b": 2}`, with no room for
/// a small model to wander into whitespace.
fn compact() -> Value {
    json!({"whitespace_flexible": false, "item_separator": ", ", "key_separator": ": "})
}

/// `schema` with a bound on every string and array that has none, so a call always ends
/// within its tokens (a small model repeats itself otherwise).
fn bounded(mut schema: Value) -> Value {
    if let Some(object) = schema.as_object_mut() {
        let free = !object.contains_key("enum") && !object.contains_key("const");
        match object.get("type").and_then(Value::as_str) {
            Some("string") if free => {
                object.entry("maxLength").or_insert(json!(STRING_CHARS));
            }
            Some("array") => {
                object.entry("maxItems").or_insert(json!(ARRAY_ITEMS));
            }
            _ => {}
        }
        for value in object.values_mut() {
            *value = bounded(value.take());
        }
    } else if let Some(items) = schema.as_array_mut() {
        for value in items {
            *value = bounded(value.take());
        }
    }
    schema
}

/// A message cut to what the model is shown.
fn shown(text: &str) -> String {
    let mut cut: String = text.chars().take(SHOWN_CHARS).collect();
    if cut.len() < text.len() {
        cut.push('…');
    }
    cut
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tool_chat::ToolExample;

    fn spec(name: &str) -> ToolSpec {
        ToolSpec {
            name: name.into(),
            description: format!("does {name}"),
            parameters: json!({"type": "object", "properties": {"topic": {"type": "string"}}, "required": ["topic"]}),
            examples: vec![ToolExample {
                asked: format!("please {name}"),
                arguments: json!({"topic": "tacos"}),
            }],
        }
    }

    #[test]
    fn the_schema_offers_each_tool_by_name_and_a_reply() {
        let schema = choices(&[spec("research"), spec("list_preferences")]);
        let options = schema["anyOf"].as_array().unwrap();
        assert_eq!(options.len(), 3);
        assert_eq!(options[0]["properties"]["name"]["const"], "research");
        assert_eq!(options[0]["required"], json!(["name", "arguments"]));
        assert_eq!(options[2]["properties"]["name"]["const"], REPLY);
        let keys: Vec<&String> = options[0]["properties"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(keys, ["name", "arguments"], "the name is written first");
    }

    #[test]
    fn the_chat_lists_the_tools_and_the_reply_and_opens_the_assistant_turn() {
        let messages = [
            ChatMessage::System("You are Ada.".into()),
            ChatMessage::User("hello".into()),
        ];
        let chat = tools_chat(&messages, &[spec("research")]);
        assert!(chat.starts_with("<|im_start|>system\nYou are Ada."));
        assert!(chat.contains("\n- research: does research\n- reply: "));
        assert!(chat.contains("<|im_start|>user\nplease research<|im_end|>\n<|im_start|>assistant\n{\"name\":\"research\",\"arguments\":{\"topic\":\"tacos\"}}<|im_end|>"));
        assert!(chat.ends_with("<|im_start|>user\nhello<|im_end|>\n<|im_start|>assistant\n"));
        assert!(chat.ends_with("<|im_start|>assistant\n"));
    }

    #[test]
    fn strings_and_arrays_without_bounds_get_them_and_enums_keep_theirs() {
        let schema = bounded(json!({"type": "object", "properties": {
            "topic": {"type": "string"},
            "short": {"type": "string", "maxLength": 10},
            "depth": {"type": "string", "enum": ["quick", "deep"]},
            "rules": {"type": "array", "items": {"type": "string"}},
        }}));
        let properties = &schema["properties"];
        assert_eq!(properties["topic"]["maxLength"], STRING_CHARS);
        assert_eq!(properties["short"]["maxLength"], 10);
        assert!(properties["depth"].get("maxLength").is_none());
        assert_eq!(properties["rules"]["maxItems"], ARRAY_ITEMS);
        assert_eq!(properties["rules"]["items"]["maxLength"], STRING_CHARS);
    }

    #[test]
    fn long_messages_are_cut_with_a_mark() {
        let long = "word ".repeat(400);
        let cut = shown(&long);
        assert!(cut.chars().count() == SHOWN_CHARS + 1 && cut.ends_with('…'));
        assert_eq!(shown("short"), "short");
    }
}
