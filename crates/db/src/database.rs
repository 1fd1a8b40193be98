//! The database handle: connecting by URL, tuning SQLite, running migrations, and opening
//! sessions.

use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::session::{Conn, Tx};
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
}

impl Default for ConnectOptions {
    fn default() -> Self {
        Self {
            max_connections: 16,
            acquire_timeout: Duration::from_secs(10),
        }
    }
}

/// A pool on one of the two supported databases.
#[derive(Clone, Debug)]
pub enum Database {
    Sqlite(SqlitePool),
    Postgres(PgPool),
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
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true);
            let pool = SqlitePoolOptions::new()
                .max_connections(options.max_connections)
                .acquire_timeout(options.acquire_timeout)
                .connect_with(connect)
                .await?;
            Ok(Database::Sqlite(pool))
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let connect = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(options.max_connections)
                .acquire_timeout(options.acquire_timeout)
                .connect_with(connect)
                .await?;
            Ok(Database::Postgres(pool))
        } else {
            Err(DbError::UnsupportedUrl(redact(url)))
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Database::Sqlite(_) => Backend::Sqlite,
            Database::Postgres(_) => Backend::Postgres,
        }
    }

    /// Brings the schema up to date. Safe to run from several processes at once on
    /// PostgreSQL (sqlx takes an advisory lock).
    pub async fn migrate(&self) -> DbResult<()> {
        match self {
            Database::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await?,
            Database::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        Ok(())
    }

    /// Checks out a connection whose statements autocommit.
    pub async fn conn(&self) -> DbResult<Conn> {
        Ok(match self {
            Database::Sqlite(pool) => Conn::Sqlite(pool.acquire().await?),
            Database::Postgres(pool) => Conn::Postgres(pool.acquire().await?),
        })
    }

    /// Opens a write transaction. On SQLite it begins `IMMEDIATE`, taking the write lock up
    /// front: a deferred transaction that later writes can fail at once with SQLITE_BUSY.
    pub async fn begin(&self) -> DbResult<Tx> {
        Ok(match self {
            Database::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Database::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// Answers whether the database responds.
    pub async fn ping(&self) -> DbResult<()> {
        match self {
            Database::Sqlite(pool) => sqlx::query("SELECT 1").execute(pool).await?.rows_affected(),
            Database::Postgres(pool) => {
                sqlx::query("SELECT 1").execute(pool).await?.rows_affected()
            }
        };
        Ok(())
    }

    pub async fn close(&self) {
        match self {
            Database::Sqlite(pool) => pool.close().await,
            Database::Postgres(pool) => pool.close().await,
        }
    }
}

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
