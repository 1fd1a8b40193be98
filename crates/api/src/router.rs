//! Every route of ace, in one table.

use std::sync::Arc;
use std::time::Duration;

use ace_app::ErrorCode;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Request, StatusCode, header};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::envelope;
use crate::extract::body::parse_body;
use crate::middleware::{auth::authenticate, envelope::ensure_envelope, metrics::track};
use crate::openapi::ApiDoc;
use crate::routes::{
    agent_core, agent_profile, agent_runs, agents, asset_folders, asset_libraries, automation,
    avatars, cells, columns, content_resources, conversations, direct_uploads, generations,
    global_variables, ideas, knowledge, layers, me, ops, organizations, persisted_tokens,
    pipelines, renders, row_runs, rows, sheets, social_accounts, templates, user_jobs, voices,
    workspaces,
};
use crate::state::ApiState;

const REQUEST_ID: &str = "x-request-id";
/// The longest a request may run before it is cancelled.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);

/// The `/v1` API except streaming uploads, with its OpenAPI description.
fn api() -> OpenApiRouter<ApiState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        // Discovery
        .routes(routes!(me::show::get_me))
        .routes(routes!(workspaces::list::list_workspaces))
        // Organizations
        .routes(routes!(
            organizations::list::list_organizations,
            organizations::create::create_organization
        ))
        .routes(routes!(
            organizations::show::get_organization,
            organizations::update::update_organization,
            organizations::delete::delete_organization
        ))
        // API keys
        .routes(routes!(
            persisted_tokens::list::list_api_keys,
            persisted_tokens::create::create_api_key
        ))
        .routes(routes!(persisted_tokens::update::update_api_key))
        .routes(routes!(persisted_tokens::revoke::revoke_api_key))
        .routes(routes!(persisted_tokens::revoke_all::revoke_all_api_keys))
        // Agents
        .routes(routes!(
            agents::list::list_agents,
            agents::create::create_agent
        ))
        .routes(routes!(
            agents::show::get_agent,
            agents::update::update_agent,
            agents::delete::delete_agent
        ))
        .routes(routes!(
            avatars::list::list_agent_avatars,
            avatars::create::create_agent_avatar
        ))
        .routes(routes!(
            avatars::set_primary::set_primary_avatar,
            avatars::delete::delete_agent_avatar
        ))
        // Agent core
        .routes(routes!(
            agent_core::show::get_agent_core,
            agent_core::update::patch_agent_core
        ))
        .routes(routes!(agent_core::add_inspiration::add_agent_inspiration))
        .routes(routes!(
            agent_core::remove_inspiration::remove_agent_inspiration
        ))
        .routes(routes!(agent_core::add_account::add_agent_account))
        .routes(routes!(agent_core::remove_account::remove_agent_account))
        // Agent voice
        .routes(routes!(voices::library::list_agent_voices))
        .routes(routes!(
            voices::elevenlabs_status::get_elevenlabs_integration_status,
            voices::connect_elevenlabs::connect_elevenlabs,
            voices::disconnect_elevenlabs::disconnect_elevenlabs
        ))
        .routes(routes!(voices::test_elevenlabs::test_elevenlabs_key))
        .routes(routes!(voices::generate_script::generate_voice_script))
        .routes(routes!(
            voices::generate_description::generate_voice_description
        ))
        .routes(routes!(voices::generate_samples::generate_voice_samples))
        .routes(routes!(voices::finalize_design::finalize_designed_voice))
        .routes(routes!(voices::clone::clone_voice))
        .routes(routes!(voices::delete::delete_agent_voice))
        .routes(routes!(voices::preview::preview_voice))
        .routes(routes!(voices::preview_status::get_voice_preview_status))
        // Legacy agent profile
        .routes(routes!(
            agent_profile::show::get_agent_profile,
            agent_profile::create::create_agent_profile,
            agent_profile::update::update_agent_profile,
            agent_profile::delete::delete_agent_profile
        ))
        // Files
        .routes(routes!(
            content_resources::show::get_content_resource,
            content_resources::update::update_content_resource,
            content_resources::delete::delete_content_resource
        ))
        .routes(routes!(asset_libraries::list::list_asset_libraries))
        .routes(routes!(asset_folders::create::create_asset_folder))
        .routes(routes!(
            asset_folders::update::update_asset_folder,
            asset_folders::delete::delete_asset_folder
        ))
        .routes(routes!(direct_uploads::create::create_direct_upload))
        // Templates
        .routes(routes!(templates::list::list_templates))
        .routes(routes!(templates::show::get_template))
        .routes(routes!(templates::clone::clone_template))
        // Engines
        .routes(routes!(sheets::create::create_sheet))
        .routes(routes!(sheets::show::get_sheet))
        .routes(routes!(sheets::clone::clone_sheet))
        // Rows
        .routes(routes!(rows::list::list_rows, rows::create::create_row))
        .routes(routes!(rows::show::get_row, rows::delete::delete_row))
        .routes(routes!(rows::duplicate::duplicate_row))
        .routes(routes!(rows::update_positions::update_row_positions))
        .routes(routes!(rows::mass_update::mass_update_rows))
        // Columns
        .routes(routes!(
            columns::list::list_columns,
            columns::create::create_column
        ))
        .routes(routes!(
            columns::update::update_column,
            columns::delete::delete_column
        ))
        .routes(routes!(columns::duplicate::duplicate_column))
        .routes(routes!(columns::update_positions::update_column_positions))
        .routes(routes!(columns::mass_update::mass_update_columns))
        // Cells
        .routes(routes!(cells::show::get_cell, cells::update::update_cell))
        .routes(routes!(cells::mass_update::mass_update_cells))
        .routes(routes!(cells::set_default_user_job::set_default_user_job))
        // Layers
        .routes(routes!(layers::create::create_layer))
        .routes(routes!(
            layers::show::get_layer,
            layers::update::update_layer,
            layers::delete::delete_layer
        ))
        .routes(routes!(layers::duplicate::duplicate_layer))
        .routes(routes!(layers::update_positions::update_layer_positions))
        // Global variables
        .routes(routes!(
            global_variables::show::get_global_variables,
            global_variables::create::create_global_variable
        ))
        .routes(routes!(
            global_variables::update::update_global_variable,
            global_variables::delete::delete_global_variable
        ))
        .routes(routes!(global_variables::import::import_global_variables))
        .routes(routes!(
            global_variables::template::download_variables_template
        ))
        // Generations
        .routes(routes!(
            generations::generate_on_cell::generate_cell_content
        ))
        .routes(routes!(
            generations::generate_on_layer::generate_layer_content
        ))
        .routes(routes!(generations::show::get_generation))
        .routes(routes!(generations::stop::stop_generation))
        .routes(routes!(generations::resume::continue_generation))
        // Renders
        .routes(routes!(renders::render_cell::render_video))
        .routes(routes!(
            renders::list_jobs::list_remotion_jobs,
            renders::create_job::create_remotion_job
        ))
        // Row runs
        .routes(routes!(row_runs::run_row::run_row))
        .routes(routes!(row_runs::show::get_row_run))
        .routes(routes!(row_runs::stop::stop_row_run))
        .routes(routes!(row_runs::run_rows::run_rows))
        .routes(routes!(row_runs::show_batch::get_row_run_batch))
        .routes(routes!(row_runs::stop_batch::stop_row_run_batch))
        // Automation
        .routes(routes!(
            automation::show::get_automation_config,
            automation::update::update_automation_config
        ))
        .routes(routes!(automation::test_webhook::test_webhook))
        .routes(routes!(automation::test_callback::test_callback))
        .routes(routes!(automation::rotate_secret::rotate_automation_secret))
        .routes(routes!(automation::deliveries::list_automation_deliveries))
        // User jobs: content monitoring
        .routes(routes!(
            user_jobs::list::list_user_jobs,
            user_jobs::create::create_user_job
        ))
        .routes(routes!(
            user_jobs::show::get_user_job,
            user_jobs::update::update_monitoring_job,
            user_jobs::cancel::cancel_user_job
        ))
        // Publishing
        .routes(routes!(social_accounts::connect::connect_tiktok_account))
        .routes(routes!(social_accounts::list::list_social_accounts))
        .routes(routes!(social_accounts::update::update_social_account))
        .routes(routes!(content_resources::check::check_content_resource))
        // Pipelines
        .routes(routes!(
            pipelines::list::list_pipelines,
            pipelines::create::create_pipeline
        ))
        .routes(routes!(pipelines::test_prompt::run_pipeline_test_prompt))
        .routes(routes!(
            pipelines::show::get_pipeline,
            pipelines::update::update_pipeline,
            pipelines::delete::delete_pipeline
        ))
        .routes(routes!(pipelines::create_action::create_pipeline_action))
        .routes(routes!(
            pipelines::show_action::get_pipeline_action,
            pipelines::update_action::update_pipeline_action,
            pipelines::delete_action::delete_pipeline_action
        ))
        .routes(routes!(
            pipelines::list_runs::list_pipeline_runs,
            pipelines::start_run::create_pipeline_run
        ))
        .routes(routes!(pipelines::show_run::get_pipeline_run))
        .routes(routes!(pipelines::cancel_run::cancel_pipeline_run))
        .routes(routes!(
            knowledge::show_monitoring::get_core_monitoring,
            knowledge::set_monitoring::set_core_monitoring
        ))
        .routes(routes!(ideas::list::list_ideas))
        .routes(routes!(ideas::cycle_status::cycle_idea_status))
        .routes(routes!(ideas::set_status::set_idea_status))
        .routes(routes!(ideas::delete::delete_idea))
        .routes(routes!(ideas::make_vidsheet::make_idea_vidsheet))
        .routes(routes!(agent_runs::start::start_agent_run))
        .routes(routes!(agent_runs::research::run_research))
        .routes(routes!(agent_runs::show::get_agent_run))
        .routes(routes!(agent_runs::approve::approve_agent_action))
        .routes(routes!(agent_runs::cancel::cancel_agent_run))
        .routes(routes!(conversations::list::list_conversations))
        .routes(routes!(
            conversations::show::get_conversation,
            conversations::update::update_conversation,
            conversations::delete::delete_conversation
        ))
        .routes(routes!(conversations::messages::list_conversation_messages))
        .routes(routes!(conversations::runs::list_conversation_runs))
        .routes(routes!(knowledge::search_posts::search_knowledge_posts))
        .routes(routes!(knowledge::top_comments::top_knowledge_comments))
        .routes(routes!(
            knowledge::search_findings::search_knowledge_findings
        ))
}

/// Live streams: no request timeout.
fn streams() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new()
        .routes(routes!(generations::events::follow_generation))
        .routes(routes!(row_runs::events::follow_row_run))
        .routes(routes!(pipelines::follow_run::follow_pipeline_run))
}

/// Live streams whose link is their credential: no key, no request timeout.
fn keyless_streams() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new().routes(routes!(agent_runs::stream::follow_agent_run))
}

/// Redirects whose one-time state is their credential: no key.
fn redirects() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new().routes(routes!(social_accounts::callback::tiktok_callback))
}

/// Webhooks whose signed URL is their credential: no key; small JSON bodies.
fn hooks() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new().routes(routes!(pipelines::webhook::fire_pipeline_webhook))
}

/// The largest body a webhook may bring.
const HOOK_BODY_LIMIT: usize = 64 * 1024;

/// The `/v1` routes that stream uploads: no request timeout, and the file size limit.
fn uploads() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new()
        .routes(routes!(
            content_resources::list::list_content_resources,
            content_resources::create::create_content_resource
        ))
        .routes(routes!(knowledge::import::import_knowledge))
}

/// ace's OpenAPI document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api()
        .merge(uploads())
        .merge(streams())
        .merge(keyless_streams())
        .merge(redirects())
        .merge(hooks())
        .split_for_parts()
        .1
}

/// The whole HTTP service.
pub fn router(state: ApiState) -> Router {
    router_with(state, Router::new())
}

/// The whole HTTP service with `pages` (the console) beside the API, behind the same request
/// ids, tracing, panic catching and metrics.
pub fn router_with(state: ApiState, pages: Router) -> Router {
    let (core, mut doc) = api().split_for_parts();
    let (uploads, upload_doc) = uploads().split_for_parts();
    doc.merge(upload_doc);
    let (streams, stream_doc) = streams().split_for_parts();
    doc.merge(stream_doc);
    let (keyless, keyless_doc) = keyless_streams().split_for_parts();
    doc.merge(keyless_doc);
    let (redirects, redirect_doc) = redirects().split_for_parts();
    doc.merge(redirect_doc);
    let (hooks, hook_doc) = hooks().split_for_parts();
    doc.merge(hook_doc);
    let hooks = hooks
        .route_layer(from_fn_with_state(state.clone(), parse_body))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(DefaultBodyLimit::max(HOOK_BODY_LIMIT));
    let redirects = redirects.layer(TimeoutLayer::with_status_code(
        StatusCode::REQUEST_TIMEOUT,
        REQUEST_TIMEOUT,
    ));
    let document: Arc<str> = doc
        .to_json()
        .expect("the OpenAPI document serialises")
        .into();
    let upload_limit = state.settings.max_upload_bytes;
    // Multipart framing and the other fields come on top of the file itself.
    let file_limit = usize::try_from(state.settings.max_file_bytes)
        .unwrap_or(usize::MAX)
        .saturating_add(16 * 1024 * 1024);
    let core = core
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(DefaultBodyLimit::max(upload_limit));
    let v1 = core
        .merge(uploads.layer(DefaultBodyLimit::max(file_limit)))
        .merge(streams)
        .route_layer(from_fn_with_state(state.clone(), parse_body))
        .route_layer(from_fn_with_state(state.clone(), authenticate));
    #[cfg(feature = "mcp")]
    let reference = document.clone();
    let ops = Router::new()
        .route("/healthz", get(ops::health::healthz))
        .route("/readyz", get(ops::health::readyz))
        .route("/metrics", get(ops::metrics::render_metrics))
        .route(
            "/openapi.json",
            get(move || {
                let document = document.clone();
                async move {
                    (
                        [(header::CONTENT_TYPE, "application/json")],
                        document.to_string(),
                    )
                }
            }),
        )
        .route("/files/{*key}", get(ops::files::get_file))
        // The signed URL is the credential here, as with an S3 presigned URL.
        .route(
            "/v1/direct_uploads/{token}",
            put(direct_uploads::receive::receive_direct_upload),
        )
        .layer(DefaultBodyLimit::max(file_limit));
    let request_id = HeaderName::from_static(REQUEST_ID);
    #[cfg(feature = "mcp")]
    let ops = ops.merge(
        Router::new()
            .route_service("/mcp", crate::mcp::http_service(state.clone(), reference))
            .layer(from_fn_with_state(state.clone(), authenticate)),
    );
    Router::new()
        .merge(v1)
        .merge(ops)
        .merge(keyless)
        .merge(redirects)
        .merge(hooks)
        .with_state(state)
        .merge(pages)
        .fallback(no_route)
        .method_not_allowed_fallback(wrong_method)
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
                .layer(SetSensitiveRequestHeadersLayer::new([header::AUTHORIZATION, HeaderName::from_static("x-api-key")]))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(|request: &Request<_>| {
                            let id = request.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
                            tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id = %id)
                        })
                        .on_response(DefaultOnResponse::new().level(Level::DEBUG)),
                )
                .layer(PropagateRequestIdLayer::new(request_id))
                .layer(CatchPanicLayer::custom(|_| panic_response()))
                .layer(from_fn(ensure_envelope))
                .layer(from_fn(track)),
        )
}

async fn no_route() -> Response {
    envelope(
        StatusCode::NOT_FOUND,
        "No route matches this path.",
        ErrorCode::NotFound.as_str(),
    )
}

async fn wrong_method() -> Response {
    envelope(
        StatusCode::METHOD_NOT_ALLOWED,
        "This path does not accept this HTTP method.",
        ErrorCode::MethodNotAllowed.as_str(),
    )
}

fn panic_response() -> Response {
    tracing::error!("a handler panicked");
    envelope(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong on our side. Try again; if it persists, report the request id.",
        ErrorCode::InternalError.as_str(),
    )
    .into_response()
}
