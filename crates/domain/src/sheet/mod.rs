//! The vidsheet model: column kinds and roles, layer kinds and the rules their
//! `additional_attributes` must follow, creation cards, ordering by position, slugs,
//! `{{variable}}` substitution and the plan of a row run. Pure rules; the database and HTTP
//! layers apply them and never restate them.

pub mod card;
pub mod column;
pub mod layer;
pub mod plan;
pub mod position;
pub mod run_status;
pub mod slug;
pub mod variables;

/// The canvas shapes an engine can render to.
pub const ASPECT_RATIOS: [&str; 4] = ["9:16", "16:9", "1:1", "4:5"];
