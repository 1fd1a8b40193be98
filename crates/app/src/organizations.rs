//! Organizations (workspaces): listing, creating, renaming, deleting, and the operator's
//! membership and plan changes. A new organization makes its creator the owner and gets a
//! first agent, as in GEN. Deleting one removes everything in it, stored images included.

use ace_db::organizations::{self, MemberView, NewOrganization, OrganizationRecord};
use ace_db::{Session, avatars, content_resources, users};
use ace_domain::credits::CreditBalance;
use ace_domain::ids::{CreditPlanId, OrganizationId, UserId};
use ace_domain::role::Role;
use ace_domain::text::required_line;
use ace_media::images::{self, ImageKind};
use chrono::{DateTime, Utc};

use crate::agents::provision_workspace_agent;
use crate::files::{delete_blobs, with_thumbnails};
use crate::{Actor, App, AppError, AppResult, ErrorCode, Upload};

const AVATAR_KINDS: &[ImageKind] = &[
    ImageKind::Jpeg,
    ImageKind::Png,
    ImageKind::Webp,
    ImageKind::Gif,
];
const NAME_MAX: usize = 100;

/// An organization as one of its members sees it: their role, the member count, the credit
/// balance, the plan and the avatar's URLs.
#[derive(Clone, Debug)]
pub struct Membership {
    pub id: OrganizationId,
    pub uuid: String,
    pub name: String,
    pub avatar: Option<ImageUrls>,
    /// The member's role.
    pub role: Role,
    pub balance: CreditBalance,
    pub total_members: i64,
    pub plan: Option<CreditPlan>,
}

/// Where an image and its thumbnail are served.
#[derive(Clone, Debug)]
pub struct ImageUrls {
    pub url: String,
    pub thumbnail_url: String,
}

/// A named credit plan.
#[derive(Clone, Debug)]
pub struct CreditPlan {
    pub id: CreditPlanId,
    pub name: String,
    pub cycle: String,
}

impl Membership {
    pub(crate) fn new(view: MemberView, app: &App) -> Self {
        let balance = view.balance();
        let org = view.organization;
        let avatar = match (&org.avatar_key, &org.avatar_thumbnail_key) {
            (Some(original), Some(thumbnail)) => Some(ImageUrls {
                url: app.storage.public_url(original),
                thumbnail_url: app.storage.public_url(thumbnail),
            }),
            _ => None,
        };
        let plan = match (view.plan_id, view.plan_name, view.plan_cycle) {
            (Some(id), Some(name), Some(cycle)) => Some(CreditPlan {
                id: CreditPlanId::new(id),
                name,
                cycle,
            }),
            _ => None,
        };
        Self {
            id: org.id,
            uuid: org.uuid,
            name: org.name,
            avatar,
            role: view.role,
            balance,
            total_members: view.total_members,
            plan,
        }
    }
}

/// The organizations the caller belongs to.
pub async fn list(app: &App, actor: &Actor) -> AppResult<Vec<Membership>> {
    let mut conn = app.db.conn().await?;
    let views = organizations::list_for_member(&mut conn, actor.user_id).await?;
    Ok(views.into_iter().map(|v| Membership::new(v, app)).collect())
}

/// Creates an organization owned by the caller.
pub async fn create(
    app: &App,
    actor: &Actor,
    name: Option<&str>,
    avatar: Option<Upload>,
) -> AppResult<OrganizationId> {
    let name = required_line("name", name.unwrap_or_default(), NAME_MAX)?;
    let avatar = match avatar {
        Some(upload) => Some(store_avatar(app, upload).await?),
        None => None,
    };
    let now = app.clock.now();
    let result = async {
        let mut tx = app.db.begin().await?;
        let org = create_workspace_in(&mut tx, actor.user_id, &name, false, now).await?;
        if let Some((original, thumbnail)) = &avatar {
            organizations::set_avatar(&mut tx, org.id, Some((original, thumbnail)), now).await?;
        }
        tx.commit().await?;
        Ok(org.id)
    }
    .await;
    if result.is_err() {
        delete_blobs(app, avatar.into_iter().flat_map(|(a, b)| [a, b])).await;
    }
    result
}

/// One organization as the caller sees it.
pub async fn get(app: &App, actor: &Actor, id: OrganizationId) -> AppResult<Membership> {
    let mut conn = app.db.conn().await?;
    Ok(Membership::new(
        member_view(&mut conn, actor, id).await?,
        app,
    ))
}

/// Renames the organization or replaces its avatar; owners and managers only.
pub async fn update(
    app: &App,
    actor: &Actor,
    id: OrganizationId,
    name: Option<&str>,
    avatar: Option<Upload>,
) -> AppResult<OrganizationId> {
    let mut conn = app.db.conn().await?;
    let current = member_view(&mut conn, actor, id).await?;
    drop(conn);
    if !current.role.administers_workspace() {
        return Err(not_administrator());
    }
    let name = name
        .map(|n| required_line("name", n, NAME_MAX))
        .transpose()?;
    let avatar = match avatar {
        Some(upload) => Some(store_avatar(app, upload).await?),
        None => None,
    };
    let now = app.clock.now();
    let written = async {
        let mut tx = app.db.begin().await?;
        // The role may have changed since the check above; check again where it counts.
        if !member_view(&mut tx, actor, id)
            .await?
            .role
            .administers_workspace()
        {
            return Err(not_administrator());
        }
        if let Some(name) = &name {
            organizations::rename(&mut tx, id, name, now).await?;
        }
        if let Some((original, thumbnail)) = &avatar {
            organizations::set_avatar(&mut tx, id, Some((original, thumbnail)), now).await?;
        }
        tx.commit().await?;
        Ok(())
    }
    .await;
    if let Err(err) = written {
        delete_blobs(app, avatar.into_iter().flat_map(|(a, b)| [a, b])).await;
        return Err(err);
    }
    if avatar.is_some()
        && let (Some(old), Some(old_thumb)) = (
            current.organization.avatar_key,
            current.organization.avatar_thumbnail_key,
        )
    {
        delete_blobs(app, [old, old_thumb]).await;
    }
    Ok(id)
}

/// Deletes the organization with everything in it; owners only. A personal workspace stays.
pub async fn delete(app: &App, actor: &Actor, id: OrganizationId) -> AppResult<()> {
    let mut tx = app.db.begin().await?;
    let current = member_view(&mut tx, actor, id).await?;
    if !current.role.may_delete_organization() {
        return Err(AppError::forbidden(
            ErrorCode::Forbidden,
            "Only the organization's owner can delete it.",
        ));
    }
    if current.organization.is_personal {
        return Err(AppError::unprocessable(
            ErrorCode::ValidationError,
            "A personal workspace cannot be deleted.",
        ));
    }
    let mut blobs = avatars::keys_in_organization(&mut tx, id).await?;
    if let (Some(original), Some(thumbnail)) = (
        current.organization.avatar_key,
        current.organization.avatar_thumbnail_key,
    ) {
        blobs.push((original, thumbnail));
    }
    let files = content_resources::keys_in_organization(&mut tx, id).await?;
    organizations::delete(&mut tx, id).await?;
    tx.commit().await?;
    delete_blobs(
        app,
        blobs
            .into_iter()
            .flat_map(|(a, b)| [a, b])
            .chain(with_thumbnails(files)),
    )
    .await;
    Ok(())
}

/// Adds a user to an organization with a role, or changes their role (operator action).
pub async fn put_member(app: &App, org: OrganizationId, login: &str, role: Role) -> AppResult<()> {
    let mut tx = app.db.begin().await?;
    organizations::find(&mut tx, org)
        .await?
        .ok_or_else(|| organization_not_found(org))?;
    let user = users::find_by_login(&mut tx, login).await?.ok_or_else(|| {
        AppError::not_found(
            ErrorCode::NotFound,
            format!("No user with email or username {login:?}."),
        )
    })?;
    organizations::put_member(&mut tx, org, user.id, role, app.clock.now()).await?;
    tx.commit().await?;
    Ok(())
}

/// Puts an organization on a named credit plan (operator action).
pub async fn set_plan(
    app: &App,
    org: OrganizationId,
    name: &str,
    cycle: &str,
) -> AppResult<CreditPlanId> {
    let name = required_line("name", name, 100)?;
    let cycle = required_line("cycle", cycle, 20)?.to_uppercase();
    let mut tx = app.db.begin().await?;
    let plan = organizations::upsert_plan(&mut tx, &name, &cycle, app.clock.now()).await?;
    if !organizations::set_plan(&mut tx, org, Some(plan)).await? {
        return Err(organization_not_found(org));
    }
    tx.commit().await?;
    Ok(plan)
}

async fn member_view(
    db: &mut dyn Session,
    actor: &Actor,
    id: OrganizationId,
) -> AppResult<MemberView> {
    organizations::find_for_member(db, id, actor.user_id)
        .await?
        .ok_or_else(|| organization_not_found(id))
}

fn not_administrator() -> AppError {
    AppError::forbidden(
        ErrorCode::Forbidden,
        "Only the organization's owners and managers can change it.",
    )
}

fn organization_not_found(id: OrganizationId) -> AppError {
    AppError::unprocessable(
        ErrorCode::OrganizationNotFound,
        format!("Organization {id} not found."),
    )
}

/// Checks and stores an organization avatar; returns its blob keys.
async fn store_avatar(app: &App, upload: Upload) -> AppResult<(String, String)> {
    if upload.bytes.len() > app.settings.max_image_bytes {
        return Err(AppError::unprocessable(
            ErrorCode::ValidationError,
            format!(
                "Avatar: the image is larger than {} MB.",
                app.settings.max_image_bytes / (1024 * 1024)
            ),
        ));
    }
    let image = images::process(upload.bytes, AVATAR_KINDS)
        .await
        .map_err(|e| e.to_string())
        .map_err(|message| {
            AppError::unprocessable(ErrorCode::ValidationError, format!("Avatar: {message}"))
        })?;
    let stem = format!("organizations/{}", uuid::Uuid::new_v4().simple());
    let original = format!("{stem}/avatar.{}", image.kind.extension());
    let thumbnail = format!("{stem}/avatar.thumb.jpg");
    app.storage.put(&original, image.original).await?;
    app.storage.put(&thumbnail, image.thumbnail).await?;
    Ok((original, thumbnail))
}

/// Creates an organization owned by `owner`, with its first agent.
pub(crate) async fn create_workspace_in(
    tx: &mut dyn Session,
    owner: UserId,
    name: &str,
    is_personal: bool,
    now: DateTime<Utc>,
) -> AppResult<OrganizationRecord> {
    let workspace = organizations::insert(
        tx,
        &NewOrganization {
            uuid: uuid::Uuid::new_v4().to_string(),
            name: name.to_owned(),
            is_personal,
            created_by: Some(owner),
        },
        now,
    )
    .await?;
    organizations::put_member(tx, workspace.id, owner, Role::Owner, now).await?;
    provision_workspace_agent(tx, &workspace, owner, now).await?;
    Ok(workspace)
}
