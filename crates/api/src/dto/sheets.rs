//! Engines on the wire: the nested engine (columns, rows, cells, layers, variables), its
//! parts, the jobs shown on cells and layers, and the request bodies of the engine routes.

use ace_app::sheets::assembled::{Cell, Column, Engine, Layer, Row};
use ace_app::sheets::variables::{Variable, Variables};
use ace_domain::ids::deserialize_raw_id;
use ace_domain::patch::Patch;
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

impl From<&Variable> for VariableResponse {
    fn from(variable: &Variable) -> Self {
        Self {
            id: variable.id.get(),
            key: variable.key.clone(),
            value: variable.value.clone(),
        }
    }
}

impl From<&Variables> for VariablesResponse {
    fn from(variables: &Variables) -> Self {
        Self {
            id: variables.id,
            variables: variables
                .variables
                .iter()
                .map(VariableResponse::from)
                .collect(),
            created_at_ts: variables.created_at.timestamp_millis(),
            updated_at_ts: variables.updated_at.timestamp_millis(),
        }
    }
}

impl From<&Column> for ColumnResponse {
    fn from(column: &Column) -> Self {
        Self {
            id: column.id.get(),
            title: column.title.clone(),
            temp_title: column.temp_title.clone(),
            kind: column.kind.as_str().to_owned(),
            column_role: column.column_role.as_str().to_owned(),
            description: column.description.clone(),
            position: column.position,
            additional_attributes: column.additional_attributes.clone(),
            created_at_ts: column.created_at.timestamp_millis(),
            updated_at_ts: column.updated_at.timestamp_millis(),
        }
    }
}

impl SheetResponse {
    /// The engine; with `with_cost`, each row and cell says what it cost.
    pub fn new(engine: &Engine, with_cost: bool) -> Self {
        Self {
            id: engine.id.get(),
            slug: engine.slug.clone(),
            title: engine.title.clone(),
            project_type: "autocontentengine",
            is_default: engine.is_default,
            uuid: engine.uuid.clone(),
            status: engine.status.clone(),
            aspect_ratio: engine.aspect_ratio.clone(),
            created_at: iso(engine.created_at),
            updated_at: iso(engine.updated_at),
            created_at_ts: engine.created_at.timestamp_millis(),
            updated_at_ts: engine.updated_at.timestamp_millis(),
            spreadsheet_columns: engine.columns.iter().map(ColumnResponse::from).collect(),
            spreadsheet_rows: engine
                .rows
                .iter()
                .map(|row| RowResponse::new(row, with_cost))
                .collect(),
            global_variables_sheet: engine.variables.as_ref().map(VariablesResponse::from),
        }
    }
}

impl RowResponse {
    pub fn new(row: &Row, with_cost: bool) -> Self {
        Self {
            id: row.id.get(),
            position: row.position,
            additional_attributes: row.additional_attributes.clone(),
            created_at_ts: row.created_at.timestamp_millis(),
            updated_at_ts: row.updated_at.timestamp_millis(),
            spreadsheet_cells: row
                .cells
                .iter()
                .map(|cell| CellResponse::new(cell, with_cost))
                .collect(),
            execution_cost: with_cost.then(|| row.cost.to_string()),
        }
    }
}

impl CellResponse {
    pub fn new(cell: &Cell, with_cost: bool) -> Self {
        Self {
            id: cell.id.get(),
            row_id: cell.row_id.get(),
            column_id: cell.column_id.get(),
            value: cell.value.clone(),
            additional_attributes: cell.additional_attributes.clone(),
            cell_role: cell.role.cell_role().to_owned(),
            created_at_ts: cell.created_at.timestamp_millis(),
            updated_at_ts: cell.updated_at.timestamp_millis(),
            default_user_job: cell.default_generation.clone().map(Into::into),
            user_jobs: cell.generations.iter().cloned().map(Into::into).collect(),
            video_layers: cell
                .layers
                .iter()
                .map(|layer| LayerResponse::new(layer, with_cost))
                .collect(),
            execution_cost: with_cost.then(|| cell.cost.to_string()),
        }
    }
}

impl LayerResponse {
    pub fn new(layer: &Layer, with_cost: bool) -> Self {
        Self {
            id: layer.id.get(),
            cell_id: layer.cell_id.get(),
            name: layer.name.clone(),
            position: layer.position,
            kind: layer.kind.as_str().to_owned(),
            additional_attributes: layer.additional_attributes.clone(),
            created_at_ts: layer.created_at.timestamp_millis(),
            updated_at_ts: layer.updated_at.timestamp_millis(),
            default_user_job: layer.default_generation.clone().map(Into::into),
            user_jobs: layer.generations.iter().cloned().map(Into::into).collect(),
            execution_cost: with_cost.then(|| layer.cost.to_string()),
        }
    }
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
