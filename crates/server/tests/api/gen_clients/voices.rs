//! The Voice API as the clients call it: design, clone, preview and delete by the ids they
//! read, and an agent's ElevenLabs account.

use super::*;

#[tokio::test]
async fn gens_clients_design_clone_preview_and_delete_voices_by_the_ids_they_read() {
    let app = TestApp::builder()
        .generator(
            GenerationType::Text,
            Arc::new(Writes::text("A calm, even voice with a gentle pace.")),
        )
        .spawn()
        .await;
    let caller = Gen {
        client: &app.owner.client,
    };
    let agent = app.owner.agent_id.get();
    let voice = |rest: &str| format!("/agents/{agent}/voice/{rest}");

    reads(
        &caller
            .get("listAgentVoices", &voice("library"))
            .await
            .expect(200),
        &["voices.*.voice_id", "voices.*.source", "total"],
    );
    // Step 1 without a language sends `{}`.
    let script = caller
        .post(
            "generateVoiceScript",
            &voice("design/generate-script"),
            json!({}),
        )
        .await
        .expect(200);
    reads(&script, &["voice_sample"]);
    // The MCP server documents non-binary voices.
    let description = caller
        .post(
            "generateVoiceDescription",
            &voice("design/generate-description"),
            json!({"gender": "non-binary"}),
        )
        .await
        .expect(200);
    reads(&description, &["voice_description"]);
    let samples = caller
        .post(
            "generateVoiceSamples",
            &voice("design/generate-samples"),
            json!({"text": "Fresh tortillas every morning, and the best salsa in town by night."}),
        )
        .await
        .expect(200);
    reads(&samples, &["samples.*.generation_id", "samples.*.audio"]);
    let designed = caller
        .post(
            "finalizeDesignedVoice",
            &voice("design"),
            json!({"generation_id": samples.body["samples"][0]["generation_id"], "name": "Sam", "gender": "non-binary"}),
        )
        .await
        .expect(201);
    // finalizeDesignedVoice and cloneVoice return `{id, name, ..., file_url}`; the clients
    // then preview and delete by that numeric `id`.
    reads(&designed, &["id", "name", "voice_id"]);
    assert!(designed.body.get("file_url").is_some(), "{}", designed.text);
    let number = designed.body["id"].as_i64().unwrap();
    assert_eq!(designed.body["voice_id"], format!("huv-{number}"));
    assert_eq!(designed.body["gender"], "non-binary");

    let preview = caller
        .post(
            "previewVoice",
            &voice(&format!("{number}/preview")),
            json!({"text": "Hola, amigos."}),
        )
        .await
        .expect(202);
    reads(&preview, &["user_job_id"]);
    let job = preview.body["user_job_id"].as_i64().unwrap();
    let status = caller
        .get("getVoicePreviewStatus", &voice(&format!("preview/{job}")))
        .await
        .expect(200);
    reads(&status, &["id", "status", "user_job_type"]);

    // A clone sent inline: a sample of a few seconds at 48 kHz is over a mebibyte of base64,
    // more than ordinary JSON bodies may be.
    let dir = tempfile::tempdir().unwrap();
    let sample = crate::harness::espeak_wav(dir.path(), 50, 170);
    let wide = dir.path().join("wide.wav");
    std::fs::write(dir.path().join("sample.wav"), &sample).unwrap();
    let converted = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-i"])
        .arg(dir.path().join("sample.wav"))
        .args(["-ar", "48000", "-ac", "2"])
        .arg(&wide)
        .status()
        .expect("ffmpeg runs");
    assert!(converted.success());
    let encoded = STANDARD.encode(std::fs::read(&wide).unwrap());
    assert!(encoded.len() > 1024 * 1024, "{} bytes", encoded.len());
    let cloned = caller
        .post(
            "cloneVoice",
            &voice("clone"),
            json!({"name": "Mine", "audio_base64": encoded, "gender": "neutral", "language": "en"}),
        )
        .await
        .expect(201);
    reads(&cloned, &["id", "name", "voice_id"]);

    for made in [&designed, &cloned] {
        let number = made.body["id"].as_i64().unwrap();
        caller
            .delete("deleteAgentVoice", &voice(&number.to_string()))
            .await
            .expect(204);
    }
    let own = caller
        .get("listAgentVoices", &voice("library?source=user_trained"))
        .await
        .expect(200);
    assert_eq!(own.body["total"], 0, "{}", own.text);
}

#[tokio::test]
async fn a_clone_larger_than_its_sample_cap_is_refused_with_the_cap_named() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let huge = "A".repeat(44 * 1024 * 1024);
    let refused = app
        .owner
        .client
        .post(
            &format!("/v1/agents/{agent}/voice/clone"),
            json!({"name": "Too long", "audio_base64": huge}),
        )
        .await
        .expect_error(413, "payload_too_large");
    assert!(refused.text.contains("32 MiB"), "{}", refused.text);
    // Other JSON bodies keep the ordinary limit.
    app.owner
        .client
        .post(
            &format!("/v1/agents/{agent}/voice/design/generate-samples"),
            json!({"text": "A".repeat(2 * 1024 * 1024)}),
        )
        .await
        .expect_error(413, "payload_too_large");
}

#[tokio::test]
async fn gens_sdk_connects_tests_reads_and_disconnects_an_agents_elevenlabs_account() {
    use crate::harness::{GOOD_KEY, app_with, elevenlabs};
    let api = ProviderApi::start(elevenlabs).await;
    let app = app_with(&api).await;
    let caller = Gen {
        client: &app.owner.client,
    };
    let agent = app.owner.agent_id.get();
    let integration = format!("/agents/{agent}/voice/integrations/elevenlabs");
    // testElevenLabsKey and connectElevenLabs send `{api_key}`; a refused key is 400 invalid_key.
    let tested = caller
        .post(
            "testElevenLabsKey",
            &format!("{integration}/test"),
            json!({"api_key": GOOD_KEY}),
        )
        .await
        .expect(200);
    reads(&tested, &["valid"]);
    caller
        .post(
            "connectElevenLabs",
            &integration,
            json!({"api_key": "sk_wrong"}),
        )
        .await
        .expect_error(400, "invalid_key");
    let connected = caller
        .post(
            "connectElevenLabs",
            &integration,
            json!({"api_key": GOOD_KEY}),
        )
        .await
        .expect(200);
    reads(&connected, &["connected"]);
    let status = caller
        .get("getElevenLabsIntegrationStatus", &integration)
        .await
        .expect(200);
    reads(&status, &["connected", "masked_key"]);
    caller
        .delete("disconnectElevenLabs", &integration)
        .await
        .expect(204);
    let status = caller
        .get("getElevenLabsIntegrationStatus", &integration)
        .await
        .expect(200);
    assert_eq!(status.body["connected"], false);
}
