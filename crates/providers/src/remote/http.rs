//! Calling a provider's HTTP API. The client itself ([`Service`], [`CallError`]) is
//! `ace_net::hosted_api`, shared with the sources of social content; this module says what a
//! failed call means to a generation.

use std::time::Duration;

pub use ace_net::hosted_api::{CallError, Service};

use super::config::Connection;
use crate::ProviderError;

/// The longest wait a `Retry-After` is honoured for before the error is returned.
const MAX_RATE_LIMIT_WAIT: Duration = Duration::from_secs(60);

impl From<CallError> for ProviderError {
    fn from(err: CallError) -> Self {
        if err.is_transient() {
            ProviderError::Transient(err.to_string())
        } else {
            ProviderError::Permanent(err.to_string())
        }
    }
}

/// A failed call as a generation's error. A rate limit's `Retry-After` (up to a minute) is
/// waited out first, so the job engine's retry comes after it.
pub async fn generation_error(err: CallError) -> ProviderError {
    if let CallError::RateLimited {
        retry_after: Some(wait),
        ..
    } = &err
    {
        tokio::time::sleep((*wait).min(MAX_RATE_LIMIT_WAIT)).await;
    }
    err.into()
}

/// The service a provider's configuration describes.
pub fn configured(provider: &str, connection: &Connection) -> Result<Service, String> {
    Service::new(
        provider,
        &connection.base_url,
        connection.auth_header.as_deref(),
        connection.timeout(),
    )
}
