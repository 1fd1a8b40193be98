//! A vidsheet as a grid: rows (videos) down, columns (content types) across, each cell's
//! content and generation status, and each row's actions. The page follows its own event
//! stream ([`super::live`]) so cells change as their generations do.

use ace_app::sheets::assembled::{Engine, Row};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use maud::{Markup, html};
use sha2::{Digest, Sha256};

use super::SheetPlace;
use super::cell::{element_id, fragment, read_engine};
use crate::Console;
use crate::layout::{failure, page};
use crate::session::Signed;

pub async fn grid(
    State(console): State<Console>,
    signed: Signed,
    Path(place): Path<SheetPlace>,
) -> Response {
    let engine = match read_engine(&console, &signed, place).await {
        Ok(engine) => engine,
        Err(err) => return failure(&err, Some(&signed)),
    };
    let cells = fragments(place, &engine, &signed.csrf);
    let live = place.path(&format!("/events?digest={}", digest(&cells)));
    let body = html! {
        p { a href="/app/sheets" { "All vidsheets" } }
        h1 { (engine.title) }
        p.muted {
            (engine.rows.len()) " rows × " (engine.columns.len()) " columns · " (engine.aspect_ratio)
            " · cells change here as their generations run."
        }
        @if engine.rows.is_empty() {
            p.empty { "This vidsheet has no rows yet. Add one with " code { "POST /v1/autocontentengine/" (engine.id.get()) "/rows" } "; each row becomes one video." }
        } @else {
            div.grid-wrap role="region" aria-label="The vidsheet grid" tabindex="0" {
                table.grid data-live=(live) {
                    thead { tr {
                        th scope="col" { "Row" }
                        @for column in &engine.columns {
                            th scope="col" { (column.title) br; span.muted { (column.kind.as_str()) } }
                        }
                    } }
                    tbody {
                        @for (index, (row, row_cells)) in engine.rows.iter().zip(&cells).enumerate() {
                            tr id={ "row-" (row.id.get()) } {
                                (row_header(place, &engine, row, index, &signed.csrf))
                                @for (_, html) in row_cells {
                                    (maud::PreEscaped(html))
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    page(&engine.title, Some(&signed), body).into_response()
}

/// Every cell's fragment in grid order: for each row, its cells as (element id, HTML). A
/// row missing a column's cell shows an empty one.
pub fn fragments(place: SheetPlace, engine: &Engine, csrf: &str) -> Vec<Vec<(String, String)>> {
    engine
        .rows
        .iter()
        .map(|row| {
            engine
                .columns
                .iter()
                .map(
                    |column| match row.cells.iter().find(|cell| cell.column_id == column.id) {
                        Some(cell) => {
                            let html = fragment(place, engine, column, cell, csrf, None);
                            (element_id(cell), html.into_string())
                        }
                        None => (String::new(), html! { td.cell {} }.into_string()),
                    },
                )
                .collect()
        })
        .collect()
}

/// A short digest of what the grid showed, so its live stream can tell whether anything
/// changed between the page and the stream.
pub fn digest(cells: &[Vec<(String, String)>]) -> String {
    let mut hash = Sha256::new();
    for (id, html) in cells.iter().flatten() {
        hash.update(id.as_bytes());
        hash.update(html.as_bytes());
    }
    URL_SAFE_NO_PAD.encode(&hash.finalize()[..12])
}

fn row_header(place: SheetPlace, engine: &Engine, row: &Row, index: usize, csrf: &str) -> Markup {
    let number = index + 1;
    let row_path = place.path(&format!("/rows/{}", row.id.get()));
    html! {
        th scope="row" {
            span.row-number { "Row " (number) }
            div.row-actions {
                a href={ (row_path) "/plan" } aria-label={ "Plan and run row " (number) } { "Run…" }
                form method="post" action={ (row_path) "/render" } {
                    input type="hidden" name="csrf" value=(csrf);
                    button.quiet type="submit" aria-label={ "Render row " (number) } { "Render" }
                }
                form method="post" action={ (row_path) "/duplicate" } {
                    input type="hidden" name="csrf" value=(csrf);
                    button.quiet type="submit" aria-label={ "Duplicate row " (number) } { "Duplicate" }
                }
                @if index > 0 {
                    form method="post" action={ (row_path) "/move" } {
                        input type="hidden" name="csrf" value=(csrf);
                        input type="hidden" name="position" value=(number - 1);
                        button.quiet type="submit" aria-label={ "Move row " (number) " up" } { "↑" }
                    }
                }
                @if number < engine.rows.len() {
                    form method="post" action={ (row_path) "/move" } {
                        input type="hidden" name="csrf" value=(csrf);
                        input type="hidden" name="position" value=(number + 1);
                        button.quiet type="submit" aria-label={ "Move row " (number) " down" } { "↓" }
                    }
                }
            }
        }
    }
}
