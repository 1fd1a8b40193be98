//! Streaming a blob in: bytes are stored as they arrive, so a large upload never sits in
//! memory whole. On S3 they go out as multipart parts (a few in flight at most). On the local
//! filesystem a writer thread appends them to a hidden partial file and asks the disk to
//! flush every few dozen MiB along the way, so making the finished blob durable costs only
//! the tail; the file takes its key's name only once finished.

use std::fs::File;
use std::io::Write;
use std::path::PathBuf;
use std::sync::mpsc as sync_mpsc;

use bytes::Bytes;
use object_store::WriteMultipart;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::StorageError;
use crate::durable::sync_dir;

/// S3 parts in flight at once; with 5 MiB parts this bounds the memory a write holds.
const MAX_PARTS_IN_FLIGHT: usize = 4;
/// Chunks queued for the local writer thread at most.
const LOCAL_QUEUE: usize = 32;
/// The local writer asks for a flush to disk after this many bytes.
const FLUSH_EVERY: u64 = 32 * 1024 * 1024;

/// An open, streaming write. Nothing is visible under the key until [`BlobWriter::finish`].
pub struct BlobWriter {
    sink: Sink,
    written: u64,
}

enum Sink {
    Multipart(WriteMultipart),
    Local(LocalWrite),
}

impl BlobWriter {
    pub(crate) fn multipart(inner: WriteMultipart) -> Self {
        Self {
            sink: Sink::Multipart(inner),
            written: 0,
        }
    }

    pub(crate) fn local(target: PathBuf) -> Result<Self, StorageError> {
        Ok(Self {
            sink: Sink::Local(LocalWrite::start(target)?),
            written: 0,
        })
    }

    /// Appends bytes, waiting while the backend is behind.
    pub async fn write(&mut self, bytes: Bytes) -> Result<(), StorageError> {
        let len = bytes.len() as u64;
        match &mut self.sink {
            Sink::Multipart(inner) => {
                inner.wait_for_capacity(MAX_PARTS_IN_FLIGHT).await?;
                inner.put(bytes);
            }
            Sink::Local(local) => local.write(bytes).await?,
        }
        self.written += len;
        Ok(())
    }

    /// Bytes written so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    /// Completes the blob, durably, and returns its size.
    pub async fn finish(self) -> Result<u64, StorageError> {
        match self.sink {
            Sink::Multipart(inner) => {
                inner.finish().await?;
            }
            Sink::Local(local) => local.finish().await?,
        }
        Ok(self.written)
    }

    /// Abandons the blob; nothing stays behind.
    pub async fn abort(self) {
        match self.sink {
            Sink::Multipart(inner) => {
                let _ = inner.abort().await;
            }
            Sink::Local(local) => local.abort().await,
        }
    }
}

/// A local write in progress: a thread appending to `partial`, renamed to `target` at the end.
struct LocalWrite {
    chunks: mpsc::Sender<Bytes>,
    /// `None` once it has been waited for.
    worker: Option<JoinHandle<std::io::Result<()>>>,
    partial: PathBuf,
    target: PathBuf,
}

impl LocalWrite {
    fn start(target: PathBuf) -> Result<Self, StorageError> {
        let dir = target
            .parent()
            .ok_or_else(|| StorageError::InvalidKey(target.display().to_string()))?;
        std::fs::create_dir_all(dir)?;
        // `name#<digits>` is how the filesystem store marks unfinished files: listings skip it.
        let mut partial = target.clone().into_os_string();
        partial.push(format!("#{}", uuid::Uuid::new_v4().as_u128()));
        let partial = PathBuf::from(partial);
        let file = File::options()
            .write(true)
            .create_new(true)
            .open(&partial)?;
        let (chunks, incoming) = mpsc::channel(LOCAL_QUEUE);
        let worker = tokio::task::spawn_blocking(move || append(file, incoming));
        Ok(Self {
            chunks,
            worker: Some(worker),
            partial,
            target,
        })
    }

    async fn write(&mut self, bytes: Bytes) -> Result<(), StorageError> {
        if self.chunks.send(bytes).await.is_ok() {
            return Ok(());
        }
        // The writer thread stopped early; its error says why.
        Err(self
            .wait()
            .await
            .err()
            .unwrap_or_else(|| std::io::Error::other("the file writer stopped"))
            .into())
    }

    async fn finish(mut self) -> Result<(), StorageError> {
        self.chunks = mpsc::channel(1).0;
        if let Err(err) = self.wait().await {
            let _ = tokio::fs::remove_file(&self.partial).await;
            return Err(err.into());
        }
        tokio::fs::rename(&self.partial, &self.target).await?;
        let dir = self.target.parent().map(PathBuf::from).unwrap_or_default();
        tokio::task::spawn_blocking(move || sync_dir(&dir))
            .await
            .map_err(std::io::Error::other)??;
        Ok(())
    }

    async fn abort(mut self) {
        self.chunks = mpsc::channel(1).0;
        let _ = self.wait().await;
        let _ = tokio::fs::remove_file(&self.partial).await;
    }

    /// Waits for the writer thread (which ends once the chunk sender is gone).
    async fn wait(&mut self) -> std::io::Result<()> {
        match self.worker.take() {
            Some(worker) => worker
                .await
                .unwrap_or_else(|join| Err(std::io::Error::other(join))),
            None => Ok(()),
        }
    }
}

/// The writer thread: appends chunks in order, has a flusher thread push written data to disk
/// every [`FLUSH_EVERY`] bytes while writing goes on, and flushes the rest at the end.
fn append(file: File, mut incoming: mpsc::Receiver<Bytes>) -> std::io::Result<()> {
    let flusher_file = file.try_clone()?;
    let (flush, flush_requests) = sync_mpsc::sync_channel::<()>(1);
    let flusher = std::thread::spawn(move || {
        while flush_requests.recv().is_ok() {
            flusher_file.sync_data()?;
        }
        Ok::<_, std::io::Error>(())
    });
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, file);
    let mut since_flush = 0u64;
    while let Some(chunk) = incoming.blocking_recv() {
        out.write_all(&chunk)?;
        since_flush += chunk.len() as u64;
        if since_flush >= FLUSH_EVERY {
            out.flush()?;
            // A flush still running covers this one's data soon enough; skip rather than wait.
            let _ = flush.try_send(());
            since_flush = 0;
        }
    }
    let file = out
        .into_inner()
        .map_err(std::io::IntoInnerError::into_error)?;
    drop(flush);
    flusher
        .join()
        .map_err(|_| std::io::Error::other("the flusher panicked"))??;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_local_write_appears_whole_only_when_finished() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a/b.bin");
        let mut writer = BlobWriter::local(target.clone()).unwrap();
        writer.write(Bytes::from_static(b"hello ")).await.unwrap();
        writer.write(Bytes::from_static(b"world")).await.unwrap();
        assert!(!target.exists());
        assert_eq!(writer.finish().await.unwrap(), 11);
        assert_eq!(std::fs::read(&target).unwrap(), b"hello world");
        assert_eq!(
            std::fs::read_dir(dir.path().join("a")).unwrap().count(),
            1,
            "no partial file is left"
        );
    }

    #[tokio::test]
    async fn an_aborted_local_write_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut writer = BlobWriter::local(dir.path().join("c.bin")).unwrap();
        writer.write(Bytes::from_static(b"partial")).await.unwrap();
        writer.abort().await;
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
