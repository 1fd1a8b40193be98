//! `/v1/asset_libraries` and `/v1/asset_folders`: the library view of folders and files, and
//! the folders themselves.

use crate::harness::{Client, TestApp};
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::contract;
use crate::harness::{fetch, upload_form, uploaded};

async fn library(client: &Client, agent: i64, query: &str) -> Vec<Value> {
    let reply = client
        .get(&format!("/v1/asset_libraries?agent_id={agent}{query}"))
        .await
        .expect(200);
    contract().assert_conforms("listAssetLibraries", 200, &reply.body);
    reply.body.as_array().unwrap().clone()
}

async fn folder(client: &Client, agent: i64, name: &str, parent: Option<i64>) -> i64 {
    let reply = client
        .post(
            &format!("/v1/asset_folders?agent_id={agent}"),
            json!({"asset_folder": {"name": name, "parent_id": parent}}),
        )
        .await
        .expect(201);
    contract().assert_conforms("createAssetFolder", 201, &reply.body);
    reply.body["asset_folder_id"].as_i64().unwrap()
}

async fn file_in(client: &Client, agent: i64, name: &str, folder: Option<i64>) -> Value {
    let mut form = Form::new().part(
        "content_resource[file]",
        Part::bytes(crate::harness::image("png", 16, 16)).file_name(name.to_owned()),
    );
    if let Some(folder) = folder {
        form = form.text("asset_folder[id]", folder.to_string());
    }
    upload_form(client, agent, form).await.expect(201).body["content_resource"].clone()
}

/// `(type, id)` of each item, to compare orders.
fn entries(items: &[Value]) -> Vec<(String, i64)> {
    items
        .iter()
        .map(|i| {
            (
                i["type"].as_str().unwrap().to_owned(),
                i["id"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn folder_entry(id: i64) -> (String, i64) {
    ("AssetFolder".into(), id)
}

fn file_entry(resource: &Value) -> (String, i64) {
    ("ContentResource".into(), resource["id"].as_i64().unwrap())
}

#[tokio::test]
async fn the_library_lists_folders_first_then_the_newest_files() {
    let app = TestApp::spawn().await;
    let (client, agent) = (&app.owner.client, app.owner.agent_id.get());
    let older = file_in(client, agent, "older.png", None).await;
    let shots = folder(client, agent, "Shots", None).await;
    let newer = file_in(client, agent, "newer.png", None).await;
    let items = library(client, agent, "").await;
    assert_eq!(
        entries(&items),
        vec![folder_entry(shots), file_entry(&newer), file_entry(&older)]
    );
    assert_eq!(items[0]["name"], "Shots");
    assert_eq!(items[1]["file_name"], "newer.png");
    assert_eq!(items[1]["content_type"], "image/png");
    assert!(items[1]["url"].as_str().unwrap().starts_with("http"));
    assert_eq!(
        entries(&library(client, agent, "&order=recent").await),
        vec![file_entry(&newer), folder_entry(shots), file_entry(&older)],
        "recent mixes folders and files by age"
    );
}

#[tokio::test]
async fn a_folder_lists_its_own_contents_and_search_looks_everywhere() {
    let app = TestApp::spawn().await;
    let (client, agent) = (&app.owner.client, app.owner.agent_id.get());
    let campaign = folder(client, agent, "Campaign", None).await;
    let banners = folder(client, agent, "Banners", Some(campaign)).await;
    let inside = file_in(client, agent, "Summer banner.png", Some(banners)).await;
    let top = file_in(client, agent, "logo.png", None).await;
    assert_eq!(
        entries(&library(client, agent, "").await),
        vec![folder_entry(campaign), file_entry(&top)]
    );
    assert_eq!(
        entries(&library(client, agent, &format!("&folder_id={campaign}")).await),
        vec![folder_entry(banners)]
    );
    assert_eq!(
        entries(&library(client, agent, &format!("&folder_id={banners}")).await),
        vec![file_entry(&inside)]
    );
    assert_eq!(
        entries(&library(client, agent, "&search=BANNER").await),
        vec![folder_entry(banners), file_entry(&inside)],
        "search ignores case and depth"
    );
    assert!(
        library(client, agent, "&search=nothing-like-this")
            .await
            .is_empty()
    );
    client
        .get(&format!(
            "/v1/asset_libraries?agent_id={agent}&folder_id=999999"
        ))
        .await
        .expect_error(404, "not_found");
}

#[tokio::test]
async fn asset_type_filters_by_kind_and_can_include_folders() {
    let app = TestApp::spawn().await;
    let (client, agent) = (&app.owner.client, app.owner.agent_id.get());
    let shots = folder(client, agent, "Shots", None).await;
    let picture = file_in(client, agent, "a.png", None).await;
    let sound = uploaded(client, agent, "b.wav", crate::harness::wav(100)).await;
    assert_eq!(
        entries(&library(client, agent, "&asset_type=image").await),
        vec![file_entry(&picture)]
    );
    assert_eq!(
        entries(&library(client, agent, "&asset_type=folder").await),
        vec![folder_entry(shots)]
    );
    assert_eq!(
        entries(&library(client, agent, "&asset_type=audio,folder").await),
        vec![folder_entry(shots), file_entry(&sound)]
    );
    assert!(library(client, agent, "&asset_type=video").await.is_empty());
    client
        .get(&format!(
            "/v1/asset_libraries?agent_id={agent}&asset_type=pdf"
        ))
        .await
        .expect_error(422, "validation_error");
    client
        .get(&format!(
            "/v1/asset_libraries?agent_id={agent}&order=oldest"
        ))
        .await
        .expect_error(422, "validation_error");
}

#[tokio::test]
async fn library_pages_count_from_one_with_a_chosen_size() {
    let app = TestApp::spawn().await;
    let (client, agent) = (&app.owner.client, app.owner.agent_id.get());
    let mut folders = Vec::new();
    for n in 0..5 {
        folders.push(folder(client, agent, &format!("Folder {n}"), None).await);
    }
    let newest_first: Vec<_> = folders.iter().rev().map(|id| folder_entry(*id)).collect();
    assert_eq!(
        entries(&library(client, agent, "&page_size=2").await),
        newest_first[..2]
    );
    assert_eq!(
        entries(&library(client, agent, "&page=1&page_size=2").await),
        newest_first[..2]
    );
    assert_eq!(
        entries(&library(client, agent, "&page=2&page_size=2").await),
        newest_first[2..4]
    );
    assert_eq!(
        entries(&library(client, agent, "&page=3&page_size=2").await),
        newest_first[4..]
    );
    assert!(
        library(client, agent, "&page=4&page_size=2")
            .await
            .is_empty()
    );
    assert_eq!(library(client, agent, "").await.len(), 5);
    for query in ["&page=0", "&page_size=0", "&page_size=101", "&page=x"] {
        client
            .get(&format!("/v1/asset_libraries?agent_id={agent}{query}"))
            .await
            .expect_error(422, "validation_error");
    }
}

#[tokio::test]
async fn a_folder_is_renamed_and_moved_but_never_below_itself() {
    let app = TestApp::spawn().await;
    let (client, agent) = (&app.owner.client, app.owner.agent_id.get());
    let outer = folder(client, agent, "Outer", None).await;
    let inner = folder(client, agent, "Inner", Some(outer)).await;
    let path = |id: i64| format!("/v1/asset_folders/{id}?agent_id={agent}");
    let reply = client
        .patch(&path(inner), json!({"asset_folder": {"name": "Renamed"}}))
        .await
        .expect(200);
    contract().assert_conforms("updateAssetFolder", 200, &reply.body);
    assert_eq!(reply.body["asset_folder_id"], inner);
    assert_eq!(
        library(client, agent, &format!("&folder_id={outer}")).await[0]["name"],
        "Renamed"
    );

    client
        .patch(&path(outer), json!({"asset_folder": {"parent_id": inner}}))
        .await
        .expect_error(422, "validation_error");
    client
        .patch(&path(outer), json!({"asset_folder": {"parent_id": outer}}))
        .await
        .expect_error(422, "validation_error");
    client
        .patch(&path(inner), json!({"asset_folder": {"parent_id": null}}))
        .await
        .expect(200);
    assert_eq!(
        library(client, agent, "&asset_type=folder").await.len(),
        2,
        "both at the top level now"
    );
    client
        .patch(&path(outer), json!({"asset_folder": {"parent_id": inner}}))
        .await
        .expect(200);
    assert_eq!(
        entries(&library(client, agent, "").await),
        vec![folder_entry(inner)]
    );

    client
        .patch(&path(inner), json!({"asset_folder": {"name": " "}}))
        .await
        .expect_error(422, "validation_error");
    client
        .patch(&path(999_999), json!({"asset_folder": {"name": "x"}}))
        .await
        .expect_error(404, "not_found");
}

#[tokio::test]
async fn a_folder_needs_a_name_and_a_parent_of_the_same_agent() {
    let app = TestApp::spawn().await;
    let (client, agent) = (&app.owner.client, app.owner.agent_id.get());
    let path = format!("/v1/asset_folders?agent_id={agent}");
    let create = |body: Value| client.post(&path, body);
    create(json!({"asset_folder": {"name": ""}}))
        .await
        .expect_error(422, "validation_error");
    create(json!({"asset_folder": {}}))
        .await
        .expect_error(422, "validation_error");
    create(json!({"asset_folder": {"name": "x", "parent_id": "abc"}}))
        .await
        .expect_error(422, "validation_error");
    let other = app.user("Other").await;
    let theirs = folder(&other.client, other.agent_id.get(), "Theirs", None).await;
    create(json!({"asset_folder": {"name": "x", "parent_id": theirs}}))
        .await
        .expect_error(422, "validation_error");
    assert!(library(client, agent, "").await.is_empty());
}

#[tokio::test]
async fn deleting_a_folder_deletes_everything_under_it_and_leaves_no_orphaned_blobs() {
    let app = TestApp::spawn().await;
    let (client, agent) = (&app.owner.client, app.owner.agent_id.get());
    let outer = folder(client, agent, "Outer", None).await;
    let inner = folder(client, agent, "Inner", Some(outer)).await;
    let deepest = folder(client, agent, "Deepest", Some(inner)).await;
    let mut doomed = Vec::new();
    for (name, parent) in [("a.png", outer), ("b.png", inner), ("c.png", deepest)] {
        doomed.push(file_in(client, agent, name, Some(parent)).await);
    }
    let clip = uploaded(client, agent, "clip.mp4", crate::harness::mp4(64, 48, 1)).await;
    let kept = file_in(client, agent, "kept.png", None).await;
    assert_eq!(
        app.app.storage().list("resources/").await.unwrap().len(),
        10,
        "five originals and five thumbnails"
    );

    client
        .delete(&format!("/v1/asset_folders/{outer}?agent_id={agent}"))
        .await
        .expect(200);
    assert_eq!(
        entries(&library(client, agent, "").await),
        vec![file_entry(&kept), file_entry(&clip)]
    );
    let mut left: Vec<String> = app
        .app
        .storage()
        .list("resources/")
        .await
        .unwrap()
        .into_iter()
        .map(|b| b.key)
        .collect();
    left.sort();
    let mut expected: Vec<String> = [&kept, &clip]
        .iter()
        .flat_map(|r| [&r["url"], &r["thumbnail_url"]])
        .map(|url| {
            url.as_str()
                .unwrap()
                .split_once("/files/")
                .unwrap()
                .1
                .to_owned()
        })
        .collect();
    expected.sort();
    assert_eq!(
        left, expected,
        "only the files outside the folder remain stored"
    );
    for resource in &doomed {
        assert_eq!(
            fetch(&app, resource["url"].as_str().unwrap())
                .await
                .status(),
            404
        );
    }
    client
        .get(&format!(
            "/v1/asset_libraries?agent_id={agent}&folder_id={inner}"
        ))
        .await
        .expect_error(404, "not_found");
    client
        .delete(&format!("/v1/asset_folders/{outer}?agent_id={agent}"))
        .await
        .expect_error(404, "not_found");
}

#[tokio::test]
async fn another_workspace_cannot_browse_or_change_an_agents_folders() {
    let app = TestApp::spawn().await;
    let (client, agent) = (&app.owner.client, app.owner.agent_id.get());
    let shots = folder(client, agent, "Shots", None).await;
    let stranger = app.user("Stranger").await.client;
    stranger
        .get(&format!("/v1/asset_libraries?agent_id={agent}"))
        .await
        .expect_error(404, "not_found");
    stranger
        .post(
            &format!("/v1/asset_folders?agent_id={agent}"),
            json!({"asset_folder": {"name": "Mine"}}),
        )
        .await
        .expect_error(403, "forbidden");
    stranger
        .patch(
            &format!("/v1/asset_folders/{shots}?agent_id={agent}"),
            json!({"asset_folder": {"name": "Mine"}}),
        )
        .await
        .expect_error(403, "forbidden");
    stranger
        .delete(&format!("/v1/asset_folders/{shots}?agent_id={agent}"))
        .await
        .expect_error(403, "forbidden");
    assert_eq!(library(client, agent, "").await[0]["name"], "Shots");
}
