//! GEN's own clients, as they really call: the TypeScript SDK
//! (`@poweredbygen/autocontentengine-sdk`) and the MCP server (`@poweredbygen/gen-mcp-server`).
//! Neither is in the npm registry this project can reach, so these tests send what their
//! sources (`src/index.ts` of `poweredbyGEN/autocontentengine-sdk` and
//! `poweredbyGEN/autocontentengine-mcp-server`) send: every method and tool whose endpoint ace
//! has, with the client's path, query, wrapper, field names, id types and generation type names,
//! `X-API-Key` and `Content-Type: application/json` on every request (a GET or a body-less POST
//! included). Each answer is checked against the contract and for the fields the client reads.
//! The two often differ: the SDK puts `agent_id` in the query and wraps bodies, the MCP server
//! sends no query and puts `agent_id` (always a string) at the top level.
//!
//! This is the test that keeps "drop-in" true: when another difference turns up, fix ace, add
//! its case here, and record it in `docs/API-CONVENTIONS.md`.

use std::sync::Arc;

use crate::harness::{Client, ProviderApi, Reply, TestApp, Writes, reply_bytes, reply_json};
use ace_domain::credits::Credits;
use ace_domain::sheet::card::GenerationType;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use md5::{Digest, Md5};
use reqwest::Method;
use serde_json::{Value, json};

use crate::contract;
use crate::harness::id;

/// One of GEN's clients, calling ace as its base URL (`http://host:port/v1`).
struct Gen<'a> {
    client: &'a Client,
}

impl Gen<'_> {
    /// Sends `body` as the client serialises it (none when the client passes none), with the
    /// JSON content type always, and checks the answer against the contract of `operation`.
    async fn send(
        &self,
        operation: &str,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Reply {
        let reply = self.client.send(method, &format!("/v1{path}"), body).await;
        contract().assert_conforms(operation, reply.status, &reply.body);
        reply
    }

    async fn get(&self, operation: &str, path: &str) -> Reply {
        self.send(operation, Method::GET, path, None).await
    }

    async fn delete(&self, operation: &str, path: &str) -> Reply {
        self.send(operation, Method::DELETE, path, None).await
    }

    async fn post(&self, operation: &str, path: &str, body: Value) -> Reply {
        self.send(operation, Method::POST, path, Some(body)).await
    }

    async fn patch(&self, operation: &str, path: &str, body: Value) -> Reply {
        self.send(operation, Method::PATCH, path, Some(body)).await
    }

    async fn put(&self, operation: &str, path: &str, body: Value) -> Reply {
        self.send(operation, Method::PUT, path, Some(body)).await
    }
}

/// Panics unless every dotted path (`agent.id`, `voices.*.voice_id`, `0.id`) names a value
/// that is not `null` in the body: the fields the client reads. `*` means every item of a
/// list, which must not be empty.
#[track_caller]
fn reads(reply: &Reply, paths: &[&str]) {
    for path in paths {
        let mut values = vec![&reply.body];
        for segment in path.split('.') {
            values = values
                .into_iter()
                .flat_map(|value| -> Vec<&Value> {
                    match (segment, value) {
                        ("*", Value::Array(items)) => {
                            assert!(!items.is_empty(), "{path}: an empty list in {}", reply.text);
                            items.iter().collect()
                        }
                        (index, Value::Array(items)) if index.parse::<usize>().is_ok() => items
                            .get(index.parse::<usize>().unwrap())
                            .into_iter()
                            .collect(),
                        (key, value) => value.get(key).into_iter().collect(),
                    }
                })
                .collect();
        }
        assert!(
            !values.is_empty() && values.iter().all(|value| !value.is_null()),
            "the client reads {path}, which is missing: {}",
            reply.text
        );
    }
}

/// An image served from a stand-in web server, for avatars given by URL.
async fn image_host() -> ProviderApi {
    ProviderApi::start(|seen, _| match seen.path.as_str() {
        "/face.png" => reply_bytes("image/png", crate::harness::image("png", 64, 64)),
        "/other.png" => reply_bytes("image/png", crate::harness::image("png", 48, 80)),
        _ => reply_json(404, &json!({"error": "not found"})),
    })
    .await
}

#[tokio::test]
async fn gens_clients_set_up_workspaces_agents_keys_and_avatars_as_they_send_them() {
    let app = TestApp::spawn().await;
    let caller = Gen {
        client: &app.owner.client,
    };
    let host = image_host().await;

    // Discovery.
    reads(
        &caller.get("getMe", "/me").await.expect(200),
        &["id", "email", "name"],
    );
    reads(
        &caller
            .get("listWorkspaces", "/workspaces")
            .await
            .expect(200),
        &["*.id", "*.name"],
    );
    let workspace = app.owner.workspace_id;
    reads(
        &caller
            .get("listAgents", &format!("/agents?workspace_id={workspace}"))
            .await
            .expect(200),
        &["*.id", "*.name"],
    );
    reads(
        &caller.get("listAgents", "/agents").await.expect(200),
        &["*.id"],
    );

    // Organizations: createOrganization / gen_create_organization send the same body.
    let created = caller
        .post(
            "createOrganization",
            "/organizations",
            json!({"organization": {"name": "Client Org"}}),
        )
        .await
        .expect(201);
    reads(&created, &["organization_id"]);
    let org = created.body["organization_id"].as_i64().unwrap();
    reads(
        &caller
            .get("listOrganizations", "/organizations")
            .await
            .expect(200),
        &["*.id", "*.name", "*.user_role", "*.credit"],
    );
    reads(
        &caller
            .get("getOrganization", &format!("/organizations/{org}"))
            .await
            .expect(200),
        &["id", "name"],
    );
    // SDK: `{organization: params}`, which may be empty; MCP: the name.
    for body in [
        json!({"organization": {}}),
        json!({"organization": {"name": "Renamed Org"}}),
    ] {
        let reply = caller
            .patch("updateOrganization", &format!("/organizations/{org}"), body)
            .await
            .expect(200);
        reads(&reply, &["organization_id"]);
    }

    // Agents: the SDK sends organization_id as given (a number here), beside the wrapper; the
    // MCP server as a string, with only the fields it was given.
    let sdk_agent = caller
        .post(
            "createAgent",
            "/agents",
            json!({"agent": {"name": "Sdk Agent"}, "organization_id": org}),
        )
        .await
        .expect(201);
    reads(&sdk_agent, &["agent.id", "agent.name"]);
    let mcp_agent = caller
        .post(
            "createAgent",
            "/agents",
            json!({"agent": {"name": "Mcp Agent", "description": "From Claude Code"}, "organization_id": org.to_string()}),
        )
        .await
        .expect(201);
    let agent = sdk_agent.body["agent"]["id"].as_i64().unwrap();
    let other = mcp_agent.body["agent"]["id"].as_i64().unwrap();
    reads(
        &caller
            .get("getAgent", &format!("/agents/{agent}"))
            .await
            .expect(200),
        &["id", "name"],
    );
    reads(
        &caller
            .get(
                "getAgent",
                &format!("/agents/{other}?with_organization_uuid=true"),
            )
            .await
            .expect(200),
        &["id", "name"],
    );
    for body in [
        json!({"agent": {}}),
        json!({"agent": {"name": "Sdk Agent 2"}}),
    ] {
        let reply = caller
            .patch("updateAgent", &format!("/agents/{agent}"), body)
            .await
            .expect(200);
        reads(&reply, &["agent.id"]);
    }
    // The SDK reports a missing agent from the envelope.
    let missing = caller.get("getAgent", "/agents/999999").await;
    assert!(missing.status >= 400);
    reads(&missing, &["error", "error_code"]);

    // API keys are never wrapped: `{name}` or `{}`.
    for body in [json!({"name": "ci"}), json!({})] {
        let reply = caller
            .post("createApiKey", "/persisted_tokens", body)
            .await
            .expect(201);
        reads(&reply, &["id", "token"]);
    }
    let keys = caller
        .get("listApiKeys", "/persisted_tokens")
        .await
        .expect(200);
    reads(&keys, &["*.id"]);
    let key = keys.body[0]["id"].as_i64().unwrap();
    caller
        .delete("revokeApiKey", &format!("/persisted_tokens/{key}/revoke"))
        .await
        .expect(200);

    // Avatars are JSON: `[{}]` without a DeGod id, which names no image; a DeGod id, which
    // is GEN's own collection; or (ace) an image URL, answered with the avatar.
    let avatars = format!("/agents/{agent}/avatars");
    let nothing = caller
        .post(
            "createAgentAvatar",
            &avatars,
            json!({"agent_avatars_attributes": [{}]}),
        )
        .await
        .expect_error(422, "avatar_creation_failed");
    assert!(
        nothing.body["error"].as_str().unwrap().contains("url"),
        "{}",
        nothing.text
    );
    let degod = caller
        .post(
            "createAgentAvatar",
            &avatars,
            json!({"agent_avatars_attributes": [{"degod_avatar_id": "1234"}]}),
        )
        .await
        .expect_error(422, "avatar_creation_failed");
    assert!(
        degod.body["error"]
            .as_str()
            .unwrap()
            .contains("GEN's own collection"),
        "{}",
        degod.text
    );
    for (field, file) in [("url", "face.png"), ("image_url", "other.png")] {
        let reply = caller
            .post(
                "createAgentAvatar",
                &avatars,
                json!({"agent_avatars_attributes": [{field: format!("{}/{file}", host.url)}]}),
            )
            .await
            .expect(200);
        reads(&reply, &["id", "url", "thumbnail_url", "avatars.0.id"]);
    }
    let listed = caller.get("listAgentAvatars", &avatars).await.expect(200);
    reads(&listed, &["*.id", "*.url"]);
    assert_eq!(listed.body.as_array().unwrap().len(), 2);
    let unreachable = caller
        .post(
            "createAgentAvatar",
            &avatars,
            json!({"agent_avatars_attributes": [{"url": format!("{}/gone.png", host.url)}]}),
        )
        .await
        .expect_error(422, "avatar_creation_failed");
    assert!(
        unreachable.text.contains("HTTP 404"),
        "{}",
        unreachable.text
    );
    let avatar = listed.body[1]["id"].as_i64().unwrap();
    caller
        .delete("deleteAgentAvatar", &format!("{avatars}/{avatar}"))
        .await
        .expect(200);

    caller
        .delete("deleteAgent", &format!("/agents/{other}"))
        .await
        .expect(200);
    caller
        .delete("deleteAgent", &format!("/agents/{agent}"))
        .await
        .expect(200);
    caller
        .delete("deleteOrganization", &format!("/organizations/{org}"))
        .await
        .expect(200);
}

#[tokio::test]
async fn gens_clients_read_and_write_back_the_agent_core_and_profile() {
    let app = TestApp::spawn().await;
    let caller = Gen {
        client: &app.owner.client,
    };
    let host = image_host().await;
    let agent = app.owner.agent_id.get();
    let core = format!("/agents/{agent}/core");

    // The MCP server's own example body, with a new profile photo: it becomes the avatar.
    let photo = format!("{}/face.png", host.url);
    let example = json!({
        "identity": {"name": "Santiago", "profile_photo_url": photo},
        "overview": {"brand_name": "Tacos Santiago", "description": "Street tacos", "identity_type": "character",
            "goal": "growth", "keywords": ["tacos", "street food"], "target_platforms": ["tiktok", "instagram"], "shortform": true},
        "personality": "Warm and funny.",
        "inspiration": [{"url": "https://tiktok.com/@keila", "platform": "tiktok"}],
    });
    let written = caller
        .patch("patchAgentCore", &core, example)
        .await
        .expect(200);
    for section in ["identity", "overview", "personality", "inspiration"] {
        assert_eq!(written.body[section]["status"], "ok", "{}", written.text);
    }
    let read = caller.get("getAgentCore", &core).await.expect(200);
    reads(
        &read,
        &[
            "identity.name",
            "identity.profile_photo_url",
            "overview.brand_name",
            "overview.keywords",
            "overview.target_platforms",
            "inspiration.*.url",
            "look.reference_images",
            "accounts",
        ],
    );
    let avatars = caller
        .get("listAgentAvatars", &format!("/agents/{agent}/avatars"))
        .await
        .expect(200);
    assert_eq!(
        avatars.body.as_array().unwrap().len(),
        1,
        "{}",
        avatars.text
    );
    assert_eq!(avatars.body[0]["is_primary"], true);

    // Read-modify-write of every section, as `patchAgentCore(id, {...core, overview: ...})`
    // sends it: read-only fields come back unchanged and are ignored.
    let mut sections = read.body.clone();
    sections["overview"]["goal"] = json!("reach");
    let body: Value = [
        "identity",
        "overview",
        "personality",
        "inspiration",
        "voice",
        "look",
        "accounts",
    ]
    .iter()
    .map(|key| (key.to_string(), sections[key].clone()))
    .collect::<serde_json::Map<_, _>>()
    .into();
    let reply = caller
        .patch("patchAgentCore", &core, body)
        .await
        .expect(200);
    assert!(
        reply
            .body
            .as_object()
            .unwrap()
            .values()
            .all(|s| s["status"] == "ok"),
        "{}",
        reply.text
    );
    let after = caller.get("getAgentCore", &core).await.expect(200);
    assert_eq!(after.body["overview"]["goal"], "reach");
    assert_eq!(
        after.body["inspiration"], read.body["inspiration"],
        "ids and platforms are kept"
    );
    assert_eq!(
        after.body["identity"]["profile_photo_url"],
        read.body["identity"]["profile_photo_url"]
    );

    // The whole read sent back, both shapes at once, writes what changed.
    let mut whole = after.body.clone();
    whole["personality"] = json!("Warmer.");
    let reply = caller
        .patch("patchAgentCore", &core, whole)
        .await
        .expect(200);
    assert_eq!(reply.body["personality"]["status"], "ok", "{}", reply.text);
    assert_eq!(
        caller.get("getAgentCore", &core).await.body["personality"],
        "Warmer."
    );

    // A read-only field that was changed is refused by name.
    let mut changed = json!({"inspiration": after.body["inspiration"].clone()});
    changed["inspiration"][0]["handle"] = json!("@someone_else");
    let refused = caller
        .patch("patchAgentCore", &core, changed)
        .await
        .expect_error(422, "validation_error");
    assert!(
        refused.text.contains("inspiration[0].handle"),
        "{}",
        refused.text
    );

    // A photo that cannot be fetched fails its section only (207).
    let partial = caller
        .patch(
            "patchAgentCore",
            &core,
            json!({"identity": {"profile_photo_url": format!("{}/gone.png", host.url)}, "personality": "Bold."}),
        )
        .await
        .expect(207);
    assert_eq!(partial.body["identity"]["status"], "error");
    assert!(partial.text.contains("HTTP 404"), "{}", partial.text);
    assert_eq!(partial.body["personality"]["status"], "ok");

    // Single items.
    let inspiration = caller
        .post(
            "addAgentInspiration",
            &format!("{core}/inspiration"),
            json!({"url": "https://tiktok.com/@chef"}),
        )
        .await
        .expect(201);
    reads(&inspiration, &["id", "url"]);
    let account = caller
        .post(
            "addAgentAccount",
            &format!("{core}/accounts"),
            json!({"url": "https://tiktok.com/@tacos", "platform": "tiktok", "display_name": "Tacos"}),
        )
        .await
        .expect(201);
    reads(&account, &["id", "agent_id", "url"]);
    // An account as `POST /core/accounts` answered it, sent back in the list.
    let accounts = json!({"accounts": [account.body.clone()]});
    caller
        .patch("patchAgentCore", &core, accounts)
        .await
        .expect(200);
    caller
        .delete(
            "removeAgentInspiration",
            &format!("{core}/inspiration/{}", id(&inspiration.body)),
        )
        .await
        .expect(200);
    caller
        .delete(
            "removeAgentAccount",
            &format!("{core}/accounts/{}", id(&account.body)),
        )
        .await
        .expect(200);

    // The legacy profile (`agentBaseUrl`, the same base): the voice a read shows is written
    // back as it was read, and a voice id without a provider is found by its id.
    let profile = format!("/agent/profile?agent_id={agent}");
    let public = caller
        .get(
            "listAgentVoices",
            &format!("/agents/{agent}/voice/library?source=public"),
        )
        .await
        .expect(200);
    let voice_id = public.body["voices"][0]["voice_id"]
        .as_str()
        .unwrap()
        .to_owned();
    caller
        .post(
            "createAgentProfile",
            &profile,
            json!({"voice": {"default_voice": {"id": voice_id}}}),
        )
        .await
        .expect(201);
    let read = caller.get("getAgentProfile", &profile).await.expect(200);
    reads(&read, &["identity.name", "voice.default_voice.id"]);
    assert_eq!(read.body["voice"]["default_voice"]["provider"], "local");
    let write_back =
        json!({"identity": read.body["identity"].clone(), "voice": read.body["voice"].clone()});
    caller
        .put("updateAgentProfile", &profile, write_back)
        .await
        .expect(200);
    let again = caller.get("getAgentProfile", &profile).await.expect(200);
    assert_eq!(again.body["voice"], read.body["voice"]);
    assert_eq!(
        caller.get("getAgentCore", &core).await.body["voice"]["source"],
        "public"
    );
    // The MCP server's empty sections.
    caller
        .post("createAgentProfile", &profile, json!({}))
        .await
        .expect(201);
    caller
        .delete("deleteAgentProfile", &profile)
        .await
        .expect(200);
}

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
async fn gens_clients_build_a_vidsheet_in_both_of_their_shapes() {
    let app = TestApp::spawn().await;
    let caller = Gen {
        client: &app.owner.client,
    };
    let agent = app.owner.agent_id.get();
    let (sdk, mcp) = (json!(agent), json!(agent.to_string()));

    // Templates: `page` is sent even when it is 0.
    for path in [
        "/templates/projects",
        "/templates/projects?page=0",
        "/templates/projects?page=1",
    ] {
        reads(
            &caller.get("listTemplates", path).await.expect(200),
            &["*.id", "*.slug", "*.title"],
        );
    }
    reads(
        &caller
            .get("getTemplate", "/templates/projects/text-driven")
            .await
            .expect(200),
        &["id", "slug", "title"],
    );
    // cloneTemplate and gen_clone_template send only `{agent_id}`, as a number or a string.
    for agent_id in [&sdk, &mcp] {
        let cloned = caller
            .post(
                "cloneTemplate",
                "/templates/spreadsheets/text-driven/clone",
                json!({"agent_id": agent_id}),
            )
            .await
            .expect(201);
        reads(&cloned, &["id", "spreadsheet_columns.*.id"]);
    }

    // Engines: the SDK's query and wrapper, the MCP server's top-level fields.
    let sdk_engine = caller
        .post(
            "createSheet",
            &format!("/autocontentengine?agent_id={agent}"),
            json!({"spreadsheet": {"title": "Sdk Engine"}}),
        )
        .await
        .expect(201);
    let mcp_engine = caller
        .post(
            "createSheet",
            "/autocontentengine",
            json!({"agent_id": mcp, "title": "Mcp Engine"}),
        )
        .await
        .expect(201);
    assert_eq!(mcp_engine.body["title"], "Mcp Engine");
    let sheet = id(&sdk_engine.body);
    let base = format!("/autocontentengine/{sheet}");
    reads(
        &caller
            .get("getSheet", &format!("{base}?agent_id={agent}"))
            .await
            .expect(200),
        &["id", "spreadsheet_columns.*.id"],
    );
    caller
        .post(
            "cloneSheet",
            &format!("{base}/clone?agent_id={agent}"),
            json!({}),
        )
        .await
        .expect(201);
    let clone = caller
        .post(
            "cloneSheet",
            &format!("{base}/clone"),
            json!({"agent_id": mcp}),
        )
        .await
        .expect(201);
    reads(&clone, &["id"]);

    // Rows.
    let sdk_row = caller
        .post(
            "createRow",
            &format!("{base}/rows?agent_id={agent}"),
            json!({}),
        )
        .await
        .expect(201);
    reads(&sdk_row, &["id", "spreadsheet_cells.*.id"]);
    let mcp_row = caller
        .post(
            "createRow",
            &format!("{base}/rows"),
            json!({"agent_id": mcp}),
        )
        .await
        .expect(201);
    let row = id(&sdk_row.body);
    caller
        .post(
            "duplicateRow",
            &format!("{base}/rows/{row}/duplicate?agent_id={agent}"),
            json!({}),
        )
        .await
        .expect(201);
    caller
        .post(
            "duplicateRow",
            &format!("{base}/rows/{}/duplicate", id(&mcp_row.body)),
            json!({"agent_id": mcp}),
        )
        .await
        .expect(201);
    let rows = caller
        .get("listRows", &format!("{base}/rows?agent_id={agent}"))
        .await
        .expect(200);
    reads(&rows, &["*.id", "*.position"]);
    assert_eq!(rows.body.as_array().unwrap().len(), 4);

    // Columns: the SDK's test sends a 0-based position, which counts as the first place.
    let sdk_column = caller
        .post(
            "createColumn",
            &format!("{base}/columns?agent_id={agent}"),
            json!({"spreadsheet_column": {"title": "HOOK", "type": "text", "position": 0}}),
        )
        .await
        .expect(201);
    reads(&sdk_column, &["id", "title", "type", "position"]);
    assert_eq!(sdk_column.body["position"], 1);
    let mcp_column = caller
        .post(
            "createColumn",
            &format!("{base}/columns"),
            json!({"agent_id": mcp, "title": "STILL", "type": "image"}),
        )
        .await
        .expect(201);
    let column = id(&sdk_column.body);
    // Both clients update with `agent_id` beside the wrapper and no query; the MCP server's
    // wrapper may be empty.
    let renamed = caller
        .patch(
            "updateColumn",
            &format!("{base}/columns/{column}"),
            json!({"agent_id": sdk, "spreadsheet_column": {"title": "HOOKS"}}),
        )
        .await
        .expect(200);
    assert_eq!(renamed.body["title"], "HOOKS");
    caller
        .patch(
            "updateColumn",
            &format!("{base}/columns/{column}"),
            json!({"agent_id": mcp, "spreadsheet_column": {}}),
        )
        .await
        .expect(200);
    reads(
        &caller
            .get("listColumns", &format!("{base}/columns?agent_id={agent}"))
            .await
            .expect(200),
        &["*.id", "*.title"],
    );
    caller
        .delete(
            "deleteColumn",
            &format!("{base}/columns/{}?agent_id={agent}", id(&mcp_column.body)),
        )
        .await
        .expect(204);

    // Cells.
    let engine = caller
        .get("getSheet", &format!("{base}?agent_id={agent}"))
        .await
        .expect(200)
        .body;
    let row_value = engine["spreadsheet_rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == row)
        .unwrap()
        .clone();
    let hook = crate::harness::cell_in(&engine, &row_value, "HOOKS");
    let video = crate::harness::cell_in(&engine, &row_value, "VIDEO");
    let cell = format!("{base}/cells/{}", id(&hook));
    let sdk_value = caller
        .patch(
            "updateCell",
            &format!("{cell}?agent_id={agent}"),
            json!({"spreadsheet_cell": {"value": "new value"}}),
        )
        .await
        .expect(200);
    assert_eq!(sdk_value.body["value"], "new value");
    caller
        .patch(
            "updateCell",
            &cell,
            json!({"agent_id": mcp, "value": "from Claude"}),
        )
        .await
        .expect(200);
    let read = caller
        .get("getCell", &format!("{cell}?agent_id={agent}"))
        .await
        .expect(200);
    reads(&read, &["id", "value"]);
    assert_eq!(read.body["value"], "from Claude");

    // Layers, on the row's video cell.
    let layers = format!("{base}/cells/{}/layers", id(&video));
    let sdk_layer = caller
        .post(
            "createLayer",
            &format!("{layers}?agent_id={agent}"),
            json!({"video_layer": {"name": "overlay", "type": "text", "position": 0}}),
        )
        .await
        .expect(201);
    reads(&sdk_layer, &["id", "name", "type", "position"]);
    let mcp_layer = caller
        .post(
            "createLayer",
            &layers,
            json!({"agent_id": mcp, "name": "music", "type": "audio", "position": 1}),
        )
        .await
        .expect(201);
    assert_eq!(mcp_layer.body["type"], "sound");
    let layer = format!("{layers}/{}", id(&sdk_layer.body));
    let updated = caller
        .patch(
            "updateLayer",
            &layer,
            json!({"agent_id": sdk, "video_layer": {"name": "title", "additional_attributes": {"content": "Tacos"}}}),
        )
        .await
        .expect(200);
    assert_eq!(updated.body["additional_attributes"]["content"], "Tacos");
    caller
        .patch(
            "updateLayer",
            &layer,
            json!({"agent_id": mcp, "video_layer": {}}),
        )
        .await
        .expect(200);
    reads(
        &caller
            .get("getLayer", &format!("{layer}?agent_id={agent}"))
            .await
            .expect(200),
        &["id", "name", "type"],
    );
    caller
        .delete(
            "deleteLayer",
            &format!("{layers}/{}?agent_id={agent}", id(&mcp_layer.body)),
        )
        .await
        .expect(204);

    // Global variables: an object (GEN's OpenAPI and docs), though the SDK types a list.
    let variables = format!("{base}/global_variables");
    let created = caller
        .post(
            "createGlobalVariable",
            &format!("{variables}?agent_id={agent}"),
            json!({"global_variable": {"key": "city", "value": "Austin"}}),
        )
        .await
        .expect(201);
    reads(&created, &["id", "key", "value"]);
    let variable = format!("{variables}/{}?agent_id={agent}", id(&created.body));
    let changed = caller
        .patch(
            "updateGlobalVariable",
            &variable,
            json!({"global_variable": {"value": "Dallas"}}),
        )
        .await
        .expect(200);
    assert_eq!(changed.body["value"], "Dallas");
    let listed = caller
        .get(
            "getGlobalVariables",
            &format!("{variables}?agent_id={agent}"),
        )
        .await
        .expect(200);
    reads(&listed, &["variables.*.key"]);
    caller
        .delete("deleteGlobalVariable", &variable)
        .await
        .expect(204);
}

/// An engine with a text column HOOK, an image column STILL and one row: `(sheet, row)`, the
/// row read whole.
async fn generation_sheet(caller: &Gen<'_>, agent: i64) -> (i64, Value) {
    let sheet = caller
        .post(
            "createSheet",
            &format!("/autocontentengine?agent_id={agent}"),
            json!({"spreadsheet": {"title": "Clients"}}),
        )
        .await
        .expect(201);
    let sheet = id(&sheet.body);
    for (title, kind) in [("HOOK", "text"), ("STILL", "image")] {
        caller
            .post(
                "createColumn",
                &format!("/autocontentengine/{sheet}/columns?agent_id={agent}"),
                json!({"spreadsheet_column": {"title": title, "type": kind}}),
            )
            .await
            .expect(201);
    }
    caller
        .post(
            "createRow",
            &format!("/autocontentengine/{sheet}/rows?agent_id={agent}"),
            json!({}),
        )
        .await
        .expect(201);
    let engine = caller
        .get(
            "getSheet",
            &format!("/autocontentengine/{sheet}?agent_id={agent}"),
        )
        .await
        .expect(200)
        .body;
    (sheet, engine)
}

/// Waits for a generation to end by following its event stream, then reads it as
/// `waitForGeneration` does.
async fn finished(caller: &Gen<'_>, generation: i64) -> Reply {
    caller
        .client
        .get(&format!("/v1/generations/{generation}/events"))
        .await
        .expect(200);
    let reply = caller
        .get("getGeneration", &format!("/generations/{generation}"))
        .await
        .expect(200);
    reads(&reply, &["id", "status", "user_job_type"]);
    reply
}

#[tokio::test]
async fn gens_clients_generate_with_their_internal_type_names_and_render() {
    let mut builder = TestApp::builder().starter_credits(Credits::whole(5_000));
    for kind in [
        GenerationType::Text,
        GenerationType::ImageFromText,
        GenerationType::VideoFromText,
        GenerationType::VideoFromImage,
    ] {
        builder = builder.generator(kind, Arc::new(Writes::text("Made.")));
    }
    let app = builder.spawn().await;
    let caller = Gen {
        client: &app.owner.client,
    };
    let agent = app.owner.agent_id.get();
    let (sheet, engine) = generation_sheet(&caller, agent).await;
    let row = &engine["spreadsheet_rows"][0];
    let hook = id(&crate::harness::cell_in(&engine, row, "HOOK"));
    let still = crate::harness::uploaded(
        caller.client,
        agent,
        "still.png",
        crate::harness::image("png", 64, 64),
    )
    .await;
    let image = id(&still);

    // `resolveGenerationType` in both clients, and the documented type each one means.
    let cases = [
        (
            "text_generation",
            json!({"model": "gemini", "prompt": "Hello"}),
            "text",
        ),
        (
            "gemini_image_generation",
            json!({"model": "gemini_pro_image", "prompt": "Tacos", "aspect_ratio": "9:16"}),
            "image_from_text",
        ),
        (
            "midjourney",
            json!({"model": "midjourney", "prompt": "Tacos"}),
            "image_from_text",
        ),
        (
            "kling",
            json!({"model": "kling_1_6", "prompt": "Tacos", "duration": 5}),
            "video_from_text",
        ),
        (
            "gemini_video_generation",
            json!({"prompt": "Waves"}),
            "video_from_text",
        ),
        (
            "gemini_video_generation",
            json!({"prompt": "Waves", "image_resource_id": image}),
            "video_from_image",
        ),
        (
            "sora2_video_generation",
            json!({"model": "sora_2", "prompt": "Waves", "duration": 4}),
            "video_from_text",
        ),
        (
            "seedance_video_generation",
            json!({"model": "seedance_pro", "image_resource_id": image.to_string()}),
            "video_from_image",
        ),
        (
            "kling_image_video",
            json!({"model": "kling_2_1", "image_resource_id": image}),
            "video_from_image",
        ),
        (
            "text",
            json!({"prompt": "Documented names still work"}),
            "text",
        ),
    ];
    let generate = format!("/autocontentengine/{sheet}/cells/{hook}/generate");
    for (index, (name, data, documented)) in cases.into_iter().enumerate() {
        // generateContent puts agent_id in the query; gen_generate_content in the body.
        let reply = if index % 2 == 0 {
            caller
                .post(
                    "generateCellContent",
                    &format!("{generate}?agent_id={agent}"),
                    json!({"generation_type": name, "data": data}),
                )
                .await
        } else {
            caller
                .post(
                    "generateCellContent",
                    &generate,
                    json!({"agent_id": agent.to_string(), "generation_type": name, "data": data}),
                )
                .await
        };
        let reply = reply.expect(201);
        reads(&reply, &["generation_id", "status"]);
        let generation = reply.body["generation_id"].as_i64().unwrap();
        let done = finished(&caller, generation).await;
        assert_eq!(
            done.body["user_job_type"], documented,
            "{name}: {}",
            done.text
        );
        assert_eq!(done.body["status"], "completed", "{name}: {}", done.text);
    }
    let unknown = caller
        .post(
            "generateCellContent",
            &format!("{generate}?agent_id={agent}"),
            json!({"generation_type": "hologram", "data": {}}),
        )
        .await
        .expect_error(422, "validation_error");
    assert!(unknown.text.contains("eleven_labs"), "{}", unknown.text);

    // A retry of a request by another name for the same type is the same request.
    let keyed = |name: &str| {
        caller
            .client
            .request(Method::POST, &format!("/v1{generate}?agent_id={agent}"))
            .header("content-type", "application/json")
            .header("idempotency-key", "client-retry")
            .body(json!({"generation_type": name, "data": {"prompt": "Once"}}).to_string())
    };
    let first = Client::read(keyed("text_generation").send().await.unwrap()).await;
    let again = Client::read(keyed("text").send().await.unwrap()).await;
    assert_eq!(first.expect(201).body, again.expect(201).body);

    // Layers: generateLayer sends `{}`, gen_generate_layer `{agent_id}`; the layer's card,
    // else its kind, says what to make.
    let video = id(&crate::harness::cell_in(&engine, row, "VIDEO"));
    let layers = format!("/autocontentengine/{sheet}/cells/{video}/layers");
    let add_layer = |name: &'static str, kind: &'static str, attributes: Value| {
        let caller = &caller;
        let path = format!("{layers}?agent_id={agent}");
        async move {
            let reply = caller
                .post(
                    "createLayer",
                    &path,
                    json!({"video_layer": {"name": name, "type": kind, "additional_attributes": attributes}}),
                )
                .await
                .expect(201);
            id(&reply.body)
        }
    };
    let carded = add_layer(
        "Caption",
        "text",
        json!({"creation_card": {"generation_type": "text_generation", "data": {"prompt": "A caption"}}}),
    )
    .await;
    let picture = add_layer("Picture", "image", json!({})).await;
    let shape = add_layer("Box", "shape", json!({})).await;
    let on_layer = |layer: i64| format!("{layers}/{layer}/generate");
    let reply = caller
        .post(
            "generateLayerContent",
            &format!("{}?agent_id={agent}", on_layer(carded)),
            json!({}),
        )
        .await
        .expect(201);
    let done = finished(&caller, reply.body["generation_id"].as_i64().unwrap()).await;
    assert_eq!(done.body["user_job_type"], "text");
    let layer = caller
        .get("getLayer", &format!("{layers}/{carded}?agent_id={agent}"))
        .await
        .expect(200);
    assert_eq!(layer.body["additional_attributes"]["content"], "Made.");
    // An image layer without a card makes an image, which needs a prompt.
    let needs_prompt = caller
        .post(
            "generateLayerContent",
            &on_layer(picture),
            json!({"agent_id": agent.to_string()}),
        )
        .await
        .expect_error(422, "validation_error");
    assert!(
        needs_prompt.text.contains("data.prompt"),
        "{}",
        needs_prompt.text
    );
    let nothing = caller
        .post(
            "generateLayerContent",
            &on_layer(shape),
            json!({"agent_id": agent.to_string()}),
        )
        .await
        .expect_error(422, "validation_error");
    assert!(nothing.text.contains("generation_type"), "{}", nothing.text);

    // Stop and continue are POSTs with no body at all.
    let slow = caller
        .post(
            "generateCellContent",
            &format!("{generate}?agent_id={agent}"),
            json!({"generation_type": "text_generation", "data": {"prompt": "Slow"}}),
        )
        .await
        .expect(201);
    let generation = slow.body["generation_id"].as_i64().unwrap();
    let stopped = caller
        .send(
            "stopGeneration",
            Method::POST,
            &format!("/generations/{generation}/stop"),
            None,
        )
        .await;
    // It may have finished already; a stop then is refused in the envelope.
    if stopped.status == 200 {
        reads(&stopped, &["generation_id", "status"]);
        let resumed = caller
            .send(
                "continueGeneration",
                Method::POST,
                &format!("/generations/{generation}/continue"),
                None,
            )
            .await
            .expect(200);
        reads(&resumed, &["generation_id", "status"]);
    } else {
        reads(&stopped, &["error", "error_code"]);
    }

    // renderVideo and gen_render_video send `{agent_id}` alone, with no query.
    caller.patch(
        "updateLayer",
        &format!("{layers}/{carded}"),
        json!({"agent_id": agent, "video_layer": {"additional_attributes": {"from": 0, "durationInFrames": 30}}}),
    )
    .await
    .expect(200);
    for layer in [picture, shape] {
        caller
            .delete("deleteLayer", &format!("{layers}/{layer}?agent_id={agent}"))
            .await
            .expect(204);
    }
    let final_video = id(&crate::harness::cell_in(&engine, row, "FINAL VIDEO"));
    let render = caller
        .post(
            "renderVideo",
            &format!("/autocontentengine/{sheet}/cells/{final_video}/render"),
            json!({"agent_id": agent.to_string()}),
        )
        .await
        .expect(201);
    reads(&render, &["generation_id", "status"]);
    let generation: i64 = render.body["generation_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let done = finished(&caller, generation).await;
    assert_eq!(done.body["status"], "completed", "{}", done.text);
    reads(&done, &["output_resources.0.url"]);
}

#[tokio::test]
async fn gens_clients_upload_through_a_direct_upload_and_manage_files() {
    let app = TestApp::spawn().await;
    let caller = Gen {
        client: &app.owner.client,
    };
    let agent = app.owner.agent_id.get();
    let (sheet, _) = generation_sheet(&caller, agent).await;

    // createDirectUpload sends the blob and no agent; the SDK reads `url` and `headers` at the
    // top level, the docs nest them under `direct_upload`.
    let png = crate::harness::image("png", 32, 32);
    let ticket = caller
        .post(
            "createDirectUpload",
            "/direct_upload",
            json!({"blob": {"filename": "still.png", "byte_size": png.len(),
                "checksum": STANDARD.encode(Md5::digest(&png)), "content_type": "image/png"}}),
        )
        .await
        .expect(200);
    reads(
        &ticket,
        &["signed_id", "url", "headers", "direct_upload.url"],
    );
    assert_eq!(ticket.body["url"], ticket.body["direct_upload"]["url"]);
    let mut put = reqwest::Client::new().put(ticket.body["url"].as_str().unwrap());
    for (name, value) in ticket.body["headers"].as_object().unwrap() {
        put = put.header(name, value.as_str().unwrap());
    }
    let status = put.body(png).send().await.unwrap().status();
    assert!(status.is_success(), "{status}");

    // createContentResource: the signed id, and the SDK's `project_node` for the engine.
    let created = caller
        .post(
            "createContentResource",
            &format!("/content_resources?agent_id={agent}"),
            json!({"content_resource": {"file": ticket.body["signed_id"]}, "project_node": {"project_id": sheet.to_string()}}),
        )
        .await
        .expect(201);
    reads(
        &created,
        &[
            "content_resource.id",
            "content_resource.url",
            "content_resource.file_name",
            "content_resource.content_type",
            "project_node.id",
        ],
    );
    let resource = created.body["content_resource"]["id"].as_i64().unwrap();
    for query in [
        format!("agent_id={agent}&project_id={sheet}"),
        format!("agent_id={agent}&type=image&page=0"),
    ] {
        let listed = caller
            .get(
                "listContentResources",
                &format!("/content_resources?{query}"),
            )
            .await
            .expect(200);
        reads(&listed, &["*.id", "*.url", "*.file_name"]);
        assert_eq!(listed.body[0]["id"], resource, "{query}");
    }
    let path = format!("/content_resources/{resource}?agent_id={agent}");
    let shown = caller.get("getContentResource", &path).await.expect(200);
    reads(&shown, &["content_resource.id", "content_resource.url"]);
    assert_eq!(shown.body["generator"], Value::Null, "an upload");
    // updateContentResource is typed to return the resource.
    let renamed = caller
        .patch(
            "updateContentResource",
            &path,
            json!({"content_resource": {"filename": "cover.png"}}),
        )
        .await
        .expect(200);
    reads(
        &renamed,
        &["content_resource.id", "content_resource.file_name"],
    );
    assert_eq!(renamed.body["content_resource"]["file_name"], "cover.png");
    reads(
        &caller.get(
            "listAssetLibraries",
            &format!("/asset_libraries?agent_id={agent}&asset_type=image%2Cvideo&search=cover&order=recent&page=1&page_size=20"),
        )
        .await
        .expect(200),
        &["*.id", "*.type"],
    );
    caller
        .delete("deleteContentResource", &path)
        .await
        .expect(200);
    let gone = caller.get("getContentResource", &path).await;
    assert_eq!(gone.status, 404);
    reads(&gone, &["error", "error_code"]);
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
