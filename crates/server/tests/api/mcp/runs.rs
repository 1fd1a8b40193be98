//! Steps 4 and 5 over MCP: files uploaded directly and kept, a row run planned then run, a
//! sheet run, a pipeline run, a video checked against the posting gates and a post refused
//! without a TikTok account, each answer the same as its REST route's.

use serde_json::{Value, json};

use super::{Mcp, with};
use crate::harness::{
    TestApp, add_row, cell_in, engine, id, line_over_backdrop, mp4, read, stack_layers,
    text_columns,
};

/// Calls every file, run, pipeline and publishing tool.
pub async fn journey(app: &TestApp, mcp: &Mcp) {
    let video = files(app, mcp).await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let at_args = json!({ "agent_id": agent.to_string() });
    let at = |more: Value| with(&at_args, more);

    let checked = mcp
        .call("ace_check_video", at(json!({ "resource_id": video })))
        .await
        .ok();
    let rest = client
        .send(
            reqwest::Method::POST,
            &format!("/v1/content_resources/{video}/check?agent_id={agent}"),
            None,
        )
        .await;
    assert_eq!(checked, rest.expect(200).body);
    let refused = mcp
        .call(
            "gen_publish_content",
            at(
                json!({"platform": "tiktok", "media_url": "https://example.com/v.mp4",
                "description": "Tacos #tacos", "schedule_type": "now"}),
            ),
        )
        .await;
    assert!(!refused.error_code().is_empty());

    let sheet = id(&engine(client, agent, "Runs").await);
    text_columns(
        client,
        agent,
        sheet,
        &[
            ("HOOK", Value::Null),
            (
                "LINE",
                json!({"generation_type": "text", "data": {"prompt": "After {{HOOK}} comes"}}),
            ),
        ],
    )
    .await;
    let row = add_row(client, agent, sheet).await;
    let full = read(client, agent, sheet).await;
    let video_cell = id(&cell_in(&full, &row, "VIDEO"));
    stack_layers(client, agent, sheet, video_cell, &line_over_backdrop()).await;
    let on_row_args = at(json!({"engine_id": sheet.to_string(), "row_id": row["id"].to_string()}));
    let on_row = |more: Value| with(&on_row_args, more);

    let plan = mcp
        .call("ace_run_row", on_row(json!({"dry_run": true})))
        .await
        .ok();
    assert!(plan["total_estimated_credits"].is_number(), "{plan}");
    let started = mcp.call("ace_run_row", on_row(json!({}))).await.ok();
    let run = started["run_id"].to_string();
    app.drain_jobs().await;
    let ran = mcp
        .call("ace_get_row_run", on_row(json!({ "run_id": run })))
        .await
        .ok();
    let rest = client
        .get(&format!(
            "/v1/autocontentengine/{sheet}/rows/{}/runs/{run}?agent_id={agent}",
            row["id"]
        ))
        .await;
    assert_eq!(ran, rest.expect(200).body);
    assert_eq!(ran["status"], "completed", "{ran}");
    let stopped = mcp
        .call("ace_stop_row_run", on_row(json!({ "run_id": run })))
        .await;
    let rest = client
        .send(
            reqwest::Method::POST,
            &format!(
                "/v1/autocontentengine/{sheet}/rows/{}/runs/{run}/stop?agent_id={agent}",
                row["id"]
            ),
            None,
        )
        .await;
    assert_eq!(
        stopped.error_code(),
        rest.error_code(),
        "an ended run is not stopped"
    );

    let on_sheet_args = at(json!({"engine_id": sheet.to_string()}));
    let on_sheet = |more: Value| with(&on_sheet_args, more);
    let batch = mcp
        .call(
            "ace_run_sheet",
            on_sheet(json!({"row_ids": [row["id"].to_string()], "force": true})),
        )
        .await
        .ok();
    let batch = batch["batch_id"].to_string();
    mcp.call("ace_stop_sheet_run", on_sheet(json!({ "batch_id": batch })))
        .await
        .ok();
    app.drain_jobs().await;
    let sheet_run = mcp
        .call("ace_get_sheet_run", on_sheet(json!({ "batch_id": batch })))
        .await
        .ok();
    assert_ne!(sheet_run["status"], "processing", "{sheet_run}");

    pipelines(app, mcp, sheet, &on_sheet).await;
}

/// A direct upload kept as a content resource, read, renamed, listed and deleted; answers the
/// id of a video kept the same way.
async fn files(app: &TestApp, mcp: &Mcp) -> String {
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get().to_string();
    let bytes = tokio::task::spawn_blocking(|| mp4(720, 1280, 2))
        .await
        .unwrap();
    let signed_id = mcp.upload_directly("tacos.mp4", "video/mp4", bytes).await;
    let kept = mcp
        .call(
            "gen_create_content_resource",
            json!({"agent_id": agent, "signed_id": signed_id}),
        )
        .await
        .ok();
    let video = kept["content_resource"]["id"]
        .as_i64()
        .or_else(|| kept["id"].as_i64())
        .unwrap_or_else(|| panic!("a resource: {kept}"))
        .to_string();
    let read = mcp
        .call(
            "gen_get_content_resource",
            json!({"agent_id": agent, "resource_id": video}),
        )
        .await
        .ok();
    let rest = client
        .get(&format!("/v1/content_resources/{video}?agent_id={agent}"))
        .await;
    assert_eq!(read, rest.expect(200).body);
    let renamed = mcp
        .call(
            "gen_update_content_resource",
            json!({"agent_id": agent, "resource_id": video, "filename": "birria.mp4"}),
        )
        .await
        .ok();
    assert!(renamed.to_string().contains("birria.mp4"), "{renamed}");
    let listed = mcp
        .call(
            "gen_list_content_resources",
            json!({"agent_id": agent, "type": "video"}),
        )
        .await
        .ok();
    let rest = client
        .get(&format!(
            "/v1/content_resources?agent_id={agent}&type=video"
        ))
        .await;
    assert_eq!(listed, rest.expect(200).body);
    let library = mcp
        .call(
            "gen_list_asset_libraries",
            json!({"agent_id": agent, "order": "recent"}),
        )
        .await
        .ok();
    let rest = client
        .get(&format!(
            "/v1/asset_libraries?agent_id={agent}&order=recent"
        ))
        .await;
    assert_eq!(library, rest.expect(200).body);

    // A second copy, deleted.
    let spare = crate::harness::uploaded(client, app.owner.agent_id.get(), "spare.mp4", {
        tokio::task::spawn_blocking(|| mp4(360, 640, 1))
            .await
            .unwrap()
    })
    .await;
    mcp.call(
        "gen_delete_content_resource",
        json!({"agent_id": agent, "resource_id": id(&spare).to_string()}),
    )
    .await
    .ok();
    video
}

/// A pipeline created, given an action, run, read and cancelled.
async fn pipelines(app: &TestApp, mcp: &Mcp, sheet: i64, on_sheet: &impl Fn(Value) -> Value) {
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let created = mcp
        .call(
            "ace_create_pipeline",
            on_sheet(json!({"name": "Nightly", "trigger_type": "webhook", "budget_credits": 50})),
        )
        .await
        .ok();
    let pipeline = created["id"].to_string();
    let on_pipeline_args = on_sheet(json!({ "pipeline_id": pipeline }));
    let on_pipeline = |more: Value| with(&on_pipeline_args, more);
    mcp.call(
        "ace_add_pipeline_action",
        on_pipeline(
            json!({"action_type": "ideas", "config": {"prompt": "generate 1 content idea"}}),
        ),
    )
    .await
    .ok();
    let listed = mcp
        .call("ace_list_pipelines", on_sheet(json!({})))
        .await
        .ok();
    let rest = client
        .get(&format!(
            "/v1/autocontentengine/{sheet}/pipelines?agent_id={agent}"
        ))
        .await;
    assert_eq!(listed, rest.expect(200).body);
    let shown = mcp
        .call("ace_get_pipeline", on_pipeline(json!({})))
        .await
        .ok();
    assert_eq!(
        shown["actions"].as_array().map(Vec::len),
        Some(1),
        "{shown}"
    );

    let started = mcp
        .call("ace_start_pipeline_run", on_pipeline(json!({})))
        .await
        .ok();
    let run = started["run_id"].to_string();
    app.drain_jobs().await;
    let ran = mcp
        .call(
            "ace_get_pipeline_run",
            on_pipeline(json!({ "run_id": run })),
        )
        .await
        .ok();
    let rest = client
        .get(&format!(
            "/v1/autocontentengine/{sheet}/pipelines/{pipeline}/runs/{run}?agent_id={agent}"
        ))
        .await;
    assert_eq!(ran, rest.expect(200).body);
    let runs = mcp
        .call("ace_list_pipeline_runs", on_pipeline(json!({})))
        .await
        .ok();
    assert_eq!(runs.as_array().map(Vec::len), Some(1), "{runs}");
    let another = mcp
        .call("ace_start_pipeline_run", on_pipeline(json!({})))
        .await
        .ok();
    let cancelled = mcp
        .call(
            "ace_cancel_pipeline_run",
            on_pipeline(json!({"run_id": another["run_id"].to_string()})),
        )
        .await
        .ok();
    assert_eq!(cancelled["status"], "cancelled", "{cancelled}");
    app.drain_jobs().await;
}
