//! The timelines of the library's templates: the layers of row 1's video cell, by the video
//! type each template makes. An idea's manifest takes the timeline of its type's template,
//! fitted to the idea's duration; an idea made a vidsheet row gets that timing on the row's
//! own layers.

use std::collections::HashMap;

use ace_db::Session;
use ace_db::sheets::cells as cell_store;
use ace_db::sheets::layers::{self as layer_store, LayerRecord};
use ace_db::sheets::{columns as column_store, rows as row_store};
use ace_db::templates as template_store;
use ace_domain::ideas::VideoType;
use ace_domain::ideas::manifest::{TimelineLayer, fitted};
use ace_domain::ids::{RowId, SpreadsheetId};
use ace_domain::sheet::column::ColumnKind;
use serde_json::{Value, json};

use crate::AppResult;

/// The type whose template an idea of `kind` takes: its own, or text-driven for `any` (the
/// one that needs nothing but words).
pub(crate) fn template_type(kind: VideoType) -> VideoType {
    if kind == VideoType::Any {
        VideoType::TextDriven
    } else {
        kind
    }
}

/// The timeline of the template that makes each video type (types without one are absent).
pub(crate) async fn by_type(
    db: &mut dyn Session,
) -> AppResult<HashMap<VideoType, Vec<TimelineLayer>>> {
    let mut timelines = HashMap::new();
    for template in template_store::all(db).await? {
        let (Ok(kind), Some(engine)) = (
            template.video_type.parse::<VideoType>(),
            template.spreadsheet_id,
        ) else {
            continue;
        };
        let engine = SpreadsheetId::new(engine);
        let Some(row) = row_store::list(db, engine).await?.into_iter().next() else {
            continue;
        };
        let layers = video_layers(db, engine, row.id).await?;
        if !layers.is_empty() && !timelines.contains_key(&kind) {
            timelines.insert(kind, layers.iter().map(timed).collect());
        }
    }
    Ok(timelines)
}

/// The layers of the row's first video cell that has any (a template's background clip
/// column has none; its composed video has them), in stacking order.
pub(crate) async fn video_layers(
    db: &mut dyn Session,
    sheet: SpreadsheetId,
    row: RowId,
) -> AppResult<Vec<LayerRecord>> {
    for column in column_store::list(db, sheet).await? {
        if column.kind != ColumnKind::Video {
            continue;
        }
        if let Some(cell) = cell_store::find_in_row(db, row.get(), column.id.get()).await? {
            let layers = layer_store::list_for_cell(db, cell.id).await?;
            if !layers.is_empty() {
                return Ok(layers);
            }
        }
    }
    Ok(Vec::new())
}

/// Fits the row's video layers to `seconds`, as the idea's manifest has them.
pub(crate) async fn fit_row(
    db: &mut dyn Session,
    sheet: SpreadsheetId,
    row: RowId,
    seconds: u32,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    let layers = video_layers(db, sheet, row).await?;
    let timed: Vec<TimelineLayer> = layers.iter().map(timed).collect();
    for (layer, fit) in layers.iter().zip(fitted(&timed, seconds)) {
        let mut attributes = layer.additional_attributes.0.clone();
        if let Some(fields) = attributes.as_object_mut() {
            fields.insert("from".into(), json!(fit.from));
            fields.insert("durationInFrames".into(), json!(fit.frames));
        }
        layer_store::update(db, layer.id, &layer.name, layer.kind, &attributes, now).await?;
    }
    Ok(())
}

/// A layer's name, kind and timing.
fn timed(layer: &LayerRecord) -> TimelineLayer {
    let frames = |key: &str| {
        layer
            .additional_attributes
            .0
            .get(key)
            .and_then(Value::as_u64)
            .unwrap_or(0)
    };
    TimelineLayer {
        name: layer.name.clone(),
        kind: layer.kind.as_str().to_owned(),
        from: frames("from"),
        frames: frames("durationInFrames"),
    }
}
