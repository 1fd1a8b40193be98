//! Steps 4 and 5: following, stopping and continuing generations, and rendering a row.

use axum::extract::Path;

use crate::extract::IdempotencyKey;
use crate::mcp::catalogue::{Arg, Cost, Tool, answer};
use crate::routes::{generations, renders};

const GENERATION_ID: Arg = Arg::text("generation_id", "The generation's id.");

pub static TOOLS: &[Tool] = &[
    Tool {
        name: "gen_get_generation",
        about: "A generation's state (pending, processing, completed, failed or stopped), its \
                progress, cost and what it made. Poll it after starting one.",
        cost: Cost::Free,
        args: &[GENERATION_ID],
        run: |call| {
            Box::pin(async move {
                let id = call.path_id("generation_id");
                answer(generations::show::get_generation(call.state(), call.caller(), id).await)
            })
        },
    },
    Tool {
        name: "gen_stop_generation",
        about: "Stops a generation that has not finished; its credits are refunded.",
        cost: Cost::Free,
        args: &[GENERATION_ID],
        run: |call| {
            Box::pin(async move {
                let id = call.path_id("generation_id");
                answer(generations::stop::stop_generation(call.state(), call.caller(), id).await)
            })
        },
    },
    Tool {
        name: "gen_continue_generation",
        about: "Runs a stopped generation again.",
        cost: Cost::Charged("the generation's estimate again, as when it first started."),
        args: &[GENERATION_ID],
        run: |call| {
            Box::pin(async move {
                let id = call.path_id("generation_id");
                answer(
                    generations::resume::continue_generation(call.state(), call.caller(), id).await,
                )
            })
        },
    },
    Tool {
        name: "gen_render_video",
        about: "Renders a row's layers into its final MP4, from the row's final video cell. \
                Answers a generation_id at once: poll gen_get_generation.",
        cost: Cost::Charged(
            "by the video's length (the pricing table's render price per second), charged \
             up front and refunded if the render fails or is stopped.",
        ),
        args: &[
            Arg::text("engine_id", "The engine's id."),
            Arg::text("cell_id", "The row's final video cell."),
            Arg::text("agent_id", "The agent's id."),
        ],
        run: |call| {
            Box::pin(async move {
                let agent = call.agent()?;
                let place = Path((call.raw_id("engine_id"), call.raw_id("cell_id")));
                answer(
                    renders::render_cell::render_video(
                        call.state(),
                        call.caller(),
                        agent,
                        place,
                        IdempotencyKey(None),
                    )
                    .await,
                )
            })
        },
    },
];
