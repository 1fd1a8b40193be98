//! `/v1/persisted_tokens`.

use crate::harness::TestApp;
use ace_db::Database;
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use crate::contract;

#[tokio::test]
async fn a_created_key_is_shown_once_and_works_at_once() {
    let app = TestApp::spawn().await;
    let reply = app
        .owner
        .client
        .post("/v1/persisted_tokens", json!({"name": "n8n production"}))
        .await
        .expect(201);
    contract().assert_conforms("createApiKey", 201, &reply.body);
    assert_eq!(reply.body["name"], "n8n production");
    assert_eq!(reply.body["status"], "active");
    assert_eq!(reply.body["token_type"], "personal_access_token");
    assert!(reply.body["expires_at"].is_null());
    let token = reply.body["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("ace_pat_"));

    let me = app
        .anonymous()
        .with_key(&token)
        .get("/v1/me")
        .await
        .expect(200);
    assert_eq!(me.body["id"], app.owner.user_id.get());

    let list = app
        .owner
        .client
        .get("/v1/persisted_tokens")
        .await
        .expect(200);
    contract().assert_conforms("listApiKeys", 200, &list.body);
    assert!(
        !list.text.contains(&token),
        "the secret is never shown again"
    );
    assert_eq!(list.body[0]["name"], "n8n production");
}

#[tokio::test]
async fn only_a_digest_of_each_key_is_stored() {
    let app = TestApp::spawn().await;
    let reply = app
        .owner
        .client
        .post("/v1/persisted_tokens", json!({}))
        .await
        .expect(201);
    let token = reply.body["token"].as_str().unwrap().to_owned();
    let sql = "SELECT COUNT(*) FROM api_keys WHERE token_hash = $1 OR name = $1 OR token_hint = $1";
    let matches: i64 = match app.app.db() {
        Database::Sqlite(pools) => sqlx::query_scalar(sql)
            .bind(&token)
            .fetch_one(&pools.readers)
            .await
            .unwrap(),
        Database::Postgres(pool, _) => sqlx::query_scalar(sql)
            .bind(&token)
            .fetch_one(pool)
            .await
            .unwrap(),
    };
    assert_eq!(matches, 0);
    assert!(
        reply.body["name"].as_str().unwrap().starts_with("API key "),
        "an unnamed key gets a name"
    );
}

#[tokio::test]
async fn expires_in_takes_seconds_or_a_duration() {
    let app = TestApp::spawn().await;
    for (expires_in, days) in [
        (json!("30d"), 30),
        (json!(2_592_000), 30),
        (json!("90d"), 90),
        (json!(86_400.0), 1),
    ] {
        let reply = app
            .owner
            .client
            .post("/v1/persisted_tokens", json!({"expires_in": expires_in}))
            .await
            .expect(201);
        let created: DateTime<Utc> = reply.body["created_at"].as_str().unwrap().parse().unwrap();
        let expires: DateTime<Utc> = reply.body["expires_at"].as_str().unwrap().parse().unwrap();
        let lifetime = expires - created;
        assert!(
            (lifetime - Duration::days(days)).num_seconds().abs() <= 1,
            "{expires_in}: {lifetime}"
        );
    }
}

#[tokio::test]
async fn a_nonsense_expiry_is_a_validation_error() {
    let app = TestApp::spawn().await;
    for expires_in in [json!("soon"), json!(-5), json!(true)] {
        let reply = app
            .owner
            .client
            .post("/v1/persisted_tokens", json!({"expires_in": expires_in}))
            .await
            .expect_error(422, "validation_error");
        assert!(reply.body["error"].as_str().unwrap().contains("expires_in"));
    }
}

#[tokio::test]
async fn an_expired_key_is_refused_at_once() {
    let app = TestApp::spawn().await;
    let reply = app
        .owner
        .client
        .post("/v1/persisted_tokens", json!({"expires_in": "1h"}))
        .await
        .expect(201);
    let key = app
        .anonymous()
        .with_key(reply.body["token"].as_str().unwrap());
    key.get("/v1/me").await.expect(200);
    app.app.clock().advance(Duration::hours(2));
    key.get("/v1/me").await.expect_error(401, "unauthorized");
    let list = app
        .owner
        .client
        .get("/v1/persisted_tokens")
        .await
        .expect(200);
    assert_eq!(list.body[0]["status"], "expired");
}

#[tokio::test]
async fn using_a_key_keeps_its_last_use_current() {
    let app = TestApp::spawn().await;
    let reply = app
        .owner
        .client
        .post("/v1/persisted_tokens", json!({"name": "watched"}))
        .await
        .expect(201);
    assert!(reply.body["last_used_at"].is_null());
    let id = reply.body["id"].as_i64().unwrap();
    app.anonymous()
        .with_key(reply.body["token"].as_str().unwrap())
        .get("/v1/me")
        .await
        .expect(200);
    let list = app
        .owner
        .client
        .get("/v1/persisted_tokens")
        .await
        .expect(200);
    let key = list
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == id)
        .unwrap();
    assert!(key["last_used_at"].is_string());
}

#[tokio::test]
async fn a_key_is_renamed_wrapped_or_unwrapped() {
    let app = TestApp::spawn().await;
    let id = app
        .owner
        .client
        .post("/v1/persisted_tokens", json!({"name": "a"}))
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let reply = app
        .owner
        .client
        .patch(
            &format!("/v1/persisted_tokens/{id}"),
            json!({"persisted_token": {"name": "b"}}),
        )
        .await
        .expect(200);
    assert_eq!(reply.body["name"], "b");
    assert!(reply.body.get("token").is_none());
    contract().assert_conforms("updateApiKey", 200, &reply.body);
    let reply = app
        .owner
        .client
        .patch(&format!("/v1/persisted_tokens/{id}"), json!({"name": "c"}))
        .await
        .expect(200);
    assert_eq!(reply.body["name"], "c");
}

#[tokio::test]
async fn renaming_to_nothing_is_a_validation_error() {
    let app = TestApp::spawn().await;
    let id = app
        .owner
        .client
        .post("/v1/persisted_tokens", json!({}))
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    app.owner
        .client
        .patch(
            &format!("/v1/persisted_tokens/{id}"),
            json!({"persisted_token": {"name": " "}}),
        )
        .await
        .expect_error(422, "validation_error");
}

#[tokio::test]
async fn another_users_key_cannot_be_seen_renamed_or_revoked() {
    let app = TestApp::spawn().await;
    let stranger = app.user("Stranger").await;
    let id = app
        .owner
        .client
        .post("/v1/persisted_tokens", json!({"name": "mine"}))
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let reply = stranger
        .client
        .patch(
            &format!("/v1/persisted_tokens/{id}"),
            json!({"name": "stolen"}),
        )
        .await
        .expect_error(404, "not_found");
    contract().assert_conforms("updateApiKey", 404, &reply.body);
    let reply = stranger
        .client
        .delete(&format!("/v1/persisted_tokens/{id}/revoke"))
        .await
        .expect_error(404, "not_found");
    contract().assert_conforms("revokeApiKey", 404, &reply.body);
    let theirs = stranger
        .client
        .get("/v1/persisted_tokens")
        .await
        .expect(200);
    assert!(
        theirs
            .body
            .as_array()
            .unwrap()
            .iter()
            .all(|k| k["id"] != id)
    );
}

#[tokio::test]
async fn a_revoked_key_is_refused_at_once() {
    let app = TestApp::spawn().await;
    let reply = app
        .owner
        .client
        .post("/v1/persisted_tokens", json!({"name": "short-lived"}))
        .await
        .expect(201);
    let id = reply.body["id"].as_i64().unwrap();
    let key = app
        .anonymous()
        .with_key(reply.body["token"].as_str().unwrap());
    key.get("/v1/me").await.expect(200);
    app.owner
        .client
        .delete(&format!("/v1/persisted_tokens/{id}/revoke"))
        .await
        .expect(200);
    key.get("/v1/me").await.expect_error(401, "unauthorized");
    let list = app
        .owner
        .client
        .get("/v1/persisted_tokens")
        .await
        .expect(200);
    let revoked = list
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == id)
        .unwrap();
    assert_eq!(revoked["status"], "revoked");
    assert!(revoked["revoked_at"].is_string());
    app.owner
        .client
        .delete("/v1/persisted_tokens/424242/revoke")
        .await
        .expect_error(404, "not_found");
}

#[tokio::test]
async fn revoke_all_revokes_every_key_including_the_one_in_use() {
    let app = TestApp::spawn().await;
    let other = app
        .owner
        .client
        .post("/v1/persisted_tokens", json!({}))
        .await
        .body["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let reply = app
        .owner
        .client
        .delete("/v1/persisted_tokens/revoke_all")
        .await
        .expect(200);
    contract().assert_conforms("revokeAllApiKeys", 200, &reply.body);
    assert_eq!(reply.body["message"], "Successfully revoked 2 tokens");
    app.owner
        .client
        .get("/v1/me")
        .await
        .expect_error(401, "unauthorized");
    app.anonymous()
        .with_key(&other)
        .get("/v1/me")
        .await
        .expect_error(401, "unauthorized");
}

#[tokio::test]
async fn revoke_all_leaves_other_users_keys_alone() {
    let app = TestApp::spawn().await;
    let stranger = app.user("Stranger").await;
    stranger
        .client
        .delete("/v1/persisted_tokens/revoke_all")
        .await
        .expect(200);
    app.owner.client.get("/v1/me").await.expect(200);
}

#[tokio::test]
async fn managing_keys_needs_a_valid_credential() {
    let app = TestApp::spawn().await;
    let reply = app
        .anonymous()
        .get("/v1/persisted_tokens")
        .await
        .expect_error(401, "unauthorized");
    contract().assert_conforms("listApiKeys", 401, &reply.body);
    app.anonymous()
        .post("/v1/persisted_tokens", json!({}))
        .await
        .expect_error(401, "unauthorized");
    app.anonymous()
        .with_key("ace_pat_forged")
        .delete("/v1/persisted_tokens/revoke_all")
        .await
        .expect_error(401, "unauthorized");
}

#[tokio::test]
async fn a_key_revoked_through_one_process_is_refused_by_the_others() {
    let app = TestApp::spawn().await;
    if !app.on_postgres() {
        // SQLite serves one process; revocations reach other processes through
        // PostgreSQL's NOTIFY, so this is a PostgreSQL-only deployment.
        return;
    }
    let other = app.another_process().await;
    let reply = app
        .owner
        .client
        .post("/v1/persisted_tokens", json!({"name": "shared"}))
        .await
        .expect(201);
    let (id, token) = (
        reply.body["id"].as_i64().unwrap(),
        reply.body["token"].as_str().unwrap().to_owned(),
    );
    let elsewhere = other.client.with_key(&token);
    elsewhere.get("/v1/me").await.expect(200);
    elsewhere.get("/v1/me").await.expect(200);

    app.owner
        .client
        .delete(&format!("/v1/persisted_tokens/{id}/revoke"))
        .await
        .expect(200);
    let mut status = 0;
    for _ in 0..50 {
        status = elsewhere.get("/v1/me").await.status;
        if status == 401 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(status, 401, "the other process still accepts a revoked key");
}

#[tokio::test]
async fn a_user_holds_at_most_a_hundred_active_keys() {
    let app = TestApp::spawn().await;
    let actor = ace_app::Actor {
        user_id: app.owner.user_id,
        via: ace_app::Via::Jwt,
        user: None,
    };
    for _ in 0..99 {
        ace_app::api_keys::create(&app.app, &actor, None, None)
            .await
            .unwrap();
    }
    app.owner
        .client
        .post("/v1/persisted_tokens", json!({}))
        .await
        .expect_error(422, "validation_error");
}
