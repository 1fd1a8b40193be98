//! The wrapped tools against the real ffmpeg and ffprobe.

use std::process::Command;
use std::time::Duration;

use ace_media::{MediaError, Tools, VideoStream};

/// A two-second 320x240 clip with sound, made by ffmpeg's own sources.
fn clip(dir: &std::path::Path) -> String {
    let path = dir.join("clip.mp4");
    let status = Command::new("ffmpeg")
        .args([
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=320x240:rate=25:duration=2",
        ])
        .args([
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:duration=2",
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
        ])
        .args(["-c:a", "aac", "-shortest"])
        .arg(&path)
        .status()
        .expect("ffmpeg runs");
    assert!(status.success());
    path.to_string_lossy().into_owned()
}

#[tokio::test]
async fn a_clip_is_probed_and_its_first_frame_becomes_a_bounded_jpeg() {
    let dir = tempfile::tempdir().unwrap();
    let clip = clip(dir.path());
    let tools = Tools::default();
    let probe = tools.probe(&clip).await.unwrap();
    assert_eq!(
        probe.video,
        Some(VideoStream {
            width: 320,
            height: 240
        })
    );
    assert!(probe.has_audio);
    assert!((1_900..=2_100).contains(&probe.duration_ms.unwrap()));
    let jpeg = tools.first_frame_jpeg(&clip, 128).await.unwrap();
    assert_eq!(&jpeg[..3], &[0xFF, 0xD8, 0xFF], "a JPEG");
}

#[tokio::test]
async fn a_file_that_is_not_media_is_a_typed_failure_with_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fake.mp4");
    std::fs::write(&path, b"not a video at all").unwrap();
    let err = Tools::default()
        .probe(&path.to_string_lossy())
        .await
        .unwrap_err();
    let MediaError::Failed { tool, stderr, .. } = err else {
        panic!("{err:?}")
    };
    assert_eq!(tool, "ffprobe");
    assert!(!stderr.is_empty());
}

#[tokio::test]
async fn a_missing_tool_says_so() {
    let tools = Tools::new(
        "/nonexistent/ffmpeg",
        "/nonexistent/ffprobe",
        1,
        Duration::from_secs(5),
    );
    assert!(matches!(
        tools.probe("x.mp4").await,
        Err(MediaError::NotInstalled("ffprobe"))
    ));
}

#[tokio::test]
async fn loudness_is_measured_as_ebu_r128_and_the_sample_peak() {
    let dir = tempfile::tempdir().unwrap();
    let clip = clip(dir.path());
    let loudness = Tools::default().loudness(&clip, dir.path()).await.unwrap();
    // ffmpeg's sine source is 1/8 of full scale: a peak of -18 dBFS, and -0.691 + 10·log10(1/128)
    // ≈ -21.8 LUFS (K-weighting is flat at 440 Hz).
    assert!(
        (-23.0..=-20.5).contains(&loudness.integrated_lufs),
        "{loudness:?}"
    );
    assert!(
        (-18.8..=-17.3).contains(&loudness.peak_dbfs),
        "{loudness:?}"
    );
}
