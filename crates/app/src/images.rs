//! Uploaded images: the type is decided by the bytes, never by the name; the image must
//! decode within sane bounds; and a JPEG thumbnail of bounded size is made from it. Decoding
//! is CPU work, so it runs on the blocking pool.

use std::io::Cursor;

use bytes::Bytes;
use image::{ImageFormat, ImageReader, Limits};

/// The longest side of a thumbnail, in pixels.
const THUMBNAIL_SIDE: u32 = 256;
/// The largest image accepted, per side.
const MAX_SIDE: u32 = 8_192;

/// An image kind ace accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageKind {
    Jpeg,
    Png,
    Webp,
    Gif,
}

impl ImageKind {
    pub const fn mime(self) -> &'static str {
        match self {
            ImageKind::Jpeg => "image/jpeg",
            ImageKind::Png => "image/png",
            ImageKind::Webp => "image/webp",
            ImageKind::Gif => "image/gif",
        }
    }

    pub const fn extension(self) -> &'static str {
        match self {
            ImageKind::Jpeg => "jpg",
            ImageKind::Png => "png",
            ImageKind::Webp => "webp",
            ImageKind::Gif => "gif",
        }
    }

    const fn format(self) -> ImageFormat {
        match self {
            ImageKind::Jpeg => ImageFormat::Jpeg,
            ImageKind::Png => ImageFormat::Png,
            ImageKind::Webp => ImageFormat::WebP,
            ImageKind::Gif => ImageFormat::Gif,
        }
    }

    fn sniff(bytes: &[u8]) -> Option<ImageKind> {
        match infer::get(bytes)?.mime_type() {
            "image/jpeg" => Some(ImageKind::Jpeg),
            "image/png" => Some(ImageKind::Png),
            "image/webp" => Some(ImageKind::Webp),
            "image/gif" => Some(ImageKind::Gif),
            _ => None,
        }
    }
}

/// A checked image and its thumbnail.
#[derive(Clone, Debug)]
pub struct ProcessedImage {
    pub kind: ImageKind,
    pub original: Bytes,
    pub thumbnail: Bytes,
    pub width: u32,
    pub height: u32,
}

/// Checks that `bytes` is an image of one of the `accepted` kinds and makes its thumbnail.
/// The error is a sentence for the client.
pub async fn process(
    bytes: Bytes,
    accepted: &'static [ImageKind],
) -> Result<ProcessedImage, String> {
    tokio::task::spawn_blocking(move || process_blocking(bytes, accepted))
        .await
        .map_err(|_| "The image could not be processed.".to_owned())?
}

fn process_blocking(bytes: Bytes, accepted: &[ImageKind]) -> Result<ProcessedImage, String> {
    let names = accepted
        .iter()
        .map(|k| k.extension().to_uppercase())
        .collect::<Vec<_>>()
        .join(", ");
    let kind = ImageKind::sniff(&bytes)
        .filter(|kind| accepted.contains(kind))
        .ok_or_else(|| format!("The file is not a supported image; upload one of: {names}."))?;
    let mut reader = ImageReader::with_format(Cursor::new(&bytes[..]), kind.format());
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let image = reader.decode().map_err(|err| {
        format!(
            "The {} image could not be decoded: {err}.",
            kind.extension().to_uppercase()
        )
    })?;
    let thumbnail = image.thumbnail(THUMBNAIL_SIDE, THUMBNAIL_SIDE).to_rgb8();
    let mut encoded = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut encoded, 85)
        .encode_image(&thumbnail)
        .map_err(|_| "The thumbnail could not be made.".to_owned())?;
    Ok(ProcessedImage {
        kind,
        width: image.width(),
        height: image.height(),
        original: bytes,
        thumbnail: Bytes::from(encoded),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Bytes {
        let image = image::RgbImage::from_pixel(width, height, image::Rgb([200, 40, 40]));
        let mut out = Vec::new();
        image
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        Bytes::from(out)
    }

    #[test]
    fn a_png_gets_a_bounded_jpeg_thumbnail() {
        let processed = process_blocking(png(1024, 512), &[ImageKind::Png]).unwrap();
        assert_eq!((processed.width, processed.height), (1024, 512));
        let thumb = image::load_from_memory(&processed.thumbnail).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (256, 128));
        assert_eq!(
            infer::get(&processed.thumbnail).unwrap().mime_type(),
            "image/jpeg"
        );
    }

    #[test]
    fn the_type_is_decided_by_the_bytes() {
        let err = process_blocking(
            Bytes::from_static(b"GIF89a but not really"),
            &[ImageKind::Png],
        )
        .unwrap_err();
        assert!(err.contains("not a supported image"), "{err}");
        let err = process_blocking(Bytes::from_static(b"hello"), &[ImageKind::Png]).unwrap_err();
        assert!(err.contains("PNG"), "{err}");
    }

    #[test]
    fn a_truncated_image_is_refused() {
        let mut bytes = png(64, 64).to_vec();
        bytes.truncate(60);
        assert!(process_blocking(Bytes::from(bytes), &[ImageKind::Png]).is_err());
    }
}
