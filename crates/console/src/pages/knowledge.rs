//! An agent's knowledge: whether monitoring is on and the jobs it drives, and the top posts
//! the agent knows of with their metrics, ranked as asked (views, likes, engagement, growth).

use ace_app::knowledge::ask::FoundPost;
use ace_domain::ids::AgentId;
use ace_domain::knowledge::query::{PostQuery, Ranking};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;

use crate::Console;
use crate::layout::{failure, page};
use crate::pages::ideas::AgentPlace;
use crate::pages::sheets::value_text;
use crate::session::Signed;

/// Posts shown.
const TOP: u32 = 25;

/// The knowledge page's path for an agent.
pub fn knowledge_path(agent: i64) -> String {
    format!("/app/agents/{agent}/knowledge")
}

/// `/app/knowledge`: the knowledge of your first agent.
pub async fn first_knowledge(State(console): State<Console>, signed: Signed) -> Response {
    let none = "You have no agent yet. Create one in a workspace; what it learns will show here.";
    crate::pages::first_agents(&console, &signed, knowledge_path, "Knowledge", none).await
}

/// How the posts are ranked.
#[derive(Deserialize)]
pub struct Ranked {
    ranking: Option<String>,
}

pub async fn knowledge(
    State(console): State<Console>,
    signed: Signed,
    Path(place): Path<AgentPlace>,
    Query(ranked): Query<Ranked>,
) -> Response {
    let (app, actor) = (&console.app, &signed.actor);
    let agent = AgentId::new(place.agent);
    let ranking = ranked
        .ranking
        .as_deref()
        .and_then(|name| name.parse::<Ranking>().ok())
        .unwrap_or(Ranking::Views);
    let query = PostQuery {
        ranking,
        limit: TOP,
        ..PostQuery::default()
    };
    let monitors = match ace_app::knowledge::monitored::show(app, actor, agent).await {
        Ok(monitors) => monitors,
        Err(err) => return failure(&err, Some(&signed)),
    };
    let posts = match ace_app::knowledge::ask::posts(app, actor, agent, &query).await {
        Ok(posts) => posts,
        Err(err) => return failure(&err, Some(&signed)),
    };
    let base = knowledge_path(place.agent);
    let body = html! {
        h1 { "Knowledge" }
        section aria-labelledby="monitoring" {
            h2 #monitoring { "Monitoring" }
            p {
                @if monitors.enabled { "On: the agent's accounts and inspirations are watched, and their posts gathered, every cycle." }
                @else { "Off. Turn it on with " code { "PATCH /v1/agents/{id}/knowledge/monitoring" } "; it watches the accounts and inspirations in Agent Core." }
            }
            @if !monitors.monitors.is_empty() {
                table {
                    thead { tr { th scope="col" { "Platform" } th scope="col" { "Job" } th scope="col" { "Status" } } }
                    tbody {
                        @for monitor in &monitors.monitors {
                            tr {
                                td { (monitor.platform) }
                                td { (monitor.user_job_id.get()) }
                                td { span class={ "status " (monitor.status.as_str()) } { (monitor.status.as_str()) } }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="posts" {
            h2 #posts { "Top posts" }
            nav.pager aria-label="Rank posts by" {
                @for choice in [Ranking::Views, Ranking::Likes, Ranking::Engagement, Ranking::Growth] {
                    @if choice == ranking {
                        strong aria-current="true" { (choice.as_str()) }
                    } @else {
                        a href={ (base) "?ranking=" (choice.as_str()) } { (choice.as_str()) }
                    }
                }
            }
            @if posts.is_empty() {
                p.empty { "No posts yet. Turn monitoring on, run research, or import posts with " code { "POST /v1/agents/{id}/knowledge/imports" } "." }
            } @else {
                (post_table(&posts))
            }
        }
    };
    page("Knowledge", Some(&signed), body).into_response()
}

fn post_table(posts: &[FoundPost]) -> Markup {
    let count = |value: Option<i64>| value.map_or_else(|| "–".to_owned(), |v| v.to_string());
    html! {
        table {
            thead { tr {
                th scope="col" { "Post" }
                th.amount scope="col" { "Views" }
                th.amount scope="col" { "Likes" }
                th.amount.optional scope="col" { "Comments" }
                th.amount.optional scope="col" { "Shares" }
                th.amount.optional scope="col" { "Engagement" }
            } }
            tbody {
                @for post in posts {
                    tr {
                        td {
                            span.muted { (post.platform) @if let Some(author) = &post.author { " · @" (author) } }
                            br;
                            @match &post.url {
                                Some(url) => { a href=(url) rel="noopener noreferrer" { (value_text(&post.body, 140)) } }
                                None => { (value_text(&post.body, 140)) }
                            }
                        }
                        td.amount { (count(post.views)) }
                        td.amount { (count(post.likes)) }
                        td.amount.optional { (count(post.comments)) }
                        td.amount.optional { (count(post.shares)) }
                        td.amount.optional { (post.engagement.map_or_else(|| "–".to_owned(), |e| format!("{:.1}%", e * 100.0))) }
                    }
                }
            }
        }
    }
}
