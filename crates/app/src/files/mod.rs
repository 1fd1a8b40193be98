//! Files as ace accepts them: what a file is (decided by its bytes, checked against what the
//! client declared), safe names, streaming an upload into storage without holding it, and
//! inspecting it afterwards (thumbnails, size, length).

mod checksum;
mod ingest;
mod inspect;
mod names;
pub mod public;
mod removal;

pub use ace_media::formats::{FileKind, mime_for_key};
pub(crate) use checksum::BackgroundMd5;
pub(crate) use ingest::KEEP_IMAGES_UP_TO;
pub use ingest::{Incoming, IngestError, Ingested, ingest};
pub use inspect::{Inspection, inspect};
pub use names::{clean_filename, valid_rename};
pub(crate) use removal::{delete_blobs, with_thumbnails};
