//! The agent with real models: a provider's chat model that calls tools (through a stand-in
//! of the chat-completions API) driving a chat run, and the embedded model writing ideas end
//! to end.

use serde_json::{Value, json};

use super::{answer, finished, seed_posts};
use crate::harness::{AgentWriter, TestApp, balance};

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
    let config = ace_providers::remote::config::ProvidersConfig::from_toml(
        &format!(
            "[providers.openai]\nbase_url = \"{}/v1\"\napi_key = \"sk-test\"\n[models]\ntext = \"openai:gpt-4o\"\n",
            api.url
        ),
        std::iter::empty(),
    )
    .unwrap();
    let app = TestApp::builder().providers(&config).spawn().await;
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
    assert_eq!(turns[0]["tools"].as_array().unwrap().len(), 8);
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
