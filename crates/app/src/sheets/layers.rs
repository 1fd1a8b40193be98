//! Layers: the timeline of a row's video cell. Their `additional_attributes` are checked
//! against the rules the renderer relies on (see [`ace_domain::sheet::layer`]); a `src` that
//! names a content resource must be one of this agent's, and a `source_column` must name a
//! column of the engine. PATCH deep-merges attributes.

use ace_db::Session;
use ace_db::content_resources;
use ace_db::sheets::columns;
use ace_db::sheets::engines::SheetRecord;
use ace_db::sheets::layers::{self as store, LayerRecord, NewLayer};
use ace_db::sheets::positions::{self, List};
use ace_domain::FieldError;
use ace_domain::ids::{AgentId, CellId, ContentResourceId, LayerId, SpreadsheetId};
use ace_domain::sheet::column::ColumnRole;
use ace_domain::sheet::layer::{self, LayerKind};
use ace_domain::sheet::position;
use serde_json::{Value, json};

use super::cells::find as find_cell;
use super::{EngineChange, Scope, SheetView, load, merge_attributes, not_found, open, reorder};
use crate::policy::AgentNeed;
use crate::{Actor, App, AppError, AppResult, ErrorCode};

/// A layer to add.
#[derive(Clone, Debug, Default)]
pub struct LayerInput {
    pub name: Option<String>,
    pub kind: Option<String>,
    pub position: Option<i64>,
    pub additional_attributes: Option<Value>,
}

/// Changes to a layer; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct LayerEdit {
    pub name: Option<String>,
    pub kind: Option<String>,
    pub position: Option<i64>,
    /// Deep-merged into the layer's attributes (`null` removes a key).
    pub additional_attributes: Option<Value>,
}

/// The layer, with its cell and that cell's other layers and jobs.
#[derive(Clone, Debug)]
pub struct LayerView {
    pub layer: LayerId,
    pub cell: SheetView,
}

/// One layer with its job history.
pub async fn get(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    cell: CellId,
    id: LayerId,
) -> AppResult<LayerView> {
    let mut conn = app.db.conn().await?;
    let sheet = open(&mut conn, actor, agent, sheet, AgentNeed::View).await?;
    let cell = find_cell(&mut conn, &sheet, cell).await?;
    let layer = find(&mut conn, cell.id, id).await?;
    view(&mut conn, sheet, cell.id, layer.id).await
}

/// Adds a layer to a video cell at `position` (the top if omitted).
pub async fn create(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    cell: CellId,
    input: &LayerInput,
) -> AppResult<LayerView> {
    let name = layer::name("name", input.name.as_deref().unwrap_or_default())?;
    let kind = LayerKind::parse(
        "type",
        input
            .kind
            .as_deref()
            .ok_or_else(|| FieldError::new("type", "is required"))?,
    )?;
    let attributes = input
        .additional_attributes
        .clone()
        .unwrap_or_else(|| json!({}));
    let mut change = EngineChange::begin(app, actor, agent, sheet).await?;
    let cell = video_cell(&mut change.tx, &change.sheet, cell).await?;
    check(&mut change.tx, &change.sheet, agent, &attributes).await?;
    let list = List::Layers(cell);
    let position = position::insertion_point(
        positions::ids(&mut change.tx, list).await?.len(),
        input.position,
    );
    positions::make_room(&mut change.tx, list, position).await?;
    let created = store::insert(
        &mut change.tx,
        &NewLayer {
            spreadsheet_id: change.sheet.id,
            cell_id: cell,
            name: &name,
            kind,
            position,
            additional_attributes: &attributes,
        },
        change.now,
    )
    .await?;
    let view = view(&mut change.tx, change.sheet.clone(), cell, created.id).await?;
    change.commit().await?;
    Ok(view)
}

/// Renames, retypes, moves or restyles a layer.
pub async fn update(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    cell: CellId,
    id: LayerId,
    edit: &LayerEdit,
) -> AppResult<LayerView> {
    let name = edit
        .name
        .as_deref()
        .map(|n| layer::name("name", n))
        .transpose()?;
    let kind = edit
        .kind
        .as_deref()
        .map(|k| LayerKind::parse("type", k))
        .transpose()?;
    let mut change = EngineChange::begin(app, actor, agent, sheet).await?;
    let cell = find_cell(&mut change.tx, &change.sheet, cell).await?;
    let layer = find(&mut change.tx, cell.id, id).await?;
    let attributes = match &edit.additional_attributes {
        Some(patch) => {
            let merged = merge_attributes(&layer.additional_attributes.0, patch)?;
            check(&mut change.tx, &change.sheet, agent, &merged).await?;
            merged
        }
        None => layer.additional_attributes.0.clone(),
    };
    store::update(
        &mut change.tx,
        layer.id,
        name.as_deref().unwrap_or(&layer.name),
        kind.unwrap_or(layer.kind),
        &attributes,
        change.now,
    )
    .await?;
    if let Some(position) = edit.position {
        reorder(
            &mut change.tx,
            List::Layers(cell.id),
            "layers",
            &[(layer.id.get(), position)],
        )
        .await?;
    }
    let view = view(&mut change.tx, change.sheet.clone(), cell.id, layer.id).await?;
    change.commit().await?;
    Ok(view)
}

/// Removes a layer.
pub async fn delete(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    cell: CellId,
    id: LayerId,
) -> AppResult<()> {
    let mut change = EngineChange::begin(app, actor, agent, sheet).await?;
    let cell = find_cell(&mut change.tx, &change.sheet, cell).await?;
    let layer = find(&mut change.tx, cell.id, id).await?;
    store::delete(&mut change.tx, layer.id).await?;
    positions::close_gap(&mut change.tx, List::Layers(cell.id), layer.position).await?;
    change.commit().await?;
    Ok(())
}

/// Copies a layer right above itself.
pub async fn duplicate(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    cell: CellId,
    id: LayerId,
) -> AppResult<LayerView> {
    let mut change = EngineChange::begin(app, actor, agent, sheet).await?;
    let cell = find_cell(&mut change.tx, &change.sheet, cell).await?;
    let original = find(&mut change.tx, cell.id, id).await?;
    let position = original.position + 1;
    positions::make_room(&mut change.tx, List::Layers(cell.id), position).await?;
    let copy = store::insert(
        &mut change.tx,
        &NewLayer {
            spreadsheet_id: change.sheet.id,
            cell_id: cell.id,
            name: &original.name,
            kind: original.kind,
            position,
            additional_attributes: &original.additional_attributes.0,
        },
        change.now,
    )
    .await?;
    let view = view(&mut change.tx, change.sheet.clone(), cell.id, copy.id).await?;
    change.commit().await?;
    Ok(view)
}

/// Reorders a cell's layers by `{id, position}` pairs; returns the cell.
pub async fn update_positions(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    sheet: SpreadsheetId,
    cell: CellId,
    moves: &[(LayerId, i64)],
) -> AppResult<SheetView> {
    let mut change = EngineChange::begin(app, actor, agent, sheet).await?;
    let cell = find_cell(&mut change.tx, &change.sheet, cell).await?;
    let moves: Vec<(i64, i64)> = moves.iter().map(|(id, p)| (id.get(), *p)).collect();
    reorder(&mut change.tx, List::Layers(cell.id), "layers", &moves).await?;
    change.commit_reading(Some(Scope::Cell(cell.id))).await
}

/// Checks attributes, and what they refer to: the agent's resources and the engine's columns.
pub(crate) async fn check(
    db: &mut dyn Session,
    sheet: &SheetRecord,
    agent: AgentId,
    attributes: &Value,
) -> AppResult<()> {
    let references = layer::check_attributes(attributes)?;
    for (field, id) in &references.resources {
        if content_resources::find(db, agent, ContentResourceId::new(*id))
            .await?
            .is_none()
        {
            return Err(FieldError::new(
                format!("additional_attributes.{field}"),
                format!("names content resource {id}, which is not one of this agent's"),
            )
            .into());
        }
    }
    if let Some(title) = &references.source_column {
        let columns = columns::list(db, sheet.id).await?;
        if !columns.iter().any(|c| c.title.eq_ignore_ascii_case(title)) {
            return Err(FieldError::new(
                "additional_attributes.source_column",
                format!("names {title:?}, which is not a column of this engine"),
            )
            .into());
        }
    }
    Ok(())
}

/// One of the engine's video cells (only they hold layers).
async fn video_cell(db: &mut dyn Session, sheet: &SheetRecord, id: CellId) -> AppResult<CellId> {
    let cell = find_cell(db, sheet, id).await?;
    let column = columns::find(db, sheet.id, cell.column_id)
        .await?
        .ok_or_else(|| not_found("Column", cell.column_id))?;
    if column.column_role != ColumnRole::Video {
        return Err(AppError::unprocessable(
            ErrorCode::ValidationError,
            format!(
                "Cell {id} is in column {} ({}); layers live on the video column's cells.",
                column.title, column.column_role
            ),
        ));
    }
    Ok(cell.id)
}

async fn find(db: &mut dyn Session, cell: CellId, id: LayerId) -> AppResult<LayerRecord> {
    store::find(db, cell, id)
        .await?
        .ok_or_else(|| not_found("Layer", id))
}

async fn view(
    db: &mut dyn Session,
    sheet: SheetRecord,
    cell: CellId,
    layer: LayerId,
) -> AppResult<LayerView> {
    Ok(LayerView {
        layer,
        cell: load(db, sheet, Scope::Cell(cell)).await?,
    })
}
