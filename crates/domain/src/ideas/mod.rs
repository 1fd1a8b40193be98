//! Step 2's ideas: the video types GEN numbers, an idea's status and the moves it may make
//! (cycling along the main chain, or set to any of the eight values), the shape an idea's
//! `data` takes, and the agent's preferences: the commands that change them and the
//! constraints checked on what a run writes.

pub mod content;
pub mod manifest;
pub mod preferences;
pub mod pricing;
pub mod row_values;
pub mod status;
pub mod video_type;

pub use content::{IdeaContent, IdeaData, InspirationSource, SelectedAsset};
pub use status::{IdeaStatus, StatusMove};
pub use video_type::VideoType;
