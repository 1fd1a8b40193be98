//! Agent runs and conversations on the wire, in GEN's shapes: a run's status as GEN's four
//! values (ace's own six under `state`), its messages with the ideas they carry expanded in
//! `data.ideas`, the gate a run waits at, and conversations with their run counts.

use ace_app::agent_runs::RunRecord;
use ace_app::agent_runs::conversations::ConversationRecord;
use ace_app::agent_runs::conversations::ConversationView;
use ace_app::agent_runs::{MessageView, RunView, Started};
use ace_domain::credits::Credits;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::ideas::IdeaResponse;
use super::time::{iso, iso_opt};

/// A message to the agent.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AgentRunBody {
    /// What to ask: "generate 5 content ideas", "make idea 1 punchier", "remember: …",
    /// "research …", or anything to chat about.
    pub message: Option<String>,
    /// The agent (a number, or a number in a string).
    #[schema(value_type = Option<String>)]
    pub agent_id: Option<Value>,
    /// Continue this conversation; omit to start a new one.
    pub conversation_id: Option<String>,
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub attachments: Value,
    #[serde(default)]
    #[schema(value_type = Object)]
    pub context: Value,
    #[serde(default)]
    pub debug: bool,
}

/// Research to run.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ResearchBody {
    pub topic: Option<String>,
    /// quick, default (the default) or deep.
    pub depth: Option<String>,
    #[schema(value_type = Option<String>)]
    pub agent_id: Option<Value>,
}

/// A started run.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AgentRunStarted {
    pub run_id: String,
    pub conversation_id: String,
    /// Always `running`.
    pub status: String,
    /// The run's live progress stream (Server-Sent Events), readable without a key.
    pub firebase_path: String,
}

impl From<Started> for AgentRunStarted {
    fn from(started: Started) -> Self {
        Self {
            run_id: started.run_id,
            conversation_id: started.conversation_id,
            status: "running".into(),
            firebase_path: started.firebase_path,
        }
    }
}

/// A message of a conversation.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChatMessage {
    /// user, assistant or system.
    pub role: String,
    pub content: String,
    /// Structured content: `ideas` (in full), `preferences`, research `findings`, or a made
    /// vidsheet.
    #[schema(value_type = Option<Object>)]
    pub data: Option<Value>,
    pub run_id: Option<String>,
    pub created_at: String,
}

impl From<MessageView> for ChatMessage {
    fn from(view: MessageView) -> Self {
        let message = view.message;
        let mut data = message.data.map(|data| data.0);
        if let Some(Value::Object(fields)) = &mut data
            && fields.contains_key("idea_ids")
        {
            let ideas: Vec<IdeaResponse> = view.ideas.into_iter().map(IdeaResponse::from).collect();
            fields.insert(
                "ideas".into(),
                serde_json::to_value(ideas).unwrap_or_default(),
            );
        }
        Self {
            role: message.role,
            content: message.content,
            data,
            run_id: message.run_id,
            created_at: iso(message.created_at),
        }
    }
}

/// The gated call a run waits at.
#[derive(Debug, Serialize, ToSchema)]
pub struct PendingActionResponse {
    /// The call's id.
    pub id: String,
    pub tool: String,
    #[schema(value_type = Object)]
    pub arguments: Value,
    /// What approving it does, in words.
    pub summary: String,
}

/// A run.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgentRunResponse {
    pub run_id: String,
    pub conversation_id: String,
    /// running, completed, failed or awaiting_approval (GEN's values).
    pub status: String,
    /// ace's own: queued, running, awaiting_approval, completed, failed or cancelled.
    pub state: String,
    /// Why it failed (`cancelled` for a cancelled run).
    pub error: Option<String>,
    pub messages: Vec<ChatMessage>,
    pub pending_action: Option<PendingActionResponse>,
    /// Credits held at its start.
    pub credits_reserved: f64,
    /// Credits it cost, once ended.
    pub credits_spent: Option<f64>,
    pub created_at: String,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
}

impl From<RunView> for AgentRunResponse {
    fn from(view: RunView) -> Self {
        let run = view.run;
        Self {
            run_id: run.id,
            conversation_id: run.conversation_id,
            status: run.status.shown().into(),
            state: run.status.as_str().into(),
            error: run.error,
            messages: view.messages.into_iter().map(ChatMessage::from).collect(),
            pending_action: view.pending_action.map(|pending| PendingActionResponse {
                id: pending.id,
                tool: pending.tool,
                arguments: pending.arguments,
                summary: pending.summary,
            }),
            credits_reserved: Credits::from_millis(run.estimate_millis).as_f64(),
            credits_spent: run
                .cost_millis
                .map(|millis| Credits::from_millis(millis).as_f64()),
            created_at: iso(run.created_at),
            started_at: iso_opt(run.started_at),
            finished_at: iso_opt(run.finished_at),
        }
    }
}

/// A run as a conversation's run list shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgentRunSummary {
    pub run_id: String,
    /// running, completed, failed or awaiting_approval.
    pub status: String,
    pub state: String,
    pub error: Option<String>,
    pub created_at: String,
    pub finished_at: Option<String>,
}

impl From<RunRecord> for AgentRunSummary {
    fn from(run: RunRecord) -> Self {
        Self {
            run_id: run.id,
            status: run.status.shown().into(),
            state: run.status.as_str().into(),
            error: run.error,
            created_at: iso(run.created_at),
            finished_at: iso_opt(run.finished_at),
        }
    }
}

/// A conversation.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationResponse {
    pub id: String,
    pub agent_id: i64,
    pub title: Option<String>,
    pub pinned: bool,
    pub run_count: i64,
    pub created_at: String,
    pub updated_at: String,
    /// With `GET /v1/agent/conversations/{id}` only: every message, in order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messages: Option<Vec<ChatMessage>>,
}

impl From<ConversationRecord> for ConversationResponse {
    fn from(conversation: ConversationRecord) -> Self {
        Self {
            id: conversation.id,
            agent_id: conversation.agent_id.get(),
            title: conversation.title,
            pinned: conversation.pinned,
            run_count: conversation.run_count,
            created_at: iso(conversation.created_at),
            updated_at: iso(conversation.updated_at),
            messages: None,
        }
    }
}

impl From<ConversationView> for ConversationResponse {
    fn from(view: ConversationView) -> Self {
        Self {
            messages: Some(view.messages.into_iter().map(ChatMessage::from).collect()),
            ..Self::from(view.conversation)
        }
    }
}

/// A rename or a pin.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ConversationChanges {
    pub title: Option<String>,
    pub pinned: Option<bool>,
}

/// An approval decision; no body at all means approved.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ApprovalBody {
    pub approved: Option<bool>,
}

/// What an approval answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApprovalResponse {
    pub run_id: String,
    /// running (approved) or failed (rejected).
    pub status: String,
}
