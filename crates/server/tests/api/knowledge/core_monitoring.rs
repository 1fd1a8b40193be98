//! Agent Core's monitored sources driving monitoring, once the agent opts in.

use serde_json::{Value, json};

use super::job;
use crate::contract;
use crate::harness::{Client, TestApp};

async fn core_monitoring(client: &Client, agent: i64) -> Value {
    let reply = client
        .get(&format!("/v1/agents/{agent}/knowledge/monitoring"))
        .await
        .expect(200);
    contract().assert_conforms("getCoreMonitoring", 200, &reply.body);
    reply.body
}

/// The platforms of the monitors still running, sorted.
fn live(monitors: &Value) -> Vec<String> {
    let mut live: Vec<String> = monitors["monitors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["status"] != "completed")
        .map(|m| m["platform"].as_str().unwrap().to_owned())
        .collect();
    live.sort();
    live
}

#[tokio::test]
async fn agent_core_sources_drive_monitoring_only_once_the_agent_opts_in() {
    let app = TestApp::spawn().await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let account = json!({"handle": "https://tiktok.com/@keilapacheco", "item_type": "account"});
    let keyword = json!({"handle": "street food", "item_type": "keyword"});
    client
        .patch(
            &format!("/v1/agents/{agent}/core"),
            json!({
                "target_platforms": ["tiktok", "instagram", "linkedin"],
                "monitored": [account, {"handle": "tacotok", "item_type": "hashtag"}, keyword],
            }),
        )
        .await
        .expect(200);
    client
        .patch(
            &format!("/v1/agents/{agent}/core"),
            json!({"keywords": ["streetfood"]}),
        )
        .await
        .expect(200);
    app.drain_due_jobs().await;
    let jobs = client
        .get(&format!("/v1/user_jobs?agent_id={agent}"))
        .await
        .expect(200);
    assert_eq!(jobs.body, json!([]), "a free edit starts no paid scrape");
    assert_eq!(core_monitoring(client, agent).await["enabled"], false);

    let on = client
        .put(
            &format!("/v1/agents/{agent}/knowledge/monitoring"),
            json!({"enabled": true}),
        )
        .await
        .expect(200);
    contract().assert_conforms("setCoreMonitoring", 200, &on.body);
    assert_eq!(on.body["enabled"], true);
    let core = client
        .get(&format!("/v1/agents/{agent}/core"))
        .await
        .expect(200);
    let sources = core.body["monitored"].as_array().unwrap().len();
    // The account on TikTok (its URL's platform), each hashtag and keyword on TikTok and
    // Instagram (keywords not on Instagram); LinkedIn is not a platform ace monitors.
    let mut expected = vec!["tiktok".to_owned()];
    for source in &core.body["monitored"].as_array().unwrap()[1..] {
        expected.push("tiktok".into());
        if source["item_type"] == "hashtag" {
            expected.push("instagram".into());
        }
    }
    expected.sort();
    assert_eq!(live(&on.body), expected, "{sources} sources: {}", on.body);
    app.drain_due_jobs().await;
    let first = on.body["monitors"][0]["user_job_id"].as_i64().unwrap();
    let read = job(client, agent, first).await;
    assert_eq!(read["status"], "processing", "{read}");

    // Only the account and the keyword left: the others' jobs end.
    client
        .patch(
            &format!("/v1/agents/{agent}/core"),
            json!({"monitored": [account, keyword]}),
        )
        .await
        .expect(200);
    let after = core_monitoring(client, agent).await;
    assert_eq!(live(&after), ["tiktok", "tiktok"], "{after}");
    app.drain_due_jobs().await;
    let running = client
        .get(&format!(
            "/v1/user_jobs?agent_id={agent}&user_job_type=train_social&status=processing"
        ))
        .await
        .expect(200);
    assert_eq!(
        running.body.as_array().unwrap().len(),
        2,
        "{}",
        running.body
    );

    // A source added the way GEN's clients add one is watched on its own platform.
    client
        .post(
            &format!("/v1/agents/{agent}/core/inspiration"),
            json!({"url": "https://www.instagram.com/fashionbrand/"}),
        )
        .await
        .expect(201);
    assert_eq!(
        live(&core_monitoring(client, agent).await),
        ["instagram", "tiktok", "tiktok"]
    );

    // Turned off, nothing is watched any more.
    app.drain_due_jobs().await;
    let off = client
        .put(
            &format!("/v1/agents/{agent}/knowledge/monitoring"),
            json!({"enabled": false}),
        )
        .await
        .expect(200);
    assert_eq!(off.body, json!({"enabled": false, "monitors": []}));
    for status in ["processing", "pending"] {
        let left = client
            .get(&format!("/v1/user_jobs?agent_id={agent}&status={status}"))
            .await
            .expect(200);
        assert_eq!(left.body, json!([]), "{status}");
    }
    app.drain_jobs().await;
}

#[tokio::test]
async fn the_core_monitoring_setting_refuses_bad_bodies_and_other_tenants() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let path = format!("/v1/agents/{agent}/knowledge/monitoring");
    app.owner
        .client
        .put(&path, json!({"enabled": "maybe"}))
        .await
        .expect_error(422, "validation_error");
    app.owner
        .client
        .put(&path, json!({}))
        .await
        .expect_error(422, "validation_error");
    let stranger = app.user("Stranger").await;
    stranger
        .client
        .get(&path)
        .await
        .expect_error(404, "not_found");
    stranger
        .client
        .put(&path, json!({"enabled": true}))
        .await
        .expect_error(403, "permission_denied");
    assert_eq!(
        core_monitoring(&app.owner.client, agent).await["enabled"],
        false
    );
}
