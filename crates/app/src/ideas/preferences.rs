//! The agent's content-idea preferences, kept as Agent Core's `content_idea_preferences` (a
//! bulleted list, one rule a line), so the profile's `brand.content_idea_preferences` always
//! shows exactly the rules runs obey. Agent runs call these once the run's caller was
//! authorized: `remember:` adds rules, `forget:` drops the one it means, and the list is read
//! before every ideas run. Changes happen under the agent's lock, so two at once both land.

use ace_db::agent_core as core_store;
use ace_db::agents;
use ace_domain::ideas::preferences::{bulleted, remembered, rules};
use ace_domain::ids::AgentId;

use crate::{App, AppResult};

/// The agent's rules, in the order they were added.
pub async fn list(app: &App, agent: AgentId) -> AppResult<Vec<String>> {
    let mut conn = app.db.conn().await?;
    let core = core_store::find(&mut conn, agent).await?;
    Ok(rules(core.content_idea_preferences.as_deref()))
}

/// Adds `new` after the agent's rules (a rule already there, in any case, not twice); the
/// rules after.
pub async fn remember(app: &App, agent: AgentId, new: &[String]) -> AppResult<Vec<String>> {
    change(app, agent, |existing| remembered(existing, new)).await
}

/// Drops `rule` (compared in any case) from the agent's rules; the rules after.
pub async fn forget(app: &App, agent: AgentId, rule: &str) -> AppResult<Vec<String>> {
    change(app, agent, |existing| {
        existing
            .iter()
            .filter(|known| !known.eq_ignore_ascii_case(rule.trim()))
            .cloned()
            .collect()
    })
    .await
}

async fn change(
    app: &App,
    agent: AgentId,
    edit: impl FnOnce(&[String]) -> Vec<String>,
) -> AppResult<Vec<String>> {
    let mut tx = app.db.begin().await?;
    agents::lock(&mut tx, agent).await?;
    let mut core = core_store::find(&mut tx, agent).await?;
    let changed = edit(&rules(core.content_idea_preferences.as_deref()));
    core.content_idea_preferences = bulleted(&changed);
    core_store::save(&mut tx, agent, &core, app.clock.now()).await?;
    tx.commit().await?;
    Ok(changed)
}
