//! Direct uploads: blobs a client sends straight to storage, then turns into a resource by
//! their signed id. A row moves from created, to receiving (one PUT at a time), to uploaded,
//! to attached (once).

use ace_domain::ids::{DirectUploadId, UserId};
use chrono::{DateTime, Utc};
use sqlx::FromRow;
use sqlx::types::Json;

use crate::{DbResult, Session, execute, fetch_all, fetch_one, fetch_optional};

/// A stored direct upload.
#[derive(Clone, Debug, FromRow)]
pub struct DirectUploadRecord {
    #[sqlx(try_from = "i64")]
    pub id: DirectUploadId,
    #[sqlx(try_from = "i64")]
    pub user_id: UserId,
    pub storage_key: String,
    pub filename: String,
    pub content_type: String,
    pub byte_size: i64,
    /// Base64 MD5 the bytes must have.
    pub checksum: String,
    pub metadata: Json<serde_json::Value>,
    pub receiving_at: Option<DateTime<Utc>>,
    pub uploaded_at: Option<DateTime<Utc>>,
    pub attached_at: Option<DateTime<Utc>>,
    pub expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

/// A direct upload to record.
#[derive(Clone, Debug)]
pub struct NewDirectUpload {
    pub user_id: UserId,
    pub storage_key: String,
    pub filename: String,
    pub content_type: String,
    pub byte_size: i64,
    pub checksum: String,
    pub metadata: serde_json::Value,
    pub expires_at: DateTime<Utc>,
}

macro_rules! columns {
    () => {
        "id, user_id, storage_key, filename, content_type, byte_size, checksum, metadata, receiving_at, \
         uploaded_at, attached_at, expires_at, created_at"
    };
}

pub async fn insert(
    db: &mut dyn Session,
    new: &NewDirectUpload,
    now: DateTime<Utc>,
) -> DbResult<DirectUploadRecord> {
    let sql = concat!(
        "INSERT INTO direct_uploads (user_id, storage_key, filename, content_type, byte_size, checksum, metadata, \
           expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ",
        columns!()
    );
    Ok(fetch_one!(
        db,
        sqlx::query_as(sql)
            .bind(new.user_id.get())
            .bind(&new.storage_key)
            .bind(&new.filename)
            .bind(&new.content_type)
            .bind(new.byte_size)
            .bind(&new.checksum)
            .bind(Json(&new.metadata))
            .bind(new.expires_at)
            .bind(now)
    ))
}

pub async fn find(
    db: &mut dyn Session,
    id: DirectUploadId,
) -> DbResult<Option<DirectUploadRecord>> {
    let sql = concat!("SELECT ", columns!(), " FROM direct_uploads WHERE id = $1");
    Ok(fetch_optional!(db, sqlx::query_as(sql).bind(id.get())))
}

/// Claims the upload for one PUT; `false` when another PUT holds it or it already arrived.
/// A claim older than `stale_before` is taken over: its process died mid-upload.
pub async fn start_receiving(
    db: &mut dyn Session,
    id: DirectUploadId,
    now: DateTime<Utc>,
    stale_before: DateTime<Utc>,
) -> DbResult<bool> {
    let sql = "UPDATE direct_uploads SET receiving_at = $2 \
               WHERE id = $1 AND uploaded_at IS NULL AND (receiving_at IS NULL OR receiving_at < $3)";
    Ok(execute!(
        db,
        sqlx::query(sql).bind(id.get()).bind(now).bind(stale_before)
    ) == 1)
}

/// Gives a failed PUT's claim back, so the client may try again.
pub async fn stop_receiving(db: &mut dyn Session, id: DirectUploadId) -> DbResult<()> {
    let sql = "UPDATE direct_uploads SET receiving_at = NULL WHERE id = $1 AND uploaded_at IS NULL";
    execute!(db, sqlx::query(sql).bind(id.get()));
    Ok(())
}

/// Records that the bytes arrived and were verified.
pub async fn mark_uploaded(
    db: &mut dyn Session,
    id: DirectUploadId,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let sql = "UPDATE direct_uploads SET uploaded_at = $2, receiving_at = NULL WHERE id = $1";
    execute!(db, sqlx::query(sql).bind(id.get()).bind(now));
    Ok(())
}

/// Records that the upload became a resource; `false` if it already had.
pub async fn mark_attached(
    db: &mut dyn Session,
    id: DirectUploadId,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    let sql = "UPDATE direct_uploads SET attached_at = $2 WHERE id = $1 AND attached_at IS NULL";
    Ok(execute!(db, sqlx::query(sql).bind(id.get()).bind(now)) == 1)
}

/// An expired upload, removed by [`remove_expired`].
#[derive(Clone, Debug, FromRow)]
pub struct ExpiredUpload {
    pub storage_key: String,
    /// Set when the blob became a resource, which now owns it.
    pub attached_at: Option<DateTime<Utc>>,
}

/// Removes up to `limit` uploads whose signed id expired before `now`, and returns them so
/// the blobs no resource owns can be deleted. Each row goes to exactly one caller.
pub async fn remove_expired(
    db: &mut dyn Session,
    now: DateTime<Utc>,
    limit: i64,
) -> DbResult<Vec<ExpiredUpload>> {
    let sql = "DELETE FROM direct_uploads WHERE id IN \
               (SELECT id FROM direct_uploads WHERE expires_at < $1 ORDER BY id LIMIT $2) \
               RETURNING storage_key, attached_at";
    Ok(fetch_all!(db, sqlx::query_as(sql).bind(now).bind(limit)))
}
