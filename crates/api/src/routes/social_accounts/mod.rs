//! An agent's connected social accounts (ace additions): connect a TikTok account with Login
//! Kit, TikTok's redirect back, the connected accounts and their posting settings.

pub mod callback;
pub mod connect;
pub mod list;
pub mod update;
