//! `/v1/agents/{id}/automation_config`: the config, signed deliveries of every status change,
//! callbacks, retries, test sends and the refusal of private addresses.

use std::sync::Arc;
use std::time::Duration;

use crate::harness::{Received, TestApp, WebhookSink, Writes};
use ace_domain::sheet::card::GenerationType;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use serde_json::{Value, json};

use crate::contract;
use crate::harness::wait_for;
use crate::harness::{started, text_cell};

fn config_path(agent: i64) -> String {
    format!("/v1/agents/{agent}/automation_config")
}

/// Checks the delivery's signature with the Standard Webhooks reference crate.
fn verify(secret: &str, received: &Received) {
    let mut headers = HeaderMap::new();
    for name in ["webhook-id", "webhook-timestamp", "webhook-signature"] {
        headers.insert(
            HeaderName::from_static(name),
            HeaderValue::from_str(received.header(name)).unwrap(),
        );
    }
    standardwebhooks::Webhook::new(secret)
        .unwrap()
        .verify(&received.body, &headers)
        .expect("a valid Standard Webhooks signature");
}

fn event_type(received: &Received) -> String {
    received.json()["type"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn the_config_starts_empty_and_the_first_change_shows_the_secret_once() {
    let app = TestApp::spawn().await;
    let owner = &app.owner;
    let agent = owner.agent_id.get();
    let empty = owner.client.get(&config_path(agent)).await.expect(200);
    contract().assert_conforms("getAutomationConfig", 200, &empty.body);
    assert_eq!(
        empty.body,
        json!({"webhook_url": null, "callback_url": null, "polling_enabled": false})
    );
    let body = json!({"automation_config": {"webhook_url": "https://hooks.example.com/gen", "polling_enabled": true}});
    let set = owner
        .client
        .patch(&config_path(agent), body)
        .await
        .expect(200);
    contract().assert_conforms("updateAutomationConfig", 200, &set.body);
    assert_eq!(set.body["webhook_url"], "https://hooks.example.com/gen");
    assert_eq!(set.body["polling_enabled"], true);
    assert!(
        set.body["signing_secret"]
            .as_str()
            .unwrap()
            .starts_with("whsec_")
    );
    let again = owner
        .client
        .patch(
            &config_path(agent),
            json!({"callback_url": "https://api.example.com/cb"}),
        )
        .await
        .expect(200);
    assert_eq!(again.body["webhook_url"], "https://hooks.example.com/gen");
    assert_eq!(again.body.get("signing_secret"), None);
    let read = owner.client.get(&config_path(agent)).await.expect(200);
    assert_eq!(read.body.get("signing_secret"), None);
    let rotated = owner
        .client
        .post(&format!("{}/rotate_secret", config_path(agent)), json!({}))
        .await
        .expect(200);
    assert_ne!(rotated.body["signing_secret"], set.body["signing_secret"]);
    let cleared = owner
        .client
        .patch(
            &config_path(agent),
            json!({"automation_config": {"webhook_url": null}}),
        )
        .await
        .expect(200);
    assert_eq!(cleared.body["webhook_url"], Value::Null);
}

#[tokio::test]
async fn bad_urls_are_refused_and_strangers_see_nothing() {
    let app = TestApp::spawn().await;
    let owner = &app.owner;
    let agent = owner.agent_id.get();
    for url in [
        "not a url",
        "ftp://example.com/x",
        "https://user:pw@example.com/",
    ] {
        let reply = owner
            .client
            .patch(
                &config_path(agent),
                json!({"automation_config": {"webhook_url": url}}),
            )
            .await
            .expect_error(422, "validation_error");
        assert!(
            reply.body["error"]
                .as_str()
                .unwrap()
                .contains("webhook_url")
        );
    }
    let stranger = app.user("Stranger").await;
    stranger
        .client
        .get(&config_path(agent))
        .await
        .expect_error(404, "not_found");
    stranger
        .client
        .patch(
            &config_path(agent),
            json!({"automation_config": {"polling_enabled": true}}),
        )
        .await
        .expect_error(404, "not_found");
    stranger
        .client
        .post(&format!("{}/test_webhook", config_path(agent)), json!({}))
        .await
        .expect_error(404, "not_found");
}

#[tokio::test]
async fn private_addresses_are_refused_unless_the_server_allows_them() {
    let app = TestApp::builder().public_webhooks_only().spawn().await;
    let owner = &app.owner;
    let agent = owner.agent_id.get();
    for url in [
        "http://127.0.0.1:9/hook",
        "http://localhost/hook",
        "http://10.0.0.8/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
    ] {
        owner
            .client
            .patch(
                &config_path(agent),
                json!({"automation_config": {"webhook_url": url}}),
            )
            .await
            .expect_error(422, "validation_error");
    }
}

#[tokio::test]
async fn every_status_change_is_delivered_signed_and_the_callback_gets_the_result() {
    let sink = WebhookSink::start().await;
    let app = TestApp::builder()
        .generator(GenerationType::Text, Arc::new(Writes::text("Hooked.")))
        .spawn()
        .await;
    let owner = &app.owner;
    let agent = owner.agent_id.get();
    let body = json!({"automation_config": {
        "webhook_url": format!("{}/hooks", sink.url),
        "callback_url": format!("{}/callbacks", sink.url),
    }});
    let set = owner
        .client
        .patch(&config_path(agent), body)
        .await
        .expect(200);
    let secret = set.body["signing_secret"].as_str().unwrap().to_owned();
    let place = text_cell(&owner.client, agent).await;
    let id = started(&owner.client, agent, place).await;
    wait_for(&owner.client, id, "completed").await;
    let hooks = sink
        .wait_for(3, Duration::from_secs(20), |r| r.path == "/hooks")
        .await;
    let mut types: Vec<String> = hooks.iter().map(event_type).collect();
    types.sort();
    assert_eq!(
        types,
        [
            "generation.completed",
            "generation.pending",
            "generation.processing"
        ]
    );
    for hook in &hooks {
        verify(&secret, hook);
        assert_eq!(hook.json()["data"]["id"], id);
        assert_eq!(hook.json()["data"]["agent_id"], agent);
    }
    let completed = hooks
        .iter()
        .find(|h| event_type(h) == "generation.completed")
        .unwrap();
    assert_eq!(completed.json()["data"]["result"], "Hooked.");
    let callbacks = sink
        .wait_for(1, Duration::from_secs(20), |r| r.path == "/callbacks")
        .await;
    assert_eq!(callbacks.len(), 1);
    assert_eq!(event_type(&callbacks[0]), "generation.completed");
    verify(&secret, &callbacks[0]);
}

#[tokio::test]
async fn a_receiver_that_fails_twice_gets_the_same_message_until_it_accepts() {
    let sink = WebhookSink::start().await;
    sink.fail_next(2);
    let app = TestApp::spawn().await;
    let owner = &app.owner;
    let agent = owner.agent_id.get();
    // The callback hears only the end: one delivery.
    let body = json!({"automation_config": {"callback_url": format!("{}/callbacks", sink.url)}});
    owner
        .client
        .patch(&config_path(agent), body)
        .await
        .expect(200);
    let place = text_cell(&owner.client, agent).await;
    // No text generator is installed: the generation fails.
    let card = json!({"generation_type": "text", "data": {"prompt": "x"}});
    crate::harness::generate(&owner.client, agent, place, card)
        .await
        .expect(201);
    app.drain_jobs().await;
    let received = sink.received();
    let log = owner
        .client
        .get(&format!("{}/deliveries", config_path(agent)))
        .await
        .expect(200)
        .body["deliveries"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(log.len(), 1);
    let retried = &log[0];
    assert_eq!(retried["status"], "delivered");
    assert_eq!(retried["attempts"], 3);
    assert_eq!(retried["event_type"], "generation.failed");
    let message = retried["message_id"].as_str().unwrap();
    let attempts = received
        .iter()
        .filter(|r| r.header("webhook-id") == message)
        .count();
    assert_eq!(attempts, 3);
}

#[tokio::test]
async fn test_sends_report_success_failure_and_a_missing_url() {
    let sink = WebhookSink::start().await;
    let app = TestApp::spawn().await;
    let owner = &app.owner;
    let agent = owner.agent_id.get();
    owner
        .client
        .post(&format!("{}/test_webhook", config_path(agent)), json!({}))
        .await
        .expect_error(422, "validation_error");
    let body = json!({"automation_config": {"webhook_url": format!("{}/hooks", sink.url), "callback_url": "http://127.0.0.1:9/closed"}});
    let set = owner
        .client
        .patch(&config_path(agent), body)
        .await
        .expect(200);
    let secret = set.body["signing_secret"].as_str().unwrap().to_owned();
    let ok = owner
        .client
        .post(&format!("{}/test_webhook", config_path(agent)), json!({}))
        .await
        .expect(200);
    contract().assert_conforms("testWebhook", 200, &ok.body);
    assert_eq!(ok.body, json!({"success": true}));
    let received = sink.wait_for(1, Duration::from_secs(5), |_| true).await;
    verify(&secret, &received[0]);
    assert_eq!(event_type(&received[0]), "webhook.test");
    sink.fail_next(1);
    let failed = owner
        .client
        .post(&format!("{}/test_webhook", config_path(agent)), json!({}))
        .await
        .expect(200);
    assert_eq!(failed.body, json!({"success": false, "error": "HTTP 500"}));
    let refused = owner
        .client
        .post(&format!("{}/test_callback", config_path(agent)), json!({}))
        .await
        .expect(200);
    contract().assert_conforms("testCallback", 200, &refused.body);
    assert_eq!(refused.body["success"], false);
    assert_eq!(refused.body["error"], "Connection refused");
}
