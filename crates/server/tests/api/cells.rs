//! `/v1/autocontentengine/{id}/cells`: values, bulk writes and the generation a cell shows.

use crate::harness::TestApp;
use ace_db::user_jobs::{self, NewJob};
use ace_domain::generation::{GenerationStatus, JobKind};
use ace_domain::ids::{AgentId, CellId, SpreadsheetId};
use ace_domain::sheet::card::GenerationType;
use serde_json::{Value, json};

use crate::contract;
use crate::harness::{add_row, cell_in, engine, id, read};

/// Records a finished job for a cell, as the generation engine will.
async fn job_for(app: &TestApp, agent: i64, sheet: i64, cell: i64) -> i64 {
    let mut conn = app.app.db().writer().await.unwrap();
    let job = user_jobs::insert(
        &mut conn,
        &NewJob {
            agent_id: AgentId::new(agent),
            organization_id: None,
            spreadsheet_id: Some(SpreadsheetId::new(sheet)),
            cell_id: Some(CellId::new(cell)),
            layer_id: None,
            user_job_type: JobKind::Card(GenerationType::Text),
            status: GenerationStatus::Completed,
            data: &json!({"prompt": "p"}),
            prompt: Some("p"),
            estimate_millis: 0,
            row_run_id: None,
        },
        app.app.clock().now(),
    )
    .await
    .unwrap();
    job.id.get()
}

async fn sheet_with_row(app: &TestApp) -> (i64, Value, Value) {
    let (agent, client) = (app.owner.agent_id.get(), &app.owner.client);
    let sheet = engine(client, agent, "Cells").await;
    client
        .post(
            &format!(
                "/v1/autocontentengine/{}/columns?agent_id={agent}",
                id(&sheet)
            ),
            json!({"title": "SCRIPT", "type": "text"}),
        )
        .await
        .expect(201);
    let sheet = read(client, agent, id(&sheet)).await;
    let row = add_row(client, agent, id(&sheet)).await;
    (agent, sheet, row)
}

#[tokio::test]
async fn a_cell_is_read_written_and_emptied() {
    let app = TestApp::spawn().await;
    let (agent, sheet, row) = sheet_with_row(&app).await;
    let client = &app.owner.client;
    let cell = cell_in(&sheet, &row, "SCRIPT");
    let path = format!(
        "/v1/autocontentengine/{}/cells/{}?agent_id={agent}",
        id(&sheet),
        id(&cell)
    );
    let read_back = client.get(&path).await.expect(200).body;
    contract().assert_conforms("getCell", 200, &read_back);
    assert_eq!(
        (read_back["value"].clone(), read_back["cell_role"].clone()),
        (Value::Null, json!("content"))
    );
    let written = client
        .patch(
            &path,
            json!({"spreadsheet_cell": {"value": "Updated script text"}}),
        )
        .await
        .expect(200)
        .body;
    contract().assert_conforms("updateCell", 200, &written);
    assert_eq!(written["value"], "Updated script text");
    let merged = client
        .patch(&path, json!({"additional_attributes": {"note": "keep"}}))
        .await
        .expect(200)
        .body;
    assert_eq!(
        merged["value"], "Updated script text",
        "a PATCH without value keeps it"
    );
    assert_eq!(merged["additional_attributes"]["note"], "keep");
    let emptied = client
        .patch(&path, json!({"value": null}))
        .await
        .expect(200)
        .body;
    assert_eq!(emptied["value"], Value::Null);
    client
        .patch(&path, json!({"value": {"nested": true}}))
        .await
        .expect_error(422, "validation_error");
    client
        .patch(&path, json!({"additional_attributes": {"creation_card": {"generation_type": "nope", "data": {}}}}))
        .await
        .expect_error(422, "validation_error");
}

#[tokio::test]
async fn cells_are_written_in_bulk_all_or_nothing() {
    let app = TestApp::spawn().await;
    let (agent, sheet, row) = sheet_with_row(&app).await;
    let client = &app.owner.client;
    let second = add_row(client, agent, id(&sheet)).await;
    let (a, b) = (
        cell_in(&sheet, &row, "SCRIPT"),
        cell_in(&sheet, &second, "SCRIPT"),
    );
    let path = format!(
        "/v1/autocontentengine/{}/cells/mass_update?agent_id={agent}",
        id(&sheet)
    );
    let written = client
        .put(&path, json!({"cells": [{"id": id(&a), "value": "Script for video 1"}, {"id": id(&b).to_string(), "value": "Script for video 2"}]}))
        .await
        .expect(200)
        .body;
    contract().assert_conforms("massUpdateCells", 200, &written);
    let values: Vec<&str> = written
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value"].as_str().unwrap())
        .collect();
    assert_eq!(values.len(), 2);
    assert!(values.contains(&"Script for video 1") && values.contains(&"Script for video 2"));
    client
        .put(&path, json!({"cells": [{"id": id(&a), "value": "lost"}, {"id": 999_999, "value": "nowhere"}]}))
        .await
        .expect_error(404, "not_found");
    let full = read(client, agent, id(&sheet)).await;
    assert_eq!(
        cell_in(&full, &full["spreadsheet_rows"][0], "SCRIPT")["value"],
        "Script for video 1"
    );
}

#[tokio::test]
async fn a_cell_shows_only_one_of_its_own_generations() {
    let app = TestApp::spawn().await;
    let (agent, sheet, row) = sheet_with_row(&app).await;
    let client = &app.owner.client;
    let cell = cell_in(&sheet, &row, "SCRIPT");
    let other = cell_in(&sheet, &row, "VIDEO");
    let mine = job_for(&app, agent, id(&sheet), id(&cell)).await;
    let foreign = job_for(&app, agent, id(&sheet), id(&other)).await;
    let path = format!(
        "/v1/autocontentengine/{}/cells/{}/set_default_user_job?agent_id={agent}",
        id(&sheet),
        id(&cell)
    );
    let shown = client
        .patch(&path, json!({"user_job_id": mine.to_string()}))
        .await
        .expect(200)
        .body;
    contract().assert_conforms("getCell", 200, &shown);
    assert_eq!(shown["default_user_job"]["id"], mine);
    assert_eq!(shown["user_jobs"].as_array().unwrap().len(), 1);
    assert_eq!(shown["default_user_job"]["status"], "completed");
    let reply = client
        .patch(&path, json!({"user_job_id": foreign}))
        .await
        .expect_error(422, "validation_error");
    assert!(
        reply.body["error"]
            .as_str()
            .unwrap()
            .contains("user_job_id")
    );
    client
        .patch(&path, json!({"user_job_id": 999_999}))
        .await
        .expect_error(404, "not_found");
    client
        .patch(&path, json!({}))
        .await
        .expect_error(422, "validation_error");
}

#[tokio::test]
async fn another_workspace_cannot_read_or_write_cells() {
    let app = TestApp::spawn().await;
    let (agent, sheet, row) = sheet_with_row(&app).await;
    let cell = cell_in(&sheet, &row, "SCRIPT");
    let stranger = app.user("Stranger").await;
    let path = format!("/v1/autocontentengine/{}/cells/{}", id(&sheet), id(&cell));
    stranger
        .client
        .get(&format!("{path}?agent_id={agent}"))
        .await
        .expect_error(404, "not_found");
    stranger
        .client
        .patch(
            &format!("{path}?agent_id={}", stranger.agent_id),
            json!({"value": "x"}),
        )
        .await
        .expect_error(404, "not_found");
    stranger
        .client
        .put(
            &format!(
                "/v1/autocontentengine/{}/cells/mass_update?agent_id={agent}",
                id(&sheet)
            ),
            json!({"cells": []}),
        )
        .await
        .expect_error(404, "not_found");
}
