//! Engines on the wire: the nested engine (columns, rows, cells, layers, variables), its
//! parts, the jobs shown on cells and layers, and the request bodies of the engine routes.

use std::collections::HashMap;

use ace_app::sheets::SheetView;
use ace_app::sheets::variables::Variables;
use ace_db::sheets::cells::CellRecord;
use ace_db::sheets::columns::ColumnRecord;
use ace_db::sheets::layers::LayerRecord;
use ace_db::sheets::rows::RowRecord;
use ace_db::sheets::variables::VariableRecord;
use ace_db::user_jobs::{JobRecord, OutputRecord};
use ace_domain::credits::Credits;
use ace_domain::ids::{ColumnId, LayerId, RowId, deserialize_raw_id};
use ace_domain::patch::Patch;
use ace_domain::sheet::column::ColumnRole;
use ace_storage::BlobStore;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::generations::GenerationResponse;
use super::time::iso;
use crate::extract::Resource;

/// An Auto Content Engine.
#[derive(Debug, Serialize, ToSchema)]
pub struct SheetResponse {
    pub id: i64,
    pub slug: String,
    pub title: String,
    /// Always `autocontentengine`.
    pub project_type: &'static str,
    pub is_default: bool,
    pub uuid: String,
    /// `active`.
    pub status: String,
    /// The canvas the engine renders to: 9:16, 16:9, 1:1 or 4:5.
    pub aspect_ratio: String,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
    pub created_at_ts: i64,
    pub updated_at_ts: i64,
    pub spreadsheet_columns: Vec<ColumnResponse>,
    pub spreadsheet_rows: Vec<RowResponse>,
    /// `null` until the engine has variables.
    pub global_variables_sheet: Option<VariablesResponse>,
}

/// A column: one content type.
#[derive(Debug, Serialize, ToSchema)]
pub struct ColumnResponse {
    pub id: i64,
    pub title: String,
    pub temp_title: Option<String>,
    /// text, image, video, audio or stats.
    #[serde(rename = "type")]
    pub kind: String,
    /// ingredient (the user's), or the engine's own video, final_video or stats.
    pub column_role: String,
    pub description: Option<String>,
    pub position: i64,
    /// Holds `creation_card`, the card new cells of the column start with.
    #[schema(value_type = Object)]
    pub additional_attributes: Value,
    pub created_at_ts: i64,
    pub updated_at_ts: i64,
}

/// A row: one video.
#[derive(Debug, Serialize, ToSchema)]
pub struct RowResponse {
    pub id: i64,
    pub position: i64,
    #[schema(value_type = Object)]
    pub additional_attributes: Value,
    pub created_at_ts: i64,
    pub updated_at_ts: i64,
    /// In column order.
    pub spreadsheet_cells: Vec<CellResponse>,
    /// Credits spent on the row's cells and layers (only with `with_execution_cost=true`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub execution_cost: Option<String>,
}

/// A cell: one row's content for one column.
#[derive(Debug, Serialize, ToSchema)]
pub struct CellResponse {
    pub id: i64,
    pub row_id: i64,
    pub column_id: i64,
    pub value: Option<String>,
    /// Holds `creation_card`: `{generation_type, data}`.
    #[schema(value_type = Object)]
    pub additional_attributes: Value,
    /// content (ingredient columns), video, final_video or stats.
    pub cell_role: String,
    pub created_at_ts: i64,
    pub updated_at_ts: i64,
    /// The generation whose output the cell shows.
    pub default_user_job: Option<GenerationResponse>,
    /// Every generation of the cell, oldest first.
    pub user_jobs: Vec<GenerationResponse>,
    /// The timeline (video cells), back to front.
    pub video_layers: Vec<LayerResponse>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub execution_cost: Option<String>,
}

/// A layer of a video cell's timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct LayerResponse {
    pub id: i64,
    pub cell_id: i64,
    pub name: String,
    /// The z-order, 1 at the back.
    pub position: i64,
    /// text, clip, sound, caption, image or shape.
    #[serde(rename = "type")]
    pub kind: String,
    /// Timing (frames at 30 fps), geometry, source and styles.
    #[schema(value_type = Object)]
    pub additional_attributes: Value,
    pub created_at_ts: i64,
    pub updated_at_ts: i64,
    pub default_user_job: Option<GenerationResponse>,
    pub user_jobs: Vec<GenerationResponse>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub execution_cost: Option<String>,
}

/// An engine's global variables.
#[derive(Debug, Serialize, ToSchema)]
pub struct VariablesResponse {
    pub id: i64,
    pub variables: Vec<VariableResponse>,
    pub created_at_ts: i64,
    pub updated_at_ts: i64,
}

/// One global variable.
#[derive(Debug, Serialize, ToSchema)]
pub struct VariableResponse {
    pub id: i64,
    pub key: String,
    pub value: String,
}

impl VariableResponse {
    pub fn new(record: &VariableRecord) -> Self {
        Self {
            id: record.id.get(),
            key: record.key.clone(),
            value: record.value.clone(),
        }
    }
}

impl VariablesResponse {
    pub fn new(variables: &Variables) -> Self {
        Self {
            id: variables.sheet.id,
            variables: variables
                .variables
                .iter()
                .map(VariableResponse::new)
                .collect(),
            created_at_ts: variables.sheet.created_at.timestamp_millis(),
            updated_at_ts: variables.sheet.updated_at.timestamp_millis(),
        }
    }
}

impl ColumnResponse {
    pub fn new(record: &ColumnRecord) -> Self {
        Self {
            id: record.id.get(),
            title: record.title.clone(),
            temp_title: record.temp_title.clone(),
            kind: record.kind.clone(),
            column_role: record.column_role.clone(),
            description: record.description.clone(),
            position: record.position,
            additional_attributes: record.additional_attributes.0.clone(),
            created_at_ts: record.created_at.timestamp_millis(),
            updated_at_ts: record.updated_at.timestamp_millis(),
        }
    }
}

/// Builds responses from what was read of an engine, grouping children under parents with
/// indexes built once (no scan per item).
pub struct Assembler<'a> {
    view: &'a SheetView,
    storage: &'a BlobStore,
    with_cost: bool,
    column_order: HashMap<ColumnId, (usize, &'a ColumnRecord)>,
    cells_by_row: HashMap<RowId, Vec<&'a CellRecord>>,
    layers_by_cell: HashMap<i64, Vec<&'a LayerRecord>>,
    jobs_by_owner: HashMap<(i64, Option<i64>), Vec<&'a JobRecord>>,
    outputs_by_job: HashMap<i64, Vec<&'a OutputRecord>>,
}

impl<'a> Assembler<'a> {
    pub fn new(view: &'a SheetView, storage: &'a BlobStore, with_cost: bool) -> Self {
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
        let mut layers_by_cell: HashMap<i64, Vec<&LayerRecord>> = HashMap::new();
        for layer in &contents.layers {
            layers_by_cell
                .entry(layer.cell_id.get())
                .or_default()
                .push(layer);
        }
        let mut jobs_by_owner: HashMap<(i64, Option<i64>), Vec<&JobRecord>> = HashMap::new();
        for job in &contents.jobs {
            if let Some(cell) = job.cell_id {
                jobs_by_owner
                    .entry((cell, job.layer_id))
                    .or_default()
                    .push(job);
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
            storage,
            with_cost,
            column_order,
            cells_by_row,
            layers_by_cell,
            jobs_by_owner,
            outputs_by_job,
        }
    }

    /// The whole engine.
    pub fn sheet(&self) -> SheetResponse {
        let sheet = &self.view.sheet;
        let contents = &self.view.contents;
        SheetResponse {
            id: sheet.id.get(),
            slug: sheet.slug.clone(),
            title: sheet.title.clone(),
            project_type: "autocontentengine",
            is_default: sheet.is_default,
            uuid: sheet.uuid.clone(),
            status: sheet.status.clone(),
            aspect_ratio: sheet.aspect_ratio.clone(),
            created_at: iso(sheet.created_at),
            updated_at: iso(sheet.updated_at),
            created_at_ts: sheet.created_at.timestamp_millis(),
            updated_at_ts: sheet.updated_at.timestamp_millis(),
            spreadsheet_columns: contents.columns.iter().map(ColumnResponse::new).collect(),
            spreadsheet_rows: self.rows(),
            global_variables_sheet: contents.variable_sheet.as_ref().map(|variable_sheet| {
                VariablesResponse::new(&Variables {
                    sheet: variable_sheet.clone(),
                    variables: contents.variables.clone(),
                })
            }),
        }
    }

    /// Every row read, in order.
    pub fn rows(&self) -> Vec<RowResponse> {
        self.view
            .contents
            .rows
            .iter()
            .map(|row| self.row(row))
            .collect()
    }

    /// The first row read.
    pub fn first_row(&self) -> Option<RowResponse> {
        self.view.contents.rows.first().map(|row| self.row(row))
    }

    fn row(&self, row: &RowRecord) -> RowResponse {
        let mut cells: Vec<&CellRecord> =
            self.cells_by_row.get(&row.id).cloned().unwrap_or_default();
        cells.sort_by_key(|c| {
            self.column_order
                .get(&c.column_id)
                .map_or(usize::MAX, |(i, _)| *i)
        });
        let cells: Vec<CellResponse> = cells.into_iter().map(|cell| self.cell(cell)).collect();
        let execution_cost = self.with_cost.then(|| {
            let millis: i64 = cells.iter().map(|c| self.cell_cost_millis(c.id)).sum();
            Credits::from_millis(millis).to_string()
        });
        RowResponse {
            id: row.id.get(),
            position: row.position,
            additional_attributes: row.additional_attributes.0.clone(),
            created_at_ts: row.created_at.timestamp_millis(),
            updated_at_ts: row.updated_at.timestamp_millis(),
            spreadsheet_cells: cells,
            execution_cost,
        }
    }

    /// The cells read with these ids (all of them when `ids` is `None`), in the order read.
    pub fn cells(&self, ids: Option<&[i64]>) -> Vec<CellResponse> {
        self.view
            .contents
            .cells
            .iter()
            .filter(|c| ids.is_none_or(|ids| ids.contains(&c.id.get())))
            .map(|c| self.cell(c))
            .collect()
    }

    /// The first cell read.
    pub fn first_cell(&self) -> Option<CellResponse> {
        self.view.contents.cells.first().map(|c| self.cell(c))
    }

    /// One layer read.
    pub fn layer(&self, id: LayerId) -> Option<LayerResponse> {
        self.view
            .contents
            .layers
            .iter()
            .find(|l| l.id == id)
            .map(|l| self.layer_response(l))
    }

    fn cell(&self, cell: &CellRecord) -> CellResponse {
        let role = self
            .column_order
            .get(&cell.column_id)
            .and_then(|(_, c)| c.column_role.parse::<ColumnRole>().ok())
            .unwrap_or(ColumnRole::Ingredient);
        let jobs = self.jobs(cell.id.get(), None);
        let layers: Vec<LayerResponse> = self
            .layers_by_cell
            .get(&cell.id.get())
            .map(|layers| layers.iter().map(|l| self.layer_response(l)).collect())
            .unwrap_or_default();
        CellResponse {
            id: cell.id.get(),
            row_id: cell.row_id.get(),
            column_id: cell.column_id.get(),
            value: cell.value.clone(),
            additional_attributes: cell.additional_attributes.0.clone(),
            cell_role: role.cell_role().to_owned(),
            created_at_ts: cell.created_at.timestamp_millis(),
            updated_at_ts: cell.updated_at.timestamp_millis(),
            default_user_job: default_job(&jobs, cell.default_user_job_id),
            user_jobs: jobs,
            video_layers: layers,
            execution_cost: self
                .with_cost
                .then(|| Credits::from_millis(self.cell_cost_millis(cell.id.get())).to_string()),
        }
    }

    fn layer_response(&self, layer: &LayerRecord) -> LayerResponse {
        let jobs = self.jobs(layer.cell_id.get(), Some(layer.id.get()));
        let cost = self.with_cost.then(|| {
            Credits::from_millis(self.cost_millis(layer.cell_id.get(), Some(layer.id.get())))
                .to_string()
        });
        LayerResponse {
            id: layer.id.get(),
            cell_id: layer.cell_id.get(),
            name: layer.name.clone(),
            position: layer.position,
            kind: layer.kind.clone(),
            additional_attributes: layer.additional_attributes.0.clone(),
            created_at_ts: layer.created_at.timestamp_millis(),
            updated_at_ts: layer.updated_at.timestamp_millis(),
            default_user_job: default_job(&jobs, layer.default_user_job_id),
            user_jobs: jobs,
            execution_cost: cost,
        }
    }

    fn jobs(&self, cell: i64, layer: Option<i64>) -> Vec<GenerationResponse> {
        self.jobs_by_owner
            .get(&(cell, layer))
            .map(|jobs| jobs.iter().map(|job| self.generation(job)).collect())
            .unwrap_or_default()
    }

    /// What a cell cost: its own jobs and its layers'.
    fn cell_cost_millis(&self, cell: i64) -> i64 {
        self.jobs_by_owner
            .iter()
            .filter(|((c, _), _)| *c == cell)
            .flat_map(|(_, jobs)| jobs.iter())
            .map(|job| job.execution_cost_millis)
            .sum()
    }

    fn cost_millis(&self, cell: i64, layer: Option<i64>) -> i64 {
        self.jobs_by_owner
            .get(&(cell, layer))
            .map_or(0, |jobs| jobs.iter().map(|j| j.execution_cost_millis).sum())
    }

    fn generation(&self, job: &JobRecord) -> GenerationResponse {
        generation(
            job,
            self.outputs_by_job
                .get(&job.id.get())
                .map(Vec::as_slice)
                .unwrap_or_default(),
            self.storage,
        )
    }
}

fn default_job(jobs: &[GenerationResponse], id: Option<i64>) -> Option<GenerationResponse> {
    id.and_then(|id| jobs.iter().find(|j| j.id == id).cloned())
}

/// A job as GEN's generation object.
pub fn generation(
    job: &JobRecord,
    outputs: &[&OutputRecord],
    storage: &BlobStore,
) -> GenerationResponse {
    ace_app::generations::object(job, outputs, storage).into()
}

// ---- request bodies ----

/// `{spreadsheet: {title, is_default?, aspect_ratio?}}`.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct SheetBody {
    pub title: Option<String>,
    pub is_default: Option<bool>,
    /// ace's addition: 9:16 (default), 16:9, 1:1 or 4:5.
    pub aspect_ratio: Option<String>,
}

impl Resource for SheetBody {
    const KEY: &'static str = "spreadsheet";
}

/// `{target_agent_id?}`.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct CloneBody {
    #[serde(default, deserialize_with = "optional_id")]
    #[schema(value_type = Option<i64>)]
    pub target_agent_id: Option<i64>,
}

impl Resource for CloneBody {
    const KEY: &'static str = "spreadsheet";
}

/// `{spreadsheet_row: {position?}}`.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct RowBody {
    pub position: Option<i64>,
}

impl Resource for RowBody {
    const KEY: &'static str = "spreadsheet_row";
}

/// One `{id, position}` of a reorder.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PositionItem {
    #[serde(deserialize_with = "deserialize_raw_id")]
    #[schema(value_type = i64)]
    pub id: i64,
    pub position: i64,
}

/// `{rows: [{id, position}]}`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RowPositionsBody {
    pub rows: Vec<PositionItem>,
}

/// `{columns: [{id, position}]}`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ColumnPositionsBody {
    pub columns: Vec<PositionItem>,
}

/// `{layers: [{id, position}]}`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LayerPositionsBody {
    pub layers: Vec<PositionItem>,
}

/// One row of a bulk update.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RowItem {
    #[serde(deserialize_with = "deserialize_raw_id")]
    #[schema(value_type = i64)]
    pub id: i64,
    pub position: Option<i64>,
    #[schema(value_type = Option<Object>)]
    pub additional_attributes: Option<Value>,
}

/// `{rows: [{id, additional_attributes?, position?}]}`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RowsBody {
    pub rows: Vec<RowItem>,
}

/// A column to create or the fields of a column to change.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ColumnBody {
    #[serde(default, deserialize_with = "optional_id")]
    #[schema(value_type = Option<i64>)]
    pub id: Option<i64>,
    pub title: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub position: Option<i64>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub description: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub temp_title: Patch<String>,
    #[schema(value_type = Option<Object>)]
    pub additional_attributes: Option<Value>,
}

impl Resource for ColumnBody {
    const KEY: &'static str = "spreadsheet_column";
}

/// `{columns: [{id, title?, type?, description?, position?}]}`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ColumnsBody {
    pub columns: Vec<ColumnBody>,
}

/// The fields of a cell to change.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct CellBody {
    #[serde(default, deserialize_with = "optional_id")]
    #[schema(value_type = Option<i64>)]
    pub id: Option<i64>,
    #[serde(default, deserialize_with = "text_patch")]
    #[schema(value_type = Option<String>)]
    pub value: Patch<String>,
    #[schema(value_type = Option<Object>)]
    pub additional_attributes: Option<Value>,
}

impl Resource for CellBody {
    const KEY: &'static str = "spreadsheet_cell";
}

/// `{cells: [{id, value?, additional_attributes?}]}`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CellsBody {
    pub cells: Vec<CellBody>,
}

/// `{user_job_id}`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DefaultJobBody {
    #[serde(deserialize_with = "deserialize_raw_id")]
    #[schema(value_type = i64)]
    pub user_job_id: i64,
}

impl Resource for DefaultJobBody {
    const KEY: &'static str = "spreadsheet_cell";
}

/// A layer to create or the fields of a layer to change.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct LayerBody {
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub position: Option<i64>,
    #[schema(value_type = Option<Object>)]
    pub additional_attributes: Option<Value>,
}

impl Resource for LayerBody {
    const KEY: &'static str = "video_layer";
}

/// `{key, value}` of one variable.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct VariableBody {
    pub key: Option<String>,
    #[serde(default, deserialize_with = "optional_text")]
    pub value: Option<String>,
}

impl Resource for VariableBody {
    const KEY: &'static str = "global_variable";
}

fn optional_id<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    #[derive(Deserialize)]
    struct Id(#[serde(deserialize_with = "deserialize_raw_id")] i64);
    Ok(Option::<Id>::deserialize(deserializer)?.map(|Id(id)| id))
}

/// Text sent as a string, or as a number or boolean (written as JSON).
fn scalar_text(value: Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn optional_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    match Option::<Value>::deserialize(deserializer)? {
        None | Some(Value::Null) => Ok(None),
        Some(value) => scalar_text(value)
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom("must be a string")),
    }
}

fn text_patch<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Patch<String>, D::Error> {
    match Value::deserialize(deserializer)? {
        Value::Null => Ok(Patch::Clear),
        value => scalar_text(value)
            .map(Patch::Set)
            .ok_or_else(|| serde::de::Error::custom("must be a string or null")),
    }
}
