//! Running a queued generation on a worker: move it to processing, call its generator in a
//! private work directory, store what it made, reconcile the charge and fill the cell (or
//! layer) — or fail it with a refund. Runs are idempotent: a reclaimed job whose generation
//! already ended does nothing, and a reservation is settled or refunded exactly once.

use std::path::{Path, PathBuf};
use std::time::Duration;

use ace_db::Session;
use ace_db::content_resources as resources;
use ace_db::sheets::{cells, layers};
use ace_db::user_jobs::{self as store, Completion, JobRecord};
use ace_domain::credits::Credits;
use ace_domain::generation::pricing::price_key;
use ace_domain::generation::{GenerationStatus, Tier, validate};
use ace_domain::ids::{CellId, ContentResourceId, LayerId, UserJobId};
use ace_domain::sheet::card::GenerationType;
use ace_jobs::{Handler, Job, Outcome, exponential_backoff};
use ace_providers::{Input, Produced, ProviderError, Work};
use bytes::Bytes;
use futures::future::BoxFuture;
use serde_json::{Value, json};
use tracing::warn;

use super::{JOB_KIND, events, organization_of, reservation_of};
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
        JOB_KIND
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let base = self.app.settings.generation_retry_base;
        exponential_backoff(attempt, base, base.saturating_mul(64))
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
    job.payload
        .get("user_job_id")
        .and_then(Value::as_i64)
        .map(UserJobId::new)
}

async fn run(app: &App, job: &Job) -> AppResult<Outcome> {
    let Some(id) = user_job_id(job) else {
        return Ok(Outcome::Done);
    };
    let Some(record) = begin(app, id).await? else {
        return Ok(Outcome::Done);
    };
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
    let _cleanup = WorkDir(work.workdir.clone());
    let generator = app.generator(kind);
    match generator.generate(&work).await {
        Ok(produced) => {
            finish(app, &record, kind, produced).await?;
            Ok(Outcome::Done)
        }
        Err(ProviderError::Transient(reason)) if !job.is_last_attempt() => {
            Ok(Outcome::Retry(reason))
        }
        Err(err) => {
            fail(app, id, &err.to_string()).await?;
            Ok(Outcome::Done)
        }
    }
}

/// Moves a pending generation to processing; `None` if it has ended already.
async fn begin(app: &App, id: UserJobId) -> AppResult<Option<JobRecord>> {
    let mut tx = app.db.begin().await?;
    let Some(record) = store::find(&mut tx, id).await? else {
        return Ok(None);
    };
    let status: GenerationStatus = record.status.parse().unwrap_or(GenerationStatus::Failed);
    let record = match status {
        GenerationStatus::Pending => {
            let Some(started) = store::start(&mut tx, id, app.clock.now()).await? else {
                return Ok(None);
            };
            events::announce(&mut tx, app, &started).await?;
            started
        }
        // Reclaimed after a worker died: run it again.
        GenerationStatus::Processing => record,
        _ => return Ok(None),
    };
    tx.commit().await?;
    app.generation_events.poke(id.get());
    Ok(Some(record))
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
        let kind = found.and_then(|r| {
            reference
                .kinds
                .iter()
                .copied()
                .find(|k| k.as_str() == r.kind)
        });
        let Some(kind) = kind else {
            return Ok(Err(format!(
                "Content resource {} ({}) was deleted or changed before the generation ran.",
                reference.id, reference.field
            )));
        };
        inputs.push(Input {
            field: reference.field.clone(),
            resource_id: reference.id,
            kind,
        });
    }
    let workdir = app
        .settings
        .work_dir
        .join(format!("generation-{}-{}", record.id, job.attempt));
    tokio::fs::create_dir_all(&workdir).await.map_err(|err| {
        AppError::internal(anyhow::anyhow!("creating {}: {err}", workdir.display()))
    })?;
    Ok(Ok(Work {
        kind,
        request,
        data,
        inputs,
        workdir,
    }))
}

/// Removes a run's work directory when the run ends, however it ends.
struct WorkDir(PathBuf);

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Stores what the generator made and completes the generation.
async fn finish(
    app: &App,
    record: &JobRecord,
    kind: GenerationType,
    produced: Produced,
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
    let completed = complete(app, record, kind, &produced, staged).await;
    if !matches!(completed, Ok(true)) {
        crate::files::delete_blobs(app, keys).await;
    }
    completed.map(|_| ())
}

/// The completing transaction; `false` if the generation was stopped meanwhile.
async fn complete(
    app: &App,
    record: &JobRecord,
    kind: GenerationType,
    produced: &Produced,
    staged: Vec<Staged>,
) -> AppResult<bool> {
    let now = app.clock.now();
    let mut tx = app.db.begin().await?;
    let mut first_output = produced.attached_resource;
    for file in staged {
        let resource = record_generated(&mut tx, record.agent_id, file, record.id, now).await?;
        first_output.get_or_insert(resource.id.get());
    }
    let cost = reconciled_cost(&mut tx, app, record, kind, produced).await?;
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
    fill_target(&mut tx, app, record, produced, first_output).await?;
    events::announce(&mut tx, app, &completed).await?;
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
    kind: GenerationType,
    produced: &Produced,
) -> AppResult<Credits> {
    let estimate = Credits::from_millis(record.estimate_millis);
    let Some(usd) = produced.cost_usd else {
        return Ok(estimate);
    };
    let tier = app
        .pricing
        .price(&price_key(
            kind,
            record.model.as_deref().or(Some(&produced.model)),
        ))
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
    first_output: Option<i64>,
) -> AppResult<()> {
    let now = app.clock.now();
    if let Some(layer) = record.layer_id {
        let (Some(cell), layer) = (record.cell_id, LayerId::new(layer)) else {
            return Ok(());
        };
        let Some(current) = layers::find(tx, CellId::new(cell), layer).await? else {
            return Ok(());
        };
        let patch = match (&produced.text, first_output) {
            (_, Some(resource)) => json!({ "src": resource }),
            (Some(text), None) => json!({ "content": text }),
            (None, None) => return Ok(()),
        };
        let mut attributes = current.additional_attributes.0.clone();
        ace_domain::sheet::layer::merge(&mut attributes, &patch);
        layers::update(tx, layer, &current.name, &current.kind, &attributes, now).await?;
        return Ok(());
    }
    let Some(cell) = record.cell_id.map(CellId::new) else {
        return Ok(());
    };
    let value = match (&produced.text, first_output) {
        (Some(text), _) => text.clone(),
        (None, Some(resource)) => {
            match resources::find(tx, record.agent_id, ContentResourceId::new(resource)).await? {
                Some(found) => app.storage.public_url(&found.storage_key),
                None => return Ok(()),
            }
        }
        (None, None) => return Ok(()),
    };
    cells::set_value(tx, cell, &value, now).await?;
    Ok(())
}

/// Fails a pending or processing generation and refunds it.
pub(crate) async fn fail(app: &App, id: UserJobId, reason: &str) -> AppResult<()> {
    let now = app.clock.now();
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
    events::announce(&mut tx, app, &failed).await?;
    tx.commit().await?;
    app.generation_events.poke(id.get());
    Ok(())
}

async fn stage_file(app: &App, path: &Path) -> AppResult<Staged> {
    let bytes = tokio::fs::read(path)
        .await
        .map_err(|err| AppError::internal(anyhow::anyhow!("reading {}: {err}", path.display())))?;
    let incoming = Incoming {
        file_name: path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned()),
        content_type: None,
        body: futures::stream::once(futures::future::ready(Ok::<Bytes, std::io::Error>(
            Bytes::from(bytes),
        ))),
    };
    stage(app, incoming).await
}
