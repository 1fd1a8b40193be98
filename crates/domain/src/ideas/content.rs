//! What an idea says: the parts the model writes (title, hook, script, rationale) and the
//! parts built from the knowledge base and the template library (`data`): the assets it would
//! use, the production manifest, and the real posts that inspired it.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::VideoType;

/// An idea as proposed.
#[derive(Clone, Debug, PartialEq)]
pub struct IdeaContent {
    pub title: String,
    /// The opening line.
    pub hook: String,
    pub full_script: String,
    pub description: Option<String>,
    pub video_type: VideoType,
    /// Seconds.
    pub estimated_duration: Option<u32>,
    /// `9:16`, `1:1` or `16:9`.
    pub aspect_ratio: String,
    pub data: IdeaData,
}

/// An idea's `data`, as GEN documents it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct IdeaData {
    #[serde(default)]
    pub selected_assets: Vec<SelectedAsset>,
    /// The production spec (`video_title`, `total_duration`, `aspect_ratio`,
    /// `global_extracted_assets`, `timeline_layers`), built from the matching template.
    #[serde(default)]
    pub project_manifest: Value,
    #[serde(default)]
    pub inspiration_sources: Vec<InspirationSource>,
    #[serde(default)]
    pub rationale: String,
}

/// A piece of media the idea would use.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SelectedAsset {
    pub url: String,
    /// `video`, `image` or `audio`.
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub description: String,
    /// How it is used, such as `clip 4-8s`.
    #[serde(default)]
    pub usage: String,
    /// Where it comes from.
    #[serde(default)]
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clip_range: Option<ClipRange>,
}

/// A span of a clip, in seconds.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClipRange {
    pub start: f64,
    pub end: f64,
}

/// A real post the idea draws on, from the agent's knowledge.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct InspirationSource {
    /// The platform: `tiktok`, `instagram`, `youtube`, or a research source.
    #[serde(rename = "type")]
    pub kind: String,
    pub url: Option<String>,
    pub creator: Option<String>,
    pub watch_count: Option<i64>,
    pub like_count: Option<i64>,
    /// What the idea takes from it.
    #[serde(default)]
    pub what_was_used: String,
}
