//! GEN's own clients, as they really call: the TypeScript SDK
//! (`@poweredbygen/autocontentengine-sdk`) and the MCP server (`@poweredbygen/gen-mcp-server`).
//! Neither is in the npm registry this project can reach, so these tests send what their
//! sources (`src/index.ts` of `poweredbyGEN/autocontentengine-sdk` and
//! `poweredbyGEN/autocontentengine-mcp-server`) send: every method and tool whose endpoint ace
//! has, with the client's path, query, wrapper, field names, id types and generation type names,
//! `X-API-Key` and `Content-Type: application/json` on every request (a GET or a body-less POST
//! included). Each answer is checked against the contract and for the fields the client reads.
//! The two often differ: the SDK puts `agent_id` in the query and wraps bodies, the MCP server
//! sends no query and puts `agent_id` (always a string) at the top level.
//!
//! This is the test that keeps "drop-in" true: when another difference turns up, fix ace, add
//! its case here, and record it in `docs/API-CONVENTIONS.md`.

mod files;
mod generations;
mod setup;
mod vidsheets;
mod voices;

use std::sync::Arc;

use crate::harness::{Client, ProviderApi, Reply, TestApp, Writes, reply_bytes, reply_json};
use ace_domain::credits::Credits;
use ace_domain::sheet::card::GenerationType;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use md5::{Digest, Md5};
use reqwest::Method;
use serde_json::{Value, json};

use crate::contract;
use crate::harness::id;

/// One of GEN's clients, calling ace as its base URL (`http://host:port/v1`).
struct Gen<'a> {
    client: &'a Client,
}

impl Gen<'_> {
    /// Sends `body` as the client serialises it (none when the client passes none), with the
    /// JSON content type always, and checks the answer against the contract of `operation`.
    async fn send(
        &self,
        operation: &str,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Reply {
        let reply = self.client.send(method, &format!("/v1{path}"), body).await;
        contract().assert_conforms(operation, reply.status, &reply.body);
        reply
    }

    async fn get(&self, operation: &str, path: &str) -> Reply {
        self.send(operation, Method::GET, path, None).await
    }

    async fn delete(&self, operation: &str, path: &str) -> Reply {
        self.send(operation, Method::DELETE, path, None).await
    }

    async fn post(&self, operation: &str, path: &str, body: Value) -> Reply {
        self.send(operation, Method::POST, path, Some(body)).await
    }

    async fn patch(&self, operation: &str, path: &str, body: Value) -> Reply {
        self.send(operation, Method::PATCH, path, Some(body)).await
    }

    async fn put(&self, operation: &str, path: &str, body: Value) -> Reply {
        self.send(operation, Method::PUT, path, Some(body)).await
    }
}

/// Panics unless every dotted path (`agent.id`, `voices.*.voice_id`, `0.id`) names a value
/// that is not `null` in the body: the fields the client reads. `*` means every item of a
/// list, which must not be empty.
#[track_caller]
fn reads(reply: &Reply, paths: &[&str]) {
    for path in paths {
        let mut values = vec![&reply.body];
        for segment in path.split('.') {
            values = values
                .into_iter()
                .flat_map(|value| -> Vec<&Value> {
                    match (segment, value) {
                        ("*", Value::Array(items)) => {
                            assert!(!items.is_empty(), "{path}: an empty list in {}", reply.text);
                            items.iter().collect()
                        }
                        (index, Value::Array(items)) if index.parse::<usize>().is_ok() => items
                            .get(index.parse::<usize>().unwrap())
                            .into_iter()
                            .collect(),
                        (key, value) => value.get(key).into_iter().collect(),
                    }
                })
                .collect();
        }
        assert!(
            !values.is_empty() && values.iter().all(|value| !value.is_null()),
            "the client reads {path}, which is missing: {}",
            reply.text
        );
    }
}

/// An image served from a stand-in web server, for avatars given by URL.
async fn image_host() -> ProviderApi {
    ProviderApi::start(|seen, _| match seen.path.as_str() {
        "/face.png" => reply_bytes("image/png", crate::harness::image("png", 64, 64)),
        "/other.png" => reply_bytes("image/png", crate::harness::image("png", 48, 80)),
        _ => reply_json(404, &json!({"error": "not found"})),
    })
    .await
}

/// An engine with a text column HOOK, an image column STILL and one row: `(sheet, row)`, the
/// row read whole.
async fn generation_sheet(caller: &Gen<'_>, agent: i64) -> (i64, Value) {
    let sheet = caller
        .post(
            "createSheet",
            &format!("/autocontentengine?agent_id={agent}"),
            json!({"spreadsheet": {"title": "Clients"}}),
        )
        .await
        .expect(201);
    let sheet = id(&sheet.body);
    for (title, kind) in [("HOOK", "text"), ("STILL", "image")] {
        caller
            .post(
                "createColumn",
                &format!("/autocontentengine/{sheet}/columns?agent_id={agent}"),
                json!({"spreadsheet_column": {"title": title, "type": kind}}),
            )
            .await
            .expect(201);
    }
    caller
        .post(
            "createRow",
            &format!("/autocontentengine/{sheet}/rows?agent_id={agent}"),
            json!({}),
        )
        .await
        .expect(201);
    let engine = caller
        .get(
            "getSheet",
            &format!("/autocontentengine/{sheet}?agent_id={agent}"),
        )
        .await
        .expect(200)
        .body;
    (sheet, engine)
}

/// Waits for a generation to end by following its event stream, then reads it as
/// `waitForGeneration` does.
async fn finished(caller: &Gen<'_>, generation: i64) -> Reply {
    caller
        .client
        .get(&format!("/v1/generations/{generation}/events"))
        .await
        .expect(200);
    let reply = caller
        .get("getGeneration", &format!("/generations/{generation}"))
        .await
        .expect(200);
    reads(&reply, &["id", "status", "user_job_type"]);
    reply
}
