//! Closing the loop: a public post's figures are read back from TikTok's video query (hourly
//! for two days, then daily for a month) into the agent's knowledge base as its own post; an
//! account that never allowed `video.list` is not read.

use ace_fixtures::mp4;
use serde_json::json;

use super::{connected_app, post_now, posted, video};
use crate::harness::USERNAME;

#[tokio::test]
async fn a_public_posts_figures_are_read_back_for_a_month_as_the_agents_own_post() {
    let (app, tiktok) = connected_app(|state| {
        state.privacy_levels = vec!["PUBLIC_TO_EVERYONE".into()];
    })
    .await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let url = video(client, agent, mp4(720, 1280, 2)).await;
    let mut body = post_now(&url);
    let mut data: serde_json::Value = serde_json::from_str(body["data"].as_str().unwrap()).unwrap();
    data["description"] = json!("The birria stand that opens at midnight #tacos");
    body["data"] = json!(data.to_string());
    let done = posted(&app, body).await;
    assert_eq!(done["status"], "completed", "{done}");
    let post_id = done["result"]["post_id"].as_str().unwrap().to_owned();

    // 48 hourly readings, then 30 daily ones.
    assert_eq!(tiktok.lock().figure_reads.get(&post_id), Some(&78));
    let query = tiktok.calls("/v2/video/query/");
    assert!(query[0].path.contains("fields="), "{}", query[0].path);
    assert_eq!(query[0].json()["filters"]["video_ids"], json!([post_id]));

    let found = client
        .get(&format!(
            "/v1/agents/{agent}/knowledge/posts?author={USERNAME}"
        ))
        .await
        .expect(200)
        .body;
    let posts = found["posts"]
        .as_array()
        .unwrap_or_else(|| panic!("{found}"));
    assert_eq!(posts.len(), 1, "{found}");
    let own = &posts[0];
    assert_eq!(own["metrics"]["views"], 78_000, "{own}");
    assert_eq!(own["metrics"]["likes"], 7_800);
    assert_eq!(own["author"], USERNAME);
    // Each reading was kept as a snapshot: the growth shows.
    assert_eq!(own["views_gained"], 77_000, "{own}");
    assert!(
        own["text"]
            .as_str()
            .unwrap_or_default()
            .contains("opens at midnight"),
        "{own}"
    );
}

#[tokio::test]
async fn an_account_that_never_allowed_video_list_is_not_read_back() {
    let (app, tiktok) = connected_app(|state| {
        state.privacy_levels = vec!["PUBLIC_TO_EVERYONE".into()];
        state.scopes = "user.info.basic,video.publish".into();
    })
    .await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let url = video(client, agent, mp4(720, 1280, 2)).await;
    let done = posted(&app, post_now(&url)).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert!(done["result"]["post_id"].is_string());
    assert!(tiktok.calls("/v2/video/query/").is_empty());
    let found = client
        .get(&format!("/v1/agents/{agent}/knowledge/posts"))
        .await
        .expect(200)
        .body;
    assert_eq!(found["posts"], json!([]), "{found}");
}
