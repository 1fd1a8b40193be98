//! ace's media tools. ffprobe and ffmpeg run as child processes through [`Tools`]: each run
//! has a timeout, takes a permit from a process-wide cap, captures the tail of stderr into a
//! typed [`MediaError`], and is killed if its future is dropped. Parsing ffprobe's JSON is pure
//! (see [`probe`]) and tested against recorded output.

mod probe;
mod process;

pub use probe::{Probe, VideoStream};
pub use process::{MediaError, Tools};
