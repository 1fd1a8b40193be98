//! ace's MCP server (behind the default `mcp` feature). GEN's `gen_*` tools, with the names and
//! arguments of GEN's own MCP server, and ace's `ace_*` tools, each running the REST route's
//! handler in-process. Served over streamable HTTP at `/mcp` (stateless: any process behind a
//! load balancer answers any request) and over stdio by `ace mcp`.

pub mod catalogue;
mod progress;
mod resources;
mod server;
pub mod tools;

use std::sync::Arc;

use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};

pub use server::McpServer;

use crate::state::ApiState;

/// The `/mcp` service: stateless streamable HTTP answering with JSON where it can. Callers are
/// authenticated before it (the route sits behind the auth middleware); it answers only the
/// configured `Host` names (a guard against DNS rebinding) and browser origins (any other
/// `Origin` is refused); `reference` is the OpenAPI document served as a resource.
pub fn http_service(
    state: ApiState,
    reference: Arc<str>,
) -> StreamableHttpService<McpServer, NeverSessionManager> {
    let config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_allowed_hosts(state.settings.mcp_allowed_hosts.clone())
        .with_allowed_origins(state.settings.mcp_allowed_origins.clone())
        .enforce_origin_validation();
    StreamableHttpService::new(
        move || Ok(McpServer::per_request(state.clone(), reference.clone())),
        Arc::new(NeverSessionManager::default()),
        config,
    )
}
