//! Steps 2 and 5 as user jobs: monitoring and scraping social posts, publishing to TikTok,
//! reading and listing any such job (GEN's server cannot poll them), and checking a video
//! against the gates a post runs.

use serde_json::{Map, Value, json};

use crate::mcp::catalogue::{Arg, Call, Cost, Kind, Tool, answer};
use crate::routes::{content_resources, user_jobs};

const AGENT_ID: Arg = Arg::text("agent_id", "The agent's id.");
const JOB_ID: Arg = Arg::text("job_id", "The user job's id.");
const PLATFORMS: &[&str] = &["tiktok", "instagram", "youtube"];
const SEARCH_TYPES: &[&str] = &["username", "hashtag", "keyword"];

/// A monitoring job's arguments, as GEN's tools take them.
const MONITORING: [Arg; 9] = [
    Arg::text("platform", "Where to look.").of(Kind::OneOf(PLATFORMS)),
    Arg::text(
        "search_type",
        "What value is (Instagram has no keyword search).",
    )
    .of(Kind::OneOf(SEARCH_TYPES)),
    Arg::text("value", "@username, #hashtag or keyword text."),
    Arg::text(
        "days",
        "Only posts of the last 0 (any), 1, 7, 30, 90 or 180 days.",
    )
    .of(Kind::Number)
    .optional(),
    Arg::text("country", "A two-letter country code, such as us.").optional(),
    Arg::text("max_results", "Posts per scrape, 1 to 50.")
        .of(Kind::Number)
        .optional(),
    Arg::text(
        "monitoring",
        "true to scrape again on a schedule; false (the default) once.",
    )
    .of(Kind::Flag)
    .optional(),
    Arg::text("comment_monitoring", "true to fetch comments too.")
        .of(Kind::Flag)
        .optional(),
    AGENT_ID,
];

const MONITORING_COST: Cost = Cost::Charged(
    "per post (and per comment, with comment_monitoring) fetched, as the pricing table's \
     scrape prices say, on each cycle.",
);

pub static TOOLS: &[Tool] = &[
    Tool {
        name: "gen_create_monitoring_job",
        about: "Scrapes social posts once, or monitors them on a schedule, into the agent's \
                knowledge, which its idea runs draw on. TikTok and YouTube take usernames, \
                hashtags and keywords; Instagram usernames and hashtags. Answers the job: \
                poll ace_get_user_job.",
        cost: MONITORING_COST,
        args: &MONITORING,
        run: |call| {
            Box::pin(async move {
                let data = Value::Object(monitoring_fields(&call)).to_string();
                let body = call.body(json!({
                    "user_job": {"user_job_type": "train_social", "data": data}
                }));
                let query = call.raw_query(&["agent_id"]);
                answer(
                    user_jobs::create::create_user_job(call.state(), call.caller(), query, body)
                        .await,
                )
            })
        },
    },
    Tool {
        name: "gen_update_monitoring_job",
        about: "Changes a monitoring job that is pending or processing.",
        cost: MONITORING_COST,
        args: &[
            JOB_ID,
            MONITORING[0],
            MONITORING[1],
            MONITORING[2],
            MONITORING[3],
            MONITORING[4],
            MONITORING[5],
            MONITORING[6],
            MONITORING[7],
            MONITORING[8],
        ],
        run: |call| {
            Box::pin(async move {
                let job = call.path_id("job_id");
                let body = call.body(Value::Object(monitoring_fields(&call)));
                let query = call.raw_query(&["agent_id"]);
                answer(
                    user_jobs::update::update_monitoring_job(
                        call.state(),
                        call.caller(),
                        job,
                        query,
                        body,
                    )
                    .await,
                )
            })
        },
    },
    Tool {
        name: "gen_publish_content",
        about: "Posts a video (or image) to the agent's connected TikTok account, now or at \
                scheduled_time, after the quality gates pass. Answers the job: poll \
                ace_get_user_job.",
        cost: Cost::Charged("the pricing table's publish price, refunded if the post fails."),
        args: &[
            AGENT_ID,
            Arg::text("platform", "Where to post.").of(Kind::OneOf(&["tiktok"])),
            Arg::text(
                "media_url",
                "The media's URL (one of ace's file links, or public).",
            ),
            Arg::text(
                "description",
                "The caption, hashtags inline (about 2200 characters).",
            ),
            Arg::text("schedule_type", "now, or scheduled for scheduled_time.")
                .of(Kind::OneOf(&["now", "scheduled"])),
            Arg::text("title", "The post's title.").optional(),
            Arg::text("media_type", "VIDEO (the default) or IMAGE.")
                .of(Kind::OneOf(&["VIDEO", "IMAGE"]))
                .optional(),
            Arg::text(
                "scheduled_time",
                "When, in ISO 8601 UTC, for a scheduled post.",
            )
            .optional(),
            Arg::text("thumbnail_url", "A custom thumbnail.").optional(),
            Arg::text("timezone_offset", "Minutes east of UTC (0 unless said).")
                .of(Kind::Number)
                .optional(),
        ],
        run: |call| {
            Box::pin(async move {
                let data = Value::Object(call.fields(&[
                    "platform",
                    "media_url",
                    "description",
                    "schedule_type",
                    "title",
                    "media_type",
                    "scheduled_time",
                    "thumbnail_url",
                    "timezone_offset",
                ]));
                let body = call.body(json!({
                    "user_job_type": "publish_content", "data": data.to_string()
                }));
                let query = call.raw_query(&["agent_id"]);
                answer(
                    user_jobs::create::create_user_job(call.state(), call.caller(), query, body)
                        .await,
                )
            })
        },
    },
    Tool {
        name: "ace_get_user_job",
        about: "Any user job of yours (monitoring, scraping, publishing, voice preview …): \
                its status, its result (a scrape's last cycle, a post's link) and why it \
                failed.",
        cost: Cost::Free,
        args: &[JOB_ID, Arg::text("agent_id", "The job's agent.").optional()],
        run: |call| {
            Box::pin(async move {
                let job = call.path_id("job_id");
                let query = call.raw_query(&["agent_id"]);
                answer(user_jobs::show::get_user_job(call.state(), call.caller(), job, query).await)
            })
        },
    },
    Tool {
        name: "ace_list_user_jobs",
        about: "The agent's user jobs, newest first, of one type or status if asked.",
        cost: Cost::Free,
        args: &[
            AGENT_ID,
            Arg::text("user_job_type", "train_social, publish_content …").optional(),
            Arg::text("status", "pending, processing, completed, failed …").optional(),
            Arg::text("page", "The page, from 1.").optional(),
        ],
        run: |call| {
            Box::pin(async move {
                let agent = call.agent()?;
                let query = call.raw_query(&["user_job_type", "status", "page"]);
                answer(
                    user_jobs::list::list_user_jobs(call.state(), call.caller(), agent, query)
                        .await,
                )
            })
        },
    },
    Tool {
        name: "ace_check_video",
        about: "Runs the quality gates a post runs on one of the agent's videos (container, \
                codec, resolution, aspect, length, loudness, sound, text in the safe area), \
                each with what it measured.",
        cost: Cost::Free,
        args: &[
            AGENT_ID,
            Arg::text("resource_id", "The video's content resource id."),
        ],
        run: |call| {
            Box::pin(async move {
                let agent = call.agent()?;
                let id = call.path_id("resource_id");
                answer(
                    content_resources::check::check_content_resource(
                        call.state(),
                        call.caller(),
                        agent,
                        id,
                    )
                    .await,
                )
            })
        },
    },
];

/// A monitoring job's fields as GEN's server sends them (`search_type` is `type`).
fn monitoring_fields(call: &Call) -> Map<String, Value> {
    let mut fields = call.fields(&[
        "platform",
        "value",
        "days",
        "country",
        "max_results",
        "monitoring",
        "comment_monitoring",
    ]);
    if let Some(kind) = call.args.get("search_type") {
        fields.insert("type".into(), kind.clone());
    }
    fields
}
