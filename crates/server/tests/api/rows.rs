//! `/v1/autocontentengine/{id}/rows`: rows, their order and their copies.

use crate::harness::TestApp;
use serde_json::{Value, json};

use crate::contract;
use crate::harness::{add_row, cell_in, engine, id, read};

fn row_ids(rows: &Value) -> Vec<i64> {
    rows.as_array().unwrap().iter().map(id).collect()
}

fn positions(rows: &Value) -> Vec<i64> {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| r["position"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn rows_are_created_at_a_position_with_a_cell_per_column_and_listed_in_order() {
    let app = TestApp::spawn().await;
    let (agent, client) = (app.owner.agent_id.get(), &app.owner.client);
    let sheet = engine(client, agent, "Rows").await;
    let path = format!("/v1/autocontentengine/{}/rows?agent_id={agent}", id(&sheet));
    let first = client.post(&path, json!({})).await.expect(201).body;
    contract().assert_conforms("createRow", 201, &first);
    assert_eq!(first["position"], 1);
    assert_eq!(first["spreadsheet_cells"].as_array().unwrap().len(), 3);
    let top = client
        .post(&path, json!({"spreadsheet_row": {"position": 1}}))
        .await
        .expect(201)
        .body;
    let listed = client.get(&path).await.expect(200).body;
    contract().assert_conforms("listRows", 200, &listed);
    assert_eq!(row_ids(&listed), [id(&top), id(&first)]);
    assert_eq!(positions(&listed), [1, 2]);
    let one = client
        .get(&format!(
            "/v1/autocontentengine/{}/rows/{}?agent_id={agent}",
            id(&sheet),
            id(&first)
        ))
        .await
        .expect(200)
        .body;
    contract().assert_conforms("getRow", 200, &one);
    assert_eq!(one["position"], 2);
    client
        .post(&path, json!({"position": "top"}))
        .await
        .expect_error(422, "validation_error");
}

#[tokio::test]
async fn a_duplicated_row_is_a_deep_copy_right_after_the_original() {
    let app = TestApp::spawn().await;
    let (agent, client) = (app.owner.agent_id.get(), &app.owner.client);
    let sheet = engine(client, agent, "Dup").await;
    let sheet_id = id(&sheet);
    client
        .post(&format!("/v1/autocontentengine/{sheet_id}/columns?agent_id={agent}"), json!({"title": "SCRIPT", "type": "text",
            "additional_attributes": {"creation_card": {"generation_type": "text", "data": {"prompt": "p"}}}}))
        .await
        .expect(201);
    let sheet = read(client, agent, sheet_id).await;
    let row = add_row(client, agent, sheet_id).await;
    let last = add_row(client, agent, sheet_id).await;
    let script = cell_in(&sheet, &row, "SCRIPT");
    client
        .patch(
            &format!(
                "/v1/autocontentengine/{sheet_id}/cells/{}?agent_id={agent}",
                id(&script)
            ),
            json!({"value": "words"}),
        )
        .await
        .expect(200);
    let video = cell_in(&sheet, &row, "VIDEO");
    let layer = client
        .post(
            &format!("/v1/autocontentengine/{sheet_id}/cells/{}/layers?agent_id={agent}", id(&video)),
            json!({"name": "Title", "type": "text", "additional_attributes": {"content": "Hello", "styles": {"color": "#fff"}}}),
        )
        .await
        .expect(201)
        .body;

    let copy = client
        .post(
            &format!(
                "/v1/autocontentengine/{sheet_id}/rows/{}/duplicate?agent_id={agent}",
                id(&row)
            ),
            json!({}),
        )
        .await
        .expect(201)
        .body;
    contract().assert_conforms("duplicateRow", 201, &copy);
    assert_eq!(copy["position"], 2);
    let copied_script = cell_in(&sheet, &copy, "SCRIPT");
    assert_eq!(copied_script["value"], "words");
    assert_eq!(
        copied_script["additional_attributes"]["creation_card"]["generation_type"],
        "text"
    );
    let copied_layer = &cell_in(&sheet, &copy, "VIDEO")["video_layers"][0];
    assert_eq!(
        copied_layer["additional_attributes"],
        layer["additional_attributes"]
    );
    assert_ne!(copied_layer["id"], layer["id"]);

    // Editing the copy leaves the original alone.
    client
        .patch(
            &format!(
                "/v1/autocontentengine/{sheet_id}/cells/{}?agent_id={agent}",
                id(&copied_script)
            ),
            json!({"value": "changed"}),
        )
        .await
        .expect(200);
    let full = read(client, agent, sheet_id).await;
    assert_eq!(
        row_ids(&full["spreadsheet_rows"]),
        [id(&row), id(&copy), id(&last)]
    );
    assert_eq!(
        cell_in(&full, &full["spreadsheet_rows"][0], "SCRIPT")["value"],
        "words"
    );
}

#[tokio::test]
async fn rows_reorder_bulk_update_and_delete_keeping_positions_dense() {
    let app = TestApp::spawn().await;
    let (agent, client) = (app.owner.agent_id.get(), &app.owner.client);
    let sheet = engine(client, agent, "Order").await;
    let base = format!("/v1/autocontentengine/{}/rows", id(&sheet));
    let mut rows = Vec::new();
    for _ in 0..4 {
        rows.push(id(&add_row(client, agent, id(&sheet)).await));
    }
    let moved = client
        .put(
            &format!("{base}/update_positions?agent_id={agent}"),
            json!({"rows": [{"id": rows[0], "position": 2}, {"id": rows[1], "position": 1}]}),
        )
        .await
        .expect(200)
        .body;
    contract().assert_conforms("updateRowPositions", 200, &moved);
    assert_eq!(row_ids(&moved), [rows[1], rows[0], rows[2], rows[3]]);
    let updated = client
        .put(
            &format!("{base}/mass_update?agent_id={agent}"),
            json!({"rows": [{"id": rows[2], "additional_attributes": {"label": "hero"}}]}),
        )
        .await
        .expect(200)
        .body;
    contract().assert_conforms("massUpdateRows", 200, &updated);
    assert_eq!(updated[2]["additional_attributes"]["label"], "hero");
    client
        .put(
            &format!("{base}/mass_update?agent_id={agent}"),
            json!({"rows": [{"id": 999_999, "additional_attributes": {}}]}),
        )
        .await
        .expect_error(404, "not_found");
    client
        .put(
            &format!("{base}/update_positions?agent_id={agent}"),
            json!({"rows": [{"id": rows[0], "position": 1}, {"id": rows[0], "position": 2}]}),
        )
        .await
        .expect_error(422, "validation_error");
    client
        .put(
            &format!("{base}/update_positions?agent_id={agent}"),
            json!({}),
        )
        .await
        .expect_error(422, "validation_error");
    client
        .delete(&format!("{base}/{}?agent_id={agent}", rows[1]))
        .await
        .expect(204);
    let listed = client
        .get(&format!("{base}?agent_id={agent}"))
        .await
        .expect(200)
        .body;
    assert_eq!(row_ids(&listed), [rows[0], rows[2], rows[3]]);
    assert_eq!(positions(&listed), [1, 2, 3]);
}

#[tokio::test]
async fn positions_stay_dense_under_concurrent_inserts_moves_and_deletes() {
    let app = TestApp::spawn().await;
    let (agent, client) = (app.owner.agent_id.get(), app.owner.client.clone());
    let sheet = engine(&client, agent, "Race").await;
    let base = format!("/v1/autocontentengine/{}/rows", id(&sheet));
    let mut seeded = Vec::new();
    for _ in 0..9 {
        seeded.push(id(&add_row(&client, agent, id(&sheet)).await));
    }
    // Rows 0..6 get deleted; rows 6..9 get moved.
    let mut tasks = Vec::new();
    for i in 0..24_i64 {
        let (client, base) = (client.clone(), base.clone());
        let seeded = seeded.clone();
        tasks.push(tokio::spawn(async move {
            match i % 4 {
                0 | 1 => {
                    client
                        .post(
                            &format!("{base}?agent_id={agent}"),
                            json!({"position": i % 5 + 1}),
                        )
                        .await
                        .expect(201);
                }
                2 => {
                    let row = seeded[6 + usize::try_from(i % 3).unwrap()];
                    client
                        .put(
                            &format!("{base}/update_positions?agent_id={agent}"),
                            json!({"rows": [{"id": row, "position": i % 7 + 1}]}),
                        )
                        .await
                        .expect(200);
                }
                _ => {
                    let row = seeded[usize::try_from(i / 4).unwrap()];
                    client
                        .delete(&format!("{base}/{row}?agent_id={agent}"))
                        .await
                        .expect(204);
                }
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let listed = client
        .get(&format!("{base}?agent_id={agent}"))
        .await
        .expect(200)
        .body;
    let n = listed.as_array().unwrap().len();
    assert_eq!(n, 9 + 12 - 6);
    assert_eq!(
        positions(&listed),
        (1..=i64::try_from(n).unwrap()).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn another_workspace_cannot_read_or_change_rows() {
    let app = TestApp::spawn().await;
    let (agent, client) = (app.owner.agent_id.get(), &app.owner.client);
    let sheet = engine(client, agent, "Private rows").await;
    let row = add_row(client, agent, id(&sheet)).await;
    let stranger = app.user("Stranger").await;
    let base = format!("/v1/autocontentengine/{}/rows", id(&sheet));
    stranger
        .client
        .get(&format!("{base}?agent_id={agent}"))
        .await
        .expect_error(404, "not_found");
    stranger
        .client
        .get(&format!("{base}/{}?agent_id={agent}", id(&row)))
        .await
        .expect_error(404, "not_found");
    stranger
        .client
        .post(
            &format!("{base}/{}/duplicate?agent_id={agent}", id(&row)),
            json!({}),
        )
        .await
        .expect_error(404, "not_found");
    // A row of another engine is not found through this one.
    let other = engine(client, agent, "Other").await;
    client
        .get(&format!(
            "/v1/autocontentengine/{}/rows/{}?agent_id={agent}",
            id(&other),
            id(&row)
        ))
        .await
        .expect_error(404, "not_found");
}
