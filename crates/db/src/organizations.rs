//! Organizations (GEN's workspaces), their memberships and credit plans.

use ace_domain::credits::{CreditBalance, Credits};
use ace_domain::ids::{CreditPlanId, OrganizationId, UserId};
use ace_domain::role::Role;
use ace_domain::text::fold;
use chrono::{DateTime, Utc};
use sqlx::FromRow;

use crate::{DbResult, Session, execute, fetch_all, fetch_one, fetch_optional};

/// A stored organization.
#[derive(Clone, Debug, FromRow)]
pub struct OrganizationRecord {
    #[sqlx(try_from = "i64")]
    pub id: OrganizationId,
    pub uuid: String,
    pub name: String,
    pub is_personal: bool,
    pub avatar_key: Option<String>,
    pub avatar_thumbnail_key: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An organization as one of its members sees it: with their role, the member count, the
/// credit balance and the plan.
#[derive(Clone, Debug, FromRow)]
pub struct MemberView {
    #[sqlx(flatten)]
    pub organization: OrganizationRecord,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub total_members: i64,
    generic_millis: i64,
    aura_millis: i64,
    pub plan_id: Option<i64>,
    pub plan_name: Option<String>,
    pub plan_cycle: Option<String>,
}

impl MemberView {
    pub fn balance(&self) -> CreditBalance {
        CreditBalance {
            generic: Credits::from_millis(self.generic_millis),
            aura: Credits::from_millis(self.aura_millis),
        }
    }
}

/// An organization to create.
#[derive(Clone, Debug)]
pub struct NewOrganization {
    pub uuid: String,
    pub name: String,
    pub is_personal: bool,
    pub created_by: Option<UserId>,
}

macro_rules! columns {
    () => {
        "o.id, o.uuid, o.name, o.is_personal, o.avatar_key, o.avatar_thumbnail_key, o.created_at, o.updated_at"
    };
}

macro_rules! member_view_sql {
    ($filter:literal) => {
        concat!("SELECT ", columns!(), ", m.role, \
           (SELECT COUNT(*) FROM memberships mm WHERE mm.organization_id = o.id) AS total_members, \
           (SELECT CAST(COALESCE(SUM(l.amount_millis), 0) AS BIGINT) FROM credit_ledger l \
             WHERE l.organization_id = o.id AND l.bucket = 'generic') AS generic_millis, \
           (SELECT CAST(COALESCE(SUM(l.amount_millis), 0) AS BIGINT) FROM credit_ledger l \
             WHERE l.organization_id = o.id AND l.bucket = 'aura') AS aura_millis, \
           p.id AS plan_id, p.name AS plan_name, p.cycle AS plan_cycle \
         FROM organizations o \
         JOIN memberships m ON m.organization_id = o.id \
         LEFT JOIN credit_plans p ON p.id = o.credit_plan_id \
         WHERE m.user_id = $1 ", $filter, " ORDER BY o.id")
    };
}

pub async fn insert(
    db: &mut dyn Session,
    new: &NewOrganization,
    now: DateTime<Utc>,
) -> DbResult<OrganizationRecord> {
    let sql = "INSERT INTO organizations (uuid, name, is_personal, created_by, created_at, updated_at) \
               VALUES ($1, $2, $3, $4, $5, $5) \
               RETURNING id, uuid, name, is_personal, avatar_key, avatar_thumbnail_key, created_at, updated_at";
    Ok(fetch_one!(
        db,
        sqlx::query_as(sql)
            .bind(&new.uuid)
            .bind(&new.name)
            .bind(new.is_personal)
            .bind(new.created_by.map(UserId::get))
            .bind(now)
    ))
}

pub async fn find(
    db: &mut dyn Session,
    id: OrganizationId,
) -> DbResult<Option<OrganizationRecord>> {
    let sql = concat!(
        "SELECT ",
        columns!(),
        " FROM organizations o WHERE o.id = $1"
    );
    Ok(fetch_optional!(db, sqlx::query_as(sql).bind(id.get())))
}

/// Every organization the user belongs to, as they see it.
pub async fn list_for_member(db: &mut dyn Session, user: UserId) -> DbResult<Vec<MemberView>> {
    let sql = member_view_sql!("");
    Ok(fetch_all!(db, sqlx::query_as(sql).bind(user.get())))
}

/// One organization as `user` sees it; `None` unless they are a member.
pub async fn find_for_member(
    db: &mut dyn Session,
    id: OrganizationId,
    user: UserId,
) -> DbResult<Option<MemberView>> {
    let sql = member_view_sql!("AND o.id = $2");
    Ok(fetch_optional!(
        db,
        sqlx::query_as(sql).bind(user.get()).bind(id.get())
    ))
}

/// The user's personal workspace, if they have one.
pub async fn personal_of(
    db: &mut dyn Session,
    user: UserId,
) -> DbResult<Option<OrganizationRecord>> {
    let sql = concat!(
        "SELECT ",
        columns!(),
        " FROM organizations o JOIN memberships m ON m.organization_id = o.id \
         WHERE m.user_id = $1 AND m.role = 'owner' AND o.is_personal ORDER BY o.id LIMIT 1"
    );
    Ok(fetch_optional!(db, sqlx::query_as(sql).bind(user.get())))
}

pub async fn rename(
    db: &mut dyn Session,
    id: OrganizationId,
    name: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let sql = "UPDATE organizations SET name = $2, updated_at = $3 WHERE id = $1";
    execute!(db, sqlx::query(sql).bind(id.get()).bind(name).bind(now));
    Ok(())
}

/// Points the organization at new avatar blobs.
pub async fn set_avatar(
    db: &mut dyn Session,
    id: OrganizationId,
    keys: Option<(&str, &str)>,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let sql = "UPDATE organizations SET avatar_key = $2, avatar_thumbnail_key = $3, updated_at = $4 WHERE id = $1";
    execute!(
        db,
        sqlx::query(sql)
            .bind(id.get())
            .bind(keys.map(|k| k.0))
            .bind(keys.map(|k| k.1))
            .bind(now)
    );
    Ok(())
}

/// Deletes the organization and, by cascade, its memberships, agents and ledger.
pub async fn delete(db: &mut dyn Session, id: OrganizationId) -> DbResult<bool> {
    let sql = "DELETE FROM organizations WHERE id = $1";
    let deleted = execute!(db, sqlx::query(sql).bind(id.get()));
    Ok(deleted == 1)
}

/// The user's role in the organization; `None` unless they are a member.
pub async fn role_of(
    db: &mut dyn Session,
    id: OrganizationId,
    user: UserId,
) -> DbResult<Option<Role>> {
    let sql = "SELECT role FROM memberships WHERE organization_id = $1 AND user_id = $2";
    let role: Option<String> =
        fetch_optional!(db, sqlx::query_scalar(sql).bind(id.get()).bind(user.get()));
    Ok(role.and_then(|r| r.parse().ok()))
}

/// Adds a member, or changes the role of an existing one.
pub async fn put_member(
    db: &mut dyn Session,
    id: OrganizationId,
    user: UserId,
    role: Role,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let sql = "INSERT INTO memberships (organization_id, user_id, role, created_at, updated_at) \
               VALUES ($1, $2, $3, $4, $4) \
               ON CONFLICT (organization_id, user_id) DO UPDATE SET role = excluded.role, updated_at = excluded.updated_at";
    execute!(
        db,
        sqlx::query(sql)
            .bind(id.get())
            .bind(user.get())
            .bind(role.as_str())
            .bind(now)
    );
    Ok(())
}

/// Creates a credit plan, or finds the one with this name, and returns its id.
pub async fn upsert_plan(
    db: &mut dyn Session,
    name: &str,
    cycle: &str,
    now: DateTime<Utc>,
) -> DbResult<CreditPlanId> {
    let find = "SELECT id FROM credit_plans WHERE name_key = $1";
    let existing: Option<i64> = fetch_optional!(db, sqlx::query_scalar(find).bind(fold(name)));
    if let Some(id) = existing {
        let update = "UPDATE credit_plans SET cycle = $2 WHERE id = $1";
        execute!(db, sqlx::query(update).bind(id).bind(cycle));
        return Ok(CreditPlanId::new(id));
    }
    let insert = "INSERT INTO credit_plans (name, name_key, cycle, created_at) VALUES ($1, $4, $2, $3) \
                  RETURNING id";
    let id: i64 = fetch_one!(
        db,
        sqlx::query_scalar(insert)
            .bind(name)
            .bind(cycle)
            .bind(now)
            .bind(fold(name))
    );
    Ok(CreditPlanId::new(id))
}

/// Puts an organization on a plan (or none).
pub async fn set_plan(
    db: &mut dyn Session,
    id: OrganizationId,
    plan: Option<CreditPlanId>,
) -> DbResult<bool> {
    let sql = "UPDATE organizations SET credit_plan_id = $2 WHERE id = $1";
    let updated = execute!(
        db,
        sqlx::query(sql)
            .bind(id.get())
            .bind(plan.map(CreditPlanId::get))
    );
    Ok(updated == 1)
}
