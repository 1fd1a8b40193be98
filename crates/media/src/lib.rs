//! ace's file codecs and media tools. [`formats`] tells what a file is from its first bytes;
//! [`images`] decodes images within bounds and makes thumbnails; [`variables_workbook`] reads
//! and writes the XLSX file of a sheet's variables. All three are pure of I/O beyond memory.
//!
//! ffprobe and ffmpeg run as child processes through [`Tools`]: each run
//! has a timeout, takes a permit from a process-wide cap, captures the tail of stderr into a
//! typed [`MediaError`], and is killed if its future is dropped. Parsing ffprobe's JSON is pure
//! (see [`probe`]) and tested against recorded output.

pub mod formats;
pub mod images;
mod probe;
mod process;
pub mod variables_workbook;

pub use probe::{Probe, VideoStream};
pub use process::{Loudness, MediaError, Tools};
