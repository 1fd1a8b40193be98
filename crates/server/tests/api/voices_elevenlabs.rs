//! The Voice API with an agent's own ElevenLabs account, against a stand-in that speaks
//! ElevenLabs' wire format: connecting and testing keys, the account's voices in the library,
//! real clones, and speech, previews and deletions done with the agent's key.

use crate::harness::{ProviderApi, Seen, TestApp};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use crate::contract;
use crate::harness::wait_for;
use crate::harness::{GOOD_KEY, app_with, elevenlabs, generate, text_cell};

fn integration(agent: i64) -> String {
    format!("/v1/agents/{agent}/voice/integrations/elevenlabs")
}

async fn connected(app: &TestApp) -> i64 {
    let agent = app.owner.agent_id.get();
    app.owner
        .client
        .post(&integration(agent), json!({"api_key": GOOD_KEY}))
        .await
        .expect(200);
    agent
}

fn calls(api: &ProviderApi, method: &str, prefix: &str) -> Vec<Seen> {
    api.seen()
        .into_iter()
        .filter(|seen| seen.method == method && seen.path.starts_with(prefix))
        .collect()
}

#[tokio::test]
async fn a_key_is_checked_with_elevenlabs_before_it_is_saved_and_is_shown_masked() {
    let api = ProviderApi::start(elevenlabs).await;
    let app = app_with(&api).await;
    let (client, agent) = (&app.owner.client, app.owner.agent_id.get());
    let status = client.get(&integration(agent)).await.expect(200);
    contract().assert_conforms("getElevenLabsIntegrationStatus", 200, &status.body);
    assert_eq!(status.body, json!({"connected": false, "masked_key": null}));
    let test_path = format!("{}/test", integration(agent));
    let test = |key: &str| client.post(&test_path, json!({"api_key": key}));
    let reply = test(GOOD_KEY).await.expect(200);
    contract().assert_conforms("testElevenLabsKey", 200, &reply.body);
    assert_eq!(reply.body, json!({"valid": true}));
    assert_eq!(
        test("sk_wrong").await.expect(200).body,
        json!({"valid": false})
    );
    client
        .post(&integration(agent), json!({"api_key": "sk_wrong"}))
        .await
        .expect_error(400, "invalid_key");
    client
        .post(&integration(agent), json!({}))
        .await
        .expect_error(400, "validation_error");
    assert_eq!(
        client.get(&integration(agent)).await.expect(200).body["connected"],
        false
    );
    let reply = client
        .post(&integration(agent), json!({"api_key": GOOD_KEY}))
        .await
        .expect(200);
    assert_eq!(
        reply.body,
        json!({"connected": true, "user": {"subscription": {"tier": "creator"}}})
    );
    let status = client.get(&integration(agent)).await.expect(200);
    assert_eq!(
        status.body,
        json!({"connected": true, "masked_key": "***xyz1"})
    );
    assert!(!status.text.contains(GOOD_KEY));
    client.delete(&integration(agent)).await.expect(204);
    assert_eq!(
        client.get(&integration(agent)).await.expect(200).body["connected"],
        false
    );
    let stranger = app.user("Stranger").await;
    stranger
        .client
        .get(&integration(agent))
        .await
        .expect_error(404, "not_found");
    stranger
        .client
        .post(&integration(agent), json!({"api_key": GOOD_KEY}))
        .await
        .expect_error(404, "not_found");
}

#[tokio::test]
async fn a_connected_account_adds_its_voices_and_speaks_them_with_the_agents_key() {
    let api = ProviderApi::start(elevenlabs).await;
    let app = app_with(&api).await;
    let agent = connected(&app).await;
    let client = &app.owner.client;
    let own = client
        .get(&format!(
            "/v1/agents/{agent}/voice/library?source=user_elevenlabs"
        ))
        .await
        .expect(200);
    contract().assert_conforms("listAgentVoices", 200, &own.body);
    assert_eq!(own.body["total"], 1);
    let voice = &own.body["voices"][0];
    assert_eq!(voice["voice_id"], "el-abc");
    assert_eq!(voice["source"], "user_elevenlabs");
    assert_eq!(voice["preview_url"], "https://example.com/p.mp3");
    let place = text_cell(client, agent).await;
    let card = json!({"generation_type": "speech_from_text", "data": {
        "script": "Tacos at dawn, salsa at noon.", "voice_method": "my_voices", "voice_id": "el-abc"}});
    let id = generate(client, agent, place, card).await.expect(201).body["generation_id"]
        .as_i64()
        .unwrap();
    let done = wait_for(client, id, "completed").await;
    assert_eq!(done["result"]["timing"], "synthesis");
    assert_eq!(done["result"]["captions"][0]["word"], "Tacos");
    let speech = calls(&api, "POST", "/v1/text-to-speech/el-abc/");
    assert_eq!(speech.len(), 1);
    assert_eq!(speech[0].header("xi-api-key"), GOOD_KEY);
    let reply = client
        .post(
            &format!("/v1/agents/{agent}/voice/el-abc/preview"),
            json!({"text": "Hello there"}),
        )
        .await
        .expect(202);
    let job = reply.body["user_job_id"].as_i64().unwrap();
    wait_for(client, job, "completed").await;
    assert_eq!(calls(&api, "POST", "/v1/text-to-speech/el-abc/").len(), 2);
    client
        .patch(
            &format!("/v1/agents/{agent}"),
            json!({"agent": {"default_user_voice_attributes": {"source": "user_elevenlabs", "voice_id": "el-abc"}}}),
        )
        .await
        .expect(200);
    client
        .patch(
            &format!("/v1/agents/{agent}"),
            json!({"agent": {"default_user_voice_attributes": {"source": "user_elevenlabs", "voice_id": "el-gone"}}}),
        )
        .await
        .expect_error(404, "user_voice_resource_not_found");
    client
        .delete(&format!("/v1/agents/{agent}/voice/el-abc"))
        .await
        .expect(204);
    assert_eq!(calls(&api, "DELETE", "/v1/voices/el-abc").len(), 1);
    let detail = client.get(&format!("/v1/agents/{agent}")).await.expect(200);
    assert!(
        detail.body["default_user_voice"].is_null(),
        "{}",
        detail.text
    );
}

#[tokio::test]
async fn with_elevenlabs_connected_a_clone_is_a_real_clone_spoken_and_deleted_there() {
    let api = ProviderApi::start(elevenlabs).await;
    let app = app_with(&api).await;
    let agent = connected(&app).await;
    let client = &app.owner.client;
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("me.wav");
    let spoken = std::process::Command::new("espeak-ng")
        .args(["-v", "en-us", "-w"])
        .arg(&wav)
        .arg("My own voice, recorded for a clone. It speaks a few clear sentences.")
        .status()
        .unwrap();
    assert!(spoken.success());
    let audio = STANDARD.encode(std::fs::read(&wav).unwrap());
    let reply = client
        .post(
            &format!("/v1/agents/{agent}/voice/clone"),
            json!({"name": "Real me", "audio_base64": audio, "description": "me, warmly"}),
        )
        .await
        .expect(201);
    let voice: Value = reply.body;
    assert_eq!(voice["source"], "user_trained");
    assert_eq!(voice["provider"], "elevenlabs");
    assert_eq!(voice["description"], "me, warmly");
    let added = calls(&api, "POST", "/v1/voices/add");
    assert_eq!(added.len(), 1);
    let form = String::from_utf8_lossy(&added[0].body);
    assert!(form.contains("Real me"), "the form names the voice");
    assert!(form.contains("RIFF"), "the form carries the sample");
    let voice_id = voice["voice_id"].as_str().unwrap();
    let place = text_cell(client, agent).await;
    let card = json!({"generation_type": "speech_from_text", "data": {
        "script": "Cloned and speaking.", "voice_method": "my_voices", "voice_id": voice_id}});
    let id = generate(client, agent, place, card).await.expect(201).body["generation_id"]
        .as_i64()
        .unwrap();
    wait_for(client, id, "completed").await;
    assert_eq!(calls(&api, "POST", "/v1/text-to-speech/el-new/").len(), 1);
    client
        .delete(&format!("/v1/agents/{agent}/voice/{voice_id}"))
        .await
        .expect(204);
    assert_eq!(calls(&api, "DELETE", "/v1/voices/el-new").len(), 1);
}

#[tokio::test]
async fn with_elevenlabs_connected_elevenlabs_designs_the_candidates_and_keeps_the_chosen_one() {
    let api = ProviderApi::start(elevenlabs).await;
    let app = app_with(&api).await;
    let agent = connected(&app).await;
    let client = &app.owner.client;
    let reply = client
        .post(
            &format!("/v1/agents/{agent}/voice/design/generate-samples"),
            json!({"text": "Hello there.", "description": "warm"}),
        )
        .await
        .expect(200);
    contract().assert_conforms("generateVoiceSamples", 200, &reply.body);
    let samples = reply.body["samples"].as_array().unwrap();
    assert_eq!(samples.len(), 3);
    for sample in samples {
        let audio = STANDARD.decode(sample["audio"].as_str().unwrap()).unwrap();
        assert!(
            audio.starts_with(b"ID3") || audio.starts_with(&[0xFF]),
            "each sample is ElevenLabs' MP3 preview"
        );
    }
    let design = calls(&api, "POST", "/v1/text-to-voice/design");
    assert_eq!(design.len(), 1);
    let asked = design[0].json();
    assert_eq!(
        asked["voice_description"], "warm. A clear, natural speaking voice.",
        "a short description is lengthened to what ElevenLabs takes"
    );
    assert_eq!(
        asked["auto_generate_text"], true,
        "a text shorter than 100 characters is not sent"
    );
    let reply = client
        .post(
            &format!("/v1/agents/{agent}/voice/design"),
            json!({"generation_id": samples[1]["generation_id"], "name": "Designed there"}),
        )
        .await
        .expect(201);
    assert_eq!(reply.body["provider"], "elevenlabs");
    assert_eq!(reply.body["source"], "user_designed");
    let saved = calls(&api, "POST", "/v1/text-to-voice");
    let saved: Vec<&Seen> = saved
        .iter()
        .filter(|seen| seen.path == "/v1/text-to-voice")
        .collect();
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].json()["generated_voice_id"], "gen-2");
    assert_eq!(saved[0].json()["voice_name"], "Designed there");
}
