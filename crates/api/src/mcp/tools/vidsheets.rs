//! Step 3, idea to vidsheet: the template library and engines (vidsheets).

use axum::extract::Path;

use crate::mcp::catalogue::{Arg, Cost::Free, Tool, answer};
use crate::routes::{sheets, templates};

const AGENT_ID: Arg = Arg::text("agent_id", "The agent's id.");
const ENGINE_ID: Arg = Arg::text("engine_id", "The engine's (vidsheet's) id.");
const SLUG: Arg = Arg::text("slug", "The template's slug, UUID or id.");

pub static TOOLS: &[Tool] = &[
    Tool {
        name: "gen_list_templates",
        about: "The template library, 20 to a page: ready vidsheets for each kind of video. \
                Look here before building one from scratch.",
        cost: Free,
        args: &[Arg::text("page", "The page, from 1.").optional()],
        run: |call| {
            Box::pin(async move {
                let page = call.query(&["page"])?;
                answer(templates::list::list_templates(call.state(), call.caller(), page).await)
            })
        },
    },
    Tool {
        name: "gen_get_template",
        about: "One template, with its columns and example rows.",
        cost: Free,
        args: &[SLUG],
        run: |call| {
            Box::pin(async move {
                let slug = Path(call.text("slug").unwrap_or_default());
                answer(templates::show::get_template(call.state(), call.caller(), slug).await)
            })
        },
    },
    Tool {
        name: "gen_clone_template",
        about: "Copies a template into the agent as a new engine, ready for rows.",
        cost: Free,
        args: &[SLUG, AGENT_ID],
        run: |call| {
            Box::pin(async move {
                let agent = call.agent()?;
                let slug = Path(call.text("slug").unwrap_or_default());
                answer(
                    templates::clone::clone_template(call.state(), call.caller(), agent, slug)
                        .await,
                )
            })
        },
    },
    Tool {
        name: "gen_create_engine",
        about: "Creates an empty engine (vidsheet); cloning a template is usually better.",
        cost: Free,
        args: &[AGENT_ID, Arg::text("title", "The engine's title.")],
        run: |call| {
            Box::pin(async move {
                let agent = call.agent()?;
                let body = call.wrapped(&["title"])?;
                answer(sheets::create::create_sheet(call.state(), call.caller(), agent, body).await)
            })
        },
    },
    Tool {
        name: "gen_get_engine",
        about: "An engine with its columns, rows and cells.",
        cost: Free,
        args: &[AGENT_ID, ENGINE_ID],
        run: |call| {
            Box::pin(async move {
                let agent = call.agent()?;
                let id = call.path_id("engine_id");
                let query = call.query(&[])?;
                answer(sheets::show::get_sheet(call.state(), call.caller(), agent, id, query).await)
            })
        },
    },
    Tool {
        name: "gen_clone_engine",
        about: "Copies an engine, to the same agent or to another of yours.",
        cost: Free,
        args: &[
            AGENT_ID,
            ENGINE_ID,
            Arg::text("target_agent_id", "The agent to copy it to.").optional(),
        ],
        run: |call| {
            Box::pin(async move {
                let agent = call.agent()?;
                let id = call.path_id("engine_id");
                let body = call.wrapped(&["target_agent_id"])?;
                answer(
                    sheets::clone::clone_sheet(call.state(), call.caller(), agent, id, body).await,
                )
            })
        },
    },
];
