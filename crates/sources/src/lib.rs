//! Where the agent's knowledge comes from. `import` reads files (JSON, NDJSON or CSV) exported
//! by the common hosted scrapers (Apify's TikTok and Instagram scrapers, the YouTube Data API)
//! or written in ace's plain generic shape, into the posts and comments of `ace_domain::knowledge::content`.
//! Hosted adapters will join it behind one source trait.

pub mod import;
