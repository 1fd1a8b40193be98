//! The file formats ace takes, how each is recognised from its first bytes, and how a client's
//! declared name or MIME type is checked against what the bytes say.

use crate::images::ImageKind;

/// What kind of asset a file is, as GEN's `type` filter names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileKind {
    Image,
    Video,
    Audio,
    Zip,
    SafeTensors,
}

impl FileKind {
    pub const ALL: [FileKind; 5] = [
        FileKind::Image,
        FileKind::Video,
        FileKind::Audio,
        FileKind::Zip,
        FileKind::SafeTensors,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            FileKind::Image => "image",
            FileKind::Video => "video",
            FileKind::Audio => "audio",
            FileKind::Zip => "zip",
            FileKind::SafeTensors => "safe_tensors",
        }
    }

    pub fn parse(text: &str) -> Option<FileKind> {
        FileKind::ALL
            .into_iter()
            .find(|k| k.as_str() == text.trim())
    }
}

/// Container families whose files may hold sound, pictures or both, so a declared audio type
/// on what sniffs as video (or the reverse) is not a lie.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    Bmff,
    Matroska,
    Ogg,
    Other,
}

/// One accepted format.
#[derive(Debug, PartialEq, Eq)]
pub struct Format {
    pub mime: &'static str,
    /// The extension stored blobs get.
    pub extension: &'static str,
    pub kind: FileKind,
    /// Other extensions meaning this format.
    aliases: &'static [&'static str],
    /// Other MIME types meaning this format.
    mime_aliases: &'static [&'static str],
    family: Family,
    pub image: Option<ImageKind>,
}

macro_rules! fmt_entry {
    ($mime:literal, $ext:literal, $kind:ident, $family:ident, [$($alias:literal),*], [$($mime_alias:literal),*], $image:expr) => {
        Format {
            mime: $mime,
            extension: $ext,
            kind: FileKind::$kind,
            aliases: &[$($alias),*],
            mime_aliases: &[$($mime_alias),*],
            family: Family::$family,
            image: $image,
        }
    };
}

static FORMATS: [Format; 16] = [
    fmt_entry!(
        "image/jpeg",
        "jpg",
        Image,
        Other,
        ["jpeg", "jpe", "jfif"],
        ["image/jpg", "image/pjpeg"],
        Some(ImageKind::Jpeg)
    ),
    fmt_entry!(
        "image/png",
        "png",
        Image,
        Other,
        [],
        ["image/x-png"],
        Some(ImageKind::Png)
    ),
    fmt_entry!(
        "image/webp",
        "webp",
        Image,
        Other,
        [],
        [],
        Some(ImageKind::Webp)
    ),
    fmt_entry!(
        "image/gif",
        "gif",
        Image,
        Other,
        [],
        [],
        Some(ImageKind::Gif)
    ),
    fmt_entry!(
        "video/mp4",
        "mp4",
        Video,
        Bmff,
        ["m4v"],
        ["video/x-m4v", "application/mp4"],
        None
    ),
    fmt_entry!("video/quicktime", "mov", Video, Bmff, ["qt"], [], None),
    fmt_entry!("video/webm", "webm", Video, Matroska, [], [], None),
    fmt_entry!(
        "video/x-matroska",
        "mkv",
        Video,
        Matroska,
        [],
        ["video/matroska"],
        None
    ),
    fmt_entry!(
        "audio/mpeg",
        "mp3",
        Audio,
        Other,
        [],
        ["audio/mp3", "audio/mpeg3", "audio/x-mpeg"],
        None
    ),
    fmt_entry!(
        "audio/wav",
        "wav",
        Audio,
        Other,
        ["wave"],
        ["audio/x-wav", "audio/wave", "audio/vnd.wave"],
        None
    ),
    fmt_entry!(
        "audio/mp4",
        "m4a",
        Audio,
        Bmff,
        [],
        ["audio/m4a", "audio/x-m4a"],
        None
    ),
    fmt_entry!(
        "audio/ogg",
        "ogg",
        Audio,
        Ogg,
        ["oga", "opus"],
        ["audio/opus", "application/ogg"],
        None
    ),
    fmt_entry!(
        "audio/flac",
        "flac",
        Audio,
        Other,
        [],
        ["audio/x-flac"],
        None
    ),
    fmt_entry!("audio/aac", "aac", Audio, Other, [], ["audio/x-aac"], None),
    fmt_entry!(
        "application/zip",
        "zip",
        Zip,
        Other,
        [],
        ["application/x-zip-compressed", "application/x-zip"],
        None
    ),
    fmt_entry!(
        "application/x-safetensors",
        "safetensors",
        SafeTensors,
        Other,
        [],
        [],
        None
    ),
];

/// What the first bytes of a file say it is; `None` for anything ace does not take.
pub fn sniff(head: &[u8]) -> Option<&'static Format> {
    if is_safetensors(head) {
        return by_mime("application/x-safetensors");
    }
    let detected = infer::get(head)?.mime_type();
    let mime = match detected {
        "audio/x-wav" => "audio/wav",
        "audio/m4a" => "audio/mp4",
        "audio/x-flac" => "audio/flac",
        other => other,
    };
    FORMATS.iter().find(|f| f.mime == mime)
}

/// A safetensors file starts with the length of its JSON header (little-endian u64), then
/// the header itself.
fn is_safetensors(head: &[u8]) -> bool {
    let Some(length) = head
        .get(..8)
        .map(|b| u64::from_le_bytes(b.try_into().expect("eight bytes")))
    else {
        return false;
    };
    length > 1 && length < 100 * 1024 * 1024 && head.get(8) == Some(&b'{')
}

/// The format an extension names.
pub fn by_extension(extension: &str) -> Option<&'static Format> {
    let extension = extension.trim().to_ascii_lowercase();
    FORMATS
        .iter()
        .find(|f| f.extension == extension || f.aliases.contains(&extension.as_str()))
}

/// The format a MIME type names.
pub fn by_mime(mime: &str) -> Option<&'static Format> {
    let mime = mime
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    FORMATS
        .iter()
        .find(|f| f.mime == mime || f.mime_aliases.contains(&mime.as_str()))
}

/// The `Content-Type` to serve a blob with, from its key's extension.
pub fn mime_for_key(key: &str) -> &'static str {
    let extension = key.rsplit_once('.').map(|(_, e)| e).unwrap_or_default();
    by_extension(extension).map_or("application/octet-stream", |f| f.mime)
}

fn compatible(claimed: &Format, actual: &Format) -> bool {
    if claimed.kind == FileKind::Image || actual.kind == FileKind::Image {
        return claimed.mime == actual.mime;
    }
    claimed.kind == actual.kind
        || (claimed.family == actual.family && claimed.family != Family::Other)
}

/// Checks what the client declared (the file's name and its MIME type) against what the
/// bytes are. A generic or absent declaration is fine; a specific one that disagrees is a lie.
pub fn check_declared(
    actual: &Format,
    file_name: Option<&str>,
    mime: Option<&str>,
) -> Result<(), String> {
    let what = describe(actual);
    if let Some(extension) = file_name.and_then(|n| n.rsplit_once('.')).map(|(_, e)| e)
        && let Some(claimed) = by_extension(extension)
        && !compatible(claimed, actual)
    {
        return Err(format!(
            "The file is named .{extension} but its contents are {what}."
        ));
    }
    let mime = mime.map(str::trim).filter(|m| {
        let m = m.to_ascii_lowercase();
        !m.is_empty()
            && !m.starts_with("application/octet-stream")
            && !m.starts_with("binary/octet-stream")
    });
    if let Some(mime) = mime {
        match by_mime(mime) {
            Some(claimed) if compatible(claimed, actual) => {}
            _ => {
                return Err(format!(
                    "The file is declared as {mime} but its contents are {what}."
                ));
            }
        }
    }
    Ok(())
}

fn describe(format: &Format) -> String {
    match format.kind {
        FileKind::Zip => "a ZIP archive".into(),
        FileKind::SafeTensors => "a safetensors file".into(),
        kind => format!("{} {}", format.extension.to_uppercase(), kind.as_str()),
    }
}

/// The accepted formats, for messages.
pub fn accepted_list() -> &'static str {
    "JPEG, PNG, WebP or GIF images; MP4, MOV, WebM or MKV video; MP3, WAV, M4A, OGG, FLAC or AAC audio; ZIP; safetensors"
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    #[test]
    fn files_are_recognised_by_their_bytes() {
        assert_eq!(sniff(PNG).unwrap().mime, "image/png");
        assert_eq!(sniff(b"PK\x03\x04\x14\0\0\0").unwrap().kind, FileKind::Zip);
        let mut tensors = 20_u64.to_le_bytes().to_vec();
        tensors.extend_from_slice(br#"{"a":{}}"#);
        assert_eq!(sniff(&tensors).unwrap().kind, FileKind::SafeTensors);
        assert!(sniff(b"#!/bin/sh\necho hi").is_none());
        assert!(sniff(b"").is_none());
    }

    #[test]
    fn a_name_or_type_that_contradicts_the_bytes_is_a_lie() {
        let png = sniff(PNG).unwrap();
        assert!(check_declared(png, Some("photo.png"), Some("image/png")).is_ok());
        assert!(check_declared(png, Some("photo"), Some("application/octet-stream")).is_ok());
        assert!(
            check_declared(png, Some("notes.txt"), None).is_ok(),
            "an unknown extension claims nothing"
        );
        assert!(check_declared(png, Some("photo.jpg"), None).is_err());
        assert!(check_declared(png, None, Some("video/mp4")).is_err());
        assert!(check_declared(png, None, Some("text/plain")).is_err());
    }

    #[test]
    fn audio_and_video_in_one_container_family_are_not_lies() {
        let mp4 = by_mime("video/mp4").unwrap();
        assert!(check_declared(mp4, Some("song.m4a"), Some("audio/mp4")).is_ok());
        assert!(check_declared(mp4, Some("clip.mov"), None).is_ok());
        assert!(check_declared(mp4, Some("song.mp3"), None).is_err());
    }

    #[test]
    fn served_types_follow_the_key() {
        assert_eq!(mime_for_key("resources/ab.mp4"), "video/mp4");
        assert_eq!(mime_for_key("resources/ab.thumb.jpg"), "image/jpeg");
        assert_eq!(mime_for_key("resources/ab"), "application/octet-stream");
    }
}
