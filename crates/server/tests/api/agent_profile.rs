//! `/v1/agent/profile`: the legacy view over agent core.

use crate::harness::TestApp;
use serde_json::json;

use crate::contract;

fn profile_path(agent: i64) -> String {
    format!("/v1/agent/profile?agent_id={agent}")
}

#[tokio::test]
async fn the_profile_and_agent_core_show_the_same_values() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let core = json!({"brand_name": "Jordan Skincare", "identity_type": "character", "personality": "Warm friend", "keywords": ["skincare"]});
    app.owner
        .client
        .patch(&format!("/v1/agents/{agent}/core"), core)
        .await
        .expect(200);
    let reply = app.owner.client.get(&profile_path(agent)).await.expect(200);
    contract().assert_conforms("getAgentProfile", 200, &reply.body);
    assert_eq!(reply.body["brand"]["brand_name"], "Jordan Skincare");
    assert_eq!(reply.body["brand"]["keywords"], json!(["skincare"]));
    assert_eq!(reply.body["identity"]["use_character"], true);
    assert_eq!(reply.body["identity"]["persona"], "Warm friend");
}

#[tokio::test]
async fn writing_the_profile_updates_agent_core_and_the_agent() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let profile = json!({
        "identity": {"name": "Jordan Mathews", "description": "AI skincare creator", "use_character": false, "persona": "Honest"},
        "voice": {"eleven_lab_api_key": "sk_0123456789abcdef0123456789abcdef"},
        "brand": {"brand_name": "Jordan", "goal": "Grow TikTok", "target_platforms": ["tiktok"],
                  "linked_accounts": [{"handle": "@jordanskincare", "platform": "tiktok"}],
                  "content_idea_preferences": "- always use statement hooks"}
    });
    let reply = app
        .owner
        .client
        .post(&profile_path(agent), profile)
        .await
        .expect(201);
    contract().assert_conforms("createAgentProfile", 201, &reply.body);
    assert_eq!(
        reply.body["voice"]["eleven_lab_api_key"], "****cdef",
        "keys are shown masked"
    );
    assert_eq!(
        reply.body["brand"]["content_idea_preferences"],
        "- always use statement hooks"
    );

    let core = app
        .owner
        .client
        .get(&format!("/v1/agents/{agent}/core"))
        .await
        .expect(200);
    assert_eq!(core.body["brand_name"], "Jordan");
    assert_eq!(core.body["identity_type"], "brand");
    assert_eq!(core.body["personality"], "Honest");
    assert_eq!(core.body["linked_accounts"][0]["url"], "@jordanskincare");
    let detail = app
        .owner
        .client
        .get(&format!("/v1/agents/{agent}"))
        .await
        .expect(200);
    assert_eq!(detail.body["name"], "Jordan Mathews");
    assert_eq!(detail.body["eleven_labs_connected"], true);

    let update = app
        .owner
        .client
        .put(&profile_path(agent), json!({"brand": {"goal": "Sell"}}))
        .await
        .expect(200);
    contract().assert_conforms("updateAgentProfile", 200, &update.body);
    assert_eq!(update.body["brand"]["goal"], "Sell");
    assert_eq!(
        update.body["brand"]["brand_name"], "Jordan",
        "absent fields stay"
    );
}

#[tokio::test]
async fn deleting_the_profile_resets_the_brand_only() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let profile = json!({"identity": {"persona": "Kept"}, "brand": {"brand_name": "Gone", "keywords": ["gone"], "content_idea_preferences": "gone"}});
    app.owner
        .client
        .put(&profile_path(agent), profile)
        .await
        .expect(200);
    let reply = app
        .owner
        .client
        .delete(&profile_path(agent))
        .await
        .expect(200);
    assert!(reply.text.is_empty());
    let after = app.owner.client.get(&profile_path(agent)).await.expect(200);
    assert!(after.body["brand"]["brand_name"].is_null());
    assert_eq!(after.body["brand"]["keywords"], json!([]));
    assert!(after.body["brand"]["content_idea_preferences"].is_null());
    assert_eq!(after.body["identity"]["persona"], "Kept");
    let core = app
        .owner
        .client
        .get(&format!("/v1/agents/{agent}/core"))
        .await
        .expect(200);
    assert_eq!(
        core.body["monitored"],
        json!([]),
        "the keyword sources went with the keywords"
    );
}

#[tokio::test]
async fn the_agent_may_be_named_in_the_body_instead_of_the_query() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let reply = app
        .owner
        .client
        .put(
            "/v1/agent/profile",
            json!({"agent_id": agent.to_string(), "brand": {"goal": "x"}}),
        )
        .await
        .expect(200);
    assert_eq!(reply.body["brand"]["goal"], "x");
}

#[tokio::test]
async fn a_profile_request_needs_a_valid_agent_and_known_fields() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    app.owner
        .client
        .get("/v1/agent/profile")
        .await
        .expect_error(422, "validation_error");
    let reply = app
        .owner
        .client
        .put(&profile_path(agent), json!({"brand": {"colour": "red"}}))
        .await
        .expect_error(422, "validation_error");
    contract().assert_conforms("updateAgentProfile", 422, &reply.body);
    assert!(reply.body["error"].as_str().unwrap().contains("colour"));
    app.owner
        .client
        .put(&profile_path(agent), json!({"identity": {"name": ""}}))
        .await
        .expect_error(422, "validation_error");
}

#[tokio::test]
async fn another_tenants_profile_reads_as_agent_not_found() {
    let app = TestApp::spawn().await;
    let stranger = app.user("Stranger").await;
    let agent = app.owner.agent_id.get();
    stranger
        .client
        .get(&profile_path(agent))
        .await
        .expect_error(422, "agent_not_found");
    stranger
        .client
        .put(&profile_path(agent), json!({"brand": {"goal": "x"}}))
        .await
        .expect_error(422, "agent_not_found");
    stranger
        .client
        .delete(&profile_path(agent))
        .await
        .expect_error(422, "agent_not_found");
}

#[tokio::test]
async fn an_agent_id_that_is_not_a_number_is_a_validation_error() {
    let app = TestApp::spawn().await;
    app.owner
        .client
        .delete("/v1/agent/profile?agent_id=abc")
        .await
        .expect_error(422, "validation_error");
    app.owner
        .client
        .post("/v1/agent/profile?agent_id=abc", json!({}))
        .await
        .expect_error(422, "validation_error");
}
