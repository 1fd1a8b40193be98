//! Calling a hosted service's HTTP API (a provider that makes content, a source of social
//! content or research): authentication, time limits, and what a failed call means. Statuses
//! become a [`CallError`] (rate limited, key refused, request refused, unavailable); its
//! `Display` is client-safe and names the service, while the service's raw answer goes to the
//! log only. Media a service links to is downloaded with a size cap and a time limit. Keys are
//! [`ApiKey`]s, which never show themselves in logs.

use std::path::Path;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, RETRY_AFTER};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::io::AsyncWriteExt;
use tracing::warn;

/// The most of a provider's error message shown to clients.
const MAX_MESSAGE_CHARS: usize = 300;
/// The largest JSON answer read.
const MAX_JSON_BYTES: u64 = 64 * 1024 * 1024;
/// How long connecting may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// A provider's API key. Its `Debug` never shows it; [`ApiKey::expose`] hands it to a request.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }

    /// The key itself, for the request that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The key as shown to people: `****` and its last four characters (when it is long
    /// enough for that to reveal little).
    pub fn masked(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        if chars.len() < 12 {
            return "****".to_owned();
        }
        let tail: String = chars[chars.len() - 4..].iter().collect();
        format!("****{tail}")
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey(****)")
    }
}

/// Why a call to a provider failed. `Display` is safe to show clients.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    /// 401 or 403: the key is missing, wrong or lacks a permission.
    #[error(
        "{provider} refused the API key (HTTP {status}); the server's operator needs to check it"
    )]
    Unauthorized { provider: String, status: u16 },
    /// 429: too many requests, or a quota reached.
    #[error("{provider} is rate limiting requests (HTTP 429){}", wait_note(*.retry_after))]
    RateLimited {
        provider: String,
        retry_after: Option<Duration>,
    },
    /// Another 4xx: the request itself was refused; `message` is the provider's reason.
    #[error("{provider} refused the request (HTTP {status}){}", reason_note(.message))]
    Refused {
        provider: String,
        status: u16,
        message: String,
    },
    /// 5xx, a timeout or a connection failure.
    #[error("{provider} is unavailable ({detail})")]
    Unavailable { provider: String, detail: String },
    /// The answer was not what its API promises.
    #[error("{provider} answered in a form ace cannot read ({detail})")]
    BadAnswer { provider: String, detail: String },
}

fn wait_note(retry_after: Option<Duration>) -> String {
    retry_after.map_or_else(String::new, |wait| {
        format!("; it asked to wait {} s", wait.as_secs())
    })
}

fn reason_note(message: &str) -> String {
    if message.is_empty() {
        String::new()
    } else {
        format!(": {message}")
    }
}

impl CallError {
    /// Whether trying again later may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            CallError::RateLimited { .. } | CallError::Unavailable { .. }
        )
    }
}

/// What an API's failed answer (its status and body) means, when it says more than the status.
pub type Explain<'a> = dyn Fn(StatusCode, &str) -> Option<CallError> + Send + Sync + 'a;

/// How a provider takes its key.
#[derive(Clone, Debug)]
enum Auth {
    /// `Authorization: Bearer <key>`.
    Bearer,
    /// `<header>: <key>`.
    Header(HeaderName),
}

/// A provider's HTTP API: where it is, how it takes a key, and a client with its time limits.
/// It holds no key: each call is given one, so one service can serve many keys.
#[derive(Clone)]
pub struct Service {
    provider: String,
    base_url: String,
    auth: Auth,
    client: reqwest::Client,
}

impl std::fmt::Debug for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Service")
            .field("provider", &self.provider)
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl Service {
    /// A service at `base_url` (no trailing slash) whose requests may take `timeout`; the key
    /// goes in `auth_header` when given, else as a bearer token.
    pub fn new(
        provider: &str,
        base_url: &str,
        auth_header: Option<&str>,
        timeout: Duration,
    ) -> Result<Self, String> {
        let auth = match auth_header {
            None => Auth::Bearer,
            Some(name) if name.eq_ignore_ascii_case("authorization") => Auth::Bearer,
            Some(name) => Auth::Header(
                HeaderName::try_from(name)
                    .map_err(|_| format!("{name:?} is not a valid header name"))?,
            ),
        };
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(CONNECT_TIMEOUT.min(timeout))
            .redirect(reqwest::redirect::Policy::limited(3))
            .user_agent(concat!("ace/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|err| format!("the HTTP client could not be built: {err}"))?;
        Ok(Self {
            provider: provider.to_owned(),
            base_url: base_url.trim_end_matches('/').to_owned(),
            auth,
            client,
        })
    }

    pub fn provider(&self) -> &str {
        &self.provider
    }

    /// `base_url/path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}/{}", self.base_url, path.trim_start_matches('/'))
    }

    /// A request to `path`, with `key` when there is one.
    pub fn request(&self, method: Method, path: &str, key: Option<&ApiKey>) -> RequestBuilder {
        let request = self.client.request(method, self.url(path));
        match (key, &self.auth) {
            (None, _) => request,
            (Some(key), Auth::Bearer) => request.bearer_auth(key.expose()),
            (Some(key), Auth::Header(name)) => request.header(name.clone(), key.expose()),
        }
    }

    /// A request to `url`, which is not under the base URL (an OAuth token endpoint), without
    /// a key.
    pub fn request_to(&self, method: Method, url: &str) -> RequestBuilder {
        self.client.request(method, url)
    }

    /// Sends `request`; a non-2xx status becomes its [`CallError`].
    pub async fn send(
        &self,
        request: RequestBuilder,
        key: Option<&ApiKey>,
    ) -> Result<Response, CallError> {
        self.send_explained(request, key, &|_, _| None).await
    }

    /// Sends `request`; a non-2xx status becomes the [`CallError`] `explain` reads in the
    /// answer's status and body (for APIs that say more there than their status does), else
    /// the status's own.
    pub async fn send_explained(
        &self,
        request: RequestBuilder,
        key: Option<&ApiKey>,
        explain: &Explain<'_>,
    ) -> Result<Response, CallError> {
        let response = request.send().await.map_err(|err| self.unreachable(err))?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let retry_after = retry_after(response.headers());
        let body = response.text().await.unwrap_or_default();
        let excerpt: String = redacted(&body, key).chars().take(2_000).collect();
        warn!(provider = %self.provider, status = status.as_u16(), body = %excerpt, "a provider refused a call");
        Err(explain(status, &body)
            .unwrap_or_else(|| self.status_error(status, retry_after, &body, key)))
    }

    /// Sends `request` and reads its JSON answer.
    pub async fn json<T: DeserializeOwned>(
        &self,
        request: RequestBuilder,
        key: Option<&ApiKey>,
    ) -> Result<T, CallError> {
        self.json_explained(request, key, &|_, _| None).await
    }

    /// Sends `request` and reads its JSON answer, a failure explained as
    /// [`Service::send_explained`] does.
    pub async fn json_explained<T: DeserializeOwned>(
        &self,
        request: RequestBuilder,
        key: Option<&ApiKey>,
        explain: &Explain<'_>,
    ) -> Result<T, CallError> {
        let response = self.send_explained(request, key, explain).await?;
        let bytes = self.read_capped(response, MAX_JSON_BYTES).await?;
        serde_json::from_slice(&bytes).map_err(|err| {
            warn!(provider = %self.provider, error = %err, "a provider's answer did not parse");
            self.bad_answer("its JSON did not match the API")
        })
    }

    /// Reads a whole answer, refusing one larger than `cap` bytes.
    pub async fn read_capped(
        &self,
        mut response: Response,
        cap: u64,
    ) -> Result<Vec<u8>, CallError> {
        if response.content_length().is_some_and(|length| length > cap) {
            return Err(self.bad_answer("the answer is too large"));
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|err| self.unreachable(err))?
        {
            if (bytes.len() + chunk.len()) as u64 > cap {
                return Err(self.bad_answer("the answer is too large"));
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(bytes)
    }

    /// Fetches `url` (not the provider's: no key is sent) into memory, at most `cap` bytes.
    pub async fn fetch(&self, url: &str, cap: u64) -> Result<Vec<u8>, CallError> {
        let response = self.send(self.client.get(url), None).await?;
        self.read_capped(response, cap).await
    }

    /// Downloads media the provider made from `url` into `dest`, at most `cap` bytes. The key
    /// is sent only to the provider's own address, never to another host.
    pub async fn download(
        &self,
        url: &str,
        key: Option<&ApiKey>,
        dest: &Path,
        cap: u64,
    ) -> Result<u64, CallError> {
        let own = url.starts_with(&format!("{}/", self.base_url));
        let request = if own {
            self.request(Method::GET, &url[self.base_url.len()..], key)
        } else {
            self.client.get(url)
        };
        let mut response = self.send(request, key.filter(|_| own)).await?;
        if response.content_length().is_some_and(|length| length > cap) {
            return Err(self.bad_answer("the media it made is too large"));
        }
        let mut file = tokio::fs::File::create(dest)
            .await
            .map_err(|err| self.local_failure(&err))?;
        let mut written = 0u64;
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|err| self.unreachable(err))?
        {
            written += chunk.len() as u64;
            if written > cap {
                return Err(self.bad_answer("the media it made is too large"));
            }
            file.write_all(&chunk)
                .await
                .map_err(|err| self.local_failure(&err))?;
        }
        file.flush().await.map_err(|err| self.local_failure(&err))?;
        Ok(written)
    }

    pub fn bad_answer(&self, detail: &str) -> CallError {
        CallError::BadAnswer {
            provider: self.provider.clone(),
            detail: detail.to_owned(),
        }
    }

    fn local_failure(&self, err: &std::io::Error) -> CallError {
        warn!(provider = %self.provider, error = %err, "could not write what a provider made");
        CallError::Unavailable {
            provider: self.provider.clone(),
            detail: "its output could not be saved".into(),
        }
    }

    fn unreachable(&self, err: reqwest::Error) -> CallError {
        // The URL may hold a key (`?key=`, as Google's APIs take it): it stays out of the log.
        let err = err.without_url();
        warn!(provider = %self.provider, error = %err, "a provider call failed");
        let detail = if err.is_timeout() {
            "it did not answer in time"
        } else if err.is_connect() {
            "it could not be reached"
        } else {
            "the connection failed"
        };
        CallError::Unavailable {
            provider: self.provider.clone(),
            detail: detail.into(),
        }
    }

    fn status_error(
        &self,
        status: StatusCode,
        retry_after: Option<Duration>,
        body: &str,
        key: Option<&ApiKey>,
    ) -> CallError {
        let provider = self.provider.clone();
        match status.as_u16() {
            401 | 403 => CallError::Unauthorized {
                provider,
                status: status.as_u16(),
            },
            429 => CallError::RateLimited {
                provider,
                retry_after,
            },
            408 | 500..=599 => CallError::Unavailable {
                provider,
                detail: format!("HTTP {}", status.as_u16()),
            },
            code => CallError::Refused {
                provider,
                status: code,
                message: provider_message(body, key),
            },
        }
    }
}

/// `Retry-After` in seconds (the HTTP-date form is not used by the APIs ace calls).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|seconds| seconds.is_finite() && *seconds >= 0.0)
        .map(Duration::from_secs_f64)
}

/// `text` with `key` (if any) replaced by `****`.
fn redacted(text: &str, key: Option<&ApiKey>) -> String {
    match key.map(ApiKey::expose).filter(|key| !key.is_empty()) {
        Some(key) => text.replace(key, "****"),
        None => text.to_owned(),
    }
}

/// The reason in a provider's error answer, short, on one line, and never holding the key:
/// `error.message` (OpenAI), `detail.message` (ElevenLabs), `detail`, `message` or `error`.
fn provider_message(body: &str, key: Option<&ApiKey>) -> String {
    let json: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let found = [
        json.pointer("/error/message"),
        json.pointer("/detail/message"),
        json.get("detail"),
        json.get("message"),
        json.get("error"),
    ]
    .into_iter()
    .flatten()
    .find_map(Value::as_str)
    .unwrap_or("");
    let one_line = found.split_whitespace().collect::<Vec<_>>().join(" ");
    redacted(&one_line, key)
        .chars()
        .take(MAX_MESSAGE_CHARS)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_messages_are_found_in_the_usual_places_and_never_hold_the_key() {
        let key = ApiKey::new("sk-secret-123");
        assert_eq!(
            provider_message(
                r#"{"error": {"message": "Bad  key sk-secret-123\n given"}}"#,
                Some(&key)
            ),
            "Bad key **** given"
        );
        assert_eq!(
            provider_message(
                r#"{"detail": {"status": "x", "message": "Voice not found"}}"#,
                None
            ),
            "Voice not found"
        );
        assert_eq!(provider_message(r#"{"detail": "Nope"}"#, None), "Nope");
        assert_eq!(provider_message("<html>oops</html>", None), "");
    }

    #[test]
    fn statuses_map_to_transient_and_permanent_errors() {
        let service =
            Service::new("acme", "http://127.0.0.1:1", None, Duration::from_secs(1)).unwrap();
        let error =
            |code: u16| service.status_error(StatusCode::from_u16(code).unwrap(), None, "{}", None);
        assert!(error(429).is_transient());
        assert!(error(503).is_transient());
        assert!(error(408).is_transient());
        assert!(!error(401).is_transient());
        assert!(!error(400).is_transient());
        assert_eq!(
            error(401).to_string(),
            "acme refused the API key (HTTP 401); the server's operator needs to check it"
        );
    }
}
