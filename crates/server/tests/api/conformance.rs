//! Every Setup operation of GEN's contract (voice aside, which a later issue delivers),
//! exercised once with each body checked against GEN's response schema. The test fails if an
//! operation is skipped, so it cannot quietly cover less.

use std::collections::BTreeSet;

use crate::harness::{Reply, TestApp};
use ace_domain::role::Role;
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::json;

use crate::contract;

#[derive(Default)]
struct Coverage(BTreeSet<String>);

impl Coverage {
    #[track_caller]
    fn check(&mut self, operation: &str, reply: &Reply) -> serde_json::Value {
        contract().assert_conforms(operation, reply.status, &reply.body);
        self.0.insert(operation.to_owned());
        reply.body.clone()
    }
}

#[tokio::test]
async fn every_setup_operation_answers_in_gens_documented_shapes() {
    let app = TestApp::spawn().await;
    let owner = &app.owner.client;
    let mut seen = Coverage::default();

    seen.check("getMe", &owner.get("/v1/me").await.expect(200));
    seen.check("getMe", &app.anonymous().get("/v1/me").await.expect(401));
    seen.check(
        "listWorkspaces",
        &owner.get("/v1/workspaces").await.expect(200),
    );

    let org = seen.check(
        "createOrganization",
        &owner
            .post(
                "/v1/organizations",
                json!({"organization": {"name": "Conformance"}}),
            )
            .await
            .expect(201),
    );
    let org = org["organization_id"].as_i64().unwrap();
    seen.check(
        "createOrganization",
        &owner.post("/v1/organizations", json!({})).await.expect(422),
    );
    seen.check(
        "listOrganizations",
        &owner.get("/v1/organizations").await.expect(200),
    );
    seen.check(
        "getOrganization",
        &owner
            .get(&format!("/v1/organizations/{org}"))
            .await
            .expect(200),
    );
    seen.check(
        "getOrganization",
        &owner.get("/v1/organizations/0").await.expect(422),
    );
    seen.check(
        "updateOrganization",
        &owner
            .patch(
                &format!("/v1/organizations/{org}"),
                json!({"organization": {"name": "Renamed"}}),
            )
            .await
            .expect(200),
    );
    let viewer = app.member_of(org.into(), Role::Viewer).await;
    seen.check(
        "updateOrganization",
        &viewer
            .client
            .patch(&format!("/v1/organizations/{org}"), json!({"name": "x"}))
            .await
            .expect(403),
    );

    let created = seen.check(
        "createAgent",
        &owner
            .post(
                "/v1/agents",
                json!({"organization_id": org, "agent": {"name": "Santiago"}}),
            )
            .await
            .expect(201),
    );
    let agent = created["agent"]["id"].as_i64().unwrap();
    seen.check(
        "createAgent",
        &owner
            .post("/v1/agents", json!({"agent": {}}))
            .await
            .expect(422),
    );
    seen.check("listAgents", &owner.get("/v1/agents").await.expect(200));
    seen.check(
        "getAgent",
        &owner
            .get(&format!("/v1/agents/{agent}?with_organization_uuid=true"))
            .await
            .expect(200),
    );
    seen.check("getAgent", &owner.get("/v1/agents/0").await.expect(422));
    let voice = json!({"agent": {"default_user_voice_attributes": {"source": "public", "voice_id": "espeak-en-us"}}});
    seen.check(
        "updateAgent",
        &owner
            .patch(&format!("/v1/agents/{agent}"), voice)
            .await
            .expect(200),
    );
    seen.check(
        "updateAgent",
        &viewer
            .client
            .patch(&format!("/v1/agents/{agent}"), json!({"name": "x"}))
            .await
            .expect(403),
    );

    let form = Form::new().part(
        "agent_avatars_attributes[][file]",
        Part::bytes(crate::harness::image("png", 16, 16)).file_name("a.png"),
    );
    seen.check(
        "createAgentAvatar",
        &owner
            .multipart(Method::POST, &format!("/v1/agents/{agent}/avatars"), form)
            .await
            .expect(200),
    );
    seen.check(
        "createAgentAvatar",
        &owner
            .post(
                &format!("/v1/agents/{agent}/avatars"),
                json!({"agent_avatars_attributes": [{}]}),
            )
            .await
            .expect(422),
    );
    let avatars = seen.check(
        "listAgentAvatars",
        &owner
            .get(&format!("/v1/agents/{agent}/avatars"))
            .await
            .expect(200),
    );
    let avatar = avatars[0]["id"].as_i64().unwrap();
    seen.check(
        "setPrimaryAvatar",
        &owner
            .patch(&format!("/v1/agents/{agent}/avatars/{avatar}"), json!({}))
            .await
            .expect(200),
    );
    seen.check(
        "setPrimaryAvatar",
        &owner
            .patch(&format!("/v1/agents/{agent}/avatars/0"), json!({}))
            .await
            .expect(422),
    );
    seen.check(
        "deleteAgentAvatar",
        &owner
            .delete(&format!("/v1/agents/{agent}/avatars/{avatar}"))
            .await
            .expect(200),
    );

    let core = format!("/v1/agents/{agent}/core");
    seen.check("getAgentCore", &owner.get(&core).await.expect(200));
    let patch = json!({"brand_name": "Santiago", "keywords": ["tacotok"], "linked_accounts": [{"url": "https://tiktok.com/@s"}], "personality": "Warm."});
    seen.check(
        "patchAgentCore",
        &owner.patch(&core, patch).await.expect(200),
    );
    seen.check(
        "patchAgentCore",
        &owner
            .patch(
                &core,
                json!({"default_user_voice": {"voice_id": "x", "source": "user_trained"}}),
            )
            .await
            .expect(207),
    );
    seen.check(
        "patchAgentCore",
        &owner.patch(&core, json!({"unknown": 1})).await.expect(422),
    );
    seen.check("getAgentCore", &owner.get(&core).await.expect(200));

    let profile = format!("/v1/agent/profile?agent_id={agent}");
    seen.check("getAgentProfile", &owner.get(&profile).await.expect(200));
    seen.check(
        "createAgentProfile",
        &owner
            .post(&profile, json!({"brand": {"goal": "growth"}}))
            .await
            .expect(201),
    );
    seen.check(
        "updateAgentProfile",
        &owner
            .put(&profile, json!({"identity": {"persona": "Warm."}}))
            .await
            .expect(200),
    );
    seen.check(
        "updateAgentProfile",
        &owner
            .put(&profile, json!({"brand": {"nope": 1}}))
            .await
            .expect(422),
    );
    seen.check(
        "deleteAgentProfile",
        &owner.delete(&profile).await.expect(200),
    );

    let key = seen.check(
        "createApiKey",
        &owner
            .post(
                "/v1/persisted_tokens",
                json!({"name": "ci", "expires_in": "30d"}),
            )
            .await
            .expect(201),
    );
    let key = key["id"].as_i64().unwrap();
    seen.check(
        "listApiKeys",
        &owner.get("/v1/persisted_tokens").await.expect(200),
    );
    seen.check(
        "updateApiKey",
        &owner
            .patch(
                &format!("/v1/persisted_tokens/{key}"),
                json!({"persisted_token": {"name": "ci-2"}}),
            )
            .await
            .expect(200),
    );
    seen.check(
        "updateApiKey",
        &owner
            .patch("/v1/persisted_tokens/0", json!({"name": "x"}))
            .await
            .expect(404),
    );
    seen.check(
        "revokeApiKey",
        &owner
            .delete(&format!("/v1/persisted_tokens/{key}/revoke"))
            .await
            .expect(200),
    );

    seen.check(
        "deleteAgent",
        &viewer
            .client
            .delete(&format!("/v1/agents/{agent}"))
            .await
            .expect(403),
    );
    seen.check(
        "deleteAgent",
        &owner
            .delete(&format!("/v1/agents/{agent}"))
            .await
            .expect(200),
    );
    seen.check(
        "deleteOrganization",
        &viewer
            .client
            .delete(&format!("/v1/organizations/{org}"))
            .await
            .expect(403),
    );
    seen.check(
        "deleteOrganization",
        &owner
            .delete(&format!("/v1/organizations/{org}"))
            .await
            .expect(200),
    );
    seen.check(
        "revokeAllApiKeys",
        &owner
            .delete("/v1/persisted_tokens/revoke_all")
            .await
            .expect(200),
    );

    let Some(gens) = contract().gens() else {
        return;
    };
    let voice_api = |id: &String| id.contains("Voice") || id.contains("ElevenLabs");
    let expected: BTreeSet<String> = gens
        .operations_in_phase("setup")
        .into_iter()
        .filter(|id| !voice_api(id))
        .collect();
    let missed: Vec<&String> = expected.difference(&seen.0).collect();
    assert!(
        missed.is_empty(),
        "setup operations not exercised: {missed:?}"
    );
}
