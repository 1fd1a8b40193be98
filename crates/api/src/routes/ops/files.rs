//! Public delivery of stored blobs under `/files/{key}`, as GEN's CDN links behave: no
//! credential, long caching (keys are random and never reused), `ETag`/`If-None-Match`, single
//! byte ranges (206) so downloads can resume, and 404 once a blob is deleted. Unverified
//! uploads (the staging area) are never served.

use ace_app::files::public::{self, ByteRange};
use ace_app::{AppResult, ErrorCode};
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::error::{ApiError, envelope};
use crate::state::ApiState;

/// `GET` (and `HEAD`) `/files/{key}`.
pub async fn get_file(
    State(state): State<ApiState>,
    Path(key): Path<String>,
    request_headers: HeaderMap,
) -> Response {
    match serve(&state, &key, &request_headers).await {
        Ok(response) => response,
        Err(err) => ApiError(err).into_response(),
    }
}

async fn serve(state: &ApiState, key: &str, request_headers: &HeaderMap) -> AppResult<Response> {
    let not_found = || {
        envelope(
            StatusCode::NOT_FOUND,
            "No file at this address.",
            ErrorCode::NotFound.as_str(),
        )
    };
    let Some(meta) = public::head(&state.app, key).await? else {
        return Ok(not_found());
    };
    let etag = format!(
        "\"{}\"",
        meta.etag.clone().unwrap_or_else(|| format!(
            "{:x}-{:x}",
            meta.size,
            meta.last_modified.timestamp()
        ))
    );
    let mut headers = HeaderMap::new();
    headers.insert(header::ETAG, value(&etag));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    headers.insert(
        header::LAST_MODIFIED,
        value(
            &meta
                .last_modified
                .format("%a, %d %b %Y %H:%M:%S GMT")
                .to_string(),
        ),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );

    if let Some(tags) = request_headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        && tags
            .split(',')
            .map(str::trim)
            .any(|tag| tag == "*" || tag.trim_start_matches("W/") == etag)
    {
        return Ok((StatusCode::NOT_MODIFIED, headers).into_response());
    }
    // A range applies unless `If-Range` names another version.
    let if_range_matches = request_headers
        .get(header::IF_RANGE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|tag| tag.trim() == etag);
    let requested = request_headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .filter(|_| if_range_matches)
        .map(parse_range);
    let range = match requested {
        None | Some(Err(Unsupported)) => None,
        Some(Ok(range)) => match range.resolve(meta.size) {
            Some(range) => Some(range),
            None => {
                headers.insert(
                    header::CONTENT_RANGE,
                    value(&format!("bytes */{}", meta.size)),
                );
                let mut response = envelope(
                    StatusCode::RANGE_NOT_SATISFIABLE,
                    "The requested range is outside the file.",
                    ErrorCode::BadRequest.as_str(),
                );
                response.headers_mut().extend(headers);
                return Ok(response);
            }
        },
    };
    let Some(read) = public::read(&state.app, key, range.clone()).await? else {
        return Ok(not_found());
    };
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(ace_app::files::mime_for_key(key)),
    );
    headers.insert(
        header::CONTENT_LENGTH,
        value(&(read.range.end - read.range.start).to_string()),
    );
    let status = if range.is_some() {
        headers.insert(
            header::CONTENT_RANGE,
            value(&format!(
                "bytes {}-{}/{}",
                read.range.start,
                read.range.end - 1,
                read.meta.size
            )),
        );
        StatusCode::PARTIAL_CONTENT
    } else {
        StatusCode::OK
    };
    Ok((status, headers, Body::from_stream(read.stream)).into_response())
}

/// A `Range` header this server does not honour (several ranges, other units); the whole file
/// is sent instead, as HTTP allows.
struct Unsupported;

fn parse_range(header: &str) -> Result<ByteRange, Unsupported> {
    let spec = header.trim().strip_prefix("bytes=").ok_or(Unsupported)?;
    if spec.contains(',') {
        return Err(Unsupported);
    }
    let (first, last) = spec.trim().split_once('-').ok_or(Unsupported)?;
    let number = |text: &str| text.trim().parse::<u64>().map_err(|_| Unsupported);
    match (first.trim().is_empty(), last.trim().is_empty()) {
        (false, false) => Ok(ByteRange::Inclusive(number(first)?, number(last)?)),
        (false, true) => Ok(ByteRange::From(number(first)?)),
        (true, false) => Ok(ByteRange::Suffix(number(last)?)),
        (true, true) => Err(Unsupported),
    }
}

fn value(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static("invalid"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_byte_ranges_parse_and_others_are_ignored() {
        assert_eq!(
            parse_range("bytes=0-99").ok(),
            Some(ByteRange::Inclusive(0, 99))
        );
        assert_eq!(parse_range("bytes=100-").ok(), Some(ByteRange::From(100)));
        assert_eq!(parse_range("bytes=-500").ok(), Some(ByteRange::Suffix(500)));
        assert!(parse_range("bytes=0-1,5-9").is_err());
        assert!(parse_range("items=0-1").is_err());
        assert!(parse_range("bytes=-").is_err());
    }
}
