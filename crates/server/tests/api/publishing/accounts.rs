//! Connecting, refreshing, revoking: an agent's own TikTok accounts.

use serde_json::json;

use super::{authorization_url, connect, connected_app, param, publishing_app};
use crate::harness::{StandInTikTok, TestApp};

#[tokio::test]
async fn an_agent_connects_its_tiktok_account_and_it_appears_in_linked_accounts() {
    let (app, tiktok) = publishing_app().await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();

    let url = authorization_url(client, agent).await;
    assert!(
        url.starts_with(&format!("{}/v2/auth/authorize/", tiktok.api.url)),
        "{url}"
    );
    assert_eq!(
        param(&url, "scope"),
        "user.info.basic,video.publish,video.list"
    );
    assert_eq!(param(&url, "response_type"), "code");
    assert!(param(&url, "redirect_uri").ends_with("/v1/social_accounts/tiktok/callback"));
    assert!(param(&url, "code_challenge").len() >= 43);
    let code = tiktok.approve(&url);
    let state = param(&url, "state");
    let callback = format!("/v1/social_accounts/tiktok/callback?code={code}&state={state}");
    let account = app.anonymous().get(&callback).await.expect(200).body;
    assert_eq!(account["status"], "connected", "{account}");
    assert_eq!(account["username"], "santiago_real");
    assert_eq!(account["url"], "https://www.tiktok.com/@santiago_real");
    assert!(
        account.to_string().find("act.").is_none(),
        "no token is shown: {account}"
    );

    // The state works once.
    app.anonymous()
        .get(&callback)
        .await
        .expect_error(422, "validation_error");

    let core = client
        .get(&format!("/v1/agents/{agent}/core"))
        .await
        .expect(200)
        .body;
    let linked = core["linked_accounts"].as_array().unwrap();
    assert_eq!(linked.len(), 1, "{core}");
    assert_eq!(linked[0]["id"], account["account_id"]);
    assert_eq!(linked[0]["platform"], "tiktok");
    crate::contract().assert_conforms("getAgentCore", 200, &core);

    let listed = client
        .get(&format!("/v1/agents/{agent}/social_accounts"))
        .await
        .expect(200)
        .body;
    assert_eq!(listed[0]["account_id"], account["account_id"]);
    crate::contract().assert_conforms("listSocialAccounts", 200, &listed);

    // Tokens are sealed at rest.
    let mut conn = app.app.db().conn().await.unwrap();
    let stored = ace_db::social_connections::for_agent(&mut conn, app.owner.agent_id)
        .await
        .unwrap();
    assert!(stored[0].access_token.starts_with("v1."));
    assert!(!stored[0].access_token.contains("act.1"));
    assert!(!stored[0].refresh_token.clone().unwrap().contains("rft.1"));
}

#[tokio::test]
async fn a_url_only_linked_account_is_reused_when_its_handle_connects() {
    let (app, tiktok) = publishing_app().await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let label = client
        .post(
            &format!("/v1/agents/{agent}/core/accounts"),
            json!({"url": "https://tiktok.com/@Santiago_Real", "platform": "tiktok"}),
        )
        .await
        .expect(201);
    let account = connect(&app, &tiktok, client, agent).await;
    assert_eq!(account["account_id"], label.body["id"], "{account}");
    let core = client
        .get(&format!("/v1/agents/{agent}/core"))
        .await
        .expect(200)
        .body;
    assert_eq!(core["linked_accounts"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_denied_or_unknown_authorization_is_refused_and_connects_nothing() {
    let (app, tiktok) = publishing_app().await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let url = authorization_url(client, agent).await;
    let state = param(&url, "state");
    let denied = app
        .anonymous()
        .get(&format!(
            "/v1/social_accounts/tiktok/callback?state={state}&error=access_denied&error_description=The+user+denied"
        ))
        .await
        .expect_error(422, "validation_error");
    assert!(
        denied.body["error"]
            .as_str()
            .unwrap()
            .contains("access_denied")
    );
    app.anonymous()
        .get("/v1/social_accounts/tiktok/callback?code=code-1&state=forged")
        .await
        .expect_error(422, "validation_error");
    // A code whose verifier does not match its challenge is refused by TikTok.
    let other_url = authorization_url(client, agent).await;
    let code = tiktok.approve(&url);
    app.anonymous()
        .get(&format!(
            "/v1/social_accounts/tiktok/callback?code={code}&state={}",
            param(&other_url, "state")
        ))
        .await
        .expect_error(422, "social_account_not_connected");
    let listed = client
        .get(&format!("/v1/agents/{agent}/social_accounts"))
        .await
        .expect(200);
    assert_eq!(listed.body, json!([]));
}

#[tokio::test]
async fn connecting_needs_an_editor_of_the_agent_and_a_configured_app() {
    let (app, _tiktok) = publishing_app().await;
    let stranger = app.user("stranger").await;
    let agent = app.owner.agent_id.get();
    stranger
        .client
        .post(
            &format!("/v1/agents/{agent}/social_accounts/tiktok/connect"),
            json!({}),
        )
        .await
        .expect_error(403, "permission_denied");
    stranger
        .client
        .get(&format!("/v1/agents/{agent}/social_accounts"))
        .await
        .expect_error(403, "permission_denied");

    let plain = TestApp::spawn().await;
    let agent = plain.owner.agent_id.get();
    let refused = plain
        .owner
        .client
        .post(
            &format!("/v1/agents/{agent}/social_accounts/tiktok/connect"),
            json!({}),
        )
        .await
        .expect_error(422, "publishing_not_configured");
    assert!(
        refused.body["error"]
            .as_str()
            .unwrap()
            .contains("ACE_TIKTOK_CLIENT_KEY")
    );
}

#[tokio::test]
async fn removing_a_connected_account_from_agent_core_revokes_its_grant() {
    let (app, tiktok) = publishing_app().await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    connect(&app, &tiktok, client, agent).await;
    client
        .patch(
            &format!("/v1/agents/{agent}/core"),
            json!({"linked_accounts": []}),
        )
        .await
        .expect(200);
    app.drain_jobs().await;
    assert_eq!(tiktok.lock().revoked, ["act.1"]);
    let listed = client
        .get(&format!("/v1/agents/{agent}/social_accounts"))
        .await
        .expect(200);
    assert_eq!(listed.body, json!([]));

    // The single-item route revokes too.
    let account = connect(&app, &tiktok, client, agent).await;
    client
        .delete(&format!(
            "/v1/agents/{agent}/core/accounts/{}",
            account["account_id"]
        ))
        .await
        .expect(200);
    app.drain_jobs().await;
    assert_eq!(tiktok.lock().revoked, ["act.1", "act.2"]);
}

#[tokio::test]
async fn posting_settings_must_be_levels_tiktok_knows() {
    let (app, _tiktok) = connected_app(|_| {}).await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let listed = client
        .get(&format!("/v1/agents/{agent}/social_accounts"))
        .await
        .expect(200);
    let account = &listed.body[0];
    let path = format!(
        "/v1/agents/{agent}/social_accounts/{}",
        account["account_id"]
    );
    let changed = client
        .patch(
            &path,
            json!({"settings": {"privacy_level": "SELF_ONLY", "allow_comments": false}}),
        )
        .await
        .expect(200);
    assert_eq!(changed.body["settings"]["allow_comments"], false);
    client
        .patch(&path, json!({"settings": {"privacy_level": "FRIENDS"}}))
        .await
        .expect_error(422, "validation_error");
}

/// A helper for other modules: the stand-in's tokens as TikTok last issued them.
pub(super) fn issued(tiktok: &StandInTikTok) -> (Vec<String>, String) {
    let state = tiktok.lock();
    (state.access_tokens.clone(), state.refresh_token.clone())
}
