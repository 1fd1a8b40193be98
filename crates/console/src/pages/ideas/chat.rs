//! The conversation beside the board: its messages, a chat box that starts a run, and the
//! run asked for, followed live until it ends or waits for approval (then the page reloads to
//! show what it made). A gated action shows approve and reject.

use std::convert::Infallible;
use std::time::Duration;

use ace_app::agent_runs::conversations::ConversationView;
use ace_app::agent_runs::{RunRequest, RunView};
use ace_domain::ids::AgentId;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::json;

use super::{AgentPlace, board_path};
use crate::Console;
use crate::layout::failure;
use crate::session::{Signed, redirect};

/// How often a followed run is read again.
const POLL: Duration = Duration::from_millis(500);

pub fn panel(
    place: AgentPlace,
    conversation: Option<&ConversationView>,
    run: Option<&RunView>,
    csrf: &str,
) -> Markup {
    html! {
        section.chat aria-labelledby="chat" {
            h2 #chat { "Conversation" }
            @match conversation {
                Some(conversation) => {
                    ol.messages tabindex="0" aria-label="Messages" {
                        @for message in &conversation.messages {
                            li class={ "message " (message.message.role) } {
                                span.muted { (message.message.role) }
                                p { (message.message.content) }
                            }
                        }
                    }
                }
                None => { p.empty { "No conversation yet. Ask the agent below." } }
            }
            @if let Some(run) = run { (run_panel(place, run, csrf)) }
            form.stack method="post" action={ (board_path(place.agent)) "/chat" } {
                input type="hidden" name="csrf" value=(csrf);
                @if let Some(conversation) = conversation {
                    input type="hidden" name="conversation" value=(conversation.conversation.id);
                }
                label for="message" { "Message to the agent" }
                textarea #message name="message" rows="3" required
                    placeholder="generate 3 content ideas about late-night tacos" {}
                button type="submit" { "Send" }
            }
        }
    }
}

/// The run: its status, live while it works; approve and reject while it waits.
fn run_panel(place: AgentPlace, run: &RunView, csrf: &str) -> Markup {
    let status = run.run.status;
    let waiting = status == ace_domain::agent_run::RunStatus::AwaitingApproval;
    let live = !status.is_final() && !waiting;
    let base = format!("/app/agents/{}/runs/{}", place.agent, run.run.id);
    html! {
        div.run id={ "run-" (run.run.id) } role="status" data-live=[live.then(|| format!("{base}/events"))] {
            p { "Run " span class={ "status " (status.as_str()) } { (status.as_str().replace('_', " ")) } }
            @if let Some(error) = &run.run.error { p.reason { (error) } }
            @if let Some(action) = &run.pending_action {
                p { strong { "The agent asks: " } (action.summary) }
                div.row-actions {
                    @for (answer, label) in [("approve", "Approve"), ("reject", "Reject")] {
                        form method="post" action={ (base) "/" (answer) } {
                            input type="hidden" name="csrf" value=(csrf);
                            button type="submit" { (label) }
                        }
                    }
                }
            }
        }
    }
}

/// What the chat box posts.
#[derive(Deserialize)]
pub struct Said {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    message: String,
    conversation: Option<String>,
}

/// Starts a run with the message, then shows it.
pub async fn send(
    State(console): State<Console>,
    signed: Signed,
    Path(place): Path<AgentPlace>,
    Form(said): Form<Said>,
) -> Response {
    if let Some(refused) = signed.refusal(&said.csrf) {
        return refused;
    }
    let request = RunRequest {
        agent_id: AgentId::new(place.agent),
        message: said.message,
        conversation_id: said.conversation.filter(|id| !id.is_empty()),
        attachments: json!({}),
        context: json!({}),
        debug: false,
    };
    match ace_app::agent_runs::start(&console.app, &signed.actor, request, None).await {
        Ok(started) => redirect(
            &format!(
                "{}?conversation={}&run={}",
                board_path(place.agent),
                started.conversation_id,
                started.run_id
            ),
            Vec::new(),
        ),
        Err(err) => failure(&err, Some(&signed)),
    }
}

/// A run in a URL.
#[derive(Deserialize)]
pub struct RunPlace {
    agent: i64,
    run: String,
}

/// What a decision posts.
#[derive(Deserialize)]
pub struct Decision {
    #[serde(default)]
    csrf: String,
}

pub async fn approve(
    state: State<Console>,
    signed: Signed,
    path: Path<RunPlace>,
    form: Form<Decision>,
) -> Response {
    decide(state, signed, path, form, true).await
}

pub async fn reject(
    state: State<Console>,
    signed: Signed,
    path: Path<RunPlace>,
    form: Form<Decision>,
) -> Response {
    decide(state, signed, path, form, false).await
}

async fn decide(
    State(console): State<Console>,
    signed: Signed,
    Path(place): Path<RunPlace>,
    Form(form): Form<Decision>,
    approved: bool,
) -> Response {
    if let Some(refused) = signed.refusal(&form.csrf) {
        return refused;
    }
    match ace_app::agent_runs::approve(&console.app, &signed.actor, &place.run, approved).await {
        Ok(view) => redirect(
            &format!(
                "{}?conversation={}&run={}",
                board_path(place.agent),
                view.run.conversation_id,
                view.run.id
            ),
            Vec::new(),
        ),
        Err(err) => failure(&err, Some(&signed)),
    }
}

/// The run's live stream: a `swap` event with its panel whenever that changes, and `reload`
/// once it has ended or waits for approval.
pub async fn events(
    State(console): State<Console>,
    signed: Signed,
    Path(place): Path<RunPlace>,
) -> Response {
    let first = match ace_app::agent_runs::find(&console.app, &signed.actor, &place.run).await {
        Ok(view) => view,
        Err(err) => return failure(&err, Some(&signed)),
    };
    let agent = AgentPlace { agent: place.agent };
    let shown = run_panel(agent, &first, &signed.csrf).into_string();
    let state = (console, signed, place, shown, false);
    let stream =
        futures::stream::unfold(state, |(console, signed, place, shown, ended)| async move {
            if ended {
                return None;
            }
            loop {
                tokio::time::sleep(POLL).await;
                let view = ace_app::agent_runs::find(&console.app, &signed.actor, &place.run)
                    .await
                    .ok()?;
                let status = view.run.status;
                if status.is_final() || status == ace_domain::agent_run::RunStatus::AwaitingApproval
                {
                    let event = Event::default().event("reload").data("{}");
                    return Some((
                        Ok::<_, Infallible>(event),
                        (console, signed, place, shown, true),
                    ));
                }
                let html =
                    run_panel(AgentPlace { agent: place.agent }, &view, &signed.csrf).into_string();
                if html != shown {
                    let data =
                        json!({ "id": format!("run-{}", view.run.id), "html": html }).to_string();
                    let event = Event::default().event("swap").data(data);
                    return Some((Ok(event), (console, signed, place, html, false)));
                }
            }
        });
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}
