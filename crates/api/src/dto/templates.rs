//! Templates on the wire.

use ace_app::templates::TemplateSummary;
use serde::Serialize;
use utoipa::ToSchema;

use super::sheets::SheetResponse;

/// A template of the library.
#[derive(Debug, Serialize, ToSchema)]
pub struct TemplateResponse {
    pub id: i64,
    pub slug: String,
    pub uuid: String,
    pub title: String,
    /// The same as `title`.
    pub name: String,
    pub description: String,
    /// talking_avatar, green_screen, montage, text_driven, pov_object, narrated_voice_over,
    /// split_screen or skit.
    pub video_type: String,
    pub cover: Option<String>,
    pub tutorial_url: Option<String>,
    pub tags: Vec<String>,
    /// The caller's newest videos and images made from engines cloned from this template.
    pub recent_generated_contents: Vec<RecentContentResponse>,
    /// The template's engine (on `GET /v1/templates/projects/{slug}` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spreadsheet: Option<SheetResponse>,
}

/// One recent output.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecentContentResponse {
    pub id: i64,
    /// video or image.
    #[serde(rename = "type")]
    pub kind: String,
    pub url: String,
    pub thumbnail_url: Option<String>,
}

impl TemplateResponse {
    pub fn new(template: &TemplateSummary, spreadsheet: Option<SheetResponse>) -> Self {
        Self {
            id: template.id.get(),
            slug: template.slug.clone(),
            uuid: template.uuid.clone(),
            title: template.title.clone(),
            name: template.title.clone(),
            description: template.description.clone(),
            video_type: template.video_type.clone(),
            cover: template.cover.clone(),
            tutorial_url: template.tutorial_url.clone(),
            tags: template.tags.clone(),
            recent_generated_contents: template
                .recent
                .iter()
                .map(|content| RecentContentResponse {
                    id: content.id,
                    kind: content.kind.clone(),
                    url: content.url.clone(),
                    thumbnail_url: content.thumbnail_url.clone(),
                })
                .collect(),
            spreadsheet,
        }
    }
}
