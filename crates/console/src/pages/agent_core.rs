//! An agent's core, as the canvas of GEN's app shows it: its brand, description, goal,
//! personality and keywords editable (through the same patch as `PATCH /v1/agents/{id}/core`),
//! beside the sources it monitors and its own social accounts.

use ace_app::agent_core::{CoreView, PatchOutcome};
use ace_domain::ids::AgentId;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::Console;
use crate::layout::{failure, page};
use crate::pages::ideas::AgentPlace;
use crate::session::{Signed, redirect};

/// The page's path for an agent.
pub fn core_path(agent: i64) -> String {
    format!("/app/agents/{agent}/core")
}

/// Whether the page follows a save.
#[derive(Deserialize)]
pub struct After {
    #[serde(default)]
    saved: bool,
}

pub async fn core(
    State(console): State<Console>,
    signed: Signed,
    Path(place): Path<AgentPlace>,
    Query(after): Query<After>,
) -> Response {
    let agent = AgentId::new(place.agent);
    match ace_app::agent_core::get(&console.app, &signed.actor, agent).await {
        Ok(view) => {
            let note = after.saved.then_some("Saved.");
            shown(&signed, place, &view, note, &[]).into_response()
        }
        Err(err) => failure(&err, Some(&signed)),
    }
}

fn shown(
    signed: &Signed,
    place: AgentPlace,
    view: &CoreView,
    note: Option<&str>,
    refusals: &[String],
) -> Markup {
    let core = &view.core;
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    let body = html! {
        p { a href="/app/workspace" { "Back to the workspace" } }
        h1 { "Agent Core: " (view.agent.name) }
        @if let Some(note) = note { p role="status" { (note) } }
        @if !refusals.is_empty() {
            div.error role="alert" { ul { @for refusal in refusals { li { (refusal) } } } }
        }
        section aria-labelledby="identity" {
            h2 #identity { "Brand and personality" }
            form.stack method="post" action=(core_path(place.agent)) {
                input type="hidden" name="csrf" value=(signed.csrf);
                label for="brand_name" { "Brand name" }
                input #brand_name type="text" name="brand_name" maxlength="200" value=(text(&core.brand_name));
                label for="description" { "Description" }
                textarea #description name="description" rows="3" maxlength="500" { (text(&core.description)) }
                label for="goal" { "Goal" }
                input #goal type="text" name="goal" value=(text(&core.goal));
                label for="personality" { "Personality" }
                textarea #personality name="personality" rows="5" { (text(&core.personality)) }
                label for="keywords" { "Keywords (separated by commas)" }
                input #keywords type="text" name="keywords" value=(core.keywords.join(", "));
                button type="submit" { "Save" }
            }
        }
        section aria-labelledby="sources" {
            h2 #sources { "Monitored sources" }
            @if view.monitored.is_empty() {
                p.empty { "None yet. Add accounts to learn from with " code { "POST /v1/agents/{id}/core/inspiration" } "." }
            } @else {
                ul.plain { @for source in &view.monitored { li { (source.handle) span.muted { " · " (source.platform.as_deref().unwrap_or("any platform")) } } } }
            }
        }
        section aria-labelledby="accounts" {
            h2 #accounts { "Its own accounts" }
            @if view.linked_accounts.is_empty() {
                p.empty { "None yet. Add the agent's own accounts with " code { "POST /v1/agents/{id}/core/accounts" } "." }
            } @else {
                ul.plain { @for account in &view.linked_accounts { li { a href=(account.url) rel="noopener noreferrer" { (account.display_name.as_deref().unwrap_or(&account.url)) } } } }
            }
        }
    };
    page("Agent Core", Some(signed), body)
}

/// What the form posts.
#[derive(Deserialize)]
pub struct CoreForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    brand_name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    goal: String,
    #[serde(default)]
    personality: String,
    #[serde(default)]
    keywords: String,
}

pub async fn save(
    State(console): State<Console>,
    signed: Signed,
    Path(place): Path<AgentPlace>,
    Form(form): Form<CoreForm>,
) -> Response {
    if let Some(refused) = signed.refusal(&form.csrf) {
        return refused;
    }
    let agent = AgentId::new(place.agent);
    let body = patch_of(&form);
    match ace_app::agent_core::patch(&console.app, &signed.actor, agent, &body, |_| json!({})).await
    {
        Ok(outcome) if !outcome.partial() => redirect(
            &format!("{}?saved=true", core_path(place.agent)),
            Vec::new(),
        ),
        Ok(PatchOutcome { sections, view, .. }) => {
            let refusals: Vec<String> = sections
                .into_iter()
                .filter_map(|section| section.result.err())
                .collect();
            let page = shown(&signed, place, &view, None, &refusals);
            (axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
        }
        Err(err) => failure(&err, Some(&signed)),
    }
}

/// The form as a flat patch: an empty field clears its value.
fn patch_of(form: &CoreForm) -> Value {
    let mut patch = Map::new();
    for (key, value) in [
        ("brand_name", &form.brand_name),
        ("description", &form.description),
        ("goal", &form.goal),
        ("personality", &form.personality),
    ] {
        let value = value.trim();
        patch.insert(
            key.into(),
            if value.is_empty() {
                Value::Null
            } else {
                json!(value)
            },
        );
    }
    let keywords: Vec<&str> = form
        .keywords
        .split(',')
        .map(str::trim)
        .filter(|keyword| !keyword.is_empty())
        .collect();
    patch.insert("keywords".into(), json!(keywords));
    Value::Object(patch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_becomes_a_flat_patch_where_empty_clears_and_keywords_split_on_commas() {
        let form = CoreForm {
            csrf: String::new(),
            brand_name: " Taco Queen ".into(),
            description: String::new(),
            goal: "Grow".into(),
            personality: "Warm.".into(),
            keywords: "tacos, , late night ,salsa".into(),
        };
        assert_eq!(
            patch_of(&form),
            json!({"brand_name": "Taco Queen", "description": null, "goal": "Grow",
                   "personality": "Warm.", "keywords": ["tacos", "late night", "salsa"]})
        );
    }
}
