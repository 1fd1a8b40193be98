//! User accounts: who am I, which workspaces I run, and creating users (from the admin CLI
//! and on first start). Every new user gets a personal workspace holding the starter credits,
//! with a first agent in it, and an API key shown once.

pub(crate) mod user;

use ace_db::organizations::{self, OrganizationRecord};
use ace_db::users::{self, NewUser, UserRecord};
use ace_db::{DbError, Session, api_keys, server_state};
use ace_domain::FieldError;
use ace_domain::credits::CreditBucket;
use ace_domain::text::required_line;
use ace_domain::token::TOKEN_PREFIX;

use crate::auth::mint_token;
use crate::credits::{LedgerNote, grant_in};
use crate::organizations::{Membership, create_workspace_in};
use crate::{Actor, App, AppError, AppResult, ErrorCode};

pub use user::User;

/// The server-state key that marks the first start as done.
const BOOTSTRAP_KEY: &str = "bootstrapped_at";

/// A user to create.
#[derive(Clone, Debug)]
pub struct NewAccount {
    pub email: String,
    pub name: String,
    /// Derived from the email when absent.
    pub username: Option<String>,
}

/// A created user with their workspace and their first API key, whose secret is in
/// `api_key` and nowhere else.
#[derive(Debug)]
pub struct CreatedAccount {
    pub user: UserRecord,
    pub workspace: OrganizationRecord,
    pub api_key: String,
}

/// The caller's profile (as read when they authenticated, when it was).
pub async fn me(app: &App, actor: &Actor) -> AppResult<User> {
    if let Some(user) = &actor.user {
        return Ok(user.clone());
    }
    let mut conn = app.db.conn().await?;
    users::find(&mut conn, actor.user_id)
        .await?
        .map(User::from)
        .ok_or_else(|| AppError::unauthorized("The user behind this credential no longer exists."))
}

/// The workspaces the caller owns or manages.
pub async fn workspaces(app: &App, actor: &Actor) -> AppResult<Vec<Membership>> {
    let mut conn = app.db.conn().await?;
    let all = organizations::list_for_member(&mut conn, actor.user_id).await?;
    Ok(all
        .into_iter()
        .filter(|m| m.role.administers_workspace())
        .map(|m| Membership::new(m, app))
        .collect())
}

/// Creates a user with a personal workspace, starter credits, a first agent and an API key.
pub async fn create_user(app: &App, account: NewAccount) -> AppResult<CreatedAccount> {
    let mut tx = app.db.begin().await?;
    let created = create_user_in(app, &mut tx, account, "Initial key").await?;
    tx.commit().await?;
    Ok(created)
}

/// On an empty installation, creates the owner account; returns `None` when the server has
/// been set up before. Safe when several processes start at once: exactly one claims it.
pub async fn bootstrap_owner(app: &App, account: NewAccount) -> AppResult<Option<CreatedAccount>> {
    let mut tx = app.db.begin().await?;
    let now = app.clock.now();
    if !server_state::claim(&mut tx, BOOTSTRAP_KEY, &now.to_rfc3339(), now).await? {
        return Ok(None);
    }
    let created = create_user_in(app, &mut tx, account, "Admin key").await?;
    tx.commit().await?;
    Ok(Some(created))
}

async fn create_user_in(
    app: &App,
    tx: &mut dyn Session,
    account: NewAccount,
    key_name: &str,
) -> AppResult<CreatedAccount> {
    let now = app.clock.now();
    let email = validate_email(&account.email)?;
    let name = required_line("name", &account.name, 100)?;
    let username = match account.username {
        Some(username) => validate_username(&username)?,
        None => free_username(tx, &email).await?,
    };
    let user = users::insert(
        tx,
        &NewUser {
            email,
            name,
            username,
        },
        now,
    )
    .await
    .map_err(|err| match err {
        DbError::UniqueViolation(_) => AppError::unprocessable(
            ErrorCode::ValidationError,
            "A user with this email or username already exists.",
        ),
        other => other.into(),
    })?;
    let workspace = create_workspace_in(
        tx,
        user.id,
        &format!("{}'s workspace", user.name),
        true,
        now,
    )
    .await?;
    if app.settings.starter_credits.is_positive() {
        grant_in(
            tx,
            workspace.id,
            CreditBucket::Generic,
            app.settings.starter_credits,
            LedgerNote {
                note: Some("starter credits"),
                actor: None,
            },
            now,
        )
        .await?;
    }
    let minted = mint_token();
    api_keys::insert(
        tx,
        &api_keys::NewApiKey {
            user_id: user.id,
            name: key_name.to_owned(),
            token_hash: minted.hash,
            token_hint: minted.hint,
            token_type: "personal_access_token".into(),
            expires_at: None,
        },
        now,
    )
    .await?;
    debug_assert!(minted.plain.starts_with(TOKEN_PREFIX));
    Ok(CreatedAccount {
        user,
        workspace,
        api_key: minted.plain,
    })
}

fn validate_email(raw: &str) -> Result<String, FieldError> {
    let email = required_line("email", raw, 254)?;
    let valid = email.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !email.contains(char::is_whitespace)
    });
    if valid {
        Ok(email)
    } else {
        Err(FieldError::new("email", "is not an email address"))
    }
}

fn validate_username(raw: &str) -> Result<String, FieldError> {
    let username = required_line("username", raw, 50)?;
    if username
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        Ok(username)
    } else {
        Err(FieldError::new(
            "username",
            "may only contain letters, digits, '.', '_' and '-'",
        ))
    }
}

/// A free username made from the email's local part: `jane.doe`, then `jane.doe2`, ...
async fn free_username(tx: &mut dyn Session, email: &str) -> AppResult<String> {
    let local = email.split('@').next().unwrap_or("user");
    let mut base: String = local
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        .take(40)
        .collect::<String>()
        .to_lowercase();
    if base.is_empty() {
        base = "user".into();
    }
    let mut candidate = base.clone();
    for n in 2.. {
        if !users::username_taken(tx, &candidate).await? {
            return Ok(candidate);
        }
        candidate = format!("{base}{n}");
    }
    unreachable!("the loop returns once a name is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_need_a_local_part_and_a_dotted_domain() {
        assert!(validate_email("jane@example.com").is_ok());
        for bad in [
            "jane",
            "@example.com",
            "jane@localhost",
            "ja ne@example.com",
        ] {
            assert!(validate_email(bad).is_err(), "{bad}");
        }
    }
}
