//! Procedural images, checked by their pixels.

use ace_providers::local::image::{LocalImages, canvas};

#[tokio::test]
async fn a_procedural_image_has_the_asked_shape_a_palette_and_its_phrase_in_white() {
    let dir = tempfile::tempdir().unwrap();
    for (ratio, size) in [
        ("9:16", (1080, 1920)),
        ("1:1", (1024, 1024)),
        ("16:9", (1920, 1080)),
    ] {
        let path = LocalImages
            .draw(
                "A cinematic photo of street tacos in San Antonio",
                canvas(Some(ratio)),
                0,
                dir.path(),
            )
            .await
            .unwrap();
        let picture = image::open(&path).unwrap().to_rgb8();
        assert_eq!(picture.dimensions(), size, "{ratio}");
        let white = picture
            .pixels()
            .filter(|p| p.0.iter().all(|c| *c > 235))
            .count();
        let total = picture.pixels().count();
        // The phrase is set in white type: some pixels, but far from all.
        assert!(
            white > total / 500 && white < total / 5,
            "{ratio}: {white} of {total} white"
        );
        let distinct: std::collections::HashSet<[u8; 3]> = picture.pixels().map(|p| p.0).collect();
        assert!(distinct.len() > 500, "{ratio}: a gradient, not a flat fill");
    }
}

#[tokio::test]
async fn the_same_prompt_draws_the_same_image_and_another_variant_differs() {
    let dir = tempfile::tempdir().unwrap();
    let size = canvas(Some("1:1"));
    let first = LocalImages
        .draw("Neon skyline", size, 0, dir.path())
        .await
        .unwrap();
    let first = std::fs::read(first).unwrap();
    let again = LocalImages
        .draw("Neon skyline", size, 0, dir.path())
        .await
        .unwrap();
    assert_eq!(first, std::fs::read(again).unwrap());
    let other = LocalImages
        .draw("Neon skyline", size, 1, dir.path())
        .await
        .unwrap();
    assert_ne!(first, std::fs::read(other).unwrap());
}
