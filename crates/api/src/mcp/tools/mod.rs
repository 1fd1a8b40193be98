//! Every tool, grouped by the journey step GEN's server files them under. GEN's tools keep
//! GEN's names and arguments; ace's own are named `ace_*`.

mod agent_setup;
mod assets;
mod editing;
mod generations;
mod ideas;
mod pipelines;
mod row_runs;
mod setup;
mod user_jobs;
mod vidsheets;
mod voices;

use std::sync::LazyLock;

use super::catalogue::Tool;

/// All tools, in the order they are listed.
pub static ALL: LazyLock<Vec<&'static Tool>> = LazyLock::new(|| {
    [
        setup::TOOLS,
        agent_setup::TOOLS,
        voices::TOOLS,
        ideas::TOOLS,
        user_jobs::TOOLS,
        vidsheets::TOOLS,
        editing::TOOLS,
        assets::TOOLS,
        generations::TOOLS,
        row_runs::TOOLS,
        pipelines::TOOLS,
    ]
    .into_iter()
    .flatten()
    .collect()
});
