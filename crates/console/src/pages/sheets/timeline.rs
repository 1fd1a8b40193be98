//! A video cell: its layer stack as a timeline (a track per layer, front on top; a bar from
//! its start for its duration), each layer's timing and text editable, and the row's rendered
//! video in a player.

use ace_app::AppError;
use ace_app::sheets::assembled::Layer;
use ace_app::sheets::layers::LayerEdit;
use ace_domain::ids::LayerId;
use ace_domain::sheet::column::ColumnRole;
use ace_domain::sheet::layer::LayerKind;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::cell::{CellPlace, read_engine};
use crate::Console;
use crate::layout::{failure, page};
use crate::session::{Signed, redirect};

/// Layer timing is in frames at this rate.
const FPS: f64 = 30.0;
/// The timeline's length when no layer says how long it is, in seconds.
const DEFAULT_SECONDS: f64 = 15.0;

pub async fn timeline(
    State(console): State<Console>,
    signed: Signed,
    Path(place): Path<CellPlace>,
) -> Response {
    let engine = match read_engine(&console, &signed, place.sheet()).await {
        Ok(engine) => engine,
        Err(err) => return failure(&err, Some(&signed)),
    };
    let found = engine.rows.iter().enumerate().find_map(|(index, row)| {
        row.cells
            .iter()
            .find(|cell| cell.id == place.cell() && cell.role == ColumnRole::Video)
            .map(|cell| (index + 1, row, cell))
    });
    let Some((number, row, cell)) = found else {
        let err = AppError::not_found(
            ace_app::ErrorCode::NotFound,
            format!(
                "Video cell {} not found in this engine.",
                place.cell().get()
            ),
        );
        return failure(&err, Some(&signed));
    };
    let mut layers: Vec<&Layer> = cell.layers.iter().collect();
    layers.sort_by_key(|layer| std::cmp::Reverse(layer.position));
    let length = layers
        .iter()
        .filter_map(|layer| Some(from(layer) + duration(layer)?))
        .fold(0.0, f64::max);
    let length = if length > 0.0 {
        length
    } else {
        DEFAULT_SECONDS
    };
    let render = row
        .cells
        .iter()
        .find(|cell| cell.role == ColumnRole::FinalVideo)
        .and_then(|cell| cell.default_generation.as_ref())
        .and_then(|generation| generation.output_resources.first());
    let title = format!("Row {number}: timeline");
    let body = html! {
        p { a href=(place.sheet().path(&format!("#row-{}", row.id.get()))) { "Back to the grid" } }
        h1 { (title) }
        section aria-labelledby="player" {
            h2 #player { "The rendered video" }
            @match render {
                Some(video) => {
                    video.player controls preload="metadata" poster=[video.thumbnail_url.as_deref()] src=(video.url) aria-label={ "Rendered video of row " (number) } {}
                }
                None => { p.empty { "Not rendered yet. Render the row from the grid once its layers are ready." } }
            }
        }
        section aria-labelledby="layers" {
            h2 #layers { "Layers (" (layers.len()) "), front first, over " (format!("{length:.1}")) " s" }
            @if layers.is_empty() {
                p.empty { "No layers yet. A row run builds them from the row's cells, or add one with " code { "POST …/cells/" (cell.id.get()) "/layers" } "." }
            } @else {
                ol.timeline {
                    @for layer in &layers { (track(layer, length)) }
                }
                @for layer in &layers { (editor(place, layer, &signed.csrf)) }
            }
        }
    };
    page(&title, Some(&signed), body).into_response()
}

fn track(layer: &Layer, length: f64) -> Markup {
    let start = from(layer);
    let seconds = duration(layer).unwrap_or(length - start).max(0.0);
    let left = (start / length * 100.0).clamp(0.0, 100.0);
    let width = (seconds / length * 100.0).clamp(0.5, 100.0 - left);
    html! {
        li.track {
            span.track-name { (layer.name) " " span.muted { (layer.kind.as_str()) } }
            span.lane {
                span class={ "bar " (layer.kind.as_str()) } style=(format!("left:{left:.2}%;width:{width:.2}%"))
                    title=(format!("{start:.1} s to {:.1} s", start + seconds)) {}
            }
            span.muted { (format!("{start:.1}–{:.1} s", start + seconds)) }
        }
    }
}

fn editor(place: CellPlace, layer: &Layer, csrf: &str) -> Markup {
    let id = layer.id.get();
    let action = place
        .sheet()
        .path(&format!("/cells/{}/layers/{id}", place.cell().get()));
    let content = layer.additional_attributes["content"].as_str();
    html! {
        details.layer {
            summary { "Edit " (layer.name) }
            form.stack method="post" action=(action) {
                input type="hidden" name="csrf" value=(csrf);
                label for={ "name-" (id) } { "Name" }
                input type="text" id={ "name-" (id) } name="name" value=(layer.name) required;
                label for={ "start-" (id) } { "Starts at (seconds)" }
                input type="number" id={ "start-" (id) } name="start" min="0" step="0.1" value=(format!("{:.1}", from(layer)));
                label for={ "duration-" (id) } { "Lasts (seconds; empty for the whole video)" }
                input type="number" id={ "duration-" (id) } name="duration" min="0.1" step="0.1" value=[duration(layer).map(|d| format!("{d:.1}"))];
                @if layer.kind == LayerKind::Text {
                    label for={ "content-" (id) } { "Text" }
                    textarea id={ "content-" (id) } name="content" rows="3" { (content.unwrap_or("")) }
                }
                button type="submit" { "Save " (layer.name) }
            }
        }
    }
}

/// When the layer starts, in seconds.
fn from(layer: &Layer) -> f64 {
    layer.additional_attributes["from"].as_f64().unwrap_or(0.0) / FPS
}

/// How long it lasts, in seconds; `None` for the whole video.
fn duration(layer: &Layer) -> Option<f64> {
    layer.additional_attributes["durationInFrames"]
        .as_f64()
        .map(|frames| frames / FPS)
}

/// What the layer form posts.
#[derive(Deserialize)]
pub struct LayerForm {
    #[serde(default)]
    csrf: String,
    name: Option<String>,
    start: Option<String>,
    duration: Option<String>,
    content: Option<String>,
}

/// A layer in a URL.
#[derive(Clone, Copy, Deserialize)]
pub struct LayerPlace {
    agent: i64,
    sheet: i64,
    cell: i64,
    layer: i64,
}

/// Saves a layer's name, timing and text through the same use case as the API's layer update.
pub async fn save_layer(
    State(console): State<Console>,
    signed: Signed,
    Path(place): Path<LayerPlace>,
    Form(form): Form<LayerForm>,
) -> Response {
    if let Some(refused) = signed.refusal(&form.csrf) {
        return refused;
    }
    let cell = CellPlace::new(place.agent, place.sheet, place.cell);
    let edit = match edit_of(&form) {
        Ok(edit) => edit,
        Err(message) => {
            let err = AppError::unprocessable(ace_app::ErrorCode::ValidationError, message);
            return failure(&err, Some(&signed));
        }
    };
    let saved = ace_app::sheets::layers::update(
        &console.app,
        &signed.actor,
        cell.sheet().agent(),
        cell.sheet().sheet(),
        cell.cell(),
        LayerId::new(place.layer),
        &edit,
    )
    .await;
    match saved {
        Ok(_) => redirect(
            &cell.sheet().path(&format!("/cells/{}", place.cell)),
            Vec::new(),
        ),
        Err(err) => failure(&err, Some(&signed)),
    }
}

/// The form as a layer edit: seconds become frames; an empty duration removes it.
fn edit_of(form: &LayerForm) -> Result<LayerEdit, String> {
    let seconds = |field: &str, text: &str| -> Result<f64, String> {
        text.trim()
            .parse::<f64>()
            .ok()
            .filter(|s| s.is_finite() && *s >= 0.0 && *s <= 3600.0)
            .ok_or_else(|| format!("{field} must be a number of seconds from 0 to 3600."))
    };
    let mut attributes = Map::new();
    if let Some(start) = form.start.as_deref().filter(|s| !s.trim().is_empty()) {
        let frames = (seconds("start", start)? * FPS).round();
        attributes.insert("from".into(), json!(frames as i64));
    }
    match form.duration.as_deref().map(str::trim) {
        Some("") => {
            attributes.insert("durationInFrames".into(), Value::Null);
        }
        Some(duration) => {
            let frames = (seconds("duration", duration)? * FPS).round().max(1.0);
            attributes.insert("durationInFrames".into(), json!(frames as i64));
        }
        None => {}
    }
    if let Some(content) = &form.content {
        attributes.insert("content".into(), json!(content));
    }
    Ok(LayerEdit {
        name: form.name.clone(),
        additional_attributes: (!attributes.is_empty()).then_some(Value::Object(attributes)),
        ..LayerEdit::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(start: &str, duration: &str) -> LayerForm {
        LayerForm {
            csrf: String::new(),
            name: Some("Hook".into()),
            start: Some(start.into()),
            duration: Some(duration.into()),
            content: None,
        }
    }

    #[test]
    fn seconds_become_frames_and_an_empty_duration_lasts_the_whole_video() {
        let edit = edit_of(&form("1.5", "2")).unwrap();
        assert_eq!(
            edit.additional_attributes,
            Some(json!({"from": 45, "durationInFrames": 60}))
        );
        let whole = edit_of(&form("0", "")).unwrap();
        assert_eq!(
            whole.additional_attributes,
            Some(json!({"from": 0, "durationInFrames": null}))
        );
        assert!(edit_of(&form("-1", "2")).is_err());
        assert!(edit_of(&form("1", "soon")).is_err());
    }
}
