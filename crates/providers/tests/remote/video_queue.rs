//! The three video cards through a queue-style video API: submit, poll, download.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use ace_domain::generation::MediaKind;
use ace_domain::sheet::card::GenerationType;
use ace_fixtures::{ProviderApi, Seen, reply_bytes, reply_json};
use serde_json::json;

use crate::{input, permanent, probe, routed, work};

fn video_api(url: &str) -> String {
    format!(
        r#"
        [providers.clips]
        api = "video_queue"
        base_url = "{url}/v1"
        api_key = "clips-key"
        submit_path = "videos"
        status_path = "videos/{{id}}"
        cancel_path = "videos/{{id}}/cancel"
        poll_initial_ms = 10
        poll_max_ms = 40
        [providers.clips.prices]
        "kling-v2" = {{ per_second = 0.25 }}
        [models]
        kling_2_1 = "clips:kling-v2"
        "video_from_ingredients.pika" = "clips:kling-v2"
        "#
    )
}

#[tokio::test]
async fn a_video_from_an_image_is_submitted_polled_until_done_and_downloaded() {
    let clip = ace_fixtures::mp4(320, 240, 2);
    let polls = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&polls);
    let api = ProviderApi::start(move |seen: &Seen, _| {
        match (seen.method.as_str(), seen.path.as_str()) {
            ("POST", "/v1/videos") => reply_json(201, &json!({"id": "job-1"})),
            ("GET", "/v1/videos/job-1") => {
                let url = format!("http://{}/v1/files/job-1.mp4", seen.header("host"));
                match counted.fetch_add(1, Ordering::SeqCst) {
                    0 => reply_json(200, &json!({"status": "queued"})),
                    1 => reply_json(200, &json!({"status": "running"})),
                    _ => reply_json(
                        200,
                        &json!({"status": "succeeded", "output_url": url, "cost": 1.25}),
                    ),
                }
            }
            ("GET", "/v1/files/job-1.mp4") => reply_bytes("video/mp4", clip.clone()),
            _ => reply_json(404, &json!({"error": "no such route"})),
        }
    })
    .await;
    let generator = routed(
        &video_api(&api.url),
        GenerationType::VideoFromImage,
        Some("kling_2_1"),
    );
    assert_eq!(generator.name(), "clips");
    let dir = tempfile::tempdir().unwrap();
    let still = ace_fixtures::image("png", 64, 64);
    let card = json!({"image_resource_id": 7, "prompt": "Slow zoom", "negative_prompt": "blur",
        "model": "kling_2_1", "duration": 5, "aspect_ratio": "9:16"});
    let inputs = vec![input(
        dir.path(),
        "image_resource_id",
        MediaKind::Image,
        "still.png",
        &still,
    )];
    let produced = generator
        .generate(&work(
            GenerationType::VideoFromImage,
            card,
            inputs,
            dir.path(),
        ))
        .await
        .unwrap();
    let probed = probe(&produced.files[0]);
    assert_eq!(probed["streams"][0]["codec_type"], "video");
    assert_eq!(probed["streams"][0]["width"], 320);
    assert_eq!(produced.cost_usd, Some(1.25));
    assert_eq!(
        (produced.provider.as_str(), produced.model.as_str()),
        ("clips", "kling-v2")
    );
    let seen = api.seen();
    let submitted = seen[0].json();
    assert_eq!(seen[0].header("authorization"), "Bearer clips-key");
    assert_eq!(submitted["model"], "kling-v2");
    assert_eq!(submitted["prompt"], "Slow zoom");
    assert_eq!(submitted["negative_prompt"], "blur");
    assert_eq!(submitted["duration"], 5);
    assert_eq!(submitted["aspect_ratio"], "9:16");
    let image = submitted["image"].as_str().unwrap();
    let encoded = image.strip_prefix("data:image/png;base64,").unwrap();
    use base64::Engine as _;
    assert_eq!(
        base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .unwrap(),
        still
    );
    assert_eq!(polls.load(Ordering::SeqCst), 3);
    // The output link is the provider's own address, so the key goes with it.
    let download = seen.iter().find(|s| s.path.ends_with(".mp4")).unwrap();
    assert_eq!(download.header("authorization"), "Bearer clips-key");
}

#[tokio::test]
async fn ingredients_go_as_a_list_and_an_unreported_cost_is_the_length_at_the_price_per_second() {
    let clip = ace_fixtures::mp4(320, 240, 2);
    let api = ProviderApi::start(move |seen: &Seen, _| match (seen.method.as_str(), seen.path.as_str()) {
        ("POST", "/v1/videos") => reply_json(200, &json!({"request_id": 42})),
        ("GET", "/v1/videos/42") => reply_json(200, &json!({"status": "completed", "output": ["http://127.0.0.1:1/unused", "x"], "video_url": format!("http://{}/out.mp4", seen.header("host"))})),
        ("GET", "/out.mp4") => reply_bytes("video/mp4", clip.clone()),
        _ => reply_json(404, &json!({})),
    })
    .await;
    let generator = routed(
        &video_api(&api.url),
        GenerationType::VideoFromIngredients,
        Some("pika"),
    );
    let dir = tempfile::tempdir().unwrap();
    let inputs = vec![
        input(
            dir.path(),
            "asset_resource_ids[0]",
            MediaKind::Image,
            "a.png",
            &ace_fixtures::image("png", 8, 8),
        ),
        input(
            dir.path(),
            "asset_resource_ids[1]",
            MediaKind::Video,
            "b.mp4",
            &ace_fixtures::mp4(32, 32, 1),
        ),
    ];
    let card =
        json!({"prompt": "Mix", "asset_resource_ids": [7, 8], "model": "pika", "duration": 10});
    let produced = generator
        .generate(&work(
            GenerationType::VideoFromIngredients,
            card,
            inputs,
            dir.path(),
        ))
        .await
        .unwrap();
    let submitted = api.seen()[0].json();
    let ingredients = submitted["ingredients"].as_array().unwrap();
    assert!(
        ingredients[0]
            .as_str()
            .unwrap()
            .starts_with("data:image/png;base64,")
    );
    assert!(
        ingredients[1]
            .as_str()
            .unwrap()
            .starts_with("data:video/mp4;base64,")
    );
    assert_eq!(submitted["duration"], 10);
    let cost = produced.cost_usd.unwrap();
    assert!((cost - 0.5).abs() < 0.03, "2 s at $0.25: {cost}");
}

#[tokio::test]
async fn a_failed_video_is_permanent_with_the_providers_reason() {
    let api = ProviderApi::start(|seen: &Seen, _| match seen.method.as_str() {
        "POST" => reply_json(200, &json!({"id": "j"})),
        _ => reply_json(
            200,
            &json!({"status": "failed", "error": {"message": "Prompt rejected by moderation"}}),
        ),
    })
    .await;
    // Every video_from_text model goes to the provider: the type itself is routed.
    let toml =
        video_api(&api.url).replace("[models]", "[models]\nvideo_from_text = \"clips:kling-v2\"");
    let generator = routed(&toml, GenerationType::VideoFromText, Some("veo_3"));
    let dir = tempfile::tempdir().unwrap();
    let card = json!({"prompt": "A beach", "model": "veo_3", "duration": 5});
    let reason = permanent(
        generator
            .generate(&work(
                GenerationType::VideoFromText,
                card,
                vec![],
                dir.path(),
            ))
            .await,
    );
    assert_eq!(
        reason,
        "clips could not make the video: Prompt rejected by moderation"
    );
}

#[tokio::test]
async fn stopping_a_video_stops_polling_and_cancels_it_at_the_provider() {
    let api =
        ProviderApi::start(
            |seen: &Seen, _| match (seen.method.as_str(), seen.path.as_str()) {
                ("POST", "/v1/videos") => reply_json(200, &json!({"id": "slow-1"})),
                ("POST", "/v1/videos/slow-1/cancel") => {
                    reply_json(200, &json!({"status": "canceled"}))
                }
                _ => reply_json(200, &json!({"status": "running"})),
            },
        )
        .await;
    let generator = routed(
        &video_api(&api.url),
        GenerationType::VideoFromImage,
        Some("kling_2_1"),
    );
    let dir = tempfile::tempdir().unwrap();
    let inputs = vec![input(
        dir.path(),
        "image_resource_id",
        MediaKind::Image,
        "still.png",
        &ace_fixtures::image("png", 8, 8),
    )];
    let card = json!({"image_resource_id": 7, "model": "kling_2_1"});
    let run = work(GenerationType::VideoFromImage, card, inputs, dir.path());
    let running = tokio::spawn(async move { generator.generate(&run).await.map(|_| ()) });
    let polls = || api.seen().iter().filter(|s| s.method == "GET").count();
    // It polls while the video runs.
    api.wait_until(Duration::from_secs(10), |seen| {
        seen.iter().filter(|s| s.method == "GET").count() >= 3
    })
    .await;
    running.abort();
    let _ = running.await;
    // The provider is told to cancel.
    api.wait_until(Duration::from_secs(10), |seen| {
        seen.iter().any(|s| s.path == "/v1/videos/slow-1/cancel")
    })
    .await;
    let after = polls();
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(polls(), after, "polling stopped");
}
