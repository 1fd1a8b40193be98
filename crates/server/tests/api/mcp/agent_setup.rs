//! Step 1's agent setup over MCP: avatars, Agent Core's writes, the agent profile and voices,
//! each answer the same as its REST route's.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use super::{Mcp, with};
use crate::harness::{SAMPLE_SCRIPT, TestApp, espeak_wav, image};

/// Calls every agent setup tool on the owner's agent.
pub async fn journey(app: &TestApp, mcp: &Mcp) {
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get().to_string();
    let agent_args = json!({ "agent_id": agent });
    let of_agent = |more: Value| with(&agent_args, more);

    // ace has no DeGods: refused as the route refuses it, and an uploaded image is taken.
    let degod = mcp
        .call(
            "gen_create_agent_avatar",
            of_agent(json!({"degod_avatar_id": "4711"})),
        )
        .await;
    assert_eq!(degod.error_code(), "avatar_creation_failed");
    let png = tokio::task::spawn_blocking(|| image("png", 512, 512))
        .await
        .unwrap();
    let signed_id = mcp.upload_directly("me.png", "image/png", png).await;
    let added = mcp
        .call(
            "gen_create_agent_avatar",
            of_agent(json!({ "file": signed_id })),
        )
        .await
        .ok();
    let avatars = mcp
        .call("gen_list_agent_avatars", of_agent(json!({})))
        .await
        .ok();
    let rest = client.get(&format!("/v1/agents/{agent}/avatars")).await;
    assert_eq!(avatars, rest.expect(200).body);
    let avatar = added["avatars"][0]["id"]
        .as_i64()
        .or_else(|| added[0]["id"].as_i64())
        .unwrap_or_else(|| panic!("an avatar: {added}"));
    mcp.call(
        "gen_delete_agent_avatar",
        of_agent(json!({"avatar_id": avatar.to_string()})),
    )
    .await
    .ok();

    let patched = mcp
        .call(
            "gen_update_agent_core",
            of_agent(json!({
                "overview": {"brand_name": "Taco Nights", "keywords": ["tacos", "late night"]},
                "personality": "Warm, quick and a little loud.",
            })),
        )
        .await
        .ok();
    assert!(patched.to_string().contains("overview"), "{patched}");
    mcp.call(
        "gen_add_agent_account",
        of_agent(json!({"url": "https://www.tiktok.com/@taconights"})),
    )
    .await
    .ok();
    mcp.call(
        "gen_add_agent_inspiration",
        of_agent(json!({"url": "https://www.tiktok.com/@keithlee", "platform": "tiktok"})),
    )
    .await
    .ok();
    let core = client
        .get(&format!("/v1/agents/{agent}/core"))
        .await
        .expect(200)
        .body;
    assert_eq!(core["overview"]["brand_name"], "Taco Nights", "{core}");
    let core = core.to_string();
    assert!(
        core.contains("@taconights") && core.contains("@keithlee"),
        "{core}"
    );

    let brand = json!({"brand_name": "Taco Nights", "keywords": ["tacos"],
        "content_idea_preferences": "- always use statement hooks"});
    mcp.call(
        "gen_create_agent_profile",
        of_agent(json!({ "brand": brand })),
    )
    .await
    .ok();
    mcp.call(
        "gen_update_agent_profile",
        of_agent(json!({"identity": {"persona": "The taco critic"}})),
    )
    .await
    .ok();
    let profile = mcp
        .call("gen_get_agent_profile", of_agent(json!({})))
        .await
        .ok();
    let rest = client
        .get(&format!("/v1/agent/profile?agent_id={agent}"))
        .await;
    assert_eq!(profile, rest.expect(200).body);
    assert!(profile.to_string().contains("The taco critic"), "{profile}");
    mcp.call("gen_reset_agent_profile", of_agent(json!({})))
        .await
        .ok();

    voices(app, mcp, &of_agent).await;
}

/// The voice tools: the library, a design kept, a clone, a preview and a deletion.
async fn voices(app: &TestApp, mcp: &Mcp, of_agent: &impl Fn(Value) -> Value) {
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let library = mcp
        .call(
            "gen_list_agent_voices",
            of_agent(json!({"source": "public"})),
        )
        .await
        .ok();
    let rest = client
        .get(&format!("/v1/agents/{agent}/voice/library?source=public"))
        .await;
    assert_eq!(library, rest.expect(200).body);

    let script = mcp
        .call(
            "gen_generate_voice_script",
            of_agent(json!({"language": "en"})),
        )
        .await
        .ok();
    assert!(
        script["voice_sample"]
            .as_str()
            .is_some_and(|text| !text.is_empty())
    );
    mcp.call(
        "gen_generate_voice_description",
        of_agent(json!({"gender": "female", "script": SAMPLE_SCRIPT})),
    )
    .await
    .ok();
    let samples = mcp
        .call(
            "gen_generate_voice_samples",
            of_agent(json!({"text": SAMPLE_SCRIPT, "description": "a warm, calm narrator"})),
        )
        .await
        .ok();
    let designed = mcp
        .call(
            "gen_design_voice",
            of_agent(
                json!({"generation_id": samples["samples"][0]["generation_id"],
                "name": "Narrator", "gender": "female"}),
            ),
        )
        .await
        .ok();
    assert_eq!(designed["source"], "user_designed");

    let dir = tempfile::tempdir().unwrap();
    let wav = {
        let dir = dir.path().to_owned();
        tokio::task::spawn_blocking(move || espeak_wav(&dir, 50, 170))
            .await
            .unwrap()
    };
    let cloned = mcp
        .call(
            "gen_clone_voice",
            of_agent(json!({"name": "Me", "audio_base64": STANDARD.encode(wav)})),
        )
        .await
        .ok();
    assert_eq!(cloned["source"], "user_trained");

    let preview = mcp
        .call(
            "gen_preview_voice",
            of_agent(json!({"voice_id": designed["voice_id"], "text": "Tacos tonight."})),
        )
        .await
        .ok();
    let job = preview["user_job_id"].to_string();
    app.drain_jobs().await;
    let heard = mcp
        .call(
            "gen_get_voice_preview_status",
            of_agent(json!({ "job_id": job })),
        )
        .await
        .ok();
    assert_eq!(heard["status"], "completed", "{heard}");
    assert_eq!(heard["output_resources"][0]["type"], "audio", "{heard}");

    mcp.call(
        "gen_delete_voice",
        of_agent(json!({"voice_id": cloned["voice_id"]})),
    )
    .await
    .ok();
    // No ElevenLabs here: the key is checked and refused as the route refuses it.
    let refused = mcp
        .call(
            "gen_connect_agent_elevenlabs",
            of_agent(json!({"api_key": "sk_not_a_real_key"})),
        )
        .await;
    let rest = client
        .post(
            &format!("/v1/agents/{agent}/voice/integrations/elevenlabs"),
            json!({"api_key": "sk_not_a_real_key"}),
        )
        .await;
    assert_eq!(refused.error_code(), rest.error_code());
}
