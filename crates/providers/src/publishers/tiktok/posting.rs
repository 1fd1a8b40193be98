//! The Content Posting API: what the creator's account allows (`creator_info/query`), a
//! direct post (`video/init`, then the file PUT in order in chunks with `Content-Range`, or
//! pulled by TikTok from a verified URL), and the post's status (`status/fetch`) until TikTok
//! publishes it or gives up.

use std::path::Path;

use ace_domain::publishing::{CreatorAllows, PostChoice};
use ace_net::hosted_api::ApiKey;
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use super::{TikTok, TikTokError, read_capped, text_at, unreachable};

const MIB: u64 = 1024 * 1024;

/// How a file is cut for upload: TikTok takes chunks of 5 to 64 MB, the last one holding the
/// remainder, and a file under 5 MB whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChunkPlan {
    pub video_size: u64,
    pub chunk_size: u64,
    pub total_chunk_count: u64,
}

impl ChunkPlan {
    /// The smallest chunk TikTok takes (and the size ace cuts at).
    pub const MIN_CHUNK: u64 = 5 * MIB;
    /// The largest chunk TikTok takes (the last may reach twice that).
    pub const MAX_CHUNK: u64 = 64 * MIB;
    /// TikTok's most chunks per file.
    pub const MAX_CHUNKS: u64 = 1_000;

    /// The plan for a file of `size` bytes.
    pub fn for_size(size: u64) -> Result<Self, String> {
        if size == 0 {
            return Err("the file is empty".into());
        }
        let chunk_size = if size < 2 * Self::MIN_CHUNK {
            size
        } else {
            Self::MIN_CHUNK.max(size.div_ceil(Self::MAX_CHUNKS))
        };
        if chunk_size > Self::MAX_CHUNK && size >= 2 * Self::MIN_CHUNK {
            return Err(format!(
                "the file is {} MB; TikTok takes at most {} MB",
                size / MIB,
                Self::MAX_CHUNK * Self::MAX_CHUNKS / MIB
            ));
        }
        Ok(Self {
            video_size: size,
            chunk_size,
            total_chunk_count: (size / chunk_size).max(1),
        })
    }

    /// Chunk `index`'s first and last byte (inclusive); the last chunk runs to the end.
    pub fn range(&self, index: u64) -> (u64, u64) {
        let start = index * self.chunk_size;
        let end = if index + 1 >= self.total_chunk_count {
            self.video_size - 1
        } else {
            start + self.chunk_size - 1
        };
        (start, end)
    }
}

/// Where TikTok gets the video from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VideoSource {
    /// ace uploads the file in chunks.
    File(ChunkPlan),
    /// TikTok pulls the URL, which must be under a prefix verified for the app.
    Url(String),
}

/// A direct post.
#[derive(Clone, Debug)]
pub struct VideoPost {
    /// TikTok's `title`: the post's caption.
    pub caption: String,
    pub choice: PostChoice,
    /// The frame used as the cover, in milliseconds.
    pub cover_ms: Option<u64>,
    pub source: VideoSource,
}

/// The creator behind a token, and what their account allows.
#[derive(Clone, Debug)]
pub struct Creator {
    pub username: String,
    pub nickname: String,
    pub avatar_url: String,
    pub allows: CreatorAllows,
    /// The longest video they may post, in seconds.
    pub max_video_seconds: Option<u64>,
}

/// A started post.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Upload {
    pub publish_id: String,
    /// Where the chunks go (for a file upload).
    pub upload_url: Option<String>,
}

/// Where a post stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PostStatus {
    /// Still uploading, downloading or in review (TikTok's status word).
    Processing(String),
    /// Published; public posts carry their ids (private ones have none).
    Complete {
        post_ids: Vec<String>,
    },
    Failed {
        reason: String,
    },
}

#[derive(Deserialize)]
struct CreatorData {
    #[serde(default)]
    creator_username: String,
    #[serde(default)]
    creator_nickname: String,
    #[serde(default)]
    creator_avatar_url: String,
    #[serde(default)]
    privacy_level_options: Vec<String>,
    #[serde(default)]
    comment_disabled: bool,
    #[serde(default)]
    duet_disabled: bool,
    #[serde(default)]
    stitch_disabled: bool,
    #[serde(default)]
    max_video_post_duration_sec: Option<u64>,
}

impl TikTok {
    /// Who the token's creator is and what their account allows. TikTok asks for this call
    /// before every post.
    pub async fn creator_info(&self, token: &ApiKey) -> Result<Creator, TikTokError> {
        let request = self
            .client
            .post(self.url("/v2/post/publish/creator_info/query/"))
            .header("content-type", "application/json; charset=UTF-8");
        let data: CreatorData = self.call(request, token).await?;
        Ok(Creator {
            username: data.creator_username,
            nickname: data.creator_nickname,
            avatar_url: data.creator_avatar_url,
            allows: CreatorAllows {
                privacy_levels: data.privacy_level_options,
                comments: !data.comment_disabled,
                duet: !data.duet_disabled,
                stitch: !data.stitch_disabled,
            },
            max_video_seconds: data.max_video_post_duration_sec,
        })
    }

    /// Starts a direct post; the video is flagged as AI-generated, since ace made it.
    pub async fn init_video(
        &self,
        token: &ApiKey,
        post: &VideoPost,
    ) -> Result<Upload, TikTokError> {
        let mut post_info = json!({
            "title": post.caption,
            "privacy_level": post.choice.privacy_level,
            "disable_duet": post.choice.disable_duet,
            "disable_comment": post.choice.disable_comment,
            "disable_stitch": post.choice.disable_stitch,
            "brand_content_toggle": false,
            "brand_organic_toggle": false,
            "is_aigc": true,
        });
        if let Some(cover) = post.cover_ms {
            post_info["video_cover_timestamp_ms"] = json!(cover);
        }
        let source_info = match &post.source {
            VideoSource::File(plan) => json!({
                "source": "FILE_UPLOAD",
                "video_size": plan.video_size,
                "chunk_size": plan.chunk_size,
                "total_chunk_count": plan.total_chunk_count,
            }),
            VideoSource::Url(url) => json!({"source": "PULL_FROM_URL", "video_url": url}),
        };
        let request = self
            .client
            .post(self.url("/v2/post/publish/video/init/"))
            .json(&json!({"post_info": post_info, "source_info": source_info}));
        let data: Value = self.call(request, token).await?;
        let publish_id = text_at(&data, "publish_id");
        if publish_id.is_empty() {
            return Err(TikTokError::BadAnswer(
                "it gave the post no publish_id".into(),
            ));
        }
        let upload_url = Some(text_at(&data, "upload_url")).filter(|url| !url.is_empty());
        if matches!(post.source, VideoSource::File(_)) && upload_url.is_none() {
            return Err(TikTokError::BadAnswer(
                "it gave the upload no upload_url".into(),
            ));
        }
        Ok(Upload {
            publish_id,
            upload_url,
        })
    }

    /// PUTs `file` to `upload_url` chunk by chunk, in order.
    pub async fn upload(
        &self,
        upload_url: &str,
        file: &Path,
        plan: &ChunkPlan,
    ) -> Result<(), TikTokError> {
        let local = |err: std::io::Error| {
            TikTokError::Unavailable(format!("the file to upload could not be read: {err}"))
        };
        let mut reader = tokio::fs::File::open(file).await.map_err(local)?;
        for index in 0..plan.total_chunk_count {
            let (start, end) = plan.range(index);
            let mut chunk = vec![0u8; usize::try_from(end - start + 1).unwrap_or(0)];
            reader
                .seek(std::io::SeekFrom::Start(start))
                .await
                .map_err(local)?;
            reader.read_exact(&mut chunk).await.map_err(local)?;
            let response = self
                .client
                .put(upload_url)
                .header("content-type", "video/mp4")
                .header(
                    "content-range",
                    format!("bytes {start}-{end}/{}", plan.video_size),
                )
                .body(chunk)
                .send()
                .await
                .map_err(|err| unreachable(&err))?;
            let status = response.status();
            if !status.is_success() {
                let body = read_capped(response).await.unwrap_or_default();
                let code = serde_json::from_slice::<Value>(&body)
                    .ok()
                    .map(|value| text_at(&value["error"], "code"))
                    .filter(|code| !code.is_empty())
                    .unwrap_or_else(|| format!("http_{}", status.as_u16()));
                let message = format!(
                    "chunk {} of {} was refused",
                    index + 1,
                    plan.total_chunk_count
                );
                return Err(if status.is_server_error() {
                    TikTokError::Unavailable(message)
                } else {
                    TikTokError::Refused {
                        code,
                        message,
                        log_id: String::new(),
                    }
                });
            }
        }
        Ok(())
    }

    /// Where a post stands.
    pub async fn status(
        &self,
        token: &ApiKey,
        publish_id: &str,
    ) -> Result<PostStatus, TikTokError> {
        let request = self
            .client
            .post(self.url("/v2/post/publish/status/fetch/"))
            .json(&json!({"publish_id": publish_id}));
        let data: Value = self.call(request, token).await?;
        let status = text_at(&data, "status");
        Ok(match status.as_str() {
            "PUBLISH_COMPLETE" => PostStatus::Complete {
                // TikTok's own spelling.
                post_ids: data["publicaly_available_post_id"]
                    .as_array()
                    .map(|ids| {
                        ids.iter()
                            .filter_map(|id| match id {
                                Value::Number(n) => Some(n.to_string()),
                                Value::String(s) if !s.is_empty() => Some(s.clone()),
                                _ => None,
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            },
            "FAILED" => PostStatus::Failed {
                reason: Some(text_at(&data, "fail_reason"))
                    .filter(|reason| !reason.is_empty())
                    .unwrap_or_else(|| "no reason given".into()),
            },
            "" => return Err(TikTokError::BadAnswer("it gave the post no status".into())),
            other => PostStatus::Processing(other.to_owned()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_files_go_whole_and_large_ones_in_chunks_whose_last_takes_the_rest() {
        let small = ChunkPlan::for_size(3 * MIB).unwrap();
        assert_eq!((small.chunk_size, small.total_chunk_count), (3 * MIB, 1));
        assert_eq!(small.range(0), (0, 3 * MIB - 1));
        let medium = ChunkPlan::for_size(9 * MIB).unwrap();
        assert_eq!(medium.total_chunk_count, 1);
        let large = ChunkPlan::for_size(11 * MIB + 7).unwrap();
        assert_eq!((large.chunk_size, large.total_chunk_count), (5 * MIB, 2));
        assert_eq!(large.range(0), (0, 5 * MIB - 1));
        assert_eq!(large.range(1), (5 * MIB, 11 * MIB + 6));
        let huge = ChunkPlan::for_size(10_000 * MIB).unwrap();
        assert!(huge.total_chunk_count <= ChunkPlan::MAX_CHUNKS);
        assert!((ChunkPlan::MIN_CHUNK..=ChunkPlan::MAX_CHUNK).contains(&huge.chunk_size));
        assert!(ChunkPlan::for_size(0).is_err());
        assert!(ChunkPlan::for_size(70_000 * MIB).is_err());
    }
}
