//! Writing the sections of an agent-core patch. Brand changes merge scalars, replace lists,
//! and diff the monitored sources and linked accounts by id so unchanged rows keep theirs.

use ace_db::agent_core::{self as store, CoreRecord, MonitoredRecord};
use ace_db::{Json, Session, agents};
use ace_domain::agent_core::{BrandChange, Change, MonitoredItem, MonitoredScope, Section, limits};
use ace_domain::ids::AgentId;
use ace_domain::text::fold;
use ace_domain::voice::VoiceRef;
use chrono::{DateTime, Utc};

use super::Canvas;
use crate::agents::save;
use crate::avatars::{self, StoredImage};
use crate::{App, AppError, AppResult, ErrorCode};

/// Writes one section in its own transaction. The outer error is ours (logged); the inner one
/// is the client's (reported in the section).
pub(super) async fn write_section(
    app: &App,
    agent: AgentId,
    change: Change,
) -> AppResult<Result<(), String>> {
    if let Change::Voice(Some(voice)) = &change {
        let mut conn = app.db.conn().await?;
        let Some(record) = agents::find(&mut conn, agent).await? else {
            return Ok(Err("The agent no longer exists.".into()));
        };
        if let Err(problem) = crate::voices::check_choice(app, &mut conn, &record, voice).await? {
            return Ok(Err(format!(
                "default_user_voice: {}",
                problem.describe(&voice.voice_id)
            )));
        }
    }
    // A new photo is fetched and stored before the transaction, and recorded in it.
    let photo = match &change {
        Change::Identity {
            photo_url: Some(url),
            ..
        } => match avatars::store_from_url(app, url).await {
            Ok(stored) => Some(stored),
            Err(problem) => return Ok(Err(format!("identity.profile_photo_url: {problem}"))),
        },
        _ => None,
    };
    let now = app.clock.now();
    let written = write_in_transaction(app, agent, change, photo.as_ref(), now).await;
    if !matches!(written, Ok(Ok(())))
        && let Some(photo) = photo
    {
        avatars::forget(app, vec![photo]).await;
    }
    written
}

async fn write_in_transaction(
    app: &App,
    agent: AgentId,
    change: Change,
    photo: Option<&StoredImage>,
    now: DateTime<Utc>,
) -> AppResult<Result<(), String>> {
    let mut tx = app.db.begin().await?;
    agents::lock(&mut tx, agent).await?;
    let outcome = match change {
        Change::Brand(brand) => {
            apply_brand(app, &mut tx, agent, &brand, now).await?;
            Ok(())
        }
        Change::Personality(text) => {
            let mut core = store::find(&mut tx, agent).await?;
            core.personality = text;
            store::save(&mut tx, agent, &core, now).await?;
            Ok(())
        }
        Change::LookDescription(text) => {
            let mut core = store::find(&mut tx, agent).await?;
            core.look_description = text;
            store::save(&mut tx, agent, &core, now).await?;
            Ok(())
        }
        Change::Identity { name, .. } => {
            let renamed = match name {
                Some(name) => rename(&mut tx, agent, name, now).await?,
                None => Ok(()),
            };
            if renamed.is_ok()
                && let Some(photo) = photo
            {
                avatars::record_in(&mut tx, agent, std::slice::from_ref(photo), now).await?;
            }
            renamed
        }
        Change::Voice(voice) => set_voice(&mut tx, agent, voice, now).await?,
    };
    if outcome.is_ok() {
        tx.commit().await?;
    }
    Ok(outcome)
}

async fn rename(
    tx: &mut dyn Session,
    agent: AgentId,
    name: String,
    now: DateTime<Utc>,
) -> AppResult<Result<(), String>> {
    let Some(mut record) = agents::find(tx, agent).await? else {
        return Ok(Err("The agent no longer exists.".into()));
    };
    record.name = name;
    Ok(save(tx, &record, now).await?.map_err(|taken| taken.0))
}

async fn set_voice(
    tx: &mut dyn Session,
    agent: AgentId,
    voice: Option<VoiceRef>,
    now: DateTime<Utc>,
) -> AppResult<Result<(), String>> {
    let Some(mut record) = agents::find(tx, agent).await? else {
        return Ok(Err("The agent no longer exists.".into()));
    };
    record.default_voice = voice.map(Json);
    agents::update(tx, &record, now).await?;
    Ok(Ok(()))
}

/// Applies brand changes inside `tx`.
pub(crate) async fn apply_brand(
    app: &App,
    tx: &mut dyn Session,
    agent: AgentId,
    change: &BrandChange,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let mut core = store::find(tx, agent).await?;
    merge_scalars(&mut core, change);
    store::save(tx, agent, &core, now).await?;
    if !change.monitored.is_empty() {
        let current = store::monitored(tx, agent).await?;
        let mut desired: Vec<MonitoredItem> = current.iter().map(as_item).collect();
        for replacement in &change.monitored {
            desired = replace_in_scope(desired, replacement.scope, &replacement.items);
        }
        store::replace_monitored(tx, agent, &desired, now).await?;
    }
    if let Some(accounts) = &change.linked_accounts {
        let kept: Vec<i64> = accounts
            .iter()
            .filter_map(|a| a.id.map(|id| id.get()))
            .collect();
        crate::publishing::revoke::release_removed(tx, app, agent, &kept).await?;
        store::replace_linked_accounts(tx, agent, accounts, now).await?;
    }
    Ok(())
}

fn merge_scalars(core: &mut CoreRecord, change: &BrandChange) {
    let set = |target: &mut Option<String>, value: &Option<Option<String>>| {
        if let Some(value) = value {
            target.clone_from(value);
        }
    };
    set(&mut core.brand_name, &change.brand_name);
    set(&mut core.description, &change.description);
    set(&mut core.goal, &change.goal);
    set(&mut core.onboarding_status, &change.onboarding_status);
    if let Some(identity_type) = change.identity_type {
        core.set_identity_type(identity_type);
    }
    if let Some(shortform) = change.shortform {
        core.shortform = shortform;
    }
    if let Some(longform) = change.longform {
        core.longform = longform;
    }
    if let Some(platforms) = &change.target_platforms {
        core.target_platforms = Json(platforms.clone());
    }
    if let Some(keywords) = &change.keywords {
        core.keywords = Json(keywords.clone());
    }
    if let Some(topics) = &change.research_topics {
        core.research_topics = Json(topics.clone());
    }
}

fn as_item(record: &MonitoredRecord) -> MonitoredItem {
    MonitoredItem {
        id: Some(record.id),
        handle: record.handle.clone(),
        kind: record.kind(),
        platform: record.platform.clone(),
    }
}

/// Replaces the items in `scope` with `new`, keeping items outside it. A new item takes over
/// the row of the stored item it names by id, or else of an unmatched stored item with the
/// same handle and kind, so ids stay stable when a list is sent back unchanged; and since the
/// flat read shows no platform, a platform left out is kept rather than wiped.
fn replace_in_scope(
    current: Vec<MonitoredItem>,
    scope: MonitoredScope,
    new: &[MonitoredItem],
) -> Vec<MonitoredItem> {
    let in_scope = |item: &MonitoredItem| match scope {
        MonitoredScope::All => true,
        MonitoredScope::Kind(kind) => item.kind == kind,
    };
    let (mut stored, mut kept): (Vec<MonitoredItem>, Vec<MonitoredItem>) =
        current.into_iter().partition(in_scope);
    let named: Vec<_> = new.iter().filter_map(|n| n.id).collect();
    for item in new {
        let mut item = item.clone();
        let position = match item.id {
            Some(id) => stored.iter().position(|old| old.id == Some(id)),
            None => stored.iter().position(|old| {
                old.id.is_none_or(|id| !named.contains(&id))
                    && old.kind == item.kind
                    && fold(&old.handle) == fold(&item.handle)
            }),
        };
        if let Some(old) = position.map(|index| stored.remove(index)) {
            item.id = old.id;
            if item.platform.is_none() {
                item.platform = old.platform;
            }
        }
        kept.push(item);
    }
    kept
}

/// Refuses, before anything is written, list ids that do not name this agent's rows and
/// monitored lists that would grow past the limit once every section is applied.
pub(crate) fn check_changes(view: &Canvas, sections: &[Section]) -> AppResult<()> {
    let mut monitored: Vec<MonitoredItem> = view.monitored.iter().map(as_item).collect();
    for section in sections {
        let Change::Brand(brand) = &section.change else {
            continue;
        };
        check_list_ids(view, brand)?;
        for replacement in &brand.monitored {
            monitored = replace_in_scope(monitored, replacement.scope, &replacement.items);
        }
    }
    if monitored.len() > limits::MONITORED {
        return Err(AppError::unprocessable(
            ErrorCode::ValidationError,
            format!(
                "monitored would hold {} sources; an agent can have at most {}.",
                monitored.len(),
                limits::MONITORED
            ),
        ));
    }
    Ok(())
}

fn check_list_ids(view: &Canvas, brand: &BrandChange) -> AppResult<()> {
    for replacement in &brand.monitored {
        for (index, item) in replacement.items.iter().enumerate() {
            if let Some(id) = item.id
                && !view
                    .monitored
                    .iter()
                    .any(|m| m.id == id && replacement_covers(replacement.scope, m))
            {
                return Err(AppError::unprocessable(
                    ErrorCode::ValidationError,
                    format!(
                        "Item {index} has id {id}, which is not one of this agent's monitored sources."
                    ),
                ));
            }
        }
    }
    if let Some(accounts) = &brand.linked_accounts {
        for (index, account) in accounts.iter().enumerate() {
            if let Some(id) = account.id
                && !view.linked_accounts.iter().any(|a| a.id == id)
            {
                return Err(AppError::unprocessable(
                    ErrorCode::ValidationError,
                    format!(
                        "linked_accounts[{index}].id {id} is not one of this agent's linked accounts."
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn replacement_covers(scope: MonitoredScope, record: &MonitoredRecord) -> bool {
    match scope {
        MonitoredScope::All => true,
        MonitoredScope::Kind(kind) => record.kind() == kind,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ace_domain::agent_core::MonitoredKind;
    use ace_domain::ids::MonitoredItemId;

    fn item(id: Option<i64>, handle: &str, kind: MonitoredKind) -> MonitoredItem {
        MonitoredItem {
            id: id.map(MonitoredItemId::new),
            handle: handle.into(),
            kind,
            platform: None,
        }
    }

    #[test]
    fn a_scoped_replacement_keeps_other_kinds_and_reuses_ids() {
        let current = vec![
            item(Some(1), "@keila", MonitoredKind::Account),
            item(Some(2), "tacotok", MonitoredKind::Keyword),
            item(Some(3), "old", MonitoredKind::Keyword),
        ];
        let new = [
            item(None, "TacoTok", MonitoredKind::Keyword),
            item(None, "fresh", MonitoredKind::Keyword),
        ];
        let result = replace_in_scope(current, MonitoredScope::Kind(MonitoredKind::Keyword), &new);
        let summary: Vec<_> = result
            .iter()
            .map(|i| (i.id.map(MonitoredItemId::get), i.handle.as_str()))
            .collect();
        assert_eq!(
            summary,
            [(Some(1), "@keila"), (Some(2), "TacoTok"), (None, "fresh")]
        );
    }

    #[test]
    fn a_list_sent_back_without_platforms_keeps_them() {
        let mut stored = item(Some(1), "@keila", MonitoredKind::Account);
        stored.platform = Some("tiktok".into());
        let by_handle = replace_in_scope(
            vec![stored.clone()],
            MonitoredScope::All,
            &[item(None, "@Keila", MonitoredKind::Account)],
        );
        assert_eq!(
            (by_handle[0].id, by_handle[0].platform.as_deref()),
            (Some(MonitoredItemId::new(1)), Some("tiktok"))
        );
        let by_id = replace_in_scope(
            vec![stored],
            MonitoredScope::All,
            &[item(Some(1), "@keila2", MonitoredKind::Account)],
        );
        assert_eq!(by_id[0].platform.as_deref(), Some("tiktok"));
    }

    #[test]
    fn a_full_replacement_drops_what_is_not_sent() {
        let current = vec![
            item(Some(1), "@keila", MonitoredKind::Account),
            item(Some(2), "#tacos", MonitoredKind::Hashtag),
        ];
        let result = replace_in_scope(
            current,
            MonitoredScope::All,
            &[item(Some(2), "#tacos", MonitoredKind::Hashtag)],
        );
        assert_eq!(result.len(), 1);
        assert_eq!(result[0].id, Some(MonitoredItemId::new(2)));
    }
}
