//! The blob store over one backend: local filesystem or S3.

use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures::StreamExt;
use futures::stream::BoxStream;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::chunked::ChunkedStore;
use object_store::local::LocalFileSystem;
use object_store::signer::{SignedUrlOptions, Signer};
use object_store::{GetOptions, GetRange, ObjectStore, ObjectStoreExt, PutPayload, WriteMultipart};

use crate::StorageError;
use crate::config::{S3Config, StorageConfig};
use crate::durable::sync_file;
use crate::keys::path;
use crate::writer::BlobWriter;

/// How much one read from a local file returns.
const LOCAL_READ_CHUNK: usize = 256 * 1024;

/// What is known of a stored blob.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlobMeta {
    pub key: String,
    pub size: u64,
    /// The backend's entity tag, unquoted.
    pub etag: Option<String>,
    pub last_modified: DateTime<Utc>,
}

/// A byte range as a client may ask for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ByteRange {
    /// Bytes `first..=last`; `last` past the end means "to the end".
    Inclusive(u64, u64),
    /// From an offset to the end.
    From(u64),
    /// The last `n` bytes.
    Suffix(u64),
}

impl ByteRange {
    /// The half-open range this is for a blob of `size` bytes; `None` when it cannot be
    /// satisfied.
    pub fn resolve(self, size: u64) -> Option<Range<u64>> {
        let range = match self {
            ByteRange::Inclusive(first, last) => first..last.saturating_add(1).min(size),
            ByteRange::From(first) => first..size,
            ByteRange::Suffix(n) => size.saturating_sub(n)..size,
        };
        (range.start < range.end).then_some(range)
    }
}

/// Part of a blob being read.
pub struct BlobRead {
    pub meta: BlobMeta,
    /// The bytes being sent, of `0..meta.size`.
    pub range: Range<u64>,
    pub stream: BoxStream<'static, Result<Bytes, StorageError>>,
}

/// A presigned upload URL and the headers the uploader must send with it.
#[derive(Clone, Debug)]
pub struct PresignedPut {
    pub url: String,
    pub headers: Vec<(String, String)>,
}

#[derive(Clone, Debug)]
enum Backend {
    Local(PathBuf),
    S3(Arc<AmazonS3>),
}

/// The blob store.
#[derive(Clone, Debug)]
pub struct BlobStore {
    store: Arc<dyn ObjectStore>,
    backend: Backend,
    files_base: String,
}

impl BlobStore {
    /// Opens the configured backend. `files_base` is the absolute URL that blob keys are
    /// appended to for public links, such as `http://localhost:8080/files`.
    pub fn open(config: &StorageConfig, files_base: &str) -> Result<Self, StorageError> {
        let files_base = files_base.trim_end_matches('/').to_owned();
        match config {
            StorageConfig::Local { root } => {
                std::fs::create_dir_all(root)?;
                let local = LocalFileSystem::new_with_prefix(root)?.with_automatic_cleanup(true);
                // The default 8 KiB reads cost a thread hop each; bigger ones serve faster.
                let store = ChunkedStore::new(Arc::new(local), LOCAL_READ_CHUNK);
                Ok(Self {
                    store: Arc::new(store),
                    backend: Backend::Local(root.clone()),
                    files_base,
                })
            }
            StorageConfig::S3(s3) => {
                let store = Arc::new(s3_store(s3)?);
                Ok(Self {
                    store: store.clone(),
                    backend: Backend::S3(store),
                    files_base,
                })
            }
        }
    }

    /// A store on the local filesystem under `root`.
    pub fn local(root: &std::path::Path, files_base: &str) -> Result<Self, StorageError> {
        Self::open(
            &StorageConfig::Local {
                root: root.to_owned(),
            },
            files_base,
        )
    }

    /// Whether blobs live in S3 (so uploads can go there directly).
    pub fn is_s3(&self) -> bool {
        matches!(self.backend, Backend::S3(_))
    }

    /// Stores a small blob in one go.
    pub async fn put(&self, key: &str, bytes: Bytes) -> Result<(), StorageError> {
        self.store
            .put(&path(key)?, PutPayload::from_bytes(bytes))
            .await?;
        self.make_durable(key).await
    }

    /// Opens a streaming write to `key`.
    pub async fn writer(&self, key: &str) -> Result<BlobWriter, StorageError> {
        if let Some(file) = self.local_file(key)? {
            return BlobWriter::local(file);
        }
        let upload = self.store.put_multipart(&path(key)?).await?;
        Ok(BlobWriter::multipart(WriteMultipart::new(upload)))
    }

    /// Reads a whole (small) blob; `None` when there is none.
    pub async fn get(&self, key: &str) -> Result<Option<Bytes>, StorageError> {
        match self.store.get(&path(key)?).await {
            Ok(result) => Ok(Some(result.bytes().await?)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(err) => Err(err.into()),
        }
    }

    /// What is known of a blob; `None` when there is none.
    pub async fn head(&self, key: &str) -> Result<Option<BlobMeta>, StorageError> {
        match self.store.head(&path(key)?).await {
            Ok(meta) => Ok(Some(meta_of(key, &meta))),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(err) => Err(err.into()),
        }
    }

    /// Streams a blob, or part of it; `None` when there is none.
    pub async fn read(
        &self,
        key: &str,
        range: Option<Range<u64>>,
    ) -> Result<Option<BlobRead>, StorageError> {
        let options = GetOptions {
            range: range.map(GetRange::Bounded),
            ..GetOptions::default()
        };
        match self.store.get_opts(&path(key)?, options).await {
            Ok(result) => {
                let meta = meta_of(key, &result.meta);
                let range = result.range.clone();
                let stream = result
                    .into_stream()
                    .map(|chunk| chunk.map_err(StorageError::from))
                    .boxed();
                Ok(Some(BlobRead {
                    meta,
                    range,
                    stream,
                }))
            }
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(err) => Err(err.into()),
        }
    }

    /// Deletes a blob; deleting a missing blob is not an error.
    pub async fn delete(&self, key: &str) -> Result<(), StorageError> {
        match self.store.delete(&path(key)?).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(err) => Err(err.into()),
        }
    }

    /// The blobs whose keys start with `prefix` (a whole segment path such as `avatars/`).
    pub async fn list(&self, prefix: &str) -> Result<Vec<BlobMeta>, StorageError> {
        let prefix = prefix.trim_end_matches('/');
        let prefix = if prefix.is_empty() {
            None
        } else {
            Some(path(prefix)?)
        };
        let mut listing = self.store.list(prefix.as_ref());
        let mut found = Vec::new();
        while let Some(meta) = listing.next().await {
            let meta = meta?;
            found.push(meta_of(meta.location.as_ref(), &meta));
        }
        found.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(found)
    }

    /// Moves a blob to a new key.
    pub async fn rename(&self, from: &str, to: &str) -> Result<(), StorageError> {
        self.store.rename(&path(from)?, &path(to)?).await?;
        self.make_durable(to).await
    }

    /// The file a blob lives in, on the local filesystem.
    fn local_file(&self, key: &str) -> Result<Option<PathBuf>, StorageError> {
        match &self.backend {
            Backend::Local(root) => Ok(Some(root.join(path(key)?.as_ref()))),
            Backend::S3(_) => Ok(None),
        }
    }

    /// On the local filesystem, flushes a written blob to disk (S3 acknowledges only what it
    /// has stored durably).
    async fn make_durable(&self, key: &str) -> Result<(), StorageError> {
        if let Some(file) = self.local_file(key)? {
            sync_file(file).await?;
        }
        Ok(())
    }

    /// The absolute URL a blob is served at, with no credentials needed.
    pub fn public_url(&self, key: &str) -> String {
        format!("{}/{key}", self.files_base)
    }

    /// The key behind one of this store's public URLs (the inverse of [`Self::public_url`]);
    /// `None` for any other URL.
    pub fn key_of_public_url<'a>(&self, url: &'a str) -> Option<&'a str> {
        let key = url
            .strip_prefix(self.files_base.as_str())?
            .strip_prefix('/')?;
        let plain = !key.is_empty()
            && !key.contains(['?', '#', '\\'])
            && key
                .split('/')
                .all(|part| !part.is_empty() && part != "." && part != "..");
        plain.then_some(key)
    }

    /// On S3, a URL that lets its holder PUT exactly these bytes to `key` until it expires:
    /// the content type and MD5 are bound into the signature, so S3 refuses anything else.
    /// `None` on the local filesystem, where ace receives uploads itself.
    pub async fn presign_put(
        &self,
        key: &str,
        content_type: &str,
        content_md5: &str,
        expires_in: Duration,
    ) -> Result<Option<PresignedPut>, StorageError> {
        let Backend::S3(s3) = &self.backend else {
            return Ok(None);
        };
        let mut options = SignedUrlOptions::new();
        let header = |value: &str| {
            http::HeaderValue::from_str(value)
                .map_err(|_| StorageError::Config(format!("{value:?} is not a header value")))
        };
        options
            .signed_headers
            .insert(http::header::CONTENT_TYPE, header(content_type)?);
        options.signed_headers.insert(
            http::HeaderName::from_static("content-md5"),
            header(content_md5)?,
        );
        let url = s3
            .signed_url_opts(http::Method::PUT, &path(key)?, expires_in, &options)
            .await?;
        Ok(Some(PresignedPut {
            url: url.to_string(),
            headers: vec![
                ("Content-Type".into(), content_type.into()),
                ("Content-MD5".into(), content_md5.into()),
            ],
        }))
    }

    /// A location media tools can read a blob from: a file path on the local filesystem, or
    /// a short-lived presigned GET URL on S3.
    pub async fn readable_location(&self, key: &str) -> Result<String, StorageError> {
        match &self.backend {
            Backend::Local(root) => Ok(root
                .join(path(key)?.as_ref())
                .to_string_lossy()
                .into_owned()),
            Backend::S3(s3) => Ok(s3
                .signed_url(http::Method::GET, &path(key)?, Duration::from_secs(600))
                .await?
                .to_string()),
        }
    }
}

fn meta_of(key: &str, meta: &object_store::ObjectMeta) -> BlobMeta {
    BlobMeta {
        key: key.to_owned(),
        size: meta.size,
        etag: meta
            .e_tag
            .as_ref()
            .map(|tag| tag.trim_matches('"').to_owned()),
        last_modified: meta.last_modified,
    }
}

fn s3_store(config: &S3Config) -> Result<AmazonS3, StorageError> {
    if config.bucket.trim().is_empty() {
        return Err(StorageError::Config("an S3 bucket name is required".into()));
    }
    let mut builder = AmazonS3Builder::new()
        .with_bucket_name(&config.bucket)
        .with_region(&config.region)
        .with_access_key_id(&config.access_key_id)
        .with_secret_access_key(&config.secret_access_key)
        .with_virtual_hosted_style_request(!config.path_style);
    if let Some(endpoint) = &config.endpoint {
        builder = builder
            .with_endpoint(endpoint)
            .with_allow_http(endpoint.starts_with("http://"));
    }
    Ok(builder.build()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_resolve_against_the_blob_size() {
        assert_eq!(ByteRange::Inclusive(0, 99).resolve(1000), Some(0..100));
        assert_eq!(
            ByteRange::Inclusive(900, 5000).resolve(1000),
            Some(900..1000)
        );
        assert_eq!(ByteRange::From(10).resolve(1000), Some(10..1000));
        assert_eq!(ByteRange::Suffix(100).resolve(1000), Some(900..1000));
        assert_eq!(ByteRange::Suffix(5000).resolve(1000), Some(0..1000));
        assert_eq!(ByteRange::From(1000).resolve(1000), None);
        assert_eq!(ByteRange::Inclusive(5, 4).resolve(1000), None);
    }
}
