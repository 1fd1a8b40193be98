//! Safe outbound HTTP for user-supplied URLs (webhooks, callbacks): URL checks, an address
//! filter against SSRF, and a locked-down `reqwest` client.
//!
//! Defence in depth, all three are needed:
//! 1. [`check_url`] before storing or calling a URL (scheme, credentials, IP literals, `localhost`);
//! 2. [`client`] with [`Reach::PublicOnly`], whose resolver drops non-public addresses at connect
//!    time (DNS rebinding) and which follows no redirects and ignores proxy settings;
//! 3. [`describe`] / [`describe_status`] to report failures without leaking internals.
//!
//! [`Fetch`] puts the three together for URLs whose content ace reads.

mod address;
mod client;
mod fetch;

pub use address::{Reach, UrlProblem, check_url, filter_public, is_public};
pub use client::{client, describe, describe_status};
pub use fetch::Fetch;
