//! `/v1/autocontentengine`: creating, reading and cloning engines.

use crate::harness::TestApp;
use ace_domain::credits::Credits;
use ace_domain::role::Role;
use serde_json::{Value, json};

use crate::contract;
use crate::harness::{add_row, cell_in, engine, id, read};

#[tokio::test]
async fn a_new_engine_has_the_three_system_columns_and_both_timestamp_forms() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let sheet = engine(&app.owner.client, agent, "March Campaign").await;
    assert_eq!(sheet["slug"], "march-campaign");
    assert_eq!(sheet["project_type"], "autocontentengine");
    assert_eq!(sheet["status"], "active");
    assert_eq!(sheet["is_default"], false);
    assert_eq!(sheet["global_variables_sheet"], Value::Null);
    assert!(sheet["created_at"].as_str().unwrap().ends_with('Z'));
    assert!(sheet["created_at_ts"].as_i64().unwrap() > 1_700_000_000_000);
    let columns: Vec<(&str, &str, &str)> = sheet["spreadsheet_columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["title"].as_str().unwrap(),
                c["type"].as_str().unwrap(),
                c["column_role"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        columns,
        vec![
            ("VIDEO", "video", "video"),
            ("FINAL VIDEO", "video", "final_video"),
            ("STATS", "stats", "stats")
        ]
    );
    let again = engine(&app.owner.client, agent, "March Campaign").await;
    assert_eq!(
        again["slug"], "march-campaign-2",
        "slugs stay unique per agent"
    );
}

#[tokio::test]
async fn an_engine_needs_a_title_and_a_known_canvas() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let path = format!("/v1/autocontentengine?agent_id={agent}");
    let reply = app
        .owner
        .client
        .post(&path, json!({"spreadsheet": {}}))
        .await
        .expect_error(422, "validation_error");
    assert!(
        reply.body["error"]
            .as_str()
            .unwrap()
            .contains("spreadsheet.title")
    );
    app.owner
        .client
        .post(&path, json!({"title": "x", "aspect_ratio": "3:2"}))
        .await
        .expect_error(422, "validation_error");
    // The MCP server's unwrapped shape works too.
    let sheet = app
        .owner
        .client
        .post(
            &path,
            json!({"agent_id": agent, "title": "Flat", "aspect_ratio": "1:1"}),
        )
        .await
        .expect(201);
    assert_eq!(sheet.body["aspect_ratio"], "1:1");
}

#[tokio::test]
async fn an_agent_has_at_most_one_default_engine() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let path = format!("/v1/autocontentengine?agent_id={agent}");
    let first = app
        .owner
        .client
        .post(
            &path,
            json!({"spreadsheet": {"title": "A", "is_default": true}}),
        )
        .await
        .expect(201)
        .body;
    let second = app
        .owner
        .client
        .post(
            &path,
            json!({"spreadsheet": {"title": "B", "is_default": true}}),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(second["is_default"], true);
    assert_eq!(
        read(&app.owner.client, agent, id(&first)).await["is_default"],
        false
    );
}

#[tokio::test]
async fn the_full_engine_nests_rows_cells_and_video_layers_and_can_add_costs() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let sheet = engine(&app.owner.client, agent, "Nested").await;
    let row = add_row(&app.owner.client, agent, id(&sheet)).await;
    let video = cell_in(&sheet, &row, "VIDEO");
    app.owner
        .client
        .post(
            &format!("/v1/autocontentengine/{}/cells/{}/layers?agent_id={agent}", id(&sheet), id(&video)),
            json!({"video_layer": {"name": "Hook", "type": "text", "additional_attributes": {"content": "Hi", "from": 0, "durationInFrames": 60}}}),
        )
        .await
        .expect(201);
    let full = read(&app.owner.client, agent, id(&sheet)).await;
    let rows = full["spreadsheet_rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["spreadsheet_cells"].as_array().unwrap().len(), 3);
    let video = cell_in(&full, &rows[0], "VIDEO");
    assert_eq!(video["cell_role"], "video");
    assert_eq!(video["video_layers"][0]["name"], "Hook");
    assert!(
        rows[0].get("execution_cost").is_none(),
        "costs only on request"
    );
    let costed = app
        .owner
        .client
        .get(&format!(
            "/v1/autocontentengine/{}?agent_id={agent}&with_execution_cost=true",
            id(&sheet)
        ))
        .await
        .expect(200)
        .body;
    contract().assert_conforms("getSheet", 200, &costed);
    assert_eq!(costed["spreadsheet_rows"][0]["execution_cost"], "0.0");
    assert_eq!(
        costed["spreadsheet_rows"][0]["spreadsheet_cells"][0]["execution_cost"],
        "0.0"
    );
}

#[tokio::test]
async fn engines_are_private_to_the_agents_workspace() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let sheet = engine(&app.owner.client, agent, "Mine").await;
    let stranger = app.user("Stranger").await;
    let theirs = stranger.agent_id.get();
    for path in [
        format!("/v1/autocontentengine/{}?agent_id={agent}", id(&sheet)),
        format!("/v1/autocontentengine/{}?agent_id={theirs}", id(&sheet)),
    ] {
        stranger
            .client
            .get(&path)
            .await
            .expect_error(404, "not_found");
    }
    stranger
        .client
        .post(
            &format!("/v1/autocontentengine?agent_id={agent}"),
            json!({"title": "Intrusion"}),
        )
        .await
        .expect_error(404, "not_found");
    stranger
        .client
        .post(
            &format!(
                "/v1/autocontentengine/{}/clone?agent_id={agent}",
                id(&sheet)
            ),
            json!({}),
        )
        .await
        .expect_error(404, "not_found");
}

#[tokio::test]
async fn viewers_read_engines_but_do_not_change_them() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let sheet = engine(&app.owner.client, agent, "Shared").await;
    let viewer = app.member_of(app.owner.workspace_id, Role::Viewer).await;
    read(&viewer.client, agent, id(&sheet)).await;
    viewer
        .client
        .post(
            &format!("/v1/autocontentengine/{}/rows?agent_id={agent}", id(&sheet)),
            json!({}),
        )
        .await
        .expect_error(403, "forbidden");
}

#[tokio::test]
async fn every_engine_call_needs_a_workspace_with_usable_credits() {
    let app = TestApp::builder()
        .starter_credits(Credits::whole(0))
        .spawn()
        .await;
    let agent = app.owner.agent_id.get();
    let reply = app
        .owner
        .client
        .post(
            &format!("/v1/autocontentengine?agent_id={agent}"),
            json!({"title": "Broke"}),
        )
        .await
        .expect_error(422, "usable_gen_credit_required");
    contract().assert_conforms("createSheet", 422, &reply.body);
    app.owner
        .client
        .get(&format!("/v1/autocontentengine/1?agent_id={agent}"))
        .await
        .expect_error(422, "usable_gen_credit_required");
    app.owner
        .client
        .post(
            "/v1/templates/spreadsheets/talking-avatar/clone",
            json!({"agent_id": agent}),
        )
        .await
        .expect_error(422, "usable_gen_credit_required");
}

#[tokio::test]
async fn a_clone_is_deep_and_editing_it_never_changes_the_original() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let client = &app.owner.client;
    let sheet = engine(client, agent, "Original").await;
    let sheet_id = id(&sheet);
    let column = client
        .post(
            &format!("/v1/autocontentengine/{sheet_id}/columns?agent_id={agent}"),
            json!({"title": "SCRIPT", "type": "text"}),
        )
        .await
        .expect(201)
        .body;
    let sheet = read(client, agent, sheet_id).await;
    let row = add_row(client, agent, sheet_id).await;
    let script = cell_in(&sheet, &row, "SCRIPT");
    client
        .patch(
            &format!(
                "/v1/autocontentengine/{sheet_id}/cells/{}?agent_id={agent}",
                id(&script)
            ),
            json!({"value": "original words"}),
        )
        .await
        .expect(200);
    let video = cell_in(&sheet, &row, "VIDEO");
    client
        .post(
            &format!("/v1/autocontentengine/{sheet_id}/cells/{}/layers?agent_id={agent}", id(&video)),
            json!({"name": "Music", "type": "audio", "additional_attributes": {"styles": {"volume": 0.8}}}),
        )
        .await
        .expect(201);
    client
        .post(
            &format!("/v1/autocontentengine/{sheet_id}/global_variables?agent_id={agent}"),
            json!({"key": "brand", "value": "Acme"}),
        )
        .await
        .expect(201);

    let clone = client
        .post(
            &format!("/v1/autocontentengine/{sheet_id}/clone?agent_id={agent}"),
            json!({}),
        )
        .await
        .expect(201)
        .body;
    contract().assert_conforms("cloneSheet", 201, &clone);
    let clone_id = id(&clone);
    assert_ne!(clone_id, sheet_id);
    assert_eq!(clone["title"], "Original");
    assert_eq!(
        clone["global_variables_sheet"]["variables"][0]["key"],
        "brand"
    );
    let clone_row = &clone["spreadsheet_rows"][0];
    let clone_script = cell_in(&clone, clone_row, "SCRIPT");
    assert_eq!(clone_script["value"], "original words");
    let clone_video = cell_in(&clone, clone_row, "VIDEO");
    let clone_layer = &clone_video["video_layers"][0];
    assert_eq!(clone_layer["type"], "sound");
    assert_ne!(id(&clone_script), id(&script));
    assert!(
        clone["spreadsheet_columns"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["id"] != column["id"])
    );

    client
        .patch(
            &format!(
                "/v1/autocontentengine/{clone_id}/cells/{}?agent_id={agent}",
                id(&clone_script)
            ),
            json!({"value": "edited"}),
        )
        .await
        .expect(200);
    client
        .patch(
            &format!(
                "/v1/autocontentengine/{clone_id}/cells/{}/layers/{}?agent_id={agent}",
                id(&clone_video),
                id(clone_layer)
            ),
            json!({"video_layer": {"additional_attributes": {"styles": {"volume": 0.1}}}}),
        )
        .await
        .expect(200);
    let original = read(client, agent, sheet_id).await;
    let original_row = &original["spreadsheet_rows"][0];
    assert_eq!(
        cell_in(&original, original_row, "SCRIPT")["value"],
        "original words"
    );
    assert_eq!(
        cell_in(&original, original_row, "VIDEO")["video_layers"][0]["additional_attributes"]["styles"]
            ["volume"],
        0.8
    );
}

#[tokio::test]
async fn a_clone_may_go_to_another_agent_the_caller_can_edit_but_no_further() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let client = &app.owner.client;
    let sheet = engine(client, agent, "Travels").await;
    let other = client
        .post("/v1/agents", json!({"agent": {"name": "Second"}}))
        .await
        .expect(201)
        .body["agent"]["id"]
        .as_i64()
        .unwrap();
    let clone = client
        .post(
            &format!(
                "/v1/autocontentengine/{}/clone?agent_id={agent}",
                id(&sheet)
            ),
            json!({"target_agent_id": other.to_string()}),
        )
        .await
        .expect(201)
        .body;
    read(client, other, id(&clone)).await;
    client
        .get(&format!(
            "/v1/autocontentengine/{}?agent_id={agent}",
            id(&clone)
        ))
        .await
        .expect_error(404, "not_found");
    let stranger = app.user("Stranger").await;
    let reply = client
        .post(
            &format!(
                "/v1/autocontentengine/{}/clone?agent_id={agent}",
                id(&sheet)
            ),
            json!({"target_agent_id": stranger.agent_id.get()}),
        )
        .await
        .expect_error(422, "validation_error");
    assert!(
        reply.body["error"]
            .as_str()
            .unwrap()
            .contains("target_agent_id")
    );
}
