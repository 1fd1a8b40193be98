//! The legacy agent profile (`/agent/profile`): identity, voice and brand sections over the
//! same stored values as the agent record and agent core, so every view agrees. Writes go
//! through the same validation as agent core and happen in one transaction.

use ace_db::agent_core::{self as store};
use ace_db::agents::AgentRecord;
use ace_db::{Session, agents};
use ace_domain::FieldError;
use ace_domain::agent_core::{
    BrandChange, Change, CorePatch, MonitoredKind, MonitoredReplacement, MonitoredScope,
};
use ace_domain::ids::AgentId;
use ace_domain::patch::Patch;
use ace_domain::text::multiline;
use ace_domain::validation::from_json_path_error;
use ace_domain::voice::VoiceSource;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::agent_core::{CoreView, apply_brand, check_changes, read_canvas};
use crate::agents::{AgentFields, VoiceAttributes, apply_fields, save};
use crate::policy::agent_not_found;
use crate::policy::{AgentDenial, AgentNeed, agent_for};
use crate::{Actor, App, AppError, AppResult, ErrorCode};

const PREFERENCES_MAX: usize = 5_000;

/// The profile of an agent the caller can see.
pub async fn get(app: &App, actor: &Actor, agent: AgentId) -> AppResult<CoreView> {
    let mut conn = app.db.conn().await?;
    let view = load(&mut conn, actor, agent, AgentNeed::View).await?;
    Ok(CoreView::new(read_canvas(&mut conn, view).await?, app))
}

/// Writes the sections sent (`POST` and `PUT` alike: absent fields stay, lists are replaced).
pub async fn write(app: &App, actor: &Actor, agent: AgentId, body: &Value) -> AppResult<CoreView> {
    let mut tx = app.db.begin().await?;
    load(&mut tx, actor, agent, AgentNeed::Edit).await?;
    agents::lock(&mut tx, agent).await?;
    let view = load(&mut tx, actor, agent, AgentNeed::Edit).await?;
    let input: ProfileInput =
        serde_path_to_error::deserialize(body).map_err(|e| from_json_path_error(&e))?;
    if let Some(echoed) = input.agent_id.as_ref().and_then(raw_id)
        && echoed != agent.get()
    {
        return Err(AppError::unprocessable(
            ErrorCode::ValidationError,
            "agent_id in the body does not match the query.",
        ));
    }
    let now = app.clock.now();
    let before = read_canvas(&mut tx, view).await?;
    let (mut fields, core_patch, preferences) = input.into_changes()?;
    if let Patch::Set(voice) = &mut fields.default_voice {
        let source = voice_source(app, &before.agent.agent, voice)?;
        voice.source = Some(source.as_str().to_owned());
    }
    check_changes(&before, &core_patch.sections)?;

    let mut record = before.agent.agent.clone();
    apply_fields(&mut record, &fields)?;
    save(&mut tx, &record, now)
        .await?
        .map_err(|taken| AppError::unprocessable(ErrorCode::ValidationError, taken.0))?;
    for section in core_patch.sections {
        match section.change {
            Change::Brand(brand) => apply_brand(app, &mut tx, agent, &brand, now).await?,
            Change::Personality(text) => {
                let mut core = store::find(&mut tx, agent).await?;
                core.personality = text;
                store::save(&mut tx, agent, &core, now).await?;
            }
            Change::Identity { .. } | Change::Voice(_) | Change::LookDescription(_) => {}
        }
    }
    if let Some(preferences) = preferences {
        let mut core = store::find(&mut tx, agent).await?;
        core.content_idea_preferences = preferences;
        store::save(&mut tx, agent, &core, now).await?;
    }
    let view = load(&mut tx, actor, agent, AgentNeed::View).await?;
    let after = read_canvas(&mut tx, view).await?;
    tx.commit().await?;
    Ok(CoreView::new(after, app))
}

/// Where a default voice written through the profile comes from. The profile names a
/// voice's provider, not its source: the current voice sent back keeps its source, `local`
/// means this server's catalogue, and with no provider the id tells (ElevenLabs, GEN's
/// default, when nothing else claims it).
fn voice_source(
    app: &App,
    agent: &AgentRecord,
    voice: &VoiceAttributes,
) -> Result<VoiceSource, FieldError> {
    let voice_id = voice.voice_id.as_deref().unwrap_or_default().trim();
    if let Some(current) = agent.default_voice()
        && current.voice_id == voice_id
    {
        return Ok(current.source);
    }
    match voice.source.as_deref().map(str::trim) {
        Some("local") => Ok(VoiceSource::Public),
        Some(provider) if !provider.is_empty() => provider.parse().map_err(|()| {
            FieldError::new(
                "voice.default_voice.provider",
                format!("must be local or one of {}", VoiceSource::names()),
            )
        }),
        _ => Ok(
            crate::voices::source_by_id(app, agent, voice_id).unwrap_or(VoiceSource::ElevenLabs)
        ),
    }
}

/// Resets the brand configuration only: brand name and description, goal, keywords (and the
/// keyword sources mirrored from them), platforms, formats, linked accounts, onboarding status
/// and content preferences. Identity and voice stay.
pub async fn reset_brand(app: &App, actor: &Actor, agent: AgentId) -> AppResult<()> {
    let mut tx = app.db.begin().await?;
    load(&mut tx, actor, agent, AgentNeed::Edit).await?;
    agents::lock(&mut tx, agent).await?;
    let now = app.clock.now();
    let cleared = BrandChange {
        brand_name: Some(None),
        description: Some(None),
        goal: Some(None),
        target_platforms: Some(Vec::new()),
        shortform: Some(None),
        longform: Some(None),
        onboarding_status: Some(None),
        keywords: Some(Vec::new()),
        monitored: vec![MonitoredReplacement {
            scope: MonitoredScope::Kind(MonitoredKind::Keyword),
            items: Vec::new(),
        }],
        linked_accounts: Some(Vec::new()),
        ..BrandChange::default()
    };
    apply_brand(app, &mut tx, agent, &cleared, now).await?;
    let mut core = store::find(&mut tx, agent).await?;
    core.content_idea_preferences = None;
    store::save(&mut tx, agent, &core, now).await?;
    tx.commit().await?;
    Ok(())
}

async fn load(
    db: &mut dyn Session,
    actor: &Actor,
    agent: AgentId,
    need: AgentNeed,
) -> AppResult<ace_db::agents::AgentView> {
    match agent_for(db, actor, agent, need).await? {
        Ok(view) => Ok(view),
        Err(AgentDenial::Missing | AgentDenial::Stranger) => Err(agent_not_found(agent)),
        Err(AgentDenial::RoleTooLow) => Err(AppError::forbidden(
            ErrorCode::Forbidden,
            "Your role in this workspace does not allow changing this agent's profile.",
        )),
    }
}

fn raw_id(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileInput {
    #[serde(default)]
    agent_id: Option<Value>,
    #[serde(default)]
    identity: Option<IdentityInput>,
    #[serde(default)]
    voice: Option<VoiceInput>,
    /// Kept as JSON: it is validated as a flat agent-core patch.
    #[serde(default)]
    brand: Option<Map<String, Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IdentityInput {
    #[serde(default)]
    name: Patch<String>,
    #[serde(default)]
    description: Patch<String>,
    #[serde(default)]
    use_character: Patch<bool>,
    #[serde(default)]
    persona: Patch<String>,
    /// Read-only (it follows the primary avatar); accepted so a read can be sent back.
    #[serde(default)]
    #[expect(
        dead_code,
        reason = "accepted and ignored, so a profile read can be written back"
    )]
    avatar_url: Option<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VoiceInput {
    #[serde(default)]
    eleven_lab_api_key: Patch<String>,
    #[serde(default)]
    hume_ai_api_key: Patch<String>,
    #[serde(default)]
    default_voice: Patch<DefaultVoiceInput>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DefaultVoiceInput {
    #[serde(default, alias = "voice_id")]
    id: Value,
    #[serde(default)]
    #[expect(
        dead_code,
        reason = "the name follows the voice; accepted so a read can be sent back"
    )]
    name: Option<String>,
    #[serde(default)]
    provider: Option<String>,
}

impl ProfileInput {
    /// Splits the profile into agent-record fields, an agent-core patch and the content
    /// preferences.
    fn into_changes(self) -> AppResult<(AgentFields, CorePatch, Option<Option<String>>)> {
        let mut fields = AgentFields::default();
        let mut flat = Map::new();
        if let Some(identity) = self.identity {
            fields.name = identity.name;
            fields.description = identity.description;
            match identity.use_character {
                Patch::Absent => {}
                Patch::Clear => {
                    flat.insert("identity_type".into(), Value::Null);
                }
                Patch::Set(character) => {
                    flat.insert(
                        "identity_type".into(),
                        Value::from(if character { "character" } else { "brand" }),
                    );
                }
            }
            match identity.persona {
                Patch::Absent => {}
                Patch::Clear => {
                    flat.insert("personality".into(), Value::Null);
                }
                Patch::Set(persona) => {
                    flat.insert("personality".into(), Value::from(persona));
                }
            }
        }
        if let Some(voice) = self.voice {
            // A masked key read from the profile and sent back means "unchanged".
            let unmasked = |key: Patch<String>| match key {
                Patch::Set(k) if k.starts_with("****") => Patch::Absent,
                other => other,
            };
            fields.eleven_lab_api_key = unmasked(voice.eleven_lab_api_key);
            fields.hume_ai_api_key = unmasked(voice.hume_ai_api_key);
            fields.default_voice = voice.default_voice.try_map(|v| {
                let voice_id = match v.id {
                    Value::String(s) => s,
                    Value::Number(n) => n.to_string(),
                    Value::Null => {
                        return Err(FieldError::new("voice.default_voice.id", "is required"));
                    }
                    _ => {
                        return Err(FieldError::new(
                            "voice.default_voice.id",
                            "must be a string",
                        ));
                    }
                };
                Ok(VoiceAttributes {
                    source: v.provider,
                    voice_id: Some(voice_id),
                })
            })?;
        }
        let mut preferences = None;
        if let Some(mut brand) = self.brand {
            if let Some(value) = brand.remove("content_idea_preferences") {
                preferences = Some(match value {
                    Value::Null => None,
                    Value::String(text) => Some(multiline(
                        "brand.content_idea_preferences",
                        &text,
                        PREFERENCES_MAX,
                    )?)
                    .filter(|t| !t.is_empty()),
                    _ => {
                        return Err(FieldError::new(
                            "brand.content_idea_preferences",
                            "must be a string",
                        )
                        .into());
                    }
                });
            }
            if let Some(Value::Array(accounts)) = brand.get_mut("linked_accounts") {
                for account in accounts.iter_mut().filter_map(Value::as_object_mut) {
                    // The legacy profile names an account by `handle`; agent core by `url`.
                    if let Some(handle) = account.remove("handle") {
                        account.entry("url").or_insert(handle);
                    }
                }
            }
            for (key, value) in brand {
                if [
                    "personality",
                    "identity_type",
                    "monitored",
                    "research_topics",
                    "default_user_voice",
                    "agent_id",
                ]
                .contains(&key.as_str())
                {
                    return Err(
                        FieldError::new(format!("brand.{key}"), "is not a brand field").into(),
                    );
                }
                flat.insert(key, value);
            }
        }
        let core_patch = CorePatch::parse(&Value::Object(flat)).map_err(|e| {
            let field = if e.field == "personality" || e.field == "identity_type" {
                e.field.clone()
            } else {
                format!("brand.{}", e.field)
            };
            AppError::from(FieldError::new(field, e.message))
        })?;
        Ok((fields, core_patch, preferences))
    }
}
