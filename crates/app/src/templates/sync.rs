//! Loading the library into the database. Each file's SHA-256 is kept with its template; a
//! file whose checksum changed replaces its template's engine, a new file adds a template,
//! and a template whose file is gone is removed. Processes sharing a database take turns.

use std::path::Path;

use ace_db::Session;
use ace_db::sheets::engines as sheet_store;
use ace_db::sheets::{cells, columns, layers, rows, variables};
use ace_db::templates::{self as store, TemplateFields};
use ace_domain::ids::SpreadsheetId;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::EMBEDDED;
use super::library::{self, Template};
use crate::sheets::columns::cell_attributes;
use crate::sheets::engines::insert as insert_sheet;
use crate::{App, AppError, AppResult};

/// What a sync did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub added: Vec<String>,
    pub updated: Vec<String>,
    pub unchanged: usize,
    pub removed: Vec<String>,
}

/// The template files in `dir` (`*.json`), by file name; the built-in library without one.
pub fn read_files(dir: Option<&Path>) -> std::io::Result<Vec<(String, Vec<u8>)>> {
    let Some(dir) = dir else {
        return Ok(EMBEDDED
            .iter()
            .map(|(name, text)| ((*name).to_owned(), text.as_bytes().to_vec()))
            .collect());
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "json") {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            files.push((name, std::fs::read(&path)?));
        }
    }
    files.sort();
    Ok(files)
}

/// Brings the stored library in line with `files`. Any invalid file fails the whole sync,
/// naming the file, and changes nothing.
pub async fn sync(app: &App, files: &[(String, Vec<u8>)]) -> AppResult<SyncReport> {
    let mut parsed = Vec::new();
    for (name, bytes) in files {
        let template = library::parse(bytes).map_err(|reason| {
            AppError::internal(anyhow::anyhow!("template file {name}: {reason}"))
        })?;
        parsed.push((template, hex::encode(Sha256::digest(bytes))));
    }
    let now = app.clock.now();
    let mut tx = app.db.begin().await?;
    store::lock_library(&mut tx).await?;
    let stored = store::all(&mut tx).await?;
    let mut report = SyncReport::default();
    for (template, checksum) in &parsed {
        let current = stored.iter().find(|t| t.slug == template.file.slug);
        if current.is_some_and(|t| &t.checksum == checksum) {
            report.unchanged += 1;
            continue;
        }
        let engine = build(&mut tx, template, now).await?;
        let file = &template.file;
        store::upsert(
            &mut tx,
            &TemplateFields {
                slug: &file.slug,
                title: &file.title,
                description: &file.description,
                video_type: &file.video_type,
                cover: file.cover.as_deref(),
                tutorial_url: file.tutorial_url.as_deref(),
                tags: &file.tags,
                checksum,
            },
            engine,
            now,
        )
        .await?;
        match current {
            Some(old) => {
                if let Some(old_engine) = old.spreadsheet_id {
                    sheet_store::delete(&mut tx, SpreadsheetId::new(old_engine)).await?;
                }
                report.updated.push(file.slug.clone());
            }
            None => report.added.push(file.slug.clone()),
        }
    }
    for old in &stored {
        if !parsed.iter().any(|(t, _)| t.file.slug == old.slug) {
            store::delete(&mut tx, old.id).await?;
            if let Some(engine) = old.spreadsheet_id {
                sheet_store::delete(&mut tx, SpreadsheetId::new(engine)).await?;
            }
            report.removed.push(old.slug.clone());
        }
    }
    tx.commit().await?;
    Ok(report)
}

/// Writes a template's engine (with no agent) and returns its id.
async fn build(
    db: &mut dyn Session,
    template: &Template,
    now: DateTime<Utc>,
) -> AppResult<SpreadsheetId> {
    let file = &template.file;
    let sheet = insert_sheet(db, None, None, &file.title, false, &file.aspect_ratio, now).await?;
    let mut made = Vec::new();
    for (index, (column, (kind, role))) in file.columns.iter().zip(&template.columns).enumerate() {
        let attributes = column
            .creation_card
            .as_ref()
            .map_or_else(|| json!({}), |card| json!({"creation_card": card}));
        let record = columns::insert(
            db,
            &columns::NewColumn {
                spreadsheet_id: sheet.id,
                title: column.title.trim(),
                kind: *kind,
                role: *role,
                description: column.description.as_deref(),
                position: position(index),
                additional_attributes: &attributes,
            },
            now,
        )
        .await?;
        made.push((record, *role));
    }
    for (r, row) in file.rows.iter().enumerate() {
        let record = rows::insert(db, sheet.id, position(r), &json!({}), now).await?;
        for (column, role) in &made {
            let value = row
                .values
                .iter()
                .find(|(title, _)| title.trim().eq_ignore_ascii_case(&column.title))
                .map(|(_, value)| match value {
                    Value::String(text) => text.clone(),
                    other => other.to_string(),
                });
            let attributes = cell_attributes(&column.additional_attributes.0);
            let cell = cells::insert(
                db,
                record.id,
                column.id,
                sheet.id,
                value.as_deref(),
                &attributes,
                now,
            )
            .await?;
            if *role == ace_domain::sheet::column::ColumnRole::Video {
                for (l, (layer, kind)) in
                    row.layers.iter().zip(&template.layer_kinds[r]).enumerate()
                {
                    layers::insert(
                        db,
                        &layers::NewLayer {
                            spreadsheet_id: sheet.id,
                            cell_id: cell.id,
                            name: layer.name.trim(),
                            kind: *kind,
                            position: position(l),
                            additional_attributes: &layer.additional_attributes,
                        },
                        now,
                    )
                    .await?;
                }
            }
        }
    }
    if !file.variables.is_empty() {
        let variable_sheet = variables::ensure_sheet(db, sheet.id, now).await?;
        for variable in &file.variables {
            variables::insert(
                db,
                variable_sheet.id,
                variable.key.trim(),
                &variable.value,
                now,
            )
            .await?;
        }
    }
    Ok(sheet.id)
}

fn position(index: usize) -> i64 {
    i64::try_from(index).unwrap_or(i64::MAX - 1) + 1
}

/// Syncs the library from `dir` (or the built-in one) and logs what changed.
pub async fn sync_from(app: &App, dir: Option<&Path>) -> AppResult<SyncReport> {
    let files = read_files(dir).map_err(AppError::internal)?;
    let report = sync(app, &files).await?;
    if !report.added.is_empty() || !report.updated.is_empty() || !report.removed.is_empty() {
        tracing::info!(added = ?report.added, updated = ?report.updated, removed = ?report.removed,
            unchanged = report.unchanged, "template library synced");
    }
    Ok(report)
}
