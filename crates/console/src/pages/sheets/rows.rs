//! A row's actions: its run's plan and price (a dry run) before running it, the run itself,
//! a render of its video, a duplicate, and a move up or down.

use ace_app::row_runs::RunOptions;
use ace_app::{AppError, AppResult, ErrorCode};
use ace_domain::ids::{CellId, RowId};
use ace_domain::sheet::column::ColumnRole;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;

use super::SheetPlace;
use super::cell::read_engine;
use crate::Console;
use crate::layout::{failure, page};
use crate::session::{Signed, redirect};

/// A row in a URL.
#[derive(Clone, Copy, Deserialize)]
pub struct RowPlace {
    agent: i64,
    sheet: i64,
    row: i64,
}

impl RowPlace {
    fn sheet(self) -> SheetPlace {
        SheetPlace {
            agent: self.agent,
            sheet: self.sheet,
        }
    }

    fn row(self) -> RowId {
        RowId::new(self.row)
    }

    /// The grid, at this row.
    fn back(self) -> String {
        self.sheet().path(&format!("#row-{}", self.row))
    }
}

/// What a row button posts.
#[derive(Deserialize)]
pub struct Button {
    #[serde(default)]
    csrf: String,
    /// For a move: the row's new position, from 1.
    position: Option<i64>,
}

/// The plan of a run of the row, its price, and the button that starts it.
pub async fn plan(
    State(console): State<Console>,
    signed: Signed,
    Path(place): Path<RowPlace>,
) -> Response {
    let (agent, sheet) = (place.sheet().agent(), place.sheet().sheet());
    let options = RunOptions { force: false };
    let plan = match ace_app::row_runs::dry_run(
        &console.app,
        &signed.actor,
        agent,
        sheet,
        place.row(),
        options,
    )
    .await
    {
        Ok(plan) => plan,
        Err(err) => return failure(&err, Some(&signed)),
    };
    let refusals = plan.refusals();
    let body = html! {
        p { a href=(place.back()) { "Back to the grid" } }
        h1 { "Run this row" }
        p.lede { "A run generates each cell below that has no value yet, in the order they depend on each other, then renders the video. Nothing is charged until you run it." }
        section aria-labelledby="steps" {
            h2 #steps { "What it will do" }
            table {
                thead { tr {
                    th scope="col" { "Column" }
                    th scope="col" { "Step" }
                    th.optional scope="col" { "Model" }
                    th.amount scope="col" { "Credits" }
                } }
                tbody {
                    @for step in &plan.steps {
                        tr {
                            td { (step.planned.column_title) }
                            td {
                                @if step.planned.generate { (step.planned.kind.to_string()) } @else { "keeps its value" }
                                @if let Some(refusal) = &step.refusal { p.reason { (refusal) } }
                            }
                            td.optional { (step.model.as_deref().unwrap_or("")) }
                            td.amount { (step.estimate) }
                        }
                    }
                    tr {
                        td { "FINAL VIDEO" }
                        td {
                            "render"
                            @for note in &plan.render_notes { p.muted { (note) } }
                        }
                        td.optional {}
                        td.amount { (plan.render_estimate) }
                    }
                }
                tfoot { tr {
                    th scope="row" colspan="3" { "Total, at most" }
                    td.amount { strong { (plan.total()) } }
                } }
            }
        }
        @if refusals.is_empty() {
            form method="post" action=(place.sheet().path(&format!("/rows/{}/run", place.row))) {
                input type="hidden" name="csrf" value=(signed.csrf);
                button type="submit" { "Run this row for up to " (plan.total()) " credits" }
            }
        } @else {
            div.error role="alert" {
                p { "This row cannot run here yet:" }
                ul { @for refusal in &refusals { li { (refusal) } } }
            }
        }
    };
    page("Run this row", Some(&signed), body).into_response()
}

/// Starts the run, then goes back to the grid to watch its cells fill.
pub async fn run(
    State(console): State<Console>,
    signed: Signed,
    Path(place): Path<RowPlace>,
    Form(form): Form<Button>,
) -> Response {
    if let Some(refused) = signed.refusal(&form.csrf) {
        return refused;
    }
    let (agent, sheet) = (place.sheet().agent(), place.sheet().sheet());
    let options = RunOptions { force: false };
    let started = ace_app::row_runs::start(
        &console.app,
        &signed.actor,
        agent,
        sheet,
        place.row(),
        options,
    )
    .await;
    done(&signed, place, started.map(drop))
}

/// Renders the row's video from its layers as they stand.
pub async fn render(
    State(console): State<Console>,
    signed: Signed,
    Path(place): Path<RowPlace>,
    Form(form): Form<Button>,
) -> Response {
    if let Some(refused) = signed.refusal(&form.csrf) {
        return refused;
    }
    let rendered = match final_video_cell(&console, &signed, place).await {
        Ok(cell) => ace_app::renders::render(
            &console.app,
            &signed.actor,
            place.sheet().agent(),
            place.sheet().sheet(),
            cell,
            None,
        )
        .await
        .map(drop),
        Err(err) => Err(err),
    };
    done(&signed, place, rendered)
}

async fn final_video_cell(
    console: &Console,
    signed: &Signed,
    place: RowPlace,
) -> AppResult<CellId> {
    let engine = read_engine(console, signed, place.sheet()).await?;
    let row = engine
        .rows
        .iter()
        .find(|row| row.id == place.row())
        .ok_or_else(|| {
            AppError::not_found(
                ErrorCode::NotFound,
                format!("Row {} not found in this engine.", place.row),
            )
        })?;
    row.cells
        .iter()
        .find(|cell| cell.role == ColumnRole::FinalVideo)
        .or_else(|| row.cells.iter().find(|cell| cell.role == ColumnRole::Video))
        .map(|cell| cell.id)
        .ok_or_else(|| {
            AppError::unprocessable(
                ErrorCode::ValidationError,
                "This vidsheet has no video column to render.",
            )
        })
}

pub async fn duplicate(
    State(console): State<Console>,
    signed: Signed,
    Path(place): Path<RowPlace>,
    Form(form): Form<Button>,
) -> Response {
    if let Some(refused) = signed.refusal(&form.csrf) {
        return refused;
    }
    let (agent, sheet) = (place.sheet().agent(), place.sheet().sheet());
    let duplicated =
        ace_app::sheets::rows::duplicate(&console.app, &signed.actor, agent, sheet, place.row())
            .await;
    done(&signed, place, duplicated.map(drop))
}

/// Moves the row to the position the form names.
pub async fn reorder(
    State(console): State<Console>,
    signed: Signed,
    Path(place): Path<RowPlace>,
    Form(form): Form<Button>,
) -> Response {
    if let Some(refused) = signed.refusal(&form.csrf) {
        return refused;
    }
    let Some(position) = form.position else {
        let err = AppError::unprocessable(ErrorCode::ValidationError, "position is required.");
        return failure(&err, Some(&signed));
    };
    let (agent, sheet) = (place.sheet().agent(), place.sheet().sheet());
    let moves = [(place.row(), position)];
    let moved =
        ace_app::sheets::rows::update_positions(&console.app, &signed.actor, agent, sheet, &moves)
            .await;
    done(&signed, place, moved.map(drop))
}

/// Back to the grid at the row, or a page saying what was refused.
fn done(signed: &Signed, place: RowPlace, outcome: AppResult<()>) -> Response {
    match outcome {
        Ok(()) => redirect(&place.back(), Vec::new()),
        Err(err) => failure(&err, Some(signed)),
    }
}
