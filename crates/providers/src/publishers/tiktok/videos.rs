//! TikTok's Display API video query (scope `video.list`): the public figures of the
//! creator's own videos, by id, for reading back how ace's posts perform.

use ace_net::hosted_api::ApiKey;
use serde::Deserialize;
use serde_json::json;

use super::{TikTok, TikTokError};

/// The fields asked for.
const FIELDS: &str = "id,title,share_url,view_count,like_count,comment_count,share_count";
/// The most ids one query takes.
pub const MAX_IDS: usize = 20;

/// A video's public figures as TikTok counts them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct VideoFigures {
    pub id: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub share_url: Option<String>,
    #[serde(default, rename = "view_count")]
    pub views: Option<i64>,
    #[serde(default, rename = "like_count")]
    pub likes: Option<i64>,
    #[serde(default, rename = "comment_count")]
    pub comments: Option<i64>,
    #[serde(default, rename = "share_count")]
    pub shares: Option<i64>,
}

#[derive(Deserialize)]
struct Videos {
    #[serde(default)]
    videos: Vec<VideoFigures>,
}

impl TikTok {
    /// The figures of the token's creator's videos `ids` (at most [`MAX_IDS`]); a video TikTok
    /// no longer shows is left out.
    pub async fn video_figures(
        &self,
        token: &ApiKey,
        ids: &[String],
    ) -> Result<Vec<VideoFigures>, TikTokError> {
        let ids = &ids[..ids.len().min(MAX_IDS)];
        let request = self
            .client
            .post(self.url(&format!("/v2/video/query/?fields={FIELDS}")))
            .json(&json!({"filters": {"video_ids": ids}}));
        let data: Videos = self.call(request, token).await?;
        Ok(data.videos)
    }
}
