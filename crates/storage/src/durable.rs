//! Making local writes durable. The filesystem store only renames a finished file into
//! place; a blob ace has acknowledged must survive a crash, so its data and the directory
//! entry that names it are flushed to disk before the write counts as done.

use std::fs::File;
use std::path::{Path, PathBuf};

/// Flushes the file at `path` and its directory to disk.
pub(crate) async fn sync_file(path: PathBuf) -> std::io::Result<()> {
    tokio::task::spawn_blocking(move || {
        File::open(&path)?.sync_all()?;
        sync_dir(path.parent().unwrap_or(Path::new(".")))
    })
    .await
    .map_err(std::io::Error::other)?
}

/// Flushes a directory's entries (a rename into it) to disk.
pub(crate) fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}
