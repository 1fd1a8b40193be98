//! Step 1 over MCP: the caller, workspaces, organizations, agents and API keys.

use serde_json::{Value, json};

use super::{Mcp, StdioMode, scripted_app};
use crate::harness::TestApp;

#[tokio::test]
async fn an_mcp_client_initializes_and_lists_gens_tools_with_their_arguments_and_costs() {
    let app = TestApp::spawn().await;
    let mcp = Mcp::http(&app.owner.client);
    let init = mcp
        .result(
            "initialize",
            json!({"protocolVersion": "2025-06-18", "capabilities": {},
                "clientInfo": {"name": "claude-code", "version": "2.0.0"}}),
        )
        .await;
    assert_eq!(init["serverInfo"]["name"], "ace");
    assert!(init["capabilities"]["tools"].is_object(), "{init}");

    let tools = mcp.tools().await;
    let named = |name: &str| {
        tools
            .iter()
            .find(|tool| tool["name"] == name)
            .unwrap_or_else(|| panic!("{name} is listed"))
            .clone()
    };
    let create = named("gen_create_agent");
    let schema = &create["inputSchema"];
    assert_eq!(schema["type"], "object");
    assert_eq!(schema["required"], json!(["name"]));
    assert_eq!(schema["properties"]["organization_id"]["type"], "string");
    assert!(
        create["description"]
            .as_str()
            .unwrap()
            .ends_with("Costs no credits."),
        "{create}"
    );
    for tool in &tools {
        let name = tool["name"].as_str().unwrap();
        assert!(
            name.starts_with("gen_") || name.starts_with("ace_"),
            "{name}"
        );
        assert!(
            tool["description"].as_str().unwrap().contains("credits"),
            "{name}"
        );
    }
}

#[tokio::test]
async fn every_tool_answers_over_http_as_its_rest_route_does() {
    let app = scripted_app().await;
    every_tool(&app, &Mcp::http(&app.owner.client)).await;
}

#[tokio::test]
async fn every_tool_answers_over_stdio_in_process_and_relayed() {
    let app = scripted_app().await;
    every_tool(&app, &Mcp::stdio(&app, StdioMode::InProcess).await).await;
    every_tool(&app, &Mcp::stdio(&app, StdioMode::Relay).await).await;
}

/// Calls every tool the server lists.
async fn every_tool(app: &TestApp, mcp: &Mcp) {
    journey(app, mcp).await;
    super::agent_setup::journey(app, mcp).await;
    super::ideas::journey(app, mcp).await;
    super::vidsheets::journey(app, mcp).await;
    super::editing::journey(app, mcp).await;
    super::runs::journey(app, mcp).await;
    mcp.called_every_tool().await;
}

/// Calls every setup tool, comparing each answer with its REST route's.
async fn journey(app: &TestApp, mcp: &Mcp) {
    let client = &app.owner.client;

    let me = mcp.call("gen_get_me", json!({})).await.ok();
    assert_eq!(me, client.get("/v1/me").await.expect(200).body);
    let workspaces = mcp.call("gen_list_workspaces", json!({})).await.ok();
    assert_eq!(
        workspaces,
        client.get("/v1/workspaces").await.expect(200).body
    );

    let created = mcp
        .call("gen_create_organization", json!({"name": "Taco Labs"}))
        .await
        .ok();
    let organization = created["organization_id"]
        .as_i64()
        .expect("the new organization's id")
        .to_string();
    let read = mcp
        .call(
            "gen_get_organization",
            json!({"organization_id": organization}),
        )
        .await
        .ok();
    assert_eq!(read["name"], "Taco Labs");
    mcp.call(
        "gen_update_organization",
        json!({"organization_id": organization, "name": "Taco Works"}),
    )
    .await
    .ok();
    let listed = mcp.call("gen_list_organizations", json!({})).await.ok();
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["name"] == "Taco Works"),
        "{listed}"
    );

    let agent = mcp
        .call(
            "gen_create_agent",
            json!({"name": "Chef Bot", "description": "Night tacos", "time_zone": "Europe/Paris",
                "organization_id": organization}),
        )
        .await
        .ok();
    let agent_id = agent["agent"]["id"]
        .as_i64()
        .expect("the agent's id")
        .to_string();
    let shown = mcp
        .call("gen_get_agent", json!({"agent_id": agent_id}))
        .await
        .ok();
    assert_eq!(
        shown,
        client
            .get(&format!("/v1/agents/{agent_id}"))
            .await
            .expect(200)
            .body
    );
    mcp.call(
        "gen_update_agent",
        json!({"agent_id": agent_id, "name": "Chef Robot"}),
    )
    .await
    .ok();
    let in_workspace = mcp
        .call("gen_list_agents", json!({"workspace_id": organization}))
        .await
        .ok();
    let names: Vec<&Value> = in_workspace
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["name"])
        .collect();
    // A new organization comes with an agent of its own name.
    assert_eq!(names, [&json!("Taco Labs"), &json!("Chef Robot")]);
    let core = mcp
        .call("gen_get_agent_core", json!({"agent_id": agent_id}))
        .await
        .ok();
    assert_eq!(
        core,
        client
            .get(&format!("/v1/agents/{agent_id}/core"))
            .await
            .expect(200)
            .body
    );

    let key = mcp
        .call("gen_create_api_key", json!({"name": "claude"}))
        .await
        .ok();
    let secret = key["token"].as_str().expect("the secret, once").to_owned();
    let keys = mcp.call("gen_list_api_keys", json!({})).await.ok();
    assert!(keys.to_string().contains("claude") && !keys.to_string().contains(&secret));
    app.anonymous()
        .with_key(&secret)
        .get("/v1/me")
        .await
        .expect(200);
    let key_id = key["id"].to_string();
    mcp.call("gen_revoke_api_key", json!({"token_id": key_id}))
        .await
        .ok();
    let keys = mcp.call("gen_list_api_keys", json!({})).await.ok();
    let revoked = keys
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == key["id"])
        .expect("a revoked key is still listed");
    assert_eq!(revoked["status"], "revoked");

    mcp.call("gen_delete_agent", json!({"agent_id": agent_id}))
        .await
        .ok();
    mcp.call(
        "gen_delete_organization",
        json!({"organization_id": organization}),
    )
    .await
    .ok();
    let gone = mcp
        .call(
            "gen_get_organization",
            json!({"organization_id": organization}),
        )
        .await;
    assert_eq!(gone.error_code(), "organization_not_found");
}

#[tokio::test]
async fn a_tools_failure_is_an_error_result_carrying_gens_error_code() {
    let app = TestApp::spawn().await;
    let mcp = Mcp::http(&app.owner.client);
    let missing = mcp.call("gen_get_agent", json!({})).await;
    assert_eq!(missing.error_code(), "validation_error");
    assert!(
        missing.value["error"]
            .as_str()
            .unwrap()
            .contains("agent_id")
    );
    let unknown = mcp.call("gen_get_me", json!({"verbose": true})).await;
    assert_eq!(unknown.error_code(), "validation_error");
    let wrong = mcp
        .call(
            "gen_update_organization",
            json!({"organization_id": "1", "name": 7}),
        )
        .await;
    assert_eq!(wrong.error_code(), "validation_error");
    let nothing = mcp
        .call("gen_get_agent", json!({"agent_id": "999999"}))
        .await;
    assert_eq!(nothing.error_code(), "agent_not_found");
    let no_tool = mcp
        .request(
            "tools/call",
            json!({"name": "gen_make_coffee", "arguments": {}}),
        )
        .await;
    assert!(
        no_tool["error"]["message"]
            .as_str()
            .unwrap()
            .contains("gen_make_coffee")
    );
}

#[tokio::test]
async fn ace_mcp_on_stdio_refuses_to_start_without_a_working_key() {
    let app = TestApp::spawn().await;
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_ace"))
        .arg("--data-dir")
        .arg(app.data_dir())
        .arg("--database-url")
        .arg(app.database_url())
        .arg("mcp")
        .env("GEN_API_KEY", "ace_pat_not_a_key")
        .env_remove("GEN_API_BASE_URL")
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("GEN_API_KEY"), "{stderr}");
    assert!(output.stdout.is_empty(), "nothing but MCP on stdout");
}

#[tokio::test]
async fn mcp_needs_a_key_a_known_host_and_a_known_origin() {
    let app = TestApp::spawn().await;
    let anonymous = Mcp::http(&app.anonymous());
    anonymous
        .post("tools/list", json!({}))
        .await
        .expect_error(401, "unauthorized");
    let rebound = app
        .owner
        .client
        .request(reqwest::Method::POST, "/mcp")
        .header("host", "attacker.example")
        .header("accept", "application/json, text/event-stream")
        .json(&json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}))
        .send()
        .await
        .unwrap();
    assert_eq!(rebound.status(), 403);
    // A browser page of another site is refused; one of the server's own origin is not.
    let from = |origin: String| {
        app.owner
            .client
            .request(reqwest::Method::POST, "/mcp")
            .header("origin", origin)
            .header("accept", "application/json, text/event-stream")
            .json(&json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}))
            .send()
    };
    let foreign = from("https://attacker.example".into()).await.unwrap();
    assert_eq!(foreign.status(), 403);
    // The public URL is localhost's, as no other is configured.
    let own = app.anonymous().url("").replace("127.0.0.1", "localhost");
    let own = from(own.trim_end_matches('/').to_owned()).await.unwrap();
    assert_eq!(own.status(), 200);
}
