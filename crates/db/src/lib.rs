//! ace's persistence. One [`Database`] handle talks to SQLite (the embedded default) or
//! PostgreSQL (scale-out), chosen by the URL scheme. SQL is written once in the dialect both
//! share (`$n` placeholders, `RETURNING`, `ON CONFLICT`); the few statements that differ
//! branch explicitly on the backend. Each aggregate has its own module of plain async
//! functions taking a [`Session`]: a pooled connection or a transaction.

mod database;
mod error;
mod session;

pub mod agent_core;
pub mod agent_runs;
pub mod agents;
pub mod api_keys;
pub mod asset_folders;
pub mod asset_library;
pub mod automation;
pub mod avatars;
pub mod content_resources;
pub mod conversations;
pub mod credits;
pub mod daily_research;
pub mod direct_uploads;
pub mod ideas;
pub mod idempotency;
pub mod knowledge;
pub mod knowledge_monitors;
pub mod notify;
pub mod organizations;
pub mod pipeline_runs;
pub mod pipelines;
pub mod post_metrics;
pub mod queue;
pub mod row_runs;
pub mod server_state;
pub mod sheets;
pub mod social_connections;
pub mod templates;
pub mod user_jobs;
pub mod users;
pub mod voices;

pub use database::{Backend, ConnectOptions, Database, SqlitePools};
pub use error::DbError;
pub use session::{Conn, Handle, Session, Tx};
pub use sqlx::types::Json;

/// Results of database calls.
pub type DbResult<T> = Result<T, DbError>;

/// Runs `$body` once per backend with `$conn` bound to that backend's connection, so one SQL
/// text serves both. The body must evaluate to the same type in both arms.
macro_rules! on_conn {
    ($session:expr, |$conn:ident| $body:expr) => {{
        $crate::count_statement();
        match $session.handle() {
            $crate::Handle::Sqlite($conn) => $body,
            $crate::Handle::Postgres($conn) => $body,
        }
    }};
}
pub(crate) use on_conn;

static STATEMENTS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Counts one SQL statement sent, for [`statements_issued`].
pub(crate) fn count_statement() {
    STATEMENTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
}

/// How many SQL statements this process has sent through the data modules, for the
/// `ace_db_statements_total` metric (and the benchmark that watches for N+1 queries).
pub fn statements_issued() -> u64 {
    STATEMENTS.load(std::sync::atomic::Ordering::Relaxed)
}

/// `fetch_one` on the session's backend; `$query` is written once and typed per backend.
macro_rules! fetch_one {
    ($session:expr, $query:expr) => {
        $crate::on_conn!($session, |conn| $query.fetch_one(&mut *conn).await?)
    };
}
pub(crate) use fetch_one;

/// `fetch_optional` on the session's backend.
macro_rules! fetch_optional {
    ($session:expr, $query:expr) => {
        $crate::on_conn!($session, |conn| $query.fetch_optional(&mut *conn).await?)
    };
}
pub(crate) use fetch_optional;

/// `fetch_all` on the session's backend.
macro_rules! fetch_all {
    ($session:expr, $query:expr) => {
        $crate::on_conn!($session, |conn| $query.fetch_all(&mut *conn).await?)
    };
}
pub(crate) use fetch_all;

/// Executes a statement on the session's backend and evaluates to the rows it affected.
macro_rules! execute {
    ($session:expr, $query:expr) => {
        $crate::on_conn!($session, |conn| $query
            .execute(&mut *conn)
            .await?
            .rows_affected())
    };
}
pub(crate) use execute;
