//! The console's knowledge page over HTTP: the agent's top posts with their metrics, ranked
//! as asked, whether monitoring is on, and nothing of it for another organization.

use reqwest::header::LOCATION;
use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};

use super::Browser;
use crate::harness::TestApp;

#[tokio::test]
async fn the_top_posts_show_with_their_metrics_ranked_as_asked_and_only_to_their_agents_members() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let lines = [
        r#"{"platform":"tiktok","id":"t1","url":"https://www.tiktok.com/@keithlee/video/1","author":"keithlee","text":"The two dollar taco at 2am.","views":2100000,"likes":90000}"#,
        r#"{"platform":"tiktok","id":"t2","url":"https://www.tiktok.com/@tacoqueen/video/2","author":"tacoqueen","text":"Salsa ranking from worst to best.","views":800000,"likes":410000}"#,
    ];
    let form = Form::new().part(
        "file",
        Part::bytes(lines.join("\n").into_bytes()).file_name("posts.ndjson"),
    );
    app.owner
        .client
        .multipart(
            Method::POST,
            &format!("/v1/agents/{agent}/knowledge/imports"),
            form,
        )
        .await
        .expect(202);
    app.drain_jobs().await;

    let mut browser = Browser::new(&app);
    browser.sign_in(&app.owner).await;
    let page_path = format!("/app/agents/{agent}/knowledge");
    let (status, _, response) = browser.get("/app/knowledge").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(response[LOCATION], page_path.as_str());
    let (status, page, _) = browser.get(&page_path).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains("2100000") && page.contains("@keithlee"),
        "{page}"
    );
    let by_views = page.find("two dollar taco").unwrap() < page.find("Salsa ranking").unwrap();
    assert!(by_views, "most viewed first: {page}");
    let (_, by_likes, _) = browser.get(&format!("{page_path}?ranking=likes")).await;
    assert!(
        by_likes.find("Salsa ranking").unwrap() < by_likes.find("two dollar taco").unwrap(),
        "most liked first: {by_likes}"
    );
    assert!(page.contains("Monitoring"), "{page}");

    let stranger = app.user("stranger").await;
    let mut theirs = Browser::new(&app);
    theirs.sign_in(&stranger).await;
    let (status, page, _) = theirs.get(&page_path).await;
    assert!(status.is_client_error(), "{status}");
    assert!(!page.contains("taco"), "{page}");
}
