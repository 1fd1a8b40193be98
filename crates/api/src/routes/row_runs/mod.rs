//! Row runs (an ace addition): generate a row's cells in dependency order and render its
//! video in one call, plan it first with a dry run, follow it live, stop it; and batches of
//! them over many rows.

pub mod events;
pub mod run_row;
pub mod run_rows;
pub mod show;
pub mod show_batch;
pub mod stop;
pub mod stop_batch;
