//! Pipelines and their actions: created, listed, read, changed and deleted in the shapes ace
//! documents; every field checked and named when wrong; viewers read, only editors write;
//! another workspace reaches nothing.

use ace_domain::role::Role;
use serde_json::{Value, json};

use super::{action, path, pipeline};
use crate::harness::{TestApp, engine, id};

fn nightly() -> Value {
    json!({"pipeline": {"name": "Nightly tacos", "trigger_type": "schedule_daily",
        "trigger_config": {"at": "21:30", "timezone": "America/Mexico_City"}, "budget_credits": 150}})
}

#[tokio::test]
async fn a_pipeline_keeps_its_trigger_and_budget_and_is_armed_for_its_next_slot() {
    let app = TestApp::spawn().await;
    let (client, agent) = (&app.owner.client, app.owner.agent_id.get());
    let sheet = id(&engine(client, agent, "Tacos").await);

    let created = pipeline(client, agent, sheet, nightly()).await;
    assert_eq!(created["name"], "Nightly tacos");
    assert_eq!(created["spreadsheet_id"], sheet);
    assert_eq!(created["trigger_type"], "schedule_daily");
    assert_eq!(
        created["trigger_config"],
        json!({"at": "21:30", "timezone": "America/Mexico_City"})
    );
    assert_eq!(created["budget_credits"], 150.0);
    assert_eq!(created["enabled"], true);
    assert_eq!(created["webhook_url"], Value::Null);
    // 21:30 in Mexico City is 03:30 UTC.
    let next = created["next_run_at"].as_str().unwrap();
    assert!(next.ends_with("T03:30:00.000Z"), "{next}");
    let pipeline_id = id(&created);

    let ideas = action(
        client,
        agent,
        sheet,
        pipeline_id,
        json!({"action": {"action_type": "ideas", "config": {"prompt": "3 ideas about late-night tacos"}}}),
    )
    .await;
    assert_eq!(ideas["position"], 1);
    let publish = action(
        client,
        agent,
        sheet,
        pipeline_id,
        json!({"action_type": "publish", "config": {"schedule": "next_slot", "slots": ["18:00", "09:00"]}}),
    )
    .await;
    assert_eq!(publish["position"], 2);
    assert_eq!(
        publish["config"],
        json!({"description": "{{title}}", "schedule": "next_slot", "slots": ["09:00", "18:00"],
            "timezone": "UTC", "account_id": null, "force": false})
    );
    let rows = action(
        client,
        agent,
        sheet,
        pipeline_id,
        json!({"action": {"action_type": "run_rows", "position": 1}}),
    )
    .await;

    let one = |rest: String| path(agent, sheet, &rest);
    let read = client
        .get(&one(format!("/{pipeline_id}")))
        .await
        .expect(200);
    crate::contract().assert_conforms("getPipeline", 200, &read.body);
    let kinds: Vec<&str> = read.body["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action_type"].as_str().unwrap())
        .collect();
    // Positions first, then the order they were added.
    assert_eq!(kinds, ["ideas", "run_rows", "publish"]);

    let moved = client
        .patch(
            &one(format!("/{pipeline_id}/actions/{}", id(&rows))),
            json!({"action": {"position": 5, "config": {"row_ids": [7, "8"], "force": true}}}),
        )
        .await
        .expect(200);
    crate::contract().assert_conforms("updatePipelineAction", 200, &moved.body);
    assert_eq!(moved.body["position"], 5);
    assert_eq!(moved.body["config"]["row_ids"], json!([7, 8]));
    let shown = client
        .get(&one(format!("/{pipeline_id}/actions/{}", id(&rows))))
        .await
        .expect(200);
    crate::contract().assert_conforms("getPipelineAction", 200, &shown.body);
    assert_eq!(shown.body, moved.body);
    client
        .patch(
            &one(format!("/{pipeline_id}/actions/{}", id(&rows))),
            json!({"action_type": "publish"}),
        )
        .await
        .expect_error(422, "validation_error");
    let removed = client
        .delete(&one(format!("/{pipeline_id}/actions/{}", id(&publish))))
        .await;
    assert_eq!(removed.status, 204);
    client
        .get(&one(format!("/{pipeline_id}/actions/{}", id(&publish))))
        .await
        .expect_error(404, "not_found");

    let updated = client
        .patch(
            &one(format!("/{pipeline_id}")),
            json!({"pipeline": {"trigger_type": "webhook", "enabled": false}}),
        )
        .await
        .expect(200);
    crate::contract().assert_conforms("updatePipeline", 200, &updated.body);
    assert_eq!(updated.body["name"], "Nightly tacos");
    assert_eq!(updated.body["budget_credits"], 150.0);
    assert_eq!(updated.body["trigger_config"], json!({}));
    assert_eq!(updated.body["next_run_at"], Value::Null);
    let webhook = updated.body["webhook_url"].as_str().unwrap();
    assert!(
        webhook.contains(&format!("/v1/pipeline_webhooks/{pipeline_id}?token=")),
        "{webhook}"
    );

    let listed = client.get(&path(agent, sheet, "")).await.expect(200);
    crate::contract().assert_conforms("listPipelines", 200, &listed.body);
    assert_eq!(listed.body.as_array().unwrap().len(), 1);
    assert_eq!(listed.body[0]["actions"].as_array().unwrap().len(), 2);

    let deleted = client.delete(&one(format!("/{pipeline_id}"))).await;
    assert_eq!(deleted.status, 204);
    client
        .get(&one(format!("/{pipeline_id}")))
        .await
        .expect_error(404, "not_found");
    assert_eq!(
        client.get(&path(agent, sheet, "")).await.expect(200).body,
        json!([])
    );
}

#[tokio::test]
async fn bad_pipelines_and_actions_are_refused_naming_the_field() {
    let app = TestApp::spawn().await;
    let (client, agent) = (&app.owner.client, app.owner.agent_id.get());
    let sheet = id(&engine(client, agent, "Tacos").await);
    let refused = |body: Value, field: &'static str| {
        let client = client.clone();
        async move {
            let reply = client
                .post(&path(agent, sheet, ""), body)
                .await
                .expect_error(422, "validation_error");
            crate::contract().assert_conforms("createPipeline", 422, &reply.body);
            let message = reply.body["error"].as_str().unwrap().to_owned();
            assert!(message.starts_with(field), "{field}: {message}");
        }
    };
    let base = |change: Value| {
        let mut body = json!({"name": "P", "trigger_type": "webhook", "budget_credits": 10});
        for (key, value) in change.as_object().unwrap() {
            body[key] = value.clone();
        }
        body
    };
    refused(base(json!({"name": ""})), "name").await;
    refused(
        base(json!({"trigger_type": "schedule_yearly"})),
        "trigger_type",
    )
    .await;
    refused(base(json!({"budget_credits": 0})), "budget_credits").await;
    refused(base(json!({"budget_credits": "lots"})), "budget_credits").await;
    refused(
        json!({"name": "P", "trigger_type": "webhook"}),
        "budget_credits",
    )
    .await;
    refused(
        base(json!({"trigger_type": "schedule_daily", "trigger_config": {"at": "9pm"}})),
        "trigger_config.at",
    )
    .await;
    refused(
        base(json!({"trigger_type": "schedule_once", "trigger_config": {"run_at": "2020-01-01T00:00:00Z"}})),
        "trigger_config.run_at",
    )
    .await;
    refused(
        base(json!({"trigger_type": "schedule_hourly", "trigger_config": {"every": 2, "often": true}})),
        "trigger_config",
    )
    .await;

    let created = pipeline(client, agent, sheet, base(json!({}))).await;
    let actions = path(agent, sheet, &format!("/{}/actions", id(&created)));
    for (body, field) in [
        (json!({"config": {}}), "action_type"),
        (json!({"action_type": "tweet"}), "action_type"),
        (
            json!({"action_type": "ideas", "config": {"prompt": "hello there"}}),
            "config.prompt",
        ),
        (
            json!({"action_type": "run_rows", "config": {"row_ids": []}}),
            "config.row_ids",
        ),
        (
            json!({"action_type": "publish", "config": {"schedule": "next_slot", "slots": ["25:00"]}}),
            "config.slots[0]",
        ),
        (
            json!({"action_type": "publish", "config": {"timezone": "Mars/Base", "schedule": "next_slot", "slots": ["10:00"]}}),
            "config.timezone",
        ),
    ] {
        let reply = client
            .post(&actions, json!({ "action": body }))
            .await
            .expect_error(422, "validation_error");
        let message = reply.body["error"].as_str().unwrap();
        assert!(message.starts_with(field), "{field}: {message}");
    }
    // A run of a pipeline with no actions has nothing to do.
    client
        .post(
            &path(agent, sheet, &format!("/{}/runs", id(&created))),
            json!({}),
        )
        .await
        .expect_error(422, "validation_error");
    client
        .get(&path(agent, 999_999, ""))
        .await
        .expect_error(404, "not_found");
}

#[tokio::test]
async fn viewers_read_pipelines_editors_change_them_and_other_workspaces_reach_none() {
    let app = TestApp::spawn().await;
    let (client, agent) = (&app.owner.client, app.owner.agent_id.get());
    let sheet = id(&engine(client, agent, "Tacos").await);
    let created = pipeline(client, agent, sheet, nightly()).await;
    let one = path(agent, sheet, &format!("/{}", id(&created)));

    let viewer = app.member_of(app.owner.workspace_id, Role::Viewer).await;
    viewer.client.get(&one).await.expect(200);
    viewer
        .client
        .get(&format!(
            "/v1/autocontentengine/{sheet}/pipelines/{}/runs?agent_id={agent}",
            id(&created)
        ))
        .await
        .expect(200);
    viewer
        .client
        .patch(&one, json!({"name": "Mine now"}))
        .await
        .expect_error(403, "forbidden");
    viewer
        .client
        .post(&path(agent, sheet, ""), nightly())
        .await
        .expect_error(403, "forbidden");

    let stranger = app.user("Stranger").await;
    stranger
        .client
        .get(&one)
        .await
        .expect_error(404, "not_found");
    stranger
        .client
        .delete(&one)
        .await
        .expect_error(404, "not_found");
    // Their own agent does not open another workspace's sheet either.
    let theirs = stranger.agent_id.get();
    stranger
        .client
        .get(&format!(
            "/v1/autocontentengine/{sheet}/pipelines/{}?agent_id={theirs}",
            id(&created)
        ))
        .await
        .expect_error(404, "not_found");
    stranger
        .client
        .post(
            &format!(
                "/v1/autocontentengine/{sheet}/pipelines/{}/runs?agent_id={theirs}",
                id(&created)
            ),
            json!({}),
        )
        .await
        .expect_error(404, "not_found");
    app.anonymous()
        .get(&one)
        .await
        .expect_error(401, "unauthorized");
    client.get(&one).await.expect(200);
}
