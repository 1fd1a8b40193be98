//! Posts: checked as GEN documents, uploaded to TikTok in order, followed until published,
//! scheduled and cancelled, refused without a connected account, and kept from other tenants.

use ace_fixtures::{mp4, noise_mp4};
use serde_json::{Value, json};

use super::accounts::issued;
use super::{connect, connected_app, post_now, posted, publishing_app, video};
use crate::harness::TestApp;

fn data_of(body: &Value) -> Value {
    serde_json::from_str(body["data"].as_str().unwrap()).unwrap()
}

fn with(body: &Value, key: &str, value: Value) -> Value {
    let mut data = data_of(body);
    data[key] = value;
    json!({"user_job_type": "publish_content", "data": data.to_string()})
}

async fn job(app: &TestApp, agent: i64, id: &Value) -> Value {
    app.owner
        .client
        .get(&format!("/v1/user_jobs/{id}?agent_id={agent}"))
        .await
        .expect(200)
        .body
}

#[tokio::test]
async fn a_video_is_posted_through_creator_info_init_and_upload_and_completes() {
    let (app, tiktok) = connected_app(|_| {}).await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let url = video(client, agent, mp4(720, 1280, 2)).await;

    let created = client
        .post(&format!("/v1/user_jobs?agent_id={agent}"), post_now(&url))
        .await
        .expect(201);
    crate::contract().assert_conforms("createUserJob", 201, &created.body);
    assert_eq!(created.body["user_job_type"], "publish_content");
    app.drain_jobs().await;

    let done = job(&app, agent, &created.body["user_job_id"]).await;
    crate::contract().assert_conforms("getUserJob", 200, &done);
    assert_eq!(done["status"], "completed", "{done}");
    let result = &done["result"];
    assert_eq!(result["publish_id"], "v_pub_file~0");
    assert_eq!(result["privacy_level"], "SELF_ONLY");
    // SELF_ONLY posts of an unaudited app have no public id.
    assert_eq!(result["post_id"], Value::Null);

    let paths: Vec<String> = tiktok
        .api
        .seen()
        .iter()
        .map(|seen| seen.path.clone())
        .filter(|path| path.starts_with("/v2/post") || path.starts_with("/upload"))
        .collect();
    // The first creator_info read the creator's names when the account connected.
    assert_eq!(
        paths[1..4],
        [
            "/v2/post/publish/creator_info/query/",
            "/v2/post/publish/video/init/",
            "/upload/0"
        ]
    );
    let init = tiktok.calls("/v2/post/publish/video/init/")[0].json();
    assert_eq!(
        init["post_info"]["title"],
        "Factory price reveal #sourcing #china"
    );
    assert_eq!(init["post_info"]["is_aigc"], true);
    // The creator's account has duets off, so the post does too.
    assert_eq!(init["post_info"]["disable_duet"], true);
    assert_eq!(init["source_info"]["source"], "FILE_UPLOAD");
    assert_eq!(init["source_info"]["total_chunk_count"], 1);
    // Publishing is free.
    let cost: f64 = done["execution_cost"].as_str().unwrap().parse().unwrap();
    assert_eq!(cost, 0.0, "{done}");
}

#[tokio::test]
async fn a_large_video_goes_up_in_ordered_chunks_and_a_public_post_has_its_id() {
    let (app, tiktok) = connected_app(|state| {
        state.privacy_levels = vec!["PUBLIC_TO_EVERYONE".into(), "SELF_ONLY".into()];
    })
    .await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let bytes = noise_mp4(13);
    let size = bytes.len() as u64;
    assert!(
        size >= 10 * 1024 * 1024,
        "the clip spans two chunks ({size} bytes)"
    );
    let url = video(client, agent, bytes).await;
    let done = posted(&app, post_now(&url)).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["result"]["privacy_level"], "PUBLIC_TO_EVERYONE");
    assert_eq!(done["result"]["post_id"], "7300000000000000000");
    let chunks = tiktok.calls("/upload/0");
    let ranges: Vec<&str> = chunks.iter().map(|c| c.header("content-range")).collect();
    let chunk = 5 * 1024 * 1024;
    let count = size / chunk;
    let expected: Vec<String> = (0..count)
        .map(|i| {
            let last = if i + 1 == count {
                size - 1
            } else {
                (i + 1) * chunk - 1
            };
            format!("bytes {}-{last}/{size}", i * chunk)
        })
        .collect();
    assert!(count >= 2);
    assert_eq!(ranges, expected);
}

#[tokio::test]
async fn every_documented_field_is_checked_and_named() {
    let (app, _tiktok) = connected_app(|_| {}).await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let base = post_now("https://cdn.example.com/video.mp4");
    let path = format!("/v1/user_jobs?agent_id={agent}");
    let cases = [
        ("platform", json!("myspace"), "data.platform"),
        (
            "media_url",
            json!("ftp://cdn.example.com/v.mp4"),
            "data.media_url",
        ),
        ("description", json!("x".repeat(2_201)), "data.description"),
        ("schedule_type", json!("tomorrow"), "data.schedule_type"),
        ("media_type", json!("GIF"), "data.media_type"),
        ("media_type", json!("IMAGE"), "data.media_type"),
        ("timezone_offset", json!(5_000), "data.timezone_offset"),
    ];
    for (key, value, field) in cases {
        let refused = client
            .post(&path, with(&base, key, value.clone()))
            .await
            .expect_error(422, "validation_error");
        let message = refused.body["error"].as_str().unwrap();
        assert!(message.contains(field), "{key}={value}: {message}");
    }
    let mut scheduled = data_of(&base);
    scheduled["schedule_type"] = json!("scheduled");
    for (time, why) in [
        (Value::Null, "required"),
        (json!("2020-01-01T00:00:00Z"), "future"),
        (json!("soon"), "ISO 8601"),
    ] {
        scheduled["scheduled_time"] = time;
        let body = json!({"user_job_type": "publish_content", "data": scheduled.to_string()});
        let refused = client
            .post(&path, body)
            .await
            .expect_error(422, "validation_error");
        let message = refused.body["error"].as_str().unwrap();
        assert!(
            message.contains("data.scheduled_time") && message.contains(why),
            "{message}"
        );
    }
}

#[tokio::test]
async fn without_a_connected_account_a_post_is_refused_with_how_to_connect_one() {
    let (app, _tiktok) = publishing_app().await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let path = format!("/v1/user_jobs?agent_id={agent}");
    let body = post_now("https://cdn.example.com/video.mp4");
    let refused = client
        .post(&path, body.clone())
        .await
        .expect_error(422, "social_account_not_connected");
    assert!(
        refused.body["error"]
            .as_str()
            .unwrap()
            .contains("social_accounts/tiktok/connect")
    );
    // A URL-only row is a label.
    let label = client
        .post(
            &format!("/v1/agents/{agent}/core/accounts"),
            json!({"url": "https://tiktok.com/@brand"}),
        )
        .await
        .expect(201);
    let refused = client
        .post(&path, with(&body, "account_id", label.body["id"].clone()))
        .await
        .expect_error(422, "social_account_not_connected");
    assert!(
        refused.body["error"]
            .as_str()
            .unwrap()
            .contains("connect this account first")
    );
    client
        .post(&path, with(&body, "account_id", json!(999_999)))
        .await
        .expect_error(422, "validation_error");
}

#[tokio::test]
async fn a_scheduled_post_waits_and_can_be_cancelled_by_its_agents_editors_only() {
    let (app, tiktok) = connected_app(|_| {}).await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let body = with(
        &post_now("https://cdn.example.com/video.mp4"),
        "schedule_type",
        json!("scheduled"),
    );
    let later = (chrono::Utc::now() + chrono::TimeDelta::hours(2)).to_rfc3339();
    let body = with(&body, "scheduled_time", json!(later));
    let created = client
        .post(&format!("/v1/user_jobs?agent_id={agent}"), body)
        .await
        .expect(201);
    let id = created.body["user_job_id"].clone();
    app.drain_due_jobs().await;
    assert_eq!(job(&app, agent, &id).await["status"], "pending");
    assert!(tiktok.calls("/v2/post/publish/video/init/").is_empty());

    let stranger = app.user("stranger").await;
    stranger
        .client
        .delete(&format!("/v1/user_jobs/{id}"))
        .await
        .expect_error(404, "user_job_not_found");
    let cancelled = client
        .delete(&format!("/v1/user_jobs/{id}?agent_id={agent}"))
        .await
        .expect(200);
    crate::contract().assert_conforms("cancelUserJob", 200, &cancelled.body);
    assert_eq!(cancelled.body["status"], "failed");
    assert_eq!(cancelled.body["failed_reason"], "cancelled");
    client
        .delete(&format!("/v1/user_jobs/{id}?agent_id={agent}"))
        .await
        .expect_error(422, "job_status_invalid");
    app.drain_jobs().await;
    assert!(tiktok.calls("/v2/post/publish/video/init/").is_empty());
}

#[tokio::test]
async fn an_expiring_token_is_refreshed_and_the_rotated_refresh_token_is_kept() {
    let (app, tiktok) = connected_app(|state| state.expires_in = 60).await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let url = video(client, agent, mp4(720, 1280, 1)).await;
    for _ in 0..2 {
        let done = posted(&app, post_now(&url)).await;
        assert_eq!(done["status"], "completed", "{done}");
    }
    // Each refresh used the refresh token TikTok last issued (the stand-in refuses others).
    let (tokens, refresh) = issued(&tiktok);
    assert!(tokens.len() >= 3, "{tokens:?}");
    assert_eq!(refresh, format!("rft.{}", tokens.len()));
}

#[tokio::test]
async fn a_revoked_grant_fails_the_post_and_asks_for_reconnection() {
    let (app, tiktok) = connected_app(|state| state.expires_in = 60).await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    tiktok.lock().grant_revoked = true;
    let url = video(client, agent, mp4(720, 1280, 1)).await;
    let failed = posted(&app, post_now(&url)).await;
    assert_eq!(failed["status"], "failed");
    let reason = failed["failed_reason"].as_str().unwrap();
    assert!(
        reason.contains("connected again") && reason.contains("invalid_grant"),
        "{reason}"
    );
    let listed = client
        .get(&format!("/v1/agents/{agent}/social_accounts"))
        .await
        .expect(200);
    assert_eq!(listed.body[0]["status"], "needs_reconnect");
    client
        .post(&format!("/v1/user_jobs?agent_id={agent}"), post_now(&url))
        .await
        .expect_error(422, "social_account_not_connected");
}

#[tokio::test]
async fn a_rate_limit_is_waited_out_and_a_failed_review_keeps_tiktoks_reason() {
    let (app, tiktok) = connected_app(|state| state.rate_limited_inits = 1).await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let url = video(client, agent, mp4(720, 1280, 1)).await;
    let done = posted(&app, post_now(&url)).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(tiktok.calls("/v2/post/publish/video/init/").len(), 2);

    tiktok.lock().fail_next = Some("picture_size_check_failed".into());
    let failed = posted(&app, post_now(&url)).await;
    assert_eq!(failed["status"], "failed");
    assert!(
        failed["failed_reason"]
            .as_str()
            .unwrap()
            .contains("picture_size_check_failed")
    );
}

#[tokio::test]
async fn a_video_longer_than_the_creator_may_post_is_refused_before_upload() {
    let (app, tiktok) = connected_app(|state| state.max_video_seconds = 1).await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let url = video(client, agent, mp4(720, 1280, 3)).await;
    let failed = posted(&app, post_now(&url)).await;
    assert_eq!(failed["status"], "failed");
    assert!(
        failed["failed_reason"]
            .as_str()
            .unwrap()
            .contains("at most 1 s"),
        "{failed}"
    );
    assert!(tiktok.calls("/v2/post/publish/video/init/").is_empty());
}

#[tokio::test]
async fn a_scheduled_post_is_kept_in_the_database_and_runs_at_its_time_after_a_restart() {
    let tiktok = super::StandInTikTok::start().await;
    // The first server takes the post and stops working (it runs no jobs); the one started
    // afterwards on the same database posts it at its time.
    let app = TestApp::builder()
        .publishing(tiktok.settings())
        .without_jobs()
        .spawn()
        .await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    connect(&app, &tiktok, client, agent).await;
    let url = video(client, agent, mp4(720, 1280, 1)).await;
    let due = chrono::Utc::now() + chrono::TimeDelta::seconds(2);
    let body = with(&post_now(&url), "schedule_type", json!("scheduled"));
    let body = with(&body, "scheduled_time", json!(due.to_rfc3339()));
    let created = client
        .post(&format!("/v1/user_jobs?agent_id={agent}"), body)
        .await
        .expect(201);
    let id = created.body["user_job_id"].clone();
    assert_eq!(job(&app, agent, &id).await["status"], "pending");

    let _restarted = app.another_process_publishing(tiktok.settings()).await;
    app.drain_jobs().await;
    let done = job(&app, agent, &id).await;
    assert_eq!(done["status"], "completed", "{done}");
    let init = &tiktok.calls("/v2/post/publish/video/init/");
    assert_eq!(init.len(), 1, "posted once");
}

#[tokio::test]
async fn a_video_that_fails_a_gate_is_not_sent_to_tiktok_unless_forced() {
    let (app, tiktok) = connected_app(|_| {}).await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let url = video(client, agent, mp4(320, 240, 1)).await;
    let failed = posted(&app, post_now(&url)).await;
    assert_eq!(failed["status"], "failed");
    let reason = failed["failed_reason"].as_str().unwrap();
    assert!(
        reason.contains("resolution: 320×240 (expected at least 720 px on the short side)"),
        "{reason}"
    );
    assert!(tiktok.calls("/v2/post/publish/video/init/").is_empty());
    let checks = failed["result"]["gates"]["checks"].as_array().unwrap();
    assert!(
        checks
            .iter()
            .any(|c| c["name"] == "aspect_ratio" && c["verdict"] == "warning")
    );

    let forced = posted(&app, with(&post_now(&url), "force", json!(true))).await;
    assert_eq!(forced["status"], "completed", "{forced}");
    assert_eq!(tiktok.calls("/v2/post/publish/video/init/").len(), 1);
}

#[tokio::test]
async fn any_video_of_the_agent_is_checked_against_the_gates_for_free() {
    let app = TestApp::spawn().await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let small = super::uploaded(client, agent, "small.mp4", mp4(320, 240, 1)).await;
    let vertical = super::uploaded(client, agent, "vertical.mp4", mp4(720, 1280, 1)).await;
    let check = |resource: &Value| {
        format!(
            "/v1/content_resources/{}/check?agent_id={agent}",
            resource["id"]
        )
    };
    let refused = client.post(&check(&small), json!({})).await.expect(200);
    crate::contract().assert_conforms("checkContentResource", 200, &refused.body);
    assert_eq!(refused.body["passed"], false);
    let verdicts: Vec<(String, String)> = refused.body["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_owned(),
                c["verdict"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        verdicts.contains(&("resolution".into(), "failed".into())),
        "{verdicts:?}"
    );
    assert!(
        verdicts.contains(&("container".into(), "passed".into())),
        "{verdicts:?}"
    );
    assert!(
        verdicts.contains(&("loudness".into(), "skipped".into())),
        "{verdicts:?}"
    );
    let passed = client.post(&check(&vertical), json!({})).await.expect(200);
    assert_eq!(passed.body["passed"], true, "{}", passed.body);

    let stranger = app.user("stranger").await;
    let path = check(&vertical).replace(
        &format!("agent_id={agent}"),
        &format!("agent_id={}", stranger.agent_id),
    );
    stranger.client.post(&path, json!({})).await.expect(404);
}

#[tokio::test]
async fn publishing_an_ideas_video_moves_the_idea_to_posted() {
    let (app, _tiktok) = connected_app(|_| {}).await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let idea = crate::ideas::seed(
        &app,
        app.owner.agent_id,
        &[("Taco run", ace_domain::ideas::VideoType::TalkingAvatar)],
    )
    .await[0];
    let url = video(client, agent, mp4(720, 1280, 1)).await;
    let done = posted(&app, with(&post_now(&url), "idea_id", json!(idea))).await;
    assert_eq!(done["status"], "completed", "{done}");
    let ideas = client
        .get(&format!("/v1/agent/ideas?agent_id={agent}"))
        .await
        .expect(200)
        .body;
    assert_eq!(ideas[0]["status"], "posted", "{ideas}");

    let stranger = app.user("stranger").await;
    let theirs = crate::ideas::seed(
        &app,
        stranger.agent_id,
        &[("Not mine", ace_domain::ideas::VideoType::Montage)],
    )
    .await[0];
    let refused = client
        .post(
            &format!("/v1/user_jobs?agent_id={agent}"),
            with(&post_now(&url), "idea_id", json!(theirs)),
        )
        .await
        .expect_error(422, "validation_error");
    assert!(
        refused.body["error"]
            .as_str()
            .unwrap()
            .contains("data.idea_id")
    );
}
