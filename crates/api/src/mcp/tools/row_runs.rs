//! ace's row runs as tools: a row (or its plan and cost first), a whole sheet, and following
//! or stopping either.

use axum::extract::Path;

use crate::mcp::catalogue::{Arg, Cost, Kind, Tool, answer, answer_response};
use crate::routes::row_runs;

const ENGINE_ID: Arg = Arg::text("engine_id", "The engine's id.");
const AGENT_ID: Arg = Arg::text("agent_id", "The agent's id.");
const ROW_ID: Arg = Arg::text("row_id", "The row's id.");
const RUN_ID: Arg = Arg::text("run_id", "The row run's id.");
const BATCH_ID: Arg = Arg::text("batch_id", "The sheet run's batch_id.");
const FORCE: Arg = Arg::text(
    "force",
    "true to make again the cells that already have content.",
)
.of(Kind::Flag)
.optional();

/// What running rows costs.
const ROWS_COST: Cost = Cost::Charged(
    "each generation the row needs at its estimate, then the render by the video's \
     length; see the plan of a dry run first. A dry run costs nothing.",
);

pub static TOOLS: &[Tool] = &[
    Tool {
        name: "ace_run_row",
        about: "Makes a row's video: generates each empty cell in the order the columns \
                depend on each other, then renders. With dry_run, answers the plan and its \
                cost without running it. Otherwise answers a run_id at once: poll \
                ace_get_row_run.",
        cost: ROWS_COST,
        args: &[
            ENGINE_ID,
            ROW_ID,
            AGENT_ID,
            Arg::text("dry_run", "true for the plan and its cost only.")
                .of(Kind::Flag)
                .optional(),
            FORCE,
        ],
        run: |call| {
            Box::pin(async move {
                let agent = call.agent()?;
                let place = Path((call.raw_id("engine_id"), call.raw_id("row_id")));
                let body = call.json_as(call.fields(&["dry_run", "force"]).into())?;
                answer_response(
                    row_runs::run_row::run_row(call.state(), call.caller(), agent, place, body)
                        .await,
                )
                .await
            })
        },
    },
    Tool {
        name: "ace_run_sheet",
        about: "Runs many rows of an engine (all, or those named), a few at a time. Answers \
                a batch_id at once: poll ace_get_sheet_run.",
        cost: ROWS_COST,
        args: &[
            ENGINE_ID,
            AGENT_ID,
            Arg::text("row_ids", "The rows to run (every row without it).")
                .of(Kind::Texts)
                .optional(),
            Arg::text("max_parallel_rows", "Rows run at once.")
                .of(Kind::Number)
                .optional(),
            FORCE,
        ],
        run: |call| {
            Box::pin(async move {
                let agent = call.agent()?;
                let sheet = call.path_id("engine_id");
                let fields = call.fields(&["row_ids", "max_parallel_rows", "force"]);
                let body = call.json_as(fields.into())?;
                answer(
                    row_runs::run_rows::run_rows(call.state(), call.caller(), agent, sheet, body)
                        .await,
                )
            })
        },
    },
    Tool {
        name: "ace_get_row_run",
        about: "A row run: its status, each step with its generation, and the render.",
        cost: Cost::Free,
        args: &[ENGINE_ID, ROW_ID, RUN_ID, AGENT_ID],
        run: |call| {
            Box::pin(async move {
                let agent = call.agent()?;
                let place = Path((
                    call.raw_id("engine_id"),
                    call.raw_id("row_id"),
                    call.raw_id("run_id"),
                ));
                answer(row_runs::show::get_row_run(call.state(), call.caller(), agent, place).await)
            })
        },
    },
    Tool {
        name: "ace_stop_row_run",
        about: "Stops a row run: what has not started will not, and what runs is stopped \
                and refunded.",
        cost: Cost::Free,
        args: &[ENGINE_ID, ROW_ID, RUN_ID, AGENT_ID],
        run: |call| {
            Box::pin(async move {
                let agent = call.agent()?;
                let place = Path((
                    call.raw_id("engine_id"),
                    call.raw_id("row_id"),
                    call.raw_id("run_id"),
                ));
                answer(
                    row_runs::stop::stop_row_run(call.state(), call.caller(), agent, place).await,
                )
            })
        },
    },
    Tool {
        name: "ace_get_sheet_run",
        about: "A sheet run: each row's run and status.",
        cost: Cost::Free,
        args: &[ENGINE_ID, BATCH_ID, AGENT_ID],
        run: |call| {
            Box::pin(async move {
                let agent = call.agent()?;
                let place = Path((call.raw_id("engine_id"), call.raw_id("batch_id")));
                answer(
                    row_runs::show_batch::get_row_run_batch(
                        call.state(),
                        call.caller(),
                        agent,
                        place,
                    )
                    .await,
                )
            })
        },
    },
    Tool {
        name: "ace_stop_sheet_run",
        about: "Stops every row run of a sheet run.",
        cost: Cost::Free,
        args: &[ENGINE_ID, BATCH_ID, AGENT_ID],
        run: |call| {
            Box::pin(async move {
                let agent = call.agent()?;
                let place = Path((call.raw_id("engine_id"), call.raw_id("batch_id")));
                answer(
                    row_runs::stop_batch::stop_row_run_batch(
                        call.state(),
                        call.caller(),
                        agent,
                        place,
                    )
                    .await,
                )
            })
        },
    },
];
