//! Test support for ace. [`TestApp`] starts the real server (the same start-up as `ace
//! serve`, bootstrap included) on port 0 against a fresh database: SQLite in a temporary
//! directory, or a new PostgreSQL database when `ACE_TEST_DATABASE_URL` is set. Typed
//! [`Client`]s call it over HTTP; [`Contract`] checks bodies against ace's own OpenAPI and, when
//! it is at hand, GEN's;
//! [`image`], [`mp3`], [`mp4`], [`wav`] and [`zip`] make files to upload. Test generators stand in
//! for providers, a [`ProviderApi`] stands in for a provider's HTTP API, and a
//! [`WebhookSink`] receives deliveries.

mod app;
mod client;
mod contract;
mod database;
mod generators;
mod media;
mod provider_api;
mod s3;
mod sink;
mod words;

pub use app::{Member, OtherProcess, TestApp, TestAppBuilder};
pub use client::{Client, Reply};
pub use contract::{Contract, GenContract};
pub use database::TestDatabase;
pub use generators::{
    CountsOverlap, Echoes, FailsThenWrites, HangsOnce, PanicsOnce, SleepsInAChild, Writes,
};
pub use media::{image, mp3, mp4, wav, zip};
pub use provider_api::{ProviderApi, Seen, reply_bytes, reply_json};
pub use s3::{S3_ENDPOINT, fresh_bucket, s3_endpoint};
pub use sink::{Received, WebhookSink};
pub use words::plain_words;
