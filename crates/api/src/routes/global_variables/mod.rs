//! `/v1/autocontentengine/{id}/global_variables`: an engine's variables, one at a time or
//! from an XLSX file.

pub mod create;
pub mod delete;
pub mod import;
pub mod show;
pub mod template;
pub mod update;
