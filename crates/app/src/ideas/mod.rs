//! Step 2's ideas as records: what the agent proposed (kept by [`record`]), listed per agent
//! newest first, moved along their status flow (cycled, or set to any status), and deleted.
//! Anyone who may see the agent reads its ideas; its editors move and delete them. An idea of
//! an agent the caller cannot see is not found. [`preferences`] keeps the rules every ideas
//! run obeys; [`vidsheet`] turns an idea into a vidsheet row.

pub mod preferences;
pub(crate) mod timelines;
pub mod vidsheet;

use ace_db::Session;
use ace_db::ideas as store;
/// A stored idea, as the routes answer it.
pub use ace_db::ideas::IdeaRecord;
use ace_domain::ideas::{IdeaContent, IdeaStatus};
use ace_domain::ids::{AgentId, IdeaId};

use crate::policy::{AgentDenial, AgentNeed, VISIBLE, agent_for, require_agent};
use crate::{Actor, App, AppError, AppResult, ErrorCode};

/// The ideas a page of the list holds.
pub const PAGE_SIZE: i64 = 100;

/// Keeps an idea the agent proposed, numbered `number` in its set, as `generated`.
pub async fn record(
    app: &App,
    agent: AgentId,
    number: u32,
    idea: &IdeaContent,
) -> AppResult<IdeaRecord> {
    let mut tx = app.db.begin().await?;
    let stored = store::insert(&mut tx, agent, number, idea, app.clock.now()).await?;
    tx.commit().await?;
    Ok(stored)
}

/// A page (from 1) of the agent's ideas, newest first, in `status` if given.
pub async fn list(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    status: Option<IdeaStatus>,
    page: i64,
) -> AppResult<Vec<IdeaRecord>> {
    let mut conn = app.db.conn().await?;
    require_agent(&mut conn, actor, agent, AgentNeed::View, &VISIBLE).await?;
    let offset = (page.max(1) - 1).saturating_mul(PAGE_SIZE);
    Ok(store::page(&mut conn, agent, status, PAGE_SIZE, offset).await?)
}

/// Moves the idea one step along the main chain.
pub async fn cycle(app: &App, actor: &Actor, id: IdeaId) -> AppResult<IdeaRecord> {
    change(app, actor, id, |status| {
        status.cycled().map_err(|refused| {
            AppError::unprocessable(ErrorCode::IdeaStatusInvalid, refused.to_string())
        })
    })
    .await
}

/// Sets the idea's status.
pub async fn set(app: &App, actor: &Actor, id: IdeaId, to: IdeaStatus) -> AppResult<IdeaRecord> {
    change(app, actor, id, |_| Ok(to)).await
}

/// Deletes the idea.
pub async fn delete(app: &App, actor: &Actor, id: IdeaId) -> AppResult<()> {
    let mut tx = app.db.begin().await?;
    editable(&mut tx, actor, id).await?;
    store::delete(&mut tx, id).await?;
    tx.commit().await?;
    Ok(())
}

/// Moves the idea to the status `next` gives for the one it is in, from exactly that status.
async fn change(
    app: &App,
    actor: &Actor,
    id: IdeaId,
    next: impl Fn(IdeaStatus) -> AppResult<IdeaStatus>,
) -> AppResult<IdeaRecord> {
    let mut tx = app.db.begin().await?;
    let idea = editable(&mut tx, actor, id).await?;
    let to = next(idea.status)?;
    let changed = store::change_status(&mut tx, id, idea.status, to, app.clock.now())
        .await?
        .ok_or_else(|| {
            AppError::unprocessable(
                ErrorCode::IdeaStatusInvalid,
                "The idea's status changed meanwhile; read it again.",
            )
        })?;
    tx.commit().await?;
    Ok(changed)
}

/// The idea, if the caller may change its agent's ideas. One the caller cannot see is not
/// found, whether or not it exists; a viewer may not change it.
pub(crate) async fn editable(
    db: &mut dyn Session,
    actor: &Actor,
    id: IdeaId,
) -> AppResult<IdeaRecord> {
    let idea = store::find(db, id).await?.ok_or_else(|| not_found(id))?;
    match agent_for(db, actor, idea.agent_id, AgentNeed::Edit).await? {
        Ok(_) => Ok(idea),
        Err(AgentDenial::RoleTooLow) => Err(AppError::forbidden(
            ErrorCode::PermissionDenied,
            "Your role in this workspace does not allow changing this agent's ideas.",
        )),
        Err(AgentDenial::Missing | AgentDenial::Stranger) => Err(not_found(id)),
    }
}

fn not_found(id: IdeaId) -> AppError {
    AppError::not_found(ErrorCode::NotFound, format!("Idea {id} not found."))
}
