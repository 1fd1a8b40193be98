//! An agent's own voices (designed and trained) and the short-lived candidates of the voice
//! design flow.

use ace_domain::ids::AgentId;
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::FromRow;
use sqlx::types::Json;

use crate::{DbResult, Session, execute, fetch_all, fetch_one, fetch_optional};

/// A stored voice.
#[derive(Clone, Debug, FromRow)]
pub struct VoiceRecord {
    pub id: i64,
    pub agent_id: i64,
    /// `user_designed` or `user_trained`.
    pub source: String,
    pub name: String,
    pub gender: Option<String>,
    pub language: Option<String>,
    pub description: Option<String>,
    /// `local` or `elevenlabs`.
    pub provider: String,
    /// The provider's id of the voice, for provider voices.
    pub provider_voice_id: Option<String>,
    /// How ace's engines speak it (local voices), and what was measured.
    pub settings: Json<Value>,
    /// The sample a trained voice was made from.
    pub sample_resource_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

/// A voice to store.
#[derive(Clone, Debug)]
pub struct NewVoice<'a> {
    pub agent_id: AgentId,
    pub source: &'a str,
    pub name: &'a str,
    pub gender: Option<&'a str>,
    pub language: Option<&'a str>,
    pub description: Option<&'a str>,
    pub provider: &'a str,
    pub provider_voice_id: Option<&'a str>,
    pub settings: &'a Value,
    pub sample_resource_id: Option<i64>,
}

/// A candidate of the design flow.
#[derive(Clone, Debug, FromRow)]
pub struct CandidateRecord {
    pub id: String,
    pub agent_id: i64,
    pub description: Option<String>,
    pub settings: Json<Value>,
    pub created_at: DateTime<Utc>,
}

macro_rules! columns {
    () => {
        "id, agent_id, source, name, gender, language, description, provider, provider_voice_id, \
         settings, sample_resource_id, created_at"
    };
}

pub async fn insert(
    db: &mut dyn Session,
    new: &NewVoice<'_>,
    now: DateTime<Utc>,
) -> DbResult<VoiceRecord> {
    let sql = concat!(
        "INSERT INTO voices (agent_id, source, name, gender, language, description, provider, \
           provider_voice_id, settings, sample_resource_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ",
        columns!()
    );
    Ok(fetch_one!(
        db,
        sqlx::query_as(sql)
            .bind(new.agent_id.get())
            .bind(new.source)
            .bind(new.name)
            .bind(new.gender)
            .bind(new.language)
            .bind(new.description)
            .bind(new.provider)
            .bind(new.provider_voice_id)
            .bind(Json(new.settings))
            .bind(new.sample_resource_id)
            .bind(now)
    ))
}

/// The agent's voices, oldest first; only those of `source` if given.
pub async fn list(
    db: &mut dyn Session,
    agent: AgentId,
    source: Option<&str>,
) -> DbResult<Vec<VoiceRecord>> {
    let sql = concat!(
        "SELECT ",
        columns!(),
        " FROM voices WHERE agent_id = $1 AND (CAST($2 AS TEXT) IS NULL OR source = $2) ORDER BY id"
    );
    Ok(fetch_all!(
        db,
        sqlx::query_as(sql).bind(agent.get()).bind(source)
    ))
}

/// One of the agent's voices.
pub async fn find(db: &mut dyn Session, agent: AgentId, id: i64) -> DbResult<Option<VoiceRecord>> {
    let sql = concat!(
        "SELECT ",
        columns!(),
        " FROM voices WHERE agent_id = $1 AND id = $2"
    );
    Ok(fetch_optional!(
        db,
        sqlx::query_as(sql).bind(agent.get()).bind(id)
    ))
}

/// Deletes one of the agent's voices; `false` if it had none with this id.
pub async fn delete(db: &mut dyn Session, agent: AgentId, id: i64) -> DbResult<bool> {
    let sql = "DELETE FROM voices WHERE agent_id = $1 AND id = $2";
    Ok(execute!(db, sqlx::query(sql).bind(agent.get()).bind(id)) > 0)
}

/// Stores the candidates of one design, dropping candidates made before `stale`.
pub async fn insert_candidates(
    db: &mut dyn Session,
    agent: AgentId,
    candidates: &[(String, Value)],
    description: Option<&str>,
    now: DateTime<Utc>,
    stale: DateTime<Utc>,
) -> DbResult<()> {
    execute!(
        db,
        sqlx::query("DELETE FROM voice_design_candidates WHERE created_at < $1").bind(stale)
    );
    let sql = "INSERT INTO voice_design_candidates (id, agent_id, description, settings, created_at) \
               VALUES ($1, $2, $3, $4, $5)";
    for (id, settings) in candidates {
        execute!(
            db,
            sqlx::query(sql)
                .bind(id)
                .bind(agent.get())
                .bind(description)
                .bind(Json(settings))
                .bind(now)
        );
    }
    Ok(())
}

/// One of the agent's candidates, if made at or after `fresh`.
pub async fn find_candidate(
    db: &mut dyn Session,
    agent: AgentId,
    id: &str,
    fresh: DateTime<Utc>,
) -> DbResult<Option<CandidateRecord>> {
    let sql = "SELECT id, agent_id, description, settings, created_at FROM voice_design_candidates \
               WHERE agent_id = $1 AND id = $2 AND created_at >= $3";
    Ok(fetch_optional!(
        db,
        sqlx::query_as(sql).bind(agent.get()).bind(id).bind(fresh)
    ))
}
