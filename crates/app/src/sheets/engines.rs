//! Engines as a whole: create one (with the system columns), read it with everything in
//! it, and clone it deeply into the same agent or another one.

use ace_db::Session;
use ace_db::sheets::columns::{self, NewColumn};
use ace_db::sheets::engines::{self as store, NewSheet, SheetRecord};
use ace_db::sheets::{self, copy};
use ace_domain::FieldError;
use ace_domain::ids::{AgentId, SpreadsheetId, TemplateId};
use ace_domain::sheet::column::SYSTEM_COLUMNS;
use ace_domain::sheet::{ASPECT_RATIOS, slug};
use chrono::{DateTime, Utc};
use serde_json::json;

use super::{SheetView, agent_access, load_engine, open, open_agent};
use crate::policy::AgentNeed;
use crate::{Actor, App, AppError, AppResult, ErrorCode, ErrorKind};

/// The longest engine title.
pub const MAX_TITLE_CHARS: usize = 200;

/// What a new engine is given.
#[derive(Clone, Debug, Default)]
pub struct NewEngine {
    pub title: Option<String>,
    pub is_default: Option<bool>,
    /// The canvas (ace's addition; GEN's engines are 9:16).
    pub aspect_ratio: Option<String>,
}

/// Creates an engine with the VIDEO, FINAL VIDEO and STATS columns and no rows.
pub async fn create(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    new: &NewEngine,
) -> AppResult<SheetView> {
    let title = title(new.title.as_deref())?;
    let aspect_ratio = aspect_ratio(new.aspect_ratio.as_deref())?;
    let now = app.clock.now();
    let mut tx = app.db.begin().await?;
    open_agent(&mut tx, actor, agent, AgentNeed::Edit).await?;
    let sheet = insert(
        &mut tx,
        Some(agent),
        None,
        &title,
        new.is_default.unwrap_or(false),
        aspect_ratio,
        now,
    )
    .await?;
    for (index, column) in SYSTEM_COLUMNS.iter().enumerate() {
        let position = i64::try_from(index).unwrap_or(0) + 1;
        columns::insert(
            &mut tx,
            &NewColumn {
                spreadsheet_id: sheet.id,
                title: column.title,
                kind: column.kind,
                role: column.role,
                description: None,
                position,
                additional_attributes: &json!({}),
            },
            now,
        )
        .await?;
    }
    let view = load_engine(&mut tx, sheet).await?;
    tx.commit().await?;
    Ok(view)
}

/// An engine as a list shows it.
#[derive(Clone, Debug)]
pub struct EngineSummary {
    pub id: SpreadsheetId,
    pub title: String,
    pub slug: String,
    pub is_default: bool,
    pub aspect_ratio: String,
    /// The library template it was cloned from.
    pub template_id: Option<TemplateId>,
    pub updated_at: DateTime<Utc>,
}

/// The agent's engines, the most recently changed first.
pub async fn list(app: &App, actor: &Actor, agent: AgentId) -> AppResult<Vec<EngineSummary>> {
    let mut conn = app.db.conn().await?;
    agent_access(&mut conn, actor, agent, AgentNeed::View).await?;
    let sheets = store::for_agent(&mut conn, agent).await?;
    Ok(sheets
        .into_iter()
        .map(|sheet| EngineSummary {
            id: sheet.id,
            title: sheet.title,
            slug: sheet.slug,
            is_default: sheet.is_default,
            aspect_ratio: sheet.aspect_ratio,
            template_id: sheet.template_id.map(TemplateId::new),
            updated_at: sheet.updated_at,
        })
        .collect())
}

/// One of the agent's engines with all its columns, rows, cells, layers and variables.
pub async fn get(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    id: SpreadsheetId,
) -> AppResult<SheetView> {
    let mut conn = app.db.conn().await?;
    let sheet = open(&mut conn, actor, agent, id, AgentNeed::View).await?;
    load_engine(&mut conn, sheet).await
}

/// Deep-copies one of the agent's engines into the same agent or `target`, which the caller
/// must be able to edit. Job history stays behind.
pub async fn clone(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    id: SpreadsheetId,
    target: Option<AgentId>,
) -> AppResult<SheetView> {
    let now = app.clock.now();
    let mut tx = app.db.begin().await?;
    let source = open(&mut tx, actor, agent, id, AgentNeed::View).await?;
    let target = target.unwrap_or(agent);
    if target == agent {
        open_agent(&mut tx, actor, agent, AgentNeed::Edit).await?;
    } else {
        open_agent(&mut tx, actor, target, AgentNeed::Edit)
            .await
            .map_err(|err| match err.kind {
                ErrorKind::NotFound | ErrorKind::Forbidden => AppError::unprocessable(
                    ErrorCode::ValidationError,
                    format!("target_agent_id {target} is not an agent you can edit."),
                ),
                _ => err,
            })?;
    }
    let template = source.template_id.map(TemplateId::new);
    let view = copy_engine(&mut tx, &source, target, template, &source.title, now).await?;
    tx.commit().await?;
    Ok(view)
}

/// Makes a deep copy of `source` for `agent` and reads it back.
pub(crate) async fn copy_engine(
    db: &mut dyn Session,
    source: &SheetRecord,
    agent: AgentId,
    template: Option<TemplateId>,
    title: &str,
    now: DateTime<Utc>,
) -> AppResult<SheetView> {
    let copy = insert(
        db,
        Some(agent),
        template,
        title,
        false,
        &source.aspect_ratio,
        now,
    )
    .await?;
    copy::engine(db, source.id, copy.id, now).await?;
    load_engine(db, copy).await
}

/// Records a new engine with a free slug, moving the agent's default flag to it if asked.
pub(crate) async fn insert(
    db: &mut dyn Session,
    agent: Option<AgentId>,
    template: Option<TemplateId>,
    title: &str,
    is_default: bool,
    aspect_ratio: &str,
    now: DateTime<Utc>,
) -> AppResult<SheetRecord> {
    let base = slug::slugify(title);
    let slug = match agent {
        Some(agent) => {
            store::lock_agent(db, agent).await?;
            if is_default {
                store::clear_default(db, agent, now).await?;
            }
            slug::first_free(&base, &store::slugs_like(db, agent, &base).await?)
        }
        None => base,
    };
    Ok(store::insert(
        db,
        &NewSheet {
            agent_id: agent,
            template_id: template,
            slug: &slug,
            title,
            is_default: is_default && agent.is_some(),
            aspect_ratio,
        },
        now,
    )
    .await?)
}

/// Marks the engine changed, for `updated_at`.
pub(crate) async fn touch(
    db: &mut dyn Session,
    sheet: SpreadsheetId,
    now: DateTime<Utc>,
) -> AppResult<()> {
    Ok(sheets::engines::touch(db, sheet, now).await?)
}

fn title(text: Option<&str>) -> Result<String, FieldError> {
    let title = text.map(str::trim).unwrap_or_default();
    if title.is_empty() {
        return Err(FieldError::new("spreadsheet.title", "is required"));
    }
    if title.chars().count() > MAX_TITLE_CHARS || title.chars().any(char::is_control) {
        return Err(FieldError::new(
            "spreadsheet.title",
            format!("must be at most {MAX_TITLE_CHARS} characters, without control characters"),
        ));
    }
    Ok(title.to_owned())
}

fn aspect_ratio(text: Option<&str>) -> Result<&'static str, FieldError> {
    let text = text.map(str::trim).unwrap_or("9:16");
    ASPECT_RATIOS
        .into_iter()
        .find(|ratio| *ratio == text)
        .ok_or_else(|| {
            FieldError::new(
                "spreadsheet.aspect_ratio",
                format!("must be one of {}", ASPECT_RATIOS.join(", ")),
            )
        })
}
