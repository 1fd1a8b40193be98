//! Every tool, grouped by the journey step GEN's server files them under. GEN's tools keep
//! GEN's names and arguments; ace's own are named `ace_*`.

mod editing;
mod generations;
mod setup;
mod vidsheets;

use std::sync::LazyLock;

use super::catalogue::Tool;

/// All tools, in the order they are listed.
pub static ALL: LazyLock<Vec<&'static Tool>> = LazyLock::new(|| {
    [
        setup::TOOLS,
        vidsheets::TOOLS,
        editing::TOOLS,
        generations::TOOLS,
    ]
    .into_iter()
    .flatten()
    .collect()
});
