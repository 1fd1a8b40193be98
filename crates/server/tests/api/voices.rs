//! `/v1/agents/{agent_id}/voice/*`: the library, voice design, cloning, previews and
//! deletion, and the voices speech cards and agents may choose. Audio is checked by what it
//! sounds like: durations, and pitches measured from the decoded samples.

use std::path::Path;
use std::sync::Arc;

use crate::harness::{Client, Member, TestApp, Writes};
use ace_domain::sheet::card::GenerationType;
use ace_providers::local::speech::analysis::{self, Measured};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use crate::contract;
use crate::harness::{
    SAMPLE_SCRIPT, balance, download, espeak_wav, generate, probe, seconds, text_cell, uploaded,
};
use crate::harness::{wait_for, wait_until_ended};

fn voice_path(agent: i64, rest: &str) -> String {
    format!("/v1/agents/{agent}/voice/{rest}")
}

fn agent_of(member: &Member) -> i64 {
    member.agent_id.get()
}

/// The pitch and pace of an audio file.
fn measured(file: &Path) -> Measured {
    let out = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(file)
        .args(["-ac", "1", "-ar", "16000", "-f", "f32le", "pipe:1"])
        .output()
        .expect("ffmpeg runs");
    assert!(out.status.success());
    let samples: Vec<f32> = out
        .stdout
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    analysis::measure(&samples, 16_000).expect("the audio is speech")
}

/// An app whose text model answers `text`.
async fn writing(text: &str) -> TestApp {
    TestApp::builder()
        .generator(GenerationType::Text, Arc::new(Writes::text(text)))
        .spawn()
        .await
}

/// Runs the design flow's samples step and returns the three candidates.
async fn samples(client: &Client, agent: i64, description: &str) -> Vec<Value> {
    let reply = client
        .post(
            &voice_path(agent, "design/generate-samples"),
            json!({"text": SAMPLE_SCRIPT, "description": description}),
        )
        .await
        .expect(200);
    contract().assert_conforms("generateVoiceSamples", 200, &reply.body);
    reply.body["samples"].as_array().unwrap().clone()
}

/// Designs and keeps a voice; returns it as created.
async fn designed(client: &Client, agent: i64, name: &str) -> Value {
    let candidates = samples(client, agent, "a warm, calm narrator").await;
    client
        .post(
            &voice_path(agent, "design"),
            json!({"generation_id": candidates[1]["generation_id"], "name": name, "gender": "male", "language": "en"}),
        )
        .await
        .expect(201)
        .body
}

async fn library(client: &Client, agent: i64, query: &str) -> Vec<Value> {
    let reply = client
        .get(&voice_path(agent, &format!("library{query}")))
        .await
        .expect(200);
    contract().assert_conforms("listAgentVoices", 200, &reply.body);
    let voices = reply.body["voices"].as_array().unwrap().clone();
    assert_eq!(reply.body["total"], voices.len());
    voices
}

#[tokio::test]
async fn the_library_lists_the_installed_public_voices_and_filters_by_source() {
    let app = TestApp::spawn().await;
    let (client, agent) = (&app.owner.client, agent_of(&app.owner));
    let all = library(client, agent, "").await;
    let spanish = all
        .iter()
        .find(|v| v["voice_id"] == "espeak-es")
        .expect("espeak-ng's Spanish voice is listed");
    assert_eq!(spanish["source"], "public");
    assert_eq!(spanish["language"], "es");
    assert!(spanish["name"].as_str().unwrap().contains("Spanish"));
    assert!(all.len() > 50, "espeak-ng has a voice per language");
    designed(client, agent, "Narrator").await;
    let own = library(client, agent, "?source=user_designed").await;
    assert_eq!(own.len(), 1);
    assert_eq!(own[0]["name"], "Narrator");
    assert!(own[0]["voice_id"].as_str().unwrap().starts_with("huv-"));
    let public = library(client, agent, "?source=public").await;
    assert!(public.iter().all(|v| v["source"] == "public"));
    assert_eq!(public.len() + 1, library(client, agent, "").await.len());
    assert!(
        library(client, agent, "?source=user_trained")
            .await
            .is_empty()
    );
    assert!(
        library(client, agent, "?source=user_elevenlabs")
            .await
            .is_empty()
    );
    client
        .get(&voice_path(agent, "library?source=martian"))
        .await
        .expect_error(400, "validation_error");
}

#[tokio::test]
async fn design_steps_one_and_two_are_written_by_the_text_model() {
    let app =
        writing("Here is a passage:\n\"Rain taps on the window while the kettle sings.\"").await;
    let (client, agent) = (&app.owner.client, agent_of(&app.owner));
    let reply = client
        .post(
            &voice_path(agent, "design/generate-script"),
            json!({"language": "en"}),
        )
        .await
        .expect(200);
    contract().assert_conforms("generateVoiceScript", 200, &reply.body);
    assert_eq!(
        reply.body["voice_sample"],
        "Rain taps on the window while the kettle sings."
    );
    let reply = client
        .post(
            &voice_path(agent, "design/generate-description"),
            json!({"gender": "female", "voice_description": "warm", "script": "Hello."}),
        )
        .await
        .expect(200);
    contract().assert_conforms("generateVoiceDescription", 200, &reply.body);
    assert!(
        reply.body["voice_description"]
            .as_str()
            .unwrap()
            .contains("kettle")
    );
    for body in [json!({}), json!({"gender": "robot"})] {
        let reply = client
            .post(&voice_path(agent, "design/generate-description"), body)
            .await
            .expect_error(400, "validation_error");
        assert!(reply.text.contains("gender"), "{}", reply.text);
    }
    client
        .post(
            &voice_path(agent, "design/generate-script"),
            json!({"language": "english please"}),
        )
        .await
        .expect_error(400, "validation_error");
}

#[tokio::test]
async fn the_embedded_text_model_writes_a_real_script() {
    let app = TestApp::builder().local_generators().spawn().await;
    let models =
        ace_providers::local::LocalModels::new(ace_providers::local::LocalModels::default_dir());
    if !models.smollm2().exists() {
        eprintln!("skipped: the embedded text model is not installed (run scripts/models)");
        return;
    }
    let (client, agent) = (&app.owner.client, agent_of(&app.owner));
    let reply = client
        .post(&voice_path(agent, "design/generate-script"), json!({}))
        .await
        .expect(200);
    let script = reply.body["voice_sample"].as_str().unwrap();
    assert!(script.split_whitespace().count() >= 5, "{script}");
}

#[tokio::test]
async fn the_three_design_samples_are_mp3s_two_semitones_apart() {
    let app = TestApp::spawn().await;
    let (client, agent) = (&app.owner.client, agent_of(&app.owner));
    let dir = tempfile::tempdir().unwrap();
    let candidates = samples(client, agent, "a deep, calm voice").await;
    assert_eq!(candidates.len(), 3);
    let mut pitches = Vec::new();
    for (index, sample) in candidates.iter().enumerate() {
        assert!(
            sample["generation_id"].as_str().unwrap().len() > 8,
            "the ids are opaque"
        );
        let bytes = STANDARD.decode(sample["audio"].as_str().unwrap()).unwrap();
        let file = dir.path().join(format!("sample-{index}.mp3"));
        std::fs::write(&file, bytes).unwrap();
        let probed = probe(&file);
        assert_eq!(probed["streams"][0]["codec_name"], "mp3");
        assert!(seconds(&probed) > 3.0, "{probed}");
        pitches.push(measured(&file).pitch_hz);
    }
    for pair in pitches.windows(2) {
        let step = analysis::semitones(pair[0], pair[1]);
        assert!(
            (1.0..3.0).contains(&step),
            "each candidate is about two semitones above the last: {pitches:?}"
        );
    }
    for body in [json!({}), json!({"text": "x".repeat(1_001)})] {
        client
            .post(&voice_path(agent, "design/generate-samples"), body)
            .await
            .expect_error(400, "validation_error");
    }
}

#[tokio::test]
async fn a_kept_design_is_a_voice_that_speech_cards_and_previews_speak_with() {
    let app = TestApp::spawn().await;
    let (client, agent) = (&app.owner.client, agent_of(&app.owner));
    let voice = designed(client, agent, "Narrator").await;
    assert_eq!(voice["source"], "user_designed");
    assert_eq!(voice["name"], "Narrator");
    assert_eq!(voice["gender"], "male");
    assert_eq!(voice["provider"], "local");
    let voice_id = voice["voice_id"].as_str().unwrap();
    let place = text_cell(client, agent).await;
    let card = json!({"generation_type": "speech_from_text", "data": {
        "script": SAMPLE_SCRIPT, "voice_method": "my_voices", "voice_id": voice_id}});
    let reply = generate(client, agent, place, card).await.expect(201);
    let id = reply.body["generation_id"].as_i64().unwrap();
    let done = wait_for(client, id, "completed").await;
    assert_eq!(done["output_resources"][0]["type"], "audio");
    assert!(done["result"]["captions"].as_array().unwrap().len() > 10);
}

#[tokio::test]
async fn keeping_a_design_needs_a_name_and_one_of_this_agents_recent_samples() {
    let app = TestApp::spawn().await;
    let (client, agent) = (&app.owner.client, agent_of(&app.owner));
    let candidates = samples(client, agent, "bright").await;
    let id = candidates[0]["generation_id"].clone();
    let reply = client
        .post(&voice_path(agent, "design"), json!({"generation_id": id}))
        .await
        .expect_error(400, "validation_error");
    assert!(reply.text.contains("name"));
    client
        .post(&voice_path(agent, "design"), json!({"name": "No sample"}))
        .await
        .expect_error(400, "validation_error");
    client
        .post(
            &voice_path(agent, "design"),
            json!({"generation_id": "vdc_unknown", "name": "Ghost"}),
        )
        .await
        .expect_error(404, "not_found");
    let other = app.user("Other").await;
    let other_agent = agent_of(&other);
    other
        .client
        .post(
            &voice_path(other_agent, "design"),
            json!({"generation_id": id, "name": "Stolen"}),
        )
        .await
        .expect_error(404, "not_found");
}

#[tokio::test]
async fn a_clone_tunes_aces_voice_to_the_measured_pitch_of_the_sample() {
    let app = TestApp::spawn().await;
    let (client, agent) = (&app.owner.client, agent_of(&app.owner));
    let dir = tempfile::tempdir().unwrap();
    let mut pitches = Vec::new();
    for (name, pitch) in [("Low", 20), ("High", 90)] {
        let wav = espeak_wav(dir.path(), pitch, 170);
        let reply = client
            .post(
                &voice_path(agent, "clone"),
                json!({"name": name, "audio_base64": STANDARD.encode(wav), "gender": "male", "language": "en"}),
            )
            .await
            .expect(201);
        let voice = reply.body;
        assert_eq!(voice["source"], "user_trained");
        assert_eq!(voice["provider"], "local");
        let description = voice["description"].as_str().unwrap();
        assert!(description.contains("not a neural clone"), "{description}");
        let hz: f64 = description
            .split(" Hz")
            .next()
            .and_then(|head| head.rsplit('(').next())
            .and_then(|n| n.trim().parse().ok())
            .expect("the description says the measured pitch");
        pitches.push(hz);
    }
    assert!(
        pitches[1] > pitches[0] * 1.2,
        "the higher sample measures higher: {pitches:?}"
    );
    let trained = library(client, agent, "?source=user_trained").await;
    assert_eq!(trained.len(), 2);
    let audio = client
        .get(&format!(
            "/v1/content_resources?agent_id={agent}&type=audio"
        ))
        .await
        .expect(200);
    assert_eq!(
        audio.body.as_array().unwrap().len(),
        2,
        "the samples are kept in the asset library"
    );
}

#[tokio::test]
async fn a_clone_fetches_its_sample_from_a_url_under_the_outbound_rules() {
    let app = TestApp::spawn().await;
    let (client, agent) = (&app.owner.client, agent_of(&app.owner));
    let dir = tempfile::tempdir().unwrap();
    let sample = uploaded(client, agent, "sample.wav", espeak_wav(dir.path(), 50, 175)).await;
    client
        .post(
            &voice_path(agent, "clone"),
            json!({"name": "From a URL", "audio_url": sample["url"]}),
        )
        .await
        .expect(201);
    let strict = TestApp::builder().public_webhooks_only().spawn().await;
    let reply = strict
        .owner
        .client
        .post(
            &voice_path(agent_of(&strict.owner), "clone"),
            json!({"name": "Private", "audio_url": "http://127.0.0.1:9/sample.wav"}),
        )
        .await
        .expect_error(400, "validation_error");
    assert!(reply.text.contains("audio_url"), "{}", reply.text);
}

#[tokio::test]
async fn a_clone_needs_a_name_and_exactly_one_sample_of_real_speech() {
    let app = TestApp::spawn().await;
    let (client, agent) = (&app.owner.client, agent_of(&app.owner));
    let wav = STANDARD.encode(crate::harness::wav(3_000));
    let png = STANDARD.encode(crate::harness::image("png", 8, 8));
    let cases = [
        (json!({"audio_base64": wav}), "name"),
        (json!({"name": "Nothing"}), "audio_url"),
        (
            json!({"name": "Both", "audio_base64": wav, "audio_url": "https://example.com/a.mp3"}),
            "exactly one",
        ),
        (json!({"name": "Garbled", "audio_base64": "%%%"}), "base64"),
        (json!({"name": "Picture", "audio_base64": png}), "not audio"),
        (json!({"name": "Silence", "audio_base64": wav}), "speech"),
        (
            json!({"name": "Bad gender", "audio_base64": wav, "gender": "robot"}),
            "gender",
        ),
    ];
    for (body, says) in cases {
        let reply = client
            .post(&voice_path(agent, "clone"), body.clone())
            .await
            .expect_error(400, "validation_error");
        assert!(reply.text.contains(says), "{body}: {}", reply.text);
    }
    assert!(
        library(client, agent, "?source=user_trained")
            .await
            .is_empty()
    );
    let audio = client
        .get(&format!(
            "/v1/content_resources?agent_id={agent}&type=audio"
        ))
        .await
        .expect(200);
    assert_eq!(audio.body, json!([]), "refused samples are not kept");
}

#[tokio::test]
async fn a_preview_is_a_charged_user_job_whose_audio_is_the_voice_saying_the_text() {
    let app = TestApp::spawn().await;
    let owner = &app.owner;
    let (client, agent) = (&owner.client, agent_of(owner));
    let before = balance(owner).await;
    let reply = client
        .post(
            &voice_path(agent, "espeak-es/preview"),
            json!({"text": "Hola, bienvenidos a la cocina."}),
        )
        .await
        .expect(202);
    contract().assert_conforms("previewVoice", 202, &reply.body);
    let job = reply.body["user_job_id"].as_i64().unwrap();
    wait_until_ended(client, job).await;
    let done = client
        .get(&voice_path(agent, &format!("preview/{job}")))
        .await
        .expect(200)
        .body;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["user_job_type"], "voice_preview");
    let output = &done["output_resources"][0];
    assert_eq!(output["type"], "audio");
    assert_eq!(output["file_url"], output["url"]);
    let dir = tempfile::tempdir().unwrap();
    let file = download(
        &app,
        output["file_url"].as_str().unwrap(),
        dir.path(),
        "p.mp3",
    )
    .await;
    assert!(seconds(&probe(&file)) > 1.0);
    assert!(balance(owner).await < before, "a preview is charged");
    client
        .post(&voice_path(agent, "espeak-es/preview"), json!({}))
        .await
        .expect_error(400, "validation_error");
    client
        .post(
            &voice_path(agent, "huv-999/preview"),
            json!({"text": "Hello"}),
        )
        .await
        .expect_error(404, "not_found");
    let other = app.user("Other").await;
    other
        .client
        .get(&voice_path(agent_of(&other), &format!("preview/{job}")))
        .await
        .expect_error(404, "not_found");
}

#[tokio::test]
async fn deleting_a_voice_removes_it_and_the_agent_stops_defaulting_to_it() {
    let app = TestApp::spawn().await;
    let (client, agent) = (&app.owner.client, agent_of(&app.owner));
    let voice = designed(client, agent, "Short-lived").await;
    let voice_id = voice["voice_id"].as_str().unwrap();
    client
        .patch(
            &format!("/v1/agents/{agent}"),
            json!({"agent": {"default_user_voice_attributes": {"source": "user_designed", "voice_id": voice_id}}}),
        )
        .await
        .expect(200);
    client
        .delete(&voice_path(agent, voice_id))
        .await
        .expect(204);
    assert!(
        library(client, agent, "?source=user_designed")
            .await
            .is_empty()
    );
    let detail = client.get(&format!("/v1/agents/{agent}")).await.expect(200);
    assert!(
        detail.body["default_user_voice"].is_null(),
        "{}",
        detail.text
    );
    client
        .delete(&voice_path(agent, voice_id))
        .await
        .expect_error(404, "not_found");
    client
        .delete(&voice_path(agent, "espeak-es"))
        .await
        .expect_error(404, "not_found");
}

#[tokio::test]
async fn a_speech_card_may_only_name_a_voice_the_agent_has() {
    let app = TestApp::spawn().await;
    let (client, agent) = (&app.owner.client, agent_of(&app.owner));
    let place = text_cell(client, agent).await;
    for voice_id in ["huv-12345", "21m00Tcm4TlvDq8ikWAM", "espeak-klingon"] {
        let card = json!({"generation_type": "speech_from_text", "data": {
            "script": "Hi.", "voice_method": "my_voices", "voice_id": voice_id}});
        let reply = generate(client, agent, place, card)
            .await
            .expect_error(422, "validation_error");
        assert!(reply.text.contains("data.voice_id"), "{}", reply.text);
    }
}

#[tokio::test]
async fn design_and_clone_cards_keep_the_voice_they_make_once() {
    let app = TestApp::spawn().await;
    let (client, agent) = (&app.owner.client, agent_of(&app.owner));
    let dir = tempfile::tempdir().unwrap();
    let sample = uploaded(client, agent, "me.wav", espeak_wav(dir.path(), 60, 160)).await;
    let cards = [
        json!({"generation_type": "speech_from_text", "data": {"script": SAMPLE_SCRIPT,
            "voice_method": "design_voice", "name": "Card design", "language": "en",
            "gender": "female", "voice_prompt": "bright and lively host"}}),
        json!({"generation_type": "speech_from_text", "data": {"script": SAMPLE_SCRIPT,
            "voice_method": "clone_voice", "name": "Card clone", "language": "en",
            "gender": "male", "audio_resource_id": sample["id"]}}),
    ];
    for card in cards {
        for _ in 0..2 {
            let place = text_cell(client, agent).await;
            let id = generate(client, agent, place, card.clone())
                .await
                .expect(201)
                .body["generation_id"]
                .as_i64()
                .unwrap();
            wait_for(client, id, "completed").await;
        }
    }
    let designed = library(client, agent, "?source=user_designed").await;
    let trained = library(client, agent, "?source=user_trained").await;
    assert_eq!(designed.len(), 1, "{designed:?}");
    assert_eq!(designed[0]["name"], "Card design");
    assert_eq!(trained.len(), 1, "{trained:?}");
    assert_eq!(trained[0]["name"], "Card clone");
}

#[tokio::test]
async fn strangers_cannot_see_or_change_an_agents_voices() {
    let app = TestApp::spawn().await;
    let agent = agent_of(&app.owner);
    let voice = designed(&app.owner.client, agent, "Mine").await;
    let voice_id = voice["voice_id"].as_str().unwrap();
    let stranger = app.user("Stranger").await;
    let client = &stranger.client;
    client
        .get(&voice_path(agent, "library"))
        .await
        .expect_error(404, "not_found");
    for (path, body) in [
        ("design/generate-samples", json!({"text": "Hi"})),
        ("design/generate-script", json!({})),
        ("clone", json!({"name": "x", "audio_base64": "AAAA"})),
        (&format!("{voice_id}/preview"), json!({"text": "Hi"})),
    ] {
        client
            .post(&voice_path(agent, path), body)
            .await
            .expect_error(404, "not_found");
    }
    client
        .delete(&voice_path(agent, voice_id))
        .await
        .expect_error(404, "not_found");
    assert_eq!(
        library(&app.owner.client, agent, "?source=user_designed")
            .await
            .len(),
        1
    );
}
