//! Renders: a row's layer stack composed into its final MP4, started on a cell
//! (`renderVideo`) or as a `remotion_jobs` job, and the engine's render list.

pub mod create_job;
pub mod list_jobs;
pub mod render_cell;
