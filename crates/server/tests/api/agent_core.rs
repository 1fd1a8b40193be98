//! `/v1/agents/{agent_id}/core` and its item endpoints.

use crate::harness::TestApp;
use ace_domain::role::Role;
use serde_json::{Value, json};

use crate::contract;

fn core_path(agent: i64) -> String {
    format!("/v1/agents/{agent}/core")
}

/// The seed's full example.
fn santiago() -> Value {
    json!({
        "brand_name": "Santiago",
        "description": "San Antonio street food scout who hunts the best tacos.",
        "identity_type": "character",
        "goal": "growth",
        "target_platforms": ["tiktok", "instagram"],
        "shortform": true,
        "longform": false,
        "keywords": ["streetfood", "tacotok", "sanantonioeats"],
        "monitored": [{"handle": "https://tiktok.com/@keilapacheco", "item_type": "account"}],
        "research_topics": [{"topic": "new food truck openings in San Antonio"}],
        "linked_accounts": [{"url": "https://tiktok.com/@santiago_real", "platform": "tiktok", "display_name": "Santiago"}],
        "personality": "Santiago grew up eating at his tia's taco stand...",
        "default_user_voice": {"voice_id": "espeak-en-us", "source": "public"}
    })
}

#[tokio::test]
async fn a_fresh_canvas_reads_as_nulls_and_empty_lists() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let reply = app.owner.client.get(&core_path(agent)).await.expect(200);
    contract().assert_conforms("getAgentCore", 200, &reply.body);
    assert_eq!(reply.body["agent_id"], agent);
    assert!(reply.body["brand_name"].is_null());
    assert_eq!(reply.body["keywords"], json!([]));
    assert_eq!(reply.body["monitored"], json!([]));
    assert!(reply.body["default_user_voice"].is_null());
}

#[tokio::test]
async fn one_patch_sets_up_the_whole_agent() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let reply = app
        .owner
        .client
        .patch(&core_path(agent), santiago())
        .await
        .expect(200);
    contract().assert_conforms("patchAgentCore", 200, &reply.body);
    assert_eq!(reply.body["brand"]["status"], "ok");
    assert_eq!(reply.body["brand"]["data"]["brand_name"], "Santiago");
    assert_eq!(reply.body["personality"]["status"], "ok");
    assert_eq!(reply.body["voice"]["data"]["voice_id"], "espeak-en-us");

    let core = app.owner.client.get(&core_path(agent)).await.expect(200);
    contract().assert_conforms("getAgentCore", 200, &core.body);
    assert_eq!(core.body["identity_type"], "character");
    assert_eq!(
        core.body["target_platforms"],
        json!(["tiktok", "instagram"])
    );
    assert_eq!(
        core.body["monitored"],
        json!([{"handle": "https://tiktok.com/@keilapacheco", "item_type": "account"}])
    );
    assert_eq!(
        core.body["research_topics"],
        json!([{"topic": "new food truck openings in San Antonio"}])
    );
    assert_eq!(core.body["linked_accounts"][0]["display_name"], "Santiago");
    assert!(core.body["linked_accounts"][0]["id"].is_i64());
    assert_eq!(
        core.body["default_user_voice"],
        json!({"voice_id": "espeak-en-us", "source": "public"})
    );
}

#[tokio::test]
async fn sections_appear_only_for_the_fields_sent_and_other_fields_stay() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    app.owner
        .client
        .patch(&core_path(agent), santiago())
        .await
        .expect(200);
    let reply = app
        .owner
        .client
        .patch(&core_path(agent), json!({"brand_name": "Santi"}))
        .await
        .expect(200);
    let keys: Vec<&String> = reply.body.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["brand"]);
    let core = app.owner.client.get(&core_path(agent)).await.expect(200);
    assert_eq!(core.body["brand_name"], "Santi");
    assert_eq!(core.body["goal"], "growth");
    assert!(
        core.body["personality"]
            .as_str()
            .unwrap()
            .starts_with("Santiago grew up")
    );
}

#[tokio::test]
async fn lists_are_replaced_whole() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    app.owner
        .client
        .patch(&core_path(agent), santiago())
        .await
        .expect(200);
    let patch = json!({"target_platforms": ["youtube"], "research_topics": [], "monitored": [{"handle": "tacotok", "item_type": "hashtag"}]});
    app.owner
        .client
        .patch(&core_path(agent), patch)
        .await
        .expect(200);
    let core = app.owner.client.get(&core_path(agent)).await.expect(200);
    assert_eq!(core.body["target_platforms"], json!(["youtube"]));
    assert_eq!(core.body["research_topics"], json!([]));
    assert_eq!(
        core.body["monitored"],
        json!([{"handle": "tacotok", "item_type": "hashtag"}])
    );
}

#[tokio::test]
async fn linked_accounts_are_diffed_by_id() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let accounts = json!([{"url": "https://tiktok.com/@a", "platform": "tiktok"}, {"url": "https://instagram.com/b", "platform": "instagram"}]);
    app.owner
        .client
        .patch(&core_path(agent), json!({"linked_accounts": accounts}))
        .await
        .expect(200);
    let before = app.owner.client.get(&core_path(agent)).await.body["linked_accounts"].clone();
    let (keep, drop) = (
        before[0]["id"].as_i64().unwrap(),
        before[1]["id"].as_i64().unwrap(),
    );

    let patch = json!({"linked_accounts": [{"id": keep, "url": "https://tiktok.com/@a2"}, {"url": "https://youtube.com/@c", "platform": "youtube"}]});
    app.owner
        .client
        .patch(&core_path(agent), patch)
        .await
        .expect(200);
    let after = app.owner.client.get(&core_path(agent)).await.body["linked_accounts"].clone();
    let after = after.as_array().unwrap();
    assert_eq!(after.len(), 2);
    assert_eq!(after[0]["id"], keep, "a row with an id is updated in place");
    assert_eq!(after[0]["url"], "https://tiktok.com/@a2");
    assert!(
        after.iter().all(|a| a["id"] != drop),
        "a row left out is deleted"
    );
    assert_eq!(
        after[1]["platform"], "youtube",
        "a row without an id is inserted"
    );

    let foreign = json!({"linked_accounts": [{"id": 999_999, "url": "https://x.com/z"}]});
    app.owner
        .client
        .patch(&core_path(agent), foreign)
        .await
        .expect_error(422, "validation_error");
}

#[tokio::test]
async fn keywords_alone_are_mirrored_into_monitored_sources() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    app.owner
        .client
        .patch(
            &core_path(agent),
            json!({"monitored": [{"handle": "@keila", "item_type": "account"}]}),
        )
        .await
        .expect(200);
    app.owner
        .client
        .patch(
            &core_path(agent),
            json!({"keywords": ["streetfood", "tacotok"]}),
        )
        .await
        .expect(200);
    let core = app.owner.client.get(&core_path(agent)).await.expect(200);
    assert_eq!(core.body["keywords"], json!(["streetfood", "tacotok"]));
    assert_eq!(
        core.body["monitored"],
        json!([
            {"handle": "@keila", "item_type": "account"},
            {"handle": "streetfood", "item_type": "keyword"},
            {"handle": "tacotok", "item_type": "keyword"}
        ])
    );
}

#[tokio::test]
async fn an_explicit_monitored_list_skips_the_keyword_mirror() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let patch = json!({"keywords": ["tacotok"], "monitored": [{"handle": "#tacos", "item_type": "hashtag"}]});
    app.owner
        .client
        .patch(&core_path(agent), patch)
        .await
        .expect(200);
    let core = app.owner.client.get(&core_path(agent)).await.expect(200);
    assert_eq!(
        core.body["monitored"],
        json!([{"handle": "#tacos", "item_type": "hashtag"}])
    );
    assert_eq!(core.body["keywords"], json!(["tacotok"]));
}

#[tokio::test]
async fn every_guardrail_answers_422_naming_the_field() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let cases = [
        (json!({"brand_nmae": "typo"}), "brand_nmae"),
        (json!({"description": "x".repeat(501)}), "description"),
        (json!({"personality": "x".repeat(20_001)}), "personality"),
        (json!({"identity_type": "robot"}), "identity_type"),
        (
            json!({"monitored": [{"handle": "a", "item_type": "person"}]}),
            "item_type",
        ),
        (
            json!({"monitored": [{"handle": "a", "item_type": "account", "score": 1}]}),
            "score",
        ),
        (
            json!({"research_topics": vec![json!({"topic": "t"}); 21]}),
            "research_topics",
        ),
        (
            json!({"research_topics": [{"topic": "x".repeat(501)}]}),
            "topic",
        ),
        (json!({"linked_accounts": [{"platform": "tiktok"}]}), "url"),
        (
            json!({"default_user_voice": {"voice_id": "v", "source": "martian"}}),
            "source",
        ),
    ];
    for (body, field) in cases {
        let reply = app
            .owner
            .client
            .patch(&core_path(agent), body.clone())
            .await
            .expect_error(422, "validation_error");
        assert!(
            reply.body["error"].as_str().unwrap().contains(field),
            "{body}: {}",
            reply.text
        );
        contract().assert_conforms("patchAgentCore", 422, &reply.body);
    }
    let core = app.owner.client.get(&core_path(agent)).await.expect(200);
    assert!(
        core.body["description"].is_null(),
        "a refused patch writes nothing"
    );
}

#[tokio::test]
async fn a_failing_section_leaves_the_others_written_with_207() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let patch = json!({"brand_name": "Santiago", "personality": "Warm.", "default_user_voice": {"voice_id": "mine", "source": "user_designed"}});
    let reply = app
        .owner
        .client
        .patch(&core_path(agent), patch)
        .await
        .expect(207);
    contract().assert_conforms("patchAgentCore", 207, &reply.body);
    assert_eq!(reply.body["brand"]["status"], "ok");
    assert_eq!(reply.body["personality"]["status"], "ok");
    assert_eq!(reply.body["voice"]["status"], "error");
    assert!(
        reply.body["voice"]["error"]
            .as_str()
            .unwrap()
            .contains("mine")
    );
    let core = app.owner.client.get(&core_path(agent)).await.expect(200);
    assert_eq!(core.body["brand_name"], "Santiago");
    assert!(core.body["default_user_voice"].is_null());
}

#[tokio::test]
async fn the_sectioned_shape_of_the_sdk_is_accepted_too() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let patch = json!({
        "identity": {"name": "Santiago"},
        "overview": {"brand_name": "Santiago", "keywords": ["tacotok"], "shortform": true},
        "inspiration": [{"url": "https://tiktok.com/@keila", "platform": "tiktok"}],
        "accounts": [{"url": "https://tiktok.com/@santiago", "platform": "tiktok"}],
        "voice": {"voice_id": "espeak-es", "source": "public"},
        "look": {"description": "denim jacket, gold chain"}
    });
    let reply = app
        .owner
        .client
        .patch(&core_path(agent), patch)
        .await
        .expect(200);
    contract().assert_conforms("patchAgentCore", 200, &reply.body);
    for key in [
        "identity",
        "overview",
        "inspiration",
        "accounts",
        "voice",
        "look",
    ] {
        assert_eq!(reply.body[key]["status"], "ok", "{key}: {}", reply.text);
    }
    let core = app.owner.client.get(&core_path(agent)).await.expect(200);
    assert_eq!(core.body["identity"]["name"], "Santiago");
    assert_eq!(core.body["brand_name"], "Santiago");
    assert_eq!(
        core.body["inspiration"][0]["url"],
        "https://tiktok.com/@keila"
    );
    assert_eq!(
        core.body["linked_accounts"][0]["url"],
        "https://tiktok.com/@santiago"
    );
    assert_eq!(core.body["look"]["description"], "denim jacket, gold chain");
    let detail = app
        .owner
        .client
        .get(&format!("/v1/agents/{agent}"))
        .await
        .expect(200);
    assert_eq!(
        detail.body["name"], "Santiago",
        "identity.name is the agent's name"
    );
}

#[tokio::test]
async fn mixing_flat_fields_with_sections_is_refused() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    app.owner
        .client
        .patch(
            &core_path(agent),
            json!({"brand_name": "x", "overview": {"goal": "y"}}),
        )
        .await
        .expect_error(422, "validation_error");
}

#[tokio::test]
async fn the_default_voice_is_one_value_for_core_and_the_agent() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    app.owner
        .client
        .patch(
            &core_path(agent),
            json!({"default_user_voice": {"voice_id": "espeak-es", "source": "public"}}),
        )
        .await
        .expect(200);
    let detail = app
        .owner
        .client
        .get(&format!("/v1/agents/{agent}"))
        .await
        .expect(200);
    assert_eq!(detail.body["default_user_voice"]["voice_id"], "espeak-es");
    assert_eq!(detail.body["default_user_voice"]["provider"], "local");
}

#[tokio::test]
async fn another_tenant_cannot_read_or_patch_the_canvas() {
    let app = TestApp::spawn().await;
    let stranger = app.user("Stranger").await;
    let agent = app.owner.agent_id.get();
    let reply = stranger
        .client
        .get(&core_path(agent))
        .await
        .expect_error(404, "not_found");
    contract().assert_conforms("getAgentCore", 404, &reply.body);
    stranger
        .client
        .patch(&core_path(agent), json!({"brand_name": "mine"}))
        .await
        .expect_error(404, "not_found");
    stranger
        .client
        .post(
            &format!("{}/inspiration", core_path(agent)),
            json!({"url": "x"}),
        )
        .await
        .expect_error(404, "not_found");
    stranger
        .client
        .delete(&format!("{}/accounts/1", core_path(agent)))
        .await
        .expect_error(404, "not_found");
}

#[tokio::test]
async fn a_viewer_reads_the_canvas_but_cannot_patch_it() {
    let app = TestApp::spawn().await;
    let viewer = app.member_of(app.owner.workspace_id, Role::Viewer).await;
    let agent = app.owner.agent_id.get();
    viewer.client.get(&core_path(agent)).await.expect(200);
    viewer
        .client
        .patch(&core_path(agent), json!({"brand_name": "x"}))
        .await
        .expect_error(403, "forbidden");
}

#[tokio::test]
async fn one_inspiration_source_is_appended_and_removed() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let path = format!("{}/inspiration", core_path(agent));
    let reply = app
        .owner
        .client
        .post(
            &path,
            json!({"url": "https://tiktok.com/@keila", "platform": "tiktok"}),
        )
        .await
        .expect(201);
    assert_eq!(reply.body["url"], "https://tiktok.com/@keila");
    assert_eq!(reply.body["platform"], "tiktok");
    let id = reply.body["id"].as_i64().unwrap();
    let core = app.owner.client.get(&core_path(agent)).await.expect(200);
    assert_eq!(
        core.body["monitored"],
        json!([{"handle": "https://tiktok.com/@keila", "item_type": "account"}])
    );
    app.owner
        .client
        .delete(&format!("{path}/{id}"))
        .await
        .expect(200);
    app.owner
        .client
        .delete(&format!("{path}/{id}"))
        .await
        .expect_error(404, "not_found");
    app.owner
        .client
        .post(&path, json!({"platform": "tiktok"}))
        .await
        .expect_error(422, "validation_error");
}

#[tokio::test]
async fn one_linked_account_is_appended_and_removed() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let path = format!("{}/accounts", core_path(agent));
    let reply = app
        .owner
        .client
        .post(
            &path,
            json!({"url": "https://tiktok.com/@me", "display_name": "Me"}),
        )
        .await
        .expect(201);
    assert_eq!(reply.body["agent_id"], agent);
    let id = reply.body["id"].as_i64().unwrap();
    let core = app.owner.client.get(&core_path(agent)).await.expect(200);
    assert_eq!(core.body["linked_accounts"][0]["id"], id);
    app.owner
        .client
        .delete(&format!("{path}/{id}"))
        .await
        .expect(200);
    let core = app.owner.client.get(&core_path(agent)).await.expect(200);
    assert_eq!(core.body["linked_accounts"], json!([]));
    app.owner
        .client
        .post(&path, json!({"url": "", "platform": "x"}))
        .await
        .expect_error(422, "validation_error");
}

#[tokio::test]
async fn the_monitored_total_is_capped_across_kinds() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let accounts: Vec<Value> = (0..40)
        .map(|n| json!({"handle": format!("@a{n}"), "item_type": "account"}))
        .collect();
    app.owner
        .client
        .patch(&core_path(agent), json!({"monitored": accounts}))
        .await
        .expect(200);
    let keywords: Vec<String> = (0..15).map(|n| format!("k{n}")).collect();
    let reply = app
        .owner
        .client
        .patch(&core_path(agent), json!({"keywords": keywords}))
        .await
        .expect_error(422, "validation_error");
    assert!(reply.body["error"].as_str().unwrap().contains("at most 50"));
}

#[tokio::test]
async fn a_monitored_list_read_and_sent_back_keeps_ids_and_platforms() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let added = app
        .owner
        .client
        .post(
            &format!("{}/inspiration", core_path(agent)),
            json!({"url": "@keila", "platform": "tiktok"}),
        )
        .await
        .expect(201);
    let monitored = app.owner.client.get(&core_path(agent)).await.body["monitored"].clone();
    app.owner
        .client
        .patch(&core_path(agent), json!({"monitored": monitored}))
        .await
        .expect(200);
    let core = app.owner.client.get(&core_path(agent)).await.expect(200);
    assert_eq!(core.body["inspiration"][0]["id"], added.body["id"]);
    assert_eq!(core.body["inspiration"][0]["platform"], "tiktok");
}

#[tokio::test]
async fn a_multipart_body_on_a_json_endpoint_is_refused() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let form = reqwest::multipart::Form::new().text("brand_name", "x");
    app.owner
        .client
        .multipart(reqwest::Method::PATCH, &core_path(agent), form)
        .await
        .expect_error(415, "unsupported_media_type");
}
