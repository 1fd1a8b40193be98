//! The SDK and MCP server setting up: workspaces, agents, API keys, avatars, and the agent
//! core and profile read and written back.

use super::*;

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
