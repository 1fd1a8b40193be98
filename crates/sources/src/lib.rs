//! Where the agent's knowledge comes from. `import` reads files (JSON, NDJSON or CSV) exported
//! by the common hosted scrapers (Apify's TikTok and Instagram scrapers, the YouTube Data API)
//! or written in ace's plain generic shape, into the posts and comments of
//! `ace_domain::knowledge::content`. `source` is the trait hosted sources implement, and the
//! set of those configured.

pub mod import;
pub mod source;

pub use source::{FetchError, Fetched, Query, Source, Sources};
