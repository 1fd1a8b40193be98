//! `/v1/direct_upload`: declaring a blob, PUTting it to the URL handed out (driven with curl,
//! as GEN's docs show), and turning its signed id into a content resource.

use std::path::Path;

use crate::harness::{Client, Member, TestApp};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::Duration;
use md5::{Digest, Md5};
use serde_json::{Value, json};

use crate::contract;
use crate::harness::fetch;

fn checksum(bytes: &[u8]) -> String {
    STANDARD.encode(Md5::digest(bytes))
}

fn blob(filename: &str, bytes: &[u8], content_type: &str) -> Value {
    json!({"blob": {
        "filename": filename,
        "byte_size": bytes.len(),
        "checksum": checksum(bytes),
        "content_type": content_type,
    }})
}

async fn declare(client: &Client, body: Value) -> Value {
    let reply = client.post("/v1/direct_upload", body).await.expect(200);
    contract().assert_conforms("createDirectUpload", 200, &reply.body);
    reply.body
}

/// `curl -X PUT --upload-file <file> -H <each header>` against the upload URL; returns the
/// HTTP status curl saw.
async fn curl_put(ticket: &Value, file: &Path, headers: &[(&str, &str)]) -> u16 {
    let mut command = tokio::process::Command::new("curl");
    command
        .args([
            "-sS",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            "-X",
            "PUT",
            "--upload-file",
        ])
        .arg(file);
    for (name, value) in headers {
        command.arg("-H").arg(format!("{name}: {value}"));
    }
    let output = command
        .arg(ticket["direct_upload"]["url"].as_str().unwrap())
        .output()
        .await
        .expect("curl runs");
    assert!(
        output.status.success(),
        "curl failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .expect("an HTTP status")
}

/// PUTs with exactly the headers the ticket lists.
async fn put_as_told(ticket: &Value, file: &Path) -> u16 {
    let headers: Vec<(String, String)> = ticket["direct_upload"]["headers"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, value)| (name.clone(), value.as_str().unwrap().to_owned()))
        .collect();
    let pairs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    curl_put(ticket, file, &pairs).await
}

async fn attach(member: &Member, signed_id: &str) -> crate::harness::Reply {
    member
        .client
        .post(
            &format!("/v1/content_resources?agent_id={}", member.agent_id),
            json!({"content_resource": {"file": signed_id}}),
        )
        .await
}

fn write_file(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// The whole documented flow against `app`; returns the resource.
async fn upload_directly(app: &TestApp, name: &str, bytes: &[u8], content_type: &str) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(&dir, name, bytes);
    let ticket = declare(&app.owner.client, blob(name, bytes, content_type)).await;
    assert_eq!(put_as_told(&ticket, &file).await, 200);
    let reply = attach(&app.owner, ticket["signed_id"].as_str().unwrap())
        .await
        .expect(201);
    contract().assert_conforms("createContentResource", 201, &reply.body);
    reply.body["content_resource"].clone()
}

#[tokio::test]
async fn a_file_put_with_curl_to_the_upload_url_becomes_a_resource_by_its_signed_id() {
    let app = TestApp::spawn().await;
    let video = crate::harness::mp4(96, 64, 1);
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(&dir, "hero-video.mp4", &video);
    let ticket = declare(
        &app.owner.client,
        blob("hero-video.mp4", &video, "video/mp4"),
    )
    .await;
    assert_eq!(ticket["filename"], "hero-video.mp4");
    assert_eq!(ticket["byte_size"].as_u64(), Some(video.len() as u64));
    assert_eq!(
        ticket["direct_upload"]["headers"]["Content-Type"],
        "video/mp4"
    );
    assert_eq!(
        ticket["direct_upload"]["headers"]["Content-MD5"],
        checksum(&video)
    );
    let url = ticket["direct_upload"]["url"].as_str().unwrap();
    assert!(
        url.starts_with(&format!(
            "http://localhost:{}/v1/direct_uploads/",
            app.address.port()
        )),
        "{url}"
    );
    assert!(
        app.app
            .storage()
            .list("resources/")
            .await
            .unwrap()
            .is_empty(),
        "nothing is visible before the PUT"
    );

    assert_eq!(put_as_told(&ticket, &file).await, 200);
    let reply = attach(&app.owner, ticket["signed_id"].as_str().unwrap())
        .await
        .expect(201);
    contract().assert_conforms("createContentResource", 201, &reply.body);
    let resource = &reply.body["content_resource"];
    assert_eq!(resource["type"], "video");
    assert_eq!(resource["file_name"], "hero-video.mp4");
    assert_eq!(
        (resource["width"].as_i64(), resource["height"].as_i64()),
        (Some(96), Some(64))
    );
    assert!(resource["thumbnail_url"].is_string());
    assert_eq!(
        fetch(&app, resource["url"].as_str().unwrap())
            .await
            .bytes()
            .await
            .unwrap(),
        video
    );

    assert_eq!(
        put_as_told(&ticket, &file).await,
        422,
        "the URL takes one upload"
    );
    attach(&app.owner, ticket["signed_id"].as_str().unwrap())
        .await
        .expect_error(422, "content_resource_creation_failed");
    let listed = app
        .owner
        .client
        .get(&format!(
            "/v1/content_resources?agent_id={}",
            app.owner.agent_id
        ))
        .await
        .expect(200);
    assert_eq!(listed.body.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn the_documented_data_binary_put_works_too() {
    let app = TestApp::spawn().await;
    let png = crate::harness::image("png", 32, 32);
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(&dir, "a.png", &png);
    let ticket = declare(&app.owner.client, blob("a.png", &png, "image/png")).await;
    let output = tokio::process::Command::new("curl")
        .args(["-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", "PUT"])
        .arg(ticket["direct_upload"]["url"].as_str().unwrap())
        .args(["-H", "Content-Type: image/png", "-H"])
        .arg(format!("Content-MD5: {}", checksum(&png)))
        .arg("--data-binary")
        .arg(format!("@{}", file.display()))
        .output()
        .await
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&output.stdout), "200");
    attach(&app.owner, ticket["signed_id"].as_str().unwrap())
        .await
        .expect(201);
}

#[tokio::test]
async fn declaring_a_blob_checks_its_type_size_and_checksum() {
    let app = TestApp::spawn().await;
    let client = &app.owner.client;
    let png = crate::harness::image("png", 4, 4);
    let with = |field: &str, value: Value| {
        let mut body = blob("a.png", &png, "image/png");
        body["blob"][field] = value;
        body
    };
    client
        .post(
            "/v1/direct_upload",
            with("content_type", json!("text/plain")),
        )
        .await
        .expect_error(422, "invalid_content_type");
    client
        .post(
            "/v1/direct_upload",
            with("byte_size", json!(1024_i64 * 1024 * 1024 + 1)),
        )
        .await
        .expect_error(422, "file_size_exceeded");
    for (field, value) in [
        ("byte_size", json!(0)),
        ("byte_size", json!("lots")),
        ("checksum", json!("not-md5")),
        ("checksum", Value::Null),
        ("filename", json!("")),
        ("metadata", json!("text")),
    ] {
        client
            .post("/v1/direct_upload", with(field, value))
            .await
            .expect_error(422, "direct_upload_failed");
    }
    app.anonymous()
        .post("/v1/direct_upload", blob("a.png", &png, "image/png"))
        .await
        .expect_error(401, "unauthorized");
    let flat = client
        .post(
            "/v1/direct_upload",
            blob("a.png", &png, "image/png")["blob"].clone(),
        )
        .await
        .expect(200);
    assert_eq!(
        flat.body["filename"], "a.png",
        "the unwrapped form is accepted too"
    );
}

#[tokio::test]
async fn a_put_with_the_wrong_headers_or_bytes_is_refused_and_can_be_retried() {
    let app = TestApp::spawn().await;
    let png = crate::harness::image("png", 16, 16);
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(&dir, "a.png", &png);
    let ticket = declare(&app.owner.client, blob("a.png", &png, "image/png")).await;
    let md5 = checksum(&png);
    assert_eq!(
        curl_put(&ticket, &file, &[("Content-Type", "image/png")]).await,
        422,
        "Content-MD5 is required"
    );
    assert_eq!(
        curl_put(
            &ticket,
            &file,
            &[("Content-Type", "image/jpeg"), ("Content-MD5", &md5)]
        )
        .await,
        422
    );
    let mut altered = png.clone();
    let last = altered.len() - 1;
    altered[last] ^= 0xff;
    let liar = write_file(&dir, "altered.png", &altered);
    assert_eq!(
        curl_put(
            &ticket,
            &liar,
            &[("Content-Type", "image/png"), ("Content-MD5", &md5)]
        )
        .await,
        422
    );
    let short = write_file(&dir, "short.png", &png[..png.len() - 1]);
    assert_eq!(
        curl_put(
            &ticket,
            &short,
            &[("Content-Type", "image/png"), ("Content-MD5", &md5)]
        )
        .await,
        422
    );
    assert!(
        app.app.storage().list("").await.unwrap().is_empty(),
        "no refused byte is kept"
    );
    attach(&app.owner, ticket["signed_id"].as_str().unwrap())
        .await
        .expect_error(422, "content_resource_creation_failed");

    assert_eq!(put_as_told(&ticket, &file).await, 200);
    attach(&app.owner, ticket["signed_id"].as_str().unwrap())
        .await
        .expect(201);
}

#[tokio::test]
async fn an_upload_url_that_was_altered_or_has_expired_is_refused() {
    let app = TestApp::spawn().await;
    let png = crate::harness::image("png", 4, 4);
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(&dir, "a.png", &png);
    let mut ticket = declare(&app.owner.client, blob("a.png", &png, "image/png")).await;
    let url = ticket["direct_upload"]["url"].as_str().unwrap().to_owned();
    ticket["direct_upload"]["url"] = json!(format!("{}x", url));
    assert_eq!(put_as_told(&ticket, &file).await, 403);
    ticket["direct_upload"]["url"] = json!(url);
    app.app.clock().advance(Duration::hours(2));
    assert_eq!(put_as_told(&ticket, &file).await, 403);
}

#[tokio::test]
async fn tampered_expired_unknown_or_never_uploaded_signed_ids_are_refused() {
    let app = TestApp::spawn().await;
    let refused =
        |reply: crate::harness::Reply| reply.expect_error(422, "content_resource_creation_failed");
    let png = crate::harness::image("png", 4, 4);
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(&dir, "a.png", &png);

    let never = declare(&app.owner.client, blob("a.png", &png, "image/png")).await;
    let message =
        refused(attach(&app.owner, never["signed_id"].as_str().unwrap()).await).body["error"]
            .clone();
    assert!(message.as_str().unwrap().contains("uploaded"), "{message}");

    let ticket = declare(&app.owner.client, blob("a.png", &png, "image/png")).await;
    assert_eq!(put_as_told(&ticket, &file).await, 200);
    let signed_id = ticket["signed_id"].as_str().unwrap();
    let mut tampered: Vec<char> = signed_id.chars().collect();
    tampered[3] = if tampered[3] == 'A' { 'B' } else { 'A' };
    refused(attach(&app.owner, &tampered.into_iter().collect::<String>()).await);
    refused(attach(&app.owner, "not-a-signed-id").await);
    let unknown =
        app.app
            .signer()
            .sign("blob", 987_654, app.app.clock().now() + Duration::hours(1));
    refused(attach(&app.owner, &unknown).await);
    let someone_else = app.user("Someone").await;
    refused(attach(&someone_else, signed_id).await);
    app.owner
        .client
        .post(
            &format!("/v1/content_resources?agent_id={}", app.owner.agent_id),
            json!({"content_resource": {}}),
        )
        .await
        .expect_error(422, "content_resource_creation_failed");

    app.app.clock().advance(Duration::hours(25));
    let expired = refused(attach(&app.owner, signed_id).await).body["error"].clone();
    assert!(expired.as_str().unwrap().contains("expired"), "{expired}");
}

#[tokio::test]
async fn expired_uploads_that_never_became_resources_are_swept_with_their_bytes() {
    let app = TestApp::spawn().await;
    let png = crate::harness::image("png", 4, 4);
    let kept = upload_directly(&app, "kept.png", &png, "image/png").await;
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(&dir, "b.png", &png);
    let abandoned = declare(&app.owner.client, blob("b.png", &png, "image/png")).await;
    assert_eq!(put_as_told(&abandoned, &file).await, 200);
    assert_eq!(
        app.app.storage().list("resources/").await.unwrap().len(),
        3,
        "kept, its thumbnail, the abandoned upload"
    );

    assert_eq!(
        ace_app::direct_uploads::sweep_expired(&app.app)
            .await
            .unwrap(),
        0,
        "nothing has expired yet"
    );
    app.app.clock().advance(Duration::hours(25));
    assert_eq!(
        ace_app::direct_uploads::sweep_expired(&app.app)
            .await
            .unwrap(),
        2
    );
    let left: Vec<String> = app
        .app
        .storage()
        .list("resources/")
        .await
        .unwrap()
        .into_iter()
        .map(|b| b.key)
        .collect();
    assert_eq!(left.len(), 2, "the resource's bytes stay: {left:?}");
    assert_eq!(
        fetch(&app, kept["url"].as_str().unwrap()).await.status(),
        200
    );
}

#[tokio::test]
async fn on_s3_the_upload_url_is_a_presigned_put_to_the_bucket() {
    let Some(bucket) = crate::harness::fresh_bucket().await else {
        eprintln!(
            "skipped: set {} to run this against an S3-compatible server",
            crate::harness::S3_ENDPOINT
        );
        return;
    };
    let app = TestApp::builder()
        .storage(crate::harness::bucket_storage(bucket))
        .spawn()
        .await;
    let endpoint = crate::harness::s3_endpoint().unwrap();
    let png = crate::harness::image("png", 48, 48);
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(&dir, "a.png", &png);
    let ticket = declare(&app.owner.client, blob("a.png", &png, "image/png")).await;
    let url = ticket["direct_upload"]["url"].as_str().unwrap();
    assert!(
        url.starts_with(&endpoint) && url.contains("X-Amz-Signature="),
        "{url}"
    );
    attach(&app.owner, ticket["signed_id"].as_str().unwrap())
        .await
        .expect_error(422, "content_resource_creation_failed");
    assert_eq!(put_as_told(&ticket, &file).await, 200);
    let resource = attach(&app.owner, ticket["signed_id"].as_str().unwrap())
        .await
        .expect(201)
        .body["content_resource"]
        .clone();
    assert_eq!(
        (
            resource["width"].as_i64(),
            resource["thumbnail_url"].is_string()
        ),
        (Some(48), true)
    );
    assert_eq!(
        fetch(&app, resource["url"].as_str().unwrap())
            .await
            .bytes()
            .await
            .unwrap(),
        png
    );

    let multipart = crate::harness::uploaded(
        &app.owner.client,
        app.owner.agent_id.get(),
        "b.wav",
        crate::harness::wav(300),
    )
    .await;
    app.owner
        .client
        .delete(&format!(
            "/v1/content_resources/{}?agent_id={}",
            multipart["id"], app.owner.agent_id
        ))
        .await
        .expect(200);
    assert_eq!(
        fetch(&app, multipart["url"].as_str().unwrap())
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn a_direct_upload_can_become_an_avatar_once() {
    let app = TestApp::spawn().await;
    let png = crate::harness::image("png", 300, 200);
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(&dir, "face.png", &png);
    let ticket = declare(&app.owner.client, blob("face.png", &png, "image/png")).await;
    assert_eq!(put_as_told(&ticket, &file).await, 200);
    let agent = app.owner.agent_id;
    let body = json!({"agent_avatars_attributes": [{"file": ticket["signed_id"]}]});
    let path = format!("/v1/agents/{agent}/avatars");
    app.owner.client.post(&path, body.clone()).await.expect(200);
    let avatars = app.owner.client.get(&path).await.expect(200).body;
    assert_eq!(avatars[0]["is_primary"], true);
    assert_eq!(
        fetch(&app, avatars[0]["url"].as_str().unwrap())
            .await
            .bytes()
            .await
            .unwrap(),
        png
    );
    assert!(
        app.app
            .storage()
            .list("resources/")
            .await
            .unwrap()
            .is_empty(),
        "the uploaded copy is gone once the avatar has its own"
    );
    app.owner
        .client
        .post(&path, body)
        .await
        .expect_error(422, "avatar_creation_failed");
    let never = declare(&app.owner.client, blob("face.png", &png, "image/png")).await;
    app.owner
        .client
        .post(
            &path,
            json!({"agent_avatars_attributes": [{"file": never["signed_id"]}]}),
        )
        .await
        .expect_error(422, "avatar_creation_failed");
}
