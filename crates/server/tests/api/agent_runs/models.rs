//! The agent with real models: a provider's chat model that calls tools (through a stand-in
//! of the chat-completions API) driving a chat run, a small model that calls once, and the
//! embedded model writing ideas and picking its own calls end to end.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use ace_domain::sheet::card::GenerationType;
use reqwest::Method;
use serde_json::{Value, json};

use super::{answer, finished, seed_posts};
use crate::harness::{AgentWriter, CallsOnce, TestApp, balance};

/// A chat-completions stand-in whose model calls tools: asked with `tools` and no results
/// yet, it wants a preference remembered and two ideas proposed; with results, it answers.
/// Plain completions (the ideas' fields) are written as the scripted writer writes them.
fn tool_calling_model(seen: &crate::harness::Seen, _: usize) -> axum::response::Response {
    let body = seen.json();
    let message = |message: Value| {
        crate::harness::reply_json(
            200,
            &json!({"model": "gpt-4o", "choices": [{"message": message, "finish_reason": "stop"}]}),
        )
    };
    if body.get("tools").is_none() {
        let prompt = body["messages"][1]["content"].as_str().unwrap_or_default();
        return message(json!({"role": "assistant", "content": AgentWriter::answer(prompt)}));
    }
    let answered = body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .any(|message| message["role"] == "tool");
    if answered {
        return message(
            json!({"role": "assistant", "content": "Saved that, and here are two ideas."}),
        );
    }
    message(json!({"role": "assistant", "content": null, "tool_calls": [
        {"id": "call_a", "type": "function", "function": {"name": "remember_preferences", "arguments": "{\"rules\": [\"target women 25-34\"]}"}},
        {"id": "call_b", "type": "function", "function": {"name": "propose_ideas", "arguments": "{\"count\": 2}"}}
    ]}))
}

#[tokio::test]
async fn a_provider_model_that_calls_tools_drives_chat_and_reads_every_result() {
    let api = crate::harness::ProviderApi::start(tool_calling_model).await;
    let app = TestApp::builder()
        .providers(&openai(&api.url))
        .spawn()
        .await;
    let agent = app.owner.agent_id.get();
    let before = balance(&app.owner).await;

    let done = finished(
        &app,
        "I make videos for women 25-34. What should I post this week?",
        None,
    )
    .await;

    assert_eq!(done["status"], "completed", "{done}");
    let reply = answer(&done);
    assert_eq!(reply["content"], "Saved that, and here are two ideas.");
    assert_eq!(reply["data"]["ideas"].as_array().unwrap().len(), 2);
    let profile = app
        .owner
        .client
        .get(&format!("/v1/agent/profile?agent_id={agent}"))
        .await
        .expect(200);
    assert_eq!(
        profile.body["brand"]["content_idea_preferences"],
        "- target women 25-34"
    );
    let turns: Vec<Value> = api
        .seen()
        .iter()
        .map(|seen| seen.json())
        .filter(|body| body.get("tools").is_some())
        .collect();
    assert_eq!(turns.len(), 2);
    assert_eq!(turns[0]["tools"].as_array().unwrap().len(), 10);
    assert_eq!(turns[0]["tool_choice"], "auto");
    let results: Vec<&Value> = turns[1]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|message| message["role"] == "tool")
        .collect();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0]["tool_call_id"], "r1-call_a");
    assert!(results[1]["content"].as_str().unwrap().contains("idea_ids"));
    // Two ideas, not a chat: about 2 × 11.8 credits, settled from the 110 held.
    let spent = done["credits_spent"].as_f64().unwrap();
    assert!((spent - 59.0 * 2.0 / 5.0).abs() < 1.0, "{spent}");
    assert!((before - balance(&app.owner).await - spent).abs() < 0.01);
}

/// A chat-completions stand-in asked for JSON of a schema (`response_format`): it names the
/// first of the preferences the schema's enum offers.
fn json_answering_model(seen: &crate::harness::Seen, _: usize) -> axum::response::Response {
    let body = seen.json();
    let content = match body["response_format"]["json_schema"]["schema"]["properties"]["preference"]
        ["enum"]
        .get(0)
    {
        Some(first) => json!({ "preference": first }).to_string(),
        None => AgentWriter::answer(body["messages"][1]["content"].as_str().unwrap_or_default()),
    };
    crate::harness::reply_json(
        200,
        &json!({"model": "gpt-4o", "choices": [{"message": {"role": "assistant", "content": content}, "finish_reason": "stop"}]}),
    )
}

#[tokio::test]
async fn a_provider_model_picks_the_preference_to_forget_in_json_of_the_tied_ones() {
    let api = crate::harness::ProviderApi::start(json_answering_model).await;
    let app = TestApp::builder()
        .providers(&openai(&api.url))
        .spawn()
        .await;

    let (rules, forgotten) = super::forget_one_of_two(&app).await;

    assert_eq!(forgotten, rules[0]);
    let asked = api
        .seen()
        .iter()
        .map(|seen| seen.json())
        .find(|body| body.get("response_format").is_some())
        .expect("a structured request");
    let format = &asked["response_format"];
    assert_eq!(format["type"], "json_schema");
    assert_eq!(format["json_schema"]["strict"], true);
    assert_eq!(
        format["json_schema"]["schema"]["properties"]["preference"]["enum"],
        json!(rules)
    );
}

/// ace's providers configured with one OpenAI-compatible stand-in at `url` for text.
fn openai(url: &str) -> ace_providers::remote::config::ProvidersConfig {
    ace_providers::remote::config::ProvidersConfig::from_toml(
        &format!(
            "[providers.openai]\nbase_url = \"{url}/v1\"\napi_key = \"sk-test\"\n[models]\ntext = \"openai:gpt-4o\"\n"
        ),
        std::iter::empty(),
    )
    .unwrap()
}

/// The embedded model end to end, once (on SQLite): three ideas from a seeded knowledge base,
/// each grounded in a real post and obeying a preference it was told by rule.
#[tokio::test]
async fn the_local_model_writes_three_grounded_ideas_that_obey_a_preference() {
    let app = TestApp::builder().local_generators().spawn().await;
    if app.on_postgres() {
        eprintln!("the real-model smoke test runs on SQLite only");
        return;
    }
    let agent = app.owner.agent_id.get();
    seed_posts(&app, agent).await;
    finished(&app, "remember: never use question hooks", None).await;

    let done = finished(
        &app,
        "generate 3 content ideas about late night tacos. Requirements: under 15 seconds",
        None,
    )
    .await;

    assert_eq!(done["status"], "completed", "{done}");
    let ideas = answer(&done)["data"]["ideas"].as_array().unwrap().clone();
    assert_eq!(ideas.len(), 3);
    let mut titles = std::collections::BTreeSet::new();
    for idea in &ideas {
        eprintln!(
            "{}\n  hook: {}\n  script: {}",
            idea["title"], idea["hook"], idea["full_script"]
        );
        let hook = idea["hook"].as_str().unwrap();
        assert!(!hook.is_empty() && !hook.ends_with('?'), "{idea}");
        assert!(hook.split_whitespace().count() <= 15, "{hook}");
        assert!(idea["estimated_duration"].as_i64().unwrap() <= 15, "{idea}");
        assert!(idea["title"].as_str().unwrap().split_whitespace().count() <= 8);
        assert!(
            idea["full_script"]
                .as_str()
                .unwrap()
                .split_whitespace()
                .count()
                >= 8
        );
        let source = &idea["inspiration_sources"][0];
        assert!(
            source["url"]
                .as_str()
                .unwrap()
                .starts_with("https://www.tiktok.com/@")
        );
        titles.insert(idea["title"].as_str().unwrap().to_owned());
    }
    assert_eq!(titles.len(), 3, "three different titles");
}

#[tokio::test]
async fn a_model_that_does_not_read_results_calls_once_and_the_answer_is_written_from_them() {
    let model = Arc::new(CallsOnce::default());
    let app = TestApp::builder()
        .generator(GenerationType::Text, model.clone())
        .spawn()
        .await;
    seed_posts(&app, app.owner.agent_id.get()).await;

    let done = finished(&app, "what ideas do you have for me?", None).await;

    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(model.turns.load(Ordering::SeqCst), 1, "asked once");
    let reply = answer(&done);
    let content = reply["content"].as_str().unwrap();
    assert!(content.starts_with("Here are your ideas:"), "{content}");
    assert_eq!(reply["data"]["ideas"].as_array().unwrap().len(), 2);
    assert_eq!(reply["data"]["tools"], json!(["propose_ideas"]));
    let spent = done["credits_spent"].as_f64().unwrap();
    assert!((spent - 59.0 * 2.0 / 5.0).abs() < 1.0, "{spent}");

    let failed = finished(&app, "nonsense, please", None).await;
    assert_eq!(failed["status"], "completed", "{failed}");
    assert_eq!(
        answer(&failed)["content"],
        "I could not do that: There is no tool named no_such_tool."
    );

    let looked = finished(&app, "what works on tiktok lately?", None).await;
    let reply = answer(&looked);
    let content = reply["content"].as_str().unwrap();
    assert!(
        content.starts_with("The best posts in the knowledge base:"),
        "{content}"
    );
    // Ranked by engagement: 41,000 likes on 800,000 views beats 90,000 on 2,100,000.
    let posts = reply["data"]["posts"].as_array().unwrap();
    assert_eq!(posts.len(), 2);
    assert_eq!(posts[0]["author"], "tacoqueen", "{posts:?}");

    // A preference the message never states is not saved.
    let asked = finished(&app, "what do I prefer again?", None).await;
    assert_eq!(
        answer(&asked)["content"],
        "I could not do that: Your message states no preference to save; say it as \"remember: …\"."
    );
    let agent = app.owner.agent_id.get();
    let profile = app
        .owner
        .client
        .get(&format!("/v1/agent/profile?agent_id={agent}"))
        .await
        .expect(200);
    assert!(profile.body["brand"]["content_idea_preferences"].is_null());

    let chat = finished(&app, "hello there", None).await;
    assert_eq!(answer(&chat)["content"], "Hello from the small model.");
    assert_eq!(model.turns.load(Ordering::SeqCst), 5);
}

#[tokio::test]
async fn a_generate_call_waits_for_approval_then_fills_the_named_cell_once() {
    let model = Arc::new(CallsOnce::default());
    let app = TestApp::builder()
        .generator(GenerationType::Text, model.clone())
        .spawn()
        .await;
    let (client, agent) = (&app.owner.client, app.owner.agent_id.get());
    let engine = client
        .post(
            "/v1/templates/spreadsheets/text-driven/clone",
            json!({"agent_id": agent}),
        )
        .await
        .expect(201)
        .body;
    let sheet = engine["id"].as_i64().unwrap();
    let row = engine["spreadsheet_rows"][0]["id"].as_i64().unwrap();
    let before = balance(&app.owner).await;

    let gated = finished(&app, &format!("fill {sheet} {row} HOOK"), None).await;

    assert_eq!(gated["status"], "awaiting_approval", "{gated}");
    assert_eq!(gated["pending_action"]["tool"], "generate");
    let run_id = gated["run_id"].as_str().unwrap();
    client
        .send(
            Method::POST,
            &format!("/v1/agent/runs/{run_id}/approve"),
            None,
        )
        .await
        .expect(200);
    app.drain_jobs().await;
    let done = super::run(client, run_id).await;
    assert_eq!(done["status"], "completed", "{done}");
    let reply = answer(&done);
    let generation = reply["data"]["generation_id"].as_i64().unwrap();
    assert!(
        reply["content"]
            .as_str()
            .unwrap()
            .starts_with("Started: Generate the HOOK cell")
    );
    assert_eq!(reply["data"]["tools"], json!(["generate"]));
    let made = client
        .get(&format!("/v1/generations/{generation}"))
        .await
        .expect(200);
    assert_eq!(made.body["status"], "completed", "{}", made.body);
    assert_eq!(
        model.turns.load(Ordering::SeqCst),
        1,
        "approval does not ask again"
    );
    // The generation is charged as any; the run itself as a chat's worth of work at most.
    assert!(balance(&app.owner).await < before);

    let missing = finished(&app, &format!("fill {sheet} {row} NOPE"), None).await;
    let run_id = missing["run_id"].as_str().unwrap();
    client
        .post(
            &format!("/v1/agent/runs/{run_id}/approve"),
            json!({"approved": true}),
        )
        .await
        .expect(200);
    app.drain_jobs().await;
    let refused = super::run(client, run_id).await;
    assert_eq!(
        answer(&refused)["content"],
        format!("I could not do that: Row {row} of vidsheet {sheet} has no column named \"NOPE\".")
    );
}

/// The embedded model picks its own call for a message no rule reads (once, on SQLite): a
/// well-formed call of one of the agent's tools, or a reply, and the run completes.
#[tokio::test]
async fn the_local_model_answers_a_free_message_with_a_valid_call_or_a_reply() {
    let app = TestApp::builder().local_generators().spawn().await;
    if app.on_postgres() {
        eprintln!("the real-model smoke test runs on SQLite only");
        return;
    }
    for message in ["Hi! Who are you?", "what do I prefer again?"] {
        let done = finished(&app, message, None).await;
        assert_eq!(done["status"], "completed", "{done}");
        let reply = answer(&done);
        eprintln!("{message} -> {reply}");
        assert!(!reply["content"].as_str().unwrap().trim().is_empty());
        for tool in reply["data"]["tools"].as_array().into_iter().flatten() {
            let tool = tool.as_str().unwrap();
            assert!(
                tool.parse::<ace_domain::agent_run::Tool>().is_ok(),
                "{tool}"
            );
        }
    }
}
