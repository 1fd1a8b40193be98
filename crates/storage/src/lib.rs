//! Where bytes live. [`BlobStore`] keeps blobs under opaque keys in an object store (the local
//! filesystem by default) and hands out their public URLs. It knows nothing of HTTP routes
//! except the `/files/` prefix its URLs use, which the API serves.

use std::path::Path as FsPath;
use std::sync::Arc;

use bytes::Bytes;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

/// The URL prefix under which blobs are served.
pub const PUBLIC_PREFIX: &str = "/files/";

/// What can go wrong with blobs.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The key is not a safe relative path.
    #[error("invalid blob key {0:?}")]
    InvalidKey(String),
    #[error(transparent)]
    Backend(#[from] object_store::Error),
    #[error("could not prepare the storage directory: {0}")]
    Io(#[from] std::io::Error),
}

/// A blob that was read back.
#[derive(Clone, Debug)]
pub struct Blob {
    pub bytes: Bytes,
}

/// The blob store.
#[derive(Clone, Debug)]
pub struct BlobStore {
    store: Arc<dyn ObjectStore>,
    public_base: String,
}

impl BlobStore {
    /// A store on the local filesystem under `root`, created if missing. `public_base` is the
    /// absolute URL clients reach ace at, such as `http://localhost:8080`.
    pub fn local(root: &FsPath, public_base: &str) -> Result<Self, StorageError> {
        std::fs::create_dir_all(root)?;
        let store = LocalFileSystem::new_with_prefix(root)?.with_automatic_cleanup(true);
        Ok(Self {
            store: Arc::new(store),
            public_base: public_base.trim_end_matches('/').to_owned(),
        })
    }

    /// Stores `bytes` under `key`, replacing any blob there.
    pub async fn put(&self, key: &str, bytes: Bytes) -> Result<(), StorageError> {
        self.store
            .put(&path(key)?, PutPayload::from_bytes(bytes))
            .await?;
        Ok(())
    }

    /// Reads the blob under `key`; `None` when there is none.
    pub async fn get(&self, key: &str) -> Result<Option<Blob>, StorageError> {
        match self.store.get(&path(key)?).await {
            Ok(result) => Ok(Some(Blob {
                bytes: result.bytes().await?,
            })),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(err) => Err(err.into()),
        }
    }

    /// Deletes the blob under `key`; deleting a missing blob is not an error.
    pub async fn delete(&self, key: &str) -> Result<(), StorageError> {
        match self.store.delete(&path(key)?).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(err) => Err(err.into()),
        }
    }

    /// The absolute URL the blob is served at, with no credentials needed.
    pub fn public_url(&self, key: &str) -> String {
        format!("{}{PUBLIC_PREFIX}{key}", self.public_base)
    }
}

/// Checks a key: slash-separated segments of letters, digits, `.`, `_` and `-`, none of them
/// empty or made of dots only.
fn path(key: &str) -> Result<Path, StorageError> {
    let safe_segment = |segment: &str| {
        !segment.is_empty()
            && !segment.chars().all(|c| c == '.')
            && segment
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    };
    if key.split('/').all(safe_segment) {
        Path::parse(key).map_err(|_| StorageError::InvalidKey(key.to_owned()))
    } else {
        Err(StorageError::InvalidKey(key.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_blob_round_trips_and_deletes_idempotently() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::local(dir.path(), "http://localhost:8080/").unwrap();
        store
            .put("avatars/1/a.png", Bytes::from_static(b"png"))
            .await
            .unwrap();
        let blob = store.get("avatars/1/a.png").await.unwrap().unwrap();
        assert_eq!(blob.bytes, Bytes::from_static(b"png"));
        store.delete("avatars/1/a.png").await.unwrap();
        store.delete("avatars/1/a.png").await.unwrap();
        assert!(store.get("avatars/1/a.png").await.unwrap().is_none());
    }

    #[test]
    fn keys_cannot_escape_the_store() {
        for bad in ["../etc/passwd", "a//b", "a/../b", "/abs", "a/b c", ".."] {
            assert!(path(bad).is_err(), "{bad}");
        }
        assert!(path("avatars/12/3f9a.thumb.jpg").is_ok());
    }

    #[test]
    fn public_urls_join_the_base_and_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::local(dir.path(), "http://localhost:8080/").unwrap();
        assert_eq!(
            store.public_url("a/b.png"),
            "http://localhost:8080/files/a/b.png"
        );
    }
}
