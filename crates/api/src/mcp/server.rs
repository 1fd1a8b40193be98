//! The MCP server: lists the tools of [`super::tools::ALL`] and runs them for the caller. Over
//! HTTP the caller is the one the auth middleware put in the request; over stdio it is fixed
//! when the server starts. A tool's failure is a result with `isError` carrying GEN's envelope
//! (`{"error", "error_code"}`), never a protocol error.

use std::sync::Arc;

use ace_app::Actor;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    ListToolsResult, PaginatedRequestParams, ServerCapabilities, ServerConfig,
    Tool as ToolDefinition,
};
use rmcp::service::{MaybeSendFuture, RequestContext, RoleServer};
use rmcp::{ErrorData, ServerHandler};
use serde_json::json;

use super::catalogue::{Call, Tool};
use super::tools::ALL;
use crate::error::ApiError;
use crate::state::ApiState;

/// ace's MCP server for one transport.
#[derive(Clone)]
pub struct McpServer {
    state: ApiState,
    /// The caller over stdio; over HTTP, `None` (each request brings its own).
    caller: Option<Actor>,
}

impl McpServer {
    /// A server whose callers come with each HTTP request.
    pub fn per_request(state: ApiState) -> Self {
        Self {
            state,
            caller: None,
        }
    }

    /// A server for one caller (stdio).
    pub fn for_caller(state: ApiState, caller: Actor) -> Self {
        Self {
            state,
            caller: Some(caller),
        }
    }

    fn caller_of(&self, context: &RequestContext<RoleServer>) -> Option<Actor> {
        if let Some(caller) = &self.caller {
            return Some(caller.clone());
        }
        context
            .extensions
            .get::<axum::http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<Actor>())
            .cloned()
    }
}

fn definition(tool: &Tool) -> ToolDefinition {
    ToolDefinition::new(tool.name, tool.description(), Arc::new(tool.input_schema()))
}

/// A tool's failure as GEN's envelope, in an `isError` result.
fn failure(err: &ApiError) -> CallToolResult {
    let envelope = json!({"error": err.0.message, "error_code": err.0.code.as_str()});
    CallToolResult::error(vec![ContentBlock::text(envelope.to_string())])
}

impl ServerHandler for McpServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("ace", env!("CARGO_PKG_VERSION")))
            .with_instructions(
                "ace, a self-hosted GEN Auto Content Engine. Tools named gen_* are GEN's, with \
                 GEN's arguments; ace_* tools are ace's own. Long jobs return an id at once: \
                 poll gen_get_generation or gen_get_run_status.",
            )
    }

    fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> impl Future<Output = Result<ListToolsResult, ErrorData>> + MaybeSendFuture + '_ {
        std::future::ready(Ok(ListToolsResult::with_all_items(
            ALL.iter().copied().map(definition).collect(),
        )))
    }

    fn get_tool(&self, name: &str) -> Option<ToolDefinition> {
        ALL.iter()
            .copied()
            .find(|tool| tool.name == name)
            .map(definition)
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let Some(tool) = ALL.iter().copied().find(|tool| tool.name == request.name) else {
            return Err(ErrorData::invalid_params(
                format!("There is no tool named {}.", request.name),
                None,
            ));
        };
        let Some(actor) = self.caller_of(&context) else {
            let err = ApiError(ace_app::AppError::unauthorized("Authentication required."));
            return Ok(failure(&err).into());
        };
        let args = request.arguments.unwrap_or_default();
        if let Err(err) = tool.check(&args) {
            return Ok(failure(&err).into());
        }
        let call = Call {
            state: self.state.clone(),
            actor,
            args,
        };
        let result = match (tool.run)(call).await {
            Ok(value) => CallToolResult::success(vec![ContentBlock::text(
                serde_json::to_string_pretty(&value).unwrap_or_default(),
            )]),
            Err(err) => {
                if err.0.kind == ace_app::ErrorKind::Internal {
                    tracing::error!(tool = tool.name, cause = ?err.0.source, "a tool failed: {}", err.0.message);
                }
                failure(&err)
            }
        };
        Ok(result.into())
    }
}
