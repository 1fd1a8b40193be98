//! Uploaded images: the type is decided by the bytes, never by the name; the image must
//! decode within sane bounds; and a JPEG thumbnail of bounded size is made from it. Decoding
//! is CPU and memory work, so it runs on the blocking pool, a few at a time, and only after
//! the header shows a size within budget (a tiny file can claim a huge picture).

use std::io::Cursor;
use std::sync::OnceLock;

use bytes::Bytes;
use image::{ImageFormat, ImageReader, Limits};
use tokio::sync::Semaphore;

/// The longest side of a thumbnail, in pixels.
const THUMBNAIL_SIDE: u32 = 256;
/// The largest image accepted, per side.
const MAX_SIDE: u32 = 8_192;
/// The largest image accepted, in pixels (40 megapixels).
const MAX_PIXELS: u64 = 40_000_000;
/// The most memory one decode may allocate.
const MAX_ALLOC: u64 = 256 * 1024 * 1024;

/// Decodes in flight at once, process-wide: one per core.
fn decoders() -> &'static Semaphore {
    static DECODERS: OnceLock<Semaphore> = OnceLock::new();
    DECODERS
        .get_or_init(|| Semaphore::new(std::thread::available_parallelism().map_or(2, usize::from)))
}

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

/// Why an image was not accepted. Its text is a sentence for the client.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ImageError {
    #[error("The file is not a supported image; upload one of: {accepted}.")]
    Unsupported { accepted: String },
    #[error("The image is {width}x{height}; images may be at most {MAX_SIDE} px a side and {} megapixels.", MAX_PIXELS / 1_000_000)]
    TooLarge { width: u32, height: u32 },
    #[error("The image could not be decoded: {0}.")]
    Corrupt(String),
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
) -> Result<ProcessedImage, ImageError> {
    let lost = || ImageError::Corrupt("processing stopped".into());
    let _permit = decoders().acquire().await.map_err(|_| lost())?;
    tokio::task::spawn_blocking(move || process_blocking(bytes, accepted))
        .await
        .map_err(|_| lost())?
}

fn process_blocking(bytes: Bytes, accepted: &[ImageKind]) -> Result<ProcessedImage, ImageError> {
    let kind = ImageKind::sniff(&bytes)
        .filter(|kind| accepted.contains(kind))
        .ok_or_else(|| ImageError::Unsupported {
            accepted: accepted
                .iter()
                .map(|k| k.extension().to_uppercase())
                .collect::<Vec<_>>()
                .join(", "),
        })?;
    let corrupt = |err: image::ImageError| ImageError::Corrupt(err.to_string());
    let (width, height) = ImageReader::with_format(Cursor::new(&bytes[..]), kind.format())
        .into_dimensions()
        .map_err(corrupt)?;
    if width > MAX_SIDE || height > MAX_SIDE || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(ImageError::TooLarge { width, height });
    }
    let mut reader = ImageReader::with_format(Cursor::new(&bytes[..]), kind.format());
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let image = reader.decode().map_err(corrupt)?;
    let thumbnail = image.thumbnail(THUMBNAIL_SIDE, THUMBNAIL_SIDE).to_rgb8();
    let mut encoded = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut encoded, 85)
        .encode_image(&thumbnail)
        .map_err(|err| ImageError::Corrupt(err.to_string()))?;
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
        assert!(err.to_string().contains("not a supported image"), "{err}");
        let err = process_blocking(Bytes::from_static(b"hello"), &[ImageKind::Png]).unwrap_err();
        assert!(err.to_string().contains("PNG"), "{err}");
    }

    /// A 1x1 PNG whose header claims `width` x `height`.
    fn png_claiming(width: u32, height: u32) -> Bytes {
        let mut bytes = png(1, 1).to_vec();
        // IHDR: length (4) at 8, "IHDR" at 12, width at 16, height at 20, CRC over 12..29.
        bytes[16..20].copy_from_slice(&width.to_be_bytes());
        bytes[20..24].copy_from_slice(&height.to_be_bytes());
        let crc = crc32(&bytes[12..29]);
        bytes[29..33].copy_from_slice(&crc.to_be_bytes());
        Bytes::from(bytes)
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFF_u32;
        for byte in data {
            crc ^= u32::from(*byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn a_small_file_claiming_a_huge_picture_is_refused_before_decoding() {
        let err = process_blocking(png_claiming(8_000, 6_000), &[ImageKind::Png]).unwrap_err();
        assert_eq!(
            err,
            ImageError::TooLarge {
                width: 8_000,
                height: 6_000
            }
        );
        assert!(err.to_string().contains("megapixels"), "{err}");
    }

    #[test]
    fn a_truncated_image_is_refused() {
        let mut bytes = png(64, 64).to_vec();
        bytes.truncate(60);
        assert!(process_blocking(Bytes::from(bytes), &[ImageKind::Png]).is_err());
    }
}
