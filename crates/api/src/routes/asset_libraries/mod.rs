//! `/v1/asset_libraries`: an agent's folders and files in one view.

pub mod list;
