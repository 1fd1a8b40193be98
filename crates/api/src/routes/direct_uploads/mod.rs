//! `/v1/direct_upload`: declare a blob and get where to PUT it; and, on the local backend,
//! the signed URLs ace receives those PUTs at.

pub mod create;
pub mod receive;
