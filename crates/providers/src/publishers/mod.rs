//! Where finished videos go: the adapters of social platforms' posting APIs. Each speaks its
//! platform's wire format (OAuth grants, uploads, post status) and nothing more; which account
//! posts what, when, and with which stored token is `ace-app`'s to decide.

pub mod tiktok;
