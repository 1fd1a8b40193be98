//! Auto Content Engines (GEN: vidsheets, spreadsheets): an agent's grid of rows (videos) and
//! columns (content types), the cells where they meet, each video cell's layer stack, and
//! the engine's global variables. Every call checks the agent's workspace has usable
//! credits, as GEN does for all `/autocontentengine` routes, though none of these costs any.
//! Members of the agent's workspace read; editors and above write.

pub mod assembled;
pub mod cells;
pub mod columns;
pub mod engines;
pub mod layers;
pub mod rows;
pub mod variables;

use ace_db::sheets::engines::{self as store, SheetRecord};
use ace_db::sheets::positions::{self, List};
use ace_db::sheets::tree::{self, Contents};
use ace_db::{Session, Tx};
use ace_domain::FieldError;
use ace_domain::ids::{AgentId, SpreadsheetId};
use ace_domain::sheet::{layer, position};
use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::credits::require_usable;
use crate::policy::{AgentNeed, Denials, VISIBLE, require_agent};
use crate::{Actor, App, AppError, AppResult, ErrorCode};

pub(crate) use ace_db::sheets::tree::Scope;

/// An engine with what was read of its contents.
#[derive(Clone, Debug)]
pub struct SheetView {
    pub(crate) sheet: SheetRecord,
    pub(crate) contents: Contents,
}

impl SheetView {
    /// The engine's id.
    pub fn id(&self) -> SpreadsheetId {
        self.sheet.id
    }
}

const WRITE: Denials = Denials::hidden_or(read_only);

fn read_only(agent: AgentId) -> AppError {
    AppError::forbidden(
        ErrorCode::Forbidden,
        format!("Your role in agent {agent}'s workspace may view its engines but not change them."),
    )
}

/// Checks the caller may `need` the agent and that its workspace has usable credits.
pub(crate) async fn open_agent(
    db: &mut dyn Session,
    actor: &Actor,
    agent: AgentId,
    need: AgentNeed,
) -> AppResult<ace_db::agents::AgentView> {
    let view = agent_access(db, actor, agent, need).await?;
    require_usable(db, view.agent.organization_id).await?;
    Ok(view)
}

/// Checks the caller may `need` the agent, without looking at credits (see [`open_agent`]).
pub(crate) async fn agent_access(
    db: &mut dyn Session,
    actor: &Actor,
    agent: AgentId,
    need: AgentNeed,
) -> AppResult<ace_db::agents::AgentView> {
    let denials = if need == AgentNeed::View {
        &VISIBLE
    } else {
        &WRITE
    };
    require_agent(db, actor, agent, need, denials).await
}

/// Opens one of the agent's engines for `need` (see [`open_agent`]).
pub(crate) async fn open(
    db: &mut dyn Session,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    need: AgentNeed,
) -> AppResult<SheetRecord> {
    open_agent(db, actor, agent, need).await?;
    store::find(db, agent, sheet)
        .await?
        .ok_or_else(|| not_found("Engine", sheet))
}

/// Opens an engine for a change: the write checks, then the engine's lock, held until the
/// transaction ends.
pub(crate) async fn open_for_change(
    db: &mut dyn Session,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
) -> AppResult<SheetRecord> {
    let record = open(db, actor, agent, sheet, AgentNeed::Edit).await?;
    ace_db::sheets::lock(db, record.id).await?;
    Ok(record)
}

/// A change to one engine: a transaction holding the engine's lock (after the write
/// checks), the engine, and the time of the change. Committing marks the engine updated.
pub(crate) struct EngineChange {
    pub tx: Tx,
    pub sheet: SheetRecord,
    pub now: DateTime<Utc>,
}

impl EngineChange {
    pub(crate) async fn begin(
        app: &App,
        actor: &Actor,
        agent: AgentId,
        sheet: SpreadsheetId,
    ) -> AppResult<Self> {
        let now = app.clock.now();
        let mut tx = app.db.begin().await?;
        let sheet = open_for_change(&mut tx, actor, agent, sheet).await?;
        Ok(Self { tx, sheet, now })
    }

    /// Marks the engine updated and commits.
    pub(crate) async fn commit(mut self) -> AppResult<()> {
        engines::touch(&mut self.tx, self.sheet.id, self.now).await?;
        self.tx.commit().await?;
        Ok(())
    }

    /// Marks the engine updated, reads the part of it `scope` names (the whole engine when
    /// `None`), and commits.
    pub(crate) async fn commit_reading(mut self, scope: Option<Scope>) -> AppResult<SheetView> {
        engines::touch(&mut self.tx, self.sheet.id, self.now).await?;
        let scope = scope.unwrap_or(Scope::Sheet(self.sheet.id));
        let view = load(&mut self.tx, self.sheet, scope).await?;
        self.tx.commit().await?;
        Ok(view)
    }
}

/// GEN's `not_found` for an item of an engine.
pub(crate) fn not_found(what: &str, id: impl std::fmt::Display) -> AppError {
    AppError::not_found(
        ErrorCode::NotFound,
        format!("{what} {id} not found in this engine."),
    )
}

/// Moves items of `list` to requested positions (`(id, position)` pairs); `field` names the
/// list in errors.
pub(crate) async fn reorder(
    db: &mut dyn Session,
    list: List,
    field: &str,
    moves: &[(i64, i64)],
) -> AppResult<()> {
    if moves.is_empty() {
        return Ok(());
    }
    let current = positions::ids(db, list).await?;
    let order = position::reorder(&current, moves).map_err(|err| err.within(field))?;
    positions::apply(db, list, &order).await?;
    Ok(())
}

/// `current` with `patch` merged in (JSON Merge Patch); the patch must be an object.
pub(crate) fn merge_attributes(current: &Value, patch: &Value) -> Result<Value, FieldError> {
    if !patch.is_object() {
        return Err(FieldError::new(
            "additional_attributes",
            "must be an object",
        ));
    }
    let mut merged = current.clone();
    layer::merge(&mut merged, patch);
    Ok(merged)
}

/// Reads the part of an engine `scope` names.
pub(crate) async fn load(
    db: &mut dyn Session,
    sheet: SheetRecord,
    scope: Scope,
) -> AppResult<SheetView> {
    let contents = tree::load(db, sheet.id, scope).await?;
    Ok(SheetView { sheet, contents })
}

/// Reads everything inside an engine.
pub(crate) async fn load_engine(db: &mut dyn Session, sheet: SheetRecord) -> AppResult<SheetView> {
    let scope = Scope::Sheet(sheet.id);
    load(db, sheet, scope).await
}
