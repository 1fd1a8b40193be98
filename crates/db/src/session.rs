//! Sessions: a pooled connection or a transaction, on either backend. Repository functions
//! take `&mut dyn Session`, so the same function runs inside or outside a transaction.

use sqlx::pool::PoolConnection;
use sqlx::{PgConnection, Postgres, Sqlite, SqliteConnection, Transaction};

use crate::DbResult;

/// A borrowed connection of the active backend.
pub enum Handle<'a> {
    Sqlite(&'a mut SqliteConnection),
    Postgres(&'a mut PgConnection),
}

/// Anything queries can run on.
pub trait Session: Send {
    fn handle(&mut self) -> Handle<'_>;
}

/// A connection checked out of the pool; statements autocommit.
pub enum Conn {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

impl Session for Conn {
    fn handle(&mut self) -> Handle<'_> {
        match self {
            Conn::Sqlite(conn) => Handle::Sqlite(conn),
            Conn::Postgres(conn) => Handle::Postgres(conn),
        }
    }
}

/// An open transaction. Dropping it without [`Tx::commit`] rolls back.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Tx {
    pub async fn commit(self) -> DbResult<()> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}

impl Session for Tx {
    fn handle(&mut self) -> Handle<'_> {
        match self {
            Tx::Sqlite(tx) => Handle::Sqlite(tx),
            Tx::Postgres(tx) => Handle::Postgres(tx),
        }
    }
}
