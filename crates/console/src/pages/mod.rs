//! The console's pages, one file per page (or form action).

pub mod home;
pub mod ideas;
pub mod sheets;
pub mod sign_in;
pub mod sign_out;
pub mod templates;
pub mod workspace;
