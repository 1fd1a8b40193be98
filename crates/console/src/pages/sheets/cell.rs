//! One cell of the grid: its content (text, or media that plays on click), the status of its
//! latest generation, and the buttons to generate it or stop it. The same fragment is sent
//! by the live stream when the cell changes, and answered to htmx after a button.

use ace_app::generations::GenerationObject;
use ace_app::generations::trigger::{Target, Trigger, trigger};
use ace_app::sheets::assembled::{Cell, Column, Engine};
use ace_app::{AppError, AppResult, ErrorCode};
use ace_domain::ids::{CellId, UserJobId};
use ace_domain::sheet::column::{ColumnKind, ColumnRole};
use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::json;

use super::{SheetPlace, numbered, value_text};
use crate::Console;
use crate::layout::failure;
use crate::session::{Signed, redirect};

/// The longest text a cell shows; the rest is a hover away.
const SHOWN_CHARS: usize = 280;

/// A cell in a URL.
#[derive(Clone, Copy, Deserialize)]
pub struct CellPlace {
    agent: i64,
    sheet: i64,
    cell: i64,
}

impl CellPlace {
    pub fn new(agent: i64, sheet: i64, cell: i64) -> Self {
        Self { agent, sheet, cell }
    }

    pub fn sheet(self) -> SheetPlace {
        SheetPlace {
            agent: self.agent,
            sheet: self.sheet,
        }
    }

    pub fn cell(self) -> CellId {
        CellId::new(self.cell)
    }
}

/// The element id of a cell.
pub fn element_id(cell: &Cell) -> String {
    format!("cell-{}", cell.id.get())
}

/// The cell as a table cell of the grid, with `notice` (a refusal) shown in it.
pub fn fragment(
    place: SheetPlace,
    engine: &Engine,
    column: &Column,
    cell: &Cell,
    csrf: &str,
    notice: Option<&str>,
) -> Markup {
    let latest = cell.generations.last();
    let status = latest.map_or("empty", |generation| generation.status.as_str());
    let running = matches!(status, "pending" | "processing");
    let card = column.additional_attributes["creation_card"]["generation_type"].as_str();
    let what = format!("{} of row {}", column.title, numbered(engine, cell));
    let action = place.path(&format!("/cells/{}", cell.id.get()));
    html! {
        td id=(element_id(cell)) .cell data-status=(status) {
            (content(column, cell, &what))
            div.cell-foot {
                @if let Some(generation) = latest {
                    span class={ "status " (status) } { (label(generation)) }
                }
                @if running {
                    form method="post" action={ (action) "/stop" } hx-post={ (action) "/stop" } hx-target="closest td" hx-swap="outerHTML" {
                        input type="hidden" name="csrf" value=(csrf);
                        button.quiet type="submit" aria-label={ "Stop " (what) } { "Stop" }
                    }
                } @else if card.is_some() {
                    form method="post" action={ (action) "/generate" } hx-post={ (action) "/generate" } hx-target="closest td" hx-swap="outerHTML" {
                        input type="hidden" name="csrf" value=(csrf);
                        button.quiet type="submit" aria-label={ "Generate " (what) } {
                            @if cell.value.as_deref().is_some_and(|v| !v.is_empty()) { "Redo" } @else { "Generate" }
                        }
                    }
                }
                @if column.column_role == ColumnRole::Video {
                    a href=(place.path(&format!("/cells/{}", cell.id.get()))) aria-label={ "Timeline of " (what) } { "Timeline" }
                }
            }
            @if let Some(reason) = latest.and_then(|g| g.failed_reason.as_deref()).filter(|_| status == "failed") {
                p.reason { (value_text(reason, 160)) }
            }
            @if let Some(notice) = notice {
                p.reason role="alert" { (notice) }
            }
        }
    }
}

/// The status, with a running render's progress.
fn label(generation: &GenerationObject) -> String {
    match generation.progress {
        Some(progress) if generation.status == "processing" => {
            format!("processing {:.0}%", progress * 100.0)
        }
        _ => generation.status.clone(),
    }
}

fn content(column: &Column, cell: &Cell, what: &str) -> Markup {
    let output = cell
        .default_generation
        .as_ref()
        .and_then(|generation| generation.output_resources.first());
    let value = cell.value.as_deref().unwrap_or("").trim();
    let media_value =
        (value.starts_with("http://") || value.starts_with("https://") || value.starts_with('/'))
            .then_some(value);
    let (kind, url, poster) = match output {
        Some(output) => (
            output.kind.as_str(),
            Some(output.url.as_str()),
            output.thumbnail_url.as_deref(),
        ),
        None => (column.kind.as_str(), media_value, None),
    };
    html! {
        @match (column.column_role, kind, url) {
            (ColumnRole::Video, _, _) => {
                p.muted { (cell.layers.len()) " layers" }
            }
            (_, "video", Some(url)) => {
                video controls preload="none" poster=[poster] src=(url) aria-label=(what) {}
            }
            (_, "image", Some(url)) => {
                img src=(url) alt=(what) loading="lazy";
            }
            (_, "audio", Some(url)) => {
                audio controls preload="none" src=(url) aria-label=(what) {}
            }
            (ColumnRole::Stats, _, _) if value.is_empty() => {
                p.muted { "nothing spent yet" }
            }
            (ColumnRole::Stats, _, _) => {
                p { (stats(value)) }
            }
            _ if column.kind == ColumnKind::Text => {
                @if value.is_empty() {
                    p.muted { "empty" }
                } @else {
                    p title=[(value.chars().count() > SHOWN_CHARS).then_some(value)] { (value_text(value, SHOWN_CHARS)) }
                }
            }
            _ => { p.muted { "empty" } }
        }
    }
}

/// A STATS cell in words: what the row has cost and how its steps stand.
fn stats(value: &str) -> String {
    let Ok(stats) = serde_json::from_str::<serde_json::Value>(value) else {
        return value_text(value, SHOWN_CHARS);
    };
    let credits = stats["credits"].as_f64().unwrap_or(0.0);
    let steps = stats["steps"].as_array().map_or(&[][..], Vec::as_slice);
    let done = steps
        .iter()
        .filter(|step| step["status"] == "completed")
        .count();
    format!(
        "{credits:.1} credits · {done} of {} steps done",
        steps.len()
    )
}

/// What a cell button posts.
#[derive(Deserialize)]
pub struct Button {
    #[serde(default)]
    csrf: String,
}

/// Generates the cell with its column's creation card.
pub async fn generate(
    State(console): State<Console>,
    signed: Signed,
    Path(place): Path<CellPlace>,
    headers: HeaderMap,
    Form(form): Form<Button>,
) -> Response {
    if let Some(refused) = signed.refusal(&form.csrf) {
        return refused;
    }
    let started = trigger(
        &console.app,
        &signed.actor,
        place.sheet().agent(),
        place.sheet().sheet(),
        Target::Cell(place.cell()),
        Trigger {
            generation_type: None,
            data: json!({}),
            idempotency_key: None,
            row_run: None,
        },
    )
    .await;
    answer(&console, &signed, place, &headers, started.err()).await
}

/// Stops the cell's running generation.
pub async fn stop(
    State(console): State<Console>,
    signed: Signed,
    Path(place): Path<CellPlace>,
    headers: HeaderMap,
    Form(form): Form<Button>,
) -> Response {
    if let Some(refused) = signed.refusal(&form.csrf) {
        return refused;
    }
    let stopped = match running_generation(&console, &signed, place).await {
        Ok(id) => ace_app::generations::control::stop(&console.app, &signed.actor, id)
            .await
            .map(drop),
        Err(err) => Err(err),
    };
    answer(&console, &signed, place, &headers, stopped.err()).await
}

async fn running_generation(
    console: &Console,
    signed: &Signed,
    place: CellPlace,
) -> AppResult<UserJobId> {
    let (_, _, cell) = read(console, signed, place).await?;
    cell.generations
        .last()
        .filter(|generation| matches!(generation.status.as_str(), "pending" | "processing"))
        .map(|generation| UserJobId::new(generation.id))
        .ok_or_else(|| {
            AppError::unprocessable(
                ErrorCode::ValidationError,
                "Nothing is running in this cell.",
            )
        })
}

/// After a button: htmx gets the cell afresh (with a refusal in it), a plain form goes back to
/// the grid (or to a page saying what was refused).
async fn answer(
    console: &Console,
    signed: &Signed,
    place: CellPlace,
    headers: &HeaderMap,
    refused: Option<AppError>,
) -> Response {
    if !headers.contains_key("hx-request") {
        return match refused {
            None => redirect(
                &place.sheet().path(&format!("#cell-{}", place.cell)),
                Vec::new(),
            ),
            Some(err) => failure(&err, Some(signed)),
        };
    }
    let fresh = read(console, signed, place).await;
    match fresh {
        Ok((engine, column, cell)) => {
            let notice = refused.map(|err| err.message);
            let place = place.sheet();
            fragment(
                place,
                &engine,
                &column,
                &cell,
                &signed.csrf,
                notice.as_deref(),
            )
            .into_response()
        }
        Err(err) => failure(&err, Some(signed)),
    }
}

/// The engine, and the cell with its column.
async fn read(
    console: &Console,
    signed: &Signed,
    place: CellPlace,
) -> AppResult<(Engine, Column, Cell)> {
    let engine = read_engine(console, signed, place.sheet()).await?;
    let cell = engine
        .rows
        .iter()
        .flat_map(|row| &row.cells)
        .find(|cell| cell.id == place.cell())
        .cloned()
        .ok_or_else(|| {
            AppError::not_found(
                ErrorCode::NotFound,
                format!("Cell {} not found.", place.cell),
            )
        })?;
    let column = engine
        .columns
        .iter()
        .find(|column| column.id == cell.column_id)
        .cloned()
        .ok_or_else(|| {
            AppError::not_found(
                ErrorCode::NotFound,
                format!("Cell {} not found.", place.cell),
            )
        })?;
    Ok((engine, column, cell))
}

/// The whole vidsheet as the caller may see it.
pub async fn read_engine(
    console: &Console,
    signed: &Signed,
    place: SheetPlace,
) -> AppResult<Engine> {
    let view =
        ace_app::sheets::engines::get(&console.app, &signed.actor, place.agent(), place.sheet())
            .await?;
    Ok(ace_app::sheets::assembled::Assembler::new(&view, &console.app).engine())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stats_cell_says_what_the_row_cost_and_how_far_it_got() {
        let value = r#"{"credits":12.5,"steps":[{"status":"completed"},{"status":"failed"}]}"#;
        assert_eq!(stats(value), "12.5 credits · 1 of 2 steps done");
        assert_eq!(stats("not json"), "not json");
    }
}
