//! The outbound `reqwest` client: no redirects, no proxies, bounded time and, with
//! [`Reach::PublicOnly`], a resolver that refuses names resolving to non-public addresses. Also
//! the client-safe descriptions of delivery failures.

use std::error::Error as StdError;
use std::io;
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::{Client, StatusCode, redirect};

use super::address::{Reach, filter_public};

/// Resolves with the system resolver (`tokio::net::lookup_host`) and keeps only public
/// addresses, so a name that resolves (or is rebound) to a private address cannot be reached.
#[derive(Debug, Clone, Copy, Default)]
struct PublicResolver;

/// Every address a host name resolved to was loopback, private, link-local or otherwise not
/// public.
#[derive(Debug, thiserror::Error)]
#[error("host name resolves only to non-public addresses")]
struct NonPublicAddress;

impl Resolve for PublicResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let resolved = tokio::net::lookup_host((host.as_str(), 0)).await?;
            let public = filter_public(resolved);
            if public.is_empty() {
                return Err(NonPublicAddress.into());
            }
            let addrs: Addrs = Box::new(public.into_iter());
            Ok(addrs)
        })
    }
}

/// Builds the client for user-supplied URLs: redirects are not followed, proxy settings
/// (including `HTTP_PROXY` variables) are ignored, `timeout` bounds the whole request and also
/// the connect phase, and `user_agent` (e.g. `ace-webhooks/1`) is sent.
///
/// With [`Reach::PublicOnly`] host names are resolved by a filtering resolver that refuses
/// names resolving only to non-public addresses, at connect time. The resolver is **not**
/// consulted for IP-literal hosts (`http://127.0.0.1/`): run [`super::check_url`] with the same
/// `Reach` on every URL before sending to it.
///
/// Fails only if the TLS backend cannot be initialised or `user_agent` is not a valid header
/// value. Callers reading response bodies should still cap how much they read.
pub fn client(reach: Reach, timeout: Duration, user_agent: &str) -> reqwest::Result<Client> {
    let builder = Client::builder()
        .redirect(redirect::Policy::none())
        .no_proxy()
        .timeout(timeout)
        .connect_timeout(timeout)
        .user_agent(user_agent);
    let builder = match reach {
        Reach::PublicOnly => builder.dns_resolver(PublicResolver),
        Reach::AnyAddress => builder,
    };
    builder.build()
}

/// A short, client-safe description of a failed request for delivery logs and
/// `{success: false, error}`: "Timeout after 10s", "Connection refused", "Address not allowed
/// (private network)", "DNS lookup failed", "HTTP 500", ... `timeout` is the one the client was
/// built with. Never includes addresses, host names or library messages.
pub fn describe(err: &reqwest::Error, timeout: Duration) -> String {
    if err.is_timeout() {
        return format!("Timeout after {}", seconds(timeout));
    }
    if find_source::<NonPublicAddress>(err).is_some() {
        return "Address not allowed (private network)".to_owned();
    }
    if err.is_dns() {
        return "DNS lookup failed".to_owned();
    }
    if let Some(status) = err.status()
        && let Some(description) = describe_status(status)
    {
        return description;
    }
    for kind in io_error_kinds(err) {
        match kind {
            io::ErrorKind::ConnectionRefused => return "Connection refused".to_owned(),
            io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted => {
                return "Connection reset".to_owned();
            }
            io::ErrorKind::NetworkUnreachable | io::ErrorKind::HostUnreachable => {
                return "Host unreachable".to_owned();
            }
            // rustls reports handshake and certificate failures as InvalidData I/O errors.
            io::ErrorKind::InvalidData if err.is_connect() => {
                return "TLS handshake failed".to_owned();
            }
            _ => {}
        }
    }
    if err.is_redirect() {
        return "Redirects are not followed".to_owned();
    }
    if err.is_connect() {
        return "Connection failed".to_owned();
    }
    if err.is_body() || err.is_decode() {
        return "Invalid response body".to_owned();
    }
    if err.is_builder() {
        return "Invalid request".to_owned();
    }
    "Request failed".to_owned()
}

/// The failure description for a response status, or `None` for 2xx. A 3xx is reported as
/// "Redirects are not followed (HTTP 302)" since the client returns redirects as responses;
/// anything else as "HTTP 500".
pub fn describe_status(status: StatusCode) -> Option<String> {
    if status.is_success() {
        None
    } else if status.is_redirection() {
        Some(format!(
            "Redirects are not followed (HTTP {})",
            status.as_u16()
        ))
    } else {
        Some(format!("HTTP {}", status.as_u16()))
    }
}

fn seconds(timeout: Duration) -> String {
    if timeout.subsec_millis() == 0 {
        format!("{}s", timeout.as_secs())
    } else {
        format!("{}ms", timeout.as_millis())
    }
}

fn find_source<'a, E: StdError + 'static>(err: &'a (dyn StdError + 'static)) -> Option<&'a E> {
    let mut current = Some(err);
    while let Some(error) = current {
        if let Some(found) = error.downcast_ref::<E>() {
            return Some(found);
        }
        current = error.source();
    }
    None
}

/// The kinds of every `io::Error` behind `err`, including ones wrapped inside another
/// `io::Error` (whose `source()` skips the wrapped error itself).
fn io_error_kinds(err: &(dyn StdError + 'static)) -> Vec<io::ErrorKind> {
    let mut kinds = Vec::new();
    let mut current = Some(err);
    while let Some(error) = current {
        let mut io = error.downcast_ref::<io::Error>();
        while let Some(inner) = io {
            kinds.push(inner.kind());
            io = inner.get_ref().and_then(|e| e.downcast_ref::<io::Error>());
        }
        current = error.source();
    }
    kinds
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outbound::{UrlProblem, check_url};
    use std::net::SocketAddr;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};
    use tokio::sync::Mutex;

    const UA: &str = "ace-webhooks/1";
    const TIMEOUT: Duration = Duration::from_secs(5);

    /// A tiny HTTP/1.1 server on 127.0.0.1: `/ok` 200, `/redirect` 302 to `/ok`, `/fail` 500,
    /// `/slow` answers after 3 s. Counts requests and keeps the last request head.
    struct Server {
        addr: SocketAddr,
        hits: Arc<AtomicUsize>,
        last_head: Arc<Mutex<String>>,
    }

    impl Server {
        async fn start() -> Server {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let hits = Arc::new(AtomicUsize::new(0));
            let last_head = Arc::new(Mutex::new(String::new()));
            let (h, l) = (hits.clone(), last_head.clone());
            tokio::spawn(async move {
                loop {
                    let (stream, _) = listener.accept().await.unwrap();
                    tokio::spawn(serve(stream, h.clone(), l.clone()));
                }
            });
            Server {
                addr,
                hits,
                last_head,
            }
        }

        fn hits(&self) -> usize {
            self.hits.load(Ordering::SeqCst)
        }
    }

    async fn serve(mut stream: TcpStream, hits: Arc<AtomicUsize>, last_head: Arc<Mutex<String>>) {
        let mut buf = Vec::new();
        let mut chunk = [0u8; 1024];
        while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
            if buf.first() == Some(&0x16) {
                // A TLS ClientHello: answer in plain text like a real HTTP server would.
                let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n").await;
                return;
            }
        }
        hits.fetch_add(1, Ordering::SeqCst);
        let head = String::from_utf8_lossy(&buf).into_owned();
        let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
        *last_head.lock().await = head;
        let response = match path.as_str() {
            "/ok" => "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok",
            "/redirect" => {
                "HTTP/1.1 302 Found\r\nlocation: /ok\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            }
            "/slow" => {
                tokio::time::sleep(Duration::from_secs(3)).await;
                "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok"
            }
            _ => {
                "HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            }
        };
        let _ = stream.write_all(response.as_bytes()).await;
        let _ = stream.shutdown().await;
    }

    #[tokio::test]
    async fn an_any_address_client_reaches_a_local_server_with_its_user_agent() {
        let server = Server::start().await;
        let http = client(Reach::AnyAddress, TIMEOUT, UA).unwrap();
        let url = check_url(
            &format!("http://127.0.0.1:{}/ok", server.addr.port()),
            Reach::AnyAddress,
        )
        .unwrap();
        let response = http.get(url).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.text().await.unwrap(), "ok");
        let head = server.last_head.lock().await.to_ascii_lowercase();
        assert!(head.contains("user-agent: ace-webhooks/1\r\n"), "{head}");
    }

    #[tokio::test]
    async fn an_any_address_client_reaches_localhost_by_name() {
        let server = Server::start().await;
        let http = client(Reach::AnyAddress, TIMEOUT, UA).unwrap();
        let response = http
            .get(format!("http://localhost:{}/ok", server.addr.port()))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }

    #[tokio::test]
    async fn public_only_check_url_refuses_a_loopback_ip_literal() {
        let server = Server::start().await;
        let raw = format!("http://127.0.0.1:{}/ok", server.addr.port());
        assert_eq!(
            check_url(&raw, Reach::PublicOnly),
            Err(UrlProblem::NotPublic)
        );
        let raw = format!("http://[::1]:{}/ok", server.addr.port());
        assert_eq!(
            check_url(&raw, Reach::PublicOnly),
            Err(UrlProblem::NotPublic)
        );
    }

    #[tokio::test]
    async fn public_only_check_url_refuses_localhost() {
        let server = Server::start().await;
        let raw = format!("http://localhost:{}/ok", server.addr.port());
        assert_eq!(
            check_url(&raw, Reach::PublicOnly),
            Err(UrlProblem::Localhost)
        );
    }

    #[tokio::test]
    async fn a_public_only_client_refuses_a_name_resolving_only_to_loopback_at_connect_time() {
        let server = Server::start().await;
        let http = client(Reach::PublicOnly, TIMEOUT, UA).unwrap();
        // Bypasses check_url on purpose: this is what DNS rebinding looks like to the client.
        let err = http
            .get(format!("http://localhost:{}/ok", server.addr.port()))
            .send()
            .await
            .unwrap_err();
        assert_eq!(
            describe(&err, TIMEOUT),
            "Address not allowed (private network)"
        );
        assert_eq!(server.hits(), 0);
    }

    #[tokio::test]
    async fn a_public_only_client_does_not_filter_ip_literals_so_check_url_must_run_first() {
        let server = Server::start().await;
        let http = client(Reach::PublicOnly, TIMEOUT, UA).unwrap();
        let response = http
            .get(format!("http://127.0.0.1:{}/ok", server.addr.port()))
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "documents the caveat on `client`"
        );
    }

    #[tokio::test]
    async fn a_redirect_is_returned_as_is_and_not_followed() {
        let server = Server::start().await;
        let http = client(Reach::AnyAddress, TIMEOUT, UA).unwrap();
        let response = http
            .get(format!("http://127.0.0.1:{}/redirect", server.addr.port()))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FOUND);
        assert_eq!(server.hits(), 1, "the Location was not requested");
        assert_eq!(
            describe_status(response.status()).as_deref(),
            Some("Redirects are not followed (HTTP 302)")
        );
    }

    #[tokio::test]
    async fn a_server_error_is_described_by_its_status() {
        let server = Server::start().await;
        let http = client(Reach::AnyAddress, TIMEOUT, UA).unwrap();
        let response = http
            .get(format!("http://127.0.0.1:{}/fail", server.addr.port()))
            .send()
            .await
            .unwrap();
        assert_eq!(
            describe_status(response.status()).as_deref(),
            Some("HTTP 500")
        );
        let err = response.error_for_status().unwrap_err();
        assert_eq!(describe(&err, TIMEOUT), "HTTP 500");
        assert_eq!(describe_status(StatusCode::NO_CONTENT), None);
    }

    #[tokio::test]
    async fn a_server_slower_than_the_timeout_yields_the_timeout_description() {
        let server = Server::start().await;
        let timeout = Duration::from_secs(1);
        let http = client(Reach::AnyAddress, timeout, UA).unwrap();
        let err = http
            .get(format!("http://127.0.0.1:{}/slow", server.addr.port()))
            .send()
            .await
            .unwrap_err();
        assert_eq!(describe(&err, timeout), "Timeout after 1s");
        assert_eq!(
            describe(&err, Duration::from_millis(1500)),
            "Timeout after 1500ms"
        );
    }

    #[tokio::test]
    async fn an_unresolvable_name_yields_dns_lookup_failed() {
        for reach in [Reach::AnyAddress, Reach::PublicOnly] {
            let http = client(reach, TIMEOUT, UA).unwrap();
            let err = http
                .get("http://no-such-host.invalid/")
                .send()
                .await
                .unwrap_err();
            assert_eq!(describe(&err, TIMEOUT), "DNS lookup failed", "{reach:?}");
        }
    }

    #[tokio::test]
    async fn a_closed_port_yields_connection_refused() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let http = client(Reach::AnyAddress, TIMEOUT, UA).unwrap();
        let err = http
            .get(format!("http://127.0.0.1:{port}/"))
            .send()
            .await
            .unwrap_err();
        assert_eq!(describe(&err, TIMEOUT), "Connection refused");
    }

    #[tokio::test]
    async fn https_to_a_plain_http_server_yields_a_tls_failure() {
        let server = Server::start().await;
        let http = client(Reach::AnyAddress, TIMEOUT, UA).unwrap();
        let err = http
            .get(format!("https://127.0.0.1:{}/ok", server.addr.port()))
            .send()
            .await
            .unwrap_err();
        assert_eq!(describe(&err, TIMEOUT), "TLS handshake failed");
    }
}
