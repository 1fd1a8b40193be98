//! ace's MCP server: the tools GEN's MCP server has, under the same names and arguments,
//! answering as the REST routes do, for the caller only, over `/mcp` and over `ace mcp`
//! (stdio), both in-process on the data directory and relaying to a server.

mod agent_setup;
mod editing;
mod ideas;
mod progress;
mod resources;
mod runs;
mod setup;
mod tenancy;
mod vidsheets;

use std::collections::BTreeSet;
use std::process::Stdio;
use std::sync::{Arc, Mutex};

use ace_domain::sheet::card::GenerationType;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use md5::{Digest, Md5};
use reqwest::Method;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout};

use crate::harness::{AgentWriter, Client, Reply, TestApp};

/// An app whose text (agent runs included) is written by the scripted text model.
pub async fn scripted_app() -> TestApp {
    TestApp::builder()
        .generator(GenerationType::Text, Arc::new(AgentWriter))
        .spawn()
        .await
}

/// `base`'s arguments with `more`'s added (or replaced).
pub fn with(base: &Value, more: Value) -> Value {
    let mut args = base.clone();
    args.as_object_mut()
        .expect("arguments are an object")
        .extend(more.as_object().expect("arguments are an object").clone());
    args
}

/// An MCP client, over one transport.
pub struct Mcp {
    wire: Wire,
    next_id: Mutex<i64>,
    /// The tools called so far.
    pub called: Mutex<BTreeSet<String>>,
}

enum Wire {
    /// POSTs to `/mcp`, one request each.
    Http(Client),
    /// Lines to and from an `ace mcp` child.
    Stdio(Box<tokio::sync::Mutex<Pipe>>),
}

struct Pipe {
    _child: Child,
    input: ChildStdin,
    output: Lines<BufReader<ChildStdout>>,
}

impl Pipe {
    /// Writes one message, a line.
    async fn send(&mut self, message: &Value) {
        let line = format!("{message}\n");
        self.input.write_all(line.as_bytes()).await.unwrap();
        self.input.flush().await.unwrap();
    }
}

/// A tool's result: its JSON, and whether it is an error result.
#[derive(Debug)]
pub struct Called {
    pub is_error: bool,
    pub value: Value,
}

impl Called {
    fn from_result(result: &Value) -> Called {
        let text = result["content"][0]["text"].as_str().unwrap_or_default();
        Called {
            is_error: result["isError"] == true,
            value: serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned())),
        }
    }

    /// The value of a result that is not an error.
    #[track_caller]
    pub fn ok(self) -> Value {
        assert!(!self.is_error, "the tool failed: {}", self.value);
        self.value
    }

    /// GEN's error code of an error result.
    #[track_caller]
    pub fn error_code(&self) -> &str {
        assert!(self.is_error, "the tool succeeded: {}", self.value);
        self.value["error_code"].as_str().unwrap_or_default()
    }
}

/// How `ace mcp` reaches the tools.
#[derive(Clone, Copy, Debug)]
pub enum StdioMode {
    /// On the app's own database and data directory.
    InProcess,
    /// Relaying to the app's `/mcp`.
    Relay,
}

impl Mcp {
    fn with(wire: Wire) -> Mcp {
        Mcp {
            wire,
            next_id: Mutex::new(0),
            called: Mutex::new(BTreeSet::new()),
        }
    }

    /// A client of `/mcp` with `client`'s credential.
    pub fn http(client: &Client) -> Mcp {
        Mcp::with(Wire::Http(client.clone()))
    }

    /// An `ace mcp` child for `app`'s owner, initialized.
    pub async fn stdio(app: &TestApp, mode: StdioMode) -> Mcp {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_ace"));
        command
            .arg("--data-dir")
            .arg(app.data_dir())
            .arg("--database-url")
            .arg(app.database_url())
            // The server's own configuration, so the links it hands out are the same.
            .arg("--public-url")
            .arg(app.anonymous().url("").replace("127.0.0.1", "localhost"))
            .arg("mcp")
            .env_remove("ACE_DATABASE_URL")
            .env_remove("GEN_API_BASE_URL")
            // The test's own worker runs the jobs, with its scripted generators.
            .env("ACE_SERVE_JOBS", "false")
            .env("RUST_LOG", "warn")
            .env(
                "GEN_API_KEY",
                app.owner.client.key().expect("the owner's key"),
            )
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true);
        if let StdioMode::Relay = mode {
            command.env("GEN_API_BASE_URL", app.anonymous().url("/v1"));
        }
        let mut child = command.spawn().expect("starting ace mcp");
        let input = child.stdin.take().unwrap();
        let output = BufReader::new(child.stdout.take().unwrap()).lines();
        let mcp = Mcp::with(Wire::Stdio(Box::new(tokio::sync::Mutex::new(Pipe {
            _child: child,
            input,
            output,
        }))));
        mcp.result(
            "initialize",
            json!({"protocolVersion": "2025-06-18", "capabilities": {},
                "clientInfo": {"name": "ace-tests", "version": "1.0.0"}}),
        )
        .await;
        mcp.notify("notifications/initialized").await;
        mcp
    }

    fn next_id(&self) -> i64 {
        let mut next = self.next_id.lock().unwrap();
        *next += 1;
        *next
    }

    /// Posts one JSON-RPC request to `/mcp` and answers the HTTP reply (HTTP only).
    pub async fn post(&self, method: &str, params: Value) -> Reply {
        let Wire::Http(client) = &self.wire else {
            panic!("post is for /mcp");
        };
        let message =
            json!({"jsonrpc": "2.0", "id": self.next_id(), "method": method, "params": params});
        let response = client
            .request(Method::POST, "/mcp")
            .header("accept", "application/json, text/event-stream")
            .header("mcp-protocol-version", "2025-06-18")
            .json(&message)
            .send()
            .await
            .expect("the request reaches the server");
        Client::read(response).await
    }

    async fn notify(&self, method: &str) {
        if let Wire::Stdio(pipe) = &self.wire {
            let message = json!({"jsonrpc": "2.0", "method": method});
            pipe.lock().await.send(&message).await;
        }
    }

    /// The answer to one JSON-RPC request.
    pub async fn request(&self, method: &str, params: Value) -> Value {
        self.exchange(method, params).await.0
    }

    /// The answer to one JSON-RPC request, with the notifications sent before it.
    pub async fn exchange(&self, method: &str, params: Value) -> (Value, Vec<Value>) {
        match &self.wire {
            Wire::Http(_) => {
                let reply = self.post(method, params).await.expect(200);
                let streamed = reply
                    .headers
                    .get("content-type")
                    .is_some_and(|kind| kind.as_bytes().starts_with(b"text/event-stream"));
                if !streamed {
                    return (reply.body, Vec::new());
                }
                // An event stream: the notifications, then the answer.
                let mut messages: Vec<Value> = reply
                    .text
                    .lines()
                    .filter_map(|line| line.strip_prefix("data:"))
                    .filter(|data| !data.trim().is_empty())
                    .map(|data| serde_json::from_str(data.trim()).expect("each event is JSON"))
                    .collect();
                let answer = messages.pop().expect("the stream ends with the answer");
                (answer, messages)
            }
            Wire::Stdio(pipe) => {
                let id = self.next_id();
                let mut pipe = pipe.lock().await;
                pipe.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
                    .await;
                let mut notifications = Vec::new();
                loop {
                    let line = pipe
                        .output
                        .next_line()
                        .await
                        .unwrap()
                        .expect("ace mcp answers before it exits");
                    let message: Value = serde_json::from_str(&line)
                        .unwrap_or_else(|_| panic!("stdout holds only MCP messages: {line}"));
                    if message["id"] == id {
                        return (message, notifications);
                    }
                    notifications.push(message);
                }
            }
        }
    }

    /// The result of a JSON-RPC request that must succeed.
    pub async fn result(&self, method: &str, params: Value) -> Value {
        let answer = self.request(method, params).await;
        assert!(answer["error"].is_null(), "{answer}");
        answer["result"].clone()
    }

    /// Every tool the server lists.
    pub async fn tools(&self) -> Vec<Value> {
        self.result("tools/list", json!({})).await["tools"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Calls a tool.
    pub async fn call(&self, name: &str, arguments: Value) -> Called {
        self.called.lock().unwrap().insert(name.to_owned());
        let result = self
            .result("tools/call", json!({"name": name, "arguments": arguments}))
            .await;
        Called::from_result(&result)
    }

    /// Calls a tool asking for progress under `token`; answers the result and the progress
    /// notifications sent before it.
    pub async fn call_following(
        &self,
        name: &str,
        arguments: Value,
        token: &str,
    ) -> (Called, Vec<Value>) {
        let params = json!({"name": name, "arguments": arguments,
            "_meta": {"progressToken": token}});
        let (answer, notifications) = self.exchange("tools/call", params).await;
        assert!(answer["error"].is_null(), "{answer}");
        (Called::from_result(&answer["result"]), notifications)
    }

    /// A generation read with `gen_get_generation`, checked against its REST read.
    pub async fn generation(&self, client: &Client, id: &str) -> Value {
        let read = self
            .call("gen_get_generation", json!({"generation_id": id}))
            .await
            .ok();
        let rest = client
            .get(&format!("/v1/generations/{id}"))
            .await
            .expect(200);
        assert_eq!(read, rest.body);
        read
    }

    /// Uploads `bytes` as GEN's direct upload flow does: declared with
    /// `gen_create_direct_upload`, then PUT where it says; answers the upload's signed_id.
    pub async fn upload_directly(
        &self,
        filename: &str,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> Value {
        let ticket = self
            .call(
                "gen_create_direct_upload",
                json!({"filename": filename, "byte_size": bytes.len(),
                    "checksum": STANDARD.encode(Md5::digest(&bytes)), "content_type": content_type}),
            )
            .await
            .ok();
        let mut put = reqwest::Client::new().put(ticket["direct_upload"]["url"].as_str().unwrap());
        for (name, value) in ticket["direct_upload"]["headers"].as_object().unwrap() {
            put = put.header(name, value.as_str().unwrap());
        }
        let sent = put.body(bytes).send().await.unwrap();
        assert!(sent.status().is_success(), "{}", sent.status());
        ticket["signed_id"].clone()
    }

    /// Checks that every tool the server lists was called.
    pub async fn called_every_tool(&self) {
        let listed: BTreeSet<String> = self
            .tools()
            .await
            .iter()
            .map(|tool| tool["name"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(listed, *self.called.lock().unwrap());
    }
}
