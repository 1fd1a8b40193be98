//! Agent Core's research topics, researched daily.

use std::sync::Arc;

use ace_domain::sheet::card::GenerationType;
use serde_json::{Value, json};

use crate::harness::{AgentWriter, Client, TestApp};

async fn set_topics(client: &Client, agent: i64, topics: &[&str]) {
    let topics: Vec<Value> = topics
        .iter()
        .map(|topic| json!({ "topic": topic }))
        .collect();
    client
        .patch(
            &format!("/v1/agents/{agent}/core"),
            json!({ "research_topics": topics }),
        )
        .await
        .expect(200);
}

#[tokio::test]
async fn research_topics_are_researched_daily_and_a_day_the_workspace_cannot_pay_is_noted() {
    let app = TestApp::builder()
        .generator(GenerationType::Text, Arc::new(AgentWriter))
        .starter_credits(ace_domain::credits::Credits::whole(40))
        .spawn()
        .await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id;

    set_topics(client, agent.get(), &["late night tacos", "salsa trends"]).await;
    app.drain_due_jobs().await;

    let conversations = client
        .get(&format!("/v1/agent/conversations?agent_id={agent}"))
        .await
        .expect(200);
    assert_eq!(conversations.body[0]["title"], "Daily research");
    let id = conversations.body[0]["id"].as_str().unwrap();
    let runs = client
        .get(&format!("/v1/agent/conversations/{id}/runs"))
        .await
        .expect(200);
    assert_eq!(runs.body.as_array().unwrap().len(), 1, "{}", runs.body);
    // 40 credits pay for one research run (35) and not a second.
    let messages = client
        .get(&format!("/v1/agent/conversations/{id}/messages"))
        .await
        .expect(200);
    let note = messages
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|message| message["role"] == "system")
        .expect("a note for the skipped topic");
    assert!(
        note["content"].as_str().unwrap().contains("salsa trends"),
        "{note}"
    );
    let scheduled = {
        let mut conn = app.app.db().conn().await.unwrap();
        ace_db::daily_research::find(&mut conn, agent)
            .await
            .unwrap()
            .unwrap()
    };
    let wait = scheduled.next_at - scheduled.last_at.unwrap();
    assert_eq!(wait.num_hours(), 24);

    set_topics(client, agent.get(), &[]).await;
    let mut conn = app.app.db().conn().await.unwrap();
    assert!(
        ace_db::daily_research::find(&mut conn, agent)
            .await
            .unwrap()
            .is_none()
    );
}
