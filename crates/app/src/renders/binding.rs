//! Binding a row's layer stack to the row before it renders, as templates build their stacks:
//! a layer with a `source_column` and no source of its own takes that column's cell (a media
//! layer its resource as `src`, a text layer its text as `content`, a caption layer the word
//! times of the generation that made it as `captions`), and `{{names}}` in a text layer's
//! `content` are substituted like a card's prompt (global variables, then the row's cells).
//! What a layer sets itself always wins, and a picture or sound layer whose column has nothing
//! to show is left out rather than failing the render.

use std::collections::HashMap;

use ace_db::Session;
use ace_db::sheets::tree::{self, RowSources};
use ace_db::sheets::variables;
use ace_db::user_jobs::{self as jobs};
use ace_domain::ids::{CellId, SpreadsheetId, UserJobId};
use ace_domain::sheet::variables::{Sources, substitute};
use ace_providers::words::{TimedWord, caption_lines};
use ace_render::stack::LayerRecord;
use serde_json::{Value, json};

use crate::AppResult;

/// Fills the stack's layers from the row of `video_cell`. A picture or sound layer whose
/// column has nothing to show (an upload never made) is left out, so the rest still renders;
/// their names are returned.
pub(crate) async fn bind(
    db: &mut dyn Session,
    sheet: SpreadsheetId,
    video_cell: CellId,
    layers: &mut Vec<LayerRecord>,
) -> AppResult<Vec<String>> {
    let Some(row) = tree::row_sources(db, sheet, video_cell).await? else {
        return Ok(Vec::new());
    };
    let globals: Vec<(String, String)> = variables::list_for_spreadsheet(db, sheet)
        .await?
        .into_iter()
        .map(|v| (v.key, v.value))
        .collect();
    let cells = Cells::of(&row);
    let mut empty = Vec::new();
    for layer in layers.iter_mut() {
        let Value::Object(attributes) = &mut layer.additional_attributes else {
            continue;
        };
        let column = attributes
            .get("source_column")
            .and_then(Value::as_str)
            .map(str::to_owned);
        if let Some(cell) = column.as_deref().and_then(|title| cells.named(title)) {
            match layer.kind.as_str() {
                "text" if !attributes.contains_key("content") => {
                    if let Some(text) = &cell.value {
                        attributes.insert("content".into(), json!(text));
                    }
                }
                "caption" | "captions" if !attributes.contains_key("captions") => {
                    if let Some(words) = words_of(db, cell.job).await? {
                        attributes.insert("captions".into(), caption_lines(&words));
                    }
                }
                "text" | "caption" | "captions" | "shape" => {}
                _ if !attributes.contains_key("src") => {
                    let source = cell
                        .resource
                        .map(Value::from)
                        .or_else(|| cell.url().map(Value::from));
                    match source {
                        Some(source) => {
                            attributes.insert("src".into(), source);
                        }
                        None => empty.push(layer.name.clone()),
                    }
                }
                _ => {}
            }
        }
        if layer.kind == "text"
            && let Some(Value::String(content)) = attributes.get("content")
            && content.contains("{{")
        {
            let sources = Sources {
                card: None,
                globals: &globals,
                cells: &cells.texts,
            };
            let substituted = substitute(content, &sources).text;
            attributes.insert("content".into(), Value::String(substituted));
        }
    }
    layers.retain(|layer| !empty.contains(&layer.name));
    Ok(empty)
}

/// The picture and sound layers a render will leave out, their columns having nothing to
/// show: `(layer name, column title)`. For a run's plan, before anything is generated, a
/// column counts as filled when `filled` says so.
pub(crate) fn left_out(layers: &[LayerRecord], filled: impl Fn(&str) -> bool) -> Vec<(&str, &str)> {
    layers
        .iter()
        .filter(|layer| {
            !matches!(
                layer.kind.as_str(),
                "text" | "caption" | "captions" | "shape"
            )
        })
        .filter(|layer| layer.additional_attributes.get("src").is_none())
        .filter_map(|layer| {
            let column = layer.additional_attributes.get("source_column")?.as_str()?;
            (!filled(column)).then_some((layer.name.as_str(), column))
        })
        .collect()
}

/// A cell a layer may take its source from.
struct Cell {
    value: Option<String>,
    /// The resource its generation made or attached.
    resource: Option<i64>,
    job: Option<i64>,
}

impl Cell {
    /// The value, when it is a link to media.
    fn url(&self) -> Option<&str> {
        self.value
            .as_deref()
            .map(str::trim)
            .filter(|v| v.starts_with("http://") || v.starts_with("https://"))
    }
}

/// The row's cells by column title.
struct Cells {
    by_title: HashMap<String, Cell>,
    texts: Vec<(String, Option<String>)>,
}

impl Cells {
    fn of(row: &RowSources) -> Self {
        let shown: HashMap<i64, i64> = row.shown.iter().copied().collect();
        let mut by_title = HashMap::new();
        let mut texts = Vec::new();
        for cell in &row.cells {
            let Some(column) = row.columns.iter().find(|c| c.id == cell.column_id) else {
                continue;
            };
            let value = cell.value.clone().filter(|v| !v.trim().is_empty());
            texts.push((column.title.clone(), value.clone()));
            by_title.insert(
                column.title.trim().to_lowercase(),
                Cell {
                    value,
                    resource: shown.get(&cell.id.get()).copied(),
                    job: cell.default_user_job_id,
                },
            );
        }
        Self { by_title, texts }
    }

    fn named(&self, title: &str) -> Option<&Cell> {
        self.by_title.get(&title.trim().to_lowercase())
    }
}

/// The word times of the generation that filled a cell (a captions card's, or speech's).
async fn words_of(db: &mut dyn Session, job: Option<i64>) -> AppResult<Option<Vec<TimedWord>>> {
    let Some(job) = job else {
        return Ok(None);
    };
    let Some(record) = jobs::find(db, UserJobId::new(job)).await? else {
        return Ok(None);
    };
    Ok(record
        .result
        .and_then(|result| result.0.get("captions").cloned())
        .and_then(|captions| serde_json::from_value(captions).ok()))
}
