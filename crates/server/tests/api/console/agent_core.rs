//! The console's Agent Core page over HTTP: the brand, personality and keywords saved through
//! the core's patch, a refusal shown in words, and nothing of it for another organization.

use ace_app::Actor;
use reqwest::StatusCode;
use reqwest::header::LOCATION;

use super::Browser;
use crate::harness::TestApp;

#[tokio::test]
async fn an_agents_core_is_edited_on_its_page_and_out_of_reach_of_other_organizations() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id;
    let path = format!("/app/agents/{}/core", agent.get());
    let mut browser = Browser::new(&app);
    let workspace = browser.sign_in(&app.owner).await;
    assert!(
        workspace.contains(&format!(r#"href="{path}""#)),
        "{workspace}"
    );
    let (status, page, _) = browser.get(&path).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let csrf = Browser::csrf(&page);

    let (status, _, response) = browser
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("brand_name", "Taco Queen"),
                ("personality", "Warm, quick, a little cheeky."),
                ("keywords", "tacos, late night"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(response[LOCATION], format!("{path}?saved=true"));
    let owner = Actor::on_behalf_of(app.owner.user_id);
    let core = ace_app::agent_core::get(&app.app, &owner, agent)
        .await
        .unwrap()
        .core;
    assert_eq!(core.brand_name.as_deref(), Some("Taco Queen"));
    assert_eq!(core.keywords, ["tacos", "late night"]);
    let (_, page, _) = browser.get(&format!("{path}?saved=true")).await;
    assert!(
        page.contains("Saved.") && page.contains("Taco Queen"),
        "{page}"
    );

    let long = "x".repeat(201);
    let (status, refused, _) = browser
        .post(&path, &[("csrf", &csrf), ("brand_name", &long)])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.contains("brand_name"), "{refused}");

    let stranger = app.user("stranger").await;
    let mut theirs = Browser::new(&app);
    let own = theirs.sign_in(&stranger).await;
    let (status, page, _) = theirs.get(&path).await;
    assert!(status.is_client_error(), "{status}");
    assert!(!page.contains("Taco Queen"), "{page}");
    let (status, _, _) = theirs
        .post(
            &path,
            &[("csrf", &Browser::csrf(&own)), ("brand_name", "Mine")],
        )
        .await;
    assert!(status.is_client_error(), "{status}");
    let core = ace_app::agent_core::get(&app.app, &owner, agent)
        .await
        .unwrap()
        .core;
    assert_eq!(core.brand_name.as_deref(), Some("Taco Queen"));
}
