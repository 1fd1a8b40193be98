//! The embedded generators through the API: with no keys and no network, each card makes a
//! real artifact, checked by its content (durations, sizes, word times), not its existence.

use ace_testkit::{Client, TestApp};
use serde_json::{Value, json};

use crate::content_resources::uploaded;
use crate::generations::{generate, read_cell, text_cell, wait_for};
use crate::renders::{download, probe};

async fn local_app() -> TestApp {
    TestApp::builder().local_generators().spawn().await
}

/// Triggers `card` in a new cell, waits for it to complete, and returns (cell, generation).
async fn completed(client: &Client, agent: i64, card: Value) -> ((i64, i64), Value) {
    let place = text_cell(client, agent).await;
    let reply = generate(client, agent, place, card).await.expect(201);
    let id = reply.body["generation_id"].as_i64().unwrap();
    for _ in 0..600 {
        let now = client
            .get(&format!("/v1/generations/{id}"))
            .await
            .expect(200);
        if now.body["status"] == "failed" {
            panic!("generation failed: {}", now.body["failed_reason"]);
        }
        if now.body["status"] == "completed" {
            return (place, wait_for(client, id, "completed").await);
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("generation {id} did not finish");
}

/// The duration ffprobe reports.
pub(crate) fn seconds(probed: &Value) -> f64 {
    probed["format"]["duration"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

fn stream<'a>(probed: &'a Value, kind: &str) -> &'a Value {
    probed["streams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["codec_type"] == kind)
        .unwrap_or_else(|| panic!("no {kind} stream in {probed}"))
}

#[tokio::test]
async fn speech_is_an_mp3_whose_word_times_are_monotonic_and_inside_the_audio() {
    let app = local_app().await;
    let owner = &app.owner;
    let agent = owner.agent_id.get();
    let script = "Street tacos hit different at dawn. Fresh tortillas, smoky pastor!";
    let card = json!({"generation_type": "speech_from_text", "data": {
        "script": script, "voice_method": "my_voices", "voice_id": "agent_default"
    }});
    let (place, done) = completed(&owner.client, agent, card).await;
    let output = &done["output_resources"][0];
    assert_eq!(output["object_type"], "Audio");
    let dir = tempfile::tempdir().unwrap();
    let mp3 = download(
        &app,
        output["url"].as_str().unwrap(),
        dir.path(),
        "speech.mp3",
    )
    .await;
    let probed = probe(&mp3);
    assert_eq!(stream(&probed, "audio")["codec_name"], "mp3");
    let length = seconds(&probed);
    let reported = done["result"]["duration"].as_f64().unwrap();
    assert!((length - reported).abs() < 0.15, "{length} vs {reported}");
    let words = done["result"]["captions"].as_array().unwrap();
    let spoken: Vec<&str> = words.iter().map(|w| w["word"].as_str().unwrap()).collect();
    assert_eq!(spoken.join(" "), script);
    let mut last_end = 0.0;
    for word in words {
        let (start, end) = (
            word["start"].as_f64().unwrap(),
            word["end"].as_f64().unwrap(),
        );
        assert!(
            start >= last_end - 1e-6 && end >= start && end <= length + 0.05,
            "{word}"
        );
        last_end = end;
    }
    let cell = read_cell(&owner.client, agent, place).await;
    assert_eq!(cell["value"], output["url"]);
}

#[tokio::test]
async fn captions_of_speech_ace_made_are_its_exact_word_times() {
    let app = local_app().await;
    let owner = &app.owner;
    let agent = owner.agent_id.get();
    let card = json!({"generation_type": "speech_from_text", "data": {
        "script": "Hello from the local content engine.", "voice_method": "my_voices", "voice_id": "agent_default"
    }});
    let (_, speech) = completed(&owner.client, agent, card).await;
    let audio = speech["output_resources"][0]["id"].clone();
    let card = json!({"generation_type": "captions", "data": {"model": "gemini", "source_resource_id": audio}});
    let (place, captions) = completed(&owner.client, agent, card).await;
    assert_eq!(captions["result"]["captions"], speech["result"]["captions"]);
    let cell = read_cell(&owner.client, agent, place).await;
    assert_eq!(cell["value"], "Hello from the local content engine.");
}

#[tokio::test]
async fn captions_of_audio_ace_did_not_speak_fail_saying_what_is_missing() {
    let app = local_app().await;
    let owner = &app.owner;
    let agent = owner.agent_id.get();
    let audio = uploaded(&owner.client, agent, "voice.wav", ace_testkit::wav(1000)).await;
    let place = text_cell(&owner.client, agent).await;
    let card = json!({"generation_type": "captions", "data": {"model": "gemini", "source_resource_id": audio["id"]}});
    let reply = generate(&owner.client, agent, place, card)
        .await
        .expect(201);
    let id = reply.body["generation_id"].as_i64().unwrap();
    let failed = wait_for(&owner.client, id, "failed").await;
    let reason = failed["failed_reason"].as_str().unwrap();
    assert!(reason.contains("transcription"), "{reason}");
    assert_eq!(failed["execution_cost"], "0.0");
}

#[tokio::test]
async fn another_language_is_spoken_by_espeak_and_says_so() {
    let app = local_app().await;
    let owner = &app.owner;
    let agent = owner.agent_id.get();
    let card = json!({"generation_type": "speech_from_text", "data": {
        "script": "Hola, bienvenidos a la cocina.", "voice_method": "my_voices",
        "voice_id": "agent_default", "language": "es", "speed": 1.5
    }});
    let (_, done) = completed(&owner.client, agent, card).await;
    assert_eq!(done["result"]["voice"], "espeak-ng/es");
    assert_eq!(done["result"]["timing"], "estimated");
    assert_eq!(done["result"]["captions"].as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn images_are_pngs_of_the_asked_aspect_ratio_and_say_they_are_procedural() {
    let app = local_app().await;
    let owner = &app.owner;
    let agent = owner.agent_id.get();
    let card = json!({"generation_type": "image_from_text", "data": {
        "prompt": "Street tacos at sunset", "aspect_ratio": "16:9", "number_of_images": 2
    }});
    let (_, done) = completed(&owner.client, agent, card).await;
    assert_eq!(done["result"]["renderer"], "procedural");
    let outputs = done["output_resources"].as_array().unwrap();
    assert_eq!(outputs.len(), 2);
    let dir = tempfile::tempdir().unwrap();
    for (index, output) in outputs.iter().enumerate() {
        assert_eq!(output["object_type"], "Image");
        let png = download(
            &app,
            output["url"].as_str().unwrap(),
            dir.path(),
            &format!("{index}.png"),
        )
        .await;
        let picture = image::open(&png).unwrap();
        assert_eq!((picture.width(), picture.height()), (1920, 1080));
    }
}

#[tokio::test]
async fn a_video_from_an_image_is_an_mp4_of_the_asked_length_and_shape() {
    let app = local_app().await;
    let owner = &app.owner;
    let agent = owner.agent_id.get();
    let still = uploaded(
        &owner.client,
        agent,
        "still.png",
        ace_testkit::image("png", 320, 240),
    )
    .await;
    let card = json!({"generation_type": "video_from_image", "data": {
        "image_resource_id": still["id"], "model": "kling_2_1", "duration": 5, "aspect_ratio": "9:16"
    }});
    let (_, done) = completed(&owner.client, agent, card).await;
    let output = &done["output_resources"][0];
    assert_eq!(output["object_type"], "Video");
    let dir = tempfile::tempdir().unwrap();
    let mp4 = download(
        &app,
        output["url"].as_str().unwrap(),
        dir.path(),
        "clip.mp4",
    )
    .await;
    let probed = probe(&mp4);
    let video = stream(&probed, "video");
    assert_eq!(
        (video["width"].as_u64(), video["height"].as_u64()),
        (Some(720), Some(1280))
    );
    assert_eq!(video["codec_name"], "h264");
    assert!((seconds(&probed) - 5.0).abs() < 0.1, "{}", seconds(&probed));
    assert_eq!(done["result"]["renderer"], "motion");
}

#[tokio::test]
async fn videos_from_text_and_from_ingredients_are_real_mp4s() {
    let app = local_app().await;
    let owner = &app.owner;
    let agent = owner.agent_id.get();
    let card = json!({"generation_type": "video_from_text", "data": {
        "prompt": "A beach at dawn", "model": "veo_3", "duration": 4, "aspect_ratio": "16:9"
    }});
    let (_, from_text) = completed(&owner.client, agent, card).await;
    let still = uploaded(
        &owner.client,
        agent,
        "still.png",
        ace_testkit::image("png", 200, 200),
    )
    .await;
    let clip = uploaded(
        &owner.client,
        agent,
        "clip.mp4",
        ace_testkit::mp4(320, 240, 1),
    )
    .await;
    let card = json!({"generation_type": "video_from_ingredients", "data": {
        "prompt": "Mix them", "asset_resource_ids": [still["id"], clip["id"]], "duration": 5, "aspect_ratio": "1:1"
    }});
    let (_, from_ingredients) = completed(&owner.client, agent, card).await;
    let dir = tempfile::tempdir().unwrap();
    for (done, size, length) in [
        (from_text, (1280, 720), 4.0),
        (from_ingredients, (960, 960), 5.0),
    ] {
        let url = done["output_resources"][0]["url"]
            .as_str()
            .unwrap()
            .to_owned();
        let mp4 = download(&app, &url, dir.path(), "video.mp4").await;
        let probed = probe(&mp4);
        let video = stream(&probed, "video");
        assert_eq!(
            (
                video["width"].as_u64().unwrap(),
                video["height"].as_u64().unwrap()
            ),
            size
        );
        assert!(
            (seconds(&probed) - length).abs() < 0.1,
            "{}",
            seconds(&probed)
        );
    }
}

#[tokio::test]
async fn text_is_written_by_the_embedded_model_and_fills_the_cell() {
    let app = local_app().await;
    let owner = &app.owner;
    let agent = owner.agent_id.get();
    let card = json!({"generation_type": "text", "data": {
        "prompt": "Write one sentence about {{food}}.", "variables": {"food": "street tacos"},
        "model": "gpt_4o", "max_length": 30
    }});
    let (place, done) = completed(&owner.client, agent, card).await;
    let text = done["result"].as_str().unwrap();
    assert!(!text.is_empty());
    let cell = read_cell(&owner.client, agent, place).await;
    assert_eq!(cell["value"], text);
}
