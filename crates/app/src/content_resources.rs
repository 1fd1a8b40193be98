//! Content resources: the files of an agent's asset library. Uploads stream into storage; a
//! direct upload becomes a resource by its signed id. Anyone in the agent's workspace may list
//! and read them; editors and above add, rename and delete. Deleting one deletes its bytes.

use ace_db::Session;
use ace_db::asset_folders;
use ace_db::content_resources::{self as store, NewResource, ResourceFilter, ResourceRecord};
use ace_db::direct_uploads;
use ace_db::sheets::engines;
use ace_db::user_jobs;
use ace_domain::generation::GenerationStatus;
use ace_domain::ids::{AgentId, AssetFolderId, ContentResourceId, SpreadsheetId, UserJobId};
use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures::Stream;

use ace_media::formats::{check_declared, sniff};

use crate::direct_uploads::claim;
use crate::files::{
    self, FileKind, Incoming, IngestError, Ingested, Inspection, delete_blobs, with_thumbnails,
};
use crate::policy::{AgentNeed, Denials, VISIBLE, agent_not_accessible, require_agent};
use crate::{Actor, App, AppError, AppResult, ErrorCode, ErrorKind};

/// Resources per page of the list.
pub const PAGE_SIZE: i64 = 20;
/// The most ids one `ids[]` filter may name.
pub const MAX_IDS: usize = 100;
/// Where uploaded files are stored.
const PREFIX: &str = "resources";

const READ: Denials = Denials::uniform(resource_agent_hidden);
const WRITE: Denials = Denials {
    missing: agent_not_accessible,
    stranger: forbidden,
    role: forbidden,
};

/// A file of an agent's asset library, with the URLs it is served at.
#[derive(Clone, Debug)]
pub struct ContentResource {
    pub id: ContentResourceId,
    /// Public and permanent until the resource is deleted.
    pub url: String,
    /// A JPEG of at most 256 px a side (images and video).
    pub thumbnail_url: Option<String>,
    pub file_name: String,
    pub content_type: String,
    /// image, video, audio, zip or safe_tensors.
    pub kind: String,
    pub byte_size: i64,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub duration_ms: Option<i64>,
    pub folder_id: Option<AssetFolderId>,
    /// The engine the file belongs to, if any.
    pub project_id: Option<SpreadsheetId>,
    pub created_at: DateTime<Utc>,
}

impl ContentResource {
    fn new(record: ResourceRecord, app: &App) -> Self {
        Self {
            id: record.id,
            url: app.storage.public_url(&record.storage_key),
            thumbnail_url: record.thumbnail_key.map(|key| app.storage.public_url(&key)),
            file_name: record.file_name,
            content_type: record.content_type,
            kind: record.kind,
            byte_size: record.byte_size,
            width: record.width,
            height: record.height,
            duration_ms: record.duration_ms,
            folder_id: record.folder_id.map(AssetFolderId::new),
            project_id: record.project_id.map(SpreadsheetId::new),
            created_at: record.created_at,
        }
    }
}

/// The generation that made a resource.
#[derive(Clone, Debug)]
pub struct Generator {
    pub id: UserJobId,
    pub status: GenerationStatus,
    /// The generation's type, as stored.
    pub kind: String,
}

/// Which of an agent's resources a list shows.
#[derive(Clone, Debug, Default)]
pub struct ResourceQuery {
    pub kind: Option<FileKind>,
    pub project: Option<SpreadsheetId>,
    /// Only these (when `Some`).
    pub ids: Option<Vec<ContentResourceId>>,
}

/// A page of the agent's resources, newest first; pages count from 0.
pub async fn list(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    query: &ResourceQuery,
    page: i64,
) -> AppResult<Vec<ContentResource>> {
    let mut conn = app.db.conn().await?;
    require_agent(&mut conn, actor, agent, AgentNeed::View, &VISIBLE).await?;
    if page < 0 {
        return Err(AppError::unprocessable(
            ErrorCode::ValidationError,
            "page counts from 0.",
        ));
    }
    if query.ids.as_ref().is_some_and(|ids| ids.len() > MAX_IDS) {
        return Err(AppError::unprocessable(
            ErrorCode::ValidationError,
            format!("ids[] may name at most {MAX_IDS} resources."),
        ));
    }
    let filter = ResourceFilter {
        kind: query.kind.map(|kind| kind.as_str().to_owned()),
        project_id: query.project.map(SpreadsheetId::get),
        ids: query
            .ids
            .as_ref()
            .map(|ids| ids.iter().map(|id| id.get()).collect()),
    };
    let records = store::list(&mut conn, agent, &filter, page * PAGE_SIZE, PAGE_SIZE).await?;
    Ok(records
        .into_iter()
        .map(|r| ContentResource::new(r, app))
        .collect())
}

/// One of the agent's resources.
pub async fn get(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    id: ContentResourceId,
) -> AppResult<Shown> {
    let mut conn = app.db.conn().await?;
    require_agent(&mut conn, actor, agent, AgentNeed::View, &READ).await?;
    let resource = store::find(&mut conn, agent, id)
        .await?
        .ok_or_else(|| resource_agent_hidden(agent))?;
    let generator = match resource.user_job_id {
        Some(job) => user_jobs::find(&mut conn, UserJobId::new(job)).await?,
        None => None,
    };
    Ok(Shown {
        resource: ContentResource::new(resource, app),
        generator: generator.map(|job| Generator {
            id: job.id,
            status: job.status,
            kind: job.user_job_type.to_string(),
        }),
    })
}

/// A resource with the generation that made it (`None` for uploads).
pub struct Shown {
    pub resource: ContentResource,
    pub generator: Option<Generator>,
}

/// Checks that the caller may add files to the agent, before any byte is stored.
pub async fn authorize_upload(app: &App, actor: &Actor, agent: AgentId) -> AppResult<()> {
    let mut conn = app.db.conn().await?;
    require_agent(&mut conn, actor, agent, AgentNeed::Edit, &WRITE).await?;
    Ok(())
}

/// A file stored and inspected, not yet recorded.
#[derive(Debug)]
pub struct Staged {
    ingested: Ingested,
    inspection: Inspection,
}

/// Streams an upload into storage and inspects it. Call [`authorize_upload`] first and
/// [`record_upload`] (or [`discard`]) after.
pub async fn stage<S, E>(app: &App, incoming: Incoming<S>) -> AppResult<Staged>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let ingested = files::ingest(app, incoming, PREFIX, app.settings.max_file_bytes)
        .await
        .map_err(|err| ingest_error(err, app.settings.max_file_bytes))?;
    match files::inspect(app, &ingested.key, ingested.format, ingested.image.clone()).await {
        Ok(inspection) => Ok(Staged {
            ingested,
            inspection,
        }),
        Err(message) => {
            delete_blobs(app, [ingested.key.clone()]).await;
            Err(AppError::resource_creation_failed(message))
        }
    }
}

/// Deletes a staged file that will not become a resource.
pub async fn discard(app: &App, staged: Staged) {
    delete_blobs(
        app,
        with_thumbnails([(staged.ingested.key, staged.inspection.thumbnail_key)]),
    )
    .await;
}

/// Records a staged upload as a resource of the agent, in `folder` if given.
pub async fn record_upload(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    staged: Staged,
    placement: Placement,
) -> AppResult<ContentResource> {
    let Staged {
        ingested,
        inspection,
    } = staged;
    let format = inspection.format.unwrap_or(ingested.format);
    let new = NewResource {
        agent_id: agent,
        folder_id: placement.folder,
        project_id: placement.project,
        user_job_id: None,
        storage_key: ingested.key.clone(),
        thumbnail_key: inspection.thumbnail_key.clone(),
        file_name: ingested.file_name.clone(),
        content_type: format.mime.to_owned(),
        kind: format.kind.as_str().to_owned(),
        byte_size: i64::try_from(ingested.byte_size).unwrap_or(i64::MAX),
        checksum: None,
        width: inspection.width,
        height: inspection.height,
        duration_ms: inspection.duration_ms,
    };
    let recorded = async {
        let mut tx = app.db.begin().await?;
        require_agent(&mut tx, actor, agent, AgentNeed::Edit, &WRITE).await?;
        check_placement(&mut tx, agent, placement).await?;
        let record = store::insert(&mut tx, &new, app.clock.now()).await?;
        tx.commit().await?;
        AppResult::Ok(record)
    }
    .await;
    if recorded.is_err() {
        delete_blobs(
            app,
            with_thumbnails([(ingested.key, inspection.thumbnail_key)]),
        )
        .await;
    }
    Ok(ContentResource::new(recorded?, app))
}

impl Staged {
    /// What the file holds: `image`, `video`, `audio`, ...
    pub fn kind(&self) -> &'static str {
        self.inspection
            .format
            .unwrap_or(self.ingested.format)
            .kind
            .as_str()
    }

    /// Where its bytes are stored.
    pub fn storage_key(&self) -> &str {
        &self.ingested.key
    }

    /// The usual file extension of what it holds (`mp3`, `wav`, ...).
    pub fn extension(&self) -> &'static str {
        self.inspection
            .format
            .unwrap_or(self.ingested.format)
            .extension
    }

    /// The blobs the staged file occupies, for clean-up.
    pub fn keys(&self) -> Vec<String> {
        with_thumbnails([(
            self.ingested.key.clone(),
            self.inspection.thumbnail_key.clone(),
        )])
        .collect()
    }
}

/// Records a staged file that a generation made as a resource of the agent, with the job as
/// its generator. Runs in the caller's transaction; nothing is deleted on failure.
pub(crate) async fn record_generated(
    db: &mut dyn Session,
    agent: AgentId,
    staged: Staged,
    job: ace_domain::ids::UserJobId,
    project: Option<i64>,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<ResourceRecord> {
    let Staged {
        ingested,
        inspection,
    } = staged;
    let format = inspection.format.unwrap_or(ingested.format);
    let new = NewResource {
        agent_id: agent,
        folder_id: None,
        project_id: project.map(SpreadsheetId::new),
        user_job_id: Some(job),
        storage_key: ingested.key,
        thumbnail_key: inspection.thumbnail_key,
        file_name: ingested.file_name,
        content_type: format.mime.to_owned(),
        kind: format.kind.as_str().to_owned(),
        byte_size: i64::try_from(ingested.byte_size).unwrap_or(i64::MAX),
        checksum: None,
        width: inspection.width,
        height: inspection.height,
        duration_ms: inspection.duration_ms,
    };
    Ok(store::insert(db, &new, now).await?)
}

/// Turns a direct upload, named by its signed id, into a resource of the agent.
pub async fn record_direct_upload(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    signed_id: &str,
    placement: Placement,
) -> AppResult<ContentResource> {
    let mut conn = app.db.conn().await?;
    require_agent(&mut conn, actor, agent, AgentNeed::Edit, &WRITE).await?;
    check_placement(&mut conn, agent, placement).await?;
    drop(conn);
    let upload = claim(app, actor, signed_id).await?;
    let size = u64::try_from(upload.byte_size).unwrap_or_default();
    let head = read_head(app, &upload.storage_key, size).await?;
    let format = sniff(&head)
        .ok_or_else(|| AppError::resource_creation_failed("This type of file is not supported."))?;
    check_declared(format, Some(&upload.filename), Some(&upload.content_type))
        .map_err(AppError::resource_creation_failed)?;
    let image = if format.kind == FileKind::Image && size <= files::KEEP_IMAGES_UP_TO {
        app.storage.get(&upload.storage_key).await?
    } else {
        None
    };
    let inspection = files::inspect(app, &upload.storage_key, format, image)
        .await
        .map_err(AppError::resource_creation_failed)?;
    let format = inspection.format.unwrap_or(format);
    let new = NewResource {
        agent_id: agent,
        folder_id: placement.folder,
        project_id: placement.project,
        user_job_id: None,
        storage_key: upload.storage_key.clone(),
        thumbnail_key: inspection.thumbnail_key.clone(),
        file_name: upload.filename.clone(),
        content_type: format.mime.to_owned(),
        kind: format.kind.as_str().to_owned(),
        byte_size: upload.byte_size,
        checksum: Some(upload.checksum.clone()),
        width: inspection.width,
        height: inspection.height,
        duration_ms: inspection.duration_ms,
    };
    let now = app.clock.now();
    let mut tx = app.db.begin().await?;
    if !direct_uploads::mark_attached(&mut tx, upload.id, now).await? {
        return Err(AppError::resource_creation_failed(
            "This upload has already been turned into a resource.",
        ));
    }
    let record = store::insert(&mut tx, &new, now).await?;
    tx.commit().await?;
    Ok(ContentResource::new(record, app))
}

/// Renames one of the agent's resources.
pub async fn rename(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    id: ContentResourceId,
    filename: Option<&str>,
) -> AppResult<ContentResource> {
    let filename = files::valid_rename(filename.unwrap_or_default())
        .map_err(|message| AppError::unprocessable(ErrorCode::ValidationError, message))?;
    let mut conn = app.db.conn().await?;
    require_agent(&mut conn, actor, agent, AgentNeed::Edit, &WRITE).await?;
    drop(conn);
    let record = store::rename(
        &mut app.db.writer().await?,
        agent,
        id,
        &filename,
        app.clock.now(),
    )
    .await?
    .ok_or_else(|| resource_not_found(id))?;
    Ok(ContentResource::new(record, app))
}

/// Deletes one of the agent's resources with its stored bytes.
pub async fn delete(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    id: ContentResourceId,
) -> AppResult<()> {
    let mut tx = app.db.begin().await?;
    require_agent(&mut tx, actor, agent, AgentNeed::Edit, &WRITE).await?;
    let record = store::delete(&mut tx, agent, id)
        .await?
        .ok_or_else(|| resource_not_found(id))?;
    tx.commit().await?;
    delete_blobs(
        app,
        with_thumbnails([(record.storage_key, record.thumbnail_key)]),
    )
    .await;
    Ok(())
}

/// Refuses a folder that is not the agent's.
async fn check_placement(
    db: &mut dyn Session,
    agent: AgentId,
    placement: Placement,
) -> AppResult<()> {
    if let Some(folder) = placement.folder
        && asset_folders::find(db, agent, folder).await?.is_none()
    {
        return Err(AppError::resource_creation_failed(format!(
            "Asset folder {folder} was not found on this agent."
        )));
    }
    if let Some(project) = placement.project
        && engines::find(db, agent, project).await?.is_none()
    {
        return Err(AppError::resource_creation_failed(format!(
            "Engine {project} (project_node.project_id) was not found on this agent."
        )));
    }
    Ok(())
}

/// Where a new file goes: an asset folder, and the engine (project) it belongs to.
#[derive(Clone, Copy, Debug, Default)]
pub struct Placement {
    pub folder: Option<AssetFolderId>,
    /// Listed under this engine by `project_id` (GEN's `project_node`).
    pub project: Option<SpreadsheetId>,
}

/// The first bytes of a stored blob, enough to tell what it is.
async fn read_head(app: &App, key: &str, size: u64) -> AppResult<Bytes> {
    use futures::TryStreamExt;
    let read = app
        .storage
        .read(key, Some(0..size.clamp(1, 8 * 1024)))
        .await?
        .ok_or_else(|| {
            AppError::resource_creation_failed("No file has been uploaded for this signed id yet.")
        })?;
    let chunks: Vec<Bytes> = read.stream.try_collect().await?;
    Ok(Bytes::from(chunks.concat()))
}

fn ingest_error(err: IngestError, limit: u64) -> AppError {
    match err {
        IngestError::Refused(message) => AppError::resource_creation_failed(message),
        IngestError::TooLarge(_) => AppError::new(
            ErrorKind::PayloadTooLarge,
            ErrorCode::PayloadTooLarge,
            format!(
                "The file is larger than the {} MiB this server accepts.",
                limit / (1024 * 1024)
            ),
        ),
        IngestError::Interrupted(message) => {
            AppError::new(ErrorKind::BadRequest, ErrorCode::BadRequest, message)
        }
        IngestError::Storage(err) => AppError::internal(err),
    }
}

fn resource_not_found(id: ContentResourceId) -> AppError {
    AppError::not_found(
        ErrorCode::NotFound,
        format!("Content resource {id} not found."),
    )
}

fn resource_agent_hidden(_: AgentId) -> AppError {
    AppError::not_found(
        ErrorCode::ContentResourceNotFound,
        "The content resource does not exist or does not belong to this agent.",
    )
}

fn forbidden(_: AgentId) -> AppError {
    AppError::forbidden(
        ErrorCode::Forbidden,
        "You do not have permission to manage this agent's files.",
    )
}
