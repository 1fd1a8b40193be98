//! Step 4 over MCP: columns, rows, cells, layers, variables and generations, each answer the
//! same as its REST route's.

use serde_json::{Value, json};

use super::{Mcp, with};
use crate::harness::{TestApp, cell_in, engine, id};

/// Calls every editing tool on a fresh engine.
pub async fn journey(app: &TestApp, mcp: &Mcp) {
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let sheet = id(&engine(client, agent, "Editing").await);
    let rest = |path: String| async move {
        client
            .get(&format!(
                "/v1/autocontentengine/{sheet}{path}?agent_id={agent}"
            ))
            .await
            .expect(200)
            .body
    };
    let at_args = json!({"engine_id": sheet.to_string(), "agent_id": agent.to_string()});
    let at = |more: Value| with(&at_args, more);

    let column = mcp
        .call(
            "gen_create_column",
            at(json!({"title": "HOOK", "type": "text"})),
        )
        .await
        .ok();
    let column_id = column["id"].to_string();
    let listed = mcp.call("gen_list_columns", at(json!({}))).await.ok();
    assert_eq!(listed, rest("/columns".into()).await);
    let renamed = mcp
        .call(
            "gen_update_column",
            at(json!({"column_id": column_id, "title": "HOOKS"})),
        )
        .await
        .ok();
    assert_eq!(renamed["title"], "HOOKS");

    let row = mcp.call("gen_create_row", at(json!({}))).await.ok();
    let rows = mcp.call("gen_list_rows", at(json!({}))).await.ok();
    assert_eq!(rows, rest("/rows".into()).await);
    let full = rest(String::new()).await;
    let hook = cell_in(&full, &row, "HOOKS")["id"].to_string();
    let set = mcp
        .call(
            "gen_update_cell",
            at(json!({"cell_id": hook, "value": "Tacos at dawn"})),
        )
        .await
        .ok();
    assert_eq!(set["value"], "Tacos at dawn");
    let cell = mcp
        .call("gen_get_cell", at(json!({"cell_id": hook})))
        .await
        .ok();
    assert_eq!(cell, rest(format!("/cells/{hook}")).await);
    let copy = mcp
        .call(
            "gen_duplicate_row",
            at(json!({"row_id": row["id"].to_string()})),
        )
        .await
        .ok();
    assert_ne!(copy["id"], row["id"]);

    let video = cell_in(&full, &row, "VIDEO")["id"].to_string();
    let layer = mcp
        .call(
            "gen_create_layer",
            at(json!({"cell_id": video, "name": "Title", "type": "text"})),
        )
        .await
        .ok();
    let layer_id = layer["id"].to_string();
    let shown = mcp
        .call(
            "gen_get_layer",
            at(json!({"cell_id": video, "layer_id": layer_id})),
        )
        .await
        .ok();
    assert_eq!(
        shown,
        rest(format!("/cells/{video}/layers/{layer_id}")).await
    );
    let updated = mcp
        .call(
            "gen_update_layer",
            at(json!({"cell_id": video, "layer_id": layer_id,
                "additional_attributes": {"content": "{{HOOKS}}", "from": 0, "durationInFrames": 30}})),
        )
        .await
        .ok();
    assert_eq!(updated["additional_attributes"]["content"], "{{HOOKS}}");
    let variables = mcp.call("gen_list_variables", at(json!({}))).await.ok();
    assert_eq!(variables, rest("/global_variables".into()).await);

    let started = mcp
        .call(
            "gen_generate_content",
            at(json!({"cell_id": hook, "generation_type": "text",
                "data": {"prompt": "A hook about tacos at dawn"}})),
        )
        .await
        .ok();
    // Generate answers a numeric id (renderVideo, a string one), as over REST.
    let generation = started["generation_id"].as_i64().unwrap().to_string();
    app.drain_jobs().await;
    mcp.generation(client, &generation).await;
    // A text layer has nothing to generate from: refused as the route refuses it.
    let layer_run = mcp
        .call(
            "gen_generate_layer",
            at(json!({"cell_id": video, "layer_id": layer_id})),
        )
        .await;
    if layer_run.is_error {
        assert!(!layer_run.error_code().is_empty());
    } else {
        app.drain_jobs().await;
    }

    mcp.call(
        "gen_delete_layer",
        at(json!({"cell_id": video, "layer_id": layer_id})),
    )
    .await
    .ok();
    mcp.call("gen_delete_column", at(json!({"column_id": column_id})))
        .await
        .ok();
    let columns = rest("/columns".into()).await;
    assert!(!columns.to_string().contains("HOOKS"), "{columns}");
}
