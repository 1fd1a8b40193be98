//! Progress over MCP: a call that asks for it follows the job it starts, telling the client
//! how it moves, and answers what the job's polling tool reads once it rests; a call that does
//! not ask answers the job's id at once.

use serde_json::{Value, json};

use super::{Mcp, StdioMode, scripted_app};
use crate::harness::{TestApp, text_cell};

/// Generates into a fresh cell asking for progress; checks the notifications and the answer.
async fn follows_a_generation(app: &TestApp, mcp: &Mcp) {
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let (sheet, cell) = text_cell(client, agent).await;
    let arguments = json!({"engine_id": sheet.to_string(), "cell_id": cell.to_string(),
        "agent_id": agent.to_string(), "generation_type": "text",
        "data": {"prompt": "A hook about tacos at dawn"}});

    let (called, notifications) = mcp
        .call_following("gen_generate_content", arguments.clone(), "tacos-1")
        .await;
    let done = called.ok();
    assert_eq!(done["status"], "completed", "{done}");
    let rest = client
        .get(&format!("/v1/generations/{}", done["id"]))
        .await
        .expect(200);
    assert_eq!(done, rest.body, "the answer is gen_get_generation's");
    assert!(!notifications.is_empty());
    let mut last = -1.0;
    for note in &notifications {
        assert_eq!(note["method"], "notifications/progress", "{note}");
        let params = &note["params"];
        assert_eq!(params["progressToken"], "tacos-1");
        assert_eq!(params["total"], 1.0);
        let progress = params["progress"].as_f64().unwrap();
        assert!(progress > last, "progress only grows: {notifications:?}");
        last = progress;
    }
    let end = &notifications.last().unwrap()["params"];
    assert_eq!(
        (end["progress"].as_f64(), end["message"].as_str()),
        (Some(1.0), Some("completed"))
    );

    // Without a token the id comes back at once.
    let started = mcp.call("gen_generate_content", arguments).await.ok();
    assert!(started["generation_id"].is_number(), "{started}");
    app.drain_jobs().await;
}

#[tokio::test]
async fn a_call_asking_for_progress_over_http_follows_its_generation_to_the_end() {
    let app = scripted_app().await;
    follows_a_generation(&app, &Mcp::http(&app.owner.client)).await;
}

#[tokio::test]
async fn a_call_asking_for_progress_over_stdio_follows_its_generation_to_the_end() {
    let app = scripted_app().await;
    follows_a_generation(&app, &Mcp::stdio(&app, StdioMode::InProcess).await).await;
}

#[tokio::test]
async fn a_dry_run_asking_for_progress_answers_its_plan_at_once() {
    let app = scripted_app().await;
    let mcp = Mcp::http(&app.owner.client);
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let (sheet, _) = text_cell(client, agent).await;
    let engine = client
        .get(&format!("/v1/autocontentengine/{sheet}?agent_id={agent}"))
        .await
        .expect(200)
        .body;
    let row: &Value = &engine["spreadsheet_rows"][0];
    let (called, notifications) = mcp
        .call_following(
            "ace_run_row",
            json!({"engine_id": sheet.to_string(), "row_id": row["id"].to_string(),
                "agent_id": agent.to_string(), "dry_run": true}),
            "plan",
        )
        .await;
    assert!(called.ok()["total_estimated_credits"].is_number());
    assert!(notifications.is_empty(), "{notifications:?}");
}
