//! The STATS cell every engine has ("credit cost + metadata"): whenever one of a row's
//! generations or its render ends, the row's STATS cell is written again from the current
//! generation of each of its cells and layers, in the transaction that ended it, as
//! `{credits, steps: [{column_title, status, provider, model, credits, seconds}],
//! render: {seconds, width, height, duration_s, bytes}}`, with `post` (the figures of the
//! row's latest post, as last read back) once its video is published.

use ace_db::Session;
use ace_db::sheets::stats::{self as store, StatsSource};
use ace_domain::credits::Credits;
use ace_domain::generation::JobKind;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::AppResult;

/// Writes the STATS cell of the row that `cell` is in.
pub(crate) async fn refresh(db: &mut dyn Session, cell: i64, now: DateTime<Utc>) -> AppResult<()> {
    let sources = store::sources(db, cell).await?;
    let mut value = summary(&sources);
    if let Some(post) = ace_db::post_metrics::latest_of_row(db, cell).await? {
        value["post"] = json!({
            "user_job_id": post.user_job_id,
            "platform": post.platform,
            "post_id": post.post_id,
            "views": post.views,
            "likes": post.likes,
            "comments": post.comments,
            "shares": post.shares,
            "readings": post.readings,
            "read_at": post.read_at,
            "stopped": post.stopped,
        });
    }
    let value = value.to_string();
    store::write(db, cell, &value, now).await?;
    Ok(())
}

/// The STATS value of a row's generations.
fn summary(sources: &[StatsSource]) -> Value {
    let mut total = Credits::ZERO;
    let mut steps = Vec::new();
    let mut render = Value::Null;
    for source in sources {
        let credits = Credits::from_millis(source.execution_cost_millis);
        total = total + credits;
        let seconds = seconds_between(source.started_at, source.finished_at);
        if source.user_job_type == JobKind::Render {
            render = json!({
                "status": source.status.as_str(),
                "credits": credits.as_f64(),
                "seconds": seconds,
                "width": source.width,
                "height": source.height,
                "duration_s": source.duration_ms.map(|ms| ms as f64 / 1000.0),
                "bytes": source.byte_size,
            });
            continue;
        }
        steps.push(json!({
            "column_title": source.title,
            "generation_type": source.user_job_type.as_str(),
            "status": source.status.as_str(),
            "provider": source.provider,
            "model": source.model,
            "credits": credits.as_f64(),
            "seconds": seconds,
        }));
    }
    json!({"credits": total.as_f64(), "steps": steps, "render": render})
}

/// How long a generation ran, to the millisecond; `None` until it has ended.
fn seconds_between(start: Option<DateTime<Utc>>, end: Option<DateTime<Utc>>) -> Option<f64> {
    let millis = (end? - start?).num_milliseconds();
    Some(millis.max(0) as f64 / 1000.0)
}
