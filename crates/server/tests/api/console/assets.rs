//! The console's asset library over HTTP as its page's script uses it: a folder is made, a
//! file is uploaded directly (a ticket, the bytes to storage, the record) and shows with its
//! preview; a stale page is refused in the API's envelope; another organization's session
//! reaches none of it.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use md5::{Digest, Md5};
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION};
use serde_json::{Value, json};

use super::Browser;
use crate::harness::{TestApp, image};

/// Posts JSON as the page's script does; answers the status and the body.
async fn script_call(
    browser: &Browser,
    path: &str,
    csrf: &str,
    body: Value,
) -> (StatusCode, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}{path}", browser.base.trim_end_matches('/')))
        .header(COOKIE, browser.cookie_header())
        .header("x-csrf-token", csrf)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn a_file_is_uploaded_directly_into_a_new_folder_and_shows_with_its_preview() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let library = format!("/app/agents/{agent}/assets");
    let mut browser = Browser::new(&app);
    browser.sign_in(&app.owner).await;
    let (status, _, response) = browser.get("/app/assets").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(response[LOCATION], library.as_str());
    let (_, page, _) = browser.get(&library).await;
    assert!(page.contains("Nothing here yet"), "{page}");
    assert!(page.contains(r#"class="dropzone""#), "{page}");
    let csrf = Browser::csrf(&page);

    let (status, _, response) = browser
        .post(
            &format!("{library}/folders"),
            &[("csrf", &csrf), ("name", "B-roll"), ("parent", "")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let in_folder = response[LOCATION].to_str().unwrap().to_owned();
    let folder: i64 = in_folder.split("folder=").nth(1).unwrap().parse().unwrap();

    let png = image("png", 16, 16);
    let checksum = STANDARD.encode(Md5::digest(&png));
    let declared = json!({"filename": "logo.png", "byte_size": png.len(), "content_type": "image/png", "checksum": checksum});
    let (status, refused) = script_call(
        &browser,
        &format!("{library}/uploads"),
        "stale",
        declared.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(refused["error_code"], "forbidden", "{refused}");
    let (status, ticket) =
        script_call(&browser, &format!("{library}/uploads"), &csrf, declared).await;
    assert_eq!(status, StatusCode::OK, "{ticket}");
    let url = ticket["url"].as_str().unwrap();
    assert!(
        url.starts_with('/'),
        "ace's own upload URL, on the page's origin: {url}"
    );
    let mut put = reqwest::Client::new()
        .put(format!("{}{url}", browser.base.trim_end_matches('/')))
        .body(png.clone());
    for (name, value) in ticket["headers"].as_object().unwrap() {
        put = put.header(name.as_str(), value.as_str().unwrap());
    }
    assert!(put.send().await.unwrap().status().is_success());
    let (status, recorded) = script_call(
        &browser,
        &library,
        &csrf,
        json!({"signed_id": ticket["signed_id"], "folder": folder}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{recorded}");
    assert_eq!(recorded["file_name"], "logo.png");

    let (_, page, _) = browser.get(&in_folder).await;
    assert!(page.contains("logo.png") && page.contains("<img"), "{page}");
    let (_, top, _) = browser.get(&library).await;
    assert!(top.contains("B-roll") && !top.contains("logo.png"), "{top}");
}

#[tokio::test]
async fn another_organizations_session_reaches_none_of_an_agents_library() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let library = format!("/app/agents/{agent}/assets");
    let stranger = app.user("stranger").await;
    let mut browser = Browser::new(&app);
    let page = browser.sign_in(&stranger).await;
    let csrf = Browser::csrf(&page);
    let (status, _, _) = browser.get(&library).await;
    assert!(status.is_client_error(), "{status}");
    let png = image("png", 4, 4);
    let declared = json!({"filename": "x.png", "byte_size": png.len(), "content_type": "image/png", "checksum": STANDARD.encode(Md5::digest(&png))});
    let (status, refused) =
        script_call(&browser, &format!("{library}/uploads"), &csrf, declared).await;
    assert!(status.is_client_error(), "{status}");
    assert!(refused["error_code"].is_string(), "{refused}");
    let (status, _, _) = browser
        .post(
            &format!("{library}/folders"),
            &[("csrf", &csrf), ("name", "Mine")],
        )
        .await;
    assert!(status.is_client_error(), "{status}");
}
