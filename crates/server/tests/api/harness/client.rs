//! An HTTP client acting as one caller, sending what GEN's SDK sends: `X-API-Key` (or a
//! bearer token) and `Content-Type: application/json` on every request.

use reqwest::Method;
use reqwest::header::HeaderMap;
use serde_json::Value;

/// A caller of the API.
#[derive(Clone, Debug)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    credential: Credential,
}

#[derive(Clone, Debug)]
enum Credential {
    None,
    ApiKey(String),
    Bearer(String),
}

/// A response, read whole.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    /// The body as JSON; `Value::Null` when it is empty or not JSON.
    pub body: Value,
    pub text: String,
}

impl Reply {
    /// `error_code` of an error envelope.
    pub fn error_code(&self) -> &str {
        self.body["error_code"].as_str().unwrap_or_default()
    }

    /// Panics with the body unless the status is `expected`.
    #[track_caller]
    pub fn expect(self, expected: u16) -> Reply {
        assert_eq!(
            self.status, expected,
            "unexpected status; body: {}",
            self.text
        );
        self
    }

    /// Panics unless this is GEN's error envelope with this status and code.
    #[track_caller]
    pub fn expect_error(self, status: u16, code: &str) -> Reply {
        assert_eq!(
            self.status, status,
            "unexpected status; body: {}",
            self.text
        );
        assert_eq!(
            self.error_code(),
            code,
            "unexpected error_code; body: {}",
            self.text
        );
        assert!(
            self.body["error"].as_str().is_some_and(|e| !e.is_empty()),
            "the envelope has no message: {}",
            self.text
        );
        self
    }
}

impl Client {
    pub(crate) fn new(http: reqwest::Client, base: String) -> Client {
        Client {
            http,
            base,
            credential: Credential::None,
        }
    }

    /// An anonymous client of a server at `base` (`http://127.0.0.1:port`), such as an `ace`
    /// process a test started itself.
    pub fn at(base: &str) -> Client {
        let http = reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("an HTTP client");
        Client::new(http, base.trim_end_matches('/').to_owned())
    }

    /// The same client presenting `key` as `X-API-Key`.
    pub fn with_key(&self, key: &str) -> Client {
        Client {
            credential: Credential::ApiKey(key.to_owned()),
            ..self.clone()
        }
    }

    /// The same client presenting `token` as `Authorization: Bearer`.
    pub fn with_bearer(&self, token: &str) -> Client {
        Client {
            credential: Credential::Bearer(token.to_owned()),
            ..self.clone()
        }
    }

    /// The API key this client presents, if any.
    pub fn key(&self) -> Option<&str> {
        match &self.credential {
            Credential::ApiKey(key) => Some(key),
            _ => None,
        }
    }

    /// The absolute URL of a path such as `/v1/me`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(Method::GET, path, None).await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.send(Method::DELETE, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.send(Method::POST, path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Reply {
        self.send(Method::PATCH, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> Reply {
        self.send(Method::PUT, path, Some(body)).await
    }

    /// Sends a JSON request the way the SDK does.
    pub async fn send(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        let mut request = self
            .request(method, path)
            .header("content-type", "application/json");
        if let Some(body) = body {
            request = request.body(body.to_string());
        }
        Self::read(
            request
                .send()
                .await
                .expect("the request reaches the server"),
        )
        .await
    }

    /// Sends a multipart form.
    pub async fn multipart(
        &self,
        method: Method,
        path: &str,
        form: reqwest::multipart::Form,
    ) -> Reply {
        let response = self
            .request(method, path)
            .multipart(form)
            .send()
            .await
            .expect("the request reaches the server");
        Self::read(response).await
    }

    /// A request builder with this client's credential, for anything unusual.
    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let request = self.http.request(method, self.url(path));
        match &self.credential {
            Credential::None => request,
            Credential::ApiKey(key) => request.header("x-api-key", key),
            Credential::Bearer(token) => request.bearer_auth(token),
        }
    }

    /// Reads a response whole.
    pub async fn read(response: reqwest::Response) -> Reply {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.expect("reading the body");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            body,
            text,
        }
    }
}
