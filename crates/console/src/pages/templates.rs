//! The template library: browse it, preview one template's columns and sample rows, and
//! clone it into one of your agents as a new vidsheet.

use ace_app::agents::Agent;
use ace_app::sheets::assembled::Engine;
use ace_app::templates::TemplateSummary;
use ace_domain::ids::AgentId;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;

use crate::Console;
use crate::layout::{failure, page};
use crate::pages::sheets::{grid_path, value_text};
use crate::session::{Signed, redirect};

/// Which page of the library.
#[derive(Deserialize)]
pub struct Listed {
    page: Option<i64>,
}

pub async fn list(
    State(console): State<Console>,
    signed: Signed,
    Query(listed): Query<Listed>,
) -> Response {
    let number = listed.page.unwrap_or(1).max(1);
    let templates = match ace_app::templates::list(&console.app, &signed.actor, number).await {
        Ok(templates) => templates,
        Err(err) => return failure(&err, Some(&signed)),
    };
    let more = templates.len() as i64 == ace_app::templates::PAGE_SIZE;
    let body = html! {
        h1 { "Templates" }
        p.lede { "Each template is a ready vidsheet: its columns write, voice, picture and cut one kind of video. Preview one, then clone it into an agent and run a row." }
        @if templates.is_empty() {
            p.empty { "The library is empty. ace loads it from the " code { "templates/" } " folder on start; run " code { "ace templates sync" } " to load it again." }
        } @else {
            ul.cards {
                @for template in &templates { (card(template)) }
            }
        }
        nav.pager aria-label="Pages of templates" {
            @if number > 1 {
                a href={ "/app/templates?page=" (number - 1) } { "Previous page" }
            }
            @if more {
                a href={ "/app/templates?page=" (number + 1) } { "Next page" }
            }
        }
    };
    page("Templates", Some(&signed), body).into_response()
}

fn card(template: &TemplateSummary) -> Markup {
    html! {
        li {
            @if let Some(cover) = &template.cover {
                img.cover src=(cover) alt="" loading="lazy";
            }
            h2 { (template.title) }
            p.muted { (template.video_type.replace('_', " ")) }
            p { (template.description) }
            @if !template.tags.is_empty() {
                p.tags { @for tag in &template.tags { span.tag { (tag) } } }
            }
            a.button href={ "/app/templates/" (template.slug) } aria-label={ "Preview " (template.title) } { "Preview" }
        }
    }
}

pub async fn preview(
    State(console): State<Console>,
    signed: Signed,
    Path(slug): Path<String>,
) -> Response {
    let app = &console.app;
    let detail = match ace_app::templates::get(app, &signed.actor, &slug).await {
        Ok(detail) => detail,
        Err(err) => return failure(&err, Some(&signed)),
    };
    let agents = match ace_app::agents::list(app, &signed.actor, None).await {
        Ok(agents) => agents,
        Err(err) => return failure(&err, Some(&signed)),
    };
    let template = &detail.summary;
    let body = html! {
        p { a href="/app/templates" { "All templates" } }
        h1 { (template.title) }
        p.lede { (template.description) }
        (clone_form(&signed, &template.slug, &agents))
        @if let Some(engine) = &detail.engine {
            (columns(engine))
            (sample_rows(engine))
        }
    };
    page(&template.title, Some(&signed), body).into_response()
}

fn clone_form(signed: &Signed, slug: &str, agents: &[Agent]) -> Markup {
    html! {
        section aria-labelledby="clone" {
            h2 #clone { "Clone into an agent" }
            @if agents.is_empty() {
                p.empty { "You have no agent to clone into. Create one in a workspace first." }
            } @else {
                form.inline method="post" action={ "/app/templates/" (slug) "/clone" } {
                    input type="hidden" name="csrf" value=(signed.csrf);
                    label for="agent" { "Agent" }
                    select #agent name="agent" {
                        @for agent in agents {
                            option value=(agent.id.get()) { (agent.name) " (" (agent.organization_name) ")" }
                        }
                    }
                    button type="submit" { "Clone this template" }
                }
                p.muted { "Cloning is free. Running a row spends credits; you see its price first." }
            }
        }
    }
}

fn columns(engine: &Engine) -> Markup {
    html! {
        section aria-labelledby="columns" {
            h2 #columns { "Columns" }
            table {
                thead { tr {
                    th scope="col" { "Column" }
                    th scope="col" { "Holds" }
                    th.optional scope="col" { "Filled by" }
                    th.optional scope="col" { "What it is for" }
                } }
                tbody {
                    @for column in &engine.columns {
                        tr {
                            td { (column.title) }
                            td { (column.kind.as_str()) }
                            td.optional { (column.additional_attributes["creation_card"]["generation_type"].as_str().unwrap_or("you")) }
                            td.optional { (column.description.as_deref().unwrap_or("")) }
                        }
                    }
                }
            }
        }
    }
}

fn sample_rows(engine: &Engine) -> Markup {
    html! {
        section aria-labelledby="samples" {
            h2 #samples { "Its rows" }
            @if engine.rows.is_empty() {
                p.empty { "This template starts with no rows; add one after cloning." }
            } @else {
                ol {
                    @for row in &engine.rows {
                        li {
                            @for cell in row.cells.iter().filter(|cell| cell.value.as_deref().is_some_and(|v| !v.is_empty())).take(3) {
                                span.sample { (value_text(cell.value.as_deref().unwrap_or(""), 120)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// What the clone form posts.
#[derive(Deserialize)]
pub struct CloneInto {
    #[serde(default)]
    csrf: String,
    agent: i64,
}

pub async fn clone(
    State(console): State<Console>,
    signed: Signed,
    Path(slug): Path<String>,
    Form(form): Form<CloneInto>,
) -> Response {
    if let Some(refused) = signed.refusal(&form.csrf) {
        return refused;
    }
    let agent = AgentId::new(form.agent);
    match ace_app::templates::clone(&console.app, &signed.actor, &slug, agent).await {
        Ok(view) => redirect(&grid_path(agent, view.id()), Vec::new()),
        Err(err) => failure(&err, Some(&signed)),
    }
}
