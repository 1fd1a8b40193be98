//! Public reads of stored files: what `/files/{key}` serves, with no credential. Only
//! published keys are readable; the staging area of unverified uploads never is, and a key
//! that is not there reads as `None`.

use std::ops::Range;

pub use ace_storage::{BlobMeta as FileMeta, BlobRead as FileRead, ByteRange};

use crate::{App, AppResult};

/// The metadata of a public file.
pub async fn head(app: &App, key: &str) -> AppResult<Option<FileMeta>> {
    if !ace_storage::is_public(key) {
        return Ok(None);
    }
    Ok(app.storage.head(key).await?)
}

/// A public file's bytes, `range` of them when given.
pub async fn read(app: &App, key: &str, range: Option<Range<u64>>) -> AppResult<Option<FileRead>> {
    if !ace_storage::is_public(key) {
        return Ok(None);
    }
    Ok(app.storage.read(key, range).await?)
}
