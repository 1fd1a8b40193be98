//! Pipeline runs: the whole journey offline (a scripted text model proposes ideas, they
//! become rows, the rows run and render, the videos pass the gates and go to a stand-in
//! TikTok), a signed webhook URL, a schedule that fires once per slot across processes, a
//! budget that stops a run before it spends, cancellation, and the run's event stream.

use serde_json::{Value, json};

use super::{action, autopilot_app, path, pipeline, run, start, story_engine, with_actions};
use crate::harness::{TestApp, balance, engine, id};

#[tokio::test]
async fn a_pipeline_run_takes_ideas_to_rows_to_videos_to_posts_offline() {
    let (app, tiktok) = autopilot_app().await;
    let (client, agent) = (&app.owner.client, app.owner.agent_id.get());
    let sheet = story_engine(&app.owner).await;
    let pipeline_id = with_actions(
        client,
        agent,
        sheet,
        ("Taco autopilot", 500.0),
        &[
            json!({"action_type": "ideas", "config": {"prompt": "2 ideas about late-night tacos"}}),
            json!({"action_type": "run_rows"}),
            json!({"action_type": "publish", "config": {"description": "{{title}}: {{LINE}} #tacos"}}),
        ],
    )
    .await;
    let before = balance(&app.owner).await;

    let run_id = start(client, agent, sheet, pipeline_id).await;
    // One run at a time.
    client
        .post(
            &path(agent, sheet, &format!("/{pipeline_id}/runs")),
            json!({}),
        )
        .await
        .expect_error(422, "validation_error");
    let events = client
        .get(&path(
            agent,
            sheet,
            &format!("/{pipeline_id}/runs/{run_id}/events"),
        ))
        .await
        .expect(200);
    app.drain_jobs().await;

    let body = run(client, agent, sheet, pipeline_id, run_id).await;
    assert_eq!(body["status"], "completed", "{body:#}");
    assert_eq!(body["started_by"], "manual");
    let actions = body["actions"].as_array().unwrap();
    let statuses: Vec<&str> = actions
        .iter()
        .map(|a| a["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        ["completed", "completed", "completed"],
        "{body:#}"
    );

    // The agent proposed two ideas, each now a row of the sheet.
    let ideas = &actions[0];
    assert!(ideas["agent_run_id"].is_string());
    let idea_ids: Vec<i64> = ideas["idea_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i.as_i64().unwrap())
        .collect();
    assert_eq!(idea_ids.len(), 2, "{ideas}");
    assert_eq!(ideas["rows"].as_array().unwrap().len(), 2);

    // Each row ran and rendered.
    let rows = actions[1]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    for row in rows {
        assert_eq!(row["status"], "completed", "{row}");
        assert!(
            row["video_url"].as_str().unwrap().contains("/files/"),
            "{row}"
        );
    }

    // Each video passed the gates and was posted publicly, with the idea's title.
    let posts = actions[2]["posts"].as_array().unwrap();
    assert_eq!(posts.len(), 2, "{body:#}");
    for post in posts {
        let job = client
            .get(&format!(
                "/v1/user_jobs/{}?agent_id={agent}",
                post["user_job_id"]
            ))
            .await
            .expect(200)
            .body;
        assert_eq!(job["status"], "completed", "{job}");
        assert!(job["result"]["post_id"].is_string(), "{job}");
        assert_eq!(job["result"]["privacy_level"], "PUBLIC_TO_EVERYONE");
    }
    let inits = tiktok.calls("/v2/post/publish/video/init/");
    assert_eq!(inits.len(), 2);
    let caption = inits[0].json()["post_info"]["title"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(caption.ends_with(" #tacos"), "{caption}");
    assert!(!caption.contains("{{"), "{caption}");

    // The ideas were posted.
    let listed = client
        .get(&format!("/v1/agent/ideas?agent_id={agent}"))
        .await
        .expect(200)
        .body;
    for idea in idea_ids {
        let found = listed
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"].as_i64() == Some(idea) || i["id"].as_str() == Some(&idea.to_string()))
            .unwrap_or_else(|| panic!("idea {idea} in {listed}"));
        assert_eq!(found["status"], "posted", "{found}");
    }

    // Each post's figures were read back into its row's STATS cell.
    let engine = crate::harness::read(client, agent, sheet).await;
    for row in rows {
        let row_id = row["row_id"].as_i64().unwrap();
        let shown = engine["spreadsheet_rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"].as_i64() == Some(row_id))
            .unwrap();
        let stats = crate::harness::cell_in(&engine, shown, "STATS");
        let stats: Value = serde_json::from_str(stats["value"].as_str().unwrap()).unwrap();
        assert_eq!(stats["post"]["readings"], 78, "{stats}");
        assert_eq!(stats["post"]["views"], 78_000, "{stats}");
        assert_eq!(stats["render"]["status"], "completed", "{stats}");
    }

    // The ledger charged exactly what the run spent, within its budget.
    let spent = body["credits_spent"].as_f64().unwrap();
    assert!(spent > 0.0 && spent <= 500.0, "{spent}");
    let per_action: f64 = actions
        .iter()
        .map(|a| a["credits_spent"].as_f64().unwrap())
        .sum();
    assert!((per_action - spent).abs() < 1e-9);
    let after = balance(&app.owner).await;
    assert!(
        (before - after - spent).abs() < 1e-6,
        "{before} - {after} != {spent}"
    );

    // The stream told every action's progress and ended with the run's last status.
    assert!(events.text.contains("event: action"), "{}", events.text);
    assert!(events.text.contains("event: credits"), "{}", events.text);
    let last_status = events
        .text
        .split("event: status")
        .last()
        .unwrap_or_default();
    assert!(last_status.contains("\"completed\""), "{}", events.text);

    let listed = client
        .get(&path(agent, sheet, &format!("/{pipeline_id}/runs")))
        .await
        .expect(200);
    crate::contract().assert_conforms("listPipelineRuns", 200, &listed.body);
    assert_eq!(listed.body[0]["id"], run_id);
}

#[tokio::test]
async fn a_budget_too_small_stops_the_run_before_it_spends() {
    let (app, _tiktok) = autopilot_app().await;
    let (client, agent) = (&app.owner.client, app.owner.agent_id.get());
    let sheet = story_engine(&app.owner).await;
    let pipeline_id = with_actions(
        client,
        agent,
        sheet,
        ("Frugal", 0.5),
        &[
            json!({"action_type": "ideas", "config": {"prompt": "5 ideas about tacos"}}),
            json!({"action_type": "run_rows"}),
        ],
    )
    .await;
    let before = balance(&app.owner).await;
    let run_id = start(client, agent, sheet, pipeline_id).await;
    app.drain_jobs().await;
    let body = run(client, agent, sheet, pipeline_id, run_id).await;
    assert_eq!(body["status"], "failed", "{body:#}");
    let reason = body["failed_reason"].as_str().unwrap();
    assert!(reason.starts_with("ideas (action 1): "), "{reason}");
    assert!(reason.contains("left of its budget"), "{reason}");
    assert_eq!(body["actions"][0]["status"], "failed");
    assert_eq!(body["actions"][1]["status"], "skipped");
    assert_eq!(body["credits_spent"], 0.0);
    assert_eq!(balance(&app.owner).await, before);
}

#[tokio::test]
async fn a_webhook_url_starts_a_run_with_its_body_and_nothing_else_does() {
    let app = TestApp::spawn().await;
    let (client, agent) = (&app.owner.client, app.owner.agent_id.get());
    let sheet = id(&engine(client, agent, "Hooks").await);
    let created = pipeline(
        client,
        agent,
        sheet,
        json!({"name": "On demand", "trigger_type": "webhook", "budget_credits": 10}),
    )
    .await;
    let pipeline_id = id(&created);
    // Nothing to post yet: the run fails at once, saying why.
    action(
        client,
        agent,
        sheet,
        pipeline_id,
        json!({"action_type": "publish"}),
    )
    .await;
    let url = created["webhook_url"].as_str().unwrap();
    let hook = &url[url.find("/v1/").unwrap()..];

    let fired = app
        .anonymous()
        .post(hook, json!({"topic": "birria"}))
        .await
        .expect(202);
    crate::contract().assert_conforms("firePipelineWebhook", 202, &fired.body);
    app.drain_jobs().await;
    let body = run(
        client,
        agent,
        sheet,
        pipeline_id,
        fired.body["run_id"].as_i64().unwrap(),
    )
    .await;
    assert_eq!(body["started_by"], "webhook");
    assert_eq!(body["input"], json!({"topic": "birria"}));
    assert_eq!(body["status"], "failed");
    assert!(
        body["failed_reason"]
            .as_str()
            .unwrap()
            .contains("put a run_rows action before this one"),
        "{body}"
    );

    let forged = hook.replace("token=", "token=x");
    let reply = app
        .anonymous()
        .post(&forged, json!({}))
        .await
        .expect_error(401, "unauthorized");
    crate::contract().assert_conforms("firePipelineWebhook", 401, &reply.body);
    let other = pipeline(
        client,
        agent,
        sheet,
        json!({"name": "Other", "trigger_type": "webhook", "budget_credits": 10}),
    )
    .await;
    // A token names its own pipeline only.
    let borrowed = hook.replace(
        &format!("/pipeline_webhooks/{pipeline_id}?"),
        &format!("/pipeline_webhooks/{}?", id(&other)),
    );
    app.anonymous()
        .post(&borrowed, json!({}))
        .await
        .expect_error(401, "unauthorized");
    client
        .patch(
            &path(agent, sheet, &format!("/{pipeline_id}")),
            json!({"enabled": false}),
        )
        .await
        .expect(200);
    app.anonymous()
        .post(hook, json!({}))
        .await
        .expect_error(422, "validation_error");
}

#[tokio::test]
async fn a_scheduled_slot_fires_once_even_with_two_processes_on_the_database() {
    let app = TestApp::spawn().await;
    let other = app.another_process().await;
    let (client, agent) = (&app.owner.client, app.owner.agent_id.get());
    let sheet = id(&engine(client, agent, "Scheduled").await);
    let at = chrono::Utc::now() + chrono::Duration::seconds(2);
    let run_at = at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let created = pipeline(
        client,
        agent,
        sheet,
        json!({"name": "Once", "trigger_type": "schedule_once",
            "trigger_config": {"run_at": run_at}, "budget_credits": 10}),
    )
    .await;
    let pipeline_id = id(&created);
    assert_eq!(created["next_run_at"].as_str().unwrap()[..19], run_at[..19]);
    action(
        client,
        agent,
        sheet,
        pipeline_id,
        json!({"action_type": "publish"}),
    )
    .await;
    // Saving the pipeline again (arming it again) must not add a firing either.
    client
        .patch(
            &path(agent, sheet, &format!("/{pipeline_id}")),
            json!({"name": "Once, renamed"}),
        )
        .await
        .expect(200);
    app.drain_jobs().await;
    drop(other);

    let runs = client
        .get(&path(agent, sheet, &format!("/{pipeline_id}/runs")))
        .await
        .expect(200)
        .body;
    let runs = runs.as_array().unwrap();
    assert_eq!(runs.len(), 1, "{runs:?}");
    assert_eq!(runs[0]["started_by"], "schedule");
    assert_eq!(runs[0]["slot_at"].as_str().unwrap()[..19], run_at[..19]);
    let after = client
        .get(&path(agent, sheet, &format!("/{pipeline_id}")))
        .await
        .expect(200)
        .body;
    assert_eq!(after["next_run_at"], Value::Null);
}

#[tokio::test]
async fn a_run_is_cancelled_while_it_waits_and_takes_no_further_step() {
    let (app, _tiktok) = autopilot_app().await;
    let (client, agent) = (&app.owner.client, app.owner.agent_id.get());
    let sheet = story_engine(&app.owner).await;
    let pipeline_id = with_actions(
        client,
        agent,
        sheet,
        ("Stopped", 100.0),
        &[
            json!({"action_type": "ideas", "config": {"prompt": "2 ideas about tacos"}}),
            json!({"action_type": "run_rows"}),
        ],
    )
    .await;
    let run_id = start(client, agent, sheet, pipeline_id).await;
    let cancelled = client
        .post(
            &path(
                agent,
                sheet,
                &format!("/{pipeline_id}/runs/{run_id}/cancel"),
            ),
            json!({}),
        )
        .await
        .expect(200);
    crate::contract().assert_conforms("cancelPipelineRun", 200, &cancelled.body);
    assert_eq!(cancelled.body["status"], "cancelled");
    app.drain_jobs().await;
    let body = run(client, agent, sheet, pipeline_id, run_id).await;
    assert_eq!(body["status"], "cancelled");
    assert!(
        body["actions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["status"] == "skipped" || a["status"] == "completed"),
        "{body:#}"
    );
    // No rows were run.
    assert_eq!(body["actions"][1]["status"], "skipped");
    assert_eq!(body["actions"][1]["batch_id"], Value::Null);
    client
        .post(
            &path(
                agent,
                sheet,
                &format!("/{pipeline_id}/runs/{run_id}/cancel"),
            ),
            json!({}),
        )
        .await
        .expect_error(422, "run_status_invalid");
}

#[tokio::test]
async fn a_test_prompt_runs_the_ideas_alone() {
    let (app, _tiktok) = autopilot_app().await;
    let (client, agent) = (&app.owner.client, app.owner.agent_id.get());
    let sheet = story_engine(&app.owner).await;
    let started = client
        .post(
            &path(agent, sheet, "/run_test_prompt"),
            json!({"prompt": "2 ideas about tacos"}),
        )
        .await
        .expect(202);
    crate::contract().assert_conforms("runPipelineTestPrompt", 202, &started.body);
    app.drain_jobs().await;
    let run_id = started.body["run_id"].as_str().unwrap();
    let finished = client
        .get(&format!("/v1/agent/runs/{run_id}"))
        .await
        .expect(200)
        .body;
    assert_eq!(finished["status"], "completed", "{finished}");
    // No rows were made.
    let engine = crate::harness::read(client, agent, sheet).await;
    assert_eq!(engine["spreadsheet_rows"].as_array().unwrap().len(), 1);
    client
        .post(
            &path(agent, sheet, "/run_test_prompt"),
            json!({"prompt": "hello there"}),
        )
        .await
        .expect_error(422, "validation_error");
}
