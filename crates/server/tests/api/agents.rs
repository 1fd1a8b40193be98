//! `/v1/agents`.

use crate::harness::{Member, TestApp};
use ace_domain::role::Role;
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::json;

use crate::contract;

async fn organization(app: &TestApp, name: &str) -> i64 {
    let reply = app
        .owner
        .client
        .post("/v1/organizations", json!({"organization": {"name": name}}))
        .await
        .expect(201);
    reply.body["organization_id"].as_i64().unwrap()
}

async fn create_agent(member: &Member, name: &str) -> i64 {
    let reply = member
        .client
        .post("/v1/agents", json!({"agent": {"name": name}}))
        .await
        .expect(201);
    reply.body["agent"]["id"].as_i64().unwrap()
}

#[tokio::test]
async fn the_list_shows_the_agents_of_the_callers_workspaces() {
    let app = TestApp::spawn().await;
    let id = create_agent(&app.owner, "TrendBot").await;
    let reply = app.owner.client.get("/v1/agents").await.expect(200);
    contract().assert_conforms("listAgents", 200, &reply.body);
    let agent = reply
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id)
        .unwrap();
    assert_eq!(agent["name"], "TrendBot");
    assert_eq!(agent["role"], "owner");
    assert_eq!(agent["organization"], "Owner's workspace");
    assert_eq!(agent["workspace_id"], app.owner.workspace_id.get());
    assert_eq!(agent["shared_users"], json!([]));
}

#[tokio::test]
async fn the_list_filters_by_workspace() {
    let app = TestApp::spawn().await;
    let studio = organization(&app, "Studio").await;
    let reply = app
        .owner
        .client
        .get(&format!("/v1/agents?workspace_id={studio}"))
        .await
        .expect(200);
    let workspaces: Vec<i64> = reply
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["workspace_id"].as_i64().unwrap())
        .collect();
    assert_eq!(workspaces, [studio]);
}

#[tokio::test]
async fn a_workspace_filter_that_is_not_an_id_is_a_validation_error() {
    let app = TestApp::spawn().await;
    app.owner
        .client
        .get("/v1/agents?workspace_id=ten")
        .await
        .expect_error(422, "validation_error");
}

#[tokio::test]
async fn the_list_never_shows_another_tenants_agents() {
    let app = TestApp::spawn().await;
    let stranger = app.user("Stranger").await;
    let reply = stranger
        .client
        .get(&format!(
            "/v1/agents?workspace_id={}",
            app.owner.workspace_id
        ))
        .await
        .expect(200);
    assert_eq!(reply.body, json!([]));
    let all = stranger.client.get("/v1/agents").await.expect(200);
    assert!(
        all.body
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["workspace_id"] == stranger.workspace_id.get())
    );
}

#[tokio::test]
async fn an_agent_is_created_in_the_personal_workspace_by_default() {
    let app = TestApp::spawn().await;
    let body = json!({"agent": {"name": "ProductReviewer", "description": "Reviews trending products", "time_zone": "America/Los_Angeles"}});
    let reply = app.owner.client.post("/v1/agents", body).await.expect(201);
    contract().assert_conforms("createAgent", 201, &reply.body);
    let agent = &reply.body["agent"];
    assert_eq!(agent["name"], "ProductReviewer");
    assert_eq!(agent["organization_id"], app.owner.workspace_id.get());
    assert_eq!(agent["time_zone"], "America/Los_Angeles");
    assert_eq!(agent["role"], "owner");
    assert!(agent["primary_avatar_url"].is_null());
    assert!(agent["default_user_voice"].is_null());
}

#[tokio::test]
async fn an_agent_is_created_in_a_workspace_named_by_a_numeric_string() {
    let app = TestApp::spawn().await;
    let studio = organization(&app, "Studio").await;
    let reply = app
        .owner
        .client
        .post(
            "/v1/agents",
            json!({"organization_id": studio.to_string(), "agent": {"name": "Scout"}}),
        )
        .await
        .expect(201);
    assert_eq!(reply.body["agent"]["organization_id"], studio);
    let flat = app
        .owner
        .client
        .post(
            "/v1/agents",
            json!({"organization_id": studio, "name": "Flat Scout"}),
        )
        .await
        .expect(201);
    assert_eq!(flat.body["agent"]["name"], "Flat Scout");
}

#[tokio::test]
async fn an_agent_is_created_with_an_avatar_from_a_form() {
    let app = TestApp::spawn().await;
    let form = Form::new().text("agent[name]", "Pictured").part(
        "agent[agent_avatars_attributes][][file]",
        Part::bytes(crate::harness::image("jpeg", 64, 64)).file_name("face.jpg"),
    );
    let reply = app
        .owner
        .client
        .multipart(Method::POST, "/v1/agents", form)
        .await
        .expect(201);
    assert!(
        reply.body["agent"]["primary_avatar_url"]
            .as_str()
            .unwrap()
            .contains("/files/avatars/")
    );
    assert!(reply.body["agent"]["primary_avatar_id"].is_i64());
}

#[tokio::test]
async fn creating_an_agent_without_a_name_fails() {
    let app = TestApp::spawn().await;
    let reply = app
        .owner
        .client
        .post("/v1/agents", json!({"agent": {"description": "nameless"}}))
        .await
        .expect_error(422, "agent_creation_failed");
    contract().assert_conforms("createAgent", 422, &reply.body);
}

#[tokio::test]
async fn agent_names_are_unique_within_a_workspace() {
    let app = TestApp::spawn().await;
    create_agent(&app.owner, "Twin").await;
    app.owner
        .client
        .post("/v1/agents", json!({"agent": {"name": "twin"}}))
        .await
        .expect_error(422, "agent_creation_failed");
    let studio = organization(&app, "Studio").await;
    app.owner
        .client
        .post(
            "/v1/agents",
            json!({"organization_id": studio, "agent": {"name": "Twin"}}),
        )
        .await
        .expect(201);
}

#[tokio::test]
async fn bad_time_zones_and_provider_keys_are_refused() {
    let app = TestApp::spawn().await;
    app.owner
        .client
        .post(
            "/v1/agents",
            json!({"agent": {"name": "A", "time_zone": "Mars/Olympus"}}),
        )
        .await
        .expect_error(422, "agent_creation_failed");
    app.owner
        .client
        .post(
            "/v1/agents",
            json!({"agent": {"name": "B", "eleven_lab_api_key": "not a key!"}}),
        )
        .await
        .expect_error(422, "invalid_api_key");
    app.owner
        .client
        .post(
            "/v1/agents",
            json!({"agent": {"name": "C", "hume_ai_api_key": "x"}}),
        )
        .await
        .expect_error(422, "invalid_api_key");
}

#[tokio::test]
async fn agents_can_only_be_created_where_the_caller_administers() {
    let app = TestApp::spawn().await;
    let studio = organization(&app, "Studio").await;
    let editor = app.member_of(studio.into(), Role::Editor).await;
    editor
        .client
        .post(
            "/v1/agents",
            json!({"organization_id": studio, "agent": {"name": "Nope"}}),
        )
        .await
        .expect_error(403, "forbidden");
    let stranger = app.user("Stranger").await;
    stranger
        .client
        .post(
            "/v1/agents",
            json!({"organization_id": studio, "agent": {"name": "Nope"}}),
        )
        .await
        .expect_error(422, "organization_not_found");
}

#[tokio::test]
async fn an_agent_reads_in_full_with_its_workspace_uuid_on_request() {
    let app = TestApp::spawn().await;
    let id = create_agent(&app.owner, "Reader").await;
    let reply = app
        .owner
        .client
        .get(&format!("/v1/agents/{id}"))
        .await
        .expect(200);
    contract().assert_conforms("getAgent", 200, &reply.body);
    assert_eq!(reply.body["id"], id);
    assert!(reply.body.get("organization_uuid").is_none());
    let with_uuid = app
        .owner
        .client
        .get(&format!("/v1/agents/{id}?with_organization_uuid=true"))
        .await
        .expect(200);
    assert_eq!(
        with_uuid.body["organization_uuid"].as_str().unwrap().len(),
        36
    );
}

#[tokio::test]
async fn a_stranger_is_denied_an_agent_and_a_missing_one_is_not_found() {
    let app = TestApp::spawn().await;
    let stranger = app.user("Stranger").await;
    let reply = stranger
        .client
        .get(&format!("/v1/agents/{}", app.owner.agent_id))
        .await
        .expect_error(403, "permission_denied");
    contract().assert_conforms("getAgent", 403, &reply.body);
    let reply = stranger
        .client
        .get("/v1/agents/987654")
        .await
        .expect_error(422, "agent_not_found");
    contract().assert_conforms("getAgent", 422, &reply.body);
    stranger
        .client
        .get("/v1/agents/abc123")
        .await
        .expect_error(422, "agent_not_found");
}

#[tokio::test]
async fn an_agent_is_updated_wrapped_or_unwrapped() {
    let app = TestApp::spawn().await;
    let id = create_agent(&app.owner, "TrendBot").await;
    let body = json!({"agent": {"name": "TrendBot v2", "description": "Updated trend agent", "time_zone": "Europe/London"}});
    let reply = app
        .owner
        .client
        .patch(&format!("/v1/agents/{id}"), body)
        .await
        .expect(200);
    contract().assert_conforms("updateAgent", 200, &reply.body);
    assert_eq!(reply.body["agent"]["name"], "TrendBot v2");
    assert_eq!(reply.body["agent"]["time_zone"], "Europe/London");
    let reply = app
        .owner
        .client
        .patch(&format!("/v1/agents/{id}"), json!({"description": null}))
        .await
        .expect(200);
    assert!(reply.body["agent"]["description"].is_null());
    assert_eq!(
        reply.body["agent"]["name"], "TrendBot v2",
        "absent fields stay"
    );
}

#[tokio::test]
async fn an_update_with_bad_fields_is_a_validation_error() {
    let app = TestApp::spawn().await;
    let id = create_agent(&app.owner, "Strict").await;
    let reply = app
        .owner
        .client
        .patch(&format!("/v1/agents/{id}"), json!({"agent": {"name": ""}}))
        .await
        .expect_error(422, "validation_error");
    contract().assert_conforms("updateAgent", 422, &reply.body);
    app.owner
        .client
        .patch(
            &format!("/v1/agents/{id}"),
            json!({"agent": {"time_zone": "Nowhere/Special"}}),
        )
        .await
        .expect_error(422, "validation_error");
    create_agent(&app.owner, "Taken").await;
    app.owner
        .client
        .patch(
            &format!("/v1/agents/{id}"),
            json!({"agent": {"name": "Taken"}}),
        )
        .await
        .expect_error(422, "validation_error");
}

#[tokio::test]
async fn the_default_voice_is_set_through_voice_attributes() {
    let app = TestApp::spawn().await;
    let id = create_agent(&app.owner, "Speaker").await;
    let body = json!({"agent": {"default_user_voice_attributes": {"source": "public", "voice_id": "espeak-es"}}});
    let reply = app
        .owner
        .client
        .patch(&format!("/v1/agents/{id}"), body)
        .await
        .expect(200);
    let voice = &reply.body["agent"]["default_user_voice"];
    assert_eq!(voice["voice_id"], "espeak-es");
    assert_eq!(voice["source"], "public");
    assert_eq!(voice["provider"], "local");
}

#[tokio::test]
async fn voice_attributes_need_a_voice_id_and_an_existing_agent_voice() {
    let app = TestApp::spawn().await;
    let id = create_agent(&app.owner, "Speaker").await;
    let path = format!("/v1/agents/{id}");
    app.owner
        .client
        .patch(
            &path,
            json!({"agent": {"default_user_voice_attributes": {"source": "eleven_labs"}}}),
        )
        .await
        .expect_error(422, "voice_id_required");
    app.owner
        .client
        .patch(&path, json!({"agent": {"default_user_voice_attributes": {"source": "user_voice_resource", "voice_id": "77"}}}))
        .await
        .expect_error(404, "user_voice_resource_not_found");
    app.owner
        .client
        .patch(&path, json!({"agent": {"default_user_voice_attributes": {"source": "public", "voice_id": "21m00Tcm4TlvDq8ikWAM"}}}))
        .await
        .expect_error(404, "user_voice_resource_not_found");
    let reply = app
        .owner
        .client
        .patch(&path, json!({"agent": {"default_user_voice_attributes": {"source": "eleven_labs", "voice_id": "v1"}}}))
        .await
        .expect_error(422, "validation_error");
    assert!(reply.text.contains("ElevenLabs"), "{}", reply.text);
}

#[tokio::test]
async fn viewers_and_strangers_cannot_update_an_agent_but_editors_can() {
    let app = TestApp::spawn().await;
    let studio = organization(&app, "Studio").await;
    let agent = app
        .owner
        .client
        .post(
            "/v1/agents",
            json!({"organization_id": studio, "agent": {"name": "Shared"}}),
        )
        .await
        .body["agent"]["id"]
        .as_i64()
        .unwrap();
    let path = format!("/v1/agents/{agent}");
    let viewer = app.member_of(studio.into(), Role::Viewer).await;
    viewer.client.get(&path).await.expect(200);
    let reply = viewer
        .client
        .patch(&path, json!({"agent": {"name": "Mine"}}))
        .await
        .expect_error(403, "permission_denied");
    contract().assert_conforms("updateAgent", 403, &reply.body);
    let stranger = app.user("Stranger").await;
    stranger
        .client
        .patch(&path, json!({"agent": {"name": "Mine"}}))
        .await
        .expect_error(403, "permission_denied");
    let editor = app.member_of(studio.into(), Role::Editor).await;
    editor
        .client
        .patch(&path, json!({"agent": {"name": "Edited"}}))
        .await
        .expect(200);
}

#[tokio::test]
async fn a_deleted_agent_disappears() {
    let app = TestApp::spawn().await;
    let id = create_agent(&app.owner, "Gone").await;
    let reply = app
        .owner
        .client
        .delete(&format!("/v1/agents/{id}"))
        .await
        .expect(200);
    assert!(reply.text.is_empty());
    app.owner
        .client
        .get(&format!("/v1/agents/{id}"))
        .await
        .expect_error(422, "agent_not_found");
    let list = app.owner.client.get("/v1/agents").await.expect(200);
    assert!(list.body.as_array().unwrap().iter().all(|a| a["id"] != id));
    create_agent(&app.owner, "Gone").await;
}

#[tokio::test]
async fn only_administrators_or_the_creator_delete_an_agent() {
    let app = TestApp::spawn().await;
    let studio = organization(&app, "Studio").await;
    let owners = app
        .owner
        .client
        .post(
            "/v1/agents",
            json!({"organization_id": studio, "agent": {"name": "Owners"}}),
        )
        .await
        .body["agent"]["id"]
        .as_i64()
        .unwrap();
    let editor = app.member_of(studio.into(), Role::Editor).await;
    let reply = editor
        .client
        .delete(&format!("/v1/agents/{owners}"))
        .await
        .expect_error(403, "forbidden");
    contract().assert_conforms("deleteAgent", 403, &reply.body);
    let stranger = app.user("Stranger").await;
    stranger
        .client
        .delete(&format!("/v1/agents/{owners}"))
        .await
        .expect_error(403, "forbidden");
    app.owner
        .client
        .delete("/v1/agents/555555")
        .await
        .expect_error(422, "agent_not_found");

    let manager = app.member_of(studio.into(), Role::Manager).await;
    let managers = manager
        .client
        .post(
            "/v1/agents",
            json!({"organization_id": studio, "agent": {"name": "Managers"}}),
        )
        .await
        .expect(201)
        .body["agent"]["id"]
        .as_i64()
        .unwrap();
    ace_app::organizations::put_member(&app.app, studio.into(), &manager.email, Role::Editor)
        .await
        .unwrap();
    manager
        .client
        .delete(&format!("/v1/agents/{managers}"))
        .await
        .expect(200);
}

#[tokio::test]
async fn name_uniqueness_ignores_case_in_every_script_on_both_databases() {
    let app = TestApp::spawn().await;
    create_agent(&app.owner, "École").await;
    app.owner
        .client
        .post("/v1/agents", json!({"agent": {"name": "école"}}))
        .await
        .expect_error(422, "agent_creation_failed");
    create_agent(&app.owner, "Σαντιάγο").await;
    let other = create_agent(&app.owner, "Other").await;
    app.owner
        .client
        .patch(
            &format!("/v1/agents/{other}"),
            json!({"agent": {"name": "ΣΑΝΤΙΆΓΟ"}}),
        )
        .await
        .expect_error(422, "validation_error");
}
