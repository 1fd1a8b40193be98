//! An agent's automation config (GEN: automation_config): the webhook URL that hears every
//! generation status change, the callback URL that hears terminal results, and the secret
//! that signs both (Standard Webhooks). The secret is shown when it is created or rotated
//! and never again. Test sends and the delivery log are here too.

pub mod delivery;

use ace_db::Session;
use ace_db::automation::{self as store, ConfigRecord, DeliveryRecord};
use ace_domain::ids::AgentId;
use ace_domain::patch::Patch;
use ace_domain::webhook::{DeliveryStatus, DeliveryTarget};
use chrono::{DateTime, Utc};

use crate::policy::{AgentNeed, Denials, require_agent};
use crate::{Actor, App, AppError, AppResult, ErrorCode};
use ace_net::outbound;
use ace_net::webhook_signature::Secret;

/// The configuration as clients see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AutomationView {
    pub webhook_url: Option<String>,
    pub callback_url: Option<String>,
    pub polling_enabled: bool,
    /// Only when it was just created or rotated.
    pub signing_secret: Option<String>,
}

/// A change to the configuration.
#[derive(Clone, Debug, Default)]
pub struct AutomationPatch {
    pub webhook_url: Patch<String>,
    pub callback_url: Patch<String>,
    pub polling_enabled: Option<bool>,
}

/// A webhook or callback delivery, as its agent's members see it.
#[derive(Clone, Debug)]
pub struct Delivery {
    pub id: i64,
    /// The `webhook-id` header: the same on every attempt.
    pub message_id: String,
    pub target: DeliveryTarget,
    pub event_type: String,
    pub url: String,
    pub payload: serde_json::Value,
    pub status: DeliveryStatus,
    pub attempts: i64,
    pub last_status_code: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

impl From<DeliveryRecord> for Delivery {
    fn from(record: DeliveryRecord) -> Self {
        Self {
            id: record.id,
            message_id: record.message_id,
            target: record.target,
            event_type: record.event_type,
            url: record.url,
            payload: record.payload.0,
            status: record.status,
            attempts: record.attempts,
            last_status_code: record.last_status_code,
            last_error: record.last_error,
            created_at: record.created_at,
            delivered_at: record.delivered_at,
        }
    }
}

/// What a test send reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestResult {
    pub success: bool,
    pub error: Option<String>,
}

const ACCESS: Denials = Denials::hidden_or(read_only);

fn read_only(agent: AgentId) -> AppError {
    AppError::forbidden(
        ErrorCode::Forbidden,
        format!("Your role in agent {agent}'s workspace may not change its automation."),
    )
}

/// The agent's configuration (all empty until first set).
pub async fn get(app: &App, actor: &Actor, agent: AgentId) -> AppResult<AutomationView> {
    let mut conn = app.db.conn().await?;
    require_agent(&mut conn, actor, agent, AgentNeed::View, &ACCESS).await?;
    Ok(view(store::find(&mut conn, agent).await?.as_ref(), false))
}

/// Changes the configuration; the first change creates the signing secret and shows it.
pub async fn update(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    patch: AutomationPatch,
) -> AppResult<AutomationView> {
    let reach = app.settings.outbound_reach;
    let webhook_url = patch
        .webhook_url
        .try_map(|url| checked_url("automation_config.webhook_url", &url, reach))?;
    let callback_url = patch
        .callback_url
        .try_map(|url| checked_url("automation_config.callback_url", &url, reach))?;
    let mut tx = app.db.begin().await?;
    require_agent(&mut tx, actor, agent, AgentNeed::Edit, &ACCESS).await?;
    let (mut config, created) = current_or_new(&mut tx, agent, app.clock.now()).await?;
    if let Some(url) = webhook_url.into_change() {
        config.webhook_url = url;
    }
    if let Some(url) = callback_url.into_change() {
        config.callback_url = url;
    }
    if let Some(polling) = patch.polling_enabled {
        config.polling_enabled = polling;
    }
    let saved = store::save(&mut tx, &config, app.clock.now()).await?;
    tx.commit().await?;
    Ok(view(Some(&saved), created))
}

/// Replaces the signing secret and shows the new one.
pub async fn rotate_secret(app: &App, actor: &Actor, agent: AgentId) -> AppResult<AutomationView> {
    let mut tx = app.db.begin().await?;
    require_agent(&mut tx, actor, agent, AgentNeed::Edit, &ACCESS).await?;
    let (mut config, _) = current_or_new(&mut tx, agent, app.clock.now()).await?;
    config.signing_secret = Secret::generate().expose().to_owned();
    let saved = store::save(&mut tx, &config, app.clock.now()).await?;
    tx.commit().await?;
    Ok(view(Some(&saved), true))
}

/// The agent's latest deliveries, newest first.
pub async fn deliveries(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    limit: i64,
) -> AppResult<Vec<Delivery>> {
    let mut conn = app.db.conn().await?;
    require_agent(&mut conn, actor, agent, AgentNeed::View, &ACCESS).await?;
    let records = store::list_deliveries(&mut conn, agent, limit.clamp(1, 100)).await?;
    Ok(records.into_iter().map(Delivery::from).collect())
}

/// Sends a signed test event to the configured URL now and reports how it went.
pub async fn test(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    target: DeliveryTarget,
) -> AppResult<TestResult> {
    let mut conn = app.db.conn().await?;
    require_agent(&mut conn, actor, agent, AgentNeed::Edit, &ACCESS).await?;
    let config = store::find(&mut conn, agent).await?;
    drop(conn);
    let url = config.as_ref().and_then(|c| match target {
        DeliveryTarget::Webhook => c.webhook_url.clone(),
        DeliveryTarget::Callback => c.callback_url.clone(),
    });
    let (Some(config), Some(url)) = (config, url) else {
        return Err(AppError::unprocessable(
            ErrorCode::ValidationError,
            format!("No {} URL is configured for this agent.", target.as_str()),
        ));
    };
    Ok(delivery::send_test(app, &config, target, &url).await)
}

async fn current_or_new(
    db: &mut dyn Session,
    agent: AgentId,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<(ConfigRecord, bool)> {
    Ok(match store::find(db, agent).await? {
        Some(config) => (config, false),
        None => (
            ConfigRecord {
                agent_id: agent.get(),
                webhook_url: None,
                callback_url: None,
                polling_enabled: false,
                signing_secret: Secret::generate().expose().to_owned(),
                updated_at: now,
            },
            true,
        ),
    })
}

fn checked_url(field: &str, url: &str, reach: outbound::Reach) -> AppResult<String> {
    outbound::check_url(url.trim(), reach)
        .map(|url| url.to_string())
        .map_err(|problem| {
            AppError::unprocessable(ErrorCode::ValidationError, format!("{field} {problem}"))
        })
}

fn view(config: Option<&ConfigRecord>, show_secret: bool) -> AutomationView {
    AutomationView {
        webhook_url: config.and_then(|c| c.webhook_url.clone()),
        callback_url: config.and_then(|c| c.callback_url.clone()),
        polling_enabled: config.is_some_and(|c| c.polling_enabled),
        signing_secret: config
            .filter(|_| show_secret)
            .map(|c| c.signing_secret.clone()),
    }
}
