//! The credits ledger in use: grants and deductions by operators, and the reserve → settle |
//! refund cycle that every paid job goes through. A reservation is written in the same
//! transaction as the job it pays for, so a job never runs unpaid and credits are never held
//! for a job that was not created.

pub use ace_db::credits::LedgerEntry;
use ace_db::credits::{self as ledger, EntryKind, NewEntry};
use ace_db::{Session, organizations};
use ace_domain::credits::{CreditBalance, CreditBucket, Credits};
use ace_domain::ids::{LedgerEntryId, OrganizationId, UserId};
use chrono::{DateTime, Utc};

use crate::{App, AppError, AppResult, ErrorCode};

/// Why an operator changed a balance, for the ledger.
#[derive(Clone, Copy, Debug, Default)]
pub struct LedgerNote<'a> {
    pub note: Option<&'a str>,
    pub actor: Option<UserId>,
}

/// Credits held for a job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reservation {
    pub id: LedgerEntryId,
    pub organization_id: OrganizationId,
    pub amount: Credits,
}

/// The organization's latest `limit` ledger entries, newest first, for one of its members.
pub async fn history(
    app: &App,
    actor: &crate::Actor,
    org: OrganizationId,
    limit: i64,
) -> AppResult<Vec<LedgerEntry>> {
    crate::organizations::get(app, actor, org).await?;
    let mut conn = app.db.conn().await?;
    Ok(ledger::history(&mut conn, org, limit).await?)
}

/// The organization's balance.
pub async fn balance(app: &App, org: OrganizationId) -> AppResult<CreditBalance> {
    let mut conn = app.db.conn().await?;
    Ok(ledger::balance(&mut conn, org).await?)
}

/// Refuses with GEN's `usable_gen_credit_required` when the organization has nothing to spend.
pub async fn require_usable(db: &mut dyn Session, org: OrganizationId) -> AppResult<CreditBalance> {
    let balance = ledger::balance(db, org).await?;
    if balance.is_usable() {
        Ok(balance)
    } else {
        Err(AppError::unprocessable(
            ErrorCode::UsableGenCreditRequired,
            "This workspace has no usable credits. Add credits to continue.",
        ))
    }
}

/// Adds credits (an operator's grant).
pub async fn grant(
    app: &App,
    org: OrganizationId,
    bucket: CreditBucket,
    amount: Credits,
    note: LedgerNote<'_>,
) -> AppResult<CreditBalance> {
    positive(amount)?;
    let mut tx = app.db.begin().await?;
    ensure_organization(&mut tx, org).await?;
    grant_in(&mut tx, org, bucket, amount, note, app.clock.now()).await?;
    let balance = ledger::balance(&mut tx, org).await?;
    tx.commit().await?;
    Ok(balance)
}

/// Removes credits (an operator's deduction); refuses to take a bucket below zero.
pub async fn deduct(
    app: &App,
    org: OrganizationId,
    bucket: CreditBucket,
    amount: Credits,
    note: LedgerNote<'_>,
) -> AppResult<CreditBalance> {
    positive(amount)?;
    let mut tx = app.db.begin().await?;
    ensure_organization(&mut tx, org).await?;
    ledger::lock_organization(&mut tx, org).await?;
    let available = ledger::balance(&mut tx, org).await?.in_bucket(bucket);
    if available < amount {
        return Err(AppError::unprocessable(
            ErrorCode::ValidationError,
            format!(
                "Cannot deduct {amount} credits: the {} balance is {available}.",
                bucket.as_str()
            ),
        ));
    }
    let entry = NewEntry {
        organization_id: org,
        bucket,
        kind: EntryKind::Deduct,
        amount: -amount,
        reservation: None,
        reference: None,
        note: note.note,
        actor: note.actor,
    };
    ledger::append(&mut tx, &entry, app.clock.now()).await?;
    let balance = ledger::balance(&mut tx, org).await?;
    tx.commit().await?;
    Ok(balance)
}

pub(crate) async fn grant_in(
    db: &mut dyn Session,
    org: OrganizationId,
    bucket: CreditBucket,
    amount: Credits,
    note: LedgerNote<'_>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let entry = NewEntry {
        organization_id: org,
        bucket,
        kind: EntryKind::Grant,
        amount,
        reservation: None,
        reference: None,
        note: note.note,
        actor: note.actor,
    };
    ledger::append(db, &entry, now).await?;
    Ok(())
}

/// Holds `amount` generic credits for the job named by `reference`. Run it in the
/// transaction that creates the job.
pub async fn reserve(
    tx: &mut dyn Session,
    org: OrganizationId,
    amount: Credits,
    reference: &str,
    now: DateTime<Utc>,
) -> AppResult<Reservation> {
    positive(amount)?;
    ledger::lock_organization(tx, org).await?;
    let balance = require_usable(tx, org).await?;
    if balance.generic < amount {
        return Err(AppError::unprocessable(
            ErrorCode::InsufficientCreditsForJob,
            format!(
                "This job needs {amount} credits; the workspace has {}.",
                balance.generic
            ),
        ));
    }
    let entry = NewEntry {
        organization_id: org,
        bucket: CreditBucket::Generic,
        kind: EntryKind::Reserve,
        amount: -amount,
        reservation: None,
        reference: Some(reference),
        note: None,
        actor: None,
    };
    let stored = ledger::append(tx, &entry, now)
        .await?
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("reservation insert returned no row")))?;
    Ok(Reservation {
        id: stored.id,
        organization_id: org,
        amount,
    })
}

/// Closes a reservation with the job's final cost: the difference is handed back (or, if the
/// job cost more, charged). Returns `false` if it was already closed.
pub async fn settle(
    tx: &mut dyn Session,
    reservation: Reservation,
    actual: Credits,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    close(
        tx,
        reservation,
        EntryKind::Settle,
        reservation.amount - actual,
        now,
    )
    .await
}

/// Hands a whole reservation back, for a failed or stopped job. Returns `false` if it was
/// already closed.
pub async fn refund(
    tx: &mut dyn Session,
    reservation: Reservation,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    close(tx, reservation, EntryKind::Refund, reservation.amount, now).await
}

async fn close(
    tx: &mut dyn Session,
    reservation: Reservation,
    kind: EntryKind,
    amount: Credits,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let entry = NewEntry {
        organization_id: reservation.organization_id,
        bucket: CreditBucket::Generic,
        kind,
        amount,
        reservation: Some(reservation.id),
        reference: None,
        note: None,
        actor: None,
    };
    Ok(ledger::append(tx, &entry, now).await?.is_some())
}

fn positive(amount: Credits) -> AppResult<()> {
    if amount.is_positive() {
        Ok(())
    } else {
        Err(AppError::unprocessable(
            ErrorCode::ValidationError,
            "The amount must be positive.",
        ))
    }
}

async fn ensure_organization(db: &mut dyn Session, org: OrganizationId) -> AppResult<()> {
    organizations::find(db, org)
        .await?
        .map(|_| ())
        .ok_or_else(|| {
            AppError::unprocessable(
                ErrorCode::OrganizationNotFound,
                format!("Organization {org} not found."),
            )
        })
}
