//! The board's cards: ideas in columns by status, each with buttons to move it one step on,
//! reject it, or make it a vidsheet (a row of a new copy of its video type's template).

use ace_app::ideas::IdeaRecord;
use ace_domain::ideas::IdeaStatus;
use ace_domain::ids::IdeaId;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use super::{AgentPlace, board_path};
use crate::Console;
use crate::layout::failure;
use crate::pages::sheets::grid_path;
use crate::session::{Signed, redirect};

/// The board's columns: a title and the statuses it gathers.
const COLUMNS: [(&str, &[IdeaStatus]); 6] = [
    ("New", &[IdeaStatus::Generated]),
    ("Approved to create", &[IdeaStatus::ApproveToCreate]),
    ("Ready for review", &[IdeaStatus::ReadyForReview]),
    (
        "Changes asked",
        &[IdeaStatus::ChangeIdea, IdeaStatus::ChangeVideo],
    ),
    (
        "Approved to post",
        &[IdeaStatus::ApprovedToPost, IdeaStatus::Posted],
    ),
    ("Rejected", &[IdeaStatus::Rejected]),
];

pub fn board(place: AgentPlace, ideas: &[IdeaRecord], csrf: &str) -> Markup {
    html! {
        section.board-wrap aria-labelledby="board" {
            h2 #board { "Board" }
            @if ideas.is_empty() {
                p.empty { "No ideas yet. Ask the agent for some in the chat, for example: generate 3 content ideas about late-night tacos." }
            }
            div.board {
                @for (title, statuses) in COLUMNS {
                    @let column: Vec<&IdeaRecord> = ideas.iter().filter(|idea| statuses.contains(&idea.status)).collect();
                    section.column aria-label=(title) {
                        h3 { (title) " " span.muted { "(" (column.len()) ")" } }
                        ul.plain {
                            @for idea in column { (card(place, idea, csrf)) }
                        }
                    }
                }
            }
        }
    }
}

fn card(place: AgentPlace, idea: &IdeaRecord, csrf: &str) -> Markup {
    let base = format!("{}/{}", board_path(place.agent), idea.id.get());
    let title = &idea.title;
    html! {
        li.idea id={ "idea-" (idea.id.get()) } {
            strong { (title) }
            p { (idea.hook) }
            p.muted { (idea.video_type.as_str().replace('_', " ")) @if let Some(seconds) = idea.estimated_duration { " · " (seconds) " s" } }
            div.row-actions {
                @if idea.status != IdeaStatus::Rejected && idea.status != IdeaStatus::Posted {
                    form method="post" action={ (base) "/move" } {
                        input type="hidden" name="csrf" value=(csrf);
                        button.quiet type="submit" aria-label={ "Move on: " (title) } { "Move on" }
                    }
                    form method="post" action={ (base) "/reject" } {
                        input type="hidden" name="csrf" value=(csrf);
                        button.quiet type="submit" aria-label={ "Reject: " (title) } { "Reject" }
                    }
                }
                form method="post" action={ (base) "/vidsheet" } {
                    input type="hidden" name="csrf" value=(csrf);
                    button.quiet type="submit" aria-label={ "Make a vidsheet of: " (title) } { "Make a vidsheet" }
                }
            }
        }
    }
}

/// An idea in a URL.
#[derive(Clone, Copy, Deserialize)]
pub struct IdeaPlace {
    agent: i64,
    idea: i64,
}

/// What a card button posts.
#[derive(Deserialize)]
pub struct Button {
    #[serde(default)]
    csrf: String,
}

/// Moves the idea one step along the main chain.
pub async fn move_on(
    State(console): State<Console>,
    signed: Signed,
    Path(place): Path<IdeaPlace>,
    Form(form): Form<Button>,
) -> Response {
    if let Some(refused) = signed.refusal(&form.csrf) {
        return refused;
    }
    let moved = ace_app::ideas::cycle(&console.app, &signed.actor, IdeaId::new(place.idea)).await;
    back(&signed, place, moved.map(drop))
}

pub async fn reject(
    State(console): State<Console>,
    signed: Signed,
    Path(place): Path<IdeaPlace>,
    Form(form): Form<Button>,
) -> Response {
    if let Some(refused) = signed.refusal(&form.csrf) {
        return refused;
    }
    let id = IdeaId::new(place.idea);
    let rejected = ace_app::ideas::set(&console.app, &signed.actor, id, IdeaStatus::Rejected).await;
    back(&signed, place, rejected.map(drop))
}

/// Makes the idea a vidsheet and opens its grid.
pub async fn make_vidsheet(
    State(console): State<Console>,
    signed: Signed,
    Path(place): Path<IdeaPlace>,
    Form(form): Form<Button>,
) -> Response {
    if let Some(refused) = signed.refusal(&form.csrf) {
        return refused;
    }
    let id = IdeaId::new(place.idea);
    match ace_app::ideas::vidsheet::make(&console.app, &signed.actor, id, None).await {
        Ok((sheet, row)) => {
            let agent = ace_domain::ids::AgentId::new(place.agent);
            let to = format!("{}#row-{}", grid_path(agent, sheet.id()), row.get());
            redirect(&to, Vec::new())
        }
        Err(err) => failure(&err, Some(&signed)),
    }
}

fn back(signed: &Signed, place: IdeaPlace, outcome: ace_app::AppResult<()>) -> Response {
    match outcome {
        Ok(()) => redirect(
            &format!("{}#idea-{}", board_path(place.agent), place.idea),
            Vec::new(),
        ),
        Err(err) => failure(&err, Some(signed)),
    }
}
