//! An idea becomes a vidsheet (an ace addition, and an agent tool): a row of an engine the
//! caller names (with the layer stacks of the engine's first row, its timeline), or row 1 of a copy of the library template that makes the idea's video type,
//! filled from the idea (title, angle, hook, script and its lines into the columns the
//! template has for them; the rest is left to the columns' creation cards), its video layers
//! fitted to the idea's duration as its manifest times them, and the idea
//! moves to `approve_to_create`. It is one transaction, and free: a row run then makes the
//! video.

use ace_db::sheets::cells as cell_store;
use ace_db::sheets::copy;
use ace_db::sheets::engines as sheet_store;
use ace_db::sheets::{columns as column_store, rows as row_store};
use ace_db::templates as template_store;
use ace_domain::ideas::IdeaStatus;
use ace_domain::ideas::row_values::{IdeaText, value_for};
use ace_domain::ids::{IdeaId, RowId, SpreadsheetId};
use ace_domain::sheet::column::ColumnKind;
use serde_json::json;

use super::timelines::{self, template_type};
use super::{editable, store};
use crate::policy::AgentNeed;
use crate::sheets::engines::copy_engine;
use crate::sheets::rows::insert_row;
use crate::sheets::{SheetView, load_engine, open_agent, open_for_change};
use crate::{Actor, App, AppError, AppResult, ErrorCode};

/// Makes the idea a vidsheet row: appended to `into` when given, else row 1 of a new copy of
/// its video type's template. Answers the engine and the row.
pub async fn make(
    app: &App,
    actor: &Actor,
    id: IdeaId,
    into: Option<SpreadsheetId>,
) -> AppResult<(SheetView, RowId)> {
    let now = app.clock.now();
    let mut tx = app.db.begin().await?;
    let idea = editable(&mut tx, actor, id).await?;
    let agent = idea.agent_id;
    let (sheet, row) = match into {
        Some(sheet) => {
            let sheet = open_for_change(&mut tx, actor, agent, sheet).await?;
            let model = row_store::list(&mut tx, sheet.id).await?.into_iter().next();
            let row = insert_row(&mut tx, &sheet, None, &json!({}), now).await?;
            if let Some(model) = model {
                copy::row_layers(&mut tx, model.id, row, now).await?;
            }
            (sheet, row)
        }
        None => {
            open_agent(&mut tx, actor, agent, AgentNeed::Edit).await?;
            let wanted = template_type(idea.video_type);
            let template = template_store::all(&mut tx)
                .await?
                .into_iter()
                .find(|template| template.video_type == wanted.as_str())
                .ok_or_else(|| {
                    AppError::unprocessable(
                        ErrorCode::ValidationError,
                        format!("No template in the library makes {wanted} videos; name a sheet_id to add the idea to."),
                    )
                })?;
            let source = match template.spreadsheet_id {
                Some(engine) => sheet_store::find_any(&mut tx, SpreadsheetId::new(engine)).await?,
                None => None,
            }
            .ok_or_else(|| {
                AppError::not_found(
                    ErrorCode::NotFound,
                    format!("Template {:?} has no engine.", template.slug),
                )
            })?;
            let copy =
                copy_engine(&mut tx, &source, agent, Some(template.id), &idea.title, now).await?;
            let first = row_store::list(&mut tx, copy.sheet.id)
                .await?
                .into_iter()
                .next();
            let row = match first {
                Some(row) => row.id,
                None => insert_row(&mut tx, &copy.sheet, None, &json!({}), now).await?,
            };
            (copy.sheet, row)
        }
    };
    let text = IdeaText {
        title: &idea.title,
        hook: &idea.hook,
        full_script: &idea.full_script,
        description: idea.description.as_deref(),
    };
    fill(&mut tx, sheet.id, row, text, now).await?;
    if let Some(seconds) = idea.estimated_duration.and_then(|s| u32::try_from(s).ok()) {
        timelines::fit_row(&mut tx, sheet.id, row, seconds, now).await?;
    }
    let further = matches!(
        idea.status,
        IdeaStatus::ApproveToCreate
            | IdeaStatus::ReadyForReview
            | IdeaStatus::ApprovedToPost
            | IdeaStatus::Posted
    );
    if !further {
        store::change_status(&mut tx, id, idea.status, IdeaStatus::ApproveToCreate, now).await?;
    }
    let view = load_engine(&mut tx, sheet).await?;
    tx.commit().await?;
    Ok((view, row))
}

/// Writes the idea's parts into the row's text columns that take them.
async fn fill(
    db: &mut dyn ace_db::Session,
    sheet: SpreadsheetId,
    row: RowId,
    idea: IdeaText<'_>,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    for column in column_store::list(db, sheet).await? {
        if column.kind != ColumnKind::Text {
            continue;
        }
        let Some(value) = value_for(&column.title, idea) else {
            continue;
        };
        if let Some(cell) = cell_store::find_in_row(db, row.get(), column.id.get()).await? {
            cell_store::set_value(db, cell.id, &value, now).await?;
        }
    }
    Ok(())
}
