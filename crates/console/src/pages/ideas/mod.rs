//! The ideas board of an agent: its ideas as cards in columns by status, each moved on,
//! rejected or made into a vidsheet ([`cards`]); beside it the conversation with the agent, a
//! chat box that starts runs, and the current run followed live, with approve and reject on a
//! gated action ([`chat`]).

pub mod cards;
pub mod chat;

use ace_app::AppResult;
use ace_app::agent_runs::RunView;
use ace_app::agent_runs::conversations::ConversationView;
use ace_app::ideas::IdeaRecord;
use ace_domain::ids::AgentId;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;

use crate::Console;
use crate::layout::{failure, page};
use crate::session::Signed;

/// The board's path for an agent.
pub fn board_path(agent: i64) -> String {
    format!("/app/agents/{agent}/ideas")
}

/// An agent in a URL.
#[derive(Clone, Copy, Deserialize)]
pub struct AgentPlace {
    pub agent: i64,
}

/// Which conversation and run the page shows.
#[derive(Default, Deserialize)]
pub struct Shown {
    conversation: Option<String>,
    run: Option<String>,
}

pub async fn board(
    State(console): State<Console>,
    signed: Signed,
    Path(place): Path<AgentPlace>,
    Query(shown): Query<Shown>,
) -> Response {
    match read(&console, &signed, place, &shown).await {
        Ok((ideas, conversation, run)) => {
            let body = html! {
                h1 { "Ideas" }
                div.ideas-layout {
                    (cards::board(place, &ideas, &signed.csrf))
                    (chat::panel(place, conversation.as_ref(), run.as_ref(), &signed.csrf))
                }
            };
            page("Ideas", Some(&signed), body).into_response()
        }
        Err(err) => failure(&err, Some(&signed)),
    }
}

/// `/app/ideas`: the board of your first agent (the workspace page links each one's).
pub async fn first_board(State(console): State<Console>, signed: Signed) -> Response {
    let none = "You have no agent yet. Create one in a workspace; its ideas will show here.";
    crate::pages::first_agents(&console, &signed, board_path, "Ideas", none).await
}

/// The agent's ideas, the conversation shown (the one asked for, else the latest), and the
/// run asked for.
async fn read(
    console: &Console,
    signed: &Signed,
    place: AgentPlace,
    shown: &Shown,
) -> AppResult<(Vec<IdeaRecord>, Option<ConversationView>, Option<RunView>)> {
    let (app, actor) = (&console.app, &signed.actor);
    let agent = AgentId::new(place.agent);
    let ideas = ace_app::ideas::list(app, actor, agent, None, 1).await?;
    let conversation = match &shown.conversation {
        Some(id) => Some(id.clone()),
        None => ace_app::agent_runs::conversations::list(app, actor, Some(agent), 1)
            .await?
            .into_iter()
            .next()
            .map(|conversation| conversation.id),
    };
    let conversation = match conversation {
        Some(id) => Some(ace_app::agent_runs::conversations::get(app, actor, &id).await?),
        None => None,
    };
    let run = match &shown.run {
        Some(id) => Some(ace_app::agent_runs::find(app, actor, id).await?),
        None => None,
    };
    Ok((ideas, conversation, run))
}
