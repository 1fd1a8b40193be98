//! Where the agent's knowledge comes from. `import` reads files (JSON, NDJSON or CSV) exported
//! by the common hosted scrapers (Apify's TikTok and Instagram scrapers, the YouTube Data API)
//! or written in ace's plain generic shape, into the posts and comments of
//! `ace_domain::knowledge::content`. `source` is the trait hosted sources of social content
//! implement, and the set of those configured; `research` is the trait of research sources.
//! `hosted` holds the adapters of both.

pub mod hosted;
pub mod import;
pub mod research;
pub mod source;

pub use research::{Research, Topic};
pub use source::{FetchError, Fetched, Query, Source, Sources};
