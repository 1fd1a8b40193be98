//! `/files/{key}`: public delivery of stored files, as a CDN serves them.

use crate::harness::TestApp;
use crate::harness::{fetch, uploaded};
use reqwest::Method;

/// A WAV of about 160 kB, uploaded; returns its URL path and bytes.
async fn stored_wav(app: &TestApp) -> (String, Vec<u8>) {
    let mut bytes = crate::harness::wav(10_000);
    // Make the samples differ so a misplaced range shows.
    for (i, byte) in bytes.iter_mut().enumerate().skip(44) {
        *byte = (i % 251) as u8;
    }
    let resource = uploaded(
        &app.owner.client,
        app.owner.agent_id.get(),
        "long.wav",
        bytes.clone(),
    )
    .await;
    let url = resource["url"].as_str().unwrap();
    (
        format!("/files/{}", url.split_once("/files/").unwrap().1),
        bytes,
    )
}

fn get(app: &TestApp, path: &str) -> reqwest::RequestBuilder {
    app.anonymous().request(Method::GET, path)
}

#[tokio::test]
async fn a_file_is_served_whole_with_its_type_length_and_long_caching() {
    let app = TestApp::spawn().await;
    let (path, bytes) = stored_wav(&app).await;
    let response = get(&app, &path).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "audio/wav");
    assert_eq!(headers["content-length"], bytes.len().to_string().as_str());
    assert_eq!(headers["accept-ranges"], "bytes");
    assert!(
        headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age=31536000")
    );
    assert!(headers.contains_key("etag") && headers.contains_key("last-modified"));
    assert_eq!(response.bytes().await.unwrap(), bytes);

    let head = app
        .anonymous()
        .request(Method::HEAD, &path)
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(
        head.headers()["content-length"],
        bytes.len().to_string().as_str()
    );
}

#[tokio::test]
async fn byte_ranges_come_back_as_206_with_exactly_those_bytes() {
    let app = TestApp::spawn().await;
    let (path, bytes) = stored_wav(&app).await;
    let total = bytes.len();
    for (range, start, end) in [
        ("bytes=0-999", 0, 1000),
        ("bytes=1000-", 1000, total),
        ("bytes=-500", total - 500, total),
    ] {
        let response = get(&app, &path)
            .header("range", range)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 206, "{range}");
        assert_eq!(
            response.headers()["content-range"],
            format!("bytes {start}-{}/{total}", end - 1).as_str()
        );
        assert_eq!(
            response.headers()["content-length"],
            (end - start).to_string().as_str()
        );
        assert_eq!(
            response.bytes().await.unwrap(),
            bytes[start..end],
            "{range}"
        );
    }
    let outside = get(&app, &path)
        .header("range", format!("bytes={total}-"))
        .send()
        .await
        .unwrap();
    assert_eq!(outside.status(), 416);
    assert_eq!(
        outside.headers()["content-range"],
        format!("bytes */{total}").as_str()
    );
    let several = get(&app, &path)
        .header("range", "bytes=0-1,5-9")
        .send()
        .await
        .unwrap();
    assert_eq!(several.status(), 200, "several ranges get the whole file");
    let stale = get(&app, &path)
        .header("range", "bytes=0-9")
        .header("if-range", "\"another-version\"")
        .send()
        .await
        .unwrap();
    assert_eq!(
        stale.status(),
        200,
        "If-Range naming another version gets the whole file"
    );
}

#[tokio::test]
async fn an_interrupted_download_resumes_where_it_stopped() {
    let app = TestApp::spawn().await;
    let (path, bytes) = stored_wav(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let partial = dir.path().join("long.wav");
    std::fs::write(&partial, &bytes[..12_345]).unwrap();
    let output = tokio::process::Command::new("curl")
        .args(["-sS", "--fail", "-C", "-", "-o"])
        .arg(&partial)
        .arg(app.anonymous().url(&path))
        .output()
        .await
        .expect("curl runs");
    assert!(
        output.status.success(),
        "curl resumed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(std::fs::read(&partial).unwrap(), bytes);
}

#[tokio::test]
async fn a_matching_etag_gets_304_and_no_body() {
    let app = TestApp::spawn().await;
    let (path, _) = stored_wav(&app).await;
    let etag = get(&app, &path).send().await.unwrap().headers()["etag"].clone();
    let again = get(&app, &path)
        .header("if-none-match", etag.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()["etag"], etag);
    assert!(again.bytes().await.unwrap().is_empty());
    let changed = get(&app, &path)
        .header("if-none-match", "\"something-else\"")
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);
}

#[tokio::test]
async fn unknown_keys_and_unverified_uploads_are_not_served() {
    let app = TestApp::spawn().await;
    app.app
        .storage()
        .put("staging/abc", b"not yet verified".to_vec().into())
        .await
        .unwrap();
    for path in [
        "/files/staging/abc",
        "/files/resources/0123456789abcdef0123456789abcdef.png",
        "/files/../data/ace.db",
    ] {
        let response = get(&app, path).send().await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
    }
    let resource = uploaded(
        &app.owner.client,
        app.owner.agent_id.get(),
        "a.png",
        crate::harness::image("png", 4, 4),
    )
    .await;
    assert_eq!(
        fetch(&app, resource["url"].as_str().unwrap())
            .await
            .status(),
        200
    );
}
