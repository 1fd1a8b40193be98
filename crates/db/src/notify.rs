//! Cross-process notices over PostgreSQL `LISTEN`/`NOTIFY`, for the in-memory facts several
//! `ace` processes must agree on (a revoked key, say) and for wake-ups (work is due, a
//! generation changed). SQLite serves one process, so there is nobody to tell and both sides
//! are no-ops.
//!
//! A transaction that sends `NOTIFY` takes a database-wide lock at commit and holds it
//! through its WAL flush, so such commits run one at a time. Hot paths therefore use
//! [`after_commit`]: the notice is handed to this process's [`Notifier`] once the
//! transaction has committed, and the notifier sends whatever has gathered in one statement
//! of its own. [`notify`] stays transactional, for the rare notices that must never be lost
//! once their change is visible.

use std::collections::HashSet;

use sqlx::PgPool;
use sqlx::postgres::PgListener;
use tokio::sync::mpsc;
use tracing::warn;

use crate::{Database, DbResult, Handle, Session};

/// A notice, sent or received.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Notice {
    pub channel: String,
    pub payload: String,
}

/// Sends `payload` on `channel` as part of the session's work: inside a transaction it is
/// delivered by the commit itself.
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

/// Sends `payload` on `channel` after the session's work commits, coalesced with other
/// notices of this process. A crash right after the commit can lose it, so listeners must
/// also poll (or treat the notice as a hint).
pub fn after_commit(db: &mut dyn Session, channel: &str, payload: &str) {
    db.after_commit(Notice {
        channel: channel.to_owned(),
        payload: payload.to_owned(),
    });
}

/// Sends committed transactions' notices for one process, batched: one statement carries
/// everything that gathered while the previous one ran, with duplicates dropped.
#[derive(Clone, Debug)]
pub struct Notifier {
    notices: mpsc::UnboundedSender<Vec<Notice>>,
}

impl Notifier {
    /// Starts the sending task; it ends when the last handle is dropped.
    pub(crate) fn start(pool: PgPool) -> Self {
        let (notices, received) = mpsc::unbounded_channel();
        tokio::spawn(send_batches(pool, received));
        Self { notices }
    }

    pub(crate) fn send(&self, notices: Vec<Notice>) {
        // The task runs until every sender is gone, so this only fails at shutdown.
        let _ = self.notices.send(notices);
    }
}

/// The most committed transactions' notices one statement carries.
const NOTICE_BATCH: usize = 256;

async fn send_batches(pool: PgPool, mut received: mpsc::UnboundedReceiver<Vec<Notice>>) {
    let mut batch = Vec::with_capacity(NOTICE_BATCH);
    while received.recv_many(&mut batch, NOTICE_BATCH).await > 0 {
        let mut seen = HashSet::new();
        let (channels, payloads): (Vec<String>, Vec<String>) = batch
            .drain(..)
            .flatten()
            .filter(|notice| seen.insert(notice.clone()))
            .map(|notice| (notice.channel, notice.payload))
            .unzip();
        let sent =
            sqlx::query("SELECT pg_notify(c, p) FROM unnest($1::text[], $2::text[]) AS t(c, p)")
                .bind(&channels)
                .bind(&payloads)
                .execute(&pool)
                .await;
        if let Err(err) = sent {
            if pool.is_closed() {
                return;
            }
            warn!(error = %err, notices = channels.len(), "could not send notices; listeners will catch up when they poll");
        }
    }
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
            Database::Postgres(pool, _) => {
                let mut listener = PgListener::connect_with(pool).await?;
                listener.listen_all(channels.iter().copied()).await?;
                Ok(Some(Listener(listener)))
            }
        }
    }
}
