//! `ace mcp`: ace's MCP server over stdio, for MCP clients that start a command (Claude Code's
//! `command` setups), configured as GEN's own MCP server is: `GEN_API_KEY`, and
//! `GEN_API_BASE_URL` for a server elsewhere. With a base URL it relays each message to that
//! server's `/mcp`; without, it opens the local data directory and serves the tools itself as
//! the key's owner, running jobs too (unless `ACE_SERVE_JOBS=false`). Only MCP goes to stdout;
//! logs go to stderr.

use ace_api::mcp::McpServer;
use ace_api::{ApiState, EdgeSettings};
use anyhow::{Context, bail};
use rmcp::ServiceExt;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use crate::config::Settings;
use crate::startup;

/// Serves MCP on stdin and stdout until stdin closes.
pub async fn run(settings: &Settings) -> anyhow::Result<()> {
    let key = std::env::var("GEN_API_KEY")
        .ok()
        .filter(|key| !key.trim().is_empty())
        .context("GEN_API_KEY must hold an ace API key (as for GEN's MCP server)")?;
    match std::env::var("GEN_API_BASE_URL")
        .ok()
        .filter(|url| !url.trim().is_empty())
    {
        Some(base) => relay(&endpoint_of(&base)?, key.trim()).await,
        None => serve_locally(settings, key.trim()).await,
    }
}

/// `/mcp` of the server whose API base is `base` (`http://host:8080/v1` or without `/v1`).
fn endpoint_of(base: &str) -> anyhow::Result<String> {
    let base = base.trim().trim_end_matches('/');
    let root = base.strip_suffix("/v1").unwrap_or(base);
    let url = url::Url::parse(&format!("{root}/mcp"))
        .with_context(|| format!("GEN_API_BASE_URL {base:?} is not a URL"))?;
    if !matches!(url.scheme(), "http" | "https") {
        bail!("GEN_API_BASE_URL must be an http(s) URL");
    }
    Ok(url.into())
}

/// Relays each JSON-RPC line from stdin to `endpoint` and writes what comes back to stdout,
/// one message a line (a streamed answer's events one by one).
async fn relay(endpoint: &str, key: &str) -> anyhow::Result<()> {
    let http = reqwest::Client::new();
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    let mut stdout = tokio::io::stdout();
    while let Some(line) = lines.next_line().await? {
        if line.trim().is_empty() {
            continue;
        }
        let response = http
            .post(endpoint)
            .header("x-api-key", key)
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .body(line.clone())
            .send()
            .await
            .with_context(|| format!("reaching {endpoint}"))?;
        let status = response.status();
        let streamed = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/event-stream"));
        let body = response.text().await?;
        let messages: Vec<String> = if streamed {
            body.lines()
                .filter_map(|line| line.strip_prefix("data:"))
                .map(|data| data.trim().to_owned())
                .filter(|data| !data.is_empty())
                .collect()
        } else if body.trim().is_empty() {
            Vec::new()
        } else if status.is_success() {
            vec![body.trim().to_owned()]
        } else {
            // The server refused the request itself (a bad key, say): answer the request's id
            // with the refusal, so the client does not wait forever.
            vec![refusal(&line, status.as_u16(), &body)]
        };
        for message in messages {
            stdout.write_all(message.as_bytes()).await?;
            stdout.write_all(b"\n").await?;
        }
        stdout.flush().await?;
    }
    Ok(())
}

/// A JSON-RPC error answering `request` with the server's refusal.
fn refusal(request: &str, status: u16, body: &str) -> String {
    let id = serde_json::from_str::<serde_json::Value>(request)
        .ok()
        .and_then(|request| request.get("id").cloned())
        .unwrap_or(serde_json::Value::Null);
    let message = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|body| body["error"].as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("The server answered {status}."));
    serde_json::json!({"jsonrpc": "2.0", "id": id, "error": {"code": -32001, "message": message}})
        .to_string()
}

/// Serves the tools in this process, on the configured database, as the key's owner.
async fn serve_locally(settings: &Settings, key: &str) -> anyhow::Result<()> {
    let app = startup::command_context(settings).await?;
    let caller = ace_app::auth::authenticate_api_key(&app, key)
        .await
        .map_err(|err| anyhow::anyhow!("GEN_API_KEY: {}", err.message))?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let jobs = settings.jobs.serve_jobs.then(|| {
        let worker = startup::worker(&app, &settings.jobs);
        tokio::spawn(async move {
            worker
                .run(async {
                    let _ = stopped.await;
                })
                .await;
        })
    });
    let reference: std::sync::Arc<str> = ace_api::router::openapi()
        .to_json()
        .context("writing the API reference")?
        .into();
    let state = ApiState::new(app.clone(), EdgeSettings::default());
    let server = McpServer::for_caller(state, reference, caller)
        .serve(rmcp::transport::stdio())
        .await
        .context("starting MCP on stdio")?;
    let ended = server.waiting().await;
    drop(stop);
    if let Some(jobs) = jobs {
        let _ = jobs.await;
    }
    app.db().close().await;
    ended.context("serving MCP on stdio")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_endpoint_is_mcp_beside_the_api_base() {
        assert_eq!(
            endpoint_of("http://127.0.0.1:8080/v1").unwrap(),
            "http://127.0.0.1:8080/mcp"
        );
        assert_eq!(
            endpoint_of("https://ace.example.com/").unwrap(),
            "https://ace.example.com/mcp"
        );
        assert!(endpoint_of("ftp://x/v1").is_err());
    }

    #[test]
    fn a_refused_request_is_answered_with_its_id() {
        let answer = refusal(
            r#"{"jsonrpc":"2.0","id":7,"method":"tools/list"}"#,
            401,
            r#"{"error":"Invalid API key.","error_code":"unauthorized"}"#,
        );
        let answer: serde_json::Value = serde_json::from_str(&answer).unwrap();
        assert_eq!(answer["id"], 7);
        assert_eq!(answer["error"]["message"], "Invalid API key.");
    }
}
