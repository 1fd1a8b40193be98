//! Delivering events: each is recorded in the delivery log and queued in the transaction
//! that caused it, then POSTed (signed, 10 s timeout, no redirects, public addresses only
//! unless configured otherwise) until the receiver answers 2xx or the retries run out. The
//! same message id is sent on every attempt, so receivers can drop duplicates.

use std::time::Duration;

use ace_db::Session;
use ace_db::automation::{self as store, Attempt, ConfigRecord, NewDelivery, Outgoing};
use ace_domain::ids::AgentId;
use ace_domain::webhook::{DeliveryStatus, DeliveryTarget};
use ace_jobs::{Enqueue, Handler, Job, Outcome, Payload};
use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tracing::warn;

use super::TestResult;
use ace_net::outbound;
use ace_net::webhook_signature::{self as signature, Secret};

use crate::{App, AppResult};

/// The job that makes one delivery's attempts.
#[derive(Debug, Serialize, Deserialize)]
pub struct DeliverWebhook {
    pub delivery_id: i64,
}

impl Payload for DeliverWebhook {
    const KIND: &'static str = "webhook_delivery";
    const VERSION: u32 = 1;
}

/// The lane deliveries run in.
const LANE: &str = "webhooks";

/// Waits after each failed attempt, in units of the configured retry base (5 s by default:
/// 5 s, 30 s, 2 min, 4 min, 5 min — six attempts over about 12 minutes).
const BACKOFF_STEPS: [u32; 5] = [1, 6, 24, 48, 60];

/// Where an agent's events go. Read it before the transaction that queues events, off the
/// write path: a configuration changed meanwhile takes effect from the next event, as if
/// the change had come a moment later.
#[derive(Clone, Debug, Default)]
pub(crate) struct Routes {
    webhook_url: Option<String>,
    callback_url: Option<String>,
}

/// The agent's current routes (none until its automation is configured).
pub(crate) async fn routes(db: &mut dyn Session, agent: AgentId) -> AppResult<Routes> {
    Ok(store::find(db, agent)
        .await?
        .map(|config| Routes {
            webhook_url: config.webhook_url,
            callback_url: config.callback_url,
        })
        .unwrap_or_default())
}

/// An event to announce.
#[derive(Clone, Debug)]
pub(crate) struct Event<'a> {
    pub routes: &'a Routes,
    pub agent: AgentId,
    /// Whose deliveries these are, for fairness in the queue (an organization id).
    pub tenant: i64,
    pub event_type: &'a str,
    /// Whether it ends something (it then goes to the callback URL too).
    pub terminal: bool,
}

/// Records and queues the event for the agent's webhook (and, for a terminal event, its
/// callback), if configured; `data` is only built if something is. Runs in the caller's
/// transaction.
pub(crate) async fn queue_event(
    tx: &mut dyn Session,
    app: &App,
    event: &Event<'_>,
    data: impl FnOnce() -> Value,
) -> AppResult<bool> {
    let routes = event.routes;
    let targets = [
        (DeliveryTarget::Webhook, routes.webhook_url.as_deref()),
        (
            DeliveryTarget::Callback,
            routes.callback_url.as_deref().filter(|_| event.terminal),
        ),
    ];
    if targets.iter().all(|(_, url)| url.is_none()) {
        return Ok(false);
    }
    let data = data();
    let (agent, tenant, event_type) = (event.agent, event.tenant, event.event_type);
    let mut queued = false;
    for (target, url) in targets {
        let Some(url) = url else { continue };
        let message_id = format!("msg_{}", uuid::Uuid::now_v7().simple());
        let payload = envelope(event_type, data.clone());
        let new = NewDelivery {
            agent_id: agent,
            message_id: &message_id,
            target,
            event_type,
            url,
            payload: &payload,
        };
        let delivery = store::insert_delivery(tx, &new, app.clock.now()).await?;
        let job = DeliverWebhook {
            delivery_id: delivery.id,
        };
        let enqueue = Enqueue::new(&job, LANE, tenant)
            .attempts(u32::try_from(BACKOFF_STEPS.len() + 1).unwrap_or(6));
        app.queue.enqueue(tx, &enqueue).await?;
        queued = true;
    }
    Ok(queued)
}

/// The event envelope: `{type, timestamp, data}`.
fn envelope(event_type: &str, data: Value) -> Value {
    json!({
        "type": event_type,
        "timestamp": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "data": data,
    })
}

/// Runs queued deliveries.
pub struct DeliveryJobs {
    app: App,
}

impl DeliveryJobs {
    pub fn new(app: App) -> Self {
        Self { app }
    }
}

impl Handler for DeliveryJobs {
    fn kind(&self) -> &'static str {
        DeliverWebhook::KIND
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let index = usize::try_from(attempt.saturating_sub(1)).unwrap_or(usize::MAX);
        let steps = BACKOFF_STEPS
            .get(index)
            .or(BACKOFF_STEPS.last())
            .copied()
            .unwrap_or(1);
        self.app.settings.webhook_retry_base.saturating_mul(steps)
    }

    fn run(&self, job: Job) -> BoxFuture<'static, Outcome> {
        let app = self.app.clone();
        Box::pin(async move {
            match deliver(&app, &job).await {
                Ok(outcome) => outcome,
                Err(err) => {
                    warn!(job = job.id, error = %err, "could not run a webhook delivery");
                    Outcome::Retry("internal error".into())
                }
            }
        })
    }

    fn give_up(&self, job: Job, reason: String) -> BoxFuture<'static, ()> {
        let app = self.app.clone();
        Box::pin(async move {
            let Some(id) = delivery_id(&job) else { return };
            let result = async {
                let mut conn = app.db.writer().await?;
                store::mark_failed(&mut conn, id, &reason, app.clock.now()).await
            }
            .await;
            if let Err(err) = result {
                warn!(delivery = id, error = %err, "could not record a failed delivery");
            }
        })
    }
}

fn delivery_id(job: &Job) -> Option<i64> {
    job.readable_payload::<DeliverWebhook>()
        .map(|payload| payload.delivery_id)
}

async fn deliver(app: &App, job: &Job) -> AppResult<Outcome> {
    let Some(id) = delivery_id(job) else {
        return Ok(Outcome::Done);
    };
    let outgoing = store::find_outgoing(&mut app.db.conn().await?, id).await?;
    let Some(Outgoing {
        delivery,
        signing_secret,
    }) = outgoing
    else {
        return Ok(Outcome::Done);
    };
    if delivery.status != DeliveryStatus::Pending {
        return Ok(Outcome::Done);
    }
    let Some(secret) = signing_secret else {
        store::mark_failed(
            &mut app.db.writer().await?,
            id,
            "The automation config was removed.",
            app.clock.now(),
        )
        .await?;
        return Ok(Outcome::Done);
    };
    let body = serde_json::to_vec(&delivery.payload.0).unwrap_or_default();
    let sent = post(app, &secret, &delivery.url, &delivery.message_id, body).await;
    let (status, outcome) = match &sent {
        Ok(_) => (DeliveryStatus::Delivered, Outcome::Done),
        Err(_) if job.is_last_attempt() => (DeliveryStatus::Failed, Outcome::Done),
        Err(failure) => (
            DeliveryStatus::Pending,
            Outcome::Retry(failure.error.clone()),
        ),
    };
    let attempt = attempt_of(status, &sent);
    let mut conn = app.db.writer().await?;
    store::record_attempt(&mut conn, id, &attempt, app.clock.now()).await?;
    Ok(outcome)
}

/// Why a POST failed.
#[derive(Clone, Debug)]
struct Failure {
    status_code: Option<u16>,
    error: String,
}

/// POSTs a signed body; `Ok` carries the 2xx status.
async fn post(
    app: &App,
    signing_secret: &str,
    url: &str,
    message_id: &str,
    body: Vec<u8>,
) -> Result<u16, Failure> {
    let failure = |error: String| Failure {
        status_code: None,
        error,
    };
    let reach = app.settings.outbound_reach;
    outbound::check_url(url, reach).map_err(|problem| failure(format!("The URL {problem}.")))?;
    let secret = Secret::parse(signing_secret)
        .map_err(|_| failure("The signing secret is unreadable; rotate it.".into()))?;
    let timestamp = chrono::Utc::now().timestamp();
    let mut request = app
        .outbound
        .post(url)
        .header("content-type", "application/json");
    for (name, value) in signature::headers(&secret, message_id, timestamp, &body) {
        request = request.header(name, value);
    }
    let timeout = app.settings.webhook_timeout;
    let response = request
        .body(body)
        .send()
        .await
        .map_err(|err| failure(outbound::describe(&err, timeout)))?;
    let status = response.status();
    match outbound::describe_status(status) {
        None => Ok(status.as_u16()),
        Some(error) => Err(Failure {
            status_code: Some(status.as_u16()),
            error,
        }),
    }
}

/// Sends a test event now (not queued) and logs it.
pub(crate) async fn send_test(
    app: &App,
    config: &ConfigRecord,
    target: DeliveryTarget,
    url: &str,
) -> TestResult {
    let event_type = format!("{}.test", target.as_str());
    let payload = envelope(
        &event_type,
        json!({ "agent_id": config.agent_id, "message": "This is a test event from ace." }),
    );
    let message_id = format!("msg_{}", uuid::Uuid::now_v7().simple());
    let body = serde_json::to_vec(&payload).unwrap_or_default();
    let sent = post(app, &config.signing_secret, url, &message_id, body).await;
    let logged = NewDelivery {
        agent_id: AgentId::new(config.agent_id),
        message_id: &message_id,
        target,
        event_type: &event_type,
        url,
        payload: &payload,
    };
    if let Err(err) = log_test(app, &logged, &sent).await {
        warn!(error = %err, "could not log a test delivery");
    }
    match sent {
        Ok(_) => TestResult {
            success: true,
            error: None,
        },
        Err(failure) => TestResult {
            success: false,
            error: Some(failure.error),
        },
    }
}

async fn log_test(app: &App, new: &NewDelivery<'_>, sent: &Result<u16, Failure>) -> AppResult<()> {
    let mut conn = app.db.writer().await?;
    let delivery = store::insert_delivery(&mut conn, new, app.clock.now()).await?;
    let status = if sent.is_ok() {
        DeliveryStatus::Delivered
    } else {
        DeliveryStatus::Failed
    };
    let attempt = attempt_of(status, sent);
    store::record_attempt(&mut conn, delivery.id, &attempt, app.clock.now()).await?;
    Ok(())
}

fn attempt_of(status: DeliveryStatus, sent: &Result<u16, Failure>) -> Attempt<'_> {
    Attempt {
        status,
        status_code: match sent {
            Ok(code) => Some(i64::from(*code)),
            Err(failure) => failure.status_code.map(i64::from),
        },
        error: sent.as_ref().err().map(|f| f.error.as_str()),
    }
}
