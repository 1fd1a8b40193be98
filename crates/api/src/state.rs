//! What every handler can reach: the use-case context and the edge's own machinery.

use std::sync::Arc;

use ace_app::App;
use metrics_exporter_prometheus::PrometheusHandle;

use crate::middleware::rate_limit::RateLimiter;

/// Edge settings.
#[derive(Clone, Debug)]
pub struct EdgeSettings {
    /// The largest JSON or form body accepted.
    pub max_json_bytes: usize,
    /// The largest multipart body accepted by the avatar and organization endpoints.
    pub max_upload_bytes: usize,
    /// The largest file accepted as a content resource or direct upload.
    pub max_file_bytes: u64,
    /// Requests per minute per API key; `None` turns rate limiting off.
    pub rate_limit_per_minute: Option<u32>,
    /// The `Host` names `/mcp` answers (a guard against DNS rebinding).
    pub mcp_allowed_hosts: Vec<String>,
    /// The browser origins `/mcp` answers (`scheme://host:port`, `:*` for any port); a request
    /// with any other `Origin` is refused, one with none (a desktop client) is not.
    pub mcp_allowed_origins: Vec<String>,
}

impl Default for EdgeSettings {
    fn default() -> Self {
        Self {
            max_json_bytes: 1024 * 1024,
            max_upload_bytes: 64 * 1024 * 1024,
            max_file_bytes: 1024 * 1024 * 1024,
            rate_limit_per_minute: Some(1_200),
            mcp_allowed_hosts: ["localhost", "127.0.0.1", "::1"].map(String::from).to_vec(),
            mcp_allowed_origins: Vec::new(),
        }
    }
}

/// Shared state of the router.
#[derive(Clone)]
pub struct ApiState {
    pub app: App,
    pub settings: Arc<EdgeSettings>,
    pub(crate) limiter: Option<Arc<RateLimiter>>,
    pub(crate) metrics: PrometheusHandle,
}

impl ApiState {
    pub fn new(app: App, settings: EdgeSettings) -> Self {
        let limiter = settings
            .rate_limit_per_minute
            .map(|per_minute| Arc::new(RateLimiter::per_minute(per_minute)));
        Self {
            app,
            settings: Arc::new(settings),
            limiter,
            metrics: crate::middleware::metrics::handle(),
        }
    }
}
