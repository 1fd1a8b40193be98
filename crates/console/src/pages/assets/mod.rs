//! An agent's asset library: folders and files with previews, a new folder, and uploads by
//! drag and drop with a progress bar. An upload is a direct upload: the page asks for a ticket
//! ([`uploads`]), sends the bytes straight to storage, then records the file.

pub mod uploads;

use ace_app::asset_library::{LibraryEntry, LibraryFile, LibraryRequest};
use ace_domain::ids::{AgentId, AssetFolderId};
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;

use crate::Console;
use crate::layout::{failure, page};
use crate::pages::ideas::AgentPlace;
use crate::session::{Signed, redirect};

/// The library's path for an agent.
pub fn library_path(agent: i64) -> String {
    format!("/app/agents/{agent}/assets")
}

/// The folder shown (the top level without it).
#[derive(Deserialize)]
pub struct InFolder {
    folder: Option<i64>,
}

pub async fn library(
    State(console): State<Console>,
    signed: Signed,
    Path(place): Path<AgentPlace>,
    Query(shown): Query<InFolder>,
) -> Response {
    let request = LibraryRequest {
        folder: shown.folder.map(AssetFolderId::new),
        ..LibraryRequest::default()
    };
    let agent = AgentId::new(place.agent);
    let entries =
        match ace_app::asset_library::list(&console.app, &signed.actor, agent, &request).await {
            Ok(entries) => entries,
            Err(err) => return failure(&err, Some(&signed)),
        };
    let base = library_path(place.agent);
    let folder = shown.folder.map(|id| id.to_string()).unwrap_or_default();
    let body = html! {
        h1 { "Assets" }
        @if shown.folder.is_some() { p { a href=(base) { "Back to the top level" } } }
        section aria-labelledby="upload" {
            h2 #upload { "Upload" }
            div.dropzone data-uploads={ (base) "/uploads" } data-record=(base) data-csrf=(signed.csrf) data-folder=(folder) {
                label for="files" { "Drop images, videos or audio here, or choose them" }
                input #files type="file" multiple accept="image/*,video/*,audio/*";
                ul.plain.uploads aria-live="polite" {}
            }
            noscript { p.muted { "Uploading here needs JavaScript; without it, upload with " code { "POST /v1/content_resources" } "." } }
        }
        section aria-labelledby="library" {
            h2 #library { "Library" }
            form.inline method="post" action={ (base) "/folders" } {
                input type="hidden" name="csrf" value=(signed.csrf);
                input type="hidden" name="parent" value=(folder);
                label for="folder-name" { "New folder" }
                input #folder-name type="text" name="name" required maxlength="255";
                button type="submit" { "Create folder" }
            }
            @if entries.is_empty() {
                p.empty { "Nothing here yet. Drop files above to add them; templates and cards can then use them." }
            } @else {
                ul.assets {
                    @for entry in &entries {
                        @match entry {
                            LibraryEntry::Folder(folder) => li.folder {
                                a href={ (base) "?folder=" (folder.id.get()) } { "📁 " (folder.name) }
                            },
                            LibraryEntry::File(file) => li { (preview(file)) },
                        }
                    }
                }
            }
        }
    };
    page("Assets", Some(&signed), body).into_response()
}

fn preview(file: &LibraryFile) -> Markup {
    html! {
        @match (file.kind.as_str(), &file.url) {
            ("image", Some(url)) => { img src=(file.thumbnail_url.as_deref().unwrap_or(url)) alt=(file.file_name) loading="lazy"; }
            ("video", Some(url)) => { video controls preload="none" poster=[file.thumbnail_url.as_deref()] src=(url) aria-label=(file.file_name) {} }
            ("audio", Some(url)) => { audio controls preload="none" src=(url) aria-label=(file.file_name) {} }
            _ => {}
        }
        p { (file.file_name) }
        p.muted { (file.kind) " · " (file.created_at.format("%Y-%m-%d")) }
    }
}

/// `/app/assets`: the library of your first agent.
pub async fn first_library(State(console): State<Console>, signed: Signed) -> Response {
    let none = "You have no agent yet. Create one in a workspace; its files will show here.";
    crate::pages::first_agents(&console, &signed, library_path, "Assets", none).await
}

/// What the new-folder form posts.
#[derive(Deserialize)]
pub struct NewFolder {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    parent: String,
}

pub async fn create_folder(
    State(console): State<Console>,
    signed: Signed,
    Path(place): Path<AgentPlace>,
    Form(form): Form<NewFolder>,
) -> Response {
    if let Some(refused) = signed.refusal(&form.csrf) {
        return refused;
    }
    let parent = form.parent.trim().parse().ok().map(AssetFolderId::new);
    let agent = AgentId::new(place.agent);
    let created = ace_app::asset_library::create_folder(
        &console.app,
        &signed.actor,
        agent,
        Some(&form.name),
        parent,
    )
    .await;
    match created {
        Ok(folder) => redirect(
            &format!("{}?folder={}", library_path(place.agent), folder.id.get()),
            Vec::new(),
        ),
        Err(err) => failure(&err, Some(&signed)),
    }
}
