//! Where bytes live. [`BlobStore`] keeps blobs under opaque keys in an object store (the local
//! filesystem by default, or an S3-compatible bucket), streams them in and out, and hands out
//! their public URLs and, on S3, presigned upload URLs. It knows nothing of HTTP routes beyond
//! the `/files/` prefix its local URLs use, which the API serves.

mod config;
mod durable;
mod keys;
mod store;
mod writer;

pub use config::{S3Config, StorageConfig};
pub use keys::{STAGING_PREFIX, is_public};
pub use store::{BlobMeta, BlobRead, BlobStore, ByteRange, PresignedPut};
pub use writer::BlobWriter;

/// What can go wrong with blobs.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The key is not a safe relative path.
    #[error("invalid blob key {0:?}")]
    InvalidKey(String),
    /// A ranged read asked for bytes the blob does not have.
    #[error("the requested range is not satisfiable")]
    RangeNotSatisfiable,
    /// The configuration cannot work.
    #[error("storage configuration: {0}")]
    Config(String),
    #[error(transparent)]
    Backend(#[from] object_store::Error),
    #[error("could not prepare the storage directory: {0}")]
    Io(#[from] std::io::Error),
}
