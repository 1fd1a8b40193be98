//! Transport behaviour every endpoint inherits: envelopes for every error, bodies in every
//! shape GEN's clients send, and request ids.

use crate::harness::{Client, TestApp};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn an_unknown_route_is_a_json_not_found() {
    let app = TestApp::spawn().await;
    let reply = app
        .owner
        .client
        .get("/v1/no/such/route")
        .await
        .expect_error(404, "not_found");
    assert!(
        reply.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    app.anonymous()
        .get("/favicon.ico")
        .await
        .expect_error(404, "not_found");
}

#[tokio::test]
async fn a_wrong_method_is_a_json_405() {
    let app = TestApp::spawn().await;
    app.owner
        .client
        .send(Method::PUT, "/v1/me", Some(json!({})))
        .await
        .expect_error(405, "method_not_allowed");
}

#[tokio::test]
async fn malformed_json_is_a_400_in_the_envelope() {
    let app = TestApp::spawn().await;
    let response = app
        .owner
        .client
        .request(Method::POST, "/v1/organizations")
        .header("content-type", "application/json")
        .body("{\"organization\":")
        .send()
        .await
        .unwrap();
    Client::read(response)
        .await
        .expect_error(400, "invalid_json");
    let response = app
        .owner
        .client
        .request(Method::POST, "/v1/organizations")
        .header("content-type", "application/json")
        .body("[1, 2]")
        .send()
        .await
        .unwrap();
    Client::read(response)
        .await
        .expect_error(400, "invalid_json");
}

#[tokio::test]
async fn an_oversized_body_is_a_413_in_the_envelope() {
    let app = TestApp::spawn().await;
    let huge = json!({"organization": {"name": "x".repeat(2 * 1024 * 1024)}});
    app.owner
        .client
        .post("/v1/organizations", huge)
        .await
        .expect_error(413, "payload_too_large");
}

#[tokio::test]
async fn a_json_content_type_on_bodiless_requests_is_fine() {
    let app = TestApp::spawn().await;
    app.owner.client.get("/v1/agents").await.expect(200);
    let token = app
        .owner
        .client
        .post("/v1/persisted_tokens", json!({}))
        .await
        .expect(201)
        .body["id"]
        .as_i64()
        .unwrap();
    app.owner
        .client
        .delete(&format!("/v1/persisted_tokens/{token}/revoke"))
        .await
        .expect(200);
    let response = app
        .owner
        .client
        .request(Method::POST, "/v1/persisted_tokens")
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "an empty body reads as {{}}");
}

#[tokio::test]
async fn a_json_body_without_a_content_type_is_still_read() {
    let app = TestApp::spawn().await;
    let response = app
        .owner
        .client
        .request(Method::POST, "/v1/persisted_tokens")
        .body("{\"name\": \"curl\"}")
        .send()
        .await
        .unwrap();
    let reply = Client::read(response).await.expect(201);
    assert_eq!(reply.body["name"], "curl");
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_echoes_the_callers() {
    let app = TestApp::spawn().await;
    let reply = app.owner.client.get("/v1/me").await;
    assert_eq!(reply.headers["x-request-id"].to_str().unwrap().len(), 36);
    let response = app
        .anonymous()
        .request(Method::GET, "/v1/me")
        .header("x-request-id", "trace-me-42")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "trace-me-42");
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn ids_in_paths_that_are_not_numbers_read_as_not_found() {
    let app = TestApp::spawn().await;
    app.owner
        .client
        .get("/v1/agents/not-a-number/core")
        .await
        .expect_error(404, "not_found");
    app.owner
        .client
        .patch("/v1/persisted_tokens/x1", json!({"name": "n"}))
        .await
        .expect_error(404, "not_found");
}

#[tokio::test]
async fn absurdly_deep_form_field_names_are_refused_without_harm() {
    let app = TestApp::spawn().await;
    let name = format!("organization{}", "[x]".repeat(20_000));
    let response = app
        .owner
        .client
        .request(Method::POST, "/v1/organizations")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("{name}=1"))
        .send()
        .await
        .unwrap();
    Client::read(response)
        .await
        .expect_error(400, "invalid_json");
    app.owner.client.get("/v1/me").await.expect(200);
}
