//! Looking at a stored file: images get a thumbnail and their size; video gets its size,
//! length and a thumbnail of its first frame (ffmpeg); audio gets its length. A file that its
//! format's tools cannot read at all is refused; a missing tool only means less is known.

use ace_media::MediaError;

use crate::App;
use ace_media::formats::{FileKind, Format, by_mime};
use ace_media::images::{self, ImageError, ImageKind};

/// The longest side of a thumbnail.
const THUMBNAIL_SIDE: u32 = 256;
/// The largest picture handed to ffmpeg for a thumbnail (it decodes the whole frame).
const FFMPEG_MAX_PIXELS: u64 = 100_000_000;
const IMAGE_KINDS: &[ImageKind] = &[
    ImageKind::Jpeg,
    ImageKind::Png,
    ImageKind::Webp,
    ImageKind::Gif,
];

/// What inspection found.
#[derive(Clone, Debug, Default)]
pub struct Inspection {
    /// The format, corrected when a video container turns out to hold only sound.
    pub format: Option<&'static Format>,
    pub thumbnail_key: Option<String>,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub duration_ms: Option<i64>,
}

/// Inspects the blob under `key`. `image` is the whole file when it is a small image. `Err`
/// holds a sentence for the client: the file is not readable as what it claims to be.
pub async fn inspect(
    app: &App,
    key: &str,
    format: &'static Format,
    image: Option<bytes::Bytes>,
) -> Result<Inspection, String> {
    let mut found = Inspection {
        format: Some(format),
        ..Inspection::default()
    };
    match format.kind {
        FileKind::Image => {
            let processed = match image {
                Some(bytes) => Some(images::process(bytes, IMAGE_KINDS).await),
                None => None,
            };
            match processed {
                Some(Ok(processed)) => {
                    found.thumbnail_key =
                        Some(store_thumbnail(app, key, processed.thumbnail).await?);
                    found.width = Some(i64::from(processed.width));
                    found.height = Some(i64::from(processed.height));
                }
                Some(Err(err)) if !matches!(err, ImageError::TooLarge { .. }) => {
                    return Err(err.to_string());
                }
                // Too big to decode here: ffmpeg scales it down from storage, within reason.
                _ => {
                    let location = readable(app, key).await?;
                    let Ok(Some(picture)) = app.media.probe(&location).await.map(|p| p.video)
                    else {
                        return Ok(found);
                    };
                    found.width = Some(i64::from(picture.width));
                    found.height = Some(i64::from(picture.height));
                    if u64::from(picture.width) * u64::from(picture.height) <= FFMPEG_MAX_PIXELS {
                        found.thumbnail_key = frame_thumbnail(app, key, &location).await?;
                    }
                }
            }
        }
        FileKind::Video | FileKind::Audio => {
            let location = readable(app, key).await?;
            let probe = match app.media.probe(&location).await {
                Ok(probe) => probe,
                Err(MediaError::NotInstalled(tool)) => {
                    tracing::warn!(
                        tool,
                        "media tools are missing; storing the file without its length or thumbnail"
                    );
                    return Ok(found);
                }
                Err(MediaError::Failed { .. } | MediaError::BadOutput { .. }) => {
                    return Err(format!(
                        "The file could not be read as {}.",
                        format.kind.as_str()
                    ));
                }
                Err(err) => {
                    tracing::warn!(error = %err, "could not probe an upload");
                    return Ok(found);
                }
            };
            found.duration_ms = probe.duration_ms;
            match probe.video {
                Some(video) if format.kind == FileKind::Video => {
                    found.width = Some(i64::from(video.width));
                    found.height = Some(i64::from(video.height));
                    found.thumbnail_key = frame_thumbnail(app, key, &location).await?;
                }
                None if format.kind == FileKind::Video && probe.has_audio => {
                    found.format = Some(sound_only(format));
                }
                None if format.kind == FileKind::Video => {
                    return Err("The file has no video or audio streams.".into());
                }
                _ => {}
            }
        }
        FileKind::Zip | FileKind::SafeTensors => {}
    }
    Ok(found)
}

/// The audio format of a container that sniffed as video but holds only sound.
fn sound_only(format: &'static Format) -> &'static Format {
    let mime = match format.mime {
        "video/webm" | "video/x-matroska" => "audio/ogg",
        _ => "audio/mp4",
    };
    by_mime(mime).unwrap_or(format)
}

/// A JPEG of the first frame, made by ffmpeg and stored beside the blob; `None` (logged) when
/// ffmpeg cannot make one.
async fn frame_thumbnail(app: &App, key: &str, location: &str) -> Result<Option<String>, String> {
    match app.media.first_frame_jpeg(location, THUMBNAIL_SIDE).await {
        Ok(jpeg) => Ok(Some(store_thumbnail(app, key, jpeg).await?)),
        Err(err) => {
            tracing::warn!(error = %err, "no first-frame thumbnail");
            Ok(None)
        }
    }
}

async fn store_thumbnail(app: &App, key: &str, jpeg: bytes::Bytes) -> Result<String, String> {
    let thumbnail = thumbnail_key(key);
    app.storage
        .put(&thumbnail, jpeg)
        .await
        .map_err(|_| storage_failed())?;
    Ok(thumbnail)
}

/// Where media tools can read the blob from.
async fn readable(app: &App, key: &str) -> Result<String, String> {
    app.storage
        .readable_location(key)
        .await
        .map_err(|_| storage_failed())
}

/// Where a blob's thumbnail goes.
fn thumbnail_key(key: &str) -> String {
    let stem = key.rsplit_once('.').map_or(key, |(stem, _)| stem);
    format!("{stem}.thumb.jpg")
}

fn storage_failed() -> String {
    "The file could not be stored; try again.".into()
}
