//! `lipsync` through a sync-style lipsync API.

use ace_domain::generation::MediaKind;
use ace_domain::sheet::card::GenerationType;
use ace_fixtures::{ProviderApi, Seen, reply_bytes, reply_json};
use ace_providers::{Input, Produced, ProviderError};
use serde_json::json;

use crate::{input, permanent, probe, routed, work};

fn lipsync_api(url: &str) -> String {
    format!(
        r#"
        [providers.sync]
        api = "lipsync"
        base_url = "{url}"
        api_key = "sync-key"
        auth_header = "x-api-key"
        path = "v1/lipsync"
        [providers.sync.prices]
        "lipsync-2" = {{ per_second = 0.1 }}
        [models]
        sync_so = "sync:lipsync-2"
        "#
    )
}

fn inputs(dir: &std::path::Path, video: &[u8], audio: &[u8]) -> Vec<Input> {
    vec![
        input(
            dir,
            "video_resource_id",
            MediaKind::Video,
            "face.mp4",
            video,
        ),
        input(
            dir,
            "audio_resource_id",
            MediaKind::Audio,
            "voice.mp3",
            audio,
        ),
    ]
}

#[tokio::test]
async fn lipsync_uploads_the_video_and_audio_and_keeps_the_mp4_it_answers() {
    let made = ace_fixtures::mp4(160, 120, 2);
    let answer = made.clone();
    let api = ProviderApi::start(move |_, _| reply_bytes("video/mp4", answer.clone())).await;
    let generator = routed(
        &lipsync_api(&api.url),
        GenerationType::Lipsync,
        Some("sync_so"),
    );
    assert_eq!(generator.name(), "sync");
    let dir = tempfile::tempdir().unwrap();
    let (video, audio) = (ace_fixtures::mp4(64, 64, 1), ace_fixtures::mp3(500));
    let card = json!({"model": "sync_so", "video_resource_id": 7, "audio_resource_id": 8});
    let produced = generator
        .generate(&work(
            GenerationType::Lipsync,
            card,
            inputs(dir.path(), &video, &audio),
            dir.path(),
        ))
        .await
        .unwrap();
    assert_eq!(std::fs::read(&produced.files[0]).unwrap(), made);
    assert_eq!(probe(&produced.files[0])["streams"][0]["width"], 160);
    let cost = produced.cost_usd.unwrap();
    assert!((cost - 0.2).abs() < 0.02, "2 s at $0.10: {cost}");
    let seen = &api.seen()[0];
    assert_eq!(
        (seen.method.as_str(), seen.path.as_str()),
        ("POST", "/v1/lipsync")
    );
    assert_eq!(seen.header("x-api-key"), "sync-key");
    assert!(seen.body_contains(b"name=\"model\"\r\n\r\nlipsync-2"));
    assert!(seen.body_contains(b"name=\"video\"; filename=\"face.mp4\""));
    assert!(seen.body_contains(b"name=\"audio\"; filename=\"voice.mp3\""));
    assert!(seen.body_contains(&video));
    assert!(seen.body_contains(&audio));
}

/// Lipsyncs a small clip to a short voice through the provider at `api`.
async fn sync_lips(api: &ProviderApi) -> Result<Produced, ProviderError> {
    let generator = routed(
        &lipsync_api(&api.url),
        GenerationType::Lipsync,
        Some("sync_so"),
    );
    let dir = tempfile::tempdir().unwrap();
    let card = json!({"model": "sync_so", "video_resource_id": 7, "audio_resource_id": 8});
    let (video, audio) = (ace_fixtures::mp4(64, 64, 1), ace_fixtures::mp3(300));
    let inputs = inputs(dir.path(), &video, &audio);
    generator
        .generate(&work(GenerationType::Lipsync, card, inputs, dir.path()))
        .await
}

#[tokio::test]
async fn a_linked_answer_is_downloaded_and_its_reported_cost_kept() {
    let made = ace_fixtures::mp4(160, 120, 1);
    let api = ProviderApi::start(move |seen: &Seen, _| match seen.path.as_str() {
        "/v1/lipsync" => reply_json(200, &json!({"output_url": format!("http://{}/out/1.mp4", seen.header("host")), "cost": 0.9})),
        _ => reply_bytes("video/mp4", made.clone()),
    })
    .await;
    let produced = sync_lips(&api).await.unwrap();
    assert_eq!(produced.cost_usd, Some(0.9));
    assert_eq!(api.seen()[1].path, "/out/1.mp4");
}

#[tokio::test]
async fn an_answer_that_is_not_a_video_fails_permanently() {
    let api = ProviderApi::start(|_, _| reply_bytes("video/mp4", b"garbage".to_vec())).await;
    let reason = permanent(sync_lips(&api).await);
    assert_eq!(reason, "sync sent a file that is not a video.");
}
