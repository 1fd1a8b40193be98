//! Agent avatars.

use ace_app::avatars::Avatar;
use serde::Serialize;
use utoipa::ToSchema;

/// An avatar image of an agent.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AvatarResponse {
    pub id: i64,
    pub is_primary: bool,
    /// The same as `is_primary`, under the name one SDK reads.
    pub primary: bool,
    pub url: String,
    /// A JPEG of at most 256 px a side.
    pub thumbnail_url: Option<String>,
    pub degod_avatar_id: Option<String>,
}

impl From<&Avatar> for AvatarResponse {
    fn from(avatar: &Avatar) -> Self {
        Self {
            id: avatar.id.get(),
            is_primary: avatar.is_primary,
            primary: avatar.is_primary,
            url: avatar.url.clone(),
            thumbnail_url: Some(avatar.thumbnail_url.clone()),
            degod_avatar_id: avatar.degod_avatar_id.clone(),
        }
    }
}

/// The avatars one request added: the first one's fields, and all of them under `avatars`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedAvatars {
    #[serde(flatten)]
    pub first: AvatarResponse,
    pub avatars: Vec<AvatarResponse>,
}

impl CreatedAvatars {
    /// `avatars` holds at least one avatar: a create adds one or fails.
    pub fn new(avatars: Vec<AvatarResponse>) -> Self {
        Self {
            first: avatars[0].clone(),
            avatars,
        }
    }
}
