//! The pure model of ace: identifiers, roles, credits, validated text, API-key rules, the
//! agent-core patch, vidsheets, generations, webhook deliveries and content-monitoring
//! requests. Nothing here does I/O; input crossing the HTTP edge is parsed into these
//! types, so code past the edge works with values that are already known to be valid.

pub mod agent_core;
pub mod agent_run;
pub mod credits;
pub mod generation;
pub mod ideas;
pub mod ids;
mod job_data;
pub mod knowledge;
pub mod patch;
pub mod pipeline;
pub mod publishing;
pub mod role;
pub mod sheet;
pub mod text;
pub mod token;
pub mod validation;
pub mod voice;
pub mod webhook;
pub mod wire_enum;

pub use validation::FieldError;
