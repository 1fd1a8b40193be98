//! MD5 of a stream, computed on a blocking thread beside the upload so hashing overlaps with
//! receiving and storing instead of adding to them. Chunks are shared, not copied, and a
//! bounded queue keeps memory flat when the hasher falls behind.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use md5::{Digest, Md5};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Chunks queued for the hasher at most.
const QUEUE: usize = 64;

/// A running MD5.
pub(crate) struct BackgroundMd5 {
    chunks: mpsc::Sender<Bytes>,
    hasher: JoinHandle<String>,
}

impl BackgroundMd5 {
    pub(crate) fn start() -> Self {
        let (chunks, mut incoming) = mpsc::channel::<Bytes>(QUEUE);
        let hasher = tokio::task::spawn_blocking(move || {
            let mut md5 = Md5::new();
            while let Some(chunk) = incoming.blocking_recv() {
                md5.update(&chunk);
            }
            STANDARD.encode(md5.finalize())
        });
        Self { chunks, hasher }
    }

    /// Adds the next chunk, waiting while the queue is full.
    pub(crate) async fn update(&self, chunk: Bytes) {
        // The hasher only stops once the sender is dropped, so the send cannot fail.
        let _ = self.chunks.send(chunk).await;
    }

    /// The base64 MD5 of everything added.
    pub(crate) async fn finish(self) -> String {
        drop(self.chunks);
        self.hasher.await.unwrap_or_default()
    }
}
