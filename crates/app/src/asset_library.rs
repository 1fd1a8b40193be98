//! The asset library: an agent's folders and files in one view, and the folders themselves.
//! Folders nest; a folder can be moved but never into itself or below itself; deleting one
//! deletes everything under it, stored bytes included.

use ace_db::Session;
use ace_db::asset_folders::{self as folders, FolderRecord};
use ace_db::asset_library::{self as library, LibraryItem, LibraryQuery, Scope};
use ace_db::content_resources;
use ace_domain::ids::{AgentId, AssetFolderId, ContentResourceId};
use ace_domain::patch::Patch;
use ace_domain::text::{fold, required_line};
use chrono::{DateTime, Utc};

use crate::files::{delete_blobs, with_thumbnails};
use crate::policy::{AgentNeed, Denials, VISIBLE, agent_not_accessible, require_agent};
use crate::{Actor, App, AppError, AppResult, ErrorCode};
use ace_media::formats::FileKind;

/// The default and largest page sizes.
pub const DEFAULT_PAGE_SIZE: i64 = 20;
pub const MAX_PAGE_SIZE: i64 = 100;
const NAME_MAX: usize = 255;

const WRITE: Denials = Denials {
    missing: agent_not_accessible,
    stranger: forbidden,
    role: forbidden,
};

/// What the client asked the library for.
#[derive(Clone, Debug, Default)]
pub struct LibraryRequest {
    pub folder: Option<AssetFolderId>,
    /// `image`, `video`, `audio`, `zip`, `safe_tensors` and/or `folder`.
    pub asset_types: Option<Vec<String>>,
    pub search: Option<String>,
    /// `recent`: newest first, folders and files mixed.
    pub order: Option<String>,
    /// From 1.
    pub page: Option<i64>,
    pub page_size: Option<i64>,
}

/// An item of the asset library.
#[derive(Clone, Debug)]
pub enum LibraryEntry {
    Folder(LibraryFolder),
    File(LibraryFile),
}

/// A folder of the library.
#[derive(Clone, Debug)]
pub struct LibraryFolder {
    pub id: AssetFolderId,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

/// A file of the library (a content resource), with the URLs it is served at.
#[derive(Clone, Debug)]
pub struct LibraryFile {
    pub id: ContentResourceId,
    pub file_name: String,
    pub url: Option<String>,
    pub thumbnail_url: Option<String>,
    pub content_type: Option<String>,
    /// image, video, audio, zip or safe_tensors.
    pub kind: String,
    pub created_at: DateTime<Utc>,
}

impl LibraryEntry {
    fn new(item: LibraryItem, app: &App) -> Self {
        if item.is_folder() {
            return Self::Folder(LibraryFolder {
                id: AssetFolderId::new(item.id),
                name: item.name,
                created_at: item.created_at,
            });
        }
        let url = |key: Option<String>| key.map(|key| app.storage.public_url(&key));
        Self::File(LibraryFile {
            id: ContentResourceId::new(item.id),
            file_name: item.name,
            url: url(item.storage_key),
            thumbnail_url: url(item.thumbnail_key),
            content_type: item.content_type,
            kind: item.item_kind,
            created_at: item.created_at,
        })
    }
}

/// One page of the library: inside a folder, or the top level; a search without a folder
/// looks everywhere. Folders come first, then files, newest first, unless `order=recent`.
pub async fn list(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    request: &LibraryRequest,
) -> AppResult<Vec<LibraryEntry>> {
    let invalid = |message: String| AppError::unprocessable(ErrorCode::ValidationError, message);
    let mut conn = app.db.conn().await?;
    require_agent(&mut conn, actor, agent, AgentNeed::View, &VISIBLE).await?;
    if let Some(folder) = request.folder {
        folders::find(&mut conn, agent, folder)
            .await?
            .ok_or_else(|| folder_not_found(folder))?;
    }
    let (include_folders, kinds) = match &request.asset_types {
        None => (true, None),
        Some(types) => {
            let mut kinds = Vec::new();
            let mut include_folders = false;
            for asset_type in types {
                match asset_type.as_str() {
                    "folder" => include_folders = true,
                    other => kinds.push(
                        FileKind::parse(other)
                            .ok_or_else(|| invalid(format!("asset_type {other:?} must be image, video, audio, zip, safe_tensors or folder")))?
                            .as_str()
                            .to_owned(),
                    ),
                }
            }
            (include_folders, Some(kinds))
        }
    };
    let recent_first = match request.order.as_deref().map(str::trim) {
        None | Some("") => false,
        Some("recent") => true,
        Some(other) => return Err(invalid(format!("order {other:?} must be recent"))),
    };
    let page = request.page.unwrap_or(1);
    let page_size = request.page_size.unwrap_or(DEFAULT_PAGE_SIZE);
    if page < 1 {
        return Err(invalid("page counts from 1".into()));
    }
    if !(1..=MAX_PAGE_SIZE).contains(&page_size) {
        return Err(invalid(format!(
            "page_size must be between 1 and {MAX_PAGE_SIZE}"
        )));
    }
    let search = request
        .search
        .as_deref()
        .map(fold)
        .filter(|s| !s.is_empty());
    let scope = match (request.folder, &search) {
        (Some(folder), _) => Scope::Folder(folder),
        (None, Some(_)) => Scope::Everywhere,
        (None, None) => Scope::Root,
    };
    let query = LibraryQuery {
        scope,
        include_folders,
        kinds,
        search,
        recent_first,
        offset: (page - 1) * page_size,
        limit: page_size,
    };
    let items = library::list(&mut conn, agent, &query).await?;
    Ok(items
        .into_iter()
        .map(|item| LibraryEntry::new(item, app))
        .collect())
}

/// Creates a folder, at the top level or inside `parent`.
pub async fn create_folder(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    name: Option<&str>,
    parent: Option<AssetFolderId>,
) -> AppResult<FolderRecord> {
    let name = required_line("name", name.unwrap_or_default(), NAME_MAX)?;
    let mut tx = app.db.begin().await?;
    require_agent(&mut tx, actor, agent, AgentNeed::Edit, &WRITE).await?;
    if let Some(parent) = parent {
        folders::find(&mut tx, agent, parent)
            .await?
            .ok_or_else(|| {
                AppError::unprocessable(
                    ErrorCode::ValidationError,
                    format!("parent_id {parent} is not a folder of this agent"),
                )
            })?;
    }
    let folder = folders::insert(&mut tx, agent, parent, &name, app.clock.now()).await?;
    tx.commit().await?;
    Ok(folder)
}

/// Renames a folder and/or moves it (`parent_id`; `null` for the top level).
pub async fn update_folder(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    id: AssetFolderId,
    name: Option<&str>,
    parent: Patch<AssetFolderId>,
) -> AppResult<FolderRecord> {
    let name = name
        .map(|n| required_line("name", n, NAME_MAX))
        .transpose()?;
    let mut tx = app.db.begin().await?;
    require_agent(&mut tx, actor, agent, AgentNeed::Edit, &WRITE).await?;
    let mut folder = folders::find(&mut tx, agent, id)
        .await?
        .ok_or_else(|| folder_not_found(id))?;
    if let Some(name) = name {
        folder.name = name;
    }
    match parent {
        Patch::Absent => {}
        Patch::Clear => folder.parent_id = None,
        Patch::Set(parent) => {
            check_move(&mut tx, agent, id, parent).await?;
            folder.parent_id = Some(parent.get());
        }
    }
    folders::update(&mut tx, &folder, app.clock.now()).await?;
    tx.commit().await?;
    Ok(folder)
}

/// Deletes a folder with its subfolders and files, stored bytes included.
pub async fn delete_folder(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    id: AssetFolderId,
) -> AppResult<()> {
    let mut tx = app.db.begin().await?;
    require_agent(&mut tx, actor, agent, AgentNeed::Edit, &WRITE).await?;
    folders::find(&mut tx, agent, id)
        .await?
        .ok_or_else(|| folder_not_found(id))?;
    let blobs = content_resources::keys_under_folder(&mut tx, id).await?;
    if !folders::delete(&mut tx, agent, id).await? {
        return Err(AppError::unprocessable(
            ErrorCode::FolderRemovalFailed,
            "The folder could not be deleted.",
        ));
    }
    tx.commit().await?;
    delete_blobs(app, with_thumbnails(blobs)).await;
    Ok(())
}

/// Refuses moving folder `id` under `parent` when `parent` is not the agent's, or is `id`
/// itself or below it.
async fn check_move(
    db: &mut dyn Session,
    agent: AgentId,
    id: AssetFolderId,
    parent: AssetFolderId,
) -> AppResult<()> {
    let invalid = |message: String| AppError::unprocessable(ErrorCode::ValidationError, message);
    folders::find(db, agent, parent)
        .await?
        .ok_or_else(|| invalid(format!("parent_id {parent} is not a folder of this agent")))?;
    if folders::lineage(db, parent).await?.contains(&id) {
        return Err(invalid(format!(
            "folder {id} cannot be moved into itself or one of its own subfolders"
        )));
    }
    Ok(())
}

fn folder_not_found(id: AssetFolderId) -> AppError {
    AppError::not_found(
        ErrorCode::NotFound,
        format!("Asset folder {id} not found on this agent."),
    )
}

fn forbidden(_: AgentId) -> AppError {
    AppError::forbidden(
        ErrorCode::Forbidden,
        "You do not have permission to modify this agent's assets.",
    )
}
