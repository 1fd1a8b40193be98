//! Publishing a video to a social account (`publish_content`): the request as GEN's clients
//! send it, and the per-account posting settings ace adds (which privacy level and which
//! interactions a post gets), the quality gates a video passes first, and TikTok's safe area. Pure: the adapter that speaks TikTok's API lives in
//! `ace-providers`, the use case in `ace-app`.

pub mod gates;
pub mod request;
pub mod safe_area;
pub mod settings;

pub use request::{MAX_DESCRIPTION_CHARS, MediaType, PublishPlatform, PublishRequest, Schedule};
pub use settings::{CreatorAllows, PostChoice, PostSettings, PrivacyLevel};
