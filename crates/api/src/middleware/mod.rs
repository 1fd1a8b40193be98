//! Middleware of the edge: authentication with rate limiting, the JSON body reader, request
//! metrics, and the safety net that turns any stray non-JSON error into GEN's envelope.

pub mod auth;
pub mod envelope;
pub mod metrics;
pub mod rate_limit;
