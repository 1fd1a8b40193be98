//! ace's durable job runtime. Work is queued in the database (in the transaction that
//! creates whatever the work is for), claimed by workers with a lease they keep renewing,
//! retried with backoff, capped per lane, interleaved across tenants, and cancellable at any
//! moment. It knows nothing about what the work is: each kind of job has a [`Handler`] and a
//! typed, versioned [`Payload`].
//!
//! Several processes may share the queue on PostgreSQL; on SQLite one process runs it all.

mod handler;
mod payload;
mod queue;
mod settler;
mod worker;

pub use handler::{Context, Handler, Job, Outcome, StartError, exponential_backoff};
pub use payload::{Payload, PayloadError};
pub use queue::{Enqueue, Queue};
pub use worker::{Worker, WorkerConfig};
