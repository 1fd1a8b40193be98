//! Step 2 over MCP: ideas proposed, refined and remembered by agent runs, an approval gate
//! decided, the board, conversations, research, monitoring jobs and their polling.

use serde_json::{Value, json};

use super::{Mcp, with};
use crate::harness::TestApp;

/// Calls every ideas tool, with runs written by the scripted text model.
pub async fn journey(app: &TestApp, mcp: &Mcp) {
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get().to_string();
    let status = |run: Value| async move {
        let id = run["run_id"].as_str().unwrap().to_owned();
        app.drain_jobs().await;
        let read = mcp
            .call("gen_get_run_status", json!({ "run_id": id }))
            .await
            .ok();
        let rest = client.get(&format!("/v1/agent/runs/{id}")).await;
        assert_eq!(read, rest.expect(200).body);
        read
    };

    let started = mcp
        .call(
            "gen_generate_content_ideas",
            json!({"agent_id": agent, "num_ideas": 2, "requirements": ["tacos at night"]}),
        )
        .await
        .ok();
    assert_eq!(started["status"], "running", "{started}");
    let done = status(started).await;
    assert_eq!(done["status"], "completed", "{done}");
    let conversation = done["conversation_id"].as_str().unwrap().to_owned();
    let ideas = mcp
        .call("gen_list_content_ideas", json!({ "agent_id": agent }))
        .await
        .ok();
    let rest = client
        .get(&format!("/v1/agent/ideas?agent_id={agent}"))
        .await;
    assert_eq!(ideas, rest.expect(200).body);
    let written = done["messages"].as_array().unwrap().last().unwrap()["data"]["ideas"].clone();
    assert_eq!(written.as_array().map(Vec::len), Some(2), "{done}");
    let idea = ideas[0]["id"].to_string();
    let moved = mcp
        .call(
            "gen_update_idea_status",
            json!({"idea_id": idea, "status": "approve_to_create"}),
        )
        .await
        .ok();
    assert_eq!(moved["status"], "approve_to_create");

    let refined = mcp
        .call(
            "gen_refine_content_ideas",
            json!({"agent_id": agent, "conversation_id": conversation,
                "feedback": "make idea 1's title shorter"}),
        )
        .await
        .ok();
    assert_eq!(status(refined).await["status"], "completed");
    let remembered = mcp
        .call(
            "gen_set_content_preference",
            json!({"agent_id": agent, "preference": "always use statement hooks"}),
        )
        .await
        .ok();
    assert_eq!(status(remembered).await["status"], "completed");
    let researched = mcp
        .call(
            "gen_run_research",
            json!({"agent_id": agent, "topic": "late night tacos", "depth": "quick"}),
        )
        .await
        .ok();
    let researched = status(researched).await;
    assert_ne!(researched["status"], "running", "{researched}");

    // A vidsheet asked for in words waits for approval; the decision runs it.
    let asked = mcp
        .call(
            "gen_generate_content_ideas",
            json!({"agent_id": agent, "conversation_id": conversation,
                "message": "make a vidsheet from idea 1"}),
        )
        .await
        .ok();
    let gated = status(asked).await;
    assert_eq!(gated["status"], "awaiting_approval", "{gated}");
    let decided = mcp
        .call(
            "gen_decide_agent_run",
            json!({"run_id": gated["run_id"], "approved": true}),
        )
        .await
        .ok();
    assert_eq!(decided["run_id"], gated["run_id"]);
    assert_eq!(status(decided).await["status"], "completed");

    let conversations = mcp
        .call("gen_list_conversations", json!({ "agent_id": agent }))
        .await
        .ok();
    let rest = client
        .get(&format!("/v1/agent/conversations?agent_id={agent}"))
        .await;
    assert_eq!(conversations, rest.expect(200).body);
    let read = mcp
        .call(
            "gen_get_conversation",
            json!({ "conversation_id": conversation }),
        )
        .await
        .ok();
    let rest = client
        .get(&format!("/v1/agent/conversations/{conversation}"))
        .await;
    assert_eq!(read, rest.expect(200).body);

    let sheet = mcp
        .call("ace_idea_to_vidsheet", json!({ "idea_id": idea }))
        .await
        .ok();
    assert!(sheet["id"].as_i64().is_some(), "{sheet}");
    // A run waiting for approval may be cancelled instead.
    let asked = mcp
        .call(
            "gen_generate_content_ideas",
            json!({"agent_id": agent, "conversation_id": conversation,
                "message": "make a vidsheet from idea 2"}),
        )
        .await
        .ok();
    let waiting = status(asked).await;
    assert_eq!(waiting["status"], "awaiting_approval", "{waiting}");
    let cancelled = mcp
        .call("ace_cancel_run", json!({"run_id": waiting["run_id"]}))
        .await
        .ok();
    assert_eq!(cancelled["state"], "cancelled", "{cancelled}");

    monitoring(app, mcp).await;
}

/// A monitoring job created, changed while it monitors, polled, and turned to a last scrape.
/// No source is configured here, so each cycle keeps its error and the job monitors on.
async fn monitoring(app: &TestApp, mcp: &Mcp) {
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get().to_string();
    let created = mcp
        .call(
            "gen_create_monitoring_job",
            json!({"agent_id": agent, "platform": "tiktok", "search_type": "hashtag",
                "value": "#tacos", "max_results": 5, "monitoring": true}),
        )
        .await
        .ok();
    let job = created["id"].to_string();
    app.drain_due_jobs().await;
    let change_args = json!({"agent_id": agent, "job_id": job, "platform": "tiktok",
            "search_type": "keyword", "value": "birria"});
    let change = |more: Value| with(&change_args, more);
    mcp.call("gen_update_monitoring_job", change(json!({"days": 7})))
        .await
        .ok();
    app.drain_due_jobs().await;
    let read = mcp
        .call(
            "ace_get_user_job",
            json!({"job_id": job, "agent_id": agent}),
        )
        .await
        .ok();
    let rest = client
        .get(&format!("/v1/user_jobs/{job}?agent_id={agent}"))
        .await;
    assert_eq!(read, rest.expect(200).body);
    assert_eq!(read["status"], "processing", "{read}");
    let listed = mcp
        .call(
            "ace_list_user_jobs",
            json!({"agent_id": agent, "user_job_type": "train_social"}),
        )
        .await
        .ok();
    let rest = client
        .get(&format!(
            "/v1/user_jobs?agent_id={agent}&user_job_type=train_social"
        ))
        .await;
    assert_eq!(listed, rest.expect(200).body);
    mcp.call(
        "gen_update_monitoring_job",
        change(json!({"monitoring": false})),
    )
    .await
    .ok();
    app.drain_due_jobs().await;
}
