//! ace's network adapters, apart from the API itself. [`hosted_api`] calls the hosted services
//! an operator configures (providers, sources) with their keys; [`outbound`] reaches URLs users give
//! (webhooks, callbacks, media to fetch) without reaching private addresses or following
//! redirects; [`webhook_signature`] signs deliveries the Standard Webhooks way;
//! [`signed_tokens`] makes the ids and URLs ace hands out provable without a lookup.
//!
//! It imports no other ace crate: the use cases (`ace-app`) call it, never the reverse.

pub mod hosted_api;
pub mod outbound;
pub mod signed_tokens;
pub mod webhook_signature;
