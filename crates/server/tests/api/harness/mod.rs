//! The app harness the HTTP suite runs on. [`TestApp`] starts the real server (the same
//! start-up as `ace serve`, bootstrap included) on port 0 against a fresh database: SQLite in a
//! temporary directory, or a new PostgreSQL database when `ACE_TEST_DATABASE_URL` is set.
//! Typed [`Client`]s call it over HTTP; [`Contract`] checks bodies against ace's own OpenAPI
//! and, when it is at hand, GEN's; test generators stand in for providers. It sits above
//! `ace-fixtures` (databases, media files, provider APIs, webhook sinks), re-exported here.

mod app;
mod client;
mod contract;
mod elevenlabs;
mod factories;
mod follow;
mod generators;
mod sources;
mod tiktok;

pub use ace_fixtures::*;
pub use app::{Member, TestApp, TestAppBuilder};
pub use client::{Client, Reply};
pub use contract::Contract;
pub use elevenlabs::{GOOD_KEY, app_with, elevenlabs};
pub use factories::*;
pub use follow::{wait_for, wait_until_ended};
pub use generators::{
    AgentWriter, CallsOnce, CountsOverlap, Echoes, FailsThenWrites, HangsOnce, PanicsOnce,
    SleepsInAChild, Writes,
};
pub use sources::{Answer, ScriptedSource};
pub use tiktok::{StandInTikTok, TikTokState, USERNAME};

/// The storage config for a bucket made by [`fresh_bucket`].
pub fn bucket_storage(bucket: TestBucket) -> ace_storage::StorageConfig {
    ace_storage::StorageConfig::S3(ace_storage::S3Config {
        bucket: bucket.bucket,
        endpoint: Some(bucket.endpoint),
        region: bucket.region,
        access_key_id: bucket.access_key_id,
        secret_access_key: bucket.secret_access_key,
        path_style: true,
    })
}
