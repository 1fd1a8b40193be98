//! ace's HTTP edge. [`router`] builds the whole service: the `/v1` API (authenticated, with
//! GEN's transport habits built into the extractors), the operational routes, and the
//! middleware every request passes (request ids, tracing, metrics, error envelopes). Business
//! rules live in `ace-app`; this crate only translates.

pub mod dto;
pub mod error;
pub mod extract;
#[cfg(feature = "mcp")]
pub mod mcp;
pub mod middleware;
pub mod openapi;
pub mod router;
pub mod routes;
pub mod state;

pub use router::router;
pub use state::{ApiState, EdgeSettings};
