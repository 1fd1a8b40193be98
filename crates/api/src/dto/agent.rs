//! Agents: the list item, the detail object and the create/update body.

use ace_app::agents::{Agent, AgentFields, VoiceAttributes};
use ace_app::avatars::{AvatarRequest, AvatarSource};
use ace_domain::patch::Patch;
use ace_domain::voice::VoiceRef;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::time::iso;
use crate::extract::{FormData, Resource};

/// An agent's default voice.
#[derive(Debug, Serialize, ToSchema)]
pub struct DefaultVoiceResponse {
    /// The voice's id with its provider.
    pub id: String,
    pub voice_id: String,
    /// Where the voice comes from: public, eleven_labs, hume_ai, user_voice_resource, ...
    pub source: String,
    /// The provider that speaks it.
    pub provider: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl From<&VoiceRef> for DefaultVoiceResponse {
    fn from(voice: &VoiceRef) -> Self {
        Self {
            id: voice.voice_id.clone(),
            voice_id: voice.voice_id.clone(),
            source: voice.source.as_str().to_owned(),
            provider: voice.source.provider().to_owned(),
            name: voice.name.clone(),
        }
    }
}

/// An agent in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgentSummary {
    pub id: i64,
    pub name: String,
    pub description: Option<String>,
    /// The workspace (organization) the agent belongs to.
    pub workspace_id: i64,
    pub organization_id: i64,
    /// The workspace's name.
    pub organization: String,
    pub primary_avatar_id: Option<i64>,
    pub primary_avatar_url: Option<String>,
    /// The caller's role in the agent's workspace.
    pub role: String,
    pub time_zone: Option<String>,
    pub tiktok_integration: bool,
    pub tiktok_social_account: bool,
    pub degods: bool,
    #[schema(value_type = Vec<Object>)]
    pub shared_users: Vec<Value>,
    pub default_user_voice: Option<DefaultVoiceResponse>,
    #[schema(format = DateTime)]
    pub created_at: String,
}

impl From<&Agent> for AgentSummary {
    fn from(agent: &Agent) -> Self {
        Self {
            id: agent.id.get(),
            name: agent.name.clone(),
            description: agent.description.clone(),
            workspace_id: agent.organization_id.get(),
            organization_id: agent.organization_id.get(),
            organization: agent.organization_name.clone(),
            primary_avatar_id: agent.primary_avatar_id.map(|id| id.get()),
            primary_avatar_url: agent.primary_avatar_url.clone(),
            role: agent.viewer_role.map_or("", |r| r.as_str()).to_owned(),
            time_zone: agent.time_zone.clone(),
            tiktok_integration: false,
            tiktok_social_account: false,
            degods: false,
            shared_users: Vec::new(),
            default_user_voice: agent.default_voice.as_ref().map(DefaultVoiceResponse::from),
            created_at: iso(agent.created_at),
        }
    }
}

/// An agent in full.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgentDetail {
    pub id: i64,
    pub name: String,
    pub description: Option<String>,
    pub organization_id: i64,
    /// Present when asked for with `with_organization_uuid=true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_uuid: Option<String>,
    pub time_zone: Option<String>,
    pub primary_avatar_id: Option<i64>,
    pub primary_avatar_url: Option<String>,
    pub agent_setup_project_id: Option<i64>,
    pub role: String,
    pub default_user_voice: Option<DefaultVoiceResponse>,
    /// Whether an ElevenLabs key is stored (the key itself is never returned).
    pub eleven_labs_connected: bool,
    pub hume_ai_connected: bool,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl AgentDetail {
    pub fn new(agent: &Agent, with_organization_uuid: bool) -> Self {
        Self {
            id: agent.id.get(),
            name: agent.name.clone(),
            description: agent.description.clone(),
            organization_id: agent.organization_id.get(),
            organization_uuid: with_organization_uuid.then(|| agent.organization_uuid.clone()),
            time_zone: agent.time_zone.clone(),
            primary_avatar_id: agent.primary_avatar_id.map(|id| id.get()),
            primary_avatar_url: agent.primary_avatar_url.clone(),
            agent_setup_project_id: None,
            role: agent.viewer_role.map_or("", |r| r.as_str()).to_owned(),
            default_user_voice: agent.default_voice.as_ref().map(DefaultVoiceResponse::from),
            eleven_labs_connected: agent.eleven_labs_key.is_some(),
            hume_ai_connected: agent.hume_ai_key.is_some(),
            created_at: iso(agent.created_at),
            updated_at: iso(agent.updated_at),
        }
    }
}

/// `{agent: {...}}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgentEnvelope {
    pub agent: AgentDetail,
}

/// `default_user_voice_attributes`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct VoiceAttributesBody {
    /// eleven_labs, hume_ai or user_voice_resource (agent-core sources work too).
    pub source: Option<String>,
    pub voice_id: Option<String>,
}

/// The fields of an agent, under `agent` (or at the top level).
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct AgentBody {
    /// Create only: the workspace to create the agent in; the personal workspace if absent.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub organization_id: Option<Value>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub name: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub description: Patch<String>,
    /// An IANA time zone such as `America/New_York`.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub time_zone: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub eleven_lab_api_key: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub hume_ai_api_key: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<VoiceAttributesBody>)]
    pub default_user_voice_attributes: Patch<VoiceAttributesBody>,
    /// Avatars: `{file, is_primary?}` items, the files sent as multipart
    /// (`agent[agent_avatars_attributes][][file]`).
    #[serde(default)]
    #[schema(value_type = Option<Vec<Object>>)]
    pub agent_avatars_attributes: Option<Vec<Value>>,
}

impl Resource for AgentBody {
    const KEY: &'static str = "agent";
}

impl AgentBody {
    /// The use-case input, with uploads resolved from the form.
    pub fn into_fields(self, form: &FormData) -> AgentFields {
        AgentFields {
            name: self.name,
            description: self.description,
            time_zone: self.time_zone,
            eleven_lab_api_key: self.eleven_lab_api_key,
            hume_ai_api_key: self.hume_ai_api_key,
            default_voice: match self.default_user_voice_attributes {
                Patch::Absent => Patch::Absent,
                Patch::Clear => Patch::Clear,
                Patch::Set(v) => Patch::Set(VoiceAttributes {
                    source: v.source,
                    voice_id: v.voice_id,
                }),
            },
            avatars: avatar_requests(
                self.agent_avatars_attributes.as_deref().unwrap_or_default(),
                form,
            ),
        }
    }
}

/// Reads `agent_avatars_attributes` items: `{file}` (an upload or a signed id), `{url}` (or
/// `{image_url}`), `{degod_avatar_id}`, `{is_primary}`, or a bare file.
pub fn avatar_requests(items: &[Value], form: &FormData) -> Vec<AvatarRequest> {
    items
        .iter()
        .map(|item| {
            let file_value = item.get("file").unwrap_or(item);
            let source = if let Some(upload) = form.upload(file_value) {
                Some(AvatarSource::File(upload))
            } else if let Some(degod) = item.get("degod_avatar_id").and_then(scalar_text) {
                Some(AvatarSource::Degod(degod))
            } else if let Some(url) = ["url", "image_url"]
                .iter()
                .find_map(|key| item.get(*key).and_then(scalar_text))
            {
                Some(AvatarSource::Url(url))
            } else {
                item.get("file")
                    .and_then(scalar_text)
                    .map(AvatarSource::Reference)
            };
            let is_primary = item.get("is_primary").is_some_and(truthy);
            AvatarRequest { source, is_primary }
        })
        .collect()
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn truthy(value: &Value) -> bool {
    match value {
        Value::Bool(b) => *b,
        Value::String(s) => matches!(s.trim(), "true" | "1" | "yes" | "on"),
        Value::Number(n) => n.as_i64() == Some(1),
        _ => false,
    }
}
