//! `ace worker` processes: jobs run outside the API process, and a worker killed mid-job
//! (SIGKILL, no clean-up) has its job reclaimed after the lease and finished elsewhere,
//! charged exactly once.

use std::process::Stdio;
use std::time::Duration;

use std::sync::Arc;
use std::sync::atomic::Ordering;

use crate::harness::{CountsOverlap, HangsOnce, TestApp, WebhookSink};
use ace_domain::sheet::card::GenerationType;
use ace_server::config::JobSettings;
use serde_json::json;

use crate::harness::wait_for;
use crate::harness::{balance, generate, started, text_cell, uploaded};

#[tokio::test]
async fn a_job_whose_worker_is_killed_is_reclaimed_after_its_lease_and_delivered_again() {
    let sink = WebhookSink::start().await;
    sink.hang(true);
    let app = TestApp::builder()
        .without_jobs()
        .job_lease(Duration::from_secs(1))
        .spawn()
        .await;
    let owner = &app.owner;
    let agent = owner.agent_id.get();
    let body = json!({"automation_config": {"callback_url": format!("{}/callbacks", sink.url)}});
    owner
        .client
        .patch(&format!("/v1/agents/{agent}/automation_config"), body)
        .await
        .expect(200);
    let image = uploaded(
        &owner.client,
        agent,
        "still.png",
        crate::harness::image("png", 8, 8),
    )
    .await;
    let place = text_cell(&owner.client, agent).await;
    let card = json!({"generation_type": "media", "data": {"content_resource_id": image["id"]}});
    let reply = generate(&owner.client, agent, place, card)
        .await
        .expect(201);
    let id = reply.body["generation_id"].as_i64().unwrap();

    // A separate `ace worker` process runs the generation, then hangs on the callback.
    let data_dir = tempfile::tempdir().unwrap();
    let mut worker = tokio::process::Command::new(env!("CARGO_BIN_EXE_ace"))
        .arg("worker")
        .env("ACE_DATABASE_URL", app.database_url())
        .env("ACE_DATA_DIR", data_dir.path())
        .env("ACE_JOB_LEASE_SECS", "1")
        .env("ACE_ALLOW_PRIVATE_WEBHOOKS", "true")
        .env("ACE_WEBHOOK_RETRY_BASE_MS", "50")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("ace worker starts");
    wait_for(&owner.client, id, "completed").await;
    let first = sink
        .wait_for(1, Duration::from_secs(20), |r| r.path == "/callbacks")
        .await;
    let message = first[0].header("webhook-id").to_owned();

    // Killed mid-delivery: nothing is cleaned up, the job stays claimed until its lease ends.
    worker.kill().await.expect("SIGKILL");
    sink.hang(false);
    let jobs = JobSettings {
        lease: Duration::from_secs(1),
        ..app_jobs()
    };
    let survivor = ace_server::startup::worker(&app.app, &jobs);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(survivor.run(async {
        let _ = stopped.await;
    }));
    let again = sink
        .wait_for(2, Duration::from_secs(20), |r| {
            r.header("webhook-id") == message
        })
        .await;
    assert_eq!(
        again[0].body, again[1].body,
        "the same event, delivered at least once"
    );
    let log = owner
        .client
        .get(&format!("/v1/agents/{agent}/automation_config/deliveries"))
        .await
        .expect(200)
        .body;
    let _ = stop.send(());
    running.await.unwrap();
    let delivery = &log["deliveries"][0];
    assert_eq!(delivery["message_id"], message.as_str());
    assert_eq!(delivery["event_type"], "generation.completed");
    // The generation itself ran once and was not touched by the reclaim.
    let done = wait_for(&owner.client, id, "completed").await;
    assert_eq!(done["execution_cost"], "0.0");
}

#[tokio::test]
async fn a_paid_generation_whose_worker_dies_mid_run_is_run_again_and_charged_exactly_once() {
    let flaky = Arc::new(HangsOnce::default());
    let app = TestApp::builder()
        .without_jobs()
        .job_lease(Duration::from_secs(1))
        .generator(GenerationType::Text, flaky.clone())
        .spawn()
        .await;
    let owner = &app.owner;
    let agent = owner.agent_id.get();
    let place = text_cell(&owner.client, agent).await;
    let before = balance(owner).await;
    let id = started(&owner.client, agent, place).await;
    let jobs = JobSettings {
        lease: Duration::from_secs(1),
        ..app_jobs()
    };

    // The first worker claims the run and freezes in the provider call; then it is gone
    // at once, with no clean-up (its future dropped, as a killed process's would be).
    let doomed = tokio::spawn(
        ace_server::startup::worker(&app.app, &jobs).run(std::future::pending::<()>()),
    );
    wait_for(&owner.client, id, "processing").await;
    flaky.hanging().await;
    doomed.abort();
    let _ = doomed.await;
    assert_eq!(
        balance(owner).await,
        before - 2.0,
        "the estimate stays held"
    );

    // Another worker reclaims it once the lease lapses and finishes it.
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let survivor = tokio::spawn(ace_server::startup::worker(&app.app, &jobs).run(async {
        let _ = stopped.await;
    }));
    let done = wait_for(&owner.client, id, "completed").await;
    let _ = stop.send(());
    survivor.await.unwrap();
    assert_eq!(done["result"], "done");
    assert_eq!(done["execution_cost"], "2.0");
    assert_eq!(flaky.runs.load(Ordering::SeqCst), 2);
    assert_eq!(balance(owner).await, before - 2.0, "charged exactly once");
    let mut conn = app.app.db().conn().await.unwrap();
    let ledger = ace_db::credits::history(&mut conn, owner.workspace_id, 100)
        .await
        .unwrap();
    let reference = format!("user_job:{id}");
    let reserves = ledger
        .iter()
        .filter(|e| e.entry_type == "reserve" && e.reference.as_deref() == Some(reference.as_str()))
        .count();
    let closings = ledger
        .iter()
        .filter(|e| matches!(e.entry_type.as_str(), "settle" | "refund"))
        .count();
    assert_eq!((reserves, closings), (1, 1), "one reservation, closed once");
}

#[tokio::test]
async fn a_lanes_cap_holds_across_every_worker_sharing_the_database() {
    let provider = Arc::new(CountsOverlap::lasting(Duration::from_millis(150)));
    let app = TestApp::builder()
        .without_jobs()
        .generator(GenerationType::Text, provider.clone())
        .spawn()
        .await;
    let owner = &app.owner;
    let agent = owner.agent_id.get();
    let place = text_cell(&owner.client, agent).await;
    let mut ids = Vec::new();
    for _ in 0..8 {
        ids.push(started(&owner.client, agent, place).await);
    }

    // Two workers, each free to run all eight, share a cap of two on the provider's lane.
    let jobs = JobSettings {
        lane_caps: [("test".to_owned(), 2)].into(),
        ..app_jobs()
    };
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let mut stopped = stopped.clone();
            tokio::spawn(
                ace_server::startup::worker(&app.app, &jobs).run(async move {
                    let _ = stopped.wait_for(|stop| *stop).await;
                }),
            )
        })
        .collect();
    for id in ids {
        wait_for(&owner.client, id, "completed").await;
    }
    let _ = stop.send(true);
    for worker in workers {
        worker.await.unwrap();
    }
    assert_eq!(provider.peak.load(Ordering::SeqCst), 2);
}

fn app_jobs() -> JobSettings {
    ace_server::Settings::embedded(std::path::Path::new("unused")).jobs
}
