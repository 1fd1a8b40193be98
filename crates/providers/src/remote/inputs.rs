//! A card's content resources as a provider takes them: a link it can fetch (a signed URL), or,
//! for files ace keeps on its own disk, the bytes themselves, inline as a `data:` URL or as an
//! upload.

use super::http::Service;
use crate::{Input, ProviderError};
use base64::Engine as _;

/// The largest input sent to a provider.
const MAX_INPUT_BYTES: u64 = 512 * 1024 * 1024;

/// The media type of a file, from its name.
pub fn media_type(name: &str) -> &'static str {
    let extension = name
        .rsplit_once('.')
        .map(|(_, extension)| extension.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "mp4" | "m4v" => "video/mp4",
        "mov" => "video/quicktime",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        "m4a" => "audio/mp4",
        "ogg" => "audio/ogg",
        _ => "application/octet-stream",
    }
}

fn is_link(location: &str) -> bool {
    location.starts_with("http://") || location.starts_with("https://")
}

/// A file name for `input`, from its storage key.
pub fn file_name(input: &Input) -> String {
    input
        .storage_key
        .rsplit('/')
        .next()
        .filter(|name| !name.is_empty())
        .unwrap_or("input")
        .to_owned()
}

/// How a provider can read `input`: its link, or its bytes as a `data:` URL.
pub async fn reference(input: &Input) -> Result<String, ProviderError> {
    if is_link(&input.location) {
        return Ok(input.location.clone());
    }
    let bytes = read_local(input).await?;
    let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
    Ok(format!(
        "data:{};base64,{encoded}",
        media_type(&file_name(input))
    ))
}

/// The bytes of `input`, read from disk or fetched from its link.
pub async fn bytes(service: &Service, input: &Input) -> Result<Vec<u8>, ProviderError> {
    if !is_link(&input.location) {
        return read_local(input).await;
    }
    service
        .fetch(&input.location, MAX_INPUT_BYTES)
        .await
        .map_err(|_| unreadable(input))
}

async fn read_local(input: &Input) -> Result<Vec<u8>, ProviderError> {
    let size = tokio::fs::metadata(&input.location)
        .await
        .map(|meta| meta.len())
        .map_err(|_| unreadable(input))?;
    if size > MAX_INPUT_BYTES {
        return Err(ProviderError::Permanent(format!(
            "Content resource {} is too large to send to a provider.",
            input.resource_id
        )));
    }
    tokio::fs::read(&input.location)
        .await
        .map_err(|_| unreadable(input))
}

fn unreadable(input: &Input) -> ProviderError {
    ProviderError::Transient(format!(
        "Content resource {} could not be read.",
        input.resource_id
    ))
}
