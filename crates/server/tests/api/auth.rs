//! Credentials: `X-API-Key`, `Authorization: Bearer` with a key or a JWT, and rate limits.

use crate::harness::TestApp;
use ace_app::{Actor, Via};
use chrono::Duration;
use jsonwebtoken::{EncodingKey, Header};
use serde_json::json;

#[tokio::test]
async fn an_api_key_works_as_a_bearer_token() {
    let app = TestApp::spawn().await;
    let key = app.owner.client.key().unwrap().to_owned();
    let reply = app
        .anonymous()
        .with_bearer(&key)
        .get("/v1/me")
        .await
        .expect(200);
    assert_eq!(reply.body["id"], app.owner.user_id.get());
}

#[tokio::test]
async fn a_jwt_signed_with_the_server_secret_authenticates_its_user() {
    let app = TestApp::spawn().await;
    let token = ace_app::auth::issue_jwt(&app.app, app.owner.user_id, Duration::hours(1)).unwrap();
    let reply = app
        .anonymous()
        .with_bearer(&token)
        .get("/v1/me")
        .await
        .expect(200);
    assert_eq!(reply.body["id"], app.owner.user_id.get());
}

#[tokio::test]
async fn expired_forged_or_exp_less_jwts_are_refused() {
    let app = TestApp::spawn().await;
    let expired =
        ace_app::auth::issue_jwt(&app.app, app.owner.user_id, Duration::minutes(-5)).unwrap();
    app.anonymous()
        .with_bearer(&expired)
        .get("/v1/me")
        .await
        .expect_error(401, "unauthorized");

    let valid = ace_app::auth::issue_jwt(&app.app, app.owner.user_id, Duration::hours(1)).unwrap();
    let forged = format!("{}x", &valid[..valid.len() - 1]);
    app.anonymous()
        .with_bearer(&forged)
        .get("/v1/me")
        .await
        .expect_error(401, "unauthorized");

    let other_secret = jsonwebtoken::encode(
        &Header::default(),
        &json!({"sub": app.owner.user_id.to_string(), "exp": 4_102_444_800_i64}),
        &EncodingKey::from_secret(b"not the server secret"),
    )
    .unwrap();
    app.anonymous()
        .with_bearer(&other_secret)
        .get("/v1/me")
        .await
        .expect_error(401, "unauthorized");
}

#[tokio::test]
async fn malformed_credentials_are_unauthorized_in_the_envelope() {
    let app = TestApp::spawn().await;
    app.anonymous()
        .with_key("ace_pat_nope")
        .get("/v1/me")
        .await
        .expect_error(401, "unauthorized");
    app.anonymous()
        .with_bearer("")
        .get("/v1/organizations")
        .await
        .expect_error(401, "unauthorized");
    let basic = app
        .anonymous()
        .request(reqwest::Method::GET, "/v1/me")
        .header("authorization", "Basic dXNlcjpwYXNz")
        .send()
        .await
        .unwrap();
    let reply = crate::harness::Client::read(basic).await;
    reply.expect_error(401, "unauthorized");
}

/// A key minted directly, so setting the test up spends none of its requests.
async fn fresh_key(app: &TestApp) -> crate::harness::Client {
    let actor = Actor {
        user_id: app.owner.user_id,
        via: Via::Jwt,
        user: None,
    };
    let created = ace_app::api_keys::create(&app.app, &actor, Some("fresh"), None)
        .await
        .unwrap();
    app.anonymous().with_key(&created.token)
}

#[tokio::test]
async fn a_key_over_its_rate_gets_429_with_retry_after_and_others_do_not() {
    let app = TestApp::builder().rate_limit_per_minute(3).spawn().await;
    let (busy, idle) = (fresh_key(&app).await, fresh_key(&app).await);
    for _ in 0..3 {
        busy.get("/v1/me").await.expect(200);
    }
    let limited = busy.get("/v1/me").await.expect_error(429, "rate_limited");
    let retry_after: u64 = limited.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=21).contains(&retry_after), "{retry_after}");
    idle.get("/v1/me").await.expect(200);
}
