//! An agent's own TikTok accounts, connected with Login Kit: [`connect`] starts an
//! authorization (a one-time state and a PKCE verifier, kept sealed for ten minutes),
//! [`complete`] takes TikTok's redirect back and exchanges the code, [`link`] keeps tokens an
//! operator obtained elsewhere (`ace admin link-tiktok`). Each connection hangs off a row of
//! Agent Core's `linked_accounts`: an existing row of the same handle, or a new one. The
//! posting settings of each account are read and changed here, and [`access_token`] hands the
//! publish job a token that is valid, refreshing it (and keeping the rotated refresh token)
//! before it expires.

use ace_db::Session;
use ace_db::agent_core as core_store;
use ace_db::social_connections::{
    self as store, AuthorizationRecord, ConnectionRecord, NewConnection, SealedGrant,
};
use ace_domain::agent_core::LinkedAccount;
use ace_domain::ids::AgentId;
use ace_domain::publishing::PostSettings;
use ace_net::hosted_api::ApiKey;
use ace_providers::publishers::tiktok::{Creator, Grant, Pkce, TikTokError};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, TimeDelta, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};
use tracing::warn;

use super::sealing::{Purpose, TokenSealer};
use super::{PUBLISHING, TIKTOK_CALLBACK_PATH, no_sealer};
use crate::policy::{AgentNeed, require_agent};
use crate::{Actor, App, AppError, AppResult, ErrorCode};

/// The platform ace connects accounts of.
pub const TIKTOK: &str = "tiktok";
/// How long a creator has to approve an authorization.
const AUTHORIZATION_MINUTES: i64 = 10;
/// A token this close to expiry is refreshed before use.
const REFRESH_AHEAD_SECS: i64 = 300;
/// The scope posting needs.
const POSTING_SCOPE: &str = "video.publish";

/// A started authorization: the URL the creator opens.
#[derive(Clone, Debug)]
pub struct Authorization {
    pub authorization_url: String,
    pub expires_at: DateTime<Utc>,
}

/// A connected account, as ace shows it (never with its tokens).
#[derive(Clone, Debug)]
pub struct ConnectedAccount {
    /// Its row in Agent Core's `linked_accounts`.
    pub account_id: i64,
    pub agent_id: AgentId,
    pub platform: String,
    pub open_id: String,
    pub username: Option<String>,
    pub display_name: Option<String>,
    pub url: String,
    /// Why it must be connected again; `None` while it can post.
    pub needs_reconnect: Option<String>,
    pub scopes: Vec<String>,
    pub connected_at: DateTime<Utc>,
    pub access_expires_at: DateTime<Utc>,
    pub settings: PostSettings,
}

/// What TikTok sent the creator's browser back with.
#[derive(Clone, Debug, Default)]
pub struct Callback {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
}

/// Tokens obtained outside ace, for a headless server.
#[derive(Clone, Debug)]
pub struct ObtainedTokens {
    pub open_id: String,
    pub access_token: ApiKey,
    /// Seconds from now.
    pub expires_in: u64,
    pub refresh_token: Option<ApiKey>,
    pub refresh_expires_in: Option<u64>,
    pub scope: String,
}

/// Starts connecting a TikTok account to the agent: the URL its creator opens.
pub async fn connect(app: &App, actor: &Actor, agent: AgentId) -> AppResult<Authorization> {
    let publishing = &app.publishing;
    if !publishing.tiktok.has_app() {
        return Err(AppError::unprocessable(
            ErrorCode::PublishingNotConfigured,
            "This server has no TikTok app: its operator must set ACE_TIKTOK_CLIENT_KEY and \
             ACE_TIKTOK_CLIENT_SECRET (or link tokens with `ace admin link-tiktok`).",
        ));
    }
    let sealer = publishing.sealer.as_ref().ok_or_else(no_sealer)?;
    let state = random_text(32);
    let pkce = Pkce::new(random_text(48));
    let redirect_uri = redirect_uri(app);
    let now = app.clock.now();
    let expires_at = now + TimeDelta::minutes(AUTHORIZATION_MINUTES);
    let mut tx = app.db.begin().await?;
    require_agent(&mut tx, actor, agent, AgentNeed::Edit, &PUBLISHING).await?;
    let record = AuthorizationRecord {
        agent_id: agent,
        platform: TIKTOK.into(),
        code_verifier: sealer.seal(&pkce.verifier, Purpose::CodeVerifier),
        redirect_uri: redirect_uri.clone(),
        expires_at,
    };
    store::begin_authorization(&mut tx, &digest(&state), &record, now).await?;
    tx.commit().await?;
    let authorization_url = publishing
        .tiktok
        .authorization_url(&state, &pkce, &redirect_uri)
        .map_err(AppError::internal)?;
    Ok(Authorization {
        authorization_url,
        expires_at,
    })
}

/// Completes an authorization from TikTok's redirect: the code is exchanged for a grant and
/// the account is connected to the agent the authorization was started for.
pub async fn complete(app: &App, callback: &Callback) -> AppResult<ConnectedAccount> {
    let sealer = app.publishing.sealer.as_ref().ok_or_else(no_sealer)?;
    let state = callback
        .state
        .as_deref()
        .filter(|state| !state.is_empty())
        .ok_or_else(|| invalid("state is required: open the authorization URL ace gave."))?;
    let mut tx = app.db.begin().await?;
    let started = store::take_authorization(&mut tx, &digest(state)).await?;
    tx.commit().await?;
    let Some(started) = started.filter(|started| started.expires_at > app.clock.now()) else {
        return Err(invalid(
            "This authorization is unknown, used or expired; start again with \
             POST /v1/agents/{agent_id}/social_accounts/tiktok/connect.",
        ));
    };
    if let Some(error) = callback.error.as_deref().filter(|e| !e.is_empty()) {
        let why = callback.error_description.as_deref().unwrap_or_default();
        return Err(invalid(&format!(
            "TikTok did not authorize the connection ({error}{}{why}).",
            if why.is_empty() { "" } else { ": " }
        )));
    }
    let code = callback
        .code
        .as_deref()
        .filter(|code| !code.is_empty())
        .ok_or_else(|| invalid("code is required."))?;
    let verifier = sealer
        .open(&started.code_verifier, Purpose::CodeVerifier)
        .map_err(AppError::internal)?;
    let tiktok = &app.publishing.tiktok;
    let grant = tiktok
        .exchange(
            code,
            &Pkce::new(verifier.expose().to_owned()),
            &started.redirect_uri,
        )
        .await
        .map_err(|err| refused_by_tiktok(&err))?;
    if !grant
        .scope
        .split(',')
        .any(|scope| scope.trim() == POSTING_SCOPE)
    {
        return Err(invalid(&format!(
            "TikTok granted {} but not {POSTING_SCOPE}; approve posting to connect the account.",
            if grant.scope.is_empty() {
                "no scope"
            } else {
                &grant.scope
            }
        )));
    }
    let creator = tiktok
        .creator_info(&grant.access_token)
        .await
        .map_err(|err| refused_by_tiktok(&err))?;
    attach(app, sealer, started.agent_id, &grant, &creator).await
}

/// Keeps tokens obtained outside ace for the agent's TikTok account (an operator's tool): they
/// are checked with TikTok first.
pub async fn link(
    app: &App,
    agent: AgentId,
    tokens: ObtainedTokens,
) -> AppResult<ConnectedAccount> {
    let sealer = app.publishing.sealer.as_ref().ok_or_else(no_sealer)?;
    let mut conn = app.db.conn().await?;
    if ace_db::agents::find(&mut conn, agent).await?.is_none() {
        return Err(crate::policy::agent_not_found(agent));
    }
    drop(conn);
    let creator = app
        .publishing
        .tiktok
        .creator_info(&tokens.access_token)
        .await
        .map_err(|err| refused_by_tiktok(&err))?;
    let grant = Grant {
        open_id: tokens.open_id,
        access_token: tokens.access_token,
        expires_in: tokens.expires_in,
        refresh_token: tokens.refresh_token,
        refresh_expires_in: tokens.refresh_expires_in,
        scope: tokens.scope,
    };
    attach(app, sealer, agent, &grant, &creator).await
}

/// The agent's connected accounts, most recently connected first.
pub async fn list(app: &App, actor: &Actor, agent: AgentId) -> AppResult<Vec<ConnectedAccount>> {
    let mut conn = app.db.conn().await?;
    require_agent(&mut conn, actor, agent, AgentNeed::View, &PUBLISHING).await?;
    let connections = store::for_agent(&mut conn, agent).await?;
    let linked = core_store::linked_accounts(&mut conn, agent).await?;
    Ok(connections
        .into_iter()
        .map(|connection| {
            let url = linked
                .iter()
                .find(|row| row.id.get() == connection.linked_account_id)
                .map(|row| row.url.clone())
                .unwrap_or_default();
            view(connection, url)
        })
        .collect())
}

/// Replaces a connected account's posting settings.
pub async fn update_settings(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    account: i64,
    settings: PostSettings,
) -> AppResult<ConnectedAccount> {
    let settings = settings
        .checked()
        .map_err(|err| AppError::invalid(ErrorCode::ValidationError, &err))?;
    let mut tx = app.db.begin().await?;
    require_agent(&mut tx, actor, agent, AgentNeed::Edit, &PUBLISHING).await?;
    let connection = store::find_by_linked_account(&mut tx, agent, account)
        .await?
        .ok_or_else(|| not_connected(account))?;
    let value = serde_json::to_value(&settings).map_err(AppError::internal)?;
    store::save_settings(&mut tx, connection.id, &value, app.clock.now()).await?;
    tx.commit().await?;
    list(app, actor, agent)
        .await?
        .into_iter()
        .find(|connected| connected.account_id == account)
        .ok_or_else(|| not_connected(account))
}

/// Why an account cannot be used to post.
#[derive(Clone, Debug)]
pub(crate) struct Unusable {
    pub reason: String,
    /// Trying again later may work (TikTok down or rate limiting).
    pub transient: bool,
}

/// A valid access token of `connection`, refreshed first when it is about to expire. A grant
/// TikTok no longer accepts marks the account as needing reconnection.
pub(crate) async fn access_token(
    app: &App,
    connection: &ConnectionRecord,
) -> AppResult<Result<ApiKey, Unusable>> {
    let sealer = app.publishing.sealer.as_ref().ok_or_else(no_sealer)?;
    let refuse = |reason: String| {
        Ok(Err(Unusable {
            reason,
            transient: false,
        }))
    };
    if let Some(why) = &connection.needs_reconnect {
        return refuse(reconnect_reason(connection, why));
    }
    let now = app.clock.now();
    if connection.access_expires_at - now > TimeDelta::seconds(REFRESH_AHEAD_SECS) {
        return Ok(sealer
            .open(&connection.access_token, Purpose::AccessToken)
            .map_err(|_| unreadable(connection)));
    }
    let Some(sealed_refresh) = &connection.refresh_token else {
        let why = "its access token expired and there is no refresh token";
        mark(app, connection, why).await?;
        return refuse(reconnect_reason(connection, why));
    };
    let Ok(refresh) = sealer.open(sealed_refresh, Purpose::RefreshToken) else {
        return Ok(Err(unreadable(connection)));
    };
    match app.publishing.tiktok.refresh(&refresh).await {
        Ok(grant) => {
            let sealed = Sealed::of(sealer, &grant, now);
            let mut tx = app.db.begin().await?;
            store::save_grant(&mut tx, connection.id, &sealed.grant(), now).await?;
            tx.commit().await?;
            Ok(Ok(grant.access_token))
        }
        Err(err @ (TikTokError::Grant { .. } | TikTokError::NoApp)) => {
            let why = err.to_string();
            mark(app, connection, &why).await?;
            refuse(reconnect_reason(connection, &why))
        }
        Err(err) => Ok(Err(Unusable {
            reason: err.to_string(),
            transient: err.is_transient(),
        })),
    }
}

/// Marks the account as needing reconnection after TikTok refused its token.
pub(crate) async fn mark(app: &App, connection: &ConnectionRecord, why: &str) -> AppResult<()> {
    let mut tx = app.db.begin().await?;
    store::mark_needs_reconnect(&mut tx, connection.id, why, app.clock.now()).await?;
    tx.commit().await?;
    Ok(())
}

/// The message for an account that must be connected again.
pub(crate) fn reconnect_reason(connection: &ConnectionRecord, why: &str) -> String {
    format!(
        "The TikTok account {} must be connected again ({why}): \
         POST /v1/agents/{}/social_accounts/tiktok/connect.",
        connection
            .username
            .as_deref()
            .map_or_else(|| connection.open_id.clone(), |name| format!("@{name}")),
        connection.agent_id
    )
}

fn unreadable(connection: &ConnectionRecord) -> Unusable {
    warn!(
        connection = connection.id,
        "a stored TikTok token did not open with the configured key"
    );
    Unusable {
        reason: "Its stored token cannot be read with this server's encryption key; connect the account again.".into(),
        transient: false,
    }
}

/// A grant sealed for keeping.
struct Sealed {
    access_token: String,
    access_expires_at: DateTime<Utc>,
    refresh_token: Option<String>,
    refresh_expires_at: Option<DateTime<Utc>>,
    scopes: String,
}

impl Sealed {
    fn of(sealer: &TokenSealer, grant: &Grant, now: DateTime<Utc>) -> Self {
        let after =
            |secs: u64| now + TimeDelta::seconds(i64::try_from(secs).unwrap_or(i64::MAX / 2_000));
        Self {
            access_token: sealer.seal(grant.access_token.expose(), Purpose::AccessToken),
            access_expires_at: after(grant.expires_in),
            refresh_token: grant
                .refresh_token
                .as_ref()
                .map(|token| sealer.seal(token.expose(), Purpose::RefreshToken)),
            refresh_expires_at: grant.refresh_expires_in.map(after),
            scopes: grant.scope.clone(),
        }
    }

    fn grant(&self) -> SealedGrant<'_> {
        SealedGrant {
            access_token: &self.access_token,
            access_expires_at: self.access_expires_at,
            refresh_token: self.refresh_token.as_deref(),
            refresh_expires_at: self.refresh_expires_at,
            scopes: &self.scopes,
        }
    }
}

/// Connects the creator's account to the agent, on the linked account of the same handle (or
/// a new one), in one transaction.
async fn attach(
    app: &App,
    sealer: &TokenSealer,
    agent: AgentId,
    grant: &Grant,
    creator: &Creator,
) -> AppResult<ConnectedAccount> {
    let now = app.clock.now();
    let sealed = Sealed::of(sealer, grant, now);
    let username = Some(creator.username.as_str()).filter(|name| !name.is_empty());
    let nickname = Some(creator.nickname.as_str()).filter(|name| !name.is_empty());
    let mut tx = app.db.begin().await?;
    ace_db::agents::lock(&mut tx, agent).await?;
    let linked_account_id =
        match store::find_by_open_id(&mut tx, agent, TIKTOK, &grant.open_id).await? {
            Some(existing) => existing.linked_account_id,
            None => linked_row(&mut tx, agent, username, nickname, now).await?,
        };
    let new = NewConnection {
        agent_id: agent,
        linked_account_id,
        platform: TIKTOK,
        open_id: &grant.open_id,
        username,
        display_name: nickname,
        grant: sealed.grant(),
    };
    let connection = store::connect(&mut tx, &new, now).await?;
    let url = core_store::linked_accounts(&mut tx, agent)
        .await?
        .into_iter()
        .find(|row| row.id.get() == linked_account_id)
        .map(|row| row.url)
        .unwrap_or_default();
    tx.commit().await?;
    Ok(view(connection, url))
}

/// The agent's linked account for this TikTok handle: the row already naming it, or a new one.
async fn linked_row(
    tx: &mut dyn Session,
    agent: AgentId,
    username: Option<&str>,
    nickname: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<i64> {
    let rows = core_store::linked_accounts(tx, agent).await?;
    if let Some(name) = username
        && let Some(row) = rows.iter().find(|row| {
            handle_of(&row.url).is_some_and(|handle| handle.eq_ignore_ascii_case(name))
                && row
                    .platform
                    .as_deref()
                    .is_none_or(|p| p.eq_ignore_ascii_case(TIKTOK))
        })
    {
        return Ok(row.id.get());
    }
    let account = LinkedAccount {
        id: None,
        url: username.map_or_else(
            || "https://www.tiktok.com/".to_owned(),
            |name| format!("https://www.tiktok.com/@{name}"),
        ),
        platform: Some(TIKTOK.into()),
        display_name: nickname.or(username).map(str::to_owned),
    };
    let position = i64::try_from(rows.len()).unwrap_or(i64::MAX);
    let row = core_store::insert_linked_account(tx, agent, &account, position, now).await?;
    Ok(row.id.get())
}

/// The `@handle` of a TikTok profile URL, without the `@`.
fn handle_of(url: &str) -> Option<&str> {
    let after = url.split('@').nth(1)?;
    let handle = after.split(['/', '?', '#']).next()?;
    (!handle.is_empty()).then_some(handle)
}

fn view(connection: ConnectionRecord, url: String) -> ConnectedAccount {
    ConnectedAccount {
        account_id: connection.linked_account_id,
        agent_id: connection.agent_id,
        platform: connection.platform,
        open_id: connection.open_id,
        username: connection.username,
        display_name: connection.display_name,
        url,
        needs_reconnect: connection.needs_reconnect,
        scopes: connection
            .scopes
            .split(',')
            .map(str::trim)
            .filter(|scope| !scope.is_empty())
            .map(str::to_owned)
            .collect(),
        connected_at: connection.connected_at,
        access_expires_at: connection.access_expires_at,
        settings: serde_json::from_value(connection.settings.0).unwrap_or_default(),
    }
}

/// ace's own callback, or the configured one.
fn redirect_uri(app: &App) -> String {
    app.publishing.redirect_uri.clone().unwrap_or_else(|| {
        format!(
            "{}{TIKTOK_CALLBACK_PATH}",
            app.settings.public_url.trim_end_matches('/')
        )
    })
}

/// Random URL-safe text of `bytes` random bytes.
fn random_text(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buffer);
    URL_SAFE_NO_PAD.encode(buffer)
}

fn digest(state: &str) -> String {
    hex::encode(Sha256::digest(state.as_bytes()))
}

fn invalid(message: &str) -> AppError {
    AppError::unprocessable(ErrorCode::ValidationError, message)
}

pub(crate) fn not_connected(account: i64) -> AppError {
    AppError::unprocessable(
        ErrorCode::SocialAccountNotConnected,
        format!(
            "Linked account {account} is not a connected TikTok account: connect this account first \
             (POST /v1/agents/{{agent_id}}/social_accounts/tiktok/connect)."
        ),
    )
}

fn refused_by_tiktok(err: &TikTokError) -> AppError {
    if err.is_transient() {
        AppError::new(
            crate::ErrorKind::Unavailable,
            ErrorCode::ServiceUnavailable,
            err.to_string(),
        )
    } else {
        AppError::unprocessable(ErrorCode::SocialAccountNotConnected, err.to_string())
    }
}
