//! Extractors: how handlers read the caller, ids, queries and bodies. They carry GEN's
//! transport habits (ids as numbers or strings, `agent_id` in the query or the body, bodies
//! wrapped under a resource key or not) so no handler has to.

pub mod actor;
pub mod body;
mod bracketed_names;
pub mod form;
pub mod idempotency;
pub mod ids;
pub mod query;

pub use actor::Authenticated;
pub use body::{JsonAs, JsonBody, ParsedBody, Resource, Wrapped};
pub use form::{FormData, FormOrJson};
pub use idempotency::IdempotencyKey;
pub use ids::{AgentParam, RawId};
pub use query::Query;
