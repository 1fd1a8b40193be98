//! ace's renderer. A cell's layer stack (GEN's layer model: frames at 30 fps, `position` as
//! the z-order) becomes one MP4 in one ffmpeg run:
//!
//! - [`stack`] reads the layers into a typed [`Stack`], refusing what cannot be rendered with a
//!   message that names the layer and the field;
//! - [`compile`] turns a stack and what was probed of its media into a [`Plan`]: the ffmpeg
//!   arguments, a filter graph, and the ASS documents that draw text, shapes and captions.
//!   It is pure and snapshot-tested;
//! - [`run`] executes a plan, reporting progress from ffmpeg's `-progress` output, and stops
//!   (killing ffmpeg) when its future is dropped or its time is up.

pub mod ass;
pub mod compile;
pub mod css;
pub mod fonts;
pub mod placement;
pub mod run;
pub mod stack;

pub use compile::{Media, Plan, compile, probe};
pub use placement::text_placement;
pub use run::{Progress, RenderError, render, render_still};
pub use stack::{Canvas, Layer, Source, Stack, StackError};
