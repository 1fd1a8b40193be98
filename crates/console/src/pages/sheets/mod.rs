//! Vidsheets: the list of your agents' vidsheets, each one's grid ([`grid`]) with its cells
//! ([`cell`]) updated live ([`live`]), the row actions ([`rows`]) and a video cell's timeline
//! ([`timeline`]).

pub mod cell;
pub mod grid;
pub mod live;
pub mod rows;
pub mod timeline;

use ace_app::sheets::assembled::{Cell, Engine};
use ace_domain::ids::{AgentId, SpreadsheetId};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;

use crate::Console;
use crate::layout::{failure, page};
use crate::session::Signed;

/// A vidsheet in a URL: `/app/agents/{agent}/sheets/{sheet}`.
#[derive(Clone, Copy, Debug, Deserialize)]
pub struct SheetPlace {
    pub agent: i64,
    pub sheet: i64,
}

impl SheetPlace {
    pub fn agent(self) -> AgentId {
        AgentId::new(self.agent)
    }

    pub fn sheet(self) -> SpreadsheetId {
        SpreadsheetId::new(self.sheet)
    }

    /// The grid's path, with `rest` after it.
    pub fn path(self, rest: &str) -> String {
        format!("{}{rest}", grid_path(self.agent(), self.sheet()))
    }
}

/// The grid page of a vidsheet.
pub fn grid_path(agent: AgentId, sheet: SpreadsheetId) -> String {
    format!("/app/agents/{}/sheets/{}", agent.get(), sheet.get())
}

/// `text` cut to `max` characters, with an ellipsis when cut.
pub fn value_text(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", text[..at].trim_end()),
        None => text.to_owned(),
    }
}

/// Row `row_id`'s number as the grid shows it (from 1), and the row.
pub fn numbered(engine: &Engine, cell: &Cell) -> usize {
    engine
        .rows
        .iter()
        .position(|row| row.id == cell.row_id)
        .map_or(0, |index| index + 1)
}

/// Every vidsheet of every agent you can see, by agent.
pub async fn list(State(console): State<Console>, signed: Signed) -> Response {
    let app = &console.app;
    let agents = match ace_app::agents::list(app, &signed.actor, None).await {
        Ok(agents) => agents,
        Err(err) => return failure(&err, Some(&signed)),
    };
    let mut sheets = Vec::with_capacity(agents.len());
    for agent in &agents {
        match ace_app::sheets::engines::list(app, &signed.actor, agent.id).await {
            Ok(found) => sheets.push((agent, found)),
            Err(err) => return failure(&err, Some(&signed)),
        }
    }
    let body = html! {
        h1 { "Vidsheets" }
        @if sheets.iter().all(|(_, found)| found.is_empty()) {
            p.empty { "No vidsheets yet. " a href="/app/templates" { "Clone a template" } " to make your first one: each row becomes a video." }
        }
        @for (agent, found) in &sheets {
            @if !found.is_empty() {
                section aria-labelledby={ "agent-" (agent.id.get()) } {
                    h2 id={ "agent-" (agent.id.get()) } { (agent.name) }
                    ul.plain {
                        @for sheet in found {
                            li {
                                a href=(grid_path(agent.id, sheet.id)) { (sheet.title) }
                                span.muted { " · " (sheet.aspect_ratio) " · changed " (sheet.updated_at.format("%Y-%m-%d %H:%M")) " UTC" }
                            }
                        }
                    }
                }
            }
        }
    };
    page("Vidsheets", Some(&signed), body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_cut_at_a_character_with_an_ellipsis() {
        assert_eq!(value_text("short", 10), "short");
        assert_eq!(value_text("exactly ten", 11), "exactly ten");
        assert_eq!(value_text("a late night taco", 6), "a late…");
        assert_eq!(value_text("ñññ", 2), "ññ…");
    }
}
