//! How a generation run ends, whatever ran it (a card's generator, a render, a voice
//! preview): the generator is called in a private work directory; what it made is stored, the
//! charge reconciled and the cell (or layer) filled; or the generation fails with a refund.
//! Ending is idempotent: a generation that already ended is left as it is.

use std::path::{Path, PathBuf};

use ace_db::Session;
use ace_db::sheets::{cells, layers};
use ace_db::user_jobs::{self as store, Completion, JobRecord, OutputRecord};
use ace_domain::credits::Credits;
use ace_domain::generation::pricing::{RENDER_KEY, price_key};
use ace_domain::generation::{GenerationStatus, Tier};
use ace_domain::ids::{CellId, LayerId, UserJobId};
use ace_domain::sheet::card::GenerationType;
use ace_jobs::{Job, Outcome};
use ace_providers::words::{TimedWord, caption_lines};
use ace_providers::{Input, Produced, ProviderError, Work};
use bytes::Bytes;
use serde_json::{Value, json};
use tracing::warn;

use super::{events, organization_of, reservation_of};
use crate::automation::delivery::{self, Routes};
use crate::content_resources::{Staged, discard, record_generated, stage};
use crate::files::Incoming;
use crate::{App, AppError, AppResult, credits};

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

/// The private directory of one attempt of a run.
pub(crate) fn workdir_of(app: &App, record: &JobRecord, job: &Job) -> PathBuf {
    app.settings
        .work_dir
        .join(format!("generation-{}-{}", record.id, job.attempt))
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
        layers::update(tx, layer, &current.name, current.kind, &attributes, now).await?;
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
