//! The database handle: connecting by URL, tuning SQLite, running migrations, and opening
//! sessions.

use std::str::FromStr;
use std::time::Duration;

use sqlx::Connection;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::notify::Notifier;
use crate::session::{Conn, Deferred, Tx};
use crate::{DbError, DbResult};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../../migrations/postgres");

/// Which database engine a [`Database`] talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Pool settings.
#[derive(Clone, Debug)]
pub struct ConnectOptions {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
    /// How long a SQLite statement waits for another process's write lock before failing
    /// with "database is locked".
    pub busy_timeout: Duration,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        Self {
            max_connections: 16,
            acquire_timeout: Duration::from_secs(10),
            busy_timeout: Duration::from_secs(10),
        }
    }
}

/// A pool on one of the two supported databases.
#[derive(Clone, Debug)]
pub enum Database {
    Sqlite(SqlitePools),
    Postgres(PgPool, Notifier),
}

/// SQLite's two pools. SQLite allows one writer at a time, and a writer that finds the lock
/// taken sleeps in SQLite's busy handler (1, 2, 5, 10 … ms) and polls, leaving the lock idle
/// in between. So every write of this process goes through one connection, `writer`, whose
/// pool queues them in order: each begins the moment the previous one ends, and the writer's
/// page cache stays warm because nobody else changes the file under it. `readers` are
/// `query_only`, so a write sent to them by mistake fails loudly instead of racing.
#[derive(Clone, Debug)]
pub struct SqlitePools {
    pub readers: SqlitePool,
    pub writer: SqlitePool,
}

impl Database {
    /// Connects to `url`: `sqlite://path/to/file.db` (created if missing) or
    /// `postgres://user@host/db`.
    pub async fn connect(url: &str, options: &ConnectOptions) -> DbResult<Database> {
        if url.starts_with("sqlite:") {
            let connect = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(options.busy_timeout)
                .foreign_keys(true);
            // The writer first: it creates the file and switches it to WAL.
            let writer = SqlitePoolOptions::new()
                .max_connections(1)
                .acquire_timeout(options.acquire_timeout.max(Duration::from_secs(30)))
                .test_before_acquire(false)
                .connect_with(connect.clone())
                .await?;
            // Each SQLite connection is a thread of its own; more readers than about two per
            // core only add context switches.
            let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
            let readers_cap = u32::try_from(cores * 2).unwrap_or(u32::MAX).max(2);
            let readers = SqlitePoolOptions::new()
                .max_connections(options.max_connections.clamp(1, readers_cap))
                .acquire_timeout(options.acquire_timeout)
                .test_before_acquire(false)
                .connect_with(connect.pragma("query_only", "ON"))
                .await?;
            Ok(Database::Sqlite(SqlitePools { readers, writer }))
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let connect = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(options.max_connections)
                .acquire_timeout(options.acquire_timeout)
                // A ping on every checkout costs a round trip; only a connection that sat
                // idle for a while is checked (one the server may have dropped).
                .test_before_acquire(false)
                .before_acquire(|conn, meta| {
                    Box::pin(async move {
                        if meta.idle_for > IDLE_BEFORE_PING {
                            conn.ping().await?;
                        }
                        Ok(true)
                    })
                })
                .connect_with(connect)
                .await?;
            let notifier = Notifier::start(pool.clone());
            Ok(Database::Postgres(pool, notifier))
        } else {
            Err(DbError::UnsupportedUrl(redact(url)))
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Database::Sqlite(_) => Backend::Sqlite,
            Database::Postgres(..) => Backend::Postgres,
        }
    }

    /// Brings the schema up to date. Safe to run from several processes at once on
    /// PostgreSQL (sqlx takes an advisory lock).
    pub async fn migrate(&self) -> DbResult<()> {
        match self {
            Database::Sqlite(pools) => SQLITE_MIGRATIONS.run(&pools.writer).await?,
            Database::Postgres(pool, _) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        Ok(())
    }

    /// Checks out a connection for reading; its statements autocommit. On SQLite it is
    /// read-only: writes go through [`Database::begin`] or [`Database::writer`].
    pub async fn conn(&self) -> DbResult<Conn> {
        Ok(match self {
            Database::Sqlite(pools) => Conn::Sqlite(pools.readers.acquire().await?),
            Database::Postgres(pool, notifier) => {
                Conn::Postgres(pool.acquire().await?, notifier.clone())
            }
        })
    }

    /// Checks out a connection for writes that need no transaction (each statement
    /// autocommits). On SQLite this is the one writer connection, held until dropped: keep
    /// the checkout short.
    pub async fn writer(&self) -> DbResult<Conn> {
        Ok(match self {
            Database::Sqlite(pools) => Conn::Sqlite(pools.writer.acquire().await?),
            Database::Postgres(pool, notifier) => {
                Conn::Postgres(pool.acquire().await?, notifier.clone())
            }
        })
    }

    /// Opens a write transaction. On SQLite it waits its turn for the writer connection,
    /// then begins `IMMEDIATE`, taking the write lock up front: a deferred transaction that
    /// later writes can fail at once with SQLITE_BUSY.
    pub async fn begin(&self) -> DbResult<Tx> {
        Ok(match self {
            Database::Sqlite(pools) => {
                Tx::Sqlite(pools.writer.begin_with("BEGIN IMMEDIATE").await?)
            }
            Database::Postgres(pool, notifier) => {
                Tx::Postgres(pool.begin().await?, Deferred::new(notifier.clone()))
            }
        })
    }

    /// Answers whether the database responds.
    pub async fn ping(&self) -> DbResult<()> {
        match self {
            Database::Sqlite(pools) => sqlx::query("SELECT 1")
                .execute(&pools.readers)
                .await?
                .rows_affected(),
            Database::Postgres(pool, _) => {
                sqlx::query("SELECT 1").execute(pool).await?.rows_affected()
            }
        };
        Ok(())
    }

    pub async fn close(&self) {
        match self {
            Database::Sqlite(pools) => {
                pools.readers.close().await;
                pools.writer.close().await;
            }
            Database::Postgres(pool, _) => pool.close().await,
        }
    }
}

/// How long a PostgreSQL connection may sit idle before its next checkout pings it.
const IDLE_BEFORE_PING: Duration = Duration::from_secs(10);

/// The URL without its password, for messages and logs.
pub(crate) fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.split('?').next().unwrap_or(url).to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redact("postgres://ace:hunter2@db.internal/ace"),
            "postgres://ace:***@db.internal/ace"
        );
    }

    #[test]
    fn both_migration_trees_hold_the_same_file_names() {
        let names = |dir: &str| {
            let mut names: Vec<String> = std::fs::read_dir(dir)
                .unwrap()
                .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        };
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../migrations");
        assert_eq!(
            names(&format!("{root}/sqlite")),
            names(&format!("{root}/postgres"))
        );
    }
}
