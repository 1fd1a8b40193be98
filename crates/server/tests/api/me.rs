//! `GET /v1/me` and `GET /v1/workspaces`.

use crate::harness::TestApp;
use ace_domain::role::Role;

use crate::contract;

#[tokio::test]
async fn the_caller_sees_their_own_profile() {
    let app = TestApp::spawn().await;
    let reply = app.owner.client.get("/v1/me").await.expect(200);
    assert_eq!(reply.body["id"], app.owner.user_id.get());
    assert_eq!(reply.body["email"], "owner@ace.local");
    assert!(reply.body["username"].is_string());
    assert!(reply.body["created_at"].as_str().unwrap().ends_with('Z'));
    contract().assert_conforms("getMe", 200, &reply.body);
}

#[tokio::test]
async fn a_request_without_a_key_is_refused_as_unauthorized() {
    let app = TestApp::spawn().await;
    let reply = app
        .anonymous()
        .get("/v1/me")
        .await
        .expect_error(401, "unauthorized");
    contract().assert_conforms("getMe", 401, &reply.body);
}

#[tokio::test]
async fn each_user_sees_only_their_own_profile() {
    let app = TestApp::spawn().await;
    let stranger = app.user("Stranger").await;
    let reply = stranger.client.get("/v1/me").await.expect(200);
    assert_eq!(reply.body["id"], stranger.user_id.get());
    assert_ne!(reply.body["id"], app.owner.user_id.get());
}

#[tokio::test]
async fn workspaces_list_the_organizations_the_caller_owns_or_manages() {
    let app = TestApp::spawn().await;
    let created = app
        .owner
        .client
        .post(
            "/v1/organizations",
            serde_json::json!({"organization": {"name": "Studio"}}),
        )
        .await
        .expect(201);
    let studio = created.body["organization_id"].as_i64().unwrap();
    let manager = app.member_of(studio.into(), Role::Manager).await;
    let editor = app.member_of(studio.into(), Role::Editor).await;

    let owner_view = app.owner.client.get("/v1/workspaces").await.expect(200);
    let names: Vec<&str> = owner_view
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Owner's workspace", "Studio"]);
    contract().assert_conforms("listWorkspaces", 200, &owner_view.body);

    let manager_ids: Vec<i64> = manager
        .client
        .get("/v1/workspaces")
        .await
        .expect(200)
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_i64().unwrap())
        .collect();
    assert!(manager_ids.contains(&studio));
    let editor_ids: Vec<i64> = editor
        .client
        .get("/v1/workspaces")
        .await
        .expect(200)
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_i64().unwrap())
        .collect();
    assert!(
        !editor_ids.contains(&studio),
        "an editor does not run the workspace"
    );
}

#[tokio::test]
async fn workspaces_never_include_another_tenants_organizations() {
    let app = TestApp::spawn().await;
    let stranger = app.user("Stranger").await;
    let reply = stranger.client.get("/v1/workspaces").await.expect(200);
    let ids: Vec<i64> = reply
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [stranger.workspace_id.get()]);
}

#[tokio::test]
async fn workspaces_need_a_credential() {
    let app = TestApp::spawn().await;
    app.anonymous()
        .get("/v1/workspaces")
        .await
        .expect_error(401, "unauthorized");
}
