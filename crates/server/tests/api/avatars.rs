//! `/v1/agents/{agent_id}/avatars`.

use crate::harness::{Client, Member, Reply, TestApp};
use ace_domain::role::Role;
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::contract;

fn form_of(images: &[(&str, Vec<u8>)]) -> Form {
    images.iter().fold(Form::new(), |form, (name, bytes)| {
        form.part(
            "agent_avatars_attributes[][file]",
            Part::bytes(bytes.clone()).file_name((*name).to_owned()),
        )
    })
}

async fn upload(client: &Client, agent: i64, images: &[(&str, Vec<u8>)]) -> Reply {
    client
        .multipart(
            Method::POST,
            &format!("/v1/agents/{agent}/avatars"),
            form_of(images),
        )
        .await
}

async fn avatars(member: &Member, agent: i64, cursor: Option<i64>) -> Vec<Value> {
    let path = match cursor {
        Some(c) => format!("/v1/agents/{agent}/avatars?cursor={c}"),
        None => format!("/v1/agents/{agent}/avatars"),
    };
    let reply = member.client.get(&path).await.expect(200);
    contract().assert_conforms("listAgentAvatars", 200, &reply.body);
    reply.body.as_array().unwrap().clone()
}

fn path_of(url: &str) -> String {
    format!("/files/{}", url.split_once("/files/").unwrap().1)
}

#[tokio::test]
async fn an_uploaded_image_becomes_the_primary_avatar_with_a_thumbnail() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let reply = upload(
        &app.owner.client,
        agent,
        &[("face.png", crate::harness::image("png", 640, 480))],
    )
    .await
    .expect(200);
    // GEN documents no body; its SDK reads the avatar, so ace answers with it.
    let list = avatars(&app.owner, agent, None).await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["is_primary"], true);
    assert_eq!(reply.body["id"], list[0]["id"]);
    assert_eq!(reply.body["avatars"], json!([list[0].clone()]));

    let original = app
        .anonymous()
        .request(Method::GET, &path_of(list[0]["url"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(original.headers()["content-type"], "image/png");
    let thumbnail = app
        .anonymous()
        .request(
            Method::GET,
            &path_of(list[0]["thumbnail_url"].as_str().unwrap()),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(thumbnail.headers()["content-type"], "image/jpeg");
    let thumb = image::load_from_memory(&thumbnail.bytes().await.unwrap()).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (256, 192));

    let detail = app
        .owner
        .client
        .get(&format!("/v1/agents/{agent}"))
        .await
        .expect(200);
    assert_eq!(detail.body["primary_avatar_id"], list[0]["id"]);
}

#[tokio::test]
async fn jpeg_and_webp_are_accepted_and_a_gif_is_not() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    upload(
        &app.owner.client,
        agent,
        &[
            ("a.jpg", crate::harness::image("jpeg", 32, 32)),
            ("b.webp", crate::harness::image("webp", 32, 32)),
        ],
    )
    .await
    .expect(200);
    assert_eq!(avatars(&app.owner, agent, None).await.len(), 2);
    upload(
        &app.owner.client,
        agent,
        &[("c.gif", crate::harness::image("gif", 32, 32))],
    )
    .await
    .expect_error(422, "avatar_creation_failed");
}

#[tokio::test]
async fn a_file_is_judged_by_its_bytes_not_its_name() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let reply = upload(
        &app.owner.client,
        agent,
        &[("face.png", b"#!/bin/sh\necho not an image".to_vec())],
    )
    .await
    .expect_error(422, "avatar_creation_failed");
    contract().assert_conforms("createAgentAvatar", 422, &reply.body);
    assert!(
        avatars(&app.owner, agent, None).await.is_empty(),
        "nothing is stored"
    );
}

#[tokio::test]
async fn an_avatar_request_without_a_file_is_refused_clearly() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let path = format!("/v1/agents/{agent}/avatars");
    app.owner
        .client
        .post(&path, json!({"agent_avatars_attributes": [{}]}))
        .await
        .expect_error(422, "avatar_creation_failed");
    let reply = app
        .owner
        .client
        .post(
            &path,
            json!({"agent_avatars_attributes": [{"degod_avatar_id": "7"}]}),
        )
        .await
        .expect_error(422, "avatar_creation_failed");
    assert!(reply.body["error"].as_str().unwrap().contains("DeGods"));
}

#[tokio::test]
async fn avatars_page_twenty_at_a_time_primary_first() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let images: Vec<(&str, Vec<u8>)> = (0..25)
        .map(|_| ("a.png", crate::harness::image("png", 8, 8)))
        .collect();
    upload(&app.owner.client, agent, &images).await.expect(200);
    let ids: Vec<i64> = avatars(&app.owner, agent, None)
        .await
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect();
    let last = *ids.last().unwrap();
    app.owner
        .client
        .patch(&format!("/v1/agents/{agent}/avatars/{last}"), json!({}))
        .await
        .expect(200);

    let first = avatars(&app.owner, agent, None).await;
    assert_eq!(first.len(), 20);
    assert_eq!(first[0]["id"], last, "the primary comes first");
    let cursor = first.last().unwrap()["id"].as_i64().unwrap();
    let second = avatars(&app.owner, agent, Some(cursor)).await;
    assert_eq!(second.len(), 5);
    let mut seen: Vec<i64> = first
        .iter()
        .chain(&second)
        .map(|a| a["id"].as_i64().unwrap())
        .collect();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), 25, "every avatar appears exactly once");
}

#[tokio::test]
async fn choosing_a_primary_unmarks_the_others() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    upload(
        &app.owner.client,
        agent,
        &[
            ("a.png", crate::harness::image("png", 8, 8)),
            ("b.png", crate::harness::image("png", 8, 8)),
        ],
    )
    .await
    .expect(200);
    let list = avatars(&app.owner, agent, None).await;
    let second = list[1]["id"].as_i64().unwrap();
    app.owner
        .client
        .patch(&format!("/v1/agents/{agent}/avatars/{second}"), json!({}))
        .await
        .expect(200);
    let list = avatars(&app.owner, agent, None).await;
    let primaries: Vec<i64> = list
        .iter()
        .filter(|a| a["is_primary"] == true)
        .map(|a| a["id"].as_i64().unwrap())
        .collect();
    assert_eq!(primaries, [second]);
}

#[tokio::test]
async fn choosing_an_unknown_avatar_fails() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let reply = app
        .owner
        .client
        .patch(&format!("/v1/agents/{agent}/avatars/9999"), json!({}))
        .await
        .expect_error(422, "avatar_update_failed");
    contract().assert_conforms("setPrimaryAvatar", 422, &reply.body);
}

#[tokio::test]
async fn several_avatars_are_deleted_at_once_and_the_next_is_promoted() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let images: Vec<(&str, Vec<u8>)> = (0..3)
        .map(|_| ("a.png", crate::harness::image("png", 8, 8)))
        .collect();
    upload(&app.owner.client, agent, &images).await.expect(200);
    let ids: Vec<i64> = avatars(&app.owner, agent, None)
        .await
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect();
    let url = avatars(&app.owner, agent, None).await[0]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    app.owner
        .client
        .delete(&format!("/v1/agents/{agent}/avatars/{}_{}", ids[0], ids[1]))
        .await
        .expect(200);
    let left = avatars(&app.owner, agent, None).await;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["id"], ids[2]);
    assert_eq!(
        left[0]["is_primary"], true,
        "the next avatar took over as primary"
    );
    let gone = app.anonymous().get(&path_of(&url)).await;
    assert_eq!(gone.status, 404, "the stored bytes went too");
}

#[tokio::test]
async fn deleting_an_avatar_that_is_not_the_agents_deletes_nothing() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    upload(
        &app.owner.client,
        agent,
        &[("a.png", crate::harness::image("png", 8, 8))],
    )
    .await
    .expect(200);
    let id = avatars(&app.owner, agent, None).await[0]["id"]
        .as_i64()
        .unwrap();
    app.owner
        .client
        .delete(&format!("/v1/agents/{agent}/avatars/{id}_424242"))
        .await
        .expect_error(404, "not_found");
    assert_eq!(avatars(&app.owner, agent, None).await.len(), 1);
    app.owner
        .client
        .delete(&format!("/v1/agents/{agent}/avatars/seven"))
        .await
        .expect_error(422, "validation_error");
}

#[tokio::test]
async fn another_tenants_agent_has_no_avatars_to_see_or_touch() {
    let app = TestApp::spawn().await;
    let stranger = app.user("Stranger").await;
    let agent = app.owner.agent_id.get();
    stranger
        .client
        .get(&format!("/v1/agents/{agent}/avatars"))
        .await
        .expect_error(404, "agent_not_found");
    upload(
        &stranger.client,
        agent,
        &[("a.png", crate::harness::image("png", 8, 8))],
    )
    .await
    .expect_error(404, "agent_not_found");
    stranger
        .client
        .delete(&format!("/v1/agents/{agent}/avatars/1"))
        .await
        .expect_error(404, "agent_not_found");
    stranger
        .client
        .patch(&format!("/v1/agents/{agent}/avatars/1"), json!({}))
        .await
        .expect_error(404, "agent_not_found");
}

#[tokio::test]
async fn a_viewer_sees_avatars_but_cannot_change_them() {
    let app = TestApp::spawn().await;
    let viewer = app.member_of(app.owner.workspace_id, Role::Viewer).await;
    let agent = app.owner.agent_id.get();
    avatars(&viewer, agent, None).await;
    upload(
        &viewer.client,
        agent,
        &[("a.png", crate::harness::image("png", 8, 8))],
    )
    .await
    .expect_error(403, "forbidden");
}

#[tokio::test]
async fn a_cursor_that_is_not_an_avatar_id_is_a_validation_error() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    app.owner
        .client
        .get(&format!("/v1/agents/{agent}/avatars?cursor=next"))
        .await
        .expect_error(422, "validation_error");
}

#[tokio::test]
async fn an_image_claiming_more_pixels_than_the_budget_is_refused() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let reply = upload(
        &app.owner.client,
        agent,
        &[("wide.png", crate::harness::image("png", 8_200, 1))],
    )
    .await
    .expect_error(422, "avatar_creation_failed");
    assert!(reply.body["error"].as_str().unwrap().contains("px a side"));
}

#[tokio::test]
async fn too_many_avatars_in_one_request_are_refused() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let images: Vec<(&str, Vec<u8>)> = (0..31)
        .map(|_| ("a.png", crate::harness::image("png", 4, 4)))
        .collect();
    upload(&app.owner.client, agent, &images)
        .await
        .expect_error(422, "avatar_creation_failed");
    let many = vec!["1"; 101].join("_");
    app.owner
        .client
        .delete(&format!("/v1/agents/{agent}/avatars/{many}"))
        .await
        .expect_error(422, "validation_error");
}
