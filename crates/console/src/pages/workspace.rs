//! The workspace: your workspaces with their credits, one workspace's credits ledger, and
//! your agents with their avatars and voices.

use ace_app::agents::Agent;
use ace_app::credits::LedgerEntry;
use ace_app::organizations::Membership;
use ace_domain::credits::Credits;
use ace_domain::ids::OrganizationId;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;

use crate::Console;
use crate::layout::{failure, page};
use crate::session::Signed;

/// Ledger entries shown.
const LEDGER_ROWS: i64 = 25;

/// Which workspace's ledger to show (the first one's without it).
#[derive(Deserialize)]
pub struct Shown {
    organization: Option<i64>,
}

pub async fn workspace(
    State(console): State<Console>,
    signed: Signed,
    Query(shown): Query<Shown>,
) -> Response {
    let app = &console.app;
    let actor = &signed.actor;
    let memberships = match ace_app::organizations::list(app, actor).await {
        Ok(memberships) => memberships,
        Err(err) => return failure(&err, Some(&signed)),
    };
    let chosen = shown
        .organization
        .map(OrganizationId::new)
        .or_else(|| memberships.first().map(|m| m.id));
    let ledger = match chosen {
        Some(org) => match ace_app::credits::history(app, actor, org, LEDGER_ROWS).await {
            Ok(entries) => Some((org, entries)),
            Err(err) => return failure(&err, Some(&signed)),
        },
        None => None,
    };
    let agents = match ace_app::agents::list(app, actor, None).await {
        Ok(agents) => agents,
        Err(err) => return failure(&err, Some(&signed)),
    };
    let body = html! {
        h1 { "Workspace" }
        (workspaces(&memberships, chosen))
        @if let Some((org, entries)) = &ledger {
            (ledger_of(&memberships, *org, entries))
        }
        (agent_list(&agents))
    };
    page("Workspace", Some(&signed), body).into_response()
}

fn workspaces(memberships: &[Membership], chosen: Option<OrganizationId>) -> Markup {
    html! {
        section aria-labelledby="workspaces" {
            h2 #workspaces { "Your workspaces" }
            table {
                thead { tr {
                    th scope="col" { "Workspace" }
                    th scope="col" { "Your role" }
                    th.amount scope="col" { "Credits" }
                    th.optional scope="col" { "Members" }
                } }
                tbody {
                    @for membership in memberships {
                        tr {
                            td {
                                @if Some(membership.id) == chosen {
                                    strong aria-current="true" { (membership.name) }
                                } @else {
                                    a href={ "/app/workspace?organization=" (membership.id.get()) } {
                                        (membership.name)
                                    }
                                }
                            }
                            td { (membership.role) }
                            td.amount { (membership.balance.total()) }
                            td.optional { (membership.total_members) }
                        }
                    }
                }
            }
        }
    }
}

fn ledger_of(memberships: &[Membership], org: OrganizationId, entries: &[LedgerEntry]) -> Markup {
    let name = memberships
        .iter()
        .find(|m| m.id == org)
        .map_or("this workspace", |m| m.name.as_str());
    html! {
        section aria-labelledby="ledger" {
            h2 #ledger { "Credits ledger: " (name) }
            @if entries.is_empty() {
                p.empty { "No credits have moved yet. Each generation, render, idea run and post you start is charged here, and refunded here if it fails." }
            } @else {
                table {
                    thead { tr {
                        th scope="col" { "When (UTC)" }
                        th scope="col" { "What" }
                        th.amount scope="col" { "Credits" }
                        th.optional scope="col" { "For" }
                    } }
                    tbody {
                        @for entry in entries {
                            tr {
                                td { (entry.created_at.format("%Y-%m-%d %H:%M")) }
                                td { (entry.entry_type) @if let Some(note) = &entry.note { " · " (note) } }
                                (amount(entry.amount()))
                                td.optional { (entry.reference.as_deref().unwrap_or("")) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn amount(credits: Credits) -> Markup {
    let zero = Credits::from_millis(0);
    html! {
        @if credits > zero {
            td.amount.plus { "+" (credits) }
        } @else if credits < zero {
            td.amount.minus { (credits) }
        } @else {
            td.amount { (credits) }
        }
    }
}

fn agent_list(agents: &[Agent]) -> Markup {
    html! {
        section aria-labelledby="agents" {
            h2 #agents { "Your agents" }
            @if agents.is_empty() {
                p.empty { "No agents yet. Create one with " code { "POST /v1/agents" } " or the " code { "gen_create_agent" } " tool; each has its own voice, look and ideas." }
            } @else {
                ul.agents {
                    @for agent in agents {
                        li {
                            @if let Some(url) = &agent.primary_avatar_url {
                                img.avatar src=(url) alt="" width="48" height="48";
                            } @else {
                                span.avatar aria-hidden="true" { (initials(&agent.name)) }
                            }
                            div {
                                p { strong { (agent.name) } }
                                p {
                                    a href=(crate::pages::agent_core::core_path(agent.id.get())) aria-label={ "Agent Core of " (agent.name) } { "Agent Core" }
                                    " · "
                                    a href=(crate::pages::ideas::board_path(agent.id.get())) aria-label={ "Ideas of " (agent.name) } { "Ideas" }
                                }
                                p.muted { (agent.organization_name) }
                                p.muted {
                                    "Voice: "
                                    @match &agent.default_voice {
                                        Some(voice) => { (voice.name.as_deref().unwrap_or(&voice.voice_id)) }
                                        None => { "none chosen yet" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Up to two initials of `name`, for an agent with no avatar.
fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|word| word.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_agent_without_an_avatar_shows_its_initials() {
        assert_eq!(initials("taco queen of the night"), "TQ");
        assert_eq!(initials("Ace"), "A");
        assert_eq!(initials("  "), "");
    }
}
