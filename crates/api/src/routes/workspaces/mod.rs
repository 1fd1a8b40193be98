//! `GET /v1/workspaces`.

pub mod list;
