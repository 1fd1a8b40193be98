//! `ace admin`: operator commands that act on the database directly. Each prints what it did;
//! secrets (API keys, JWTs) are printed once on stdout and never logged.

use ace_app::App;
use ace_app::accounts::{self, NewAccount};
use ace_app::credits::{self, LedgerNote};
use ace_domain::credits::{CreditBucket, Credits};
use ace_domain::ids::OrganizationId;
use ace_domain::role::Role;
use anyhow::{Context, anyhow};
use clap::{Args, Subcommand};

use crate::config::Settings;
use crate::startup;

/// Operator commands.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create a user with a personal workspace and print their API key.
    CreateUser {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        username: Option<String>,
    },
    /// Add a user to an organization with a role (or change their role).
    AddMember {
        #[arg(long)]
        organization: OrganizationId,
        /// The user's email or username.
        #[arg(long)]
        user: String,
        /// owner, manager, editor or viewer.
        #[arg(long)]
        role: Role,
    },
    /// Add credits to an organization.
    GrantCredits(CreditChange),
    /// Remove credits from an organization.
    DeductCredits(CreditChange),
    /// Issue an HS256 JWT for a user.
    IssueJwt {
        /// The user's email or username.
        #[arg(long)]
        user: String,
        /// Lifetime, such as 3600, 90m, 12h or 30d.
        #[arg(long, default_value = "1h")]
        ttl: String,
    },
    /// Give a user a password to sign in to the web console with (at least 12 characters),
    /// read from `ACE_USER_PASSWORD` or, without it, from the first line of stdin.
    SetPassword {
        /// The user's email or username.
        #[arg(long)]
        user: String,
        #[arg(
            long = "password",
            env = "ACE_USER_PASSWORD",
            hide_env_values = true,
            hide = true
        )]
        password: Option<String>,
    },
    /// Put an organization on a named credit plan.
    SetPlan {
        #[arg(long)]
        organization: OrganizationId,
        #[arg(long)]
        name: String,
        /// MONTHLY, YEARLY, ...
        #[arg(long, default_value = "MONTHLY")]
        cycle: String,
    },
    /// Connect an agent's TikTok account with tokens obtained elsewhere (for servers TikTok
    /// cannot redirect a browser to). The tokens are checked with TikTok, then kept sealed.
    LinkTiktok(LinkTiktok),
}

/// The arguments of `link-tiktok`. Prefer the environment variables for the tokens, so they
/// stay out of the shell history and the process list.
#[derive(Debug, Args)]
pub struct LinkTiktok {
    #[arg(long)]
    agent: ace_domain::ids::AgentId,
    /// The creator's `open_id`, from TikTok's token answer.
    #[arg(long)]
    open_id: String,
    #[arg(long, env = "ACE_TIKTOK_ACCESS_TOKEN", hide_env_values = true)]
    access_token: String,
    /// Seconds the access token has left (`expires_in`).
    #[arg(long, default_value_t = 86_400)]
    expires_in: u64,
    #[arg(long, env = "ACE_TIKTOK_REFRESH_TOKEN", hide_env_values = true)]
    refresh_token: Option<String>,
    /// Seconds the refresh token has left (`refresh_expires_in`).
    #[arg(long)]
    refresh_expires_in: Option<u64>,
    /// The scopes granted, comma-separated.
    #[arg(long, default_value = "user.info.basic,video.publish,video.list")]
    scope: String,
}

/// Which way credits move.
#[derive(Clone, Copy)]
enum Direction {
    Grant,
    Deduct,
}

/// The arguments of a credit grant or deduction.
#[derive(Debug, Args)]
pub struct CreditChange {
    #[arg(long)]
    organization: OrganizationId,
    #[arg(long)]
    amount: Credits,
    /// generic or aura.
    #[arg(long, default_value = "generic")]
    bucket: CreditBucket,
    /// Why, for the ledger.
    #[arg(long)]
    note: Option<String>,
}

async fn move_credits(
    app: &App,
    change: &CreditChange,
    direction: Direction,
) -> anyhow::Result<()> {
    let note = LedgerNote {
        note: change.note.as_deref(),
        actor: None,
    };
    let (org, bucket, amount) = (change.organization, change.bucket, change.amount);
    let (balance, verb) = match direction {
        Direction::Grant => (
            credits::grant(app, org, bucket, amount, note).await,
            "Granted",
        ),
        Direction::Deduct => (
            credits::deduct(app, org, bucket, amount, note).await,
            "Deducted",
        ),
    };
    let balance = balance.map_err(|err| anyhow!("{}", err.message))?;
    println!(
        "{verb} {amount} {} credits; organization {org} now has {} generic and {} aura.",
        bucket.as_str(),
        balance.generic,
        balance.aura
    );
    Ok(())
}

/// Runs one admin command.
pub async fn run(settings: &Settings, command: AdminCommand) -> anyhow::Result<()> {
    let app = startup::command_context(settings).await?;
    let fail = |err: ace_app::AppError| anyhow!("{}", err.message);
    match command {
        AdminCommand::CreateUser {
            email,
            name,
            username,
        } => {
            let created = accounts::create_user(
                &app,
                NewAccount {
                    email,
                    name,
                    username,
                },
            )
            .await
            .map_err(fail)?;
            println!(
                "Created user {} <{}> (id {}) with workspace {}.\nAPI key (shown once):\n\n    {}\n",
                created.user.name,
                created.user.email,
                created.user.id,
                created.workspace.id,
                created.api_key
            );
        }
        AdminCommand::AddMember {
            organization,
            user,
            role,
        } => {
            ace_app::organizations::put_member(&app, organization, &user, role)
                .await
                .map_err(fail)?;
            println!("{user} is now {role} of organization {organization}.");
        }
        AdminCommand::GrantCredits(change) => move_credits(&app, &change, Direction::Grant).await?,
        AdminCommand::DeductCredits(change) => {
            move_credits(&app, &change, Direction::Deduct).await?
        }
        AdminCommand::IssueJwt { user, ttl } => {
            let ttl = ace_domain::token::parse_expires_in(&serde_json::Value::String(ttl))
                .map_err(|e| anyhow!("--ttl {e}"))?;
            let mut conn = app.db().conn().await?;
            let record = ace_db::users::find_by_login(&mut conn, &user)
                .await?
                .with_context(|| format!("no user with email or username {user:?}"))?;
            println!(
                "{}",
                ace_app::auth::issue_jwt(&app, record.id, ttl).map_err(fail)?
            );
        }
        AdminCommand::SetPassword { user, password } => {
            let password = match password {
                Some(password) => password,
                None => {
                    let mut line = String::new();
                    std::io::stdin()
                        .read_line(&mut line)
                        .context("reading the password from stdin")?;
                    line.trim_end_matches(['\r', '\n']).to_owned()
                }
            };
            ace_app::auth::passwords::set(&app, &user, &password)
                .await
                .map_err(fail)?;
            println!("{user} can now sign in to the console with that password.");
        }
        AdminCommand::SetPlan {
            organization,
            name,
            cycle,
        } => {
            ace_app::organizations::set_plan(&app, organization, &name, &cycle)
                .await
                .map_err(fail)?;
            println!(
                "Organization {organization} is on plan {name} ({}).",
                cycle.to_uppercase()
            );
        }
        AdminCommand::LinkTiktok(link) => {
            let tokens = ace_app::publishing::accounts::ObtainedTokens {
                open_id: link.open_id,
                access_token: ace_net::hosted_api::ApiKey::new(link.access_token),
                expires_in: link.expires_in,
                refresh_token: link.refresh_token.map(ace_net::hosted_api::ApiKey::new),
                refresh_expires_in: link.refresh_expires_in,
                scope: link.scope,
            };
            let connected = ace_app::publishing::accounts::link(&app, link.agent, tokens)
                .await
                .map_err(fail)?;
            println!(
                "Connected TikTok account {} to agent {} as linked account {}.",
                connected
                    .username
                    .as_deref()
                    .map_or_else(|| connected.open_id.clone(), |name| format!("@{name}")),
                link.agent,
                connected.account_id
            );
        }
    }
    Ok(())
}
