//! The MCP server: lists the tools of [`super::tools::ALL`] and runs them for the caller. Over
//! HTTP the caller is the one the auth middleware put in the request; over stdio it is fixed
//! when the server starts. A tool's failure is a result with `isError` carrying GEN's envelope
//! (`{"error", "error_code"}`), never a protocol error.

use std::sync::Arc;

use ace_app::Actor;
use rmcp::model::RequestParamsMeta;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    ListResourcesResult, ListToolsResult, PaginatedRequestParams, ReadResourceRequestParams,
    ReadResourceResponse, ServerCapabilities, ServerConfig, Tool as ToolDefinition,
};
use rmcp::service::{MaybeSendFuture, RequestContext, RoleServer};
use rmcp::{ErrorData, ServerHandler};
use serde_json::json;

use super::catalogue::{Call, Tool};
use super::tools::ALL;
use super::{progress, resources};
use crate::error::ApiError;
use crate::state::ApiState;

/// ace's MCP server for one transport.
#[derive(Clone)]
pub struct McpServer {
    state: ApiState,
    /// ace's OpenAPI document, served as the API reference resource.
    reference: Arc<str>,
    /// The caller over stdio; over HTTP, `None` (each request brings its own).
    caller: Option<Actor>,
}

impl McpServer {
    /// A server whose callers come with each HTTP request.
    pub fn per_request(state: ApiState, reference: Arc<str>) -> Self {
        Self {
            state,
            reference,
            caller: None,
        }
    }

    /// A server for one caller (stdio).
    pub fn for_caller(state: ApiState, reference: Arc<str>, caller: Actor) -> Self {
        Self {
            state,
            reference,
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

/// A request with no caller (never so behind the auth middleware).
fn unauthenticated() -> ErrorData {
    ErrorData::invalid_request("Authentication required.", None)
}

/// A tool's failure as GEN's envelope, in an `isError` result.
fn failure(err: &ApiError) -> CallToolResult {
    let envelope = json!({"error": err.0.message, "error_code": err.0.code.as_str()});
    CallToolResult::error(vec![ContentBlock::text(envelope.to_string())])
}

impl ServerHandler for McpServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .build(),
        )
        .with_server_info(Implementation::new("ace", env!("CARGO_PKG_VERSION")))
        .with_instructions(
            "ace, a self-hosted GEN Auto Content Engine. Tools named gen_* are GEN's, with \
                 GEN's arguments; ace_* tools are ace's own. Long jobs return an id at once: \
                 poll gen_get_generation or gen_get_run_status. The API reference and the \
                 template library are resources.",
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

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        let actor = self.caller_of(&context).ok_or_else(unauthenticated)?;
        let listed = resources::listed(&self.state, &actor).await?;
        Ok(ListResourcesResult::with_all_items(listed))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let actor = self.caller_of(&context).ok_or_else(unauthenticated)?;
        let read = resources::read(&self.state, &actor, &self.reference, &request.uri).await?;
        Ok(read.into())
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
        let token = request
            .progress_token()
            .or_else(|| context.meta.get_progress_token());
        let args = request.arguments.unwrap_or_default();
        if let Err(err) = tool.check(&args) {
            return Ok(failure(&err).into());
        }
        let call = Call {
            state: self.state.clone(),
            actor: actor.clone(),
            args: args.clone(),
        };
        let answered = match (tool.run)(call).await {
            Ok(value) => value,
            Err(err) => {
                if err.0.kind == ace_app::ErrorKind::Internal {
                    tracing::error!(tool = tool.name, cause = ?err.0.source, "a tool failed: {}", err.0.message);
                }
                return Ok(failure(&err).into());
            }
        };
        let answered = match (progress::of(tool.name), token) {
            (Some(follow), Some(token)) => {
                let listener = progress::Listener {
                    peer: context.peer.clone(),
                    token,
                    cancelled: context.ct.clone(),
                };
                progress::follow(follow, (&self.state, &actor), &args, answered, &listener).await
            }
            _ => answered,
        };
        let result = CallToolResult::success(vec![ContentBlock::text(
            serde_json::to_string_pretty(&answered).unwrap_or_default(),
        )]);
        Ok(result.into())
    }
}
