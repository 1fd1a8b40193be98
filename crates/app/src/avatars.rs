//! Agent avatars: listing (primary first, 20 a page), uploading JPEG/PNG/WebP images, choosing
//! the primary, and deleting one or several (`7_8_9`) with the next one promoted when the
//! primary goes. Image bytes live in the blob store; rows only point at them.

use std::time::Duration;

use ace_db::Session;
use ace_db::agents::AgentRecord;
use ace_db::avatars::{self, AvatarRecord, NewAvatar};
use ace_db::direct_uploads::DirectUploadRecord;
use ace_domain::ids::{AgentId, AvatarId};
use chrono::{DateTime, Utc};

use crate::direct_uploads;
use crate::files::delete_blobs;
use crate::policy::{AgentDenial, AgentNeed, agent_for};
use crate::{Actor, App, AppError, AppResult, ErrorCode, ErrorKind, Upload};
use ace_media::images::{self, ImageKind};
use ace_net::outbound;

/// The ways to send an avatar image, for error messages.
const HOW_TO_ADD: &str = "Send an image as multipart agent_avatars_attributes[][file], a direct upload's signed_id as {\"file\": ...}, or an image URL as {\"url\": ...}.";

/// How long fetching an avatar image from a URL may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(30);

/// Avatars per page.
pub const PAGE_SIZE: i64 = 20;
/// Avatars one request may add.
pub const MAX_PER_REQUEST: usize = 30;
/// Avatars one request may delete.
pub const MAX_DELETE: usize = 100;
const AVATAR_KINDS: &[ImageKind] = &[ImageKind::Jpeg, ImageKind::Png, ImageKind::Webp];

/// Where one requested avatar comes from.
#[derive(Clone, Debug)]
pub enum AvatarSource {
    /// Uploaded image bytes.
    File(Upload),
    /// A DeGods collection avatar, which this server has no images for.
    Degod(String),
    /// A direct upload, by its signed id.
    Reference(String),
    /// An image on the web, fetched under the outbound rules.
    Url(String),
}

/// One avatar the client asked for.
#[derive(Clone, Debug)]
pub struct AvatarRequest {
    /// `None` when the client sent an entry with neither a file nor an id.
    pub source: Option<AvatarSource>,
    pub is_primary: bool,
}

/// An avatar whose image is checked and stored, ready to be recorded.
pub(crate) struct StoredImage {
    original_key: String,
    thumbnail_key: String,
    content_type: &'static str,
    byte_size: i64,
    width: i64,
    height: i64,
    is_primary: bool,
}

/// An avatar with the URLs its image and thumbnail are served at.
#[derive(Clone, Debug)]
pub struct Avatar {
    pub id: AvatarId,
    pub is_primary: bool,
    pub url: String,
    /// A JPEG of at most 256 px a side.
    pub thumbnail_url: String,
    pub degod_avatar_id: Option<String>,
}

impl Avatar {
    fn new(record: AvatarRecord, app: &App) -> Self {
        Self {
            id: record.id,
            is_primary: record.is_primary,
            url: app.storage.public_url(&record.storage_key),
            thumbnail_url: app.storage.public_url(&record.thumbnail_key),
            degod_avatar_id: record.degod_avatar_id,
        }
    }
}

/// The caller's view of an agent's avatars, one page at a time.
pub async fn list(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    cursor: Option<AvatarId>,
) -> AppResult<Vec<Avatar>> {
    let mut conn = app.db.conn().await?;
    let agent = load(&mut conn, actor, agent, AgentNeed::View).await?;
    let page = avatars::page(&mut conn, agent.id, cursor, PAGE_SIZE).await?;
    Ok(page.into_iter().map(|a| Avatar::new(a, app)).collect())
}

/// Adds avatars to an agent. The first avatar of an agent becomes its primary.
pub async fn create(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    requests: Vec<AvatarRequest>,
) -> AppResult<Vec<Avatar>> {
    let mut conn = app.db.conn().await?;
    let agent = load(&mut conn, actor, agent, AgentNeed::Edit).await?;
    drop(conn);
    if requests.is_empty() {
        return Err(creation_failed(&format!(
            "agent_avatars_attributes is empty. {HOW_TO_ADD}"
        )));
    }
    let stored = store(app, actor, requests).await?;
    let now = app.clock.now();
    let result = async {
        let mut tx = app.db.begin().await?;
        let records = record_in(&mut tx, agent.id, &stored, now).await?;
        tx.commit().await?;
        Ok(records)
    }
    .await;
    match result {
        Ok(records) => Ok(records.into_iter().map(|a| Avatar::new(a, app)).collect()),
        Err(err) => {
            forget(app, stored).await;
            Err(err)
        }
    }
}

/// Makes one avatar the agent's primary.
pub async fn set_primary(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    avatar: AvatarId,
) -> AppResult<()> {
    let mut tx = app.db.begin().await?;
    let agent = load(&mut tx, actor, agent, AgentNeed::Edit).await?;
    avatars::find(&mut tx, agent.id, avatar)
        .await?
        .ok_or_else(|| {
            AppError::unprocessable(
                ErrorCode::AvatarUpdateFailed,
                format!("Avatar {avatar} not found on this agent."),
            )
        })?;
    avatars::set_primary(&mut tx, agent.id, avatar).await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes avatars named by `ids` (`7` or `7_8_9`). Nothing is deleted unless every id names
/// an avatar of this agent. When the primary goes, the oldest remaining avatar takes its place.
pub async fn delete(app: &App, actor: &Actor, agent: AgentId, ids: &str) -> AppResult<()> {
    let ids = parse_id_list(ids)?;
    let mut tx = app.db.begin().await?;
    let agent = load(&mut tx, actor, agent, AgentNeed::Edit).await?;
    let deleted = avatars::delete_many(&mut tx, agent.id, &ids).await?;
    if deleted.len() != ids.len() {
        let missing: Vec<String> = ids
            .iter()
            .filter(|id| !deleted.iter().any(|d| d.id == **id))
            .map(ToString::to_string)
            .collect();
        return Err(AppError::not_found(
            ErrorCode::NotFound,
            format!(
                "Avatar {} not found on this agent; nothing was deleted.",
                missing.join(", ")
            ),
        ));
    }
    avatars::promote_if_none_primary(&mut tx, agent.id).await?;
    tx.commit().await?;
    delete_blobs(
        app,
        deleted
            .into_iter()
            .flat_map(|a| [a.storage_key, a.thumbnail_key]),
    )
    .await;
    Ok(())
}

/// Checks and stores the images of `requests`, before any row is written. Direct uploads
/// named by signed id are read from storage, copied as avatars, and used up.
pub(crate) async fn store(
    app: &App,
    actor: &Actor,
    mut requests: Vec<AvatarRequest>,
) -> AppResult<Vec<StoredImage>> {
    if requests.len() > MAX_PER_REQUEST {
        return Err(creation_failed(&format!(
            "At most {MAX_PER_REQUEST} avatars can be added in one request; {} were sent.",
            requests.len()
        )));
    }
    let mut referenced = Vec::new();
    for (index, request) in requests.iter_mut().enumerate() {
        match &request.source {
            Some(AvatarSource::Reference(signed_id)) => {
                let (upload, record) =
                    read_direct_upload(app, actor, signed_id)
                        .await
                        .map_err(|err| match err.kind {
                            ErrorKind::Unprocessable => {
                                creation_failed(&format!("Avatar {}: {}", index + 1, err.message))
                            }
                            _ => err,
                        })?;
                request.source = Some(AvatarSource::File(upload));
                referenced.push(record);
            }
            Some(AvatarSource::Url(url)) => {
                let upload = fetch_image(app, url).await.map_err(|message| {
                    creation_failed(&format!("Avatar {}: {message}", index + 1))
                })?;
                request.source = Some(AvatarSource::File(upload));
            }
            _ => {}
        }
    }
    let stored = store_files(app, requests).await?;
    for upload in referenced {
        direct_uploads::use_up(app, &upload).await?;
    }
    Ok(stored)
}

/// Fetches and stores the image at `url`, to be recorded as the agent's primary avatar (agent
/// core's `identity.profile_photo_url`). `Err` holds a message for the client.
pub(crate) async fn store_from_url(app: &App, url: &str) -> Result<StoredImage, String> {
    let upload = fetch_image(app, url).await?;
    let request = AvatarRequest {
        source: Some(AvatarSource::File(upload)),
        is_primary: true,
    };
    store_one(app, request).await
}

/// The image at a URL meant as an avatar, fetched under the outbound rules.
async fn fetch_image(app: &App, url: &str) -> Result<Upload, String> {
    let fetch = outbound::Fetch {
        url,
        field: "the image URL",
        reach: app.settings.outbound_reach,
        timeout: FETCH_TIMEOUT,
        user_agent: "ace-avatars/1",
    };
    let bytes = fetch.bytes(app.settings.max_image_bytes as u64).await?;
    let file_name = url::Url::parse(url).ok().and_then(|url| {
        url.path_segments()
            .and_then(|mut segments| segments.next_back().map(str::to_owned))
            .filter(|name| !name.is_empty())
    });
    Ok(Upload { file_name, bytes })
}

/// The bytes of a direct upload meant as an avatar.
async fn read_direct_upload(
    app: &App,
    actor: &Actor,
    signed_id: &str,
) -> AppResult<(Upload, DirectUploadRecord)> {
    let record = direct_uploads::claim(app, actor, signed_id).await?;
    if u64::try_from(record.byte_size).unwrap_or(u64::MAX) > app.settings.max_image_bytes as u64 {
        return Err(AppError::unprocessable(
            ErrorCode::AvatarCreationFailed,
            format!(
                "the image is larger than {} MB.",
                app.settings.max_image_bytes / (1024 * 1024)
            ),
        ));
    }
    let bytes = app.storage.get(&record.storage_key).await?.ok_or_else(|| {
        AppError::unprocessable(
            ErrorCode::AvatarCreationFailed,
            "No file has been uploaded for this signed id yet.",
        )
    })?;
    let upload = Upload {
        file_name: Some(record.filename.clone()),
        bytes,
    };
    Ok((upload, record))
}

async fn store_files(app: &App, requests: Vec<AvatarRequest>) -> AppResult<Vec<StoredImage>> {
    let mut stored = Vec::with_capacity(requests.len());
    for (index, request) in requests.into_iter().enumerate() {
        let outcome = store_one(app, request).await;
        match outcome {
            Ok(image) => stored.push(image),
            Err(message) => {
                forget(app, stored).await;
                return Err(creation_failed(&format!("Avatar {}: {message}", index + 1)));
            }
        }
    }
    Ok(stored)
}

async fn store_one(app: &App, request: AvatarRequest) -> Result<StoredImage, String> {
    let upload = match request.source {
        Some(AvatarSource::File(upload)) => upload,
        Some(AvatarSource::Degod(id)) => {
            return Err(format!(
                "DeGods avatar {id} is not available: DeGods are GEN's own collection, which this server does not have. {HOW_TO_ADD}"
            ));
        }
        Some(AvatarSource::Reference(_) | AvatarSource::Url(_)) => {
            unreachable!("direct uploads and URLs are read before images are stored")
        }
        None => return Err(format!("no image was sent. {HOW_TO_ADD}")),
    };
    if upload.bytes.len() > app.settings.max_image_bytes {
        return Err(format!(
            "the image is larger than {} MB.",
            app.settings.max_image_bytes / (1024 * 1024)
        ));
    }
    let byte_size = i64::try_from(upload.bytes.len()).unwrap_or(i64::MAX);
    let image = images::process(upload.bytes, AVATAR_KINDS)
        .await
        .map_err(|e| e.to_string())?;
    let stem = format!("avatars/{}", uuid::Uuid::new_v4().simple());
    let original_key = format!("{stem}.{}", image.kind.extension());
    let thumbnail_key = format!("{stem}.thumb.jpg");
    let put = async {
        app.storage.put(&original_key, image.original).await?;
        app.storage.put(&thumbnail_key, image.thumbnail).await
    };
    if put.await.is_err() {
        return Err("the image could not be stored; try again.".into());
    }
    Ok(StoredImage {
        original_key,
        thumbnail_key,
        content_type: image.kind.mime(),
        byte_size,
        width: i64::from(image.width),
        height: i64::from(image.height),
        is_primary: request.is_primary,
    })
}

/// Records stored images as avatars of the agent. An image marked primary (or the first one,
/// when the agent has no primary yet) becomes the primary.
pub(crate) async fn record_in(
    tx: &mut dyn Session,
    agent: AgentId,
    stored: &[StoredImage],
    now: DateTime<Utc>,
) -> AppResult<Vec<AvatarRecord>> {
    let mut records = Vec::with_capacity(stored.len());
    for image in stored {
        let new = NewAvatar {
            agent_id: agent,
            storage_key: image.original_key.clone(),
            thumbnail_key: image.thumbnail_key.clone(),
            content_type: image.content_type.to_owned(),
            byte_size: image.byte_size,
            width: image.width,
            height: image.height,
        };
        records.push(avatars::insert(tx, &new, now).await?);
    }
    if let Some(chosen) = stored
        .iter()
        .zip(&records)
        .find(|(image, _)| image.is_primary)
    {
        avatars::set_primary(tx, agent, chosen.1.id).await?;
    } else {
        avatars::promote_if_none_primary(tx, agent).await?;
    }
    let ids: Vec<AvatarId> = records.iter().map(|r| r.id).collect();
    let mut fresh = Vec::with_capacity(ids.len());
    for id in ids {
        fresh.extend(avatars::find(tx, agent, id).await?);
    }
    Ok(fresh)
}

/// Deletes the blobs of images that never became avatars.
pub(crate) async fn forget(app: &App, stored: Vec<StoredImage>) {
    delete_blobs(
        app,
        stored
            .into_iter()
            .flat_map(|s| [s.original_key, s.thumbnail_key]),
    )
    .await;
}

fn creation_failed(message: &str) -> AppError {
    AppError::unprocessable(ErrorCode::AvatarCreationFailed, message)
}

async fn load(
    db: &mut dyn Session,
    actor: &Actor,
    agent: AgentId,
    need: AgentNeed,
) -> AppResult<AgentRecord> {
    match agent_for(db, actor, agent, need).await? {
        Ok(view) => Ok(view.agent),
        Err(AgentDenial::Missing | AgentDenial::Stranger) => Err(AppError::not_found(
            ErrorCode::AgentNotFound,
            format!("Agent {agent} not found."),
        )),
        Err(AgentDenial::RoleTooLow) => Err(AppError::forbidden(
            ErrorCode::Forbidden,
            "Your role in this workspace does not allow changing this agent's avatars.",
        )),
    }
}

/// Reads `7` or `7_8_9`.
fn parse_id_list(text: &str) -> AppResult<Vec<AvatarId>> {
    let invalid = || {
        AppError::unprocessable(
            ErrorCode::ValidationError,
            format!("{text:?} is not an avatar id or a list of ids joined by underscores (7_8_9)."),
        )
    };
    if text.split('_').count() > MAX_DELETE {
        return Err(AppError::unprocessable(
            ErrorCode::ValidationError,
            format!("At most {MAX_DELETE} avatars can be deleted in one request."),
        ));
    }
    let mut ids: Vec<AvatarId> = text
        .split('_')
        .map(|part| part.parse().map_err(|_| invalid()))
        .collect::<Result<_, _>>()?;
    ids.sort();
    ids.dedup();
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_lists_are_joined_by_underscores() {
        let ids = parse_id_list("9_7_8_7").unwrap();
        assert_eq!(ids, [AvatarId::new(7), AvatarId::new(8), AvatarId::new(9)]);
        assert!(parse_id_list("7__8").is_err());
        assert!(parse_id_list("seven").is_err());
        assert!(parse_id_list(&vec!["1"; 101].join("_")).is_err());
    }
}
