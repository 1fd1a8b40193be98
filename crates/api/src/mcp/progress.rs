//! Progress for a client that asks for it. A tool that starts a long job answers its id at
//! once, to be polled. When the call carries a `progressToken`, the tool instead follows the
//! job it started, reading it as its polling tool does and sending `notifications/progress`
//! (0 to 1, with the job's status) as it moves, and answers what that tool reads once the job
//! has ended, waits for approval, or [`FOLLOW_LIMIT`] has passed. Over HTTP the answer then
//! comes as a short event stream; over stdio, as lines.

use std::time::Duration;

use ace_app::Actor;
use rmcp::model::{ProgressNotificationParam, ProgressToken};
use rmcp::service::{Peer, RoleServer};
use serde_json::{Map, Value};
use tokio_util::sync::CancellationToken;

use super::catalogue::{Call, Tool};
use super::tools::ALL;
use crate::state::ApiState;

/// The longest a call follows its job; the job goes on after, and is polled as usual.
pub const FOLLOW_LIMIT: Duration = Duration::from_secs(600);
/// How often the job is read while it is followed.
const READ_EVERY: Duration = Duration::from_millis(500);

/// How the job a tool starts is read: by which tool, with the started answer's `id` field as
/// its `argument`, and the call's `carried` arguments.
#[derive(Clone, Copy, Debug)]
pub struct Follow {
    reader: &'static str,
    id: &'static str,
    argument: &'static str,
    carried: &'static [&'static str],
}

const GENERATION: Follow = Follow {
    reader: "gen_get_generation",
    id: "generation_id",
    argument: "generation_id",
    carried: &[],
};
const AGENT_RUN: Follow = Follow {
    reader: "gen_get_run_status",
    id: "run_id",
    argument: "run_id",
    carried: &[],
};

/// How the job `tool` starts is followed; `None` for a tool that starts none.
pub fn of(tool: &str) -> Option<Follow> {
    Some(match tool {
        "gen_generate_content"
        | "gen_generate_layer"
        | "gen_render_video"
        | "gen_continue_generation" => GENERATION,
        "gen_generate_content_ideas"
        | "gen_refine_content_ideas"
        | "gen_set_content_preference"
        | "gen_run_research"
        | "gen_decide_agent_run" => AGENT_RUN,
        "gen_preview_voice" => Follow {
            reader: "gen_get_voice_preview_status",
            id: "user_job_id",
            argument: "job_id",
            carried: &["agent_id"],
        },
        "gen_publish_content" => Follow {
            reader: "ace_get_user_job",
            id: "id",
            argument: "job_id",
            carried: &["agent_id"],
        },
        "ace_run_row" => Follow {
            reader: "ace_get_row_run",
            id: "run_id",
            argument: "run_id",
            carried: &["engine_id", "row_id", "agent_id"],
        },
        "ace_run_sheet" => Follow {
            reader: "ace_get_sheet_run",
            id: "batch_id",
            argument: "batch_id",
            carried: &["engine_id", "agent_id"],
        },
        "ace_start_pipeline_run" => Follow {
            reader: "ace_get_pipeline_run",
            id: "run_id",
            argument: "run_id",
            carried: &["engine_id", "pipeline_id", "agent_id"],
        },
        _ => return None,
    })
}

/// Where progress goes.
pub struct Listener {
    pub peer: Peer<RoleServer>,
    pub token: ProgressToken,
    /// Cancelled when the client gives up on the call.
    pub cancelled: CancellationToken,
}

/// Follows the job `started` names until it rests, telling `listener` how it moves; answers
/// its last reading (or `started`, when it cannot be read, as for a dry run's plan).
pub async fn follow(
    follow: Follow,
    (state, actor): (&ApiState, &Actor),
    args: &Map<String, Value>,
    started: Value,
    listener: &Listener,
) -> Value {
    let (Some(reader), Some(id)) = (find(follow.reader), started.get(follow.id)) else {
        return started;
    };
    let mut reading_args: Map<String, Value> = follow
        .carried
        .iter()
        .filter_map(|name| Some(((*name).to_owned(), args.get(*name)?.clone())))
        .collect();
    reading_args.insert(follow.argument.to_owned(), id.clone());
    let deadline = tokio::time::Instant::now() + FOLLOW_LIMIT;
    let mut told = None::<(f64, String)>;
    loop {
        let call = Call {
            state: state.clone(),
            actor: actor.clone(),
            args: reading_args.clone(),
        };
        let Ok(reading) = (reader.run)(call).await else {
            return started;
        };
        let (progress, status) = measured(&reading);
        let news = told.as_ref().is_none_or(|(last, _)| progress > *last);
        if news {
            let note = ProgressNotificationParam::new(listener.token.clone(), progress)
                .with_total(1.0)
                .with_message(status.clone());
            if listener.peer.notify_progress(note).await.is_err() {
                return reading;
            }
            told = Some((progress, status.clone()));
        }
        if at_rest(&status) || tokio::time::Instant::now() >= deadline {
            return reading;
        }
        tokio::select! {
            () = tokio::time::sleep(READ_EVERY) => {}
            () = listener.cancelled.cancelled() => return reading,
        }
    }
}

fn find(name: &str) -> Option<&'static Tool> {
    ALL.iter().copied().find(|tool| tool.name == name)
}

/// A reading's progress (0 to 1) and status. A job that reports no progress is at 0 until it
/// ends, and at 1 once it has.
fn measured(reading: &Value) -> (f64, String) {
    let status = reading["status"]
        .as_str()
        .or_else(|| reading["state"].as_str())
        .unwrap_or("processing")
        .to_owned();
    let reported = reading["progress"].as_f64().unwrap_or(0.0).clamp(0.0, 1.0);
    let progress = if at_rest(&status) { 1.0 } else { reported };
    (progress, status)
}

/// Whether a job with `status` has stopped moving by itself.
fn at_rest(status: &str) -> bool {
    matches!(
        status,
        "completed" | "failed" | "stopped" | "cancelled" | "awaiting_approval"
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn every_follow_reads_with_a_tool_that_exists_and_takes_what_it_is_given() {
        for tool in ALL.iter() {
            let Some(follow) = of(tool.name) else {
                continue;
            };
            let reader = find(follow.reader).expect("the reader is a tool");
            let takes = |name: &str| reader.args.iter().any(|arg| arg.name == name);
            assert!(takes(follow.argument), "{}", tool.name);
            for carried in follow.carried {
                assert!(takes(carried), "{} carries {carried}", tool.name);
                assert!(
                    tool.args.iter().any(|arg| arg.name == *carried),
                    "{} has {carried}",
                    tool.name
                );
            }
        }
    }

    #[test]
    fn a_job_is_measured_by_its_progress_until_it_rests() {
        let running = json!({"status": "processing", "progress": 0.4});
        assert_eq!(measured(&running), (0.4, "processing".to_owned()));
        let gated = json!({"status": "awaiting_approval"});
        assert_eq!(measured(&gated), (1.0, "awaiting_approval".to_owned()));
        let unreported = json!({"status": "pending"});
        assert_eq!(measured(&unreported).0, 0.0);
    }
}
