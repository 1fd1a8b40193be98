//! Generations: the lifecycle of a generation job, the checked reading of a creation card's
//! `data` for its type, and what it costs in credits. Pure rules; running a generation belongs
//! to the app layer.

pub mod instructions;
pub mod kind;
pub mod pricing;
pub mod request;
pub mod status;

pub use kind::JobKind;
pub use pricing::{Markup, Price, PriceTable, Tier, Unit};
pub use request::{CardRequest, MediaKind, ResourceRef, VoiceMethod, allowed_durations, validate};
pub use status::GenerationStatus;
