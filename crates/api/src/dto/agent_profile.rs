//! The legacy agent profile: identity, voice and brand.

use ace_app::agent_core::CoreView;
use ace_domain::agent_core::IdentityType;
use serde::Serialize;
use utoipa::ToSchema;

/// Who the agent is.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileIdentity {
    pub name: String,
    pub description: Option<String>,
    pub avatar_url: Option<String>,
    /// Whether the agent presents as a character (rather than a brand).
    pub use_character: Option<bool>,
    pub persona: Option<String>,
}

/// The default voice in the profile's terms.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileVoiceRef {
    pub id: String,
    pub name: Option<String>,
    pub provider: String,
}

/// How the agent sounds. Provider keys are shown masked.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileVoice {
    pub eleven_lab_api_key: Option<String>,
    pub hume_ai_api_key: Option<String>,
    pub default_voice: Option<ProfileVoiceRef>,
}

/// A linked account in the profile's terms.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileAccount {
    pub id: i64,
    pub url: String,
    pub handle: String,
    pub platform: Option<String>,
    pub display_name: Option<String>,
}

/// The brand configuration.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileBrand {
    pub brand_name: Option<String>,
    pub description: Option<String>,
    pub goal: Option<String>,
    pub keywords: Vec<String>,
    pub target_platforms: Vec<String>,
    pub shortform: Option<bool>,
    pub longform: Option<bool>,
    pub linked_accounts: Vec<ProfileAccount>,
    pub content_idea_preferences: Option<String>,
    pub onboarding_status: Option<String>,
}

/// The whole profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileResponse {
    pub identity: ProfileIdentity,
    pub voice: ProfileVoice,
    pub brand: ProfileBrand,
}

/// Renders the profile from the canvas.
pub fn render(view: &CoreView) -> ProfileResponse {
    let agent = &view.agent;
    let core = &view.core;
    ProfileResponse {
        identity: ProfileIdentity {
            name: agent.name.clone(),
            description: agent.description.clone(),
            avatar_url: agent.primary_avatar_url.clone(),
            use_character: core.identity_type.map(|t| t == IdentityType::Character),
            persona: core.personality.clone(),
        },
        voice: ProfileVoice {
            eleven_lab_api_key: agent.eleven_labs_key.clone(),
            hume_ai_api_key: agent.hume_ai_key.clone(),
            default_voice: agent.default_voice.as_ref().map(|v| ProfileVoiceRef {
                id: v.voice_id.clone(),
                name: v.name.clone(),
                provider: v.source.provider().to_owned(),
            }),
        },
        brand: ProfileBrand {
            brand_name: core.brand_name.clone(),
            description: core.description.clone(),
            goal: core.goal.clone(),
            keywords: core.keywords.clone(),
            target_platforms: core.target_platforms.clone(),
            shortform: core.shortform,
            longform: core.longform,
            linked_accounts: view
                .linked_accounts
                .iter()
                .map(|a| ProfileAccount {
                    id: a.id.get(),
                    url: a.url.clone(),
                    handle: a.url.clone(),
                    platform: a.platform.clone(),
                    display_name: a.display_name.clone(),
                })
                .collect(),
            content_idea_preferences: core.content_idea_preferences.clone(),
            onboarding_status: core.onboarding_status.clone(),
        },
    }
}
