//! Turning a trigger into a checked run: the cell's (or column's) creation card supplies
//! defaults the request overrides; column references (`image_var`, `source_var`, ...) are
//! resolved from the row; `{{variables}}` are substituted; the data is validated for its
//! type; and every resource it names must be the agent's and of the right media type.
//! Nothing here writes or charges.

use std::collections::HashMap;

use ace_db::Session;
use ace_db::content_resources;
use ace_db::sheets::tree::RowSources;
use ace_db::sheets::variables;
use ace_domain::FieldError;
use ace_domain::generation::{CardRequest, MediaKind, validate};
use ace_domain::ids::{AgentId, ContentResourceId, SpreadsheetId};
use ace_domain::sheet::card::{self, GenerationType};
use ace_domain::sheet::variables::{Sources, substitute};
use serde_json::{Map, Value};

use crate::{AppError, AppResult, ErrorCode};

/// A run ready to be charged and queued.
#[derive(Clone, Debug)]
pub struct Prepared {
    pub kind: GenerationType,
    pub request: CardRequest,
    /// The data the generator gets, after resolution and substitution.
    pub data: Value,
    /// The main text after substitution (prompt or script), recorded on the job.
    pub prompt: Option<String>,
    /// The length of the source media, for prices by duration (captions, lipsync).
    pub source_seconds: Option<f64>,
}

/// Text fields a column reference fills.
const TEXT_REFERENCES: [(&str, &str); 3] = [
    ("prompt_var", "prompt"),
    ("negative_prompt_var", "negative_prompt"),
    ("script_var", "script"),
];

/// Resource fields a column reference fills.
const RESOURCE_REFERENCES: [(&str, &str); 5] = [
    ("image_var", "image_resource_id"),
    ("image_tail_var", "image_tail_resource_id"),
    ("audio_var", "audio_resource_id"),
    ("video_var", "video_resource_id"),
    ("media_var", "content_resource_id"),
];

/// Text fields that take `{{variables}}`.
const SUBSTITUTED: [&str; 4] = ["prompt", "negative_prompt", "script", "voice_prompt"];

/// Where a trigger lands.
pub struct Place<'a> {
    pub agent: AgentId,
    pub sheet: SpreadsheetId,
    /// The creation card already set there: the layer's own for a layer, else the cell's (or
    /// its column's). Its data are the defaults a trigger of the same type overrides.
    pub card: Option<&'a Value>,
}

/// Prepares `data` for a `kind` generation at `place`, whose row holds `row`.
pub async fn prepare(
    db: &mut dyn Session,
    place: &Place<'_>,
    row: &RowSources,
    kind: GenerationType,
    data: Map<String, Value>,
) -> AppResult<Prepared> {
    let globals: Vec<(String, String)> = variables::list_for_spreadsheet(db, place.sheet)
        .await?
        .into_iter()
        .map(|v| (v.key, v.value))
        .collect();
    let mut data = with_card_defaults(place.card, kind, data);
    let cells = RowCells::of(row);
    resolve_references(&mut data, kind, &cells, &globals)?;
    let card_variables = data.get("variables").and_then(Value::as_object).cloned();
    let sources = Sources {
        card: card_variables.as_ref(),
        globals: &globals,
        cells: &cells.texts,
    };
    for field in SUBSTITUTED {
        if let Some(Value::String(text)) = data.get(field) {
            let substituted = substitute(text, &sources).text;
            data.insert(field.to_owned(), Value::String(substituted));
        }
    }
    let request = validate(kind, &data).map_err(invalid)?;
    let mut source_seconds = None;
    for reference in &request.resources {
        let resource =
            content_resources::find(db, place.agent, ContentResourceId::new(reference.id))
                .await?
                .ok_or_else(|| {
                    invalid(FieldError::new(
                        &reference.field,
                        format!(
                            "names content resource {}, which this agent does not have",
                            reference.id
                        ),
                    ))
                })?;
        let kind = reference
            .kinds
            .iter()
            .copied()
            .find(|k| k.as_str() == resource.kind)
            .ok_or_else(|| {
                let wanted: Vec<&str> = reference.kinds.iter().map(|k| k.as_str()).collect();
                invalid(FieldError::new(
                    &reference.field,
                    format!(
                        "must be a {} resource; {} is {}",
                        wanted.join(" or "),
                        reference.id,
                        resource.kind
                    ),
                ))
            })?;
        if source_seconds.is_none() && matches!(kind, MediaKind::Audio | MediaKind::Video) {
            source_seconds = resource.duration_ms.map(|ms| ms as f64 / 1000.0);
        }
    }
    let prompt = ["prompt", "script"]
        .into_iter()
        .find_map(|field| data.get(field).and_then(Value::as_str).map(str::to_owned));
    Ok(Prepared {
        kind,
        request,
        data: Value::Object(data),
        prompt,
        source_seconds,
    })
}

/// The data of the card set there, if it is of this type, overridden by `data`.
fn with_card_defaults(
    card: Option<&Value>,
    kind: GenerationType,
    data: Map<String, Value>,
) -> Map<String, Value> {
    let mut merged = card
        .filter(|card| card::kind_of(card) == Some(kind))
        .and_then(|card| card.get("data").and_then(Value::as_object).cloned())
        .unwrap_or_default();
    merged.extend(data);
    merged
}

/// The row's cells by column title: their text, and the resource each shows.
struct RowCells {
    texts: Vec<(String, Option<String>)>,
    resources: HashMap<String, i64>,
}

impl RowCells {
    fn of(row: &RowSources) -> Self {
        let titles: HashMap<_, _> = row
            .columns
            .iter()
            .map(|c| (c.id, c.title.clone()))
            .collect();
        let shown_by_cell: HashMap<i64, i64> = row.shown.iter().copied().collect();
        let mut texts = Vec::new();
        let mut resources = HashMap::new();
        for cell in &row.cells {
            let Some(title) = titles.get(&cell.column_id) else {
                continue;
            };
            let value = cell.value.clone().filter(|v| !v.trim().is_empty());
            let shown = shown_by_cell
                .get(&cell.id.get())
                .copied()
                .or_else(|| value.as_deref().and_then(|v| v.trim().parse().ok()));
            if let Some(resource) = shown {
                resources.insert(title.to_lowercase(), resource);
            }
            texts.push((title.clone(), value));
        }
        Self { texts, resources }
    }

    fn text(&self, name: &str) -> Option<&str> {
        self.texts
            .iter()
            .find(|(title, _)| title.eq_ignore_ascii_case(name))
            .and_then(|(_, value)| value.as_deref())
    }

    fn resource(&self, name: &str) -> Option<i64> {
        self.resources.get(&name.to_lowercase()).copied()
    }
}

/// Fills fields from the columns (or global variables) their `*_var` fields name, unless
/// the field itself was given.
fn resolve_references(
    data: &mut Map<String, Value>,
    kind: GenerationType,
    cells: &RowCells,
    globals: &[(String, String)],
) -> AppResult<()> {
    let given = |data: &Map<String, Value>, field: &str| {
        data.get(field)
            .is_some_and(|v| !v.is_null() && v.as_str().is_none_or(|s| !s.trim().is_empty()))
    };
    let name_of = |data: &Map<String, Value>, var: &str| {
        data.get(var)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned)
    };
    // A captions card's source is media; a speech card's is the script.
    let source_target = match kind {
        GenerationType::Captions => Some(("source_var", "source_resource_id", true)),
        GenerationType::SpeechFromText => Some(("source_var", "script", false)),
        _ => None,
    };
    let text_refs = TEXT_REFERENCES
        .iter()
        .map(|(var, field)| (*var, *field, false));
    let resource_refs = RESOURCE_REFERENCES
        .iter()
        .map(|(var, field)| (*var, *field, true));
    for (var, field, is_resource) in text_refs.chain(resource_refs).chain(source_target) {
        if given(data, field) {
            continue;
        }
        let Some(name) = name_of(data, var) else {
            continue;
        };
        let value = if is_resource {
            cells.resource(&name).map(Value::from).ok_or_else(|| {
                invalid(FieldError::new(
                    format!("data.{var}"),
                    format!("names {name:?}, which has no media in this row"),
                ))
            })?
        } else {
            let text = cells
                .text(&name)
                .map(str::to_owned)
                .or_else(|| {
                    globals
                        .iter()
                        .find(|(key, _)| key.eq_ignore_ascii_case(&name))
                        .map(|(_, value)| value.clone())
                })
                .ok_or_else(|| {
                    invalid(FieldError::new(
                        format!("data.{var}"),
                        format!("names {name:?}, which is empty or is no column or variable"),
                    ))
                })?;
            Value::String(text)
        };
        data.insert(field.to_owned(), value);
    }
    let list_field = match kind {
        GenerationType::VideoFromIngredients => Some("asset_resource_ids"),
        GenerationType::ImageFromText => Some("content_resource_ids"),
        _ => None,
    };
    if let Some(field) = list_field.filter(|f| !given(data, f)) {
        for var in ["asset_vars", "content_resource_vars"] {
            let Some(names) = data.get(var).and_then(Value::as_array).cloned() else {
                continue;
            };
            let mut ids = Vec::with_capacity(names.len());
            for (index, name) in names.iter().enumerate() {
                let name = name.as_str().unwrap_or_default();
                let id = cells.resource(name).ok_or_else(|| {
                    invalid(FieldError::new(
                        format!("data.{var}[{index}]"),
                        format!("names {name:?}, which has no media in this row"),
                    ))
                })?;
                ids.push(Value::from(id));
            }
            if !ids.is_empty() {
                data.insert(field.to_owned(), Value::Array(ids));
                break;
            }
        }
    }
    Ok(())
}

/// A validation error naming the field.
pub(crate) fn invalid(error: FieldError) -> AppError {
    AppError::unprocessable(ErrorCode::ValidationError, error.to_string())
}
