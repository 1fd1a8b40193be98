//! Ideas on the wire, in GEN's shape: the idea's fields, its `data` (selected assets, project
//! manifest, inspiration sources, rationale), and those four again at the top level, where
//! the Step 2 overview shows them.

use ace_app::ideas::IdeaRecord;
use ace_domain::ideas::{IdeaData, InspirationSource, SelectedAsset};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::time::iso;

/// A video idea the agent proposed.
#[derive(Debug, Serialize, ToSchema)]
pub struct IdeaResponse {
    pub id: i64,
    /// Its number in the set it was proposed in ("idea 3").
    pub idea_id: i64,
    pub agent_id: i64,
    pub title: String,
    /// The opening line.
    pub hook: String,
    pub full_script: String,
    pub description: Option<String>,
    /// talking_avatar, green_screen, montage, text_driven, pov_object, narrated_voice_over,
    /// split_screen, skit, or any.
    pub video_type: String,
    /// 0 any, 1 talking avatar, 2 green screen, 3 montage, 4 text-driven, 5 POV object,
    /// 6 narrated voice-over, 8 split screen, 9 skit.
    pub video_type_id: i64,
    /// generated, approve_to_create, ready_for_review, change_idea, change_video, rejected,
    /// approved_to_post or posted.
    pub status: String,
    /// Seconds.
    pub estimated_duration: Option<i64>,
    pub aspect_ratio: String,
    #[schema(value_type = Vec<Object>)]
    pub selected_assets: Vec<SelectedAsset>,
    #[schema(value_type = Object)]
    pub project_manifest: Value,
    #[schema(value_type = Vec<Object>)]
    pub inspiration_sources: Vec<InspirationSource>,
    pub rationale: String,
    #[schema(value_type = Object)]
    pub data: IdeaData,
    pub created_at: String,
    pub updated_at: String,
}

impl From<IdeaRecord> for IdeaResponse {
    fn from(idea: IdeaRecord) -> Self {
        let data = idea.data.0;
        Self {
            id: idea.id.get(),
            idea_id: i64::from(idea.idea_number),
            agent_id: idea.agent_id.get(),
            title: idea.title,
            hook: idea.hook,
            full_script: idea.full_script,
            description: idea.description,
            video_type: idea.video_type.as_str().to_owned(),
            video_type_id: idea.video_type.id(),
            status: idea.status.as_str().to_owned(),
            estimated_duration: idea.estimated_duration.map(i64::from),
            aspect_ratio: idea.aspect_ratio,
            selected_assets: data.selected_assets.clone(),
            project_manifest: data.project_manifest.clone(),
            inspiration_sources: data.inspiration_sources.clone(),
            rationale: data.rationale.clone(),
            data,
            created_at: iso(idea.created_at),
            updated_at: iso(idea.updated_at),
        }
    }
}
