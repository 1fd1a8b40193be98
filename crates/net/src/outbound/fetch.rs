//! Fetching what a user-supplied URL names (an audio sample, a render's source, an avatar
//! image) under the outbound rules: the URL is checked, the locked-down client sends, and a
//! failure is described without internals, phrased to follow the name of the field that gave
//! the URL ("audio_url could not be fetched: Timeout after 60s").

use std::time::Duration;

use bytes::{Bytes, BytesMut};

use super::address::{Reach, check_url};
use super::client::{client, describe, describe_status};

/// A user-supplied URL to fetch.
pub struct Fetch<'a> {
    pub url: &'a str,
    /// The field that gave the URL, as errors name it (`audio_url`, `its src`).
    pub field: &'a str,
    pub reach: Reach,
    pub timeout: Duration,
    /// Such as `ace-voices/1`.
    pub user_agent: &'a str,
}

impl Fetch<'_> {
    /// Sends the GET; a refused URL, a failed request or a non-success status is an error
    /// naming the field.
    pub async fn send(&self) -> Result<reqwest::Response, String> {
        let field = self.field;
        check_url(self.url, self.reach).map_err(|problem| format!("{field} {problem}"))?;
        let client = client(self.reach, self.timeout, self.user_agent)
            .map_err(|_| format!("{field} could not be fetched"))?;
        let response = client.get(self.url).send().await.map_err(|err| {
            format!(
                "{field} could not be fetched: {}",
                describe(&err, self.timeout)
            )
        })?;
        if let Some(problem) = describe_status(response.status()) {
            return Err(format!("{field} could not be fetched: {problem}"));
        }
        Ok(response)
    }

    /// Fetches the whole body into memory, refusing more than `limit` bytes.
    pub async fn bytes(&self, limit: u64) -> Result<Bytes, String> {
        let mut response = self.send().await?;
        let too_large = || format!("{} is larger than {}", self.field, size(limit));
        if response
            .content_length()
            .is_some_and(|length| length > limit)
        {
            return Err(too_large());
        }
        let mut body = BytesMut::new();
        while let Some(chunk) = response.chunk().await.map_err(|err| {
            format!(
                "{} could not be fetched: {}",
                self.field,
                describe(&err, self.timeout)
            )
        })? {
            if (body.len() + chunk.len()) as u64 > limit {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    }
}

/// `10 MB`, `1024 MiB`: a limit as people read it.
fn size(limit: u64) -> String {
    if limit.is_multiple_of(1024 * 1024) {
        format!("{} MiB", limit / (1024 * 1024))
    } else {
        format!("{limit} bytes")
    }
}
