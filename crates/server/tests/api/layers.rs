//! `/v1/autocontentengine/{id}/cells/{cell_id}/layers`: a video cell's timeline.

use crate::harness::TestApp;
use serde_json::{Value, json};

use crate::contract;
use crate::harness::{add_row, cell_in, engine, id, read, uploaded};

/// An engine with one row; returns (agent, sheet id, the row's VIDEO cell, its layers path).
async fn video_cell(app: &TestApp) -> (i64, i64, Value, String) {
    let (agent, client) = (app.owner.agent_id.get(), &app.owner.client);
    let sheet = engine(client, agent, "Layers").await;
    let row = add_row(client, agent, id(&sheet)).await;
    let cell = cell_in(&sheet, &row, "VIDEO");
    let path = format!(
        "/v1/autocontentengine/{}/cells/{}/layers",
        id(&sheet),
        id(&cell)
    );
    (agent, id(&sheet), cell, path)
}

#[tokio::test]
async fn layers_take_the_documented_types_and_aliases_and_stack_by_position() {
    let app = TestApp::spawn().await;
    let (agent, _, _, path) = video_cell(&app).await;
    let client = &app.owner.client;
    let mut kinds = Vec::new();
    for (name, kind) in [
        ("Back", "video"),
        ("Voice", "audio"),
        ("Words", "captions"),
        ("Title", "text"),
        ("Logo", "image"),
        ("Box", "shape"),
        ("Clip", "clip"),
        ("Fx", "sound"),
        ("Cap", "caption"),
    ] {
        let layer = client
            .post(
                &format!("{path}?agent_id={agent}"),
                json!({"video_layer": {"name": name, "type": kind}}),
            )
            .await
            .expect(201)
            .body;
        contract().assert_conforms("createLayer", 201, &layer);
        kinds.push((
            layer["type"].as_str().unwrap().to_owned(),
            layer["position"].as_i64().unwrap(),
        ));
    }
    let expected = [
        "clip", "sound", "caption", "text", "image", "shape", "clip", "sound", "caption",
    ];
    assert_eq!(
        kinds.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
        expected
    );
    assert_eq!(
        kinds.iter().map(|(_, p)| *p).collect::<Vec<_>>(),
        (1..=9).collect::<Vec<_>>()
    );
    let bottom = client
        .post(
            &format!("{path}?agent_id={agent}"),
            json!({"agent_id": agent, "name": "Under", "type": "image", "position": 1}),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(bottom["position"], 1);
    client
        .post(
            &format!("{path}?agent_id={agent}"),
            json!({"name": "X", "type": "sticker"}),
        )
        .await
        .expect_error(422, "validation_error");
    client
        .post(&format!("{path}?agent_id={agent}"), json!({"type": "text"}))
        .await
        .expect_error(422, "validation_error");
}

#[tokio::test]
async fn only_video_cells_hold_layers() {
    let app = TestApp::spawn().await;
    let (agent, client) = (app.owner.agent_id.get(), &app.owner.client);
    let sheet = engine(client, agent, "Where").await;
    let row = add_row(client, agent, id(&sheet)).await;
    let stats = cell_in(&sheet, &row, "STATS");
    client
        .post(
            &format!(
                "/v1/autocontentengine/{}/cells/{}/layers?agent_id={agent}",
                id(&sheet),
                id(&stats)
            ),
            json!({"name": "X", "type": "text"}),
        )
        .await
        .expect_error(422, "validation_error");
}

#[tokio::test]
async fn what_the_renderer_relies_on_is_checked() {
    let app = TestApp::spawn().await;
    let (agent, _, _, path) = video_cell(&app).await;
    let client = &app.owner.client;
    let create = |attributes: Value| {
        let path = format!("{path}?agent_id={agent}");
        async move {
            client
                .post(
                    &path,
                    json!({"name": "L", "type": "clip", "additional_attributes": attributes}),
                )
                .await
        }
    };
    for (bad, field) in [
        (json!({"from": -1}), "additional_attributes.from"),
        (
            json!({"durationInFrames": 1.5}),
            "additional_attributes.durationInFrames",
        ),
        (
            json!({"styles": {"volume": 2}}),
            "additional_attributes.styles.volume",
        ),
        (
            json!({"styles": {"color": "not-a-color"}}),
            "additional_attributes.styles.color",
        ),
        (
            json!({"src": "ftp://example.com/a.mp4"}),
            "additional_attributes.src",
        ),
        (json!({"src": 999_999}), "additional_attributes.src"),
        (
            json!({"source_column": "NOPE"}),
            "additional_attributes.source_column",
        ),
        (
            json!({"styles": {"filter": "sepia(1)"}}),
            "additional_attributes.styles.filter",
        ),
    ] {
        let reply = create(bad).await.expect_error(422, "validation_error");
        assert!(
            reply.body["error"].as_str().unwrap().contains(field),
            "{}",
            reply.text
        );
    }
    let video = uploaded(client, agent, "clip.mp4", crate::harness::mp4(64, 64, 1)).await;
    create(json!({"src": id(&video), "from": 0, "durationInFrames": 30, "styles": {"volume": 0.5, "objectFit": "cover"}, "source_column": "video"}))
        .await
        .expect(201);
    create(json!({"src": "https://cdn.example.com/a.mp4", "styles": {"fill": "rgba(0,0,0,0.5)", "filter": "brightness(1.2) blur(2px)"}}))
        .await
        .expect(201);
    let stranger = app.user("Stranger").await;
    let theirs = uploaded(
        &stranger.client,
        stranger.agent_id.get(),
        "x.mp4",
        crate::harness::mp4(64, 64, 1),
    )
    .await;
    create(json!({"src": id(&theirs)}))
        .await
        .expect_error(422, "validation_error");
}

#[tokio::test]
async fn a_patch_deep_merges_attributes_and_renames_retypes_and_moves() {
    let app = TestApp::spawn().await;
    let (agent, _, _, path) = video_cell(&app).await;
    let client = &app.owner.client;
    let first = client
        .post(
            &format!("{path}?agent_id={agent}"),
            json!({"name": "Music", "type": "sound", "additional_attributes": {"from": 0, "durationInFrames": 300, "styles": {"volume": 0.8, "fadeIn": 10}}}),
        )
        .await
        .expect(201)
        .body;
    let second = client
        .post(
            &format!("{path}?agent_id={agent}"),
            json!({"name": "Title", "type": "text"}),
        )
        .await
        .expect(201)
        .body;
    let layer_path = format!("{path}/{}?agent_id={agent}", id(&first));
    let patched = client
        .patch(&layer_path, json!({"agent_id": agent, "video_layer": {"name": "Intro Music", "additional_attributes": {"styles": {"volume": 0.5}}}}))
        .await
        .expect(200)
        .body;
    contract().assert_conforms("updateLayer", 200, &patched);
    assert_eq!(patched["name"], "Intro Music");
    assert_eq!(
        patched["additional_attributes"],
        json!({"from": 0, "durationInFrames": 300, "styles": {"volume": 0.5, "fadeIn": 10}})
    );
    let trimmed = client
        .patch(&layer_path, json!({"video_layer": {"additional_attributes": {"from": 60, "durationInFrames": 150, "styles": {"fadeIn": null}}, "position": 2}}))
        .await
        .expect(200)
        .body;
    assert_eq!(
        trimmed["additional_attributes"],
        json!({"from": 60, "durationInFrames": 150, "styles": {"volume": 0.5}})
    );
    assert_eq!(trimmed["position"], 2);
    client
        .patch(
            &layer_path,
            json!({"video_layer": {"additional_attributes": {"styles": {"volume": 1.5}}}}),
        )
        .await
        .expect_error(422, "validation_error");
    let read_back = client
        .get(&format!("{path}/{}?agent_id={agent}", id(&second)))
        .await
        .expect(200)
        .body;
    contract().assert_conforms("getLayer", 200, &read_back);
    assert_eq!(read_back["position"], 1);
}

#[tokio::test]
async fn layers_duplicate_reorder_and_delete_keeping_the_stack_dense() {
    let app = TestApp::spawn().await;
    let (agent, sheet, cell, path) = video_cell(&app).await;
    let client = &app.owner.client;
    let mut ids = Vec::new();
    for name in ["a", "b", "c"] {
        ids.push(id(&client
            .post(
                &format!("{path}?agent_id={agent}"),
                json!({"name": name, "type": "text"}),
            )
            .await
            .expect(201)
            .body));
    }
    let copy = client
        .post(
            &format!("{path}/{}/duplicate?agent_id={agent}", ids[0]),
            json!({}),
        )
        .await
        .expect(201)
        .body;
    contract().assert_conforms("duplicateLayer", 201, &copy);
    assert_eq!(
        (copy["name"].clone(), copy["position"].clone()),
        (json!("a"), json!(2))
    );
    let reordered = client
        .put(
            &format!("{path}/update_positions?agent_id={agent}"),
            json!({"layers": [{"id": ids[2], "position": 1}]}),
        )
        .await
        .expect(200)
        .body;
    let order: Vec<i64> = reordered.as_array().unwrap().iter().map(id).collect();
    assert_eq!(order, [ids[2], ids[0], id(&copy), ids[1]]);
    client
        .delete(&format!("{path}/{}?agent_id={agent}", ids[0]))
        .await
        .expect(204);
    client
        .delete(&format!("{path}/{}?agent_id={agent}", ids[0]))
        .await
        .expect_error(404, "not_found");
    let full = read(client, agent, sheet).await;
    let stack = &cell_in(&full, &full["spreadsheet_rows"][0], "VIDEO")["video_layers"];
    let positions: Vec<i64> = stack
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["position"].as_i64().unwrap())
        .collect();
    assert_eq!(positions, [1, 2, 3]);
    assert_eq!(
        stack.as_array().unwrap().iter().map(id).collect::<Vec<_>>(),
        [ids[2], id(&copy), ids[1]]
    );
    assert_eq!(
        cell["id"],
        full["spreadsheet_rows"][0]["spreadsheet_cells"][0]["id"]
    );
}

#[tokio::test]
async fn another_workspace_cannot_touch_the_layers() {
    let app = TestApp::spawn().await;
    let (agent, _, _, path) = video_cell(&app).await;
    let layer = app
        .owner
        .client
        .post(
            &format!("{path}?agent_id={agent}"),
            json!({"name": "a", "type": "text"}),
        )
        .await
        .expect(201)
        .body;
    let stranger = app.user("Stranger").await;
    let one = format!("{path}/{}?agent_id={agent}", id(&layer));
    stranger
        .client
        .get(&one)
        .await
        .expect_error(404, "not_found");
    stranger
        .client
        .patch(&one, json!({"name": "x"}))
        .await
        .expect_error(404, "not_found");
    stranger
        .client
        .delete(&one)
        .await
        .expect_error(404, "not_found");
    stranger
        .client
        .post(
            &format!("{path}?agent_id={agent}"),
            json!({"name": "x", "type": "text"}),
        )
        .await
        .expect_error(404, "not_found");
}
