//! Both blob backends behave alike: the same checks run on the local filesystem, and on an
//! S3-compatible server when `ACE_TEST_S3_ENDPOINT` names one (the test script starts moto).

use ace_storage::{BlobStore, ByteRange, S3Config, StorageConfig};
use bytes::Bytes;
use futures::TryStreamExt;

/// A store under test, with whatever keeps it alive.
struct Backend {
    name: &'static str,
    store: BlobStore,
    _dir: Option<tempfile::TempDir>,
}

/// The local store, plus an S3 store on a fresh bucket when an endpoint is configured.
async fn backends() -> Vec<Backend> {
    let dir = tempfile::tempdir().unwrap();
    let local = BlobStore::local(dir.path(), "http://localhost:8080/files").unwrap();
    let mut backends = vec![Backend {
        name: "local",
        store: local,
        _dir: Some(dir),
    }];
    if let Some(bucket) = ace_fixtures::fresh_bucket().await {
        let config = StorageConfig::S3(S3Config {
            bucket: bucket.bucket,
            endpoint: Some(bucket.endpoint),
            region: bucket.region,
            access_key_id: bucket.access_key_id,
            secret_access_key: bucket.secret_access_key,
            path_style: true,
        });
        let store = BlobStore::open(&config, "http://localhost:8080/files").unwrap();
        backends.push(Backend {
            name: "s3",
            store,
            _dir: None,
        });
    }
    backends
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

#[tokio::test]
async fn a_blob_streamed_in_parts_reads_back_whole() {
    for backend in backends().await {
        let data = pattern(12 * 1024 * 1024 + 17);
        let mut writer = backend.store.writer("streamed/big.bin").await.unwrap();
        for chunk in data.chunks(1024 * 1024 + 3) {
            writer.write(Bytes::copy_from_slice(chunk)).await.unwrap();
        }
        assert!(
            backend
                .store
                .head("streamed/big.bin")
                .await
                .unwrap()
                .is_none(),
            "{}: nothing is visible before finish",
            backend.name
        );
        assert_eq!(writer.finish().await.unwrap(), data.len() as u64);
        let meta = backend
            .store
            .head("streamed/big.bin")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(meta.size, data.len() as u64, "{}", backend.name);
        assert!(meta.etag.is_some(), "{}", backend.name);
        let read = backend
            .store
            .read("streamed/big.bin", None)
            .await
            .unwrap()
            .unwrap();
        let body: Vec<Bytes> = read.stream.try_collect().await.unwrap();
        assert_eq!(body.concat(), data, "{}", backend.name);
    }
}

#[tokio::test]
async fn an_aborted_write_leaves_nothing() {
    for backend in backends().await {
        let mut writer = backend.store.writer("aborted/x.bin").await.unwrap();
        writer.write(Bytes::from(pattern(1000))).await.unwrap();
        writer.abort().await;
        assert!(
            backend.store.head("aborted/x.bin").await.unwrap().is_none(),
            "{}",
            backend.name
        );
        assert!(
            backend.store.list("aborted").await.unwrap().is_empty(),
            "{}",
            backend.name
        );
    }
}

#[tokio::test]
async fn ranged_reads_return_exactly_the_bytes_asked_for() {
    for backend in backends().await {
        let data = pattern(100_000);
        backend
            .store
            .put("ranged/blob.bin", Bytes::from(data.clone()))
            .await
            .unwrap();
        for range in [
            ByteRange::Inclusive(0, 0),
            ByteRange::Inclusive(1000, 1999),
            ByteRange::From(99_000),
            ByteRange::Suffix(10),
        ] {
            let wanted = range.resolve(data.len() as u64).unwrap();
            let read = backend
                .store
                .read("ranged/blob.bin", Some(wanted.clone()))
                .await
                .unwrap()
                .unwrap();
            assert_eq!(read.range, wanted, "{}", backend.name);
            assert_eq!(read.meta.size, data.len() as u64);
            let body: Vec<Bytes> = read.stream.try_collect().await.unwrap();
            let wanted =
                usize::try_from(wanted.start).unwrap()..usize::try_from(wanted.end).unwrap();
            assert_eq!(body.concat(), &data[wanted], "{}: {range:?}", backend.name);
        }
    }
}

#[tokio::test]
async fn a_deleted_blob_is_gone_and_deleting_twice_is_fine() {
    for backend in backends().await {
        backend
            .store
            .put("gone/a.txt", Bytes::from_static(b"a"))
            .await
            .unwrap();
        backend.store.delete("gone/a.txt").await.unwrap();
        backend.store.delete("gone/a.txt").await.unwrap();
        assert!(
            backend.store.head("gone/a.txt").await.unwrap().is_none(),
            "{}",
            backend.name
        );
        assert!(
            backend.store.get("gone/a.txt").await.unwrap().is_none(),
            "{}",
            backend.name
        );
        assert!(
            backend
                .store
                .read("gone/a.txt", None)
                .await
                .unwrap()
                .is_none(),
            "{}",
            backend.name
        );
    }
}

#[tokio::test]
async fn listing_by_prefix_finds_only_that_prefix() {
    for backend in backends().await {
        for key in [
            "listed/a/1.bin",
            "listed/a/2.bin",
            "listed/ab/3.bin",
            "listed/b/4.bin",
        ] {
            backend
                .store
                .put(key, Bytes::from_static(b"x"))
                .await
                .unwrap();
        }
        let keys: Vec<String> = backend
            .store
            .list("listed/a")
            .await
            .unwrap()
            .into_iter()
            .map(|m| m.key)
            .collect();
        assert_eq!(
            keys,
            ["listed/a/1.bin", "listed/a/2.bin"],
            "{}",
            backend.name
        );
        assert_eq!(
            backend.store.list("listed").await.unwrap().len(),
            4,
            "{}",
            backend.name
        );
    }
}

#[tokio::test]
async fn a_blob_moves_to_a_new_key() {
    for backend in backends().await {
        backend
            .store
            .put("staging/x.bin", Bytes::from_static(b"moved"))
            .await
            .unwrap();
        backend
            .store
            .rename("staging/x.bin", "final/x.bin")
            .await
            .unwrap();
        assert!(
            backend.store.head("staging/x.bin").await.unwrap().is_none(),
            "{}",
            backend.name
        );
        assert_eq!(
            backend.store.get("final/x.bin").await.unwrap().unwrap(),
            Bytes::from_static(b"moved")
        );
    }
}

#[tokio::test]
async fn only_s3_hands_out_presigned_uploads_and_they_work() {
    for backend in backends().await {
        let data = b"presigned bytes".to_vec();
        let md5 = base64_md5(&data);
        let signed = backend
            .store
            .presign_put(
                "direct/x.bin",
                "application/octet-stream",
                &md5,
                std::time::Duration::from_secs(60),
            )
            .await
            .unwrap();
        match (backend.name, signed) {
            ("local", None) => {}
            ("s3", Some(signed)) => {
                let mut put = reqwest::Client::new().put(&signed.url).body(data.clone());
                for (name, value) in &signed.headers {
                    put = put.header(name, value);
                }
                let response = put.send().await.unwrap();
                assert!(
                    response.status().is_success(),
                    "{}",
                    response.text().await.unwrap()
                );
                assert_eq!(
                    backend.store.get("direct/x.bin").await.unwrap().unwrap(),
                    Bytes::from(data)
                );
            }
            (name, other) => panic!("{name}: unexpected {other:?}"),
        }
    }
}

fn base64_md5(data: &[u8]) -> String {
    use base64::Engine;
    use md5::Digest;
    base64::engine::general_purpose::STANDARD.encode(md5::Md5::digest(data))
}

#[tokio::test]
async fn a_public_url_leads_back_to_its_key_and_nothing_else_does() {
    for backend in backends().await {
        let store = &backend.store;
        let url = store.public_url("generated/7/render.mp4");
        assert_eq!(
            store.key_of_public_url(&url),
            Some("generated/7/render.mp4"),
            "{}",
            backend.name
        );
        for other in [
            "http://localhost:8080/files/",
            "http://localhost:8080/files/../secret",
            "http://localhost:8080/files/a//b",
            "http://localhost:8080/files/a.mp4?x=1",
            "http://localhost:8080/filesystem/a.mp4",
            "https://example.com/files/a.mp4",
        ] {
            assert_eq!(store.key_of_public_url(other), None, "{other}");
        }
    }
}
