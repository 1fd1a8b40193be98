//! `/v1/templates`: the curated template library.

use crate::harness::TestApp;
use ace_app::templates::sync;
use serde_json::{Value, json};

use crate::contract;
use crate::harness::{id, read};

const VIDEO_TYPES: [&str; 8] = [
    "talking_avatar",
    "green_screen",
    "montage",
    "text_driven",
    "pov_object",
    "narrated_voice_over",
    "split_screen",
    "skit",
];

#[tokio::test]
async fn the_library_lists_a_template_for_every_video_type_twenty_to_a_page() {
    let app = TestApp::spawn().await;
    let page = app
        .owner
        .client
        .get("/v1/templates/projects")
        .await
        .expect(200)
        .body;
    contract().assert_conforms("listTemplates", 200, &page);
    let templates = page.as_array().unwrap();
    assert!(templates.len() >= 8 && templates.len() <= 20);
    for video_type in VIDEO_TYPES {
        assert!(
            templates.iter().any(|t| t["video_type"] == video_type),
            "{video_type}"
        );
    }
    assert!(
        templates
            .iter()
            .all(|t| t["name"] == t["title"] && t["recent_generated_contents"] == json!([]))
    );
    let second = app
        .owner
        .client
        .get("/v1/templates/projects?page=2")
        .await
        .expect(200)
        .body;
    assert_eq!(second, json!([]));
    // GEN's SDK sends page=0 when its caller counts from 0: the first page.
    let zero = app
        .owner
        .client
        .get("/v1/templates/projects?page=0")
        .await
        .expect(200)
        .body;
    assert_eq!(zero, page);
    app.owner
        .client
        .get("/v1/templates/projects?page=-1")
        .await
        .expect_error(422, "validation_error");
    app.anonymous()
        .get("/v1/templates/projects")
        .await
        .expect_error(401, "unauthorized");
}

#[tokio::test]
async fn a_template_is_found_by_slug_uuid_or_id_with_its_whole_engine() {
    let app = TestApp::spawn().await;
    let client = &app.owner.client;
    let by_slug = client
        .get("/v1/templates/projects/talking-avatar")
        .await
        .expect(200)
        .body;
    contract().assert_conforms("getTemplate", 200, &by_slug);
    let by_uuid = client
        .get(&format!(
            "/v1/templates/projects/{}",
            by_slug["uuid"].as_str().unwrap()
        ))
        .await
        .expect(200)
        .body;
    let by_id = client
        .get(&format!("/v1/templates/projects/{}", id(&by_slug)))
        .await
        .expect(200)
        .body;
    assert_eq!(by_uuid["slug"], "talking-avatar");
    assert_eq!(by_id["slug"], "talking-avatar");
    let engine = &by_slug["spreadsheet"];
    let titles: Vec<&str> = engine["spreadsheet_columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["title"].as_str().unwrap())
        .collect();
    for title in [
        "TEXT 1",
        "TEXT 2",
        "PROMPT",
        "VIDEO",
        "FINAL VIDEO",
        "STATS",
    ] {
        assert!(titles.contains(&title), "{title} in {titles:?}");
    }
    client
        .get("/v1/templates/projects/no-such-template")
        .await
        .expect_error(404, "not_found");
}

#[tokio::test]
async fn every_template_is_complete_cards_layers_and_example_rows() {
    let app = TestApp::spawn().await;
    let page = app
        .owner
        .client
        .get("/v1/templates/projects")
        .await
        .expect(200)
        .body;
    for template in page.as_array().unwrap() {
        let slug = template["slug"].as_str().unwrap();
        let detail = app
            .owner
            .client
            .get(&format!("/v1/templates/projects/{slug}"))
            .await
            .expect(200)
            .body;
        let engine = &detail["spreadsheet"];
        let columns = engine["spreadsheet_columns"].as_array().unwrap();
        let rows = engine["spreadsheet_rows"].as_array().unwrap();
        assert!(!rows.is_empty(), "{slug} has an example row");
        assert!(
            engine["global_variables_sheet"]["variables"]
                .as_array()
                .is_some_and(|v| !v.is_empty()),
            "{slug} variables"
        );
        let generated: Vec<&Value> = columns
            .iter()
            .filter(|c| c["additional_attributes"]["creation_card"].is_object())
            .collect();
        assert!(generated.len() >= 2, "{slug} generates content");
        let prompts = generated
            .iter()
            .map(|c| c["additional_attributes"]["creation_card"]["data"].to_string())
            .collect::<String>();
        assert!(prompts.contains("{{"), "{slug} prompts use variables");
        for row in rows {
            for column in &generated {
                let cell = row["spreadsheet_cells"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|c| c["column_id"] == column["id"])
                    .unwrap();
                assert_eq!(
                    cell["additional_attributes"]["creation_card"],
                    column["additional_attributes"]["creation_card"],
                    "{slug}"
                );
            }
            let video = row["spreadsheet_cells"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["cell_role"] == "video")
                .unwrap();
            let layers = video["video_layers"].as_array().unwrap();
            assert!(layers.len() >= 3, "{slug} has a layer stack");
            assert!(layers.iter().all(|l| {
                l["additional_attributes"]["durationInFrames"]
                    .as_u64()
                    .is_some_and(|d| d > 0)
            }));
        }
    }
}

#[tokio::test]
async fn cloning_a_template_is_free_and_returns_the_full_engine() {
    let app = TestApp::spawn().await;
    let (agent, client) = (app.owner.agent_id.get(), &app.owner.client);
    let before = client
        .get(&format!("/v1/organizations/{}", app.owner.workspace_id))
        .await
        .expect(200)
        .body["credit"]
        .clone();
    let cloned = client
        .post(
            "/v1/templates/spreadsheets/montage/clone",
            json!({"agent_id": agent.to_string()}),
        )
        .await
        .expect(201)
        .body;
    contract().assert_conforms("cloneTemplate", 201, &cloned);
    assert_eq!(cloned["title"], "Montage");
    assert!(!cloned["spreadsheet_rows"].as_array().unwrap().is_empty());
    let after = client
        .get(&format!("/v1/organizations/{}", app.owner.workspace_id))
        .await
        .expect(200)
        .body["credit"]
        .clone();
    assert_eq!(before, after, "cloning costs nothing");
    let mine = read(client, agent, id(&cloned)).await;
    assert_eq!(mine["spreadsheet_rows"], cloned["spreadsheet_rows"]);
    client
        .post("/v1/templates/spreadsheets/montage/clone", json!({}))
        .await
        .expect_error(422, "validation_error");
    client
        .post(
            "/v1/templates/spreadsheets/nothing/clone",
            json!({"agent_id": agent}),
        )
        .await
        .expect_error(404, "not_found");
    let stranger = app.user("Stranger").await;
    stranger
        .client
        .post(
            "/v1/templates/spreadsheets/montage/clone",
            json!({"agent_id": agent}),
        )
        .await
        .expect_error(404, "not_found");
}

#[tokio::test]
async fn the_library_follows_its_files_by_checksum() {
    let app = TestApp::spawn().await;
    let mut files = sync::read_files(None).unwrap();
    let unchanged = sync::sync(&app.app, &files).await.unwrap();
    assert_eq!(unchanged.unchanged, files.len());
    assert!(unchanged.added.is_empty() && unchanged.updated.is_empty());

    let before = app
        .owner
        .client
        .get("/v1/templates/projects/skit")
        .await
        .expect(200)
        .body;
    let (_, skit) = files
        .iter_mut()
        .find(|(name, _)| name == "skit.json")
        .unwrap();
    let mut template: Value = serde_json::from_slice(skit).unwrap();
    template["title"] = json!("Skit, revised");
    *skit = serde_json::to_vec(&template).unwrap();
    files.retain(|(name, _)| name != "montage.json");
    let report = sync::sync(&app.app, &files).await.unwrap();
    assert_eq!(report.updated, ["skit"]);
    assert_eq!(report.removed, ["montage"]);
    let after = app
        .owner
        .client
        .get("/v1/templates/projects/skit")
        .await
        .expect(200)
        .body;
    assert_eq!(after["title"], "Skit, revised");
    assert_eq!(
        after["id"], before["id"],
        "a template keeps its id across updates"
    );
    app.owner
        .client
        .get("/v1/templates/projects/montage")
        .await
        .expect_error(404, "not_found");

    let (_, broken) = files
        .iter_mut()
        .find(|(name, _)| name == "skit.json")
        .unwrap();
    *broken = b"{\"slug\": \"skit\"}".to_vec();
    assert!(
        sync::sync(&app.app, &files).await.is_err(),
        "a bad file changes nothing"
    );
    assert_eq!(
        app.owner
            .client
            .get("/v1/templates/projects/skit")
            .await
            .expect(200)
            .body["title"],
        "Skit, revised"
    );
}
