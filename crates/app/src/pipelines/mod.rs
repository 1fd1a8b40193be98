//! Sheet pipelines (GEN documents the surface as coming soon; ace ships it): on one of an
//! agent's sheets, a trigger (by hand, a signed webhook URL, or a schedule) starts a run of a
//! chain of actions: ideas → rows → row runs → posts. [`actions`] keeps the chain,
//! [`schedule`] fires scheduled pipelines once per slot, [`runs`] starts and shows runs,
//! [`advance`] moves a run along its actions within its credits budget, and [`wakeup`]
//! wakes a run when what it waits on ends. Whoever may change the sheet's agent manages its
//! pipelines; anyone who may see the agent reads them; a run works as the pipeline's creator.

pub mod actions;
mod advance;
pub mod runs;
pub mod schedule;
pub(crate) mod wakeup;

use ace_db::Session;
use ace_db::pipelines::{self as store, ActionRecord, PipelineRecord, PipelineSettings};
use ace_domain::FieldError;
use ace_domain::credits::Credits;
use ace_domain::ids::{AgentId, SpreadsheetId};
use ace_domain::pipeline::trigger::{Trigger, TriggerConfig, config_of};
use serde_json::Value;

/// A stored action, as the routes answer it.
pub use ace_db::pipelines::ActionRecord as PipelineAction;
pub use advance::AdvancePipelineRuns;
pub use schedule::PipelineFirings;

use crate::policy::AgentNeed;
use crate::sheets::{agent_access, not_found, open_for_change};
use crate::{Actor, App, AppError, AppResult, ErrorCode};

/// The longest pipeline name.
pub const MAX_NAME_CHARS: usize = 200;
/// The largest budget one run may have.
pub const MAX_BUDGET: Credits = Credits::whole(1_000_000);

/// A pipeline with its actions.
#[derive(Clone, Debug)]
pub struct PipelineView {
    pub record: PipelineRecord,
    pub actions: Vec<ActionRecord>,
    /// Where a POST starts a run, for a `webhook` pipeline.
    pub webhook_url: Option<String>,
}

impl PipelineView {
    pub fn budget(&self) -> Credits {
        Credits::from_millis(self.record.budget_millis)
    }
}

/// What a create or an update sets; `None` keeps (or, on create, defaults) a field.
#[derive(Clone, Debug, Default)]
pub struct PipelineChange {
    pub name: Option<String>,
    pub trigger_type: Option<String>,
    pub trigger_config: Option<Value>,
    pub budget_credits: Option<Value>,
    pub enabled: Option<bool>,
}

/// Checked settings.
struct Checked {
    name: String,
    trigger: Trigger,
    trigger_config: Value,
    budget_millis: i64,
    enabled: bool,
}

impl Checked {
    fn settings(&self) -> PipelineSettings<'_> {
        PipelineSettings {
            name: &self.name,
            trigger_type: trigger_type_of(&self.trigger),
            trigger_config: &self.trigger_config,
            budget_millis: self.budget_millis,
            enabled: self.enabled,
        }
    }
}

fn trigger_type_of(trigger: &Trigger) -> &'static str {
    use ace_domain::pipeline::trigger::TriggerKind as Kind;
    match trigger.kind {
        Kind::Webhook => "webhook",
        Kind::Minutely { .. } => "schedule_minutely",
        Kind::Hourly { .. } => "schedule_hourly",
        Kind::Daily { .. } => "schedule_daily",
        Kind::Weekly { .. } => "schedule_weekly",
        Kind::Monthly { .. } => "schedule_monthly",
        Kind::Once { .. } => "schedule_once",
    }
}

/// Reads `change` over `current` (nothing, on create).
fn check(
    app: &App,
    change: &PipelineChange,
    current: Option<&PipelineRecord>,
) -> AppResult<Checked> {
    let invalid = |err: FieldError| AppError::invalid(ErrorCode::ValidationError, &err);
    let name = match (&change.name, current) {
        (Some(name), _) => name.trim().to_owned(),
        (None, Some(current)) => current.name.clone(),
        (None, None) => String::new(),
    };
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(invalid(FieldError::new(
            "name",
            format!("must be 1 to {MAX_NAME_CHARS} characters"),
        )));
    }
    let trigger_type = match (&change.trigger_type, current) {
        (Some(kind), _) => kind.trim().to_owned(),
        (None, Some(current)) => current.trigger_type.clone(),
        (None, None) => {
            return Err(invalid(FieldError::new(
                "trigger_type",
                "is required (webhook, or schedule_minutely to schedule_monthly, or schedule_once)",
            )));
        }
    };
    let config: TriggerConfig = match (&change.trigger_config, current) {
        (Some(config), _) => config_of(config).map_err(invalid)?,
        (None, Some(current)) if change.trigger_type.is_none() => {
            config_of(&current.trigger_config.0).map_err(invalid)?
        }
        _ => TriggerConfig::default(),
    };
    // A time already passed is refused only when it is being set.
    let now =
        (change.trigger_config.is_some() || change.trigger_type.is_some()).then(|| app.clock.now());
    let trigger = Trigger::parse(&trigger_type, &config, now).map_err(invalid)?;
    let budget_millis = match (&change.budget_credits, current) {
        (Some(raw), _) => budget(raw).map_err(invalid)?,
        (None, Some(current)) => current.budget_millis,
        (None, None) => {
            return Err(invalid(FieldError::new(
                "budget_credits",
                "is required: the most credits one run may spend",
            )));
        }
    };
    let enabled = change
        .enabled
        .or(current.map(|current| current.enabled))
        .unwrap_or(true);
    Ok(Checked {
        name,
        trigger_config: serde_json::to_value(TriggerConfig::from(&trigger)).unwrap_or(Value::Null),
        trigger,
        budget_millis,
        enabled,
    })
}

/// A budget in credits: a positive number (or decimal string) up to [`MAX_BUDGET`].
fn budget(raw: &Value) -> Result<i64, FieldError> {
    let credits = match raw {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => text.trim().parse::<f64>().ok(),
        _ => None,
    }
    .filter(|credits| credits.is_finite() && *credits > 0.0);
    match credits {
        Some(credits) if credits * 1_000.0 <= MAX_BUDGET.millis() as f64 => {
            Ok((credits * 1_000.0).round() as i64)
        }
        _ => Err(FieldError::new(
            "budget_credits",
            format!("must be a number of credits above 0 and at most {MAX_BUDGET}"),
        )),
    }
}

/// Creates a pipeline on the agent's sheet; a scheduled one is armed for its first slot.
pub async fn create(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    change: PipelineChange,
) -> AppResult<PipelineView> {
    let checked = check(app, &change, None)?;
    let now = app.clock.now();
    let mut tx = app.db.begin().await?;
    let engine = open_for_change(&mut tx, actor, agent, sheet).await?;
    let organization = agent_access(&mut tx, actor, agent, AgentNeed::Edit)
        .await?
        .agent
        .organization_id;
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    let record = store::insert(
        &mut tx,
        agent,
        organization,
        engine.id.get(),
        actor.user_id,
        &checked.settings(),
        &nonce,
        now,
    )
    .await?;
    let withdrawn = schedule::rearm(&mut tx, app, &record).await?;
    let view = load(&mut tx, app, record.id).await?;
    tx.commit().await?;
    schedule::after_rearm(app, withdrawn);
    Ok(view)
}

/// The sheet's pipelines.
pub async fn list(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
) -> AppResult<Vec<PipelineView>> {
    let mut conn = app.db.conn().await?;
    readable_sheet(&mut conn, actor, agent, sheet).await?;
    let mut views = Vec::new();
    for record in store::for_sheet(&mut conn, sheet.get()).await? {
        views.push(load(&mut conn, app, record.id).await?);
    }
    Ok(views)
}

/// One of the sheet's pipelines.
pub async fn get(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    id: i64,
) -> AppResult<PipelineView> {
    let mut conn = app.db.conn().await?;
    readable_sheet(&mut conn, actor, agent, sheet).await?;
    let record = of_sheet(&mut conn, sheet, id).await?;
    load(&mut conn, app, record.id).await
}

/// Changes a pipeline's settings; its schedule is armed again from now.
pub async fn update(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    id: i64,
    change: PipelineChange,
) -> AppResult<PipelineView> {
    let now = app.clock.now();
    let mut tx = app.db.begin().await?;
    open_for_change(&mut tx, actor, agent, sheet).await?;
    let current = of_sheet(&mut tx, sheet, id).await?;
    store::lock(&mut tx, id).await?;
    let checked = check(app, &change, Some(&current))?;
    let record = store::update(&mut tx, id, &checked.settings(), now).await?;
    let withdrawn = schedule::rearm(&mut tx, app, &record).await?;
    let view = load(&mut tx, app, id).await?;
    tx.commit().await?;
    schedule::after_rearm(app, withdrawn);
    Ok(view)
}

/// Deletes a pipeline with its actions and runs; its next firing is withdrawn. Work its runs
/// started (agent runs, row runs, posts) carries on by itself.
pub async fn delete(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    id: i64,
) -> AppResult<()> {
    let mut tx = app.db.begin().await?;
    open_for_change(&mut tx, actor, agent, sheet).await?;
    let record = of_sheet(&mut tx, sheet, id).await?;
    store::lock(&mut tx, id).await?;
    let withdrawn = schedule::disarm(&mut tx, app, &record).await?;
    store::delete(&mut tx, id).await?;
    tx.commit().await?;
    schedule::after_rearm(app, withdrawn);
    Ok(())
}

/// Checks the caller may see the agent and that the sheet is one of its engines.
async fn readable_sheet(
    db: &mut dyn Session,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
) -> AppResult<()> {
    agent_access(db, actor, agent, AgentNeed::View).await?;
    ace_db::sheets::engines::find(db, agent, sheet)
        .await?
        .ok_or_else(|| not_found("Engine", sheet))?;
    Ok(())
}

/// The pipeline `id` of `sheet`; any other is not found.
async fn of_sheet(
    db: &mut dyn Session,
    sheet: SpreadsheetId,
    id: i64,
) -> AppResult<PipelineRecord> {
    store::find(db, id)
        .await?
        .filter(|record| record.spreadsheet_id == sheet.get())
        .ok_or_else(|| not_found("Pipeline", id))
}

async fn load(db: &mut dyn Session, app: &App, id: i64) -> AppResult<PipelineView> {
    let record = store::find(db, id)
        .await?
        .ok_or_else(|| not_found("Pipeline", id))?;
    let actions = store::actions(db, id).await?;
    let webhook_url = (record.trigger_type == "webhook").then(|| runs::webhook_url(app, &record));
    Ok(PipelineView {
        record,
        actions,
        webhook_url,
    })
}
