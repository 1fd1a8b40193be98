//! The console's ideas board over HTTP as a browser uses it: the chat starts a run whose ideas
//! land on the board; a gated vidsheet waits for approval, given on the page; cards move on,
//! are rejected and become vidsheets; and another organization's session reaches none of it.

use std::sync::Arc;

use ace_domain::ideas::VideoType;
use ace_domain::sheet::card::GenerationType;
use reqwest::StatusCode;
use reqwest::header::LOCATION;

use super::Browser;
use crate::harness::{AgentWriter, TestApp};
use crate::ideas::seed;

async fn writing_app() -> TestApp {
    TestApp::builder()
        .generator(GenerationType::Text, Arc::new(AgentWriter))
        .spawn()
        .await
}

/// The status of idea `id` as the API reads it.
async fn status_of(app: &TestApp, id: i64) -> String {
    let agent = app.owner.agent_id.get();
    let list = app
        .owner
        .client
        .get(&format!("/v1/agent/ideas?agent_id={agent}"))
        .await
        .expect(200)
        .body;
    list.as_array()
        .unwrap()
        .iter()
        .find(|idea| idea["id"] == id)
        .map(|idea| idea["status"].as_str().unwrap().to_owned())
        .unwrap()
}

#[tokio::test]
async fn the_chat_starts_runs_whose_ideas_land_on_the_board_and_a_gated_vidsheet_is_approved_there()
{
    let app = writing_app().await;
    let agent = app.owner.agent_id.get();
    let board = format!("/app/agents/{agent}/ideas");
    let mut browser = Browser::new(&app);
    browser.sign_in(&app.owner).await;
    let (status, _, response) = browser.get("/app/ideas").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(response[LOCATION], board.as_str());
    let (status, empty, _) = browser.get(&board).await;
    assert_eq!(status, StatusCode::OK);
    assert!(empty.contains("No ideas yet"), "{empty}");

    let csrf = Browser::csrf(&empty);
    let (status, _, response) = browser
        .post(
            &format!("{board}/chat"),
            &[("csrf", &csrf), ("message", "generate 2 content ideas")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let shown = response[LOCATION].to_str().unwrap().to_owned();
    assert!(
        shown.contains("?conversation=") && shown.contains("&run="),
        "{shown}"
    );
    app.drain_jobs().await;
    let (_, page, _) = browser.get(&shown).await;
    assert_eq!(page.matches(r#"class="idea""#).count(), 2, "{page}");
    assert!(
        page.contains("generate 2 content ideas"),
        "the conversation: {page}"
    );
    let conversation = shown
        .split("conversation=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();

    let (_, _, response) = browser
        .post(
            &format!("{board}/chat"),
            &[
                ("csrf", &csrf),
                ("message", "make a vidsheet from idea 1"),
                ("conversation", conversation),
            ],
        )
        .await;
    let gated = response[LOCATION].to_str().unwrap().to_owned();
    app.drain_jobs().await;
    let (_, page, _) = browser.get(&gated).await;
    assert!(page.contains("awaiting approval"), "{page}");
    assert!(page.contains("The agent asks:"), "{page}");
    let run = gated.split("run=").nth(1).unwrap().to_owned();
    let (status, _, response) = browser
        .post(
            &format!("/app/agents/{agent}/runs/{run}/approve"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(response[LOCATION].to_str().unwrap().contains(&run));
    app.drain_jobs().await;
    let done = app
        .owner
        .client
        .get(&format!("/v1/agent/runs/{run}"))
        .await
        .expect(200)
        .body;
    assert_eq!(done["status"], "completed", "{done}");
}

#[tokio::test]
async fn a_card_moves_on_is_rejected_and_becomes_a_vidsheet() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id;
    let ids = seed(
        &app,
        agent,
        &[
            ("The $2 taco at 2am", VideoType::TextDriven),
            ("Salsa ranked", VideoType::TextDriven),
        ],
    )
    .await;
    let board = format!("/app/agents/{}/ideas", agent.get());
    let mut browser = Browser::new(&app);
    browser.sign_in(&app.owner).await;
    let (_, page, _) = browser.get(&board).await;
    assert!(
        page.contains("The $2 taco at 2am") && page.contains("Salsa ranked"),
        "{page}"
    );
    let csrf = Browser::csrf(&page);

    let (status, _, response) = browser
        .post(&format!("{board}/{}/move", ids[0]), &[("csrf", &csrf)])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(response[LOCATION], format!("{board}#idea-{}", ids[0]));
    assert_eq!(status_of(&app, ids[0]).await, "approve_to_create");
    let (status, _, _) = browser
        .post(&format!("{board}/{}/reject", ids[1]), &[("csrf", &csrf)])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(status_of(&app, ids[1]).await, "rejected");

    let (status, _, response) = browser
        .post(&format!("{board}/{}/vidsheet", ids[0]), &[("csrf", &csrf)])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let grid = response[LOCATION].to_str().unwrap().to_owned();
    assert!(
        grid.contains("/sheets/") && grid.contains("#row-"),
        "{grid}"
    );
    let (status, page, _) = browser.get(grid.split('#').next().unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("The $2 taco at 2am") || page.contains("$2 taco"),
        "{page}"
    );
    let (status, _, _) = browser
        .post(&format!("{board}/{}/move", ids[0]), &[("csrf", "forged")])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn another_organizations_session_reaches_none_of_an_agents_ideas_or_runs() {
    let app = writing_app().await;
    let agent = app.owner.agent_id;
    let ids = seed(
        &app,
        agent,
        &[("The $2 taco at 2am", VideoType::TextDriven)],
    )
    .await;
    let started = app
        .owner
        .client
        .post(
            "/v1/agent/run",
            serde_json::json!({"message": "generate 1 content idea", "agent_id": agent.get().to_string()}),
        )
        .await
        .expect(202)
        .body;
    let run = started["run_id"].as_str().unwrap().to_owned();
    app.drain_jobs().await;

    let stranger = app.user("stranger").await;
    let mut browser = Browser::new(&app);
    let page = browser.sign_in(&stranger).await;
    let csrf = Browser::csrf(&page);
    let board = format!("/app/agents/{}/ideas", agent.get());
    for path in [
        board.clone(),
        format!("{board}?run={run}"),
        format!("/app/agents/{}/runs/{run}/events", agent.get()),
    ] {
        let (status, page, _) = browser.get(&path).await;
        assert!(status.is_client_error(), "{path}: {status}");
        assert!(!page.contains("taco"), "{path}: {page}");
    }
    for path in [
        format!("{board}/{}/move", ids[0]),
        format!("{board}/{}/reject", ids[0]),
        format!("{board}/{}/vidsheet", ids[0]),
        format!("/app/agents/{}/runs/{run}/approve", agent.get()),
        format!("{board}/chat"),
    ] {
        let (status, _, _) = browser
            .post(
                &path,
                &[("csrf", &csrf), ("message", "generate 1 content idea")],
            )
            .await;
        assert!(status.is_client_error(), "{path}: {status}");
    }
    assert_eq!(status_of(&app, ids[0]).await, "generated");
}
