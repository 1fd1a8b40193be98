//! `GET /v1/me`.

pub mod show;
