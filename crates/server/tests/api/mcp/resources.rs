//! The resources over MCP: the API reference is ace's OpenAPI document, and the template
//! library reads as the REST routes answer it, over `/mcp` and `ace mcp`.

use serde_json::{Value, json};

use super::{Mcp, StdioMode};
use crate::harness::TestApp;

/// Lists and reads every resource, comparing each with its REST answer.
async fn reads_as_rest(app: &TestApp, mcp: &Mcp) {
    let client = &app.owner.client;
    let listed = mcp.result("resources/list", json!({})).await;
    let uris: Vec<&str> = listed["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|resource| resource["uri"].as_str().unwrap())
        .collect();
    assert_eq!(uris[..2], ["ace://api-reference", "ace://templates"]);
    let read = |uri: String| async move {
        let read = mcp.result("resources/read", json!({ "uri": uri })).await;
        let contents = &read["contents"][0];
        assert_eq!(contents["mimeType"], "application/json");
        serde_json::from_str::<Value>(contents["text"].as_str().unwrap()).unwrap()
    };

    let reference = read("ace://api-reference".into()).await;
    assert_eq!(
        reference,
        client.get("/openapi.json").await.expect(200).body
    );
    let library = read("ace://templates".into()).await;
    assert_eq!(
        library,
        client.get("/v1/templates/projects").await.expect(200).body
    );
    let slugs: Vec<&str> = library
        .as_array()
        .unwrap()
        .iter()
        .map(|template| template["slug"].as_str().unwrap())
        .collect();
    assert_eq!(uris.len(), 2 + slugs.len(), "one resource per template");
    let slug = slugs[0];
    let template = read(format!("ace://templates/{slug}")).await;
    let rest = client.get(&format!("/v1/templates/projects/{slug}")).await;
    assert_eq!(template, rest.expect(200).body);

    let missing = mcp
        .request(
            "resources/read",
            json!({"uri": "ace://templates/no-such-template"}),
        )
        .await;
    assert_eq!(missing["error"]["code"], -32002, "{missing}");
    let unknown = mcp
        .request("resources/read", json!({"uri": "ace://nothing"}))
        .await;
    assert_eq!(unknown["error"]["code"], -32002, "{unknown}");
}

#[tokio::test]
async fn the_api_reference_and_the_template_library_are_resources_over_http() {
    let app = TestApp::spawn().await;
    reads_as_rest(&app, &Mcp::http(&app.owner.client)).await;
}

#[tokio::test]
async fn the_api_reference_and_the_template_library_are_resources_over_stdio() {
    let app = TestApp::spawn().await;
    reads_as_rest(&app, &Mcp::stdio(&app, StdioMode::InProcess).await).await;
}
