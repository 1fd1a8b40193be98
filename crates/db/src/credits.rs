//! The credit ledger: an append-only list of signed entries per organization and bucket.
//! Balances are sums over it. A reservation is a negative entry that a later settlement or
//! refund closes exactly once (a unique index on `reservation_id` enforces it).

use ace_domain::credits::{CreditBalance, CreditBucket, Credits};
use ace_domain::ids::{LedgerEntryId, OrganizationId, UserId};
use chrono::{DateTime, Utc};
use sqlx::FromRow;

use crate::{DbResult, Handle, Session, fetch_all, fetch_optional};

/// What an entry records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    /// Credits added by an operator or a plan.
    Grant,
    /// Credits removed by an operator.
    Deduct,
    /// Credits held for a job before it runs.
    Reserve,
    /// The difference between a reservation and the final charge, when a job completes.
    Settle,
    /// A whole reservation handed back, when a job fails or is stopped.
    Refund,
}

impl EntryKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            EntryKind::Grant => "grant",
            EntryKind::Deduct => "deduct",
            EntryKind::Reserve => "reserve",
            EntryKind::Settle => "settle",
            EntryKind::Refund => "refund",
        }
    }
}

/// A stored ledger entry.
#[derive(Clone, Debug, FromRow)]
pub struct LedgerEntry {
    #[sqlx(try_from = "i64")]
    pub id: LedgerEntryId,
    #[sqlx(try_from = "i64")]
    pub organization_id: OrganizationId,
    pub bucket: String,
    pub entry_type: String,
    pub amount_millis: i64,
    pub reservation_id: Option<i64>,
    pub reference: Option<String>,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl LedgerEntry {
    pub fn amount(&self) -> Credits {
        Credits::from_millis(self.amount_millis)
    }
}

/// An entry to append.
#[derive(Clone, Debug)]
pub struct NewEntry<'a> {
    pub organization_id: OrganizationId,
    pub bucket: CreditBucket,
    pub kind: EntryKind,
    /// Signed: positive adds credits, negative removes them.
    pub amount: Credits,
    /// For settlements and refunds: the reservation they close.
    pub reservation: Option<LedgerEntryId>,
    pub reference: Option<&'a str>,
    pub note: Option<&'a str>,
    pub actor: Option<UserId>,
}

macro_rules! columns {
    () => {
        "id, organization_id, bucket, entry_type, amount_millis, reservation_id, reference, note, created_at"
    };
}

/// The organization's balance in both buckets.
pub async fn balance(db: &mut dyn Session, org: OrganizationId) -> DbResult<CreditBalance> {
    let sql = "SELECT bucket, CAST(COALESCE(SUM(amount_millis), 0) AS BIGINT) FROM credit_ledger \
               WHERE organization_id = $1 GROUP BY bucket";
    let rows: Vec<(String, i64)> = fetch_all!(db, sqlx::query_as(sql).bind(org.get()));
    let mut balance = CreditBalance::default();
    for (bucket, millis) in rows {
        match bucket.as_str() {
            "generic" => balance.generic = Credits::from_millis(millis),
            "aura" => balance.aura = Credits::from_millis(millis),
            _ => {}
        }
    }
    Ok(balance)
}

/// Serialises balance changes of one organization until the transaction ends. PostgreSQL
/// locks the organization row (`FOR NO KEY UPDATE`, which leaves the key-share locks taken by
/// inserts referencing the organization alone, so a transaction that inserted a job first
/// cannot deadlock with another doing the same); SQLite needs nothing, as its write
/// transactions are already exclusive.
pub async fn lock_organization(db: &mut dyn Session, org: OrganizationId) -> DbResult<()> {
    if let Handle::Postgres(c) = db.handle() {
        sqlx::query("SELECT id FROM organizations WHERE id = $1 FOR NO KEY UPDATE")
            .bind(org.get())
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}

/// Appends an entry. A second settlement or refund of the same reservation is ignored and
/// returns `None`.
pub async fn append(
    db: &mut dyn Session,
    entry: &NewEntry<'_>,
    now: DateTime<Utc>,
) -> DbResult<Option<LedgerEntry>> {
    let sql = concat!(
        "INSERT INTO credit_ledger \
           (organization_id, bucket, entry_type, amount_millis, reservation_id, reference, note, actor_user_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (reservation_id) WHERE reservation_id IS NOT NULL DO NOTHING \
         RETURNING ",
        columns!()
    );
    Ok(fetch_optional!(
        db,
        sqlx::query_as(sql)
            .bind(entry.organization_id.get())
            .bind(entry.bucket.as_str())
            .bind(entry.kind.as_str())
            .bind(entry.amount.millis())
            .bind(entry.reservation.map(LedgerEntryId::get))
            .bind(entry.reference)
            .bind(entry.note)
            .bind(entry.actor.map(UserId::get))
            .bind(now)
    ))
}

/// Finds an entry by id.
pub async fn find(db: &mut dyn Session, id: LedgerEntryId) -> DbResult<Option<LedgerEntry>> {
    let sql = concat!("SELECT ", columns!(), " FROM credit_ledger WHERE id = $1");
    Ok(fetch_optional!(db, sqlx::query_as(sql).bind(id.get())))
}

/// The entry that closed a reservation, if any.
pub async fn closing_entry(
    db: &mut dyn Session,
    reservation: LedgerEntryId,
) -> DbResult<Option<LedgerEntry>> {
    let sql = concat!(
        "SELECT ",
        columns!(),
        " FROM credit_ledger WHERE reservation_id = $1"
    );
    Ok(fetch_optional!(
        db,
        sqlx::query_as(sql).bind(reservation.get())
    ))
}

/// The organization's entries, newest first.
pub async fn history(
    db: &mut dyn Session,
    org: OrganizationId,
    limit: i64,
) -> DbResult<Vec<LedgerEntry>> {
    let sql = concat!(
        "SELECT ",
        columns!(),
        " FROM credit_ledger WHERE organization_id = $1 ORDER BY id DESC LIMIT $2"
    );
    Ok(fetch_all!(
        db,
        sqlx::query_as(sql).bind(org.get()).bind(limit)
    ))
}
