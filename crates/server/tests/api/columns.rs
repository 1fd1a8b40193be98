//! `/v1/autocontentengine/{id}/columns`: the user's ingredient columns and the engine's own.

use crate::harness::TestApp;
use serde_json::{Value, json};

use crate::contract;
use crate::harness::{add_row, cell_in, engine, id, read};

fn titles(columns: &Value) -> Vec<String> {
    columns
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["title"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_new_column_goes_before_the_system_columns_and_gets_a_cell_in_every_row() {
    let app = TestApp::spawn().await;
    let (agent, client) = (app.owner.agent_id.get(), &app.owner.client);
    let sheet = engine(client, agent, "Columns").await;
    let sheet_id = id(&sheet);
    add_row(client, agent, sheet_id).await;
    add_row(client, agent, sheet_id).await;
    let path = format!("/v1/autocontentengine/{sheet_id}/columns?agent_id={agent}");
    let created = client
        .post(
            &path,
            json!({"spreadsheet_column": {"title": "Voiceover", "type": "audio"}}),
        )
        .await
        .expect(201)
        .body;
    contract().assert_conforms("createColumn", 201, &created);
    assert_eq!(
        (created["column_role"].clone(), created["position"].clone()),
        (json!("ingredient"), json!(1))
    );
    let first = client
        .post(
            &path,
            json!({"title": "Hook", "type": "text", "position": 1}),
        )
        .await
        .expect(201)
        .body;
    let listed = client.get(&path).await.expect(200).body;
    contract().assert_conforms("listColumns", 200, &listed);
    assert_eq!(
        titles(&listed),
        ["Hook", "Voiceover", "VIDEO", "FINAL VIDEO", "STATS"]
    );
    let positions: Vec<i64> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["position"].as_i64().unwrap())
        .collect();
    assert_eq!(positions, [1, 2, 3, 4, 5]);
    let full = read(client, agent, sheet_id).await;
    for row in full["spreadsheet_rows"].as_array().unwrap() {
        assert_eq!(row["spreadsheet_cells"].as_array().unwrap().len(), 5);
        assert_eq!(cell_in(&full, row, "Hook")["column_id"], first["id"]);
    }
}

#[tokio::test]
async fn a_column_needs_a_title_and_a_user_type() {
    let app = TestApp::spawn().await;
    let (agent, client) = (app.owner.agent_id.get(), &app.owner.client);
    let sheet = engine(client, agent, "Bad columns").await;
    let path = format!(
        "/v1/autocontentengine/{}/columns?agent_id={agent}",
        id(&sheet)
    );
    client
        .post(&path, json!({"type": "text"}))
        .await
        .expect_error(422, "validation_error");
    for kind in ["stats", "music", ""] {
        client
            .post(&path, json!({"title": "X", "type": kind}))
            .await
            .expect_error(422, "validation_error");
    }
    client
        .post(&path, json!({"title": "{{x}}", "type": "text"}))
        .await
        .expect_error(422, "validation_error");
    let card = json!({"title": "Bad card", "type": "text", "additional_attributes": {"creation_card": {"generation_type": "telepathy", "data": {}}}});
    let reply = client
        .post(&path, card)
        .await
        .expect_error(422, "validation_error");
    assert!(
        reply.body["error"]
            .as_str()
            .unwrap()
            .contains("generation_type")
    );
}

#[tokio::test]
async fn a_columns_creation_card_reaches_the_cells_of_old_and_new_rows() {
    let app = TestApp::spawn().await;
    let (agent, client) = (app.owner.agent_id.get(), &app.owner.client);
    let sheet = engine(client, agent, "Cards").await;
    let sheet_id = id(&sheet);
    add_row(client, agent, sheet_id).await;
    let card = json!({"generation_type": "text", "data": {"prompt": "Write about {{topic}}", "model": "gemini_2_5_pro"}});
    client
        .post(
            &format!("/v1/autocontentengine/{sheet_id}/columns?agent_id={agent}"),
            json!({"title": "SCRIPT", "type": "text", "additional_attributes": {"creation_card": card}}),
        )
        .await
        .expect(201);
    add_row(client, agent, sheet_id).await;
    let full = read(client, agent, sheet_id).await;
    for row in full["spreadsheet_rows"].as_array().unwrap() {
        assert_eq!(
            cell_in(&full, row, "SCRIPT")["additional_attributes"]["creation_card"],
            card
        );
    }
}

#[tokio::test]
async fn ingredient_columns_update_duplicate_reorder_and_delete_with_their_cells() {
    let app = TestApp::spawn().await;
    let (agent, client) = (app.owner.agent_id.get(), &app.owner.client);
    let sheet = engine(client, agent, "Edits").await;
    let sheet_id = id(&sheet);
    let base = format!("/v1/autocontentengine/{sheet_id}/columns");
    let a = client
        .post(
            &format!("{base}?agent_id={agent}"),
            json!({"title": "A", "type": "text"}),
        )
        .await
        .expect(201)
        .body;
    let b = client
        .post(
            &format!("{base}?agent_id={agent}"),
            json!({"title": "B", "type": "image"}),
        )
        .await
        .expect(201)
        .body;
    let row = add_row(client, agent, sheet_id).await;
    let full = read(client, agent, sheet_id).await;
    let a_cell = cell_in(&full, &row, "A");
    client
        .patch(
            &format!(
                "/v1/autocontentengine/{sheet_id}/cells/{}?agent_id={agent}",
                id(&a_cell)
            ),
            json!({"value": "kept"}),
        )
        .await
        .expect(200);

    let renamed = client
        .patch(&format!("{base}/{}", id(&a)), json!({"agent_id": agent, "spreadsheet_column": {"title": "Alpha", "description": "first"}}))
        .await
        .expect(200)
        .body;
    assert_eq!(
        (renamed["title"].clone(), renamed["description"].clone()),
        (json!("Alpha"), json!("first"))
    );

    let copy = client
        .post(
            &format!("{base}/{}/duplicate?agent_id={agent}", id(&a)),
            json!({}),
        )
        .await
        .expect(201)
        .body;
    contract().assert_conforms("duplicateColumn", 201, &copy);
    assert_eq!(copy["title"], "Alpha (copy)");
    assert_eq!(copy["position"], 2);
    let full = read(client, agent, sheet_id).await;
    assert_eq!(
        cell_in(&full, &full["spreadsheet_rows"][0], "Alpha (copy)")["value"],
        "kept"
    );

    let reordered = client
        .patch(
            &format!("{base}/update_positions?agent_id={agent}"),
            json!({"columns": [{"id": id(&b).to_string(), "position": 1}]}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(
        titles(&reordered),
        [
            "B",
            "Alpha",
            "Alpha (copy)",
            "VIDEO",
            "FINAL VIDEO",
            "STATS"
        ]
    );

    let mass = client
        .put(&format!("{base}/mass_update?agent_id={agent}"), json!({"columns": [{"id": id(&b), "title": "Beta"}, {"id": id(&copy), "description": "dup"}]}))
        .await
        .expect(200)
        .body;
    assert_eq!(titles(&mass)[0], "Beta");

    client
        .delete(&format!("{base}/{}?agent_id={agent}", id(&copy)))
        .await
        .expect(204);
    let listed = client
        .get(&format!("{base}?agent_id={agent}"))
        .await
        .expect(200)
        .body;
    assert_eq!(
        titles(&listed),
        ["Beta", "Alpha", "VIDEO", "FINAL VIDEO", "STATS"]
    );
    let positions: Vec<i64> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["position"].as_i64().unwrap())
        .collect();
    assert_eq!(positions, [1, 2, 3, 4, 5]);
    let full = read(client, agent, sheet_id).await;
    assert_eq!(
        full["spreadsheet_rows"][0]["spreadsheet_cells"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
}

#[tokio::test]
async fn system_columns_refuse_every_change() {
    let app = TestApp::spawn().await;
    let (agent, client) = (app.owner.agent_id.get(), &app.owner.client);
    let sheet = engine(client, agent, "System").await;
    let base = format!("/v1/autocontentengine/{}/columns", id(&sheet));
    for column in sheet["spreadsheet_columns"].as_array().unwrap() {
        let path = format!("{base}/{}?agent_id={agent}", id(column));
        let reply = client
            .patch(&path, json!({"title": "Mine now"}))
            .await
            .expect_error(422, "validation_error");
        assert!(
            reply.body["error"]
                .as_str()
                .unwrap()
                .contains("only ingredient columns")
        );
        client
            .delete(&path)
            .await
            .expect_error(422, "validation_error");
        client
            .post(
                &format!("{base}/{}/duplicate?agent_id={agent}", id(column)),
                json!({}),
            )
            .await
            .expect_error(422, "validation_error");
    }
    client
        .put(
            &format!("{base}/mass_update?agent_id={agent}"),
            json!({"columns": [{"id": id(&sheet["spreadsheet_columns"][0]), "title": "x"}]}),
        )
        .await
        .expect_error(422, "validation_error");
}

#[tokio::test]
async fn another_workspace_cannot_touch_the_columns() {
    let app = TestApp::spawn().await;
    let (agent, client) = (app.owner.agent_id.get(), &app.owner.client);
    let sheet = engine(client, agent, "Private").await;
    let column = client
        .post(
            &format!(
                "/v1/autocontentengine/{}/columns?agent_id={agent}",
                id(&sheet)
            ),
            json!({"title": "A", "type": "text"}),
        )
        .await
        .expect(201)
        .body;
    let stranger = app.user("Stranger").await;
    let base = format!("/v1/autocontentengine/{}/columns", id(&sheet));
    stranger
        .client
        .get(&format!("{base}?agent_id={agent}"))
        .await
        .expect_error(404, "not_found");
    stranger
        .client
        .patch(
            &format!("{base}/{}?agent_id={}", id(&column), stranger.agent_id),
            json!({"title": "x"}),
        )
        .await
        .expect_error(404, "not_found");
    stranger
        .client
        .delete(&format!("{base}/{}?agent_id={agent}", id(&column)))
        .await
        .expect_error(404, "not_found");
    client
        .delete(&format!("{base}/999999?agent_id={agent}"))
        .await
        .expect_error(404, "not_found");
}
