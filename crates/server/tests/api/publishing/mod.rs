//! Publishing to TikTok against a stand-in that speaks TikTok's wire format: accounts
//! connected with Login Kit (PKCE), tokens sealed, refreshed and revoked; posts checked field
//! by field, uploaded in order, followed until published, scheduled and cancelled; the
//! quality gates, down to TikTok's safe area.

mod accounts;
mod figures;
mod posts;
mod safe_area;

use serde_json::{Value, json};

pub(super) use crate::harness::StandInTikTok;
pub(super) use crate::harness::uploaded;
use crate::harness::{Client, TestApp, TikTokState};

/// An app that publishes through a fresh stand-in.
async fn publishing_app() -> (TestApp, StandInTikTok) {
    let tiktok = StandInTikTok::start().await;
    let app = TestApp::builder()
        .publishing(tiktok.settings())
        .spawn()
        .await;
    (app, tiktok)
}

/// An app whose owner's agent has its TikTok account connected, the stand-in set up by
/// `arrange` first.
async fn connected_app(arrange: impl FnOnce(&mut TikTokState)) -> (TestApp, StandInTikTok) {
    let (app, tiktok) = publishing_app().await;
    arrange(&mut tiktok.lock());
    connect(&app, &tiktok, &app.owner.client, app.owner.agent_id.get()).await;
    (app, tiktok)
}

/// The authorization URL ace gives for connecting the agent's TikTok account.
async fn authorization_url(client: &Client, agent: i64) -> String {
    let started = client
        .post(
            &format!("/v1/agents/{agent}/social_accounts/tiktok/connect"),
            json!({}),
        )
        .await
        .expect(200);
    started.body["authorization_url"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Connects the agent's TikTok account the way a creator does: ace's authorization URL,
/// approved at TikTok, then TikTok's redirect to ace's callback. Returns the account.
pub(crate) async fn connect(
    app: &TestApp,
    tiktok: &StandInTikTok,
    client: &Client,
    agent: i64,
) -> Value {
    let url = authorization_url(client, agent).await;
    let code = tiktok.approve(&url);
    let state = param(&url, "state");
    app.anonymous()
        .get(&format!("/v1/social_accounts/tiktok/callback?code={code}&state={state}&scopes=user.info.basic%2Cvideo.publish"))
        .await
        .expect(200)
        .body
}

fn param(url: &str, name: &str) -> String {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default()
}

/// Uploads `bytes` as one of the agent's videos; returns its public URL.
async fn video(client: &Client, agent: i64, bytes: Vec<u8>) -> String {
    let resource = uploaded(client, agent, "final.mp4", bytes).await;
    resource["url"].as_str().unwrap().to_owned()
}

/// Posts `body` as the owner, waits for the jobs to come to rest, and reads the job.
async fn posted(app: &TestApp, body: Value) -> Value {
    let agent = app.owner.agent_id.get();
    let client = &app.owner.client;
    let created = client
        .post(&format!("/v1/user_jobs?agent_id={agent}"), body)
        .await
        .expect(201);
    app.drain_jobs().await;
    let id = &created.body["user_job_id"];
    client
        .get(&format!("/v1/user_jobs/{id}?agent_id={agent}"))
        .await
        .expect(200)
        .body
}

/// `publish_content` data as GEN's SDK sends it: a JSON string.
fn post_now(media_url: &str) -> Value {
    json!({
        "user_job_type": "publish_content",
        "data": json!({"platform": "tiktok", "media_url": media_url,
            "description": "Factory price reveal #sourcing #china", "schedule_type": "now",
            "media_type": "VIDEO"}).to_string(),
    })
}
