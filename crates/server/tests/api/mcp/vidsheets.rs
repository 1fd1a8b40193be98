//! Steps 3 to 5 over MCP: templates, engines, and a render followed, stopped and continued.

use serde_json::json;

use super::Mcp;
use crate::harness::{TestApp, cell_in};

/// Calls every vidsheet and generation tool, comparing answers with the REST routes'.
pub async fn journey(app: &TestApp, mcp: &Mcp) {
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();

    let templates = mcp.call("gen_list_templates", json!({})).await.ok();
    assert_eq!(
        templates,
        client.get("/v1/templates/projects").await.expect(200).body
    );
    let slug = templates[0]["slug"].as_str().unwrap().to_owned();
    let template = mcp
        .call("gen_get_template", json!({"slug": slug}))
        .await
        .ok();
    assert_eq!(
        template,
        client
            .get(&format!("/v1/templates/projects/{slug}"))
            .await
            .expect(200)
            .body
    );
    let cloned = mcp
        .call(
            "gen_clone_template",
            json!({"slug": slug, "agent_id": agent.to_string()}),
        )
        .await
        .ok();
    let engine_id = cloned["id"].as_i64().unwrap().to_string();
    let engine = mcp
        .call(
            "gen_get_engine",
            json!({"agent_id": agent.to_string(), "engine_id": engine_id}),
        )
        .await
        .ok();
    assert_eq!(
        engine,
        client
            .get(&format!(
                "/v1/autocontentengine/{engine_id}?agent_id={agent}"
            ))
            .await
            .expect(200)
            .body
    );
    let blank = mcp
        .call(
            "gen_create_engine",
            json!({"agent_id": agent.to_string(), "title": "From scratch"}),
        )
        .await
        .ok();
    assert_eq!(blank["title"], "From scratch");
    let copy = mcp
        .call(
            "gen_clone_engine",
            json!({"agent_id": agent.to_string(), "engine_id": blank["id"].to_string()}),
        )
        .await
        .ok();
    assert_ne!(copy["id"], blank["id"]);

    let final_video = cell_in(&engine, &engine["spreadsheet_rows"][0], "FINAL VIDEO");
    let started = mcp
        .call(
            "gen_render_video",
            json!({"engine_id": engine_id, "cell_id": final_video["id"].to_string(),
                "agent_id": agent.to_string()}),
        )
        .await
        .ok();
    let generation = started["generation_id"].as_str().unwrap().to_owned();
    let stopped = mcp
        .call("gen_stop_generation", json!({"generation_id": generation}))
        .await;
    let continued = mcp
        .call(
            "gen_continue_generation",
            json!({"generation_id": generation}),
        )
        .await;
    // A render that ran before the stop could reach it cannot be stopped, and then it cannot
    // be continued either; otherwise it stops and continues.
    assert_eq!(
        stopped.is_error, continued.is_error,
        "{stopped:?} {continued:?}"
    );
    app.drain_jobs().await;
    let ended = mcp.generation(client, &generation).await;
    assert!(
        ["completed", "failed"].contains(&ended["status"].as_str().unwrap()),
        "{ended}"
    );
}
