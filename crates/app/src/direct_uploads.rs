//! Direct uploads, for files up to 1 GB: the client declares a blob (name, size, MD5, type),
//! PUTs the bytes straight to storage, then names the blob by its signed id to make it a
//! resource. On S3 the PUT goes to a presigned URL (S3 checks the MD5 and type it is bound
//! to); on the local filesystem it comes to ace, at a signed single-use URL, and is verified
//! before it becomes visible.

use std::time::Duration as StdDuration;

use ace_db::direct_uploads::{self as store, DirectUploadRecord, NewDirectUpload};
use ace_domain::ids::DirectUploadId;
use ace_storage::STAGING_PREFIX;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use chrono::{DateTime, Duration, Utc};
use futures::{Stream, StreamExt};

use crate::files::delete_blobs;
use ace_media::formats::by_mime;

use crate::files::{BackgroundMd5, clean_filename};
use crate::{Actor, App, AppError, AppResult, ErrorCode, ErrorKind};
use ace_net::signed_tokens::TokenProblem;

/// How long an upload URL works.
const UPLOAD_URL_TTL: Duration = Duration::hours(1);
/// How long a signed id can be turned into a resource.
const SIGNED_ID_TTL: Duration = Duration::hours(24);
const BLOB_PURPOSE: &str = "blob";
const UPLOAD_PURPOSE: &str = "upload";

/// A blob as the client declares it.
#[derive(Clone, Debug, Default)]
pub struct BlobRequest {
    pub filename: Option<String>,
    pub byte_size: Option<i64>,
    /// Base64 MD5 of the bytes.
    pub checksum: Option<String>,
    pub content_type: Option<String>,
    pub metadata: Option<serde_json::Value>,
}

/// A declared blob with where and how to upload it.
#[derive(Clone, Debug)]
pub struct Ticket {
    pub id: DirectUploadId,
    /// Where the bytes will be stored.
    pub key: String,
    pub filename: String,
    pub content_type: String,
    pub byte_size: i64,
    /// Base64 MD5 of the bytes, as declared.
    pub checksum: String,
    pub metadata: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub signed_id: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
}

/// The headers a PUT to an upload URL came with.
#[derive(Clone, Debug, Default)]
pub struct PutHeaders {
    pub content_type: Option<String>,
    pub content_md5: Option<String>,
    pub content_length: Option<u64>,
}

/// Declares a blob and hands out its upload URL and signed id.
pub async fn create(app: &App, actor: &Actor, request: BlobRequest) -> AppResult<Ticket> {
    let invalid = |message: String| upload_failed(message);
    let filename = request
        .filename
        .as_deref()
        .and_then(clean_filename)
        .ok_or_else(|| invalid("blob.filename is required".into()))?;
    let content_type = request
        .content_type
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_ascii_lowercase();
    let format = by_mime(&content_type).ok_or_else(|| {
        AppError::unprocessable(
            ErrorCode::InvalidContentType,
            format!("{content_type:?} is not an accepted type; send an image, video, audio, ZIP or safetensors type."),
        )
    })?;
    let limit = app.settings.max_file_bytes;
    let byte_size = request
        .byte_size
        .ok_or_else(|| invalid("blob.byte_size is required".into()))?;
    if byte_size <= 0 {
        return Err(invalid("blob.byte_size must be positive".into()));
    }
    if u64::try_from(byte_size).unwrap_or(u64::MAX) > limit {
        return Err(AppError::unprocessable(
            ErrorCode::FileSizeExceeded,
            format!("The file is {byte_size} bytes; the most this server accepts is {limit}."),
        ));
    }
    let checksum = request
        .checksum
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_owned();
    if STANDARD.decode(&checksum).map(|d| d.len()) != Ok(16) {
        return Err(invalid(
            "blob.checksum must be the base64 MD5 of the file (24 characters)".into(),
        ));
    }
    let metadata = match request.metadata {
        None | Some(serde_json::Value::Null) => serde_json::json!({}),
        Some(object @ serde_json::Value::Object(_)) if object.to_string().len() <= 4_096 => object,
        Some(_) => {
            return Err(invalid(
                "blob.metadata must be an object of at most 4 KiB".into(),
            ));
        }
    };
    let now = app.clock.now();
    let new = NewDirectUpload {
        user_id: actor.user_id,
        storage_key: format!(
            "resources/{}.{}",
            uuid::Uuid::new_v4().simple(),
            format.extension
        ),
        filename,
        content_type: format.mime.to_owned(),
        byte_size,
        checksum,
        metadata,
        expires_at: now + SIGNED_ID_TTL,
    };
    let record = store::insert(&mut app.db.writer().await?, &new, now).await?;
    let signed_id = app
        .signer
        .sign(BLOB_PURPOSE, record.id.get(), record.expires_at);
    let ttl = StdDuration::from_secs(u64::try_from(UPLOAD_URL_TTL.num_seconds()).unwrap_or(3_600));
    let presigned = app
        .storage
        .presign_put(
            &record.storage_key,
            &record.content_type,
            &record.checksum,
            ttl,
        )
        .await
        .map_err(|err| AppError {
            source: Some(err.into()),
            ..upload_failed("The upload URL could not be made.")
        })?;
    let (url, headers) = match presigned {
        Some(presigned) => (presigned.url, presigned.headers),
        None => {
            let token = app
                .signer
                .sign(UPLOAD_PURPOSE, record.id.get(), now + UPLOAD_URL_TTL);
            let url = format!(
                "{}/v1/direct_uploads/{token}",
                app.settings.public_url.trim_end_matches('/')
            );
            let headers = vec![
                ("Content-Type".to_owned(), record.content_type.clone()),
                ("Content-MD5".to_owned(), record.checksum.clone()),
            ];
            (url, headers)
        }
    };
    Ok(Ticket {
        id: record.id,
        key: record.storage_key,
        filename: record.filename,
        content_type: record.content_type,
        byte_size: record.byte_size,
        checksum: record.checksum,
        metadata: record.metadata.0,
        created_at: record.created_at,
        signed_id,
        url,
        headers,
    })
}

/// Receives the bytes PUT to a local upload URL: once, with the declared type, MD5 and size,
/// or not at all. The blob becomes visible only after it is verified.
pub async fn receive<S, E>(app: &App, token: &str, headers: &PutHeaders, body: S) -> AppResult<()>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let now = app.clock.now();
    let id = app
        .signer
        .verify(UPLOAD_PURPOSE, token, now)
        .map_err(|problem| {
            AppError::forbidden(
                ErrorCode::Forbidden,
                match problem {
                    TokenProblem::Expired => "This upload URL has expired; ask for a new one.",
                    TokenProblem::Invalid => "This upload URL is not valid.",
                },
            )
        })?;
    let id = DirectUploadId::new(id);
    let mut conn = app.db.conn().await?;
    let record = store::find(&mut conn, id).await?.ok_or_else(|| {
        AppError::forbidden(ErrorCode::Forbidden, "This upload URL is not valid.")
    })?;
    drop(conn);
    check_headers(&record, headers)?;
    let started =
        store::start_receiving(&mut app.db.writer().await?, id, now, now - UPLOAD_URL_TTL).await?;
    if !started {
        return Err(upload_failed(
            "This file has already been uploaded (or is being uploaded now).",
        ));
    }
    let staging = format!("{STAGING_PREFIX}{}", uuid::Uuid::new_v4().simple());
    let verified = stream_verified(app, &record, &staging, body).await;
    match verified {
        Ok(()) => {
            app.storage.rename(&staging, &record.storage_key).await?;
            store::mark_uploaded(&mut app.db.writer().await?, id, app.clock.now()).await?;
            Ok(())
        }
        Err(err) => {
            let _ = app.storage.delete(&staging).await;
            store::stop_receiving(&mut app.db.writer().await?, id).await?;
            Err(err)
        }
    }
}

async fn stream_verified<S, E>(
    app: &App,
    record: &DirectUploadRecord,
    staging: &str,
    mut body: S,
) -> AppResult<()>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let expected = u64::try_from(record.byte_size).unwrap_or_default();
    let mut writer = app.storage.writer(staging).await?;
    let md5 = BackgroundMd5::start();
    let outcome = async {
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| {
                AppError::new(
                    ErrorKind::BadRequest,
                    ErrorCode::BadRequest,
                    format!("The upload was interrupted: {e}"),
                )
            })?;
            if writer.written() + chunk.len() as u64 > expected {
                return Err(upload_failed(format!(
                    "More bytes arrived than the {expected} declared."
                )));
            }
            md5.update(chunk.clone()).await;
            writer.write(chunk).await?;
        }
        if writer.written() != expected {
            return Err(upload_failed(format!(
                "{} bytes arrived; {expected} were declared.",
                writer.written()
            )));
        }
        Ok(())
    }
    .await;
    if let Err(err) = outcome {
        writer.abort().await;
        return Err(err);
    }
    writer.finish().await?;
    if md5.finish().await != record.checksum {
        return Err(upload_failed(
            "The bytes do not match the declared MD5 checksum.",
        ));
    }
    Ok(())
}

fn check_headers(record: &DirectUploadRecord, headers: &PutHeaders) -> AppResult<()> {
    let content_type = headers.content_type.as_deref().map(|t| {
        t.split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    });
    if content_type.as_deref() != Some(record.content_type.as_str()) {
        return Err(upload_failed(format!(
            "Send the header Content-Type: {}.",
            record.content_type
        )));
    }
    if headers.content_md5.as_deref().map(str::trim) != Some(record.checksum.as_str()) {
        return Err(upload_failed(format!(
            "Send the header Content-MD5: {}.",
            record.checksum
        )));
    }
    if let Some(length) = headers.content_length
        && i64::try_from(length).ok() != Some(record.byte_size)
    {
        return Err(upload_failed(format!(
            "Content-Length is {length}; {} bytes were declared.",
            record.byte_size
        )));
    }
    Ok(())
}

/// Checks a signed id and returns its upload, which must be the caller's, uploaded, and not
/// yet a resource.
pub(crate) async fn claim(
    app: &App,
    actor: &Actor,
    signed_id: &str,
) -> AppResult<DirectUploadRecord> {
    let now = app.clock.now();
    let id = app
        .signer
        .verify(BLOB_PURPOSE, signed_id, now)
        .map_err(|problem| {
            AppError::resource_creation_failed(match problem {
                TokenProblem::Expired => "This signed id has expired; upload the file again.",
                TokenProblem::Invalid => {
                    "This signed id is not valid: it was altered or not issued by this server."
                }
            })
        })?;
    let mut conn = app.db.conn().await?;
    let record = store::find(&mut conn, DirectUploadId::new(id))
        .await?
        .filter(|r| r.user_id == actor.user_id)
        .ok_or_else(|| {
            AppError::resource_creation_failed(
                "This signed id is not valid: it was altered or not issued by this server.",
            )
        })?;
    if record.attached_at.is_some() {
        return Err(AppError::resource_creation_failed(
            "This upload has already been turned into a resource.",
        ));
    }
    let not_uploaded =
        || AppError::resource_creation_failed("No file has been uploaded for this signed id yet.");
    if app.storage.is_s3() {
        let meta = app
            .storage
            .head(&record.storage_key)
            .await?
            .ok_or_else(not_uploaded)?;
        let md5_hex = STANDARD
            .decode(&record.checksum)
            .map(hex::encode)
            .unwrap_or_default();
        if i64::try_from(meta.size).ok() != Some(record.byte_size)
            || meta.etag.as_deref() != Some(md5_hex.as_str())
        {
            return Err(AppError::resource_creation_failed(
                "The uploaded file does not match the declared size and checksum.",
            ));
        }
    } else if record.uploaded_at.is_none() {
        return Err(not_uploaded());
    }
    Ok(record)
}

/// Marks an upload whose bytes were copied elsewhere (into an avatar) as used, and deletes
/// its bytes: its signed id works once.
pub(crate) async fn use_up(app: &App, upload: &DirectUploadRecord) -> AppResult<()> {
    let marked =
        store::mark_attached(&mut app.db.writer().await?, upload.id, app.clock.now()).await?;
    if marked {
        delete_blobs(app, [upload.storage_key.clone()]).await;
    }
    Ok(())
}

/// Deletes direct uploads whose signed id has expired, with the blobs that never became a
/// resource. Returns how many uploads it removed.
pub async fn sweep_expired(app: &App) -> AppResult<usize> {
    const BATCH: i64 = 500;
    let mut removed = 0;
    loop {
        let expired =
            store::remove_expired(&mut app.db.writer().await?, app.clock.now(), BATCH).await?;
        let count = expired.len();
        let orphans: Vec<String> = expired
            .into_iter()
            .filter_map(|upload| upload.attached_at.is_none().then_some(upload.storage_key))
            .collect();
        delete_blobs(app, orphans).await;
        removed += count;
        if i64::try_from(count).unwrap_or(i64::MAX) < BATCH {
            return Ok(removed);
        }
    }
}

/// GEN's error for a direct upload that cannot be made or received.
pub fn upload_failed(message: impl Into<String>) -> AppError {
    AppError::unprocessable(ErrorCode::DirectUploadFailed, message)
}
