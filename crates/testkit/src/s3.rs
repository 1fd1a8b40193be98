//! A fresh bucket on the S3-compatible server the test script starts (moto), when
//! `ACE_TEST_S3_ENDPOINT` names one.

use ace_storage::{S3Config, StorageConfig};

/// The environment variable naming an S3-compatible endpoint for tests.
pub const S3_ENDPOINT: &str = "ACE_TEST_S3_ENDPOINT";

/// The configured test endpoint, if any.
pub fn s3_endpoint() -> Option<String> {
    std::env::var(S3_ENDPOINT).ok().filter(|e| !e.is_empty())
}

/// Creates a bucket of its own for one test and returns its storage config; `None` when no
/// S3-compatible server is configured.
pub async fn fresh_bucket() -> Option<StorageConfig> {
    let endpoint = s3_endpoint()?;
    let bucket = format!("ace-test-{}", uuid::Uuid::new_v4().simple());
    let created = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("an HTTP client")
        .put(format!("{endpoint}/{bucket}"))
        .send()
        .await
        .expect("the S3 server answers");
    assert!(
        created.status().is_success(),
        "creating bucket {bucket}: {}",
        created.status()
    );
    Some(StorageConfig::S3(S3Config {
        bucket,
        endpoint: Some(endpoint),
        region: "us-east-1".into(),
        access_key_id: "test".into(),
        secret_access_key: "test".into(),
        path_style: true,
    }))
}
