//! Running a queued generation on a worker: move it to processing, call its generator in a
//! private work directory, store what it made, reconcile the charge and fill the cell (or
//! layer) — or fail it with a refund. Runs are idempotent: a reclaimed job whose generation
//! already ended does nothing, and a reservation is settled or refunded exactly once.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::path::{Path, PathBuf};
use std::time::Duration;

use ace_db::Session;
use ace_db::content_resources as resources;
use ace_db::sheets::{cells, layers};
use ace_db::user_jobs::{self as store, Completion, JobRecord, OutputRecord};
use ace_domain::credits::Credits;
use ace_domain::generation::pricing::{RENDER_KEY, price_key};
use ace_domain::generation::{GenerationStatus, MediaKind, Tier, validate};
use ace_domain::ids::{AgentId, CellId, ContentResourceId, LayerId, UserJobId};
use ace_domain::sheet::card::GenerationType;
use ace_jobs::{Handler, Job, Outcome, Payload, StartError, exponential_backoff};
use ace_providers::words::{TimedWord, caption_lines};
use ace_providers::{Input, Produced, ProviderError, Work};
use bytes::Bytes;
use futures::future::BoxFuture;
use serde_json::{Value, json};
use tracing::warn;

use super::{RunGeneration, events, organization_of, reservation_of};
use crate::automation::delivery::{self, Routes};
use crate::content_resources::{Staged, discard, record_generated, stage};
use crate::files::Incoming;
use crate::{App, AppError, AppResult, credits};

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
    if record.user_job_type == crate::renders::USER_JOB_TYPE {
        return crate::renders::run(app, job, &record, routes).await;
    }
    if record.user_job_type == crate::voices::preview::USER_JOB_TYPE {
        return crate::voices::preview::run(app, job, &record, routes).await;
    }
    let Ok(kind) = record.user_job_type.parse::<GenerationType>() else {
        fail(app, id, "This generation's type is not one ace runs.").await?;
        return Ok(Outcome::Done);
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

/// Runs `generator` on `work` and ends the generation with what it made: completed and
/// charged, failed and refunded, or queued again after a transient failure.
pub(crate) async fn generate(
    app: &App,
    job: &Job,
    record: &JobRecord,
    routes: Option<Routes>,
    generator: &dyn ace_providers::Generator,
    work: Work,
) -> AppResult<Outcome> {
    let _cleanup = WorkDir(work.workdir.clone());
    match generator.generate(&work).await {
        Ok(produced) => {
            let priced = Priced::Card(work.kind, work.request.model.as_deref());
            finish(app, record, routes, priced, produced, &work.inputs).await?;
            Ok(Outcome::Done)
        }
        Err(ProviderError::Transient(reason)) if !job.is_last_attempt() => {
            Ok(Outcome::Retry(reason))
        }
        Err(err) => {
            fail(app, record.id, &err.to_string()).await?;
            Ok(Outcome::Done)
        }
    }
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
        .filter(|record| record.status == GenerationStatus::Processing.as_str());
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

/// The private directory of one attempt of a run.
pub(crate) fn workdir_of(app: &App, record: &JobRecord, job: &Job) -> PathBuf {
    app.settings
        .work_dir
        .join(format!("generation-{}-{}", record.id, job.attempt))
}

/// The word times of audio ace spoke itself, from the speech generation that made it.
async fn spoken_words(conn: &mut dyn Session, resource: i64) -> AppResult<Option<Vec<TimedWord>>> {
    let speech = GenerationType::SpeechFromText.as_str();
    let result = store::result_of_maker(conn, resource, speech).await?;
    Ok(result
        .and_then(|result| result.get("captions").cloned())
        .and_then(|captions| serde_json::from_value(captions).ok()))
}

/// Removes a run's work directory when the run ends, however it ends.
pub(crate) struct WorkDir(pub(crate) PathBuf);

impl Drop for WorkDir {
    fn drop(&mut self) {
        if self.0.exists() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// What a run is priced as, for the final charge.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Priced<'a> {
    /// A card of this type, asking for this GEN model (whatever really ran it).
    Card(GenerationType, Option<&'a str>),
    Render,
}

/// Stores what the generator made and completes the generation.
pub(crate) async fn finish(
    app: &App,
    record: &JobRecord,
    routes: Option<Routes>,
    priced: Priced<'_>,
    produced: Produced,
    inputs: &[Input],
) -> AppResult<()> {
    let mut staged = Vec::with_capacity(produced.files.len());
    for path in &produced.files {
        match stage_file(app, path).await {
            Ok(file) => staged.push(file),
            Err(err) => {
                for file in staged {
                    discard(app, file).await;
                }
                warn!(generation = %record.id, error = %err, "could not store a generated file");
                return fail(app, record.id, "The generated file could not be stored.").await;
            }
        }
    }
    let keys: Vec<String> = staged.iter().flat_map(Staged::keys).collect();
    let completed = complete(app, record, routes, priced, &produced, staged, inputs).await;
    if !matches!(completed, Ok(true)) {
        crate::files::delete_blobs(app, keys).await;
    }
    completed.map(|_| ())
}

/// The completing transaction; `false` if the generation was stopped meanwhile.
async fn complete(
    app: &App,
    record: &JobRecord,
    routes: Option<Routes>,
    priced: Priced<'_>,
    produced: &Produced,
    staged: Vec<Staged>,
    inputs: &[Input],
) -> AppResult<bool> {
    let now = app.clock.now();
    let routes = match routes {
        Some(routes) => routes,
        None => delivery::routes(&mut app.db.conn().await?, record.agent_id).await?,
    };
    let mut tx = app.db.begin().await?;
    let mut outputs: Vec<OutputRecord> = produced
        .attached_resource
        .and_then(|id| inputs.iter().find(|input| input.resource_id == id))
        .map(|input| OutputRecord {
            id: input.resource_id,
            user_job_id: record.id.get(),
            storage_key: input.storage_key.clone(),
            thumbnail_key: input.thumbnail_key.clone(),
            kind: input.kind.as_str().to_owned(),
        })
        .into_iter()
        .collect();
    for file in staged {
        let project = record.spreadsheet_id;
        let resource =
            record_generated(&mut tx, record.agent_id, file, record.id, project, now).await?;
        outputs.push(OutputRecord {
            id: resource.id.get(),
            user_job_id: record.id.get(),
            storage_key: resource.storage_key,
            thumbnail_key: resource.thumbnail_key,
            kind: resource.kind,
        });
    }
    let cost = reconciled_cost(&mut tx, app, record, priced, produced).await?;
    let result = result_of(produced);
    let done = Completion {
        result: result.as_ref(),
        cost_millis: cost.millis(),
        provider: &produced.provider,
        model: &produced.model,
        attached_resource: produced.attached_resource,
    };
    let Some(completed) = store::complete(&mut tx, record.id, &done, now).await? else {
        return Ok(false);
    };
    if let Some(reservation) = reservation_of(record)? {
        credits::settle(&mut tx, reservation, cost, now).await?;
    }
    fill_target(&mut tx, app, record, produced, outputs.first()).await?;
    events::announce(&mut tx, app, &routes, &completed, &outputs).await?;
    tx.commit().await?;
    app.generation_events.poke(record.id.get());
    Ok(true)
}

/// The final charge: the provider's reported cost through the price formula, else the
/// estimate. It never takes the balance below zero: extra beyond the estimate is capped at
/// what the workspace has.
async fn reconciled_cost(
    tx: &mut dyn Session,
    app: &App,
    record: &JobRecord,
    priced: Priced<'_>,
    produced: &Produced,
) -> AppResult<Credits> {
    let estimate = Credits::from_millis(record.estimate_millis);
    let Some(usd) = produced.cost_usd else {
        return Ok(estimate);
    };
    let key = match priced {
        Priced::Card(kind, model) => price_key(kind, model),
        Priced::Render => RENDER_KEY.to_owned(),
    };
    let tier = app
        .pricing
        .price(&key)
        .map_or(Tier::Llm, |price| price.tier);
    let actual = app.pricing.for_usd(usd, tier);
    if actual <= estimate {
        return Ok(actual);
    }
    let organization = organization_of(record)?;
    ace_db::credits::lock_organization(tx, organization).await?;
    let available = ace_db::credits::balance(tx, organization).await?.generic;
    let extra = (actual - estimate).min(available.max(Credits::ZERO));
    Ok(estimate + extra)
}

/// The generation's `result`: text as a string, or the structured result.
fn result_of(produced: &Produced) -> Option<Value> {
    produced
        .text
        .clone()
        .map(Value::String)
        .or_else(|| produced.result.clone())
}

/// Puts the output where it was asked for: the cell's value, or the layer's source or text.
async fn fill_target(
    tx: &mut dyn Session,
    app: &App,
    record: &JobRecord,
    produced: &Produced,
    first_output: Option<&OutputRecord>,
) -> AppResult<()> {
    let now = app.clock.now();
    if let Some(layer) = record.layer_id {
        let (Some(cell), layer) = (record.cell_id, LayerId::new(layer)) else {
            return Ok(());
        };
        let Some(current) = layers::find(tx, CellId::new(cell), layer).await? else {
            return Ok(());
        };
        let patch = match (&produced.text, first_output, captions_of(produced)) {
            (_, Some(resource), _) => json!({ "src": resource.id }),
            (Some(text), None, _) => json!({ "content": text }),
            (None, None, Some(words)) => json!({ "captions": caption_lines(&words) }),
            (None, None, None) => return Ok(()),
        };
        let mut attributes = current.additional_attributes.0.clone();
        ace_domain::sheet::layer::merge(&mut attributes, &patch);
        layers::update(tx, layer, &current.name, &current.kind, &attributes, now).await?;
        return Ok(());
    }
    let Some(cell) = record.cell_id.map(CellId::new) else {
        return Ok(());
    };
    let value = match (&produced.text, first_output, captions_of(produced)) {
        (Some(text), _, _) => text.clone(),
        (None, Some(resource), _) => app.storage.public_url(&resource.storage_key),
        (None, None, Some(words)) => transcript(&words),
        (None, None, None) => return Ok(()),
    };
    cells::set_value(tx, cell, &value, now).await?;
    Ok(())
}

/// The timed words of a captions result.
fn captions_of(produced: &Produced) -> Option<Vec<TimedWord>> {
    let captions = produced.result.as_ref()?.get("captions")?;
    serde_json::from_value(captions.clone()).ok()
}

fn transcript(words: &[TimedWord]) -> String {
    let words: Vec<&str> = words.iter().map(|word| word.word.as_str()).collect();
    words.join(" ")
}

/// Fails a pending or processing generation and refunds it.
pub(crate) async fn fail(app: &App, id: UserJobId, reason: &str) -> AppResult<()> {
    let now = app.clock.now();
    let mut conn = app.db.conn().await?;
    let Some(agent) = store::find(&mut conn, id).await?.map(|job| job.agent_id) else {
        return Ok(());
    };
    let routes = delivery::routes(&mut conn, agent).await?;
    drop(conn);
    let mut tx = app.db.begin().await?;
    let Some(before) = store::find(&mut tx, id).await? else {
        return Ok(());
    };
    let Some(failed) = store::end_unpaid(
        &mut tx,
        id,
        GenerationStatus::Failed.as_str(),
        Some(reason),
        now,
    )
    .await?
    else {
        return Ok(());
    };
    if let Some(reservation) = reservation_of(&before)? {
        credits::refund(&mut tx, reservation, now).await?;
    }
    events::announce(&mut tx, app, &routes, &failed, &[]).await?;
    tx.commit().await?;
    app.generation_events.poke(id.get());
    Ok(())
}

async fn stage_file(app: &App, path: &Path) -> AppResult<Staged> {
    let file = tokio::fs::File::open(path)
        .await
        .map_err(|err| AppError::internal(anyhow::anyhow!("reading {}: {err}", path.display())))?;
    let incoming = Incoming {
        file_name: path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned()),
        content_type: None,
        body: chunks_of(file),
    };
    stage(app, incoming).await
}

/// How much of a made file is read at a time while it is stored.
const STAGE_CHUNK: usize = 256 * 1024;

/// A file as a stream of chunks, so a large render is never held in memory whole.
fn chunks_of(
    file: tokio::fs::File,
) -> impl futures::Stream<Item = Result<Bytes, std::io::Error>> + Send + Unpin {
    Box::pin(futures::stream::try_unfold(file, |mut file| async move {
        use tokio::io::AsyncReadExt;
        let mut chunk = Vec::with_capacity(STAGE_CHUNK);
        let read = (&mut file)
            .take(STAGE_CHUNK as u64)
            .read_to_end(&mut chunk)
            .await?;
        Ok((read > 0).then(|| (Bytes::from(chunk), file)))
    }))
}
