//! Deleting stored bytes once the rows that pointed at them are gone.

use tracing::warn;

use crate::App;

/// Deletes blobs after their rows are gone. A failure leaves an orphan file, never a broken
/// row, so it is logged rather than returned.
pub(crate) async fn delete_blobs(app: &App, keys: impl IntoIterator<Item = String>) {
    for key in keys {
        if let Err(err) = app.storage.delete(&key).await {
            warn!(%key, error = %err, "could not delete a blob; it is now an orphan");
        }
    }
}

/// The keys of files that may have a thumbnail, flattened for [`delete_blobs`].
pub(crate) fn with_thumbnails(
    files: impl IntoIterator<Item = (String, Option<String>)>,
) -> impl Iterator<Item = String> {
    files
        .into_iter()
        .flat_map(|(original, thumbnail)| std::iter::once(original).chain(thumbnail))
}
