//! Agents: list, create (in a workspace or the caller's personal one), read, update and soft
//! delete. The default voice set here is the same value agent core and the legacy profile
//! read, so all three views agree.

use ace_db::Json;
use ace_db::agents::{self, AgentRecord, AgentView, NewAgent};
use ace_db::organizations::{self, OrganizationRecord};
use ace_db::{DbError, Session};
use ace_domain::FieldError;
use ace_domain::agent_core::limits;
use ace_domain::ids::{AgentId, AvatarId, OrganizationId, UserId};
use ace_domain::patch::Patch;
use ace_domain::role::Role;
use ace_domain::text::{multiline, optional_line, required_line, time_zone};
use ace_domain::voice::{VoiceRef, VoiceSource, canonical_voice_id};
use chrono::{DateTime, Utc};

use crate::avatars::{self, AvatarRequest};
use crate::policy::{AgentDenial, AgentNeed, agent_for, agent_not_found};
use crate::voices::Unavailable;
use crate::{Actor, App, AppError, AppResult, ErrorCode};

const DESCRIPTION_MAX: usize = 1_000;

/// The agent fields a client sent. Absent fields are left alone on update.
#[derive(Clone, Debug, Default)]
pub struct AgentFields {
    pub name: Patch<String>,
    pub description: Patch<String>,
    pub time_zone: Patch<String>,
    pub eleven_lab_api_key: Patch<String>,
    pub hume_ai_api_key: Patch<String>,
    /// `default_user_voice_attributes`; update only.
    pub default_voice: Patch<VoiceAttributes>,
    /// `agent_avatars_attributes`.
    pub avatars: Vec<AvatarRequest>,
}

/// `default_user_voice_attributes` as sent.
#[derive(Clone, Debug, Default)]
pub struct VoiceAttributes {
    pub source: Option<String>,
    pub voice_id: Option<String>,
}

/// An agent as one user sees it: its workspace, the user's role there (if any), its primary
/// avatar's URL and its provider keys masked.
#[derive(Clone, Debug)]
pub struct Agent {
    pub id: AgentId,
    pub name: String,
    pub description: Option<String>,
    pub organization_id: OrganizationId,
    pub organization_name: String,
    pub organization_uuid: String,
    pub time_zone: Option<String>,
    /// The viewer's role in the agent's workspace; `None` when they are not a member.
    pub viewer_role: Option<Role>,
    pub primary_avatar_id: Option<AvatarId>,
    /// The primary avatar's thumbnail.
    pub primary_avatar_url: Option<String>,
    pub default_voice: Option<VoiceRef>,
    /// The stored ElevenLabs key, masked ([`masked_key`]).
    pub eleven_labs_key: Option<String>,
    /// The stored Hume AI key, masked.
    pub hume_ai_key: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Agent {
    pub(crate) fn new(view: AgentView, app: &App) -> Self {
        let primary_avatar_id = view.primary_avatar_id();
        let viewer_role = view.viewer_role();
        let agent = view.agent;
        Self {
            id: agent.id,
            organization_id: agent.organization_id,
            organization_name: view.organization_name,
            organization_uuid: view.organization_uuid,
            viewer_role,
            primary_avatar_id,
            primary_avatar_url: view
                .primary_avatar_thumbnail_key
                .map(|key| app.storage.public_url(&key)),
            default_voice: agent.default_voice().cloned(),
            eleven_labs_key: agent.eleven_lab_api_key.as_deref().map(masked_key),
            hume_ai_key: agent.hume_ai_api_key.as_deref().map(masked_key),
            name: agent.name,
            description: agent.description,
            time_zone: agent.time_zone,
            created_at: agent.created_at,
            updated_at: agent.updated_at,
        }
    }
}

/// The agents the caller can see, optionally in one workspace only.
pub async fn list(
    app: &App,
    actor: &Actor,
    workspace: Option<OrganizationId>,
) -> AppResult<Vec<Agent>> {
    let mut conn = app.db.conn().await?;
    let views = agents::list_visible(&mut conn, actor.user_id, workspace).await?;
    Ok(views.into_iter().map(|v| Agent::new(v, app)).collect())
}

/// Creates an agent in `organization`, or in the caller's personal workspace when none is
/// given. Creating agents in a workspace takes the owner or manager role there.
pub async fn create(
    app: &App,
    actor: &Actor,
    organization: Option<OrganizationId>,
    fields: AgentFields,
) -> AppResult<Agent> {
    let failed = |err: FieldError| AppError::invalid(ErrorCode::AgentCreationFailed, &err);
    let name = match &fields.name {
        Patch::Set(name) => required_line("name", name, limits::AGENT_NAME).map_err(failed)?,
        _ => return Err(failed(FieldError::new("name", "can't be blank"))),
    };
    let description = text_patch(fields.description, |v| {
        multiline("description", &v, DESCRIPTION_MAX)
    })
    .map_err(failed)?
    .flatten();
    let zone = text_patch(fields.time_zone, |v| time_zone("time_zone", &v))
        .map_err(failed)?
        .flatten();
    let eleven = provider_key(fields.eleven_lab_api_key, "ElevenLabs")?.flatten();
    let hume = provider_key(fields.hume_ai_api_key, "Hume AI")?.flatten();

    let mut conn = app.db.conn().await?;
    let workspace = workspace_for_new_agent(&mut conn, actor, organization).await?;
    drop(conn);
    let stored = if fields.avatars.is_empty() {
        Vec::new()
    } else {
        avatars::store(app, actor, fields.avatars).await?
    };
    let now = app.clock.now();
    let result = async {
        let mut tx = app.db.begin().await?;
        if agents::name_taken(&mut tx, workspace.id, &name, None).await? {
            return Err(AppError::unprocessable(
                ErrorCode::AgentCreationFailed,
                format!("An agent named {name:?} already exists in this workspace."),
            ));
        }
        let new = NewAgent {
            organization_id: workspace.id,
            created_by: Some(actor.user_id),
            name,
            description,
            time_zone: zone,
            eleven_lab_api_key: eleven,
            hume_ai_api_key: hume,
        };
        let agent = agents::insert(&mut tx, &new, now)
            .await
            .map_err(name_conflict(ErrorCode::AgentCreationFailed))?;
        avatars::record_in(&mut tx, agent.id, &stored, now).await?;
        let view = agents::view(&mut tx, agent.id, actor.user_id)
            .await?
            .ok_or_else(|| {
                AppError::internal(anyhow::anyhow!("agent vanished inside its own transaction"))
            })?;
        tx.commit().await?;
        Ok(Agent::new(view, app))
    }
    .await;
    if result.is_err() {
        avatars::forget(app, stored).await;
    }
    result
}

/// One agent as the caller sees it.
pub async fn get(app: &App, actor: &Actor, id: AgentId) -> AppResult<Agent> {
    let mut conn = app.db.conn().await?;
    Ok(Agent::new(
        load(&mut conn, actor, id, AgentNeed::View).await?,
        app,
    ))
}

/// Changes an agent's fields, default voice or avatars; editors and above.
pub async fn update(
    app: &App,
    actor: &Actor,
    id: AgentId,
    fields: AgentFields,
) -> AppResult<Agent> {
    let mut conn = app.db.conn().await?;
    let mut checked = load(&mut conn, actor, id, AgentNeed::Edit).await?.agent;
    drop(conn);
    // Validate before storing any image; the fields are applied again under the lock.
    apply_fields(&mut checked, &fields)?;
    if let (Patch::Set(_), Some(voice)) = (&fields.default_voice, checked.default_voice()) {
        check_default_voice(app, &checked, voice).await?;
    }
    let stored = if fields.avatars.is_empty() {
        Vec::new()
    } else {
        avatars::store(app, actor, fields.avatars.clone()).await?
    };
    let now = app.clock.now();
    let result = async {
        let mut tx = app.db.begin().await?;
        agents::lock(&mut tx, id).await?;
        let mut agent = load(&mut tx, actor, id, AgentNeed::Edit).await?.agent;
        apply_fields(&mut agent, &fields)?;
        save(&mut tx, &agent, now)
            .await?
            .map_err(|taken| AppError::unprocessable(ErrorCode::ValidationError, taken.0))?;
        avatars::record_in(&mut tx, agent.id, &stored, now).await?;
        let view = load(&mut tx, actor, id, AgentNeed::View).await?;
        tx.commit().await?;
        Ok(Agent::new(view, app))
    }
    .await;
    if result.is_err() {
        avatars::forget(app, stored).await;
    }
    result
}

/// The name another live agent of the workspace already has.
pub(crate) struct NameTaken(pub String);

/// Writes an agent back, unless another live agent of its workspace has its name. Run it
/// under [`agents::lock`].
pub(crate) async fn save(
    tx: &mut dyn Session,
    agent: &AgentRecord,
    now: DateTime<Utc>,
) -> AppResult<Result<(), NameTaken>> {
    let taken = || {
        NameTaken(format!(
            "An agent named {:?} already exists in this workspace.",
            agent.name
        ))
    };
    if agents::name_taken(tx, agent.organization_id, &agent.name, Some(agent.id)).await? {
        return Ok(Err(taken()));
    }
    match agents::update(tx, agent, now).await {
        Ok(()) => Ok(Ok(())),
        Err(DbError::UniqueViolation(_)) => Ok(Err(taken())),
        Err(other) => Err(other.into()),
    }
}

/// Soft-deletes an agent: owners, managers, or whoever created it.
pub async fn delete(app: &App, actor: &Actor, id: AgentId) -> AppResult<()> {
    let mut tx = app.db.begin().await?;
    match agent_for(&mut tx, actor, id, AgentNeed::Delete).await? {
        Ok(_) => {}
        Err(AgentDenial::Missing) => return Err(agent_not_found(id)),
        Err(AgentDenial::Stranger | AgentDenial::RoleTooLow) => {
            return Err(AppError::forbidden(
                ErrorCode::Forbidden,
                "You do not have permission to delete this agent.",
            ));
        }
    }
    agents::soft_delete(&mut tx, id, app.clock.now()).await?;
    tx.commit().await?;
    Ok(())
}

/// Creates the first agent of a new workspace, named after it.
pub(crate) async fn provision_workspace_agent(
    tx: &mut dyn Session,
    workspace: &OrganizationRecord,
    owner: UserId,
    now: DateTime<Utc>,
) -> AppResult<AgentRecord> {
    let name: String = workspace.name.chars().take(limits::AGENT_NAME).collect();
    let new = NewAgent {
        organization_id: workspace.id,
        created_by: Some(owner),
        name,
        description: None,
        time_zone: None,
        eleven_lab_api_key: None,
        hume_ai_api_key: None,
    };
    Ok(agents::insert(tx, &new, now).await?)
}

/// Applies client fields to an agent, validating them with GEN's update error codes.
pub(crate) fn apply_fields(agent: &mut AgentRecord, fields: &AgentFields) -> AppResult<()> {
    match &fields.name {
        Patch::Absent => {}
        Patch::Clear => return Err(FieldError::new("name", "can't be blank").into()),
        Patch::Set(name) => agent.name = required_line("name", name, limits::AGENT_NAME)?,
    }
    if let Some(description) = text_patch(fields.description.clone(), |v| {
        multiline("description", &v, DESCRIPTION_MAX)
    })? {
        agent.description = description;
    }
    if let Some(zone) = text_patch(fields.time_zone.clone(), |v| time_zone("time_zone", &v))? {
        agent.time_zone = zone;
    }
    if let Some(key) = provider_key(fields.eleven_lab_api_key.clone(), "ElevenLabs")? {
        agent.eleven_lab_api_key = key;
    }
    if let Some(key) = provider_key(fields.hume_ai_api_key.clone(), "Hume AI")? {
        agent.hume_ai_api_key = key;
    }
    match &fields.default_voice {
        Patch::Absent => {}
        Patch::Clear => agent.default_voice = None,
        Patch::Set(attributes) => {
            if let Some(voice) = default_voice(attributes)? {
                agent.default_voice = Some(Json(voice));
            }
        }
    }
    Ok(())
}

/// Reads `default_user_voice_attributes`; `None` when both fields are empty.
fn default_voice(attributes: &VoiceAttributes) -> AppResult<Option<VoiceRef>> {
    let source = optional_line(
        "default_user_voice_attributes.source",
        attributes.source.as_deref(),
        50,
    )?;
    let voice_id = optional_line(
        "default_user_voice_attributes.voice_id",
        attributes.voice_id.as_deref(),
        limits::VOICE_ID,
    )?;
    let (source, voice_id) = match (source, voice_id) {
        (None, None) => return Ok(None),
        (Some(_), None) => {
            return Err(AppError::unprocessable(
                ErrorCode::VoiceIdRequired,
                "voice_id is required when source is given in default_user_voice_attributes.",
            ));
        }
        (source, Some(voice_id)) => (source, voice_id),
    };
    let source = match source {
        None => VoiceSource::ElevenLabs,
        Some(text) => text.parse::<VoiceSource>().map_err(|()| {
            FieldError::new(
                "default_user_voice_attributes.source",
                format!("must be one of {}", VoiceSource::names()),
            )
        })?,
    };
    Ok(Some(VoiceRef {
        voice_id: canonical_voice_id(&voice_id),
        source,
        name: None,
    }))
}

/// Checks that the agent can speak with the default voice `voice` it is given, answering
/// with GEN's errors for the agent endpoints.
async fn check_default_voice(app: &App, agent: &AgentRecord, voice: &VoiceRef) -> AppResult<()> {
    let mut conn = app.db.conn().await?;
    match crate::voices::check_choice(app, &mut conn, agent, voice).await? {
        Ok(()) => Ok(()),
        Err(Unavailable::Missing) => Err(AppError::not_found(
            ErrorCode::UserVoiceResourceNotFound,
            format!(
                "Voice {:?} is not one of this agent's voices.",
                voice.voice_id
            ),
        )),
        Err(other) => Err(AppError::unprocessable(
            ErrorCode::ValidationError,
            format!(
                "default_user_voice_attributes: {}",
                other.describe(&voice.voice_id)
            ),
        )),
    }
}

/// Loads an agent with the errors GEN documents for the agent endpoints.
async fn load(
    db: &mut dyn Session,
    actor: &Actor,
    id: AgentId,
    need: AgentNeed,
) -> AppResult<AgentView> {
    match agent_for(db, actor, id, need).await? {
        Ok(view) => Ok(view),
        Err(AgentDenial::Missing) => Err(agent_not_found(id)),
        Err(AgentDenial::Stranger) => Err(AppError::forbidden(
            ErrorCode::PermissionDenied,
            "You do not have access to this agent.",
        )),
        Err(AgentDenial::RoleTooLow) => Err(AppError::forbidden(
            ErrorCode::PermissionDenied,
            "Your role in this workspace does not allow changing this agent.",
        )),
    }
}

async fn workspace_for_new_agent(
    db: &mut dyn Session,
    actor: &Actor,
    organization: Option<OrganizationId>,
) -> AppResult<OrganizationRecord> {
    let not_found = |what: String| AppError::unprocessable(ErrorCode::OrganizationNotFound, what);
    match organization {
        None => organizations::personal_of(db, actor.user_id)
            .await?
            .ok_or_else(|| {
                not_found("You have no personal workspace; pass organization_id.".into())
            }),
        Some(id) => {
            let role = organizations::role_of(db, id, actor.user_id)
                .await?
                .ok_or_else(|| not_found(format!("Organization {id} not found.")))?;
            if !role.administers_workspace() {
                return Err(AppError::forbidden(
                    ErrorCode::Forbidden,
                    "Creating agents in this workspace takes the owner or manager role.",
                ));
            }
            organizations::find(db, id)
                .await?
                .ok_or_else(|| not_found(format!("Organization {id} not found.")))
        }
    }
}

/// Validates a text patch: `None` when absent, `Some(None)` when cleared (or blank).
fn text_patch(
    patch: Patch<String>,
    check: impl FnOnce(String) -> Result<String, FieldError>,
) -> Result<Option<Option<String>>, FieldError> {
    Ok(patch
        .try_map(check)?
        .into_change()
        .map(|v| v.filter(|s| !s.is_empty())))
}

/// Checks the shape of a third-party API key. Keys of ElevenLabs and Hume AI are long runs of
/// letters, digits, `_` and `-`; anything else cannot be one.
fn provider_key(patch: Patch<String>, provider: &str) -> AppResult<Option<Option<String>>> {
    let checked = patch.try_map(|key| {
        let key = key.trim().to_owned();
        let plausible = key.is_empty()
            || ((16..=200).contains(&key.len())
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-')));
        if plausible {
            Ok(key)
        } else {
            Err(AppError::unprocessable(
                ErrorCode::InvalidApiKey,
                format!("The {provider} API key is not valid."),
            ))
        }
    })?;
    Ok(checked.into_change().map(|v| v.filter(|s| !s.is_empty())))
}

fn name_conflict(code: ErrorCode) -> impl Fn(DbError) -> AppError {
    move |err| match err {
        DbError::UniqueViolation(_) => AppError::unprocessable(
            code,
            "An agent with this name already exists in this workspace.",
        ),
        other => other.into(),
    }
}

/// The key shown in place of a stored provider key: its last four characters.
pub fn masked_key(key: &str) -> String {
    let tail: String = key
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("****{tail}")
}
