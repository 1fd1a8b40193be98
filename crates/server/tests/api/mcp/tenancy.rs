//! Tenancy through every tool: a key of another organization, given the first one's ids,
//! reaches none of its data, and its lists hold only its own.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{Mcp, scripted_app};
use crate::harness::{
    Member, TestApp, add_row, cell_in, engine, id, line_over_backdrop, mp4, read, stack_layers,
    started, uploaded,
};

/// The owner's things, by the argument that names them.
async fn owners_things(app: &TestApp) -> BTreeMap<&'static str, String> {
    let owner: &Member = &app.owner;
    let (client, agent) = (&owner.client, owner.agent_id.get());
    let sheet = id(&engine(client, agent, "Private").await);
    let row = add_row(client, agent, sheet).await;
    let full = read(client, agent, sheet).await;
    let video = id(&cell_in(&full, &row, "VIDEO"));
    let column = cell_in(&full, &row, "VIDEO")["column_id"].clone();
    stack_layers(client, agent, sheet, video, &line_over_backdrop()).await;
    let cell = read(client, agent, sheet).await;
    let layer = cell_in(&cell, &row, "VIDEO")["layers"][0]["id"].clone();
    let generation = started(client, agent, (sheet, video)).await;
    let run = client
        .post(
            "/v1/agent/run",
            json!({"message": "generate 1 content idea", "agent_id": agent.to_string()}),
        )
        .await
        .expect(202)
        .body;
    let row_run = client
        .post(
            &format!(
                "/v1/autocontentengine/{sheet}/rows/{}/run?agent_id={agent}",
                row["id"]
            ),
            json!({}),
        )
        .await
        .expect(202)
        .body;
    let batch = client
        .post(
            &format!("/v1/autocontentengine/{sheet}/run?agent_id={agent}"),
            json!({}),
        )
        .await;
    let pipeline = client
        .post(
            &format!("/v1/autocontentengine/{sheet}/pipelines?agent_id={agent}"),
            json!({"pipeline": {"name": "Mine", "trigger_type": "webhook", "budget_credits": 5}}),
        )
        .await
        .expect(201)
        .body;
    client
        .post(
            &format!(
                "/v1/autocontentengine/{sheet}/pipelines/{}/actions?agent_id={agent}",
                pipeline["id"]
            ),
            json!({"action": {"action_type": "ideas", "config": {"prompt": "one idea"}}}),
        )
        .await
        .expect(201);
    let pipeline_run = client
        .post(
            &format!(
                "/v1/autocontentengine/{sheet}/pipelines/{}/runs?agent_id={agent}",
                pipeline["id"]
            ),
            json!({}),
        )
        .await
        .expect(202)
        .body;
    app.drain_jobs().await;
    let ideas = client
        .get(&format!("/v1/agent/ideas?agent_id={agent}"))
        .await
        .expect(200)
        .body;
    let bytes = tokio::task::spawn_blocking(|| mp4(360, 640, 1))
        .await
        .unwrap();
    let resource = uploaded(client, agent, "mine.mp4", bytes).await;
    let job = client
        .post(
            &format!("/v1/user_jobs?agent_id={agent}"),
            json!({"user_job_type": "train_social",
                "data": json!({"platform": "tiktok", "type": "hashtag", "value": "#mine"}).to_string()}),
        )
        .await
        .expect(201)
        .body;
    let tokens = client.get("/v1/persisted_tokens").await.expect(200).body;
    let text = |value: &Value| match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    BTreeMap::from([
        ("agent_id", agent.to_string()),
        ("organization_id", owner.workspace_id.get().to_string()),
        ("workspace_id", owner.workspace_id.get().to_string()),
        ("engine_id", sheet.to_string()),
        ("row_id", text(&row["id"])),
        ("cell_id", video.to_string()),
        ("column_id", text(&column)),
        ("layer_id", text(&layer)),
        ("generation_id", generation.to_string()),
        ("agent_run_id", text(&run["run_id"])),
        ("conversation_id", text(&run["conversation_id"])),
        ("idea_id", text(&ideas[0]["id"])),
        ("row_run_id", text(&row_run["run_id"])),
        ("batch_id", text(&batch.body["batch_id"])),
        ("pipeline_id", text(&pipeline["id"])),
        ("pipeline_run_id", text(&pipeline_run["run_id"])),
        ("resource_id", text(&resource["id"])),
        ("job_id", text(&job["id"])),
        ("token_id", text(&tokens[0]["id"])),
        ("avatar_id", "1".to_owned()),
        ("voice_id", "1".to_owned()),
    ])
}

/// A plausible value for an argument that names no id.
fn plausible(name: &str, schema: &Value) -> Value {
    if let Some(first) = schema["enum"].get(0) {
        return first.clone();
    }
    match schema["type"].as_str() {
        Some("object") if name == "config" => json!({"prompt": "3 ideas about tacos"}),
        Some("number") => json!(1),
        Some("boolean") => json!(true),
        Some("object") => json!({}),
        Some("array") => json!([]),
        _ => match name {
            "url" | "media_url" => json!("https://www.tiktok.com/@someone"),
            "status" => json!("rejected"),
            "generation_type" | "type" => json!("text"),
            "gender" => json!("female"),
            "value" => json!("@tacos"),
            _ => json!("tacos"),
        },
    }
}

/// The thing an id argument of `tool` names, as kept by [`owners_things`].
fn thing_of<'a>(tool: &str, argument: &'a str) -> &'a str {
    match argument {
        "run_id" if tool.contains("pipeline") => "pipeline_run_id",
        "run_id" if tool.contains("row_run") => "row_run_id",
        "run_id" => "agent_run_id",
        other => other,
    }
}

#[tokio::test]
async fn another_organizations_key_reaches_none_of_the_first_ones_data_through_any_tool() {
    let app = scripted_app().await;
    let things = owners_things(&app).await;
    let stranger = app.user("stranger").await;
    let theirs = Mcp::http(&stranger.client);
    let mut tried = 0;
    for tool in theirs.tools().await {
        let name = tool["name"].as_str().unwrap();
        let schema = &tool["inputSchema"];
        let required: Vec<&str> = schema["required"]
            .as_array()
            .map(|names| names.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut arguments = serde_json::Map::new();
        let mut names_a_thing = false;
        for (argument, property) in schema["properties"].as_object().unwrap() {
            if let Some(owned) = things.get(thing_of(name, argument)) {
                arguments.insert(argument.clone(), json!(owned));
                names_a_thing = true;
            } else if required.contains(&argument.as_str()) || argument == "config" {
                arguments.insert(argument.clone(), plausible(argument, property));
            }
        }
        if !names_a_thing {
            continue;
        }
        tried += 1;
        let called = theirs.call(name, Value::Object(arguments.clone())).await;
        // A filter naming another's thing may answer an empty list, as the route does.
        if !called.is_error {
            assert_eq!(
                called.value,
                json!([]),
                "{name} {arguments:?} answered the other organization"
            );
            continue;
        }
        let code = called.error_code();
        assert!(
            code.ends_with("not_found") || ["permission_denied", "forbidden"].contains(&code),
            "{name} {arguments:?} refused with {code}, not as a stranger: {}",
            called.value
        );
    }
    assert!(tried > 80, "only {tried} tools name a thing");

    // What they list is their own.
    let agents = theirs.call("gen_list_agents", json!({})).await.ok();
    let ids: Vec<i64> = agents
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [stranger.agent_id.get()]);
    let conversations = theirs.call("gen_list_conversations", json!({})).await.ok();
    assert_eq!(conversations, json!([]));
    let me = theirs.call("gen_get_me", json!({})).await.ok();
    assert_eq!(me["id"], stranger.user_id.get());
    // And the owner's things are as they were.
    let owner = &app.owner.client;
    owner
        .get(&format!("/v1/agents/{}", things["agent_id"]))
        .await
        .expect(200);
    owner
        .get(&format!(
            "/v1/autocontentengine/{}?agent_id={}",
            things["engine_id"], things["agent_id"]
        ))
        .await
        .expect(200);
}
