//! Step 2, ideas: agent runs that propose, refine and remember, their approval gates, the
//! ideas board, conversations and research; and an idea made a vidsheet.

use axum::extract::Path;
use serde_json::{Value, json};

use crate::error::ApiResult;
use crate::extract::IdempotencyKey;
use crate::mcp::catalogue::{Arg, Call, Cost, Kind, Tool, answer};
use crate::routes::{agent_runs, conversations, ideas};

const AGENT_ID: Arg = Arg::text("agent_id", "The agent's id.");
const RUN_ID: Arg = Arg::text("run_id", "The run's id.");
const IDEA_ID: Arg = Arg::text("idea_id", "The idea's id.");

/// What an agent run costs.
const RUN_COST: Cost = Cost::Charged(
    "by the work the message asks for, as the pricing table prices agent runs (each idea, \
     research, a refinement or a chat turn); the most it can cost is held when it starts and \
     it settles to what it used.",
);

pub static TOOLS: &[Tool] = &[
    Tool {
        name: "gen_generate_content_ideas",
        about: "Starts an agent run that proposes video ideas grounded in the agent's \
                knowledge (monitored and imported posts): title, hook, full script, video \
                type, duration, sources and rationale each. Answers a run_id at once: poll \
                gen_get_run_status.",
        cost: RUN_COST,
        args: &[
            AGENT_ID,
            Arg::text(
                "message",
                "The request in words, such as 'generate 10 montage ideas'.",
            )
            .optional(),
            Arg::text("num_ideas", "How many ideas, 1 to 50 (5 unless said).")
                .of(Kind::Number)
                .optional(),
            Arg::text("requirements", "Rules for this batch only.")
                .of(Kind::Texts)
                .optional(),
            Arg::text(
                "video_type",
                "talking_avatar, green_screen, montage, text_driven, pov_object, voiceover, \
                 split_screen or skit.",
            )
            .optional(),
            Arg::text("conversation_id", "A conversation to continue.").optional(),
        ],
        run: |call| {
            Box::pin(async move {
                let count = call.args.get("num_ideas").and_then(Value::as_f64);
                let mut message = call
                    .text("message")
                    .unwrap_or_else(|| format!("generate {} content ideas", count.unwrap_or(5.0)));
                let requirements: Vec<&str> = call
                    .args
                    .get("requirements")
                    .and_then(Value::as_array)
                    .map(|all| all.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                if !requirements.is_empty() {
                    message.push_str(". Requirements: ");
                    message.push_str(&requirements.join(". "));
                }
                if let Some(kind) = call.text("video_type") {
                    message.push_str(&format!(". Use {kind} format only."));
                }
                start_run(&call, message).await
            })
        },
    },
    Tool {
        name: "gen_refine_content_ideas",
        about: "Feedback on a conversation's ideas ('make idea 1's hook shorter'); a run \
                answers revised ideas. Poll gen_get_run_status.",
        cost: RUN_COST,
        args: &[
            AGENT_ID,
            Arg::text("conversation_id", "The conversation the ideas came from."),
            Arg::text("feedback", "What to change."),
        ],
        run: |call| {
            Box::pin(async move {
                let feedback = call.text("feedback").unwrap_or_default();
                start_run(&call, feedback).await
            })
        },
    },
    Tool {
        name: "gen_set_content_preference",
        about: "Keeps a rule for every future idea of the agent ('always use statement \
                hooks'), unlike a batch's requirements. A short run saves it.",
        cost: RUN_COST,
        args: &[
            AGENT_ID,
            Arg::text("preference", "The rule."),
            Arg::text("conversation_id", "A conversation to say it in.").optional(),
        ],
        run: |call| {
            Box::pin(async move {
                let preference = call.text("preference").unwrap_or_default();
                let message =
                    format!("Remember this content preference for all future ideas: {preference}");
                start_run(&call, message).await
            })
        },
    },
    Tool {
        name: "gen_get_run_status",
        about: "An agent run: running, awaiting_approval, completed, failed or cancelled, \
                with its messages (the ideas are in the last one) and any action waiting for \
                approval.",
        cost: Cost::Free,
        args: &[RUN_ID],
        run: |call| {
            Box::pin(async move {
                let run = run_id(&call);
                answer(agent_runs::show::get_agent_run(call.state(), call.caller(), run).await)
            })
        },
    },
    Tool {
        name: "gen_decide_agent_run",
        about: "Approves (the run goes on and does the action) or rejects (the run fails) \
                the action a run awaits approval for.",
        cost: Cost::Charged(
            "what the approved action costs (a vidsheet's generations, as they start); \
             rejecting costs nothing.",
        ),
        args: &[
            RUN_ID,
            Arg::text("approved", "true to go on, false to refuse.").of(Kind::Flag),
        ],
        run: |call| {
            Box::pin(async move {
                let run = run_id(&call);
                let body = call.json_as(call.fields(&["approved"]).into())?;
                answer(
                    agent_runs::approve::approve_agent_action(
                        call.state(),
                        call.caller(),
                        run,
                        body,
                    )
                    .await,
                )
            })
        },
    },
    Tool {
        name: "gen_list_content_ideas",
        about: "The agent's ideas, all or of one status: generated, approve_to_create, \
                ready_for_review, change_idea, change_video, rejected, approved_to_post, \
                posted.",
        cost: Cost::Free,
        args: &[
            AGENT_ID,
            Arg::text("status", "Only ideas of this status.").optional(),
        ],
        run: |call| {
            Box::pin(async move {
                let agent = call.agent()?;
                let filter = call.query(&["status"])?;
                answer(ideas::list::list_ideas(call.state(), call.caller(), agent, filter).await)
            })
        },
    },
    Tool {
        name: "gen_update_idea_status",
        about: "Moves an idea on the board: generated → approve_to_create → \
                ready_for_review → approved_to_post → posted, or to change_idea, \
                change_video or rejected.",
        cost: Cost::Free,
        args: &[IDEA_ID, Arg::text("status", "The new status.")],
        run: |call| {
            Box::pin(async move {
                let place = Path((
                    call.raw_id("idea_id"),
                    call.text("status").unwrap_or_default(),
                ));
                answer(ideas::set_status::set_idea_status(call.state(), call.caller(), place).await)
            })
        },
    },
    Tool {
        name: "gen_list_conversations",
        about: "Your conversations with agents, newest first, with their titles.",
        cost: Cost::Free,
        args: &[Arg::text("agent_id", "Only this agent's.").optional()],
        run: |call| {
            Box::pin(async move {
                let filter = call.query(&["agent_id"])?;
                answer(
                    conversations::list::list_conversations(call.state(), call.caller(), filter)
                        .await,
                )
            })
        },
    },
    Tool {
        name: "gen_get_conversation",
        about: "A conversation with all its messages, to review its ideas before refining.",
        cost: Cost::Free,
        args: &[Arg::text("conversation_id", "The conversation's id.")],
        run: |call| {
            Box::pin(async move {
                let id = Path(call.text("conversation_id").unwrap_or_default());
                answer(conversations::show::get_conversation(call.state(), call.caller(), id).await)
            })
        },
    },
    Tool {
        name: "gen_run_research",
        about: "Researches a topic across the agent's knowledge and the sources it can \
                reach, and answers findings with their sources and a synthesis. Answers a \
                run_id at once: poll gen_get_run_status.",
        cost: Cost::Charged("as web_research in the pricing table, held when it starts."),
        args: &[
            Arg::text("topic", "What to research."),
            Arg::text("depth", "quick, default or deep.")
                .of(Kind::OneOf(&["quick", "default", "deep"]))
                .optional(),
            AGENT_ID,
        ],
        run: |call| {
            Box::pin(async move {
                let agent = call.agent()?;
                let body = call.json_as(call.fields(&["topic", "depth", "agent_id"]).into())?;
                answer(
                    agent_runs::research::run_research(
                        call.state(),
                        call.caller(),
                        agent,
                        IdempotencyKey(None),
                        body,
                    )
                    .await,
                )
            })
        },
    },
    Tool {
        name: "ace_idea_to_vidsheet",
        about: "Makes an idea a vidsheet row filled from it (title, hook, script …): a row \
                added to one of the agent's engines, or, without engine_id, a copy of the \
                library template of the idea's video type. Answers the engine.",
        cost: Cost::Free,
        args: &[
            IDEA_ID,
            Arg::text(
                "engine_id",
                "An engine of the idea's agent to add the row to.",
            )
            .optional(),
        ],
        run: |call| {
            Box::pin(async move {
                let idea = call.path_id("idea_id");
                let body = match call.text("engine_id") {
                    Some(_) => json!({ "sheet_id": call.raw_id("engine_id").0 }),
                    None => json!({}),
                };
                let request = call.json_as(body)?;
                answer(
                    ideas::make_vidsheet::make_idea_vidsheet(
                        call.state(),
                        call.caller(),
                        idea,
                        request,
                    )
                    .await,
                )
            })
        },
    },
    Tool {
        name: "ace_cancel_run",
        about: "Cancels an agent run that has not ended; what it held is refunded.",
        cost: Cost::Free,
        args: &[RUN_ID],
        run: |call| {
            Box::pin(async move {
                let run = run_id(&call);
                answer(agent_runs::cancel::cancel_agent_run(call.state(), call.caller(), run).await)
            })
        },
    },
];

fn run_id(call: &Call) -> Path<String> {
    Path(call.text("run_id").unwrap_or_default())
}

/// Starts an agent run on `message`, as GEN's server does for its ideas tools.
async fn start_run(call: &Call, message: String) -> ApiResult<Value> {
    let agent = call.agent()?;
    let mut body = json!({ "message": message, "agent_id": call.text("agent_id") });
    if let Some(conversation) = call.text("conversation_id") {
        body["conversation_id"] = conversation.into();
    }
    let body = call.json_as(body)?;
    answer(
        agent_runs::start::start_agent_run(
            call.state(),
            call.caller(),
            agent,
            IdempotencyKey(None),
            body,
        )
        .await,
    )
}
