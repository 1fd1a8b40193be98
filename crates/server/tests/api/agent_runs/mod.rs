//! Agent runs and conversations over HTTP, with a scripted stand-in for the text model:
//! ideas grounded in the knowledge base and charged as GEN prices them, preferences set by
//! rules and checked on what the next run writes, refinement by idea number, a gated call
//! paused until approved (with no body, as GEN's SDK sends it) or rejected, a second message
//! waiting behind the first, cancellation, the progress stream, idempotency, conversations,
//! bad input and other tenants.

use std::sync::Arc;

use ace_domain::role::Role;
use ace_domain::sheet::card::GenerationType;
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::contract;
use crate::harness::{AgentWriter, Client, TestApp, balance};

mod daily;
mod models;

async fn app() -> TestApp {
    TestApp::builder()
        .generator(GenerationType::Text, Arc::new(AgentWriter))
        .spawn()
        .await
}

/// Posts about tacos in the agent's knowledge base, through an import.
async fn seed_posts(app: &TestApp, agent: i64) {
    let lines = [
        r#"{"platform":"tiktok","id":"t1","url":"https://www.tiktok.com/@keithlee/video/1","author":"keithlee","text":"The two dollar taco at 2am. Worth the drive.","views":2100000,"likes":90000}"#,
        r#"{"platform":"tiktok","id":"t2","url":"https://www.tiktok.com/@tacoqueen/video/2","author":"tacoqueen","text":"Salsa ranking from worst to best.","views":800000,"likes":41000}"#,
    ];
    let form = Form::new().part(
        "file",
        Part::bytes(lines.join("\n").into_bytes()).file_name("posts.ndjson"),
    );
    app.owner
        .client
        .multipart(
            Method::POST,
            &format!("/v1/agents/{agent}/knowledge/imports"),
            form,
        )
        .await
        .expect(202);
    app.drain_jobs().await;
}

async fn start(client: &Client, agent: i64, message: &str, conversation: Option<&str>) -> Value {
    let mut body = json!({ "message": message, "agent_id": agent.to_string() });
    if let Some(id) = conversation {
        body["conversation_id"] = json!(id);
    }
    let reply = client.post("/v1/agent/run", body).await.expect(202);
    contract().assert_conforms("startAgentRun", 202, &reply.body);
    assert_eq!(reply.body["status"], "running");
    reply.body
}

async fn run(client: &Client, id: &str) -> Value {
    let reply = client
        .get(&format!("/v1/agent/runs/{id}"))
        .await
        .expect(200);
    contract().assert_conforms("getAgentRun", 200, &reply.body);
    reply.body
}

/// Starts a run, lets it finish and reads it.
async fn finished(app: &TestApp, message: &str, conversation: Option<&str>) -> Value {
    let agent = app.owner.agent_id.get();
    let started = start(&app.owner.client, agent, message, conversation).await;
    app.drain_jobs().await;
    run(&app.owner.client, started["run_id"].as_str().unwrap()).await
}

fn answer(run: &Value) -> &Value {
    run["messages"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|message| message["role"] == "assistant")
        .expect("an assistant message")
}

#[tokio::test]
async fn an_ideas_run_writes_grounded_ideas_and_charges_what_gens_credits_page_says() {
    let app = app().await;
    let agent = app.owner.agent_id.get();
    seed_posts(&app, agent).await;
    let before = balance(&app.owner).await;

    let done = finished(
        &app,
        "generate 3 content ideas. Requirements: tacos at night",
        None,
    )
    .await;

    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["messages"][0]["role"], "user");
    let ideas = answer(&done)["data"]["ideas"].as_array().unwrap().clone();
    assert_eq!(ideas.len(), 3);
    let titles: std::collections::BTreeSet<&str> = ideas
        .iter()
        .map(|idea| idea["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles.len(), 3, "each idea its own angle");
    for (at, idea) in ideas.iter().enumerate() {
        assert_eq!(idea["idea_id"], json!(at + 1));
        assert!(
            idea["title"]
                .as_str()
                .unwrap()
                .starts_with("Taco truth that "),
            "{idea}"
        );
        let source = &idea["inspiration_sources"][0];
        assert!(
            source["url"]
                .as_str()
                .unwrap()
                .starts_with("https://www.tiktok.com/@"),
            "{idea}"
        );
        assert!(source["watch_count"].as_i64().unwrap() >= 800_000);
        // The layers of the template that makes its type, fitted to its duration.
        let seconds = idea["estimated_duration"].as_f64().unwrap();
        assert!(seconds > 0.0);
        let layers = idea["project_manifest"]["timeline_layers"]
            .as_array()
            .unwrap();
        let end = layers
            .iter()
            .map(|layer| layer["end"].as_f64().unwrap())
            .fold(0.0, f64::max);
        assert!((end - seconds).abs() < 0.05, "{idea}");
        if idea["video_type"] == "text_driven" {
            let names: Vec<&str> = layers.iter().map(|l| l["name"].as_str().unwrap()).collect();
            assert_eq!(names[0], "Background loop 1", "{names:?}");
            assert!(names.contains(&"Line 3"), "{names:?}");
        }
    }
    let listed = app
        .owner
        .client
        .get(&format!("/v1/agent/ideas?agent_id={agent}"))
        .await
        .expect(200);
    assert_eq!(listed.body.as_array().unwrap().len(), 3);
    // Three of the five ideas GEN prices at ~59 credits.
    let spent = done["credits_spent"].as_f64().unwrap();
    assert!((spent - 59.0 * 3.0 / 5.0).abs() < 1.0, "{spent}");
    assert!((before - balance(&app.owner).await - spent).abs() < 0.01);
}

#[tokio::test]
async fn a_preference_set_by_rule_is_kept_on_the_profile_and_obeyed_by_the_next_ideas() {
    let app = app().await;
    let agent = app.owner.agent_id.get();

    let saved = finished(
        &app,
        "Remember this content preference for all future ideas: never use question hooks",
        None,
    )
    .await;
    assert_eq!(saved["status"], "completed");
    assert_eq!(
        answer(&saved)["data"]["preferences"],
        json!(["never use question hooks"])
    );
    let profile = app
        .owner
        .client
        .get(&format!("/v1/agent/profile?agent_id={agent}"))
        .await
        .expect(200);
    assert_eq!(
        profile.body["brand"]["content_idea_preferences"],
        "- never use question hooks"
    );

    // The stand-in writes a question hook until the prompt insists: the check catches it.
    let ideas = finished(&app, "generate 2 content ideas", None).await;
    for idea in answer(&ideas)["data"]["ideas"].as_array().unwrap() {
        assert!(!idea["hook"].as_str().unwrap().ends_with('?'), "{idea}");
    }
    let listed = finished(&app, "list all my current preferences", None).await;
    assert!(
        answer(&listed)["content"]
            .as_str()
            .unwrap()
            .contains("never use question hooks")
    );
}

/// Saves two preferences about hooks and asks to forget "hooks", which both could mean: the
/// answer names the one forgotten, and the other stays.
async fn forget_one_of_two(app: &TestApp) -> (Vec<Value>, Value) {
    let saved = finished(
        app,
        "remember: never use question hooks. keep hooks under eight words",
        None,
    )
    .await;
    let rules = answer(&saved)["data"]["preferences"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(rules.len(), 2, "{saved}");
    let forgot = finished(app, "forget: hooks", None).await;
    assert_eq!(forgot["status"], "completed", "{forgot}");
    let data = answer(&forgot)["data"].clone();
    let left = data["preferences"].as_array().unwrap();
    assert_eq!(left.len(), 1);
    assert_ne!(left[0], data["forgotten"]);
    (rules, data["forgotten"].clone())
}

#[tokio::test]
async fn forget_with_words_two_preferences_share_forgets_the_one_the_model_picks() {
    let app = app().await;
    // The stand-in answers "2" when asked which preference is meant.
    let (rules, forgotten) = forget_one_of_two(&app).await;
    assert_eq!(forgotten, rules[1]);
}

#[tokio::test]
async fn a_refinement_edits_the_named_ideas_and_keeps_the_others() {
    let app = app().await;
    let first = finished(&app, "generate 3 content ideas", None).await;
    let conversation = first["conversation_id"].as_str().unwrap().to_owned();
    let before = answer(&first)["data"]["ideas"].as_array().unwrap().clone();

    let refined = finished(
        &app,
        "Make idea 1 title shorter. Change idea 2 to montage format. Drop idea 3.",
        Some(&conversation),
    )
    .await;

    assert_eq!(refined["status"], "completed", "{refined}");
    let after = answer(&refined)["data"]["ideas"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(after.len(), 2);
    assert_eq!(after[0]["id"], before[0]["id"]);
    assert_eq!(after[0]["title"], "Short taco title");
    assert_eq!(after[1]["id"], before[1]["id"]);
    assert_eq!(after[1]["video_type"], "montage");
    assert_eq!(after[1]["video_type_id"], 3);
    assert_eq!(after[1]["title"], before[1]["title"]);
    let agent = app.owner.agent_id.get();
    let rejected = app
        .owner
        .client
        .get(&format!("/v1/agent/ideas?agent_id={agent}&status=rejected"))
        .await
        .expect(200);
    assert_eq!(rejected.body[0]["id"], before[2]["id"]);
}

#[tokio::test]
async fn a_gated_vidsheet_waits_and_approving_with_no_body_runs_the_stored_call() {
    let app = app().await;
    let client = &app.owner.client;
    let first = finished(&app, "generate 1 content idea", None).await;
    let conversation = first["conversation_id"].as_str().unwrap().to_owned();
    let idea = answer(&first)["data"]["ideas"][0].clone();

    let gated = finished(&app, "make a vidsheet from idea 1", Some(&conversation)).await;
    assert_eq!(gated["status"], "awaiting_approval", "{gated}");
    let pending = &gated["pending_action"];
    assert_eq!(pending["tool"], "make_vidsheet");
    assert_eq!(pending["arguments"]["idea_id"], idea["id"]);
    assert!(
        pending["summary"]
            .as_str()
            .unwrap()
            .contains(idea["title"].as_str().unwrap())
    );

    let run_id = gated["run_id"].as_str().unwrap();
    let approved = client
        .send(
            Method::POST,
            &format!("/v1/agent/runs/{run_id}/approve"),
            None,
        )
        .await
        .expect(200);
    contract().assert_conforms("approveAgentAction", 200, &approved.body);
    assert_eq!(approved.body["status"], "running");
    app.drain_jobs().await;
    let done = run(client, run_id).await;
    assert_eq!(done["status"], "completed", "{done}");
    let sheet = answer(&done)["data"]["spreadsheet_id"].as_i64().unwrap();
    assert!(sheet > 0);
    let agent = app.owner.agent_id.get();
    let ideas = client
        .get(&format!(
            "/v1/agent/ideas?agent_id={agent}&status=approve_to_create"
        ))
        .await
        .expect(200);
    assert_eq!(ideas.body[0]["id"], idea["id"]);

    client
        .post(
            &format!("/v1/agent/runs/{run_id}/approve"),
            json!({"approved": true}),
        )
        .await
        .expect_error(422, "run_status_invalid");
}

#[tokio::test]
async fn turning_an_idea_into_a_video_waits_at_both_gates_then_runs_the_row() {
    let app = app().await;
    let client = &app.owner.client;
    let first = finished(&app, "generate 1 content idea", None).await;
    let conversation = first["conversation_id"].as_str().unwrap().to_owned();

    let gated = finished(&app, "turn idea 1 into a video", Some(&conversation)).await;
    assert_eq!(gated["pending_action"]["tool"], "make_vidsheet", "{gated}");
    let run_id = gated["run_id"].as_str().unwrap();
    let approval = format!("/v1/agent/runs/{run_id}/approve");
    let approve = || client.send(Method::POST, &approval, None);
    approve().await.expect(200);
    app.drain_jobs().await;
    let second = run(client, run_id).await;
    assert_eq!(second["status"], "awaiting_approval");
    assert_eq!(second["pending_action"]["tool"], "run_row");
    assert!(
        second["pending_action"]["summary"]
            .as_str()
            .unwrap()
            .contains("render")
    );

    approve().await.expect(200);
    app.drain_jobs().await;
    let done = run(client, run_id).await;
    assert_eq!(done["status"], "completed", "{done}");
    let data = &answer(&done)["data"];
    let (sheet, row) = (
        data["spreadsheet_id"].as_i64().unwrap(),
        data["row_id"].as_i64().unwrap(),
    );
    assert_eq!(data["row_run"]["spreadsheet_id"], sheet);
    assert_eq!(data["row_run"]["row_id"], row);
    let row_run = data["row_run"]["row_run_id"].as_i64().unwrap();
    let agent = app.owner.agent_id.get();
    client
        .get(&format!(
            "/v1/autocontentengine/{sheet}/rows/{row}/runs/{row_run}?agent_id={agent}"
        ))
        .await
        .expect(200);
}

#[tokio::test]
async fn a_second_message_waits_behind_the_active_run_and_a_rejection_frees_the_conversation() {
    let app = app().await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let first = finished(&app, "generate 1 content idea", None).await;
    let conversation = first["conversation_id"].as_str().unwrap().to_owned();
    let gated = finished(&app, "make a vidsheet from idea 1", Some(&conversation)).await;
    assert_eq!(gated["status"], "awaiting_approval");

    let waiting = start(client, agent, "hello there", Some(&conversation)).await;
    app.drain_jobs().await;
    let queued = run(client, waiting["run_id"].as_str().unwrap()).await;
    assert_eq!(queued["status"], "running");
    assert_eq!(queued["state"], "queued");

    let run_id = gated["run_id"].as_str().unwrap();
    let rejected = client
        .post(
            &format!("/v1/agent/runs/{run_id}/approve"),
            json!({"approved": false}),
        )
        .await
        .expect(200);
    assert_eq!(rejected.body["status"], "failed");
    let failed = run(client, run_id).await;
    assert!(failed["error"].as_str().unwrap().contains("rejected"));
    assert_eq!(failed["credits_spent"], json!(0.0));

    app.drain_jobs().await;
    let answered = run(client, waiting["run_id"].as_str().unwrap()).await;
    assert_eq!(answered["status"], "completed", "{answered}");
    assert_eq!(
        answer(&answered)["content"],
        "Happy to help plan your next videos."
    );
}

#[tokio::test]
async fn cancelling_a_waiting_run_refunds_it_and_shows_it_failed_as_cancelled() {
    let app = TestApp::builder()
        .generator(GenerationType::Text, Arc::new(AgentWriter))
        .without_jobs()
        .spawn()
        .await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let before = balance(&app.owner).await;
    let started = start(client, agent, "generate 5 content ideas", None).await;
    assert!((before - balance(&app.owner).await - 59.0).abs() < 0.01);

    let run_id = started["run_id"].as_str().unwrap();
    let cancelled = client
        .post(&format!("/v1/agent/runs/{run_id}/cancel"), json!({}))
        .await
        .expect(200);
    assert_eq!(cancelled.body["status"], "failed");
    assert_eq!(cancelled.body["state"], "cancelled");
    assert_eq!(cancelled.body["error"], "cancelled");
    assert!((before - balance(&app.owner).await).abs() < 0.01);
    client
        .post(&format!("/v1/agent/runs/{run_id}/cancel"), json!({}))
        .await
        .expect_error(422, "run_status_invalid");
}

#[tokio::test]
async fn the_progress_stream_needs_its_token_and_resumes_after_the_last_event_id() {
    let app = app().await;
    let agent = app.owner.agent_id.get();
    let started = start(&app.owner.client, agent, "generate 1 content idea", None).await;
    app.drain_jobs().await;
    let path = started["firebase_path"].as_str().unwrap();

    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let base = format!("http://{}", app.address);
    let whole = http.get(format!("{base}{path}")).send().await.unwrap();
    assert_eq!(whole.status(), 200);
    let text = whole.text().await.unwrap();
    for name in ["status", "plan", "thinking", "message", "done"] {
        assert!(
            text.contains(&format!("event: {name}")),
            "{name} missing from {text}"
        );
    }
    let ids: Vec<i64> = text
        .lines()
        .filter_map(|line| line.strip_prefix("id: "))
        .map(|id| id.parse().unwrap())
        .collect();
    let resumed = http
        .get(format!("{base}{path}"))
        .header("Last-Event-ID", ids[ids.len() - 2].to_string())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(resumed.matches("id: ").count(), 1, "{resumed}");
    assert!(resumed.contains("event: done"));

    let run_id = started["run_id"].as_str().unwrap();
    let forged = http
        .get(format!("{base}/v1/agent/runs/{run_id}/stream?token=forged"))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 401);
}

#[tokio::test]
async fn an_idempotency_key_answers_the_first_run_again_and_charges_once() {
    let app = TestApp::builder()
        .generator(GenerationType::Text, Arc::new(AgentWriter))
        .without_jobs()
        .spawn()
        .await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let before = balance(&app.owner).await;
    let send = || {
        client
            .request(Method::POST, "/v1/agent/run")
            .header("Idempotency-Key", "ideas-1")
            .json(&json!({"message": "generate 5 content ideas", "agent_id": agent}))
            .send()
    };
    let first = Client::read(send().await.unwrap()).await.expect(202);
    let again = Client::read(send().await.unwrap()).await.expect(202);
    assert_eq!(first.body["run_id"], again.body["run_id"]);
    assert!((before - balance(&app.owner).await - 59.0).abs() < 0.01);
}

#[tokio::test]
async fn conversations_are_listed_read_paged_renamed_pinned_and_deleted() {
    let app = app().await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let first = finished(&app, "generate 1 content idea", None).await;
    let conversation = first["conversation_id"].as_str().unwrap().to_owned();
    finished(&app, "hello", Some(&conversation)).await;
    let other = finished(&app, "hello again", None).await;

    let listed = client
        .get(&format!("/v1/agent/conversations?agent_id={agent}"))
        .await
        .expect(200);
    contract().assert_conforms("listConversations", 200, &listed.body);
    assert_eq!(listed.body.as_array().unwrap().len(), 2);
    assert_eq!(listed.body[0]["id"], other["conversation_id"]);

    let read = client
        .get(&format!("/v1/agent/conversations/{conversation}"))
        .await
        .expect(200);
    contract().assert_conforms("getConversation", 200, &read.body);
    assert_eq!(read.body["run_count"], 2);
    assert_eq!(read.body["messages"].as_array().unwrap().len(), 4);
    assert_eq!(
        read.body["messages"][1]["data"]["ideas"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let page = client
        .get(&format!(
            "/v1/agent/conversations/{conversation}/messages?page=2&per_page=3"
        ))
        .await
        .expect(200);
    contract().assert_conforms("listConversationMessages", 200, &page.body);
    assert_eq!(page.body.as_array().unwrap().len(), 1);
    assert_eq!(page.body[0]["role"], "assistant");
    client
        .get(&format!(
            "/v1/agent/conversations/{conversation}/messages?per_page=0"
        ))
        .await
        .expect_error(422, "validation_error");

    let runs = client
        .get(&format!("/v1/agent/conversations/{conversation}/runs"))
        .await
        .expect(200);
    contract().assert_conforms("listConversationRuns", 200, &runs.body);
    assert_eq!(runs.body.as_array().unwrap().len(), 2);
    assert_eq!(runs.body[0]["run_id"], first["run_id"]);

    let renamed = client
        .patch(
            &format!("/v1/agent/conversations/{conversation}"),
            json!({"title": "Taco launch", "pinned": true}),
        )
        .await
        .expect(200);
    contract().assert_conforms("updateConversation", 200, &renamed.body);
    assert_eq!(renamed.body["title"], "Taco launch");
    let listed = client.get("/v1/agent/conversations").await.expect(200);
    assert_eq!(listed.body[0]["id"], json!(conversation));
    client
        .patch(
            &format!("/v1/agent/conversations/{conversation}"),
            json!({"title": " "}),
        )
        .await
        .expect_error(422, "validation_error");

    client
        .delete(&format!("/v1/agent/conversations/{conversation}"))
        .await
        .expect(200);
    client
        .get(&format!("/v1/agent/conversations/{conversation}"))
        .await
        .expect_error(404, "not_found");
    let ideas = client
        .get(&format!("/v1/agent/ideas?agent_id={agent}"))
        .await
        .expect(200);
    assert_eq!(
        ideas.body.as_array().unwrap().len(),
        1,
        "ideas outlive their conversation"
    );
}

#[tokio::test]
async fn bad_input_is_refused_with_gens_errors() {
    let app = app().await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    client
        .post("/v1/agent/run", json!({"agent_id": agent}))
        .await
        .expect_error(422, "validation_error");
    client
        .post("/v1/agent/run", json!({"message": "hi"}))
        .await
        .expect_error(422, "validation_error");
    client
        .post(
            "/v1/agent/run",
            json!({"message": "hi", "agent_id": 999_999}),
        )
        .await
        .expect_error(422, "agent_not_found");
    client
        .post(
            "/v1/agent/run",
            json!({"message": "hi", "agent_id": agent, "conversation_id": "nope"}),
        )
        .await
        .expect_error(404, "not_found");
    client
        .post("/v1/research", json!({"agent_id": agent}))
        .await
        .expect_error(422, "validation_error");
    client
        .post(
            "/v1/research",
            json!({"agent_id": agent, "topic": "tacos", "depth": "thorough"}),
        )
        .await
        .expect_error(422, "validation_error");
    client
        .get("/v1/agent/runs/nope")
        .await
        .expect_error(404, "not_found");
    let chat = finished(&app, "hello", None).await;
    let run_id = chat["run_id"].as_str().unwrap();
    client
        .send(
            Method::POST,
            &format!("/v1/agent/runs/{run_id}/approve"),
            None,
        )
        .await
        .expect_error(422, "run_status_invalid");
}

#[tokio::test]
async fn research_without_a_source_completes_saying_so_and_costs_nothing() {
    let app = app().await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let before = balance(&app.owner).await;
    let started = client
        .post(
            "/v1/research",
            json!({"agent_id": agent, "topic": "tacos at night", "depth": "quick"}),
        )
        .await
        .expect(202);
    contract().assert_conforms("runResearch", 202, &started.body);
    app.drain_jobs().await;
    let done = run(client, started.body["run_id"].as_str().unwrap()).await;
    assert_eq!(done["status"], "completed", "{done}");
    let data = &answer(&done)["data"];
    assert_eq!(data["depth"], "quick");
    assert!(!data["unanswered"].as_array().unwrap().is_empty());
    assert!((before - balance(&app.owner).await).abs() < 0.01);
}

#[tokio::test]
async fn runs_and_conversations_are_out_of_reach_of_other_tenants_and_viewers() {
    let app = app().await;
    let agent = app.owner.agent_id.get();
    let done = finished(&app, "hello", None).await;
    let run_id = done["run_id"].as_str().unwrap();
    let conversation = done["conversation_id"].as_str().unwrap();

    let stranger = app.user("Stranger").await;
    let client = &stranger.client;
    client
        .get(&format!("/v1/agent/runs/{run_id}"))
        .await
        .expect_error(404, "not_found");
    client
        .send(
            Method::POST,
            &format!("/v1/agent/runs/{run_id}/approve"),
            None,
        )
        .await
        .expect_error(404, "not_found");
    client
        .post(&format!("/v1/agent/runs/{run_id}/cancel"), json!({}))
        .await
        .expect_error(404, "not_found");
    for path in ["", "/messages", "/runs"] {
        client
            .get(&format!("/v1/agent/conversations/{conversation}{path}"))
            .await
            .expect_error(404, "not_found");
    }
    client
        .patch(
            &format!("/v1/agent/conversations/{conversation}"),
            json!({"pinned": true}),
        )
        .await
        .expect_error(404, "not_found");
    client
        .delete(&format!("/v1/agent/conversations/{conversation}"))
        .await
        .expect_error(404, "not_found");
    client
        .post("/v1/agent/run", json!({"message": "hi", "agent_id": agent}))
        .await
        .expect_error(422, "agent_not_found");
    client
        .post(
            "/v1/agent/run",
            json!({"message": "hi", "agent_id": stranger.agent_id.get(), "conversation_id": conversation}),
        )
        .await
        .expect_error(404, "not_found");
    client
        .get(&format!("/v1/agent/conversations?agent_id={agent}"))
        .await
        .expect_error(404, "not_found");
    assert_eq!(
        client.get("/v1/agent/conversations").await.expect(200).body,
        json!([])
    );

    let viewer = app.member_of(app.owner.workspace_id, Role::Viewer).await;
    viewer
        .client
        .post("/v1/agent/run", json!({"message": "hi", "agent_id": agent}))
        .await
        .expect_error(403, "permission_denied");
}
