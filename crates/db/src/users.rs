//! User accounts.

use ace_domain::ids::UserId;
use ace_domain::text::fold;
use chrono::{DateTime, Utc};
use sqlx::FromRow;

use crate::{DbResult, Session, execute, fetch_one, fetch_optional};

/// A stored user.
#[derive(Clone, Debug, FromRow)]
pub struct UserRecord {
    #[sqlx(try_from = "i64")]
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub username: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A user to create.
#[derive(Clone, Debug)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub username: String,
}

macro_rules! columns {
    () => {
        "id, email, name, username, created_at, updated_at"
    };
}

pub async fn insert(
    db: &mut dyn Session,
    new: &NewUser,
    now: DateTime<Utc>,
) -> DbResult<UserRecord> {
    let sql = concat!(
        "INSERT INTO users (email, email_key, name, username, username_key, created_at, updated_at) \
         VALUES ($1, $5, $2, $3, $6, $4, $4) RETURNING ",
        columns!()
    );
    Ok(fetch_one!(
        db,
        sqlx::query_as(sql)
            .bind(&new.email)
            .bind(&new.name)
            .bind(&new.username)
            .bind(now)
            .bind(fold(&new.email))
            .bind(fold(&new.username))
    ))
}

pub async fn find(db: &mut dyn Session, id: UserId) -> DbResult<Option<UserRecord>> {
    let sql = concat!("SELECT ", columns!(), " FROM users WHERE id = $1");
    Ok(fetch_optional!(db, sqlx::query_as(sql).bind(id.get())))
}

/// Finds a user by email or username, ignoring case.
pub async fn find_by_login(db: &mut dyn Session, login: &str) -> DbResult<Option<UserRecord>> {
    let sql = concat!(
        "SELECT ",
        columns!(),
        " FROM users WHERE email_key = $1 OR username_key = $1 \
         ORDER BY id LIMIT 1"
    );
    Ok(fetch_optional!(db, sqlx::query_as(sql).bind(fold(login))))
}

/// Whether a username is free (case-insensitively).
pub async fn username_taken(db: &mut dyn Session, username: &str) -> DbResult<bool> {
    let sql = "SELECT COUNT(*) FROM users WHERE username_key = $1";
    let count: i64 = fetch_one!(db, sqlx::query_scalar(sql).bind(fold(username)));
    Ok(count > 0)
}

/// Sets (or, with `None`, clears) the user's password hash.
pub async fn set_password_hash(
    db: &mut dyn Session,
    id: UserId,
    hash: Option<&str>,
    now: DateTime<Utc>,
) -> DbResult<()> {
    execute!(
        db,
        sqlx::query("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1")
            .bind(id.get())
            .bind(hash)
            .bind(now)
    );
    Ok(())
}

/// The user's password hash, if they have a password.
pub async fn password_hash(db: &mut dyn Session, id: UserId) -> DbResult<Option<String>> {
    let sql = "SELECT password_hash FROM users WHERE id = $1";
    let hash: Option<Option<String>> = fetch_optional!(db, sqlx::query_scalar(sql).bind(id.get()));
    Ok(hash.flatten())
}
