//! Row runs (an ace addition): `POST …/rows/{row_id}/run` generates a row's cells in the order
//! their cards depend on each other and renders its video, each cell an ordinary generation;
//! a dry run plans and prices it; a run is followed live, stopped, and run over many rows.

use std::sync::Arc;
use std::time::Duration;

use crate::harness::{Client, Echoes, FailsThenWrites, Member, TestApp, TestAppBuilder, Writes};
use ace_domain::sheet::card::GenerationType;
use serde_json::{Value, json};

use crate::contract;
use crate::harness::{
    add_row, balance, cell_in, id, line_over_backdrop, read, stack_layers, text_columns,
};

/// An engine whose row writes a HOOK about its TOPIC, then a LINE after the HOOK, and shows
/// both over a shape: `(sheet, row)`.
pub(crate) async fn story_row(member: &Member) -> (i64, i64) {
    let (client, agent) = (&member.client, member.agent_id.get());
    let sheet = crate::harness::engine(client, agent, "Runs").await;
    let sheet = id(&sheet);
    text_columns(
        client,
        agent,
        sheet,
        &[
            ("TOPIC", Value::Null),
            (
                "HOOK",
                json!({"generation_type": "text", "data": {"prompt": "A hook about {{TOPIC}}"}}),
            ),
            (
                "LINE",
                json!({"generation_type": "text", "data": {"prompt": "After {{HOOK}} comes"}}),
            ),
        ],
    )
    .await;
    let row = add_row(client, agent, sheet).await;
    let engine = read(client, agent, sheet).await;
    let topic = id(&cell_in(&engine, &row, "TOPIC"));
    client
        .patch(
            &format!("/v1/autocontentengine/{sheet}/cells/{topic}?agent_id={agent}"),
            json!({"value": "tacos"}),
        )
        .await
        .expect(200);
    let video = id(&cell_in(&engine, &row, "VIDEO"));
    stack_layers(client, agent, sheet, video, &line_over_backdrop()).await;
    (sheet, id(&row))
}

fn run_path(agent: i64, sheet: i64, row: i64) -> String {
    format!("/v1/autocontentengine/{sheet}/rows/{row}/run?agent_id={agent}")
}

fn runs_path(agent: i64, sheet: i64, row: i64, run: i64, rest: &str) -> String {
    format!("/v1/autocontentengine/{sheet}/rows/{row}/runs/{run}{rest}?agent_id={agent}")
}

/// Starts a run and returns its id.
async fn started(client: &Client, agent: i64, sheet: i64, row: i64, body: Value) -> i64 {
    let reply = client
        .post(&run_path(agent, sheet, row), body)
        .await
        .expect(202);
    contract().assert_conforms("runRow", 202, &reply.body);
    assert_eq!(reply.body["status"], "pending");
    reply.body["run_id"].as_i64().unwrap()
}

/// Follows a run's event stream to its end, then reads it.
async fn ended(client: &Client, agent: i64, sheet: i64, row: i64, run: i64) -> (String, Value) {
    let stream = client
        .get(&runs_path(agent, sheet, row, run, "/events"))
        .await
        .expect(200);
    let reply = client
        .get(&runs_path(agent, sheet, row, run, ""))
        .await
        .expect(200);
    contract().assert_conforms("getRowRun", 200, &reply.body);
    (stream.text, reply.body)
}

fn step<'a>(run: &'a Value, title: &str) -> &'a Value {
    run["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["column_title"] == title)
        .unwrap_or_else(|| panic!("no step {title} in {run}"))
}

pub(crate) async fn writing_app(builder: TestAppBuilder) -> TestApp {
    builder
        .generator(GenerationType::Text, Arc::new(Echoes))
        .spawn()
        .await
}

#[tokio::test]
async fn a_run_generates_a_rows_cells_in_the_order_their_cards_need_then_renders_it() {
    let app = writing_app(TestApp::builder()).await;
    let owner = &app.owner;
    let (client, agent) = (&owner.client, owner.agent_id.get());
    let (sheet, row) = story_row(owner).await;
    let before = balance(owner).await;
    let run = started(client, agent, sheet, row, json!({})).await;
    let (events, body) = ended(client, agent, sheet, row, run).await;
    assert_eq!(body["status"], "completed", "{body}");
    assert_eq!(body["render"]["status"], "completed", "{body}");
    let order: Vec<&str> = body["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["column_title"].as_str().unwrap())
        .collect();
    assert_eq!(order, ["HOOK", "LINE"]);
    assert!(
        body["steps"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["status"] == "completed")
    );
    assert_eq!(body["progress"], 1.0);
    for event in [
        "event: step",
        "event: progress",
        "event: render",
        "event: status",
    ] {
        assert!(events.contains(event), "{event} missing from {events}");
    }

    // LINE ran after HOOK and was given its text.
    let engine = read(client, agent, sheet).await;
    let row_value = engine["spreadsheet_rows"][0].clone();
    let value = |title: &str| cell_in(&engine, &row_value, title)["value"].clone();
    assert_eq!(value("HOOK"), "said: A hook about tacos");
    assert_eq!(value("LINE"), "said: After said: A hook about tacos comes");
    let hook = step(&body, "HOOK")["generation_id"].as_i64().unwrap();
    let generation = client
        .get(&format!("/v1/generations/{hook}"))
        .await
        .expect(200);
    assert_eq!(generation.body["user_job_type"], "text");
    assert!(value("FINAL VIDEO").as_str().unwrap().contains("/files/"));

    // Each cell and the render were charged as ordinary generations.
    let spent = body["credits_spent"].as_f64().unwrap();
    assert!(spent > 0.0);
    assert!((before - balance(owner).await - spent).abs() < 1e-6);

    // The STATS cell sums the row up.
    let stats: Value = serde_json::from_str(value("STATS").as_str().unwrap()).unwrap();
    assert!(
        (stats["credits"].as_f64().unwrap() - spent).abs() < 1e-6,
        "{stats}"
    );
    let titles: Vec<&str> = stats["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["column_title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["HOOK", "LINE"]);
    assert_eq!(stats["steps"][0]["model"], "echoes");
    assert_eq!(stats["steps"][0]["provider"], "test");
    assert!(stats["steps"][0]["seconds"].is_number());
    let render = &stats["render"];
    assert_eq!(
        (render["width"].as_i64(), render["height"].as_i64()),
        (Some(1080), Some(1920))
    );
    assert!(
        (render["duration_s"].as_f64().unwrap() - 1.0).abs() < 0.1,
        "{render}"
    );
    assert!(render["bytes"].as_i64().unwrap() > 0);

    // Run again: cells with values are kept, and only the render runs.
    let again = started(client, agent, sheet, row, json!({})).await;
    let (_, body) = ended(client, agent, sheet, row, again).await;
    assert_eq!(body["status"], "completed");
    assert!(step(&body, "HOOK")["generation_id"].is_null());
    assert!(
        step(&body, "HOOK")["reason"]
            .as_str()
            .unwrap()
            .contains("kept")
    );
}

#[tokio::test]
async fn a_dry_run_plans_and_prices_a_run_and_charges_nothing() {
    let app = writing_app(TestApp::builder()).await;
    let owner = &app.owner;
    let (client, agent) = (&owner.client, owner.agent_id.get());
    let (sheet, row) = story_row(owner).await;
    let before = balance(owner).await;
    let reply = client
        .post(&run_path(agent, sheet, row), json!({"dry_run": true}))
        .await
        .expect(200);
    contract().assert_conforms("runRow", 200, &reply.body);
    let plan = &reply.body;
    assert_eq!(plan["runnable"], true);
    let hook = step(plan, "HOOK");
    let line = step(plan, "LINE");
    assert_eq!(hook["generation_type"], "text");
    assert_eq!(hook["model"], "gemini_2_0_flash");
    assert_eq!(line["depends_on"], json!([hook["column_id"]]));
    assert!(hook["estimated_credits"].as_f64().unwrap() > 0.0);
    let sum = hook["estimated_credits"].as_f64().unwrap()
        + line["estimated_credits"].as_f64().unwrap()
        + plan["render"]["estimated_credits"].as_f64().unwrap();
    assert!((plan["total_estimated_credits"].as_f64().unwrap() - sum).abs() < 1e-6);
    assert_eq!(balance(owner).await, before, "a dry run charges nothing");
    let engine = read(client, agent, sheet).await;
    assert!(
        engine["spreadsheet_rows"][0]["spreadsheet_cells"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["default_user_job"].is_null())
    );
}

#[tokio::test]
async fn a_step_that_cannot_run_here_is_refused_up_front_naming_the_setting() {
    let app = writing_app(TestApp::builder()).await;
    let owner = &app.owner;
    let (client, agent) = (&owner.client, owner.agent_id.get());
    let (sheet, row) = story_row(owner).await;
    client
        .post(
            &format!("/v1/autocontentengine/{sheet}/columns?agent_id={agent}"),
            json!({"title": "LIPSYNC", "type": "video", "additional_attributes": {"creation_card":
                {"generation_type": "lipsync", "data": {"model": "sync_so", "video_var": "LINE", "audio_var": "LINE"}}}}),
        )
        .await
        .expect(201);
    let before = balance(owner).await;
    let plan = client
        .post(&run_path(agent, sheet, row), json!({"dry_run": true}))
        .await
        .expect(200)
        .body;
    assert_eq!(plan["runnable"], false);
    let lipsync = step(&plan, "LIPSYNC");
    assert_eq!(lipsync["runnable"], false);
    assert!(
        lipsync["reason"]
            .as_str()
            .unwrap()
            .contains("api = \"lipsync\""),
        "{lipsync}"
    );
    let refused = client
        .post(&run_path(agent, sheet, row), json!({}))
        .await
        .expect_error(422, "validation_error");
    assert!(refused.text.contains("LIPSYNC"), "{}", refused.text);
    assert_eq!(balance(owner).await, before, "nothing is charged");
}

#[tokio::test]
async fn cards_that_depend_on_each_other_in_a_cycle_are_refused_naming_the_columns() {
    let app = writing_app(TestApp::builder()).await;
    let (client, agent) = (&app.owner.client, app.owner.agent_id.get());
    let sheet = id(&crate::harness::engine(client, agent, "Cycle").await);
    for (title, other) in [("PING", "PONG"), ("PONG", "PING")] {
        client
            .post(
                &format!("/v1/autocontentengine/{sheet}/columns?agent_id={agent}"),
                json!({"title": title, "type": "text", "additional_attributes": {"creation_card":
                    {"generation_type": "text", "data": {"prompt": format!("Answer {{{{{other}}}}}")}}}}),
            )
            .await
            .expect(201);
    }
    let row = id(&add_row(client, agent, sheet).await);
    for body in [json!({}), json!({"dry_run": true})] {
        let refused = client
            .post(&run_path(agent, sheet, row), body)
            .await
            .expect_error(422, "validation_error");
        assert!(
            refused.text.contains("PING -> PONG -> PING")
                || refused.text.contains("PONG -> PING -> PONG"),
            "{}",
            refused.text
        );
    }
}

#[tokio::test]
async fn a_failed_cell_skips_the_cells_that_need_it_and_the_render_runs_without_them() {
    let app = TestApp::builder()
        .generator(
            GenerationType::Text,
            Arc::new(FailsThenWrites::permanently()),
        )
        .spawn()
        .await;
    let owner = &app.owner;
    let (client, agent) = (&owner.client, owner.agent_id.get());
    let (sheet, row) = story_row(owner).await;
    // The render shows only the backdrop, which needs no cell.
    let engine = read(client, agent, sheet).await;
    let video = id(&cell_in(&engine, &engine["spreadsheet_rows"][0], "VIDEO"));
    let layers = client
        .get(&format!(
            "/v1/autocontentengine/{sheet}/cells/{video}?agent_id={agent}"
        ))
        .await
        .expect(200)
        .body;
    let text_layer = layers["video_layers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["type"] == "text")
        .unwrap()["id"]
        .clone();
    client
        .delete(&format!(
            "/v1/autocontentengine/{sheet}/cells/{video}/layers/{text_layer}?agent_id={agent}"
        ))
        .await
        .expect(204);
    let before = balance(owner).await;
    let run = started(client, agent, sheet, row, json!({})).await;
    let (_, body) = ended(client, agent, sheet, row, run).await;
    assert_eq!(step(&body, "HOOK")["status"], "failed", "{body}");
    assert!(step(&body, "HOOK")["reason"].is_string());
    let line = step(&body, "LINE");
    assert_eq!(line["status"], "stopped");
    assert!(line["reason"].as_str().unwrap().contains("HOOK"), "{line}");
    assert!(line["generation_id"].is_null());
    assert_eq!(body["render"]["status"], "completed", "{body}");
    assert_eq!(body["status"], "completed");
    // The failed cell was refunded: only the render was paid for.
    let spent = body["credits_spent"].as_f64().unwrap();
    assert!((before - balance(owner).await - spent).abs() < 1e-6);
}

#[tokio::test]
async fn a_render_whose_layers_need_a_failed_cell_is_not_started_and_the_run_fails() {
    let app = TestApp::builder()
        .generator(
            GenerationType::Text,
            Arc::new(FailsThenWrites::permanently()),
        )
        .spawn()
        .await;
    let owner = &app.owner;
    let (client, agent) = (&owner.client, owner.agent_id.get());
    let (sheet, row) = story_row(owner).await;
    let run = started(client, agent, sheet, row, json!({})).await;
    let (_, body) = ended(client, agent, sheet, row, run).await;
    assert_eq!(body["status"], "failed");
    assert!(body["render"].is_null());
    assert!(
        body["failed_reason"].as_str().unwrap().contains("LINE"),
        "{body}"
    );
}

#[tokio::test]
async fn stopping_a_run_stops_its_running_cells_with_a_refund_and_starts_nothing_more() {
    let slow = Writes {
        delay: Duration::from_secs(600),
        ..Writes::text("never")
    };
    let app = TestApp::builder()
        .generator(GenerationType::Text, Arc::new(slow))
        .spawn()
        .await;
    let owner = &app.owner;
    let (client, agent) = (&owner.client, owner.agent_id.get());
    let (sheet, row) = story_row(owner).await;
    let before = balance(owner).await;
    let run = started(client, agent, sheet, row, json!({})).await;
    // A second run of the same row waits for this one.
    client
        .post(&run_path(agent, sheet, row), json!({}))
        .await
        .expect_error(422, "validation_error");
    // Wait until HOOK's generation is on its way.
    let mut events = client
        .request(
            reqwest::Method::GET,
            &runs_path(agent, sheet, row, run, "/events"),
        )
        .send()
        .await
        .unwrap();
    let mut seen = String::new();
    let started = |text: &str| {
        text.split("\"generation_id\":")
            .skip(1)
            .any(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
    };
    while !started(&seen) {
        let chunk = events.chunk().await.unwrap().expect("the run goes on");
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    drop(events);
    let stopped = client
        .post(&runs_path(agent, sheet, row, run, "/stop"), json!({}))
        .await
        .expect(200);
    contract().assert_conforms("stopRowRun", 200, &stopped.body);
    assert_eq!(stopped.body["status"], "stopped");
    assert_eq!(step(&stopped.body, "HOOK")["status"], "stopped");
    assert_eq!(step(&stopped.body, "LINE")["status"], "stopped");
    assert!(step(&stopped.body, "LINE")["generation_id"].is_null());
    assert_eq!(balance(owner).await, before, "what had not run is refunded");
    client
        .post(&runs_path(agent, sheet, row, run, "/stop"), json!({}))
        .await
        .expect_error(422, "job_cannot_be_stopped");
}

#[tokio::test]
async fn a_batch_runs_many_rows_a_few_at_a_time_and_reports_each() {
    let app = writing_app(TestApp::builder()).await;
    let owner = &app.owner;
    let (client, agent) = (&owner.client, owner.agent_id.get());
    let (sheet, first) = story_row(owner).await;
    let mut rows = vec![first];
    for _ in 0..2 {
        let copy = client
            .post(
                &format!("/v1/autocontentengine/{sheet}/rows/{first}/duplicate?agent_id={agent}"),
                json!({}),
            )
            .await
            .expect(201);
        rows.push(id(&copy.body));
    }
    let batch = client
        .post(
            &format!("/v1/autocontentengine/{sheet}/run?agent_id={agent}"),
            json!({"row_ids": rows, "max_parallel_rows": 1}),
        )
        .await
        .expect(202);
    contract().assert_conforms("runRows", 202, &batch.body);
    let batch = batch.body["batch_id"].as_i64().unwrap();
    let path = format!("/v1/autocontentengine/{sheet}/runs/{batch}?agent_id={agent}");
    let view = client.get(&path).await.expect(200);
    contract().assert_conforms("getRowRunBatch", 200, &view.body);
    assert_eq!(view.body["progress"]["rows"], 3);
    // Follow each row's run to its end.
    for run in view.body["runs"].as_array().unwrap() {
        let (row, id) = (
            run["row_id"].as_i64().unwrap(),
            run["run_id"].as_i64().unwrap(),
        );
        let (_, body) = ended(client, agent, sheet, row, id).await;
        assert_eq!(body["status"], "completed", "{body}");
    }
    let view = client.get(&path).await.expect(200).body;
    assert_eq!(view["status"], "completed", "{view}");
    assert_eq!(view["progress"]["completed"], 3);
    assert_eq!(view["progress"]["progress"], 1.0);
    client
        .post(
            &format!("/v1/autocontentengine/{sheet}/run?agent_id={agent}"),
            json!({"max_parallel_rows": 0}),
        )
        .await
        .expect_error(422, "validation_error");
    client
        .post(
            &format!("/v1/autocontentengine/{sheet}/run?agent_id={agent}"),
            json!({"row_ids": [999_999]}),
        )
        .await
        .expect_error(404, "not_found");
    let stop = format!("/v1/autocontentengine/{sheet}/runs/{batch}/stop?agent_id={agent}");
    client
        .post(&stop, json!({}))
        .await
        .expect_error(422, "job_cannot_be_stopped");
}

#[tokio::test]
async fn another_tenant_can_neither_see_nor_run_a_row() {
    let app = writing_app(TestApp::builder()).await;
    let owner = &app.owner;
    let agent = owner.agent_id.get();
    let (sheet, row) = story_row(owner).await;
    let run = started(&owner.client, agent, sheet, row, json!({"dry_run": false})).await;
    let stranger = app.user("Stranger").await;
    for path in [
        run_path(agent, sheet, row),
        runs_path(agent, sheet, row, run, "/stop"),
    ] {
        stranger
            .client
            .post(&path, json!({}))
            .await
            .expect_error(404, "not_found");
    }
    stranger
        .client
        .get(&runs_path(agent, sheet, row, run, ""))
        .await
        .expect_error(404, "not_found");
    owner
        .client
        .get(&runs_path(agent, sheet, row, 999_999, ""))
        .await
        .expect_error(404, "not_found");
    owner
        .client
        .post(&run_path(agent, sheet, 999_999), json!({"dry_run": true}))
        .await
        .expect_error(404, "not_found");
    owner
        .client
        .post(&run_path(agent, sheet, row), json!({"force": "yes"}))
        .await
        .expect_error(422, "validation_error");
}

#[tokio::test]
async fn a_layer_whose_upload_column_is_empty_is_left_out_and_the_row_still_renders() {
    let app = writing_app(TestApp::builder()).await;
    let owner = &app.owner;
    let (client, agent) = (&owner.client, owner.agent_id.get());
    let (sheet, row) = story_row(owner).await;
    client
        .post(
            &format!("/v1/autocontentengine/{sheet}/columns?agent_id={agent}"),
            json!({"title": "MUSIC", "type": "audio"}),
        )
        .await
        .expect(201);
    let engine = read(client, agent, sheet).await;
    let video = id(&cell_in(&engine, &engine["spreadsheet_rows"][0], "VIDEO"));
    client
        .post(
            &format!("/v1/autocontentengine/{sheet}/cells/{video}/layers?agent_id={agent}"),
            json!({"name": "Music", "type": "sound", "additional_attributes": {"source_column": "MUSIC", "from": 0, "durationInFrames": 30}}),
        )
        .await
        .expect(201);
    let plan = client
        .post(&run_path(agent, sheet, row), json!({"dry_run": true}))
        .await
        .expect(200)
        .body;
    assert_eq!(plan["runnable"], true);
    let notes = plan["render"]["notes"].as_array().unwrap();
    assert!(
        notes.iter().any(|n| n.as_str().unwrap().contains("MUSIC")),
        "{plan}"
    );
    let run = started(client, agent, sheet, row, json!({})).await;
    let (_, body) = ended(client, agent, sheet, row, run).await;
    assert_eq!(body["status"], "completed", "{body}");
}
