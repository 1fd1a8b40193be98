//! `/v1/autocontentengine/.../generate` and `/v1/generations`: the lifecycle, card checks,
//! credits, stop and continue, retries, and the live event stream.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use crate::harness::{FailsThenWrites, PanicsOnce, SleepsInAChild, TestApp, Writes, wait_for};
use ace_domain::credits::Credits;
use ace_domain::sheet::card::GenerationType;
use serde_json::{Value, json};

use crate::contract;
use crate::harness::{balance, generate, read_cell, started, text_cell, uploaded};

fn writes(text: &str) -> Arc<Writes> {
    Arc::new(Writes::text(text))
}

#[tokio::test]
async fn a_text_generation_completes_fills_its_cell_and_charges_its_estimate() {
    let app = TestApp::builder()
        .generator(GenerationType::Text, writes("Tacos at dawn."))
        .spawn()
        .await;
    let owner = &app.owner;
    let agent = owner.agent_id.get();
    let place = text_cell(&owner.client, agent).await;
    let before = balance(owner).await;
    let id = started(&owner.client, agent, place).await;
    let done = wait_for(&owner.client, id, "completed").await;
    assert_eq!(done["result"], "Tacos at dawn.");
    assert_eq!(done["user_job_type"], "text");
    assert_eq!(done["failed_reason"], Value::Null);
    // gemini_2_0_flash for 500 tokens: 2 credits by the built-in table.
    assert_eq!(done["execution_cost"], "2.0");
    assert_eq!(balance(owner).await, before - 2.0);
    let cell = read_cell(&owner.client, agent, place).await;
    assert_eq!(cell["value"], "Tacos at dawn.");
    assert_eq!(cell["default_user_job"]["id"], id);
}

#[tokio::test]
async fn variables_are_substituted_and_the_prompt_is_recorded_on_the_job() {
    let app = TestApp::builder()
        .generator(GenerationType::Text, writes("ok"))
        .spawn()
        .await;
    let owner = &app.owner;
    let agent = owner.agent_id.get();
    let place = text_cell(&owner.client, agent).await;
    let card = json!({"generation_type": "text", "data": {
        "prompt": "A hook about {{topic}} for {{missing}}",
        "variables": {"topic": "tacos"}
    }});
    let reply = generate(&owner.client, agent, place, card)
        .await
        .expect(201);
    let id = reply.body["generation_id"].as_i64().unwrap();
    wait_for(&owner.client, id, "completed").await;
    let mut conn = app.app.db().conn().await.unwrap();
    let job = ace_db::user_jobs::find(&mut conn, ace_domain::ids::UserJobId::new(id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        job.prompt.as_deref(),
        Some("A hook about tacos for {{missing}}")
    );
    assert_eq!(job.provider.as_deref(), Some("test"));
}

#[tokio::test]
async fn bad_card_data_is_refused_naming_the_field_and_nothing_is_charged() {
    let app = TestApp::spawn().await;
    let owner = &app.owner;
    let agent = owner.agent_id.get();
    let place = text_cell(&owner.client, agent).await;
    let before = balance(owner).await;
    let cases = [
        (
            json!({"generation_type": "text", "data": {}}),
            "data.prompt",
        ),
        (
            json!({"generation_type": "hologram", "data": {}}),
            "generation_type",
        ),
        (
            json!({"generation_type": "video_from_text", "data": {"prompt": "x", "model": "kling_1_6", "duration": 7}}),
            "data.duration",
        ),
        (
            json!({"generation_type": "image_from_text", "data": {"prompt": "x", "aspect_ratio": "2:1"}}),
            "data.aspect_ratio",
        ),
        (
            json!({"generation_type": "speech_from_text", "data": {"script": "hi", "voice_method": "whisper"}}),
            "data.voice_method",
        ),
        (
            json!({"generation_type": "lipsync", "data": {"model": "sync_so", "audio_resource_id": 1}}),
            "data.video_resource_id",
        ),
        (json!({"generation_type": "text", "data": "prompt"}), "data"),
    ];
    for (card, field) in cases {
        let reply = generate(&owner.client, agent, place, card.clone())
            .await
            .expect_error(422, "validation_error");
        let message = reply.body["error"].as_str().unwrap();
        assert!(message.contains(field), "{card}: {message}");
    }
    assert_eq!(balance(owner).await, before);
}

#[tokio::test]
async fn resources_must_be_the_agents_own_and_of_the_right_media_type() {
    let app = TestApp::spawn().await;
    let owner = &app.owner;
    let agent = owner.agent_id.get();
    let place = text_cell(&owner.client, agent).await;
    let image = uploaded(
        &owner.client,
        agent,
        "still.png",
        crate::harness::image("png", 8, 8),
    )
    .await;
    let stranger = app.user("Stranger").await;
    let theirs = uploaded(
        &stranger.client,
        stranger.agent_id.get(),
        "theirs.png",
        crate::harness::image("png", 8, 8),
    )
    .await;
    let card = json!({"generation_type": "captions", "data": {"source_resource_id": image["id"]}});
    let reply = generate(&owner.client, agent, place, card)
        .await
        .expect_error(422, "validation_error");
    assert!(
        reply.body["error"]
            .as_str()
            .unwrap()
            .contains("data.source_resource_id")
    );
    let card = json!({"generation_type": "media", "data": {"content_resource_id": theirs["id"]}});
    generate(&owner.client, agent, place, card)
        .await
        .expect_error(422, "validation_error");
}

#[tokio::test]
async fn a_media_card_attaches_the_resource_for_free() {
    let app = TestApp::spawn().await;
    let owner = &app.owner;
    let agent = owner.agent_id.get();
    let place = text_cell(&owner.client, agent).await;
    let image = uploaded(
        &owner.client,
        agent,
        "still.png",
        crate::harness::image("png", 8, 8),
    )
    .await;
    let before = balance(owner).await;
    let card = json!({"generation_type": "media", "data": {"content_resource_id": image["id"]}});
    let reply = generate(&owner.client, agent, place, card)
        .await
        .expect(201);
    let id = reply.body["generation_id"].as_i64().unwrap();
    let done = wait_for(&owner.client, id, "completed").await;
    assert_eq!(done["output_resources"][0]["id"], image["id"]);
    assert_eq!(done["output_resources"][0]["object_type"], "Image");
    assert_eq!(done["execution_cost"], "0.0");
    assert_eq!(balance(owner).await, before);
}

#[tokio::test]
async fn a_type_with_no_generator_fails_with_a_clear_reason_and_a_full_refund() {
    let app = TestApp::spawn().await;
    let owner = &app.owner;
    let agent = owner.agent_id.get();
    let place = text_cell(&owner.client, agent).await;
    let before = balance(owner).await;
    let card = json!({"generation_type": "video_from_text", "data": {"prompt": "a beach", "model": "veo_3", "duration": 5}});
    let reply = generate(&owner.client, agent, place, card)
        .await
        .expect(201);
    let id = reply.body["generation_id"].as_i64().unwrap();
    let failed = wait_for(&owner.client, id, "failed").await;
    let reason = failed["failed_reason"].as_str().unwrap();
    assert!(
        reason.contains("No generator for video_from_text"),
        "{reason}"
    );
    assert_eq!(failed["output_resources"], json!([]));
    assert_eq!(failed["execution_cost"], "0.0");
    assert_eq!(balance(owner).await, before);
}

#[tokio::test]
async fn stop_kills_the_running_child_process_refunds_and_continue_charges_again() {
    let child = Arc::new(SleepsInAChild::default());
    let app = TestApp::builder()
        .generator(GenerationType::Text, child.clone())
        .spawn()
        .await;
    let owner = &app.owner;
    let agent = owner.agent_id.get();
    let place = text_cell(&owner.client, agent).await;
    let before = balance(owner).await;
    let id = started(&owner.client, agent, place).await;
    wait_for(&owner.client, id, "processing").await;
    let pid = child.started().await;
    assert!(alive(pid));
    assert_eq!(balance(owner).await, before - 2.0);
    let stopped = owner
        .client
        .post(&format!("/v1/generations/{id}/stop"), json!({}))
        .await
        .expect(200);
    assert_eq!(stopped.body["status"], "stopped");
    assert_eq!(stopped.body["generation_id"], id);
    contract().assert_conforms("stopGeneration", 200, &stopped.body);
    let reaped = tokio::time::timeout(Duration::from_secs(60), child.reaped()).await;
    assert!(reaped.is_ok(), "the stop never ended the run holding {pid}");
    assert!(!alive(pid), "the child process {pid} still runs");
    assert_eq!(balance(owner).await, before);
    owner
        .client
        .post(&format!("/v1/generations/{id}/stop"), json!({}))
        .await
        .expect_error(422, "job_cannot_be_stopped");
    let resumed = owner
        .client
        .post(&format!("/v1/generations/{id}/continue"), json!({}))
        .await
        .expect(200);
    assert_eq!(resumed.body["status"], "pending");
    contract().assert_conforms("continueGeneration", 200, &resumed.body);
    assert_eq!(balance(owner).await, before - 2.0);
    wait_for(&owner.client, id, "processing").await;
    owner
        .client
        .post(&format!("/v1/generations/{id}/stop"), json!({}))
        .await
        .expect(200);
    assert_eq!(balance(owner).await, before);
}

/// Whether a process runs (a zombie counts as gone).
fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|stat| !stat.contains(") Z "))
        .unwrap_or(false)
}

#[tokio::test]
async fn continue_needs_a_stopped_generation_and_stop_an_unfinished_one() {
    let app = TestApp::builder()
        .generator(GenerationType::Text, writes("ok"))
        .spawn()
        .await;
    let owner = &app.owner;
    let agent = owner.agent_id.get();
    let place = text_cell(&owner.client, agent).await;
    let id = started(&owner.client, agent, place).await;
    wait_for(&owner.client, id, "completed").await;
    owner
        .client
        .post(&format!("/v1/generations/{id}/continue"), json!({}))
        .await
        .expect_error(422, "validation_error");
    owner
        .client
        .post(&format!("/v1/generations/{id}/stop"), json!({}))
        .await
        .expect_error(422, "job_cannot_be_stopped");
    owner
        .client
        .get("/v1/generations/999999")
        .await
        .expect_error(404, "not_found");
}

#[tokio::test]
async fn strangers_cannot_see_stop_or_continue_a_generation_nor_trigger_one() {
    let app = TestApp::builder()
        .generator(GenerationType::Text, writes("ok"))
        .spawn()
        .await;
    let owner = &app.owner;
    let agent = owner.agent_id.get();
    let place = text_cell(&owner.client, agent).await;
    let id = started(&owner.client, agent, place).await;
    let stranger = app.user("Stranger").await;
    stranger
        .client
        .get(&format!("/v1/generations/{id}"))
        .await
        .expect_error(404, "not_found");
    for action in ["stop", "continue"] {
        stranger
            .client
            .post(&format!("/v1/generations/{id}/{action}"), json!({}))
            .await
            .expect_error(404, "not_found");
    }
    let card = json!({"generation_type": "text", "data": {"prompt": "x"}});
    generate(&stranger.client, agent, place, card)
        .await
        .expect_error(404, "not_found");
}

#[tokio::test]
async fn a_run_that_panics_is_run_again_after_its_lease_instead_of_hanging() {
    let buggy = Arc::new(PanicsOnce::default());
    let app = TestApp::builder()
        .generator(GenerationType::Text, buggy.clone())
        .job_lease(Duration::from_secs(1))
        .spawn()
        .await;
    let owner = &app.owner;
    let agent = owner.agent_id.get();
    let place = text_cell(&owner.client, agent).await;
    let id = started(&owner.client, agent, place).await;
    let done = wait_for(&owner.client, id, "completed").await;
    assert_eq!(done["result"], "done");
    assert_eq!(buggy.runs.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn transient_failures_are_retried_and_permanent_ones_fail_at_once() {
    let flaky = Arc::new(FailsThenWrites::transiently(2));
    let app = TestApp::builder()
        .generator(GenerationType::Text, flaky.clone())
        .generator(
            GenerationType::ImageFromText,
            Arc::new(FailsThenWrites::permanently()),
        )
        .spawn()
        .await;
    let owner = &app.owner;
    let agent = owner.agent_id.get();
    let place = text_cell(&owner.client, agent).await;
    let id = started(&owner.client, agent, place).await;
    let done = wait_for(&owner.client, id, "completed").await;
    assert_eq!(done["result"], "done");
    assert_eq!(flaky.runs.load(Ordering::SeqCst), 3);
    let before = balance(owner).await;
    let card = json!({"generation_type": "image_from_text", "data": {"prompt": "a stall"}});
    let reply = generate(&owner.client, agent, place, card)
        .await
        .expect(201);
    let failed = wait_for(
        &owner.client,
        reply.body["generation_id"].as_i64().unwrap(),
        "failed",
    )
    .await;
    assert_eq!(failed["failed_reason"], "The provider refused the prompt.");
    assert_eq!(balance(owner).await, before);
}

#[tokio::test]
async fn a_hundred_concurrent_triggers_never_overdraw_credits_that_cover_ten() {
    let app = TestApp::builder()
        .starter_credits(Credits::whole(20))
        .generator(GenerationType::Text, writes("ok"))
        .spawn()
        .await;
    let racer = app.user("Racer").await;
    let agent = racer.agent_id.get();
    let place = text_cell(&racer.client, agent).await;
    let card = json!({"generation_type": "text", "data": {"prompt": "go"}});
    let replies = futures::future::join_all(
        (0..100).map(|_| generate(&racer.client, agent, place, card.clone())),
    )
    .await;
    let accepted = replies.iter().filter(|r| r.status == 201).count();
    for reply in replies.iter().filter(|r| r.status != 201) {
        assert_eq!(reply.status, 422, "{:?}", reply.body);
        assert!(
            ["insufficient_credits_for_job", "usable_gen_credit_required"]
                .contains(&reply.error_code()),
            "{:?}",
            reply.body
        );
    }
    assert_eq!(accepted, 10);
    let left = balance(&racer).await;
    assert_eq!(left, 0.0);
    let mut conn = app.app.db().conn().await.unwrap();
    let ledger = ace_db::credits::balance(&mut conn, racer.workspace_id)
        .await
        .unwrap();
    assert_eq!(ledger.generic.as_f64(), left);
}

#[tokio::test]
async fn the_event_stream_follows_a_generation_to_its_end() {
    let app = TestApp::builder()
        .generator(
            GenerationType::Text,
            Arc::new(Writes {
                text: "streamed".into(),
                delay: Duration::from_millis(300),
                cost_usd: None,
            }),
        )
        .spawn()
        .await;
    let owner = &app.owner;
    let agent = owner.agent_id.get();
    let place = text_cell(&owner.client, agent).await;
    let id = started(&owner.client, agent, place).await;
    let response = owner
        .client
        .request(
            reqwest::Method::GET,
            &format!("/v1/generations/{id}/events"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let text = tokio::time::timeout(Duration::from_secs(20), response.text())
        .await
        .expect("the stream ends after the terminal event")
        .unwrap();
    let events: Vec<&str> = text
        .lines()
        .filter_map(|line| line.strip_prefix("event: "))
        .collect();
    assert_eq!(events.last(), Some(&"completed"), "{text}");
    assert!(
        events.contains(&"processing") || events.first() == Some(&"pending"),
        "{text}"
    );
    assert!(text.contains("\"result\":\"streamed\""));
    let stranger = app.user("Stranger").await;
    stranger
        .client
        .get(&format!("/v1/generations/{id}/events"))
        .await
        .expect_error(404, "not_found");
}
