//! ace's network adapters, apart from the API itself. [`outbound`] reaches URLs users give
//! (webhooks, callbacks, media to fetch) without reaching private addresses or following
//! redirects; [`webhook_signature`] signs deliveries the Standard Webhooks way;
//! [`signed_tokens`] makes the ids and URLs ace hands out provable without a lookup.
//!
//! It imports no other ace crate: the use cases (`ace-app`) call it, never the reverse.

pub mod outbound;
pub mod signed_tokens;
pub mod webhook_signature;
