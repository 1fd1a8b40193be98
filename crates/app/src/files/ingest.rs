//! Streaming an upload into storage. The first bytes decide the format (and are checked
//! against what the client declared) before anything is stored; the rest goes to storage as it
//! arrives, with its size bounded. Only small images are kept in memory, for their thumbnails.
//! No checksum is computed: nothing asks for one, and hashing would halve the throughput.

use std::fmt::Display;

use ace_storage::BlobWriter;
use bytes::{Bytes, BytesMut};
use futures::{Stream, StreamExt};

use super::names::clean_filename;
use crate::App;
use ace_media::formats::{FileKind, Format, accepted_list, check_declared, sniff};

/// Bytes read before deciding what a file is.
const SNIFF_BYTES: usize = 8 * 1024;
/// Images up to this size are kept in memory to make their thumbnails.
pub(crate) const KEEP_IMAGES_UP_TO: u64 = 32 * 1024 * 1024;

/// An upload arriving: what the client says it is, and its bytes.
pub struct Incoming<S> {
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub body: S,
}

/// An upload stored under its key.
#[derive(Clone, Debug)]
pub struct Ingested {
    pub key: String,
    pub format: &'static Format,
    pub file_name: String,
    pub byte_size: u64,
    /// The whole image, when it is a small one.
    pub image: Option<Bytes>,
}

/// Why an upload was not stored.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// Empty, of an unsupported type, or not what it claims to be; the text says which.
    #[error("{0}")]
    Refused(String),
    #[error("the file is larger than {0} bytes")]
    TooLarge(u64),
    /// The client's stream broke off.
    #[error("the upload was interrupted: {0}")]
    Interrupted(String),
    #[error(transparent)]
    Storage(#[from] ace_storage::StorageError),
}

/// Streams `incoming` into storage under `<prefix>/<random>.<extension>`, refusing more than
/// `limit` bytes.
pub async fn ingest<S, E>(
    app: &App,
    incoming: Incoming<S>,
    prefix: &str,
    limit: u64,
) -> Result<Ingested, IngestError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: Display,
{
    let Incoming {
        file_name,
        content_type,
        mut body,
    } = incoming;
    let mut head = BytesMut::new();
    while head.len() < SNIFF_BYTES {
        match body.next().await {
            Some(chunk) => {
                head.extend_from_slice(&chunk.map_err(|e| IngestError::Interrupted(e.to_string()))?)
            }
            None => break,
        }
    }
    if head.is_empty() {
        return Err(IngestError::Refused("The file is empty.".into()));
    }
    let format = sniff(&head).ok_or_else(|| {
        IngestError::Refused(format!(
            "This type of file is not supported; upload {}.",
            accepted_list()
        ))
    })?;
    check_declared(format, file_name.as_deref(), content_type.as_deref())
        .map_err(IngestError::Refused)?;
    let name = file_name
        .as_deref()
        .and_then(clean_filename)
        .unwrap_or_else(|| format!("upload.{}", format.extension));
    let key = format!(
        "{prefix}/{}.{}",
        uuid::Uuid::new_v4().simple(),
        format.extension
    );
    let mut writer = app.storage.writer(&key).await?;
    let mut sink = Sink {
        image: (format.kind == FileKind::Image).then(BytesMut::new),
        limit,
    };
    let outcome = async {
        sink.take(&mut writer, head.freeze()).await?;
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| IngestError::Interrupted(e.to_string()))?;
            sink.take(&mut writer, chunk).await?;
        }
        Ok::<_, IngestError>(())
    }
    .await;
    if let Err(err) = outcome {
        writer.abort().await;
        return Err(err);
    }
    let byte_size = writer.finish().await?;
    Ok(Ingested {
        key,
        format,
        file_name: name,
        byte_size,
        image: sink.image.map(BytesMut::freeze),
    })
}

/// Where the bytes go besides storage: the copy of a small image.
struct Sink {
    image: Option<BytesMut>,
    limit: u64,
}

impl Sink {
    async fn take(&mut self, writer: &mut BlobWriter, chunk: Bytes) -> Result<(), IngestError> {
        if writer.written() + chunk.len() as u64 > self.limit {
            return Err(IngestError::TooLarge(self.limit));
        }
        if let Some(image) = &mut self.image {
            if (image.len() + chunk.len()) as u64 <= KEEP_IMAGES_UP_TO {
                image.extend_from_slice(&chunk);
            } else {
                self.image = None;
            }
        }
        writer.write(chunk).await?;
        Ok(())
    }
}
