//! Cross-process notices over PostgreSQL `LISTEN`/`NOTIFY`, for the few in-memory facts
//! several `ace` processes must agree on (a revoked key, say). SQLite serves one process, so
//! there is nobody to tell and both sides are no-ops.

use sqlx::postgres::PgListener;

use crate::{Database, DbResult, Handle, Session};

/// A notice received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub channel: String,
    pub payload: String,
}

/// Sends `payload` on `channel`. Inside a transaction it is delivered at commit.
pub async fn notify(db: &mut dyn Session, channel: &str, payload: &str) -> DbResult<()> {
    if let Handle::Postgres(conn) = db.handle() {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(channel)
            .bind(payload)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Receives notices on some channels.
pub struct Listener(PgListener);

/// What a listener yields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Heard {
    Notice(Notice),
    /// The connection dropped and was re-established: notices sent meanwhile are lost, so
    /// whatever they would have invalidated must be treated as stale.
    Gap,
}

impl Listener {
    /// Waits for the next notice (or gap).
    pub async fn next(&mut self) -> DbResult<Heard> {
        Ok(match self.0.try_recv().await? {
            Some(notification) => Heard::Notice(Notice {
                channel: notification.channel().to_owned(),
                payload: notification.payload().to_owned(),
            }),
            None => Heard::Gap,
        })
    }
}

impl Database {
    /// Listens on `channels`; `None` on SQLite, where there are no other processes.
    pub async fn listen(&self, channels: &[&str]) -> DbResult<Option<Listener>> {
        match self {
            Database::Sqlite(_) => Ok(None),
            Database::Postgres(pool) => {
                let mut listener = PgListener::connect_with(pool).await?;
                listener.listen_all(channels.iter().copied()).await?;
                Ok(Some(Listener(listener)))
            }
        }
    }
}
