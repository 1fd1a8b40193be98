//! Agent core on the wire. A read returns the flat fields of the contract and, alongside, the
//! same canvas by section (`identity`, `overview`, `inspiration`, `voice`, `look`,
//! `accounts`) for the clients that read it that way.

use std::collections::BTreeMap;

use ace_app::agent_core::{Account, CoreView, MonitoredSource, PatchOutcome};
use ace_domain::agent_core::MonitoredKind;
use ace_domain::voice::VoiceRef;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

/// A monitored inspiration source.
#[derive(Debug, Serialize, ToSchema)]
pub struct MonitoredItemResponse {
    pub handle: String,
    /// account, hashtag or keyword.
    pub item_type: String,
}

/// A research topic.
#[derive(Debug, Serialize, ToSchema)]
pub struct TopicResponse {
    pub topic: String,
}

/// One of the agent's own accounts. Fields never set are left out, as GEN's schema has no
/// `null` for them.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkedAccountResponse {
    pub id: i64,
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

impl From<&Account> for LinkedAccountResponse {
    fn from(account: &Account) -> Self {
        Self {
            id: account.id.get(),
            url: account.url.clone(),
            platform: account.platform.clone(),
            display_name: account.display_name.clone(),
        }
    }
}

/// An inspiration account, as the sectioned view and `POST /core/inspiration` show it.
#[derive(Debug, Serialize, ToSchema)]
pub struct InspirationItemResponse {
    pub id: i64,
    pub url: String,
    pub platform: Option<String>,
    pub handle: String,
    pub item_type: String,
}

impl From<&MonitoredSource> for InspirationItemResponse {
    fn from(item: &MonitoredSource) -> Self {
        Self {
            id: item.id.get(),
            url: item.handle.clone(),
            platform: item.platform.clone(),
            handle: item.handle.clone(),
            item_type: item.kind.as_str().to_owned(),
        }
    }
}

/// One of the agent's own accounts as `POST /core/accounts` returns it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountItemResponse {
    pub id: i64,
    pub agent_id: i64,
    pub url: String,
    pub platform: Option<String>,
    pub display_name: Option<String>,
}

impl From<&Account> for AccountItemResponse {
    fn from(account: &Account) -> Self {
        Self {
            id: account.id.get(),
            agent_id: account.agent_id.get(),
            url: account.url.clone(),
            platform: account.platform.clone(),
            display_name: account.display_name.clone(),
        }
    }
}

/// A voice reference.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct VoiceRefResponse {
    pub voice_id: String,
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl From<&VoiceRef> for VoiceRefResponse {
    fn from(voice: &VoiceRef) -> Self {
        Self {
            voice_id: voice.voice_id.clone(),
            source: voice.source.as_str().to_owned(),
            name: voice.name.clone(),
        }
    }
}

/// The sectioned `identity`.
#[derive(Debug, Serialize, ToSchema)]
pub struct IdentitySection {
    pub name: String,
    pub profile_photo_url: Option<String>,
}

/// The sectioned `overview`: the scalar brand fields.
#[derive(Debug, Serialize, ToSchema)]
pub struct OverviewSection {
    pub agent_id: i64,
    pub brand_name: Option<String>,
    pub description: Option<String>,
    pub identity_type: Option<String>,
    pub goal: Option<String>,
    pub keywords: Vec<String>,
    pub target_platforms: Vec<String>,
    pub shortform: Option<bool>,
    pub longform: Option<bool>,
    pub primary_format: Option<String>,
    pub onboarding_status: Option<String>,
}

/// The sectioned `look`.
#[derive(Debug, Serialize, ToSchema)]
pub struct LookSection {
    pub description: Option<String>,
    #[schema(value_type = Vec<Object>)]
    pub reference_images: Vec<Value>,
}

/// The brand fields, as the `brand` section of a patch result shows them.
#[derive(Debug, Serialize, ToSchema)]
pub struct BrandData {
    pub brand_name: Option<String>,
    pub description: Option<String>,
    pub identity_type: Option<String>,
    pub goal: Option<String>,
    pub target_platforms: Vec<String>,
    pub shortform: Option<bool>,
    pub longform: Option<bool>,
    pub onboarding_status: Option<String>,
    pub keywords: Vec<String>,
    pub monitored: Vec<MonitoredItemResponse>,
    pub research_topics: Vec<TopicResponse>,
    pub linked_accounts: Vec<LinkedAccountResponse>,
}

/// The agent's whole setup canvas.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgentCoreResponse {
    pub agent_id: i64,
    #[serde(flatten)]
    pub brand: BrandData,
    pub personality: Option<String>,
    pub default_user_voice: Option<VoiceRefResponse>,
    pub identity: IdentitySection,
    pub overview: OverviewSection,
    pub inspiration: Vec<InspirationItemResponse>,
    pub voice: Option<VoiceRefResponse>,
    pub look: LookSection,
    pub accounts: Vec<LinkedAccountResponse>,
}

/// How one section of a patch went.
#[derive(Debug, Serialize, ToSchema)]
pub struct SectionResult {
    /// ok or error.
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Per-section results of a patch, keyed by section.
pub type PatchResultResponse = BTreeMap<&'static str, SectionResult>;

/// Renders the canvas.
pub fn render(view: &CoreView) -> AgentCoreResponse {
    let agent = &view.agent;
    let voice = agent.default_voice.as_ref().map(VoiceRefResponse::from);
    AgentCoreResponse {
        agent_id: agent.id.get(),
        brand: brand_data(view),
        personality: view.core.personality.clone(),
        default_user_voice: voice.clone(),
        identity: identity(view),
        overview: overview(view),
        inspiration: inspiration(view),
        voice,
        look: look(view),
        accounts: view
            .linked_accounts
            .iter()
            .map(LinkedAccountResponse::from)
            .collect(),
    }
}

/// Renders the results of a patch: each section's outcome with its data afterwards.
pub fn render_outcome(outcome: &PatchOutcome) -> PatchResultResponse {
    outcome
        .sections
        .iter()
        .map(|section| {
            let result = match &section.result {
                Ok(()) => SectionResult {
                    status: "ok",
                    data: Some(section_data(section.key, &outcome.view)),
                    error: None,
                },
                Err(message) => SectionResult {
                    status: "error",
                    data: None,
                    error: Some(message.clone()),
                },
            };
            (section.key, result)
        })
        .collect()
}

fn section_data(key: &str, view: &CoreView) -> Value {
    let to_value = |v: Result<Value, serde_json::Error>| v.unwrap_or(Value::Null);
    match key {
        "brand" => to_value(serde_json::to_value(brand_data(view))),
        "overview" => to_value(serde_json::to_value(overview(view))),
        "identity" => to_value(serde_json::to_value(identity(view))),
        "inspiration" => to_value(serde_json::to_value(inspiration(view))),
        "accounts" => to_value(serde_json::to_value(
            view.linked_accounts
                .iter()
                .map(LinkedAccountResponse::from)
                .collect::<Vec<_>>(),
        )),
        "personality" => view
            .core
            .personality
            .clone()
            .map_or(Value::Null, Value::String),
        "voice" => to_value(serde_json::to_value(
            view.agent
                .default_voice
                .as_ref()
                .map(VoiceRefResponse::from),
        )),
        "look" => to_value(serde_json::to_value(look(view))),
        _ => Value::Null,
    }
}

fn brand_data(view: &CoreView) -> BrandData {
    let core = &view.core;
    BrandData {
        brand_name: core.brand_name.clone(),
        description: core.description.clone(),
        identity_type: core.identity_type.map(|t| t.as_str().to_owned()),
        goal: core.goal.clone(),
        target_platforms: core.target_platforms.clone(),
        shortform: core.shortform,
        longform: core.longform,
        onboarding_status: core.onboarding_status.clone(),
        keywords: core.keywords.clone(),
        monitored: view
            .monitored
            .iter()
            .map(|m| MonitoredItemResponse {
                handle: m.handle.clone(),
                item_type: m.kind.as_str().to_owned(),
            })
            .collect(),
        research_topics: core
            .research_topics
            .iter()
            .map(|t| TopicResponse { topic: t.clone() })
            .collect(),
        linked_accounts: view
            .linked_accounts
            .iter()
            .map(LinkedAccountResponse::from)
            .collect(),
    }
}

fn identity(view: &CoreView) -> IdentitySection {
    IdentitySection {
        name: view.agent.name.clone(),
        profile_photo_url: view.agent.primary_avatar_url.clone(),
    }
}

fn overview(view: &CoreView) -> OverviewSection {
    let core = &view.core;
    OverviewSection {
        agent_id: view.agent.id.get(),
        brand_name: core.brand_name.clone(),
        description: core.description.clone(),
        identity_type: core.identity_type.map(|t| t.as_str().to_owned()),
        goal: core.goal.clone(),
        keywords: core.keywords.clone(),
        target_platforms: core.target_platforms.clone(),
        shortform: core.shortform,
        longform: core.longform,
        primary_format: None,
        onboarding_status: core.onboarding_status.clone(),
    }
}

fn inspiration(view: &CoreView) -> Vec<InspirationItemResponse> {
    view.monitored
        .iter()
        .filter(|m| m.kind == MonitoredKind::Account)
        .map(InspirationItemResponse::from)
        .collect()
}

fn look(view: &CoreView) -> LookSection {
    LookSection {
        description: view.core.look_description.clone(),
        reference_images: Vec::new(),
    }
}
