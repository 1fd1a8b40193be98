//! Which queue lane runs a job: renders have their own, voice previews and speech naming a
//! voice go by the voice's engine, and a card's generation by the provider its type and
//! model are routed to. Lanes cap concurrency per provider.

use ace_db::user_jobs::JobRecord;
use ace_domain::generation::JobKind;

use crate::App;

/// The lane that runs `job`; `None` for a job no lane runs.
pub(crate) fn lane_of(app: &App, job: &JobRecord) -> Option<String> {
    if job.user_job_type == JobKind::Render {
        return Some(crate::renders::LANE.to_owned());
    }
    if let Some(lane) = crate::voices::lane_of(app, job) {
        return Some(lane.to_owned());
    }
    let kind = job.user_job_type.card()?;
    let model = job
        .data
        .0
        .as_object()
        .and_then(|data| ace_domain::generation::validate(kind, data).ok())
        .and_then(|request| request.model);
    Some(app.generator(kind, model.as_deref()).name().to_owned())
}
