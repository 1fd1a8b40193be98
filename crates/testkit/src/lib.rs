//! Test support for ace. [`TestApp`] starts the real server (the same start-up as `ace
//! serve`, bootstrap included) on port 0 against a fresh database: SQLite in a temporary
//! directory, or a new PostgreSQL database when `ACE_TEST_DATABASE_URL` is set. Typed
//! [`Client`]s call it over HTTP; [`GenContract`] checks bodies against GEN's OpenAPI.

mod app;
mod client;
mod contract;
mod database;

pub use app::{Member, OtherProcess, TestApp, TestAppBuilder};
pub use client::{Client, Reply};
pub use contract::GenContract;
pub use database::TestDatabase;

/// A small image of one colour in the given format (`png`, `jpeg`, `webp` or `gif`), for
/// uploads.
pub fn image(format: &str, width: u32, height: u32) -> Vec<u8> {
    let format = match format {
        "png" => image::ImageFormat::Png,
        "jpeg" => image::ImageFormat::Jpeg,
        "webp" => image::ImageFormat::WebP,
        "gif" => image::ImageFormat::Gif,
        other => panic!("no test images in format {other}"),
    };
    let pixels = image::RgbImage::from_pixel(width, height, image::Rgb([220, 80, 40]));
    let mut bytes = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(pixels)
        .write_to(&mut bytes, format)
        .expect("encoding a test image");
    bytes.into_inner()
}
