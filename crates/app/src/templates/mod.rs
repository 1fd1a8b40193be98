//! The template library: curated engines shipped as data files (`templates/*.json` in the
//! repository), loaded into the database at start and whenever a file changes. Anyone
//! signed in may browse them; cloning one into an agent is free of credits (though, like
//! every engine call, it needs a workspace with usable credits).

pub mod library;
pub mod sync;

use ace_db::sheets::engines::{self as sheet_store};
use ace_db::templates::{self as store, RecentContent, TemplateRecord};
use ace_domain::ids::{AgentId, SpreadsheetId, TemplateId};

use crate::policy::AgentNeed;
use crate::sheets::assembled::{Assembler, Engine};
use crate::sheets::engines::copy_engine;
use crate::sheets::{SheetView, load_engine, open_agent};
use crate::{Actor, App, AppError, AppResult, ErrorCode};

/// Templates per page of the list.
pub const PAGE_SIZE: i64 = 20;
/// Recent outputs shown per template.
pub const RECENT_PER_TEMPLATE: i64 = 4;

/// The library as built into the binary, by file name.
pub const EMBEDDED: [(&str, &str); 8] = [
    (
        "talking-avatar.json",
        include_str!("../../../../templates/talking-avatar.json"),
    ),
    (
        "green-screen.json",
        include_str!("../../../../templates/green-screen.json"),
    ),
    (
        "montage.json",
        include_str!("../../../../templates/montage.json"),
    ),
    (
        "text-driven.json",
        include_str!("../../../../templates/text-driven.json"),
    ),
    (
        "pov-object.json",
        include_str!("../../../../templates/pov-object.json"),
    ),
    (
        "narrated-voice-over.json",
        include_str!("../../../../templates/narrated-voice-over.json"),
    ),
    (
        "split-screen.json",
        include_str!("../../../../templates/split-screen.json"),
    ),
    ("skit.json", include_str!("../../../../templates/skit.json")),
];

/// A template with the caller's recent outputs made from it.
#[derive(Clone, Debug)]
pub struct TemplateSummary {
    pub id: TemplateId,
    pub slug: String,
    pub uuid: String,
    pub title: String,
    pub description: String,
    pub video_type: String,
    pub cover: Option<String>,
    pub tutorial_url: Option<String>,
    pub tags: Vec<String>,
    pub recent: Vec<RecentOutput>,
}

/// A recent output of an engine made from a template.
#[derive(Clone, Debug)]
pub struct RecentOutput {
    pub id: i64,
    /// image, video or audio.
    pub kind: String,
    pub url: String,
    pub thumbnail_url: Option<String>,
}

impl TemplateSummary {
    fn new(template: TemplateRecord, recent: Vec<RecentContent>, app: &App) -> Self {
        Self {
            id: template.id,
            slug: template.slug,
            uuid: template.uuid,
            title: template.title,
            description: template.description,
            video_type: template.video_type,
            cover: template.cover,
            tutorial_url: template.tutorial_url,
            tags: template.tags.0,
            recent: recent
                .into_iter()
                .map(|content| RecentOutput {
                    id: content.id,
                    kind: content.kind,
                    url: app.storage.public_url(&content.storage_key),
                    thumbnail_url: content
                        .thumbnail_key
                        .map(|key| app.storage.public_url(&key)),
                })
                .collect(),
        }
    }
}

/// A template with its whole engine.
#[derive(Clone, Debug)]
pub struct TemplateDetail {
    pub summary: TemplateSummary,
    pub engine: Option<Engine>,
}

/// A page of the library; pages count from 1, and 0 (which GEN's SDK sends when its caller
/// counts from 0, as other lists do) is the first too.
pub async fn list(app: &App, actor: &Actor, page: i64) -> AppResult<Vec<TemplateSummary>> {
    if page < 0 {
        return Err(AppError::unprocessable(
            ErrorCode::ValidationError,
            "page counts from 1.",
        ));
    }
    let page = page.max(1);
    let mut conn = app.db.conn().await?;
    let templates = store::page(&mut conn, (page - 1) * PAGE_SIZE, PAGE_SIZE).await?;
    let ids: Vec<TemplateId> = templates.iter().map(|t| t.id).collect();
    let mut recent =
        store::recent_contents(&mut conn, &ids, actor.user_id, RECENT_PER_TEMPLATE).await?;
    Ok(templates
        .into_iter()
        .map(|template| {
            let (mine, rest) = recent
                .drain(..)
                .partition(|r| r.template_id == template.id.get());
            recent = rest;
            TemplateSummary::new(template, mine, app)
        })
        .collect())
}

/// One template, by slug, UUID or numeric id, with its engine.
pub async fn get(app: &App, actor: &Actor, key: &str) -> AppResult<TemplateDetail> {
    let mut conn = app.db.conn().await?;
    let template = find(&mut conn, key).await?;
    let recent = store::recent_contents(
        &mut conn,
        &[template.id],
        actor.user_id,
        RECENT_PER_TEMPLATE,
    )
    .await?;
    let engine = match template.spreadsheet_id {
        Some(id) => match sheet_store::find_any(&mut conn, SpreadsheetId::new(id)).await? {
            Some(sheet) => Some(load_engine(&mut conn, sheet).await?),
            None => None,
        },
        None => None,
    };
    Ok(TemplateDetail {
        summary: TemplateSummary::new(template, recent, app),
        engine: engine.map(|view| Assembler::new(&view, app).engine()),
    })
}

/// Copies a template's engine into the agent.
pub async fn clone(app: &App, actor: &Actor, key: &str, agent: AgentId) -> AppResult<SheetView> {
    let now = app.clock.now();
    let mut tx = app.db.begin().await?;
    open_agent(&mut tx, actor, agent, AgentNeed::Edit).await?;
    let template = find(&mut tx, key).await?;
    let source = match template.spreadsheet_id {
        Some(id) => sheet_store::find_any(&mut tx, SpreadsheetId::new(id)).await?,
        None => None,
    }
    .ok_or_else(|| missing(key))?;
    let view = copy_engine(
        &mut tx,
        &source,
        agent,
        Some(template.id),
        &template.title,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(view)
}

async fn find(db: &mut dyn ace_db::Session, key: &str) -> AppResult<TemplateRecord> {
    store::find(db, key.trim())
        .await?
        .ok_or_else(|| missing(key))
}

fn missing(key: &str) -> AppError {
    AppError::not_found(ErrorCode::NotFound, format!("Template {key:?} not found."))
}
