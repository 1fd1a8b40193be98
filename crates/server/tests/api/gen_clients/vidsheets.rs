//! Vidsheets built in both clients' shapes: engines, rows, columns, cells and layers.

use super::*;

#[tokio::test]
async fn gens_clients_build_a_vidsheet_in_both_of_their_shapes() {
    let app = TestApp::spawn().await;
    let caller = Gen {
        client: &app.owner.client,
    };
    let agent = app.owner.agent_id.get();
    let (sdk, mcp) = (json!(agent), json!(agent.to_string()));

    // Templates: `page` is sent even when it is 0.
    for path in [
        "/templates/projects",
        "/templates/projects?page=0",
        "/templates/projects?page=1",
    ] {
        reads(
            &caller.get("listTemplates", path).await.expect(200),
            &["*.id", "*.slug", "*.title"],
        );
    }
    reads(
        &caller
            .get("getTemplate", "/templates/projects/text-driven")
            .await
            .expect(200),
        &["id", "slug", "title"],
    );
    // cloneTemplate and gen_clone_template send only `{agent_id}`, as a number or a string.
    for agent_id in [&sdk, &mcp] {
        let cloned = caller
            .post(
                "cloneTemplate",
                "/templates/spreadsheets/text-driven/clone",
                json!({"agent_id": agent_id}),
            )
            .await
            .expect(201);
        reads(&cloned, &["id", "spreadsheet_columns.*.id"]);
    }

    // Engines: the SDK's query and wrapper, the MCP server's top-level fields.
    let sdk_engine = caller
        .post(
            "createSheet",
            &format!("/autocontentengine?agent_id={agent}"),
            json!({"spreadsheet": {"title": "Sdk Engine"}}),
        )
        .await
        .expect(201);
    let mcp_engine = caller
        .post(
            "createSheet",
            "/autocontentengine",
            json!({"agent_id": mcp, "title": "Mcp Engine"}),
        )
        .await
        .expect(201);
    assert_eq!(mcp_engine.body["title"], "Mcp Engine");
    let sheet = id(&sdk_engine.body);
    let base = format!("/autocontentengine/{sheet}");
    reads(
        &caller
            .get("getSheet", &format!("{base}?agent_id={agent}"))
            .await
            .expect(200),
        &["id", "spreadsheet_columns.*.id"],
    );
    caller
        .post(
            "cloneSheet",
            &format!("{base}/clone?agent_id={agent}"),
            json!({}),
        )
        .await
        .expect(201);
    let clone = caller
        .post(
            "cloneSheet",
            &format!("{base}/clone"),
            json!({"agent_id": mcp}),
        )
        .await
        .expect(201);
    reads(&clone, &["id"]);

    // Rows.
    let sdk_row = caller
        .post(
            "createRow",
            &format!("{base}/rows?agent_id={agent}"),
            json!({}),
        )
        .await
        .expect(201);
    reads(&sdk_row, &["id", "spreadsheet_cells.*.id"]);
    let mcp_row = caller
        .post(
            "createRow",
            &format!("{base}/rows"),
            json!({"agent_id": mcp}),
        )
        .await
        .expect(201);
    let row = id(&sdk_row.body);
    caller
        .post(
            "duplicateRow",
            &format!("{base}/rows/{row}/duplicate?agent_id={agent}"),
            json!({}),
        )
        .await
        .expect(201);
    caller
        .post(
            "duplicateRow",
            &format!("{base}/rows/{}/duplicate", id(&mcp_row.body)),
            json!({"agent_id": mcp}),
        )
        .await
        .expect(201);
    let rows = caller
        .get("listRows", &format!("{base}/rows?agent_id={agent}"))
        .await
        .expect(200);
    reads(&rows, &["*.id", "*.position"]);
    assert_eq!(rows.body.as_array().unwrap().len(), 4);

    // Columns: the SDK's test sends a 0-based position, which counts as the first place.
    let sdk_column = caller
        .post(
            "createColumn",
            &format!("{base}/columns?agent_id={agent}"),
            json!({"spreadsheet_column": {"title": "HOOK", "type": "text", "position": 0}}),
        )
        .await
        .expect(201);
    reads(&sdk_column, &["id", "title", "type", "position"]);
    assert_eq!(sdk_column.body["position"], 1);
    let mcp_column = caller
        .post(
            "createColumn",
            &format!("{base}/columns"),
            json!({"agent_id": mcp, "title": "STILL", "type": "image"}),
        )
        .await
        .expect(201);
    let column = id(&sdk_column.body);
    // Both clients update with `agent_id` beside the wrapper and no query; the MCP server's
    // wrapper may be empty.
    let renamed = caller
        .patch(
            "updateColumn",
            &format!("{base}/columns/{column}"),
            json!({"agent_id": sdk, "spreadsheet_column": {"title": "HOOKS"}}),
        )
        .await
        .expect(200);
    assert_eq!(renamed.body["title"], "HOOKS");
    caller
        .patch(
            "updateColumn",
            &format!("{base}/columns/{column}"),
            json!({"agent_id": mcp, "spreadsheet_column": {}}),
        )
        .await
        .expect(200);
    reads(
        &caller
            .get("listColumns", &format!("{base}/columns?agent_id={agent}"))
            .await
            .expect(200),
        &["*.id", "*.title"],
    );
    caller
        .delete(
            "deleteColumn",
            &format!("{base}/columns/{}?agent_id={agent}", id(&mcp_column.body)),
        )
        .await
        .expect(204);

    // Cells.
    let engine = caller
        .get("getSheet", &format!("{base}?agent_id={agent}"))
        .await
        .expect(200)
        .body;
    let row_value = engine["spreadsheet_rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == row)
        .unwrap()
        .clone();
    let hook = crate::harness::cell_in(&engine, &row_value, "HOOKS");
    let video = crate::harness::cell_in(&engine, &row_value, "VIDEO");
    let cell = format!("{base}/cells/{}", id(&hook));
    let sdk_value = caller
        .patch(
            "updateCell",
            &format!("{cell}?agent_id={agent}"),
            json!({"spreadsheet_cell": {"value": "new value"}}),
        )
        .await
        .expect(200);
    assert_eq!(sdk_value.body["value"], "new value");
    caller
        .patch(
            "updateCell",
            &cell,
            json!({"agent_id": mcp, "value": "from Claude"}),
        )
        .await
        .expect(200);
    let read = caller
        .get("getCell", &format!("{cell}?agent_id={agent}"))
        .await
        .expect(200);
    reads(&read, &["id", "value"]);
    assert_eq!(read.body["value"], "from Claude");

    // Layers, on the row's video cell.
    let layers = format!("{base}/cells/{}/layers", id(&video));
    let sdk_layer = caller
        .post(
            "createLayer",
            &format!("{layers}?agent_id={agent}"),
            json!({"video_layer": {"name": "overlay", "type": "text", "position": 0}}),
        )
        .await
        .expect(201);
    reads(&sdk_layer, &["id", "name", "type", "position"]);
    let mcp_layer = caller
        .post(
            "createLayer",
            &layers,
            json!({"agent_id": mcp, "name": "music", "type": "audio", "position": 1}),
        )
        .await
        .expect(201);
    assert_eq!(mcp_layer.body["type"], "sound");
    let layer = format!("{layers}/{}", id(&sdk_layer.body));
    let updated = caller
        .patch(
            "updateLayer",
            &layer,
            json!({"agent_id": sdk, "video_layer": {"name": "title", "additional_attributes": {"content": "Tacos"}}}),
        )
        .await
        .expect(200);
    assert_eq!(updated.body["additional_attributes"]["content"], "Tacos");
    caller
        .patch(
            "updateLayer",
            &layer,
            json!({"agent_id": mcp, "video_layer": {}}),
        )
        .await
        .expect(200);
    reads(
        &caller
            .get("getLayer", &format!("{layer}?agent_id={agent}"))
            .await
            .expect(200),
        &["id", "name", "type"],
    );
    caller
        .delete(
            "deleteLayer",
            &format!("{layers}/{}?agent_id={agent}", id(&mcp_layer.body)),
        )
        .await
        .expect(204);

    // Global variables: an object (GEN's OpenAPI and docs), though the SDK types a list.
    let variables = format!("{base}/global_variables");
    let created = caller
        .post(
            "createGlobalVariable",
            &format!("{variables}?agent_id={agent}"),
            json!({"global_variable": {"key": "city", "value": "Austin"}}),
        )
        .await
        .expect(201);
    reads(&created, &["id", "key", "value"]);
    let variable = format!("{variables}/{}?agent_id={agent}", id(&created.body));
    let changed = caller
        .patch(
            "updateGlobalVariable",
            &variable,
            json!({"global_variable": {"value": "Dallas"}}),
        )
        .await
        .expect(200);
    assert_eq!(changed.body["value"], "Dallas");
    let listed = caller
        .get(
            "getGlobalVariables",
            &format!("{variables}?agent_id={agent}"),
        )
        .await
        .expect(200);
    reads(&listed, &["variables.*.key"]);
    caller
        .delete("deleteGlobalVariable", &variable)
        .await
        .expect(204);
}
