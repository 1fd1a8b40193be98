//! `/v1/content_resources`: uploading, listing, reading, renaming and deleting an agent's files.

use crate::harness::{Client, TestApp};
use ace_domain::role::Role;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::contract;
use crate::harness::{fetch, upload, upload_form, uploaded};

/// Uploads a tiny PNG and returns the new resource's id.
async fn png_id(client: &Client, agent: i64, name: &str) -> i64 {
    uploaded(client, agent, name, crate::harness::image("png", 4, 4)).await["id"]
        .as_i64()
        .unwrap()
}

async fn list(client: &Client, agent: i64, query: &str) -> Vec<Value> {
    let reply = client
        .get(&format!("/v1/content_resources?agent_id={agent}{query}"))
        .await
        .expect(200);
    contract().assert_conforms("listContentResources", 200, &reply.body);
    reply.body.as_array().unwrap().clone()
}

fn ids(items: &[Value]) -> Vec<i64> {
    items.iter().map(|i| i["id"].as_i64().unwrap()).collect()
}

#[tokio::test]
async fn an_uploaded_image_gets_a_bounded_thumbnail_its_size_and_public_urls() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let png = crate::harness::image("png", 640, 480);
    let resource = uploaded(&app.owner.client, agent, "banner.png", png.clone()).await;
    assert_eq!(resource["type"], "image");
    assert_eq!(resource["content_type"], "image/png");
    assert_eq!(resource["file_name"], "banner.png");
    assert_eq!(
        (resource["width"].as_i64(), resource["height"].as_i64()),
        (Some(640), Some(480))
    );
    assert_eq!(resource["byte_size"].as_u64(), Some(png.len() as u64));

    let url = resource["url"].as_str().unwrap();
    assert!(url.starts_with("http"), "URLs are absolute: {url}");
    let stem = url.rsplit('/').next().unwrap().split('.').next().unwrap();
    assert!(
        stem.len() == 32 && stem.chars().all(|c| c.is_ascii_hexdigit()),
        "the key is random, not the id: {url}"
    );
    let original = fetch(&app, url).await;
    assert_eq!(original.status(), 200);
    assert_eq!(original.headers()["content-type"], "image/png");
    assert_eq!(original.bytes().await.unwrap(), png);

    let thumbnail = fetch(&app, resource["thumbnail_url"].as_str().unwrap()).await;
    assert_eq!(thumbnail.headers()["content-type"], "image/jpeg");
    let thumb = image::load_from_memory(&thumbnail.bytes().await.unwrap()).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (256, 192));
}

#[tokio::test]
async fn an_image_too_large_to_decode_in_memory_gets_its_thumbnail_from_ffmpeg() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let wide = crate::harness::image("png", 9_000, 90);
    let resource = uploaded(&app.owner.client, agent, "panorama.png", wide).await;
    assert_eq!(
        (resource["width"].as_i64(), resource["height"].as_i64()),
        (Some(9_000), Some(90))
    );
    let thumbnail = fetch(&app, resource["thumbnail_url"].as_str().unwrap()).await;
    let thumb = image::load_from_memory(&thumbnail.bytes().await.unwrap()).unwrap();
    assert_eq!(thumb.width(), 256);
}

#[tokio::test]
async fn a_video_gets_its_first_frame_as_thumbnail_and_its_length() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let resource = uploaded(
        &app.owner.client,
        agent,
        "clip.mp4",
        crate::harness::mp4(160, 120, 2),
    )
    .await;
    assert_eq!(resource["type"], "video");
    assert_eq!(resource["content_type"], "video/mp4");
    assert_eq!(
        (resource["width"].as_i64(), resource["height"].as_i64()),
        (Some(160), Some(120))
    );
    let duration = resource["duration"].as_f64().unwrap();
    assert!(
        (duration - 2.0).abs() < 0.2,
        "about two seconds: {duration}"
    );
    let thumbnail = fetch(&app, resource["thumbnail_url"].as_str().unwrap()).await;
    assert_eq!(thumbnail.headers()["content-type"], "image/jpeg");
    let frame = image::load_from_memory(&thumbnail.bytes().await.unwrap()).unwrap();
    assert_eq!((frame.width(), frame.height()), (160, 120));
}

#[tokio::test]
async fn audio_and_zip_files_have_no_thumbnail() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let audio = uploaded(
        &app.owner.client,
        agent,
        "voice.wav",
        crate::harness::wav(1_500),
    )
    .await;
    assert_eq!(
        (audio["type"].as_str(), audio["content_type"].as_str()),
        (Some("audio"), Some("audio/wav"))
    );
    assert!(audio["thumbnail_url"].is_null());
    assert!((audio["duration"].as_f64().unwrap() - 1.5).abs() < 0.05);
    let archive = uploaded(&app.owner.client, agent, "pack.zip", crate::harness::zip()).await;
    assert_eq!(
        (archive["type"].as_str(), archive["content_type"].as_str()),
        (Some("zip"), Some("application/zip"))
    );
    assert!(archive["thumbnail_url"].is_null());
    assert!(archive["duration"].is_null() && archive["width"].is_null());
}

#[tokio::test]
async fn unsupported_or_lying_files_are_refused_and_leave_nothing_stored() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let client = &app.owner.client;
    upload(client, agent, "notes.txt", b"just some words".to_vec())
        .await
        .expect_error(422, "content_resource_creation_failed");
    upload(
        client,
        agent,
        "clip.mp4",
        crate::harness::image("png", 8, 8),
    )
    .await
    .expect_error(422, "content_resource_creation_failed");
    let declared_video = Part::bytes(crate::harness::image("png", 8, 8))
        .file_name("still.png")
        .mime_str("video/mp4")
        .unwrap();
    upload_form(
        client,
        agent,
        Form::new().part("content_resource[file]", declared_video),
    )
    .await
    .expect_error(422, "content_resource_creation_failed");
    upload_form(client, agent, Form::new().text("asset_folder[id]", "1"))
        .await
        .expect_error(422, "content_resource_creation_failed");
    assert!(list(client, agent, "").await.is_empty());
    assert!(
        app.app
            .storage()
            .list("resources/")
            .await
            .unwrap()
            .is_empty(),
        "refused files are not kept"
    );
    assert!(app.app.storage().list("staging/").await.unwrap().is_empty());
}

#[tokio::test]
async fn file_names_are_cleaned_of_paths_and_control_characters() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let client = &app.owner.client;
    for sent in ["../../etc/passwd.png", "..\\..\\windows\\win.png"] {
        let resource = uploaded(client, agent, sent, crate::harness::image("png", 8, 8)).await;
        let name = resource["file_name"].as_str().unwrap();
        assert!(
            !name.contains(['/', '\\']) && !name.starts_with('.'),
            "{sent:?} became {name:?}"
        );
        assert!(name.ends_with(".png"), "{name:?}");
    }
    // Multipart headers cannot carry control characters; JSON can.
    let png = crate::harness::image("png", 8, 8);
    let body = serde_json::json!({"blob": {"filename": "bad\u{7}\nname\u{0}.png", "byte_size": png.len(),
        "checksum": "AAAAAAAAAAAAAAAAAAAAAA==", "content_type": "image/png"}});
    let ticket = client.post("/v1/direct_upload", body).await.expect(200);
    let name = ticket.body["filename"].as_str().unwrap();
    assert!(!name.chars().any(char::is_control), "{name:?}");
    let renamed = client
        .patch(
            &format!(
                "/v1/content_resources/{}?agent_id={agent}",
                ids(&list(client, agent, "").await)[0]
            ),
            json!({"content_resource": {"filename": "x\u{7}.png"}}),
        )
        .await;
    renamed.expect_error(422, "validation_error");
}

#[tokio::test]
async fn the_list_is_newest_first_twenty_a_page_counting_from_zero() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let client = &app.owner.client;
    let mut created = Vec::new();
    for n in 0..21 {
        created.push(png_id(client, agent, &format!("{n}.png")).await);
    }
    let first = list(client, agent, "").await;
    assert_eq!(first.len(), 20);
    assert_eq!(
        ids(&first),
        created.iter().rev().take(20).copied().collect::<Vec<_>>()
    );
    assert_eq!(ids(&list(client, agent, "&page=0").await), ids(&first));
    assert_eq!(ids(&list(client, agent, "&page=1").await), vec![created[0]]);
    assert!(list(client, agent, "&page=2").await.is_empty());
    client
        .get(&format!("/v1/content_resources?agent_id={agent}&page=-1"))
        .await
        .expect_error(422, "validation_error");
    client
        .get(&format!(
            "/v1/content_resources?agent_id={agent}&page=first"
        ))
        .await
        .expect_error(422, "validation_error");
}

#[tokio::test]
async fn the_list_filters_by_type_and_by_ids() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let client = &app.owner.client;
    let image = png_id(client, agent, "a.png").await;
    let audio = uploaded(client, agent, "b.wav", crate::harness::wav(200)).await["id"]
        .as_i64()
        .unwrap();
    let zip = uploaded(client, agent, "c.zip", crate::harness::zip()).await["id"]
        .as_i64()
        .unwrap();
    assert_eq!(ids(&list(client, agent, "&type=image").await), vec![image]);
    assert_eq!(ids(&list(client, agent, "&type=audio").await), vec![audio]);
    assert!(list(client, agent, "&type=video").await.is_empty());
    assert_eq!(
        ids(&list(client, agent, &format!("&ids[]={image}&ids[]={zip}")).await),
        vec![zip, image]
    );
    assert_eq!(
        ids(&list(client, agent, &format!("&ids%5B%5D={audio}")).await),
        vec![audio]
    );
    assert!(
        list(client, agent, "&project_id=77").await.is_empty(),
        "uploads belong to no project"
    );
    client
        .get(&format!(
            "/v1/content_resources?agent_id={agent}&type=document"
        ))
        .await
        .expect_error(422, "validation_error");
    client
        .get(&format!("/v1/content_resources?agent_id={agent}&ids[]=abc"))
        .await
        .expect_error(422, "validation_error");
    client
        .get("/v1/content_resources")
        .await
        .expect_error(422, "validation_error");
}

#[tokio::test]
async fn a_resource_is_read_with_a_null_generator() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let id = png_id(&app.owner.client, agent, "a.png").await;
    let reply = app
        .owner
        .client
        .get(&format!("/v1/content_resources/{id}?agent_id={agent}"))
        .await
        .expect(200);
    contract().assert_conforms("getContentResource", 200, &reply.body);
    assert_eq!(reply.body["content_resource"]["id"], id);
    assert!(reply.body["generator"].is_null());
    app.owner
        .client
        .get(&format!(
            "/v1/content_resources/{}?agent_id={agent}",
            id + 1000
        ))
        .await
        .expect_error(404, "content_resource_not_found");
}

#[tokio::test]
async fn a_resource_is_renamed_and_a_blank_name_is_refused() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let client = &app.owner.client;
    let id = png_id(client, agent, "a.png").await;
    let path = format!("/v1/content_resources/{id}?agent_id={agent}");
    client
        .patch(
            &path,
            json!({"content_resource": {"filename": "Hero shot.png"}}),
        )
        .await
        .expect(200);
    assert_eq!(
        client.get(&path).await.body["content_resource"]["file_name"],
        "Hero shot.png"
    );
    client
        .patch(&path, json!({"content_resource": {"filename": "  "}}))
        .await
        .expect_error(422, "validation_error");
    client
        .patch(&path, json!({"content_resource": {"filename": "a/b.png"}}))
        .await
        .expect_error(422, "validation_error");
    client
        .patch(
            &format!("/v1/content_resources/{}?agent_id={agent}", id + 1000),
            json!({"content_resource": {"filename": "x.png"}}),
        )
        .await
        .expect_error(404, "not_found");
}

#[tokio::test]
async fn deleting_a_resource_deletes_its_bytes_so_its_urls_answer_404() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let client = &app.owner.client;
    let resource = uploaded(client, agent, "a.png", crate::harness::image("png", 64, 64)).await;
    let id = resource["id"].as_i64().unwrap();
    client
        .delete(&format!("/v1/content_resources/{id}?agent_id={agent}"))
        .await
        .expect(200);
    assert_eq!(
        fetch(&app, resource["url"].as_str().unwrap())
            .await
            .status(),
        404
    );
    assert_eq!(
        fetch(&app, resource["thumbnail_url"].as_str().unwrap())
            .await
            .status(),
        404
    );
    assert!(
        app.app
            .storage()
            .list("resources/")
            .await
            .unwrap()
            .is_empty()
    );
    client
        .get(&format!("/v1/content_resources/{id}?agent_id={agent}"))
        .await
        .expect_error(404, "content_resource_not_found");
    client
        .delete(&format!("/v1/content_resources/{id}?agent_id={agent}"))
        .await
        .expect_error(404, "not_found");
}

#[tokio::test]
async fn another_workspace_cannot_see_add_rename_or_delete_an_agents_files() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let id = png_id(&app.owner.client, agent, "a.png").await;
    let stranger = app.user("Stranger").await.client;
    let path = format!("/v1/content_resources/{id}?agent_id={agent}");
    stranger
        .get(&format!("/v1/content_resources?agent_id={agent}"))
        .await
        .expect_error(404, "not_found");
    stranger
        .get(&path)
        .await
        .expect_error(404, "content_resource_not_found");
    upload(
        &stranger,
        agent,
        "b.png",
        crate::harness::image("png", 4, 4),
    )
    .await
    .expect_error(403, "forbidden");
    stranger
        .patch(&path, json!({"content_resource": {"filename": "mine.png"}}))
        .await
        .expect_error(403, "forbidden");
    stranger.delete(&path).await.expect_error(403, "forbidden");
    assert_eq!(
        app.owner.client.get(&path).await.expect(200).body["content_resource"]["file_name"],
        "a.png"
    );
    assert_eq!(
        app.app.storage().list("resources/").await.unwrap().len(),
        2,
        "the original and its thumbnail, nothing more"
    );
}

#[tokio::test]
async fn a_viewer_reads_files_but_cannot_change_them() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let id = png_id(&app.owner.client, agent, "a.png").await;
    let viewer = app
        .member_of(app.owner.workspace_id, Role::Viewer)
        .await
        .client;
    assert_eq!(ids(&list(&viewer, agent, "").await), vec![id]);
    upload(&viewer, agent, "b.png", crate::harness::image("png", 4, 4))
        .await
        .expect_error(403, "forbidden");
    viewer
        .delete(&format!("/v1/content_resources/{id}?agent_id={agent}"))
        .await
        .expect_error(403, "forbidden");
    let editor = app
        .member_of(app.owner.workspace_id, Role::Editor)
        .await
        .client;
    png_id(&editor, agent, "c.png").await;
}

#[tokio::test]
async fn a_file_goes_into_a_folder_of_the_same_agent_only() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let client = &app.owner.client;
    let folder = client
        .post(
            &format!("/v1/asset_folders?agent_id={agent}"),
            json!({"asset_folder": {"name": "Shots"}}),
        )
        .await
        .expect(201)
        .body["asset_folder_id"]
        .as_i64()
        .unwrap();
    let form = |folder: i64| {
        Form::new()
            .part(
                "content_resource[file]",
                Part::bytes(crate::harness::image("png", 4, 4)).file_name("a.png"),
            )
            .text("asset_folder[id]", folder.to_string())
    };
    let reply = upload_form(client, agent, form(folder)).await.expect(201);
    assert_eq!(reply.body["content_resource"]["asset_folder_id"], folder);

    let other = app.user("Other").await;
    let theirs = other
        .client
        .post(
            &format!("/v1/asset_folders?agent_id={}", other.agent_id),
            json!({"asset_folder": {"name": "Theirs"}}),
        )
        .await
        .expect(201)
        .body["asset_folder_id"]
        .as_i64()
        .unwrap();
    upload_form(client, agent, form(theirs))
        .await
        .expect_error(422, "content_resource_creation_failed");
    assert_eq!(
        app.app.storage().list("resources/").await.unwrap().len(),
        2,
        "the refused upload was not kept"
    );
}

#[tokio::test]
async fn an_upload_over_the_size_limit_is_refused() {
    let app = TestApp::builder().max_file_bytes(64 * 1024).spawn().await;
    let agent = app.owner.agent_id.get();
    let mut big = crate::harness::wav(10_000);
    big.truncate(100 * 1024);
    let reply = upload(&app.owner.client, agent, "long.wav", big).await;
    assert_eq!(reply.status, 413, "{}", reply.text);
    assert!(app.app.storage().list("").await.unwrap().is_empty());
}
