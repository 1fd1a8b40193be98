//! Which backend holds the blobs, and how to reach it.

use std::path::PathBuf;

/// An S3-compatible bucket.
#[derive(Clone, Debug)]
pub struct S3Config {
    pub bucket: String,
    /// The service endpoint, such as `https://s3.eu-west-1.amazonaws.com` or
    /// `http://127.0.0.1:9000`; `None` for AWS itself.
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    /// Address the bucket in the path (`endpoint/bucket/key`) rather than the host name, as
    /// most S3-compatible servers want.
    pub path_style: bool,
}

/// The blob backend.
#[derive(Clone, Debug)]
pub enum StorageConfig {
    /// A directory on the local filesystem.
    Local {
        root: PathBuf,
    },
    S3(S3Config),
}
