//! Sheet pipelines: pipelines and their actions kept and checked, runs started by hand, by a
//! signed webhook URL and by schedule (once per slot, across processes), each moved along
//! ideas → rows → row runs → posts within its budget, offline against a scripted text model
//! and a stand-in TikTok.

mod manage;
mod runs;

use std::sync::Arc;

use ace_domain::sheet::card::GenerationType;
use serde_json::{Value, json};

use crate::harness::{
    AgentWriter, Client, Member, StandInTikTok, TestApp, cell_in, id, line_over_backdrop, read,
    stack_layers, text_columns,
};

/// `/v1/autocontentengine/{sheet}/pipelines{rest}?agent_id={agent}`.
fn path(agent: i64, sheet: i64, rest: &str) -> String {
    format!("/v1/autocontentengine/{sheet}/pipelines{rest}?agent_id={agent}")
}

/// An engine whose rows take an idea's hook into HOOK, write a LINE after it, and show the
/// LINE over a backdrop for a second.
async fn story_engine(member: &Member) -> i64 {
    let (client, agent) = (&member.client, member.agent_id.get());
    let sheet = id(&crate::harness::engine(client, agent, "Taco nights").await);
    text_columns(
        client,
        agent,
        sheet,
        &[
            ("HOOK", Value::Null),
            (
                "LINE",
                json!({"generation_type": "text", "data": {"prompt": "After {{HOOK}} comes"}}),
            ),
        ],
    )
    .await;
    // The layers of a row added now are copied into the rows ideas make.
    let row = crate::harness::add_row(client, agent, sheet).await;
    let engine = read(client, agent, sheet).await;
    let video = id(&cell_in(&engine, &row, "VIDEO"));
    stack_layers(client, agent, sheet, video, &line_over_backdrop()).await;
    sheet
}

/// An app whose text model is scripted and whose owner's agent posts to a stand-in TikTok
/// that offers public posts.
async fn autopilot_app() -> (TestApp, StandInTikTok) {
    let tiktok = StandInTikTok::start().await;
    tiktok.lock().privacy_levels = vec!["PUBLIC_TO_EVERYONE".into(), "SELF_ONLY".into()];
    let app = TestApp::builder()
        .generator(GenerationType::Text, Arc::new(AgentWriter))
        .publishing(tiktok.settings())
        .spawn()
        .await;
    let agent = app.owner.agent_id.get();
    crate::publishing::connect(&app, &tiktok, &app.owner.client, agent).await;
    (app, tiktok)
}

/// Creates a pipeline; answers it.
async fn pipeline(client: &Client, agent: i64, sheet: i64, body: Value) -> Value {
    let reply = client.post(&path(agent, sheet, ""), body).await.expect(201);
    crate::contract().assert_conforms("createPipeline", 201, &reply.body);
    reply.body
}

/// Adds an action; answers it.
async fn action(client: &Client, agent: i64, sheet: i64, pipeline: i64, body: Value) -> Value {
    let reply = client
        .post(&path(agent, sheet, &format!("/{pipeline}/actions")), body)
        .await
        .expect(201);
    crate::contract().assert_conforms("createPipelineAction", 201, &reply.body);
    reply.body
}

/// Creates a webhook pipeline named `name` with `budget` credits and `actions`, in order;
/// answers its id.
async fn with_actions(
    client: &Client,
    agent: i64,
    sheet: i64,
    (name, budget): (&str, f64),
    actions: &[Value],
) -> i64 {
    let created = pipeline(
        client,
        agent,
        sheet,
        json!({"pipeline": {"name": name, "trigger_type": "webhook", "budget_credits": budget}}),
    )
    .await;
    let id = id(&created);
    for body in actions {
        action(client, agent, sheet, id, json!({ "action": body })).await;
    }
    id
}

/// Starts a run by hand; answers its id.
async fn start(client: &Client, agent: i64, sheet: i64, pipeline: i64) -> i64 {
    let started = client
        .post(&path(agent, sheet, &format!("/{pipeline}/runs")), json!({}))
        .await
        .expect(202);
    crate::contract().assert_conforms("createPipelineRun", 202, &started.body);
    assert_eq!(started.body["status"], "running");
    started.body["run_id"].as_i64().unwrap()
}

/// Reads a run.
async fn run(client: &Client, agent: i64, sheet: i64, pipeline: i64, run: i64) -> Value {
    let reply = client
        .get(&path(agent, sheet, &format!("/{pipeline}/runs/{run}")))
        .await
        .expect(200);
    crate::contract().assert_conforms("getPipelineRun", 200, &reply.body);
    reply.body
}
