//! ace's pipelines as tools: an engine's autopilot (ideas, then rows, then posts), on a
//! schedule, a webhook or by hand.

use axum::extract::Path;

use crate::error::ApiResult;
use crate::extract::{AgentParam, RawId};
use crate::mcp::catalogue::{Arg, Call, Cost, Kind, Tool, answer};
use crate::routes::pipelines;

const ENGINE_ID: Arg = Arg::text("engine_id", "The engine's id.");
const AGENT_ID: Arg = Arg::text("agent_id", "The agent's id.");
const PIPELINE_ID: Arg = Arg::text("pipeline_id", "The pipeline's id.");
const RUN_ID: Arg = Arg::text("run_id", "The pipeline run's id.");

pub static TOOLS: &[Tool] = &[
    Tool {
        name: "ace_list_pipelines",
        about: "An engine's pipelines, with their actions and triggers.",
        cost: Cost::Free,
        args: &[ENGINE_ID, AGENT_ID],
        run: |call| {
            Box::pin(async move {
                let agent = call.agent()?;
                let sheet = call.path_id("engine_id");
                answer(
                    pipelines::list::list_pipelines(call.state(), call.caller(), agent, sheet)
                        .await,
                )
            })
        },
    },
    Tool {
        name: "ace_create_pipeline",
        about: "Creates a pipeline on an engine: actions (add them with \
                ace_add_pipeline_action) that run in order when its trigger fires, within a \
                budget.",
        cost: Cost::Free,
        args: &[
            ENGINE_ID,
            AGENT_ID,
            Arg::text("name", "The pipeline's name."),
            Arg::text("trigger_type", "What starts a run.").of(Kind::OneOf(&[
                "webhook",
                "schedule_minutely",
                "schedule_hourly",
                "schedule_daily",
                "schedule_weekly",
                "schedule_monthly",
                "schedule_once",
            ])),
            Arg::text(
                "trigger_config",
                "{every, at, weekday, day_of_month, run_at, timezone}, as the trigger needs.",
            )
            .of(Kind::Object)
            .optional(),
            Arg::text("budget_credits", "The most credits one run may spend.").of(Kind::Number),
            Arg::text("enabled", "false to keep its trigger from firing.")
                .of(Kind::Flag)
                .optional(),
        ],
        run: |call| {
            Box::pin(async move {
                let (agent, sheet) = (call.agent()?, call.path_id("engine_id"));
                let fields = [
                    "name",
                    "trigger_type",
                    "trigger_config",
                    "budget_credits",
                    "enabled",
                ];
                let body = call.wrapped(&fields)?;
                answer(
                    pipelines::create::create_pipeline(
                        call.state(),
                        call.caller(),
                        agent,
                        sheet,
                        body,
                    )
                    .await,
                )
            })
        },
    },
    Tool {
        name: "ace_get_pipeline",
        about: "A pipeline, with its actions in order.",
        cost: Cost::Free,
        args: &[ENGINE_ID, PIPELINE_ID, AGENT_ID],
        run: |call| {
            Box::pin(async move {
                let (agent, place) = pipeline(&call)?;
                answer(
                    pipelines::show::get_pipeline(call.state(), call.caller(), agent, place).await,
                )
            })
        },
    },
    Tool {
        name: "ace_add_pipeline_action",
        about: "Adds an action to a pipeline: ideas {prompt}, run_rows {row_ids?, force?, \
                max_parallel_rows?} or publish {description?, schedule: now or next_slot, \
                slots?, timezone?, account_id?}.",
        cost: Cost::Free,
        args: &[
            ENGINE_ID,
            PIPELINE_ID,
            AGENT_ID,
            Arg::text("action_type", "ideas, run_rows or publish.")
                .of(Kind::OneOf(&["ideas", "run_rows", "publish"])),
            Arg::text("config", "The action's settings.")
                .of(Kind::Object)
                .optional(),
            Arg::text("position", "Where it runs (last, by default).")
                .of(Kind::Number)
                .optional(),
        ],
        run: |call| {
            Box::pin(async move {
                let (agent, place) = pipeline(&call)?;
                let body = call.wrapped(&["action_type", "config", "position"])?;
                answer(
                    pipelines::create_action::create_pipeline_action(
                        call.state(),
                        call.caller(),
                        agent,
                        place,
                        body,
                    )
                    .await,
                )
            })
        },
    },
    Tool {
        name: "ace_start_pipeline_run",
        about: "Runs a pipeline now. Answers a run_id at once: poll ace_get_pipeline_run.",
        cost: Cost::Charged(
            "what its actions spend (ideas, generations, renders, posts), never more than \
             the pipeline's budget_credits.",
        ),
        args: &[ENGINE_ID, PIPELINE_ID, AGENT_ID],
        run: |call| {
            Box::pin(async move {
                let (agent, place) = pipeline(&call)?;
                answer(
                    pipelines::start_run::create_pipeline_run(
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
        name: "ace_list_pipeline_runs",
        about: "A pipeline's runs, newest first.",
        cost: Cost::Free,
        args: &[ENGINE_ID, PIPELINE_ID, AGENT_ID],
        run: |call| {
            Box::pin(async move {
                let (agent, place) = pipeline(&call)?;
                answer(
                    pipelines::list_runs::list_pipeline_runs(
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
        name: "ace_get_pipeline_run",
        about: "A pipeline run: each action's status and what it made, and what it spent.",
        cost: Cost::Free,
        args: &[ENGINE_ID, PIPELINE_ID, RUN_ID, AGENT_ID],
        run: |call| {
            Box::pin(async move {
                let (agent, place) = pipeline_run(&call)?;
                answer(
                    pipelines::show_run::get_pipeline_run(
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
        name: "ace_cancel_pipeline_run",
        about: "Cancels a pipeline run; what it started is stopped and refunded.",
        cost: Cost::Free,
        args: &[ENGINE_ID, PIPELINE_ID, RUN_ID, AGENT_ID],
        run: |call| {
            Box::pin(async move {
                let (agent, place) = pipeline_run(&call)?;
                answer(
                    pipelines::cancel_run::cancel_pipeline_run(
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

/// A pipeline's place: its engine and its id.
type PipelinePlace = Path<(RawId, RawId)>;
/// A pipeline run's place: its engine, its pipeline and its id.
type PipelineRunPlace = Path<(RawId, RawId, RawId)>;

/// The agent, and the pipeline's place.
fn pipeline(call: &Call) -> ApiResult<(AgentParam, PipelinePlace)> {
    let place = Path((call.raw_id("engine_id"), call.raw_id("pipeline_id")));
    Ok((call.agent()?, place))
}

/// The agent, and the pipeline run's place.
fn pipeline_run(call: &Call) -> ApiResult<(AgentParam, PipelineRunPlace)> {
    let place = Path((
        call.raw_id("engine_id"),
        call.raw_id("pipeline_id"),
        call.raw_id("run_id"),
    ));
    Ok((call.agent()?, place))
}
