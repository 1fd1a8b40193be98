//! Imports: exported files read into the agent's knowledge, bad lines reported, bad forms
//! refused.

use reqwest::Method;
use reqwest::multipart::Form;
use serde_json::json;

use super::{GENERIC, import, job};
use crate::contract;
use crate::harness::{TestApp, balance};

#[tokio::test]
async fn an_import_keeps_every_good_record_and_reports_bad_lines() {
    let app = TestApp::spawn().await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let before = balance(&app.owner).await;
    let accepted = import(client, agent, "export.ndjson", GENERIC.into(), None)
        .await
        .expect(202);
    contract().assert_conforms("importKnowledge", 202, &accepted.body);
    assert_eq!(accepted.body["user_job_type"], "import_social");
    assert_eq!(accepted.body["status"], "pending");
    app.drain_due_jobs().await;

    let id = accepted.body["id"].as_i64().unwrap();
    let read = job(client, agent, id).await;
    assert_eq!(read["status"], "completed", "{read}");
    let result = &read["result"];
    assert_eq!(
        (&result["posts_new"], &result["comments_new"]),
        (&json!(2), &json!(1))
    );
    assert_eq!(result["problem_count"], 1);
    assert_eq!(result["problems"][0]["line"], 2, "{result}");
    assert_eq!(read["execution_cost"], "0.0");
    assert_eq!(balance(&app.owner).await, before, "imports are free");

    let again = import(
        client,
        agent,
        "export.ndjson",
        GENERIC.into(),
        Some("generic"),
    )
    .await
    .expect(202);
    app.drain_due_jobs().await;
    let again = job(client, agent, again.body["id"].as_i64().unwrap()).await;
    assert_eq!(
        (
            &again["result"]["posts_new"],
            &again["result"]["posts_known"]
        ),
        (&json!(0), &json!(2)),
        "the same posts are known, not doubled"
    );
}

#[tokio::test]
async fn an_unreadable_import_fails_saying_why_and_bad_forms_are_refused() {
    let app = TestApp::spawn().await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let accepted = import(
        client,
        agent,
        "notes.txt",
        b"{nothing useful\n".to_vec(),
        None,
    )
    .await
    .expect(202);
    app.drain_due_jobs().await;
    let read = job(client, agent, accepted.body["id"].as_i64().unwrap()).await;
    assert_eq!(read["status"], "failed");
    assert!(
        read["failed_reason"].as_str().unwrap().contains("line 1"),
        "{read}"
    );

    import(client, agent, "x.json", GENERIC.into(), Some("myspace"))
        .await
        .expect_error(422, "validation_error");
    import(client, agent, "empty.json", Vec::new(), None)
        .await
        .expect_error(422, "validation_error");
    let no_file = Form::new().text("format", "generic");
    client
        .multipart(
            Method::POST,
            &format!("/v1/agents/{agent}/knowledge/imports"),
            no_file,
        )
        .await
        .expect_error(422, "validation_error");
    client
        .post(
            &format!("/v1/agents/{agent}/knowledge/imports"),
            json!({"file": "x"}),
        )
        .await
        .expect_error(415, "unsupported_media_type");
}

#[tokio::test]
async fn an_import_larger_than_the_file_cap_is_refused() {
    let app = TestApp::builder().max_file_bytes(64 * 1024).spawn().await;
    let agent = app.owner.agent_id.get();
    let big = GENERIC.repeat(2_000).into_bytes();
    import(&app.owner.client, agent, "big.ndjson", big, None)
        .await
        .expect_error(413, "payload_too_large");
}
