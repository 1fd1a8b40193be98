//! Health, readiness, metrics and the OpenAPI document.

use std::collections::BTreeSet;

use crate::harness::TestApp;

use crate::contract;

#[tokio::test]
async fn healthz_answers_without_credentials() {
    let app = TestApp::spawn().await;
    let reply = app.anonymous().get("/healthz").await.expect(200);
    assert_eq!(reply.body["status"], "ok");
}

#[tokio::test]
async fn readyz_answers_when_the_database_does() {
    let app = TestApp::spawn().await;
    let reply = app.anonymous().get("/readyz").await.expect(200);
    assert_eq!(reply.body["status"], "ready");
}

#[tokio::test]
async fn readyz_reports_unavailable_when_the_database_is_gone() {
    let app = TestApp::spawn().await;
    app.app.db().close().await;
    app.anonymous()
        .get("/readyz")
        .await
        .expect_error(503, "service_unavailable");
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status_with_latencies() {
    let app = TestApp::spawn().await;
    app.owner.client.get("/v1/me").await.expect(200);
    app.anonymous().get("/v1/me").await.expect(401);
    let reply = app.anonymous().get("/metrics").await.expect(200);
    assert!(
        reply
            .text
            .contains(r#"ace_http_requests_total{method="GET",route="/v1/me",status="200"}"#),
        "{}",
        reply.text
    );
    assert!(reply.text.contains(r#"route="/v1/me",status="401""#));
    assert!(
        reply
            .text
            .contains("ace_http_request_duration_seconds_bucket")
    );
}

#[tokio::test]
async fn the_openapi_document_is_3_1_and_routes_every_delivered_operation() {
    let app = TestApp::spawn().await;
    let doc = app.anonymous().get("/openapi.json").await.expect(200).body;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let mut ours = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            assert!(
                operation["x-phase"].is_string(),
                "{method} {path} has no x-phase"
            );
            let id = operation["operationId"].as_str().unwrap();
            ours.insert((method.to_uppercase(), shape(path), id.to_owned()));
        }
    }
    // ace's own schemas are checked on every test's bodies; GEN's operations list only where
    // GEN's reference is at hand.
    let Some(gens) = contract().gens() else {
        return;
    };
    for issue in [
        "Foundation",
        "Files",
        "Vidsheets",
        "Generations",
        "Generations (automation webhooks)",
        "Render",
        "Creation cards (Voice API)",
    ] {
        let delivered = gens.operations_delivered_by(issue);
        assert!(
            !delivered.is_empty(),
            "OPERATIONS.md names operations of {issue}"
        );
        // Calls only the clients make, or only the docs describe, have no GEN operation id;
        // their method and path must match.
        let routed = |(method, path, id): &(String, String, String)| {
            let unnamed = id == "(client)" || id == "(docs)";
            ours.iter()
                .any(|(m, p, i)| m == method && *p == shape(path) && (i == id || unnamed))
        };
        let missing: Vec<_> = delivered.iter().filter(|op| !routed(op)).collect();
        assert!(
            missing.is_empty(),
            "{issue} operations without a matching route: {missing:?}"
        );
        // Where GEN documents a body, ace documents one too (and every test checks bodies
        // against both).
        for (_, _, id) in &delivered {
            for status in gens.success_bodies(id) {
                let schema = doc["paths"]
                    .as_object()
                    .unwrap()
                    .values()
                    .flat_map(|item| item.as_object().unwrap().values())
                    .find(|operation| operation["operationId"] == id.as_str())
                    .and_then(|operation| {
                        operation["responses"][status.to_string()]
                            .pointer("/content/application~1json/schema")
                    });
                assert!(
                    schema.is_some(),
                    "GEN documents a {status} body for {id}; ace's document does not"
                );
            }
        }
    }
}

/// A path with its parameter names blanked: `/v1/agents/{}/avatars`.
fn shape(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            if segment.starts_with('{') {
                "{}"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}
