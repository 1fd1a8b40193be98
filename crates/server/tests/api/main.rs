//! ace's HTTP API, tested over real HTTP against the real router, on SQLite (and on
//! PostgreSQL when `ACE_TEST_DATABASE_URL` is set). Modules mirror the routes; test names
//! say what must be true.

mod agent_core;
mod agent_profile;
mod agent_runs;
mod agents;
mod asset_library;
mod auth;
mod automation;
mod avatars;
mod cells;
mod cli;
mod columns;
mod conformance;
mod console;
mod content_resources;
mod direct_uploads;
mod edge;
mod gen_clients;
mod generations;
mod global_variables;
mod ideas;
mod idempotency;
mod journey;
mod knowledge;
mod layers;
mod ledger;
mod local_cards;
mod mcp;
mod me;
mod ops;
mod organizations;
mod persisted_tokens;
mod pipelines;
mod providers;
mod public_files;
mod publishing;
mod renders;
mod row_runs;
mod rows;
mod sheets;
mod templates;
mod voices;
mod voices_elevenlabs;
mod workers;

mod harness;

use harness::Contract;

/// ace's contract (and GEN's, when it is at hand), for schema checks.
fn contract() -> &'static Contract {
    Contract::get()
}
