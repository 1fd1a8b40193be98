//! `Idempotency-Key` on `generate`: a retry with the same key gets the first answer and is
//! charged nothing more, whoever races; a key is the caller's own and names one request.

use std::sync::Arc;

use crate::harness::{Client, Reply, TestApp, Writes};
use ace_domain::sheet::card::GenerationType;
use reqwest::Method;
use serde_json::{Value, json};

use crate::contract;
use crate::harness::wait_for;
use crate::harness::{balance, text_cell};

fn card(prompt: &str) -> Value {
    json!({"generation_type": "text", "data": {"prompt": prompt}})
}

async fn generate_with_key(
    client: &Client,
    agent: i64,
    (sheet, cell): (i64, i64),
    key: &str,
    card: &Value,
) -> Reply {
    let path = format!("/v1/autocontentengine/{sheet}/cells/{cell}/generate?agent_id={agent}");
    let response = client
        .request(Method::POST, &path)
        .header("idempotency-key", key)
        .json(card)
        .send()
        .await
        .expect("sending the trigger");
    Client::read(response).await
}

async fn app() -> TestApp {
    TestApp::builder()
        .generator(GenerationType::Text, Arc::new(Writes::text("A hook.")))
        .spawn()
        .await
}

#[tokio::test]
async fn a_retry_with_the_same_key_gets_the_same_generation_and_is_charged_once() {
    let app = app().await;
    let owner = &app.owner;
    let agent = owner.agent_id.get();
    let place = text_cell(&owner.client, agent).await;
    let before = balance(owner).await;
    let first = generate_with_key(&owner.client, agent, place, "order-17", &card("Tacos"))
        .await
        .expect(201);
    contract().assert_conforms("generateCellContent", 201, &first.body);
    let id = first.body["generation_id"].as_i64().unwrap();
    wait_for(&owner.client, id, "completed").await;
    let again = generate_with_key(&owner.client, agent, place, "order-17", &card("Tacos"))
        .await
        .expect(201);
    assert_eq!(again.body, first.body, "the retry gets the first answer");
    assert_eq!(balance(owner).await, before - 2.0, "charged once");
    let other = generate_with_key(&owner.client, agent, place, "order-18", &card("Tacos"))
        .await
        .expect(201);
    assert_ne!(other.body["generation_id"], first.body["generation_id"]);
}

#[tokio::test]
async fn racing_retries_with_one_key_start_one_generation() {
    let app = app().await;
    let owner = &app.owner;
    let agent = owner.agent_id.get();
    let place = text_cell(&owner.client, agent).await;
    let before = balance(owner).await;
    let card = card("Tacos");
    let replies = futures::future::join_all(
        (0..12).map(|_| generate_with_key(&owner.client, agent, place, "burst", &card)),
    )
    .await;
    let ids: std::collections::HashSet<i64> = replies
        .into_iter()
        .map(|reply| reply.expect(201).body["generation_id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids.len(), 1, "every racer got the same generation");
    let id = *ids.iter().next().unwrap();
    wait_for(&owner.client, id, "completed").await;
    assert_eq!(balance(owner).await, before - 2.0);
}

#[tokio::test]
async fn a_key_reused_for_a_different_request_is_refused() {
    let app = app().await;
    let owner = &app.owner;
    let agent = owner.agent_id.get();
    let place = text_cell(&owner.client, agent).await;
    generate_with_key(&owner.client, agent, place, "k1", &card("Tacos"))
        .await
        .expect(201);
    let reply = generate_with_key(&owner.client, agent, place, "k1", &card("Burritos"))
        .await
        .expect_error(422, "validation_error");
    assert!(
        reply.body["error"]
            .as_str()
            .unwrap()
            .contains("Idempotency-Key")
    );
    let blank = generate_with_key(
        &owner.client,
        agent,
        place,
        &"x".repeat(300),
        &card("Tacos"),
    )
    .await
    .expect_error(422, "validation_error");
    assert!(
        blank.body["error"]
            .as_str()
            .unwrap()
            .contains("Idempotency-Key")
    );
}

#[tokio::test]
async fn keys_are_per_caller_so_another_users_key_never_answers_for_mine() {
    let app = app().await;
    let owner = &app.owner;
    let agent = owner.agent_id.get();
    let place = text_cell(&owner.client, agent).await;
    let mine = generate_with_key(&owner.client, agent, place, "shared", &card("Tacos"))
        .await
        .expect(201);
    let stranger = app.user("stranger").await;
    let theirs_agent = stranger.agent_id.get();
    let theirs_place = text_cell(&stranger.client, theirs_agent).await;
    let theirs = generate_with_key(
        &stranger.client,
        theirs_agent,
        theirs_place,
        "shared",
        &card("Tacos"),
    )
    .await
    .expect(201);
    assert_ne!(theirs.body["generation_id"], mine.body["generation_id"]);
    // And the stranger cannot replay into my engine with my key either.
    generate_with_key(&stranger.client, agent, place, "shared", &card("Tacos"))
        .await
        .expect_error(404, "not_found");
}
