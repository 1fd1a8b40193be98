//! Engines as clients see them: what was read of an engine, grouped into columns, rows,
//! cells, layers and variables, each with its generations as GEN's generation objects (their
//! URLs resolved) and what it cost. Children are grouped under parents through indexes built
//! once, so assembling is linear in what was read.

use std::collections::HashMap;

use ace_db::sheets::cells::CellRecord;
use ace_db::sheets::columns::ColumnRecord;
use ace_db::sheets::layers::LayerRecord;
use ace_db::sheets::rows::RowRecord;
use ace_db::user_jobs::{JobRecord, OutputRecord};
use ace_domain::credits::Credits;
use ace_domain::ids::{CellId, ColumnId, LayerId, RowId, SpreadsheetId};
use ace_domain::sheet::column::{ColumnKind, ColumnRole};
use ace_domain::sheet::layer::LayerKind;
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::SheetView;
use super::variables::Variables;
use crate::App;
use crate::generations::{GenerationObject, object};

/// A whole engine.
#[derive(Clone, Debug)]
pub struct Engine {
    pub id: SpreadsheetId,
    pub slug: String,
    pub title: String,
    pub is_default: bool,
    pub uuid: String,
    pub status: String,
    /// 9:16, 16:9, 1:1 or 4:5.
    pub aspect_ratio: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// `None` until the engine has variables.
    pub variables: Option<Variables>,
}

/// A column: one content type.
#[derive(Clone, Debug)]
pub struct Column {
    pub id: ColumnId,
    pub title: String,
    pub temp_title: Option<String>,
    pub kind: ColumnKind,
    pub column_role: ColumnRole,
    pub description: Option<String>,
    pub position: i64,
    pub additional_attributes: Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&ColumnRecord> for Column {
    fn from(record: &ColumnRecord) -> Self {
        Self {
            id: record.id,
            title: record.title.clone(),
            temp_title: record.temp_title.clone(),
            kind: record.kind,
            column_role: record.column_role,
            description: record.description.clone(),
            position: record.position,
            additional_attributes: record.additional_attributes.0.clone(),
            created_at: record.created_at,
            updated_at: record.updated_at,
        }
    }
}

impl From<ColumnRecord> for Column {
    fn from(record: ColumnRecord) -> Self {
        Self::from(&record)
    }
}

/// A row: one video, its cells in column order.
#[derive(Clone, Debug)]
pub struct Row {
    pub id: RowId,
    pub position: i64,
    pub additional_attributes: Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub cells: Vec<Cell>,
    /// Credits spent on the row's cells and their layers.
    pub cost: Credits,
}

/// A cell: one row's content for one column.
#[derive(Clone, Debug)]
pub struct Cell {
    pub id: CellId,
    pub row_id: RowId,
    pub column_id: ColumnId,
    pub value: Option<String>,
    pub additional_attributes: Value,
    /// The role of the cell's column.
    pub role: ColumnRole,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The generation whose output the cell shows.
    pub default_generation: Option<GenerationObject>,
    /// Every generation of the cell, oldest first.
    pub generations: Vec<GenerationObject>,
    /// The timeline (video cells), back to front.
    pub layers: Vec<Layer>,
    /// Credits spent on the cell and its layers.
    pub cost: Credits,
}

/// A layer of a video cell's timeline.
#[derive(Clone, Debug)]
pub struct Layer {
    pub id: LayerId,
    pub cell_id: CellId,
    pub name: String,
    /// The z-order, 1 at the back.
    pub position: i64,
    pub kind: LayerKind,
    pub additional_attributes: Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub default_generation: Option<GenerationObject>,
    pub generations: Vec<GenerationObject>,
    /// Credits spent on the layer.
    pub cost: Credits,
}

/// Assembles what a [`SheetView`] read.
pub struct Assembler<'a> {
    view: &'a SheetView,
    app: &'a App,
    column_order: HashMap<ColumnId, (usize, &'a ColumnRecord)>,
    cells_by_row: HashMap<RowId, Vec<&'a CellRecord>>,
    layers_by_cell: HashMap<CellId, Vec<&'a LayerRecord>>,
    jobs_by_owner: HashMap<(i64, Option<i64>), Vec<&'a JobRecord>>,
    outputs_by_job: HashMap<i64, Vec<&'a OutputRecord>>,
    /// Millicredits spent per cell, its layers included.
    cost_by_cell: HashMap<i64, i64>,
}

impl<'a> Assembler<'a> {
    pub fn new(view: &'a SheetView, app: &'a App) -> Self {
        let contents = &view.contents;
        let column_order = contents
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id, (i, c)))
            .collect();
        let mut cells_by_row: HashMap<RowId, Vec<&CellRecord>> = HashMap::new();
        for cell in &contents.cells {
            cells_by_row.entry(cell.row_id).or_default().push(cell);
        }
        let mut layers_by_cell: HashMap<CellId, Vec<&LayerRecord>> = HashMap::new();
        for layer in &contents.layers {
            layers_by_cell.entry(layer.cell_id).or_default().push(layer);
        }
        let mut jobs_by_owner: HashMap<(i64, Option<i64>), Vec<&JobRecord>> = HashMap::new();
        let mut cost_by_cell: HashMap<i64, i64> = HashMap::new();
        for job in &contents.jobs {
            if let Some(cell) = job.cell_id {
                jobs_by_owner
                    .entry((cell, job.layer_id))
                    .or_default()
                    .push(job);
                *cost_by_cell.entry(cell).or_default() += job.execution_cost_millis;
            }
        }
        let mut outputs_by_job: HashMap<i64, Vec<&OutputRecord>> = HashMap::new();
        for output in &contents.outputs {
            outputs_by_job
                .entry(output.user_job_id)
                .or_default()
                .push(output);
        }
        Self {
            view,
            app,
            column_order,
            cells_by_row,
            layers_by_cell,
            jobs_by_owner,
            outputs_by_job,
            cost_by_cell,
        }
    }

    /// The whole engine.
    pub fn engine(&self) -> Engine {
        let sheet = &self.view.sheet;
        let contents = &self.view.contents;
        Engine {
            id: sheet.id,
            slug: sheet.slug.clone(),
            title: sheet.title.clone(),
            is_default: sheet.is_default,
            uuid: sheet.uuid.clone(),
            status: sheet.status.clone(),
            aspect_ratio: sheet.aspect_ratio.clone(),
            created_at: sheet.created_at,
            updated_at: sheet.updated_at,
            columns: contents.columns.iter().map(Column::from).collect(),
            rows: self.rows(),
            variables: contents.variable_sheet.as_ref().map(|variable_sheet| {
                Variables::new(variable_sheet.clone(), contents.variables.clone())
            }),
        }
    }

    /// Every row read, in order.
    pub fn rows(&self) -> Vec<Row> {
        self.view
            .contents
            .rows
            .iter()
            .map(|row| self.row(row))
            .collect()
    }

    /// The first row read.
    pub fn first_row(&self) -> Option<Row> {
        self.view.contents.rows.first().map(|row| self.row(row))
    }

    /// The cells read with these ids (all of them when `ids` is `None`), in the order read.
    pub fn cells(&self, ids: Option<&[CellId]>) -> Vec<Cell> {
        self.view
            .contents
            .cells
            .iter()
            .filter(|c| ids.is_none_or(|ids| ids.contains(&c.id)))
            .map(|c| self.cell(c))
            .collect()
    }

    /// The first cell read.
    pub fn first_cell(&self) -> Option<Cell> {
        self.view.contents.cells.first().map(|c| self.cell(c))
    }

    /// One layer read.
    pub fn layer(&self, id: LayerId) -> Option<Layer> {
        self.view
            .contents
            .layers
            .iter()
            .find(|l| l.id == id)
            .map(|l| self.layer_of(l))
    }

    fn row(&self, row: &RowRecord) -> Row {
        let mut cells: Vec<&CellRecord> =
            self.cells_by_row.get(&row.id).cloned().unwrap_or_default();
        cells.sort_by_key(|c| {
            self.column_order
                .get(&c.column_id)
                .map_or(usize::MAX, |(i, _)| *i)
        });
        let cells: Vec<Cell> = cells.into_iter().map(|cell| self.cell(cell)).collect();
        let millis: i64 = cells.iter().map(|c| c.cost.millis()).sum();
        Row {
            id: row.id,
            position: row.position,
            additional_attributes: row.additional_attributes.0.clone(),
            created_at: row.created_at,
            updated_at: row.updated_at,
            cells,
            cost: Credits::from_millis(millis),
        }
    }

    fn cell(&self, cell: &CellRecord) -> Cell {
        let role = self
            .column_order
            .get(&cell.column_id)
            .map_or(ColumnRole::Ingredient, |(_, c)| c.column_role);
        let generations = self.generations(cell.id.get(), None);
        let layers: Vec<Layer> = self
            .layers_by_cell
            .get(&cell.id)
            .map(|layers| layers.iter().map(|l| self.layer_of(l)).collect())
            .unwrap_or_default();
        Cell {
            id: cell.id,
            row_id: cell.row_id,
            column_id: cell.column_id,
            value: cell.value.clone(),
            additional_attributes: cell.additional_attributes.0.clone(),
            role,
            created_at: cell.created_at,
            updated_at: cell.updated_at,
            default_generation: default_of(&generations, cell.default_user_job_id),
            generations,
            layers,
            cost: Credits::from_millis(
                self.cost_by_cell
                    .get(&cell.id.get())
                    .copied()
                    .unwrap_or_default(),
            ),
        }
    }

    fn layer_of(&self, layer: &LayerRecord) -> Layer {
        let owner = (layer.cell_id.get(), Some(layer.id.get()));
        let generations = self.generations(owner.0, owner.1);
        let millis = self
            .jobs_by_owner
            .get(&owner)
            .map_or(0, |jobs| jobs.iter().map(|j| j.execution_cost_millis).sum());
        Layer {
            id: layer.id,
            cell_id: layer.cell_id,
            name: layer.name.clone(),
            position: layer.position,
            kind: layer.kind,
            additional_attributes: layer.additional_attributes.0.clone(),
            created_at: layer.created_at,
            updated_at: layer.updated_at,
            default_generation: default_of(&generations, layer.default_user_job_id),
            generations,
            cost: Credits::from_millis(millis),
        }
    }

    fn generations(&self, cell: i64, layer: Option<i64>) -> Vec<GenerationObject> {
        let Some(jobs) = self.jobs_by_owner.get(&(cell, layer)) else {
            return Vec::new();
        };
        jobs.iter()
            .map(|job| {
                let outputs = self
                    .outputs_by_job
                    .get(&job.id.get())
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                object(job, outputs, &self.app.storage)
            })
            .collect()
    }
}

fn default_of(generations: &[GenerationObject], id: Option<i64>) -> Option<GenerationObject> {
    id.and_then(|id| generations.iter().find(|g| g.id == id).cloned())
}
