//! Chat with native tool calling, for the Ideas agent when its text model is a provider's
//! that can call tools (OpenAI's `tools` and `tool_calls`, which Ollama, vLLM and llama.cpp
//! servers speak too). A turn sends the conversation and the tools' JSON schemas, and comes
//! back with either the calls the model wants made or its answer.

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
}
