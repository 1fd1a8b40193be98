//! The embedded generators through the API: with no keys and no network, each card makes a
//! real artifact, checked by its content (durations, sizes, word times), not its existence.

use crate::harness::plain_words;
use crate::harness::{Client, TestApp};
use serde_json::{Value, json};

use crate::harness::wait_for;
use crate::harness::{download, generate, probe, read_cell, seconds, text_cell, uploaded};

async fn local_app() -> TestApp {
    TestApp::builder().local_generators().spawn().await
}

/// Triggers `card` in a new cell, waits for it to complete, and returns (cell, generation).
async fn completed(client: &Client, agent: i64, card: Value) -> ((i64, i64), Value) {
    let place = text_cell(client, agent).await;
    let reply = generate(client, agent, place, card).await.expect(201);
    let id = reply.body["generation_id"].as_i64().unwrap();
    (place, wait_for(client, id, "completed").await)
}

fn stream<'a>(probed: &'a Value, kind: &str) -> &'a Value {
    probed["streams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["codec_type"] == kind)
        .unwrap_or_else(|| panic!("no {kind} stream in {probed}"))
}

/// Checks that timed `words` are monotonic, do not overlap and end by `seconds`.
fn assert_in_order_inside(words: &[Value], seconds: f64) {
    let mut last_end = 0.0;
    for word in words {
        let (start, end) = (
            word["start"].as_f64().unwrap(),
            word["end"].as_f64().unwrap(),
        );
        assert!(
            start >= last_end - 1e-6 && end >= start && end <= seconds,
            "{word} after {last_end} in {seconds} s"
        );
        last_end = end;
    }
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
    assert_in_order_inside(words, length + 0.05);
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

/// A recording ace did not make: espeak-ng reading `script`, as a WAV in `dir`.
fn recorded_wav(dir: &std::path::Path, script: &str) -> std::path::PathBuf {
    let wav = dir.join("voice.wav");
    let status = std::process::Command::new("espeak-ng")
        .arg("-w")
        .arg(&wav)
        .arg(script)
        .status()
        .expect("espeak-ng runs (scripts/setup installs it)");
    assert!(status.success());
    wav
}

/// `wav` as the sound track of a 320×240 H.264 MP4 in `dir`.
fn video_with_sound(dir: &std::path::Path, wav: &std::path::Path) -> std::path::PathBuf {
    let mp4 = dir.join("talk.mp4");
    let status = std::process::Command::new("ffmpeg")
        .args([
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "color=c=navy:s=320x240:r=10",
        ])
        .arg("-i")
        .arg(wav)
        .args([
            "-shortest",
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
        ])
        .arg(&mp4)
        .status()
        .expect("ffmpeg runs");
    assert!(status.success());
    mp4
}

/// Runs a captions card on `resource` and checks what it heard against `script`: the words
/// (a word or two may be misheard), their times (monotonic, inside the `seconds` of audio)
/// and the cell's transcript.
async fn assert_captions_hear(app: &TestApp, resource: &Value, script: &str, seconds: f64) {
    let owner = &app.owner;
    let agent = owner.agent_id.get();
    let card = json!({"generation_type": "captions", "data": {"model": "gemini", "source_resource_id": resource["id"]}});
    let (place, done) = completed(&owner.client, agent, card).await;
    assert_eq!(done["result"]["language"], "en");
    assert_eq!(done["result"]["timing"], "aligned");
    let words = done["result"]["captions"].as_array().unwrap();
    let heard: Vec<String> = words
        .iter()
        .flat_map(|w| plain_words(w["word"].as_str().unwrap()))
        .collect();
    let missing: Vec<String> = plain_words(script)
        .into_iter()
        .filter(|word| !heard.contains(word))
        .collect();
    assert!(missing.len() <= 2, "missing {missing:?} from {heard:?}");
    assert_in_order_inside(words, seconds + 0.01);
    let cell = read_cell(&owner.client, agent, place).await;
    let transcript = plain_words(cell["value"].as_str().unwrap());
    assert_eq!(transcript, plain_words(&heard.join(" ")));
}

#[tokio::test]
async fn captions_of_an_uploaded_recording_are_its_words_timed_inside_the_audio() {
    let app = local_app().await;
    let owner = &app.owner;
    let dir = tempfile::tempdir().unwrap();
    let script = "Hello from the local content engine. The market opens at dawn.";
    let wav = recorded_wav(dir.path(), script);
    let seconds = seconds(&probe(&wav));
    let bytes = std::fs::read(&wav).unwrap();
    let audio = uploaded(&owner.client, owner.agent_id.get(), "voice.wav", bytes).await;
    assert_captions_hear(&app, &audio, script, seconds).await;
}

#[tokio::test]
async fn captions_of_an_uploaded_video_are_the_words_of_its_sound_track() {
    let app = local_app().await;
    let owner = &app.owner;
    let dir = tempfile::tempdir().unwrap();
    let script = "Fresh bread and hot coffee wait for everyone at the market.";
    let mp4 = video_with_sound(dir.path(), &recorded_wav(dir.path(), script));
    let probed = probe(&mp4);
    let sound = stream(&probed, "audio")["duration"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let bytes = std::fs::read(&mp4).unwrap();
    let video = uploaded(&owner.client, owner.agent_id.get(), "talk.mp4", bytes).await;
    assert_eq!(video["type"], "video");
    assert_captions_hear(&app, &video, script, sound).await;
}

#[tokio::test]
async fn captions_of_silence_are_empty_and_of_a_video_without_sound_fail_with_a_refund() {
    let app = local_app().await;
    let owner = &app.owner;
    let agent = owner.agent_id.get();
    let silence = uploaded(&owner.client, agent, "quiet.wav", crate::harness::wav(2000)).await;
    let card = json!({"generation_type": "captions", "data": {"model": "gemini", "source_resource_id": silence["id"]}});
    let (place, done) = completed(&owner.client, agent, card).await;
    assert_eq!(done["result"]["captions"], json!([]));
    let duration = done["result"]["duration"].as_f64().unwrap();
    assert!((duration - 2.0).abs() < 0.05, "{duration}");
    assert_eq!(read_cell(&owner.client, agent, place).await["value"], "");

    let mute = uploaded(
        &owner.client,
        agent,
        "mute.mp4",
        crate::harness::mp4(320, 240, 1),
    )
    .await;
    let place = text_cell(&owner.client, agent).await;
    let card = json!({"generation_type": "captions", "data": {"model": "gemini", "source_resource_id": mute["id"]}});
    let reply = generate(&owner.client, agent, place, card)
        .await
        .expect(201);
    let id = reply.body["generation_id"].as_i64().unwrap();
    let failed = wait_for(&owner.client, id, "failed").await;
    let reason = failed["failed_reason"].as_str().unwrap();
    assert!(reason.contains("has no audio track"), "{reason}");
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
        crate::harness::image("png", 320, 240),
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
        crate::harness::image("png", 200, 200),
    )
    .await;
    let clip = uploaded(
        &owner.client,
        agent,
        "clip.mp4",
        crate::harness::mp4(320, 240, 1),
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
