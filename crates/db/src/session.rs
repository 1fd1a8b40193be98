//! Sessions: a pooled connection or a transaction, on either backend. Repository functions
//! take `&mut dyn Session`, so the same function runs inside or outside a transaction.

use sqlx::pool::PoolConnection;
use sqlx::{PgConnection, Postgres, Sqlite, SqliteConnection, Transaction};

use crate::DbResult;
use crate::notify::{Notice, Notifier};

/// A borrowed connection of the active backend.
pub enum Handle<'a> {
    Sqlite(&'a mut SqliteConnection),
    Postgres(&'a mut PgConnection),
}

/// Anything queries can run on.
pub trait Session: Send {
    fn handle(&mut self) -> Handle<'_>;

    /// Sends `notice` once this session's work is committed: when a transaction commits
    /// (never if it rolls back), or at once outside one. See [`crate::notify::after_commit`].
    fn after_commit(&mut self, notice: Notice);
}

/// A connection checked out of the pool; statements autocommit.
pub enum Conn {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>, Notifier),
}

impl Session for Conn {
    fn handle(&mut self) -> Handle<'_> {
        match self {
            Conn::Sqlite(conn) => Handle::Sqlite(conn),
            Conn::Postgres(conn, _) => Handle::Postgres(conn),
        }
    }

    fn after_commit(&mut self, notice: Notice) {
        if let Conn::Postgres(_, notifier) = self {
            notifier.send(vec![notice]);
        }
    }
}

/// An open transaction. Dropping it without [`Tx::commit`] rolls back. On SQLite it holds
/// the writer connection until it ends.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>, Deferred),
}

/// The notices a PostgreSQL transaction sends once it commits.
pub struct Deferred {
    notices: Vec<Notice>,
    notifier: Notifier,
}

impl Deferred {
    pub(crate) fn new(notifier: Notifier) -> Self {
        Self {
            notices: Vec::new(),
            notifier,
        }
    }
}

impl Tx {
    pub async fn commit(self) -> DbResult<()> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Postgres(tx, deferred) => {
                tx.commit().await?;
                if !deferred.notices.is_empty() {
                    deferred.notifier.send(deferred.notices);
                }
            }
        }
        Ok(())
    }
}

impl Session for Tx {
    fn handle(&mut self) -> Handle<'_> {
        match self {
            Tx::Sqlite(tx) => Handle::Sqlite(tx),
            Tx::Postgres(tx, _) => Handle::Postgres(tx),
        }
    }

    fn after_commit(&mut self, notice: Notice) {
        if let Tx::Postgres(_, deferred) = self {
            deferred.notices.push(notice);
        }
    }
}
