//! Chat with tool calling, for the Ideas agent: a provider's model that calls tools natively
//! (OpenAI's `tools` and `tool_calls`, which Ollama, vLLM and llama.cpp servers speak too), or
//! the embedded model decoding under the tools' schemas. A turn sends the conversation and the
//! tools' JSON schemas, and comes back with either the calls the model wants made or its
//! answer. The same models answer a prompt in JSON of a given schema.

use futures::future::BoxFuture;
use serde_json::Value;

use crate::ProviderError;

/// A message of a tool-using conversation.
#[derive(Clone, Debug, PartialEq)]
pub enum ChatMessage {
    System(String),
    User(String),
    /// The model's earlier turn: what it said, and the calls it asked for.
    Assistant {
        content: Option<String>,
        tool_calls: Vec<ToolCall>,
    },
    /// A call's result, as text.
    Tool {
        call_id: String,
        content: String,
    },
}

/// A call the model asks for.
#[derive(Clone, Debug, PartialEq)]
pub struct ToolCall {
    /// The model's id for the call, which its result refers to.
    pub id: String,
    pub name: String,
    pub arguments: Value,
}

/// A tool the model may call.
#[derive(Clone, Debug, PartialEq)]
pub struct ToolSpec {
    pub name: String,
    pub description: String,
    /// A JSON schema of its arguments.
    pub parameters: Value,
    /// Requests it answers, with the arguments each means: shown to the model (a small one
    /// learns more from examples than from descriptions).
    pub examples: Vec<ToolExample>,
}

/// A request a tool answers, and the arguments it means.
#[derive(Clone, Debug, PartialEq)]
pub struct ToolExample {
    pub asked: String,
    pub arguments: Value,
}

impl ToolSpec {
    /// Its description, with its examples.
    pub fn described(&self) -> String {
        let mut text = self.description.clone();
        for example in &self.examples {
            text.push_str(&format!(
                " Example: \"{}\" is {}.",
                example.asked, example.arguments
            ));
        }
        text
    }
}

/// What a turn came back with.
#[derive(Clone, Debug, PartialEq)]
pub enum ChatTurn {
    Calls(Vec<ToolCall>),
    Answer(String),
}

/// A model that calls tools.
pub trait ToolChat: Send + Sync {
    /// One turn of `messages`, with `tools` on offer.
    fn turn<'a>(
        &'a self,
        messages: &'a [ChatMessage],
        tools: &'a [ToolSpec],
    ) -> BoxFuture<'a, Result<ChatTurn, ProviderError>>;

    /// Whether the model reads its calls' results and carries on from them. A model that
    /// does not (a small embedded one) calls once, and the answer is written from the results.
    fn reads_results(&self) -> bool {
        true
    }

    /// An answer to `prompt` as a JSON value `schema` accepts: held to it while decoding (the
    /// embedded model), or asked for with `response_format: json_schema` (a provider's).
    fn answer_json<'a>(
        &'a self,
        prompt: &'a str,
        schema: &'a Value,
    ) -> BoxFuture<'a, Result<Value, ProviderError>> {
        let _ = (prompt, schema);
        Box::pin(async {
            Err(ProviderError::Permanent(
                "This model does not answer in JSON.".into(),
            ))
        })
    }
}
