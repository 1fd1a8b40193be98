//! Running a queued generation on a worker: move it to processing, gather what its card needs,
//! and hand it to the generator that runs it (renders and voice previews to their own runs);
//! [`super::outcome`] ends it. Runs are idempotent: a reclaimed job whose generation already
//! ended does nothing, and a reservation is settled or refunded exactly once.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::time::Duration;

use ace_db::Session;
use ace_db::content_resources as resources;
use ace_db::user_jobs::{self as store, JobRecord};
use ace_domain::generation::{GenerationStatus, JobKind, MediaKind, validate};
use ace_domain::ids::{AgentId, ContentResourceId, UserJobId};
use ace_domain::sheet::card::GenerationType;
use ace_jobs::{Handler, Job, Outcome, Payload, StartError, exponential_backoff};
use ace_providers::words::TimedWord;
use ace_providers::{Input, Work};
use futures::future::BoxFuture;
use tracing::warn;

use super::outcome::{fail, generate, workdir_of};
use super::{RunGeneration, events};
use crate::automation::delivery::{self, Routes};
use crate::{App, AppResult};

/// Runs queued generations.
pub struct GenerationJobs {
    app: App,
}

impl GenerationJobs {
    pub fn new(app: App) -> Self {
        Self { app }
    }
}

impl Handler for GenerationJobs {
    fn kind(&self) -> &'static str {
        RunGeneration::KIND
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let base = self.app.settings.generation_retry_base;
        exponential_backoff(attempt, base, base.saturating_mul(64))
    }

    fn started<'a>(
        &'a self,
        tx: &'a mut dyn Session,
        jobs: &'a mut [Job],
    ) -> BoxFuture<'a, Result<(), StartError>> {
        Box::pin(async move {
            start(tx, &self.app, jobs)
                .await
                .map_err(|err| StartError::from(err.to_string()))
        })
    }

    fn run(&self, job: Job) -> BoxFuture<'static, Outcome> {
        let app = self.app.clone();
        Box::pin(async move {
            match run(&app, &job).await {
                Ok(outcome) => outcome,
                Err(err) => {
                    warn!(job = job.id, error = %err, "a generation run failed inside ace");
                    Outcome::Retry("ace could not finish the run".into())
                }
            }
        })
    }

    fn give_up(&self, job: Job, reason: String) -> BoxFuture<'static, ()> {
        let app = self.app.clone();
        Box::pin(async move {
            let Some(id) = user_job_id(&job) else { return };
            if let Err(err) = fail(&app, id, &reason).await {
                warn!(generation = %id, error = %err, "could not record a failed generation");
            }
        })
    }
}

fn user_job_id(job: &Job) -> Option<UserJobId> {
    job.readable_payload::<RunGeneration>()
        .map(|payload| UserJobId::new(payload.user_job_id))
}

async fn run(app: &App, job: &Job) -> AppResult<Outcome> {
    let Some(id) = user_job_id(job) else {
        return Ok(Outcome::Done);
    };
    let (record, routes) = match job.context.get::<StartedRun>() {
        Some(started) => {
            app.generation_events.poke(id.get());
            (started.record.clone(), Some(started.routes.clone()))
        }
        None => match begin(app, id).await? {
            Some(record) => (record, None),
            None => return Ok(Outcome::Done),
        },
    };
    let kind = match record.user_job_type {
        JobKind::Render => return crate::renders::run(app, job, &record, routes).await,
        JobKind::VoicePreview => {
            return crate::voices::preview::run(app, job, &record, routes).await;
        }
        JobKind::Card(kind) => kind,
        JobKind::TrainSocial | JobKind::ImportSocial | JobKind::PublishContent => {
            warn!(job = job.id, generation = %id, "a user job was queued as a generation");
            return Ok(Outcome::Done);
        }
    };
    let work = match work_for(app, &record, kind, job).await? {
        Ok(work) => work,
        Err(reason) => {
            fail(app, id, &reason).await?;
            return Ok(Outcome::Done);
        }
    };
    let generator = match &work.voice {
        Some(voice) => crate::voices::speaker(app, voice),
        None => app.generator(kind, work.request.model.as_deref()),
    };
    generate(app, job, &record, routes, generator.as_ref(), work).await
}

/// What starting a run learned, kept for the run (see [`ace_jobs::Context`]).
struct StartedRun {
    record: JobRecord,
    routes: Routes,
}

/// Moves the pending generations of freshly claimed runs to processing and announces it, in
/// the claiming transaction. One that is processing already was reclaimed after its worker
/// died and is simply run again (it reads its generation itself).
async fn start(tx: &mut dyn Session, app: &App, jobs: &mut [Job]) -> AppResult<()> {
    let ids: Vec<UserJobId> = jobs.iter().filter_map(user_job_id).collect();
    let started = store::start_many(tx, &ids, app.clock.now()).await?;
    let mut routes: HashMap<AgentId, Routes> = HashMap::new();
    for record in started {
        let agent_routes = match routes.entry(record.agent_id) {
            Entry::Occupied(known) => known.into_mut(),
            Entry::Vacant(slot) => slot.insert(delivery::routes(tx, record.agent_id).await?),
        };
        events::announce(tx, app, agent_routes, &record, &[]).await?;
        if let Some(job) = jobs
            .iter_mut()
            .find(|job| user_job_id(job) == Some(record.id))
        {
            let routes = agent_routes.clone();
            job.context.set(StartedRun { record, routes });
        }
    }
    Ok(())
}

/// The generation a run is for, if it is processing (it may have been stopped since).
async fn begin(app: &App, id: UserJobId) -> AppResult<Option<JobRecord>> {
    let mut conn = app.db.conn().await?;
    let record = store::find(&mut conn, id)
        .await?
        .filter(|record| record.status == GenerationStatus::Processing);
    if record.is_some() {
        // Its start was announced when it was claimed: now live streams may hear it.
        app.generation_events.poke(id.get());
    }
    Ok(record)
}

/// The generator's input, or why there can be none.
async fn work_for(
    app: &App,
    record: &JobRecord,
    kind: GenerationType,
    job: &Job,
) -> AppResult<Result<Work, String>> {
    let data = record.data.0.clone();
    let empty = serde_json::Map::new();
    let request = match validate(kind, data.as_object().unwrap_or(&empty)) {
        Ok(request) => request,
        Err(err) => return Ok(Err(format!("The card is no longer valid: {err}."))),
    };
    let mut inputs = Vec::with_capacity(request.resources.len());
    let mut conn = app.db.conn().await?;
    for reference in &request.resources {
        let found = resources::find(
            &mut conn,
            record.agent_id,
            ContentResourceId::new(reference.id),
        )
        .await?;
        let found = found.and_then(|r| {
            let kind = reference
                .kinds
                .iter()
                .copied()
                .find(|k| k.as_str() == r.kind)?;
            Some((kind, r))
        });
        let Some((kind, resource)) = found else {
            return Ok(Err(format!(
                "Content resource {} ({}) was deleted or changed before the generation ran.",
                reference.id, reference.field
            )));
        };
        let words = match kind {
            MediaKind::Audio => spoken_words(&mut conn, reference.id).await?,
            _ => None,
        };
        let location = app.storage.readable_location(&resource.storage_key).await?;
        inputs.push(Input {
            field: reference.field.clone(),
            resource_id: reference.id,
            kind,
            location,
            storage_key: resource.storage_key,
            thumbnail_key: resource.thumbnail_key,
            duration_ms: resource.duration_ms,
            words,
        });
    }
    drop(conn);
    let voice = match kind {
        GenerationType::SpeechFromText => {
            match crate::voices::cards::voice_for(app, record, &request, &data, &inputs).await? {
                Ok(voice) => voice,
                Err(reason) => return Ok(Err(reason)),
            }
        }
        _ => None,
    };
    Ok(Ok(Work {
        kind,
        request,
        data,
        inputs,
        voice,
        workdir: workdir_of(app, record, job),
    }))
}

/// The word times of audio ace spoke itself, from the speech generation that made it.
async fn spoken_words(conn: &mut dyn Session, resource: i64) -> AppResult<Option<Vec<TimedWord>>> {
    let speech = JobKind::Card(GenerationType::SpeechFromText);
    let result = store::result_of_maker(conn, resource, speech).await?;
    Ok(result
        .and_then(|result| result.get("captions").cloned())
        .and_then(|captions| serde_json::from_value(captions).ok()))
}
