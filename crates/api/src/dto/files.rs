//! Files on the wire: content resources, the asset library, folders and direct uploads.

use std::collections::BTreeMap;

use ace_app::asset_library::LibraryEntry;
use ace_app::content_resources::{ContentResource, Generator};
use ace_app::direct_uploads::Ticket;
use ace_domain::patch::Patch;
use ace_domain::publishing::gates::GateReport;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::time::iso;
use crate::extract::Resource;

/// A file of an agent's asset library.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContentResourceResponse {
    pub id: i64,
    /// Public and permanent until the resource is deleted; no credential needed.
    pub url: String,
    /// A JPEG of at most 256 px a side (images and video); `null` for audio, ZIP and
    /// safetensors.
    pub thumbnail_url: Option<String>,
    pub file_name: String,
    pub content_type: String,
    /// image, video, audio, zip or safe_tensors.
    #[serde(rename = "type")]
    pub kind: String,
    pub byte_size: i64,
    pub width: Option<i64>,
    pub height: Option<i64>,
    /// Length in seconds (video and audio).
    pub duration: Option<f64>,
    pub asset_folder_id: Option<i64>,
    #[schema(format = DateTime)]
    pub created_at: String,
    pub created_at_ts: i64,
}

impl From<&ContentResource> for ContentResourceResponse {
    fn from(record: &ContentResource) -> Self {
        #[expect(
            clippy::cast_precision_loss,
            reason = "media lengths are far below 2^53 ms"
        )]
        let duration = record.duration_ms.map(|ms| ms as f64 / 1000.0);
        Self {
            id: record.id.get(),
            url: record.url.clone(),
            thumbnail_url: record.thumbnail_url.clone(),
            file_name: record.file_name.clone(),
            content_type: record.content_type.clone(),
            kind: record.kind.clone(),
            byte_size: record.byte_size,
            width: record.width,
            height: record.height,
            duration,
            asset_folder_id: record.folder_id.map(|id| id.get()),
            created_at: iso(record.created_at),
            created_at_ts: record.created_at.timestamp_millis(),
        }
    }
}

/// The job that made a resource; `null` for uploads.
#[derive(Debug, Serialize, ToSchema)]
pub struct GeneratorRef {
    pub id: i64,
    pub status: String,
    #[serde(rename = "type")]
    pub kind: String,
}

/// `{content_resource, generator, project_node}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContentResourceEnvelope {
    pub content_resource: ContentResourceResponse,
    pub generator: Option<GeneratorRef>,
    /// The engine the file belongs to (`{id}`), when it belongs to one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project_node: Option<ProjectNodeRef>,
}

impl ContentResourceEnvelope {
    pub fn new(record: &ContentResource, generator: Option<&Generator>) -> Self {
        Self {
            content_resource: ContentResourceResponse::from(record),
            generator: generator.map(|job| GeneratorRef {
                id: job.id.get(),
                status: job.status.to_string(),
                kind: job.kind.clone(),
            }),
            project_node: record.project_id.map(|id| ProjectNodeRef { id: id.get() }),
        }
    }
}

/// The engine (GEN: project) a file belongs to.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectNodeRef {
    pub id: i64,
}

/// `{content_resource: {file, filename}}`: `file` is a direct upload's signed id (JSON); files
/// themselves come as multipart `content_resource[file]`.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ContentResourceBody {
    #[schema(value_type = Option<String>)]
    #[serde(default)]
    pub file: Option<Value>,
    pub filename: Option<String>,
    /// `{id}` of the asset folder to put the resource in (also accepted at the top level).
    #[schema(value_type = Option<Object>)]
    #[serde(default)]
    pub asset_folder: Option<Value>,
}

impl Resource for ContentResourceBody {
    const KEY: &'static str = "content_resource";
}

/// An item of the asset library: a folder or a file.
#[derive(Debug, Serialize, ToSchema)]
pub struct LibraryItemResponse {
    pub id: i64,
    /// `AssetFolder` or `ContentResource`.
    #[serde(rename = "type")]
    pub item_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thumbnail_url: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// For files: image, video, audio, zip or safe_tensors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asset_type: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
}

impl From<&LibraryEntry> for LibraryItemResponse {
    fn from(entry: &LibraryEntry) -> Self {
        match entry {
            LibraryEntry::Folder(folder) => Self {
                id: folder.id.get(),
                item_type: "AssetFolder",
                name: Some(folder.name.clone()),
                url: None,
                thumbnail_url: None,
                file_name: None,
                content_type: None,
                asset_type: None,
                created_at: iso(folder.created_at),
            },
            LibraryEntry::File(file) => Self {
                id: file.id.get(),
                item_type: "ContentResource",
                name: None,
                url: file.url.clone(),
                thumbnail_url: Some(file.thumbnail_url.clone()),
                file_name: Some(file.file_name.clone()),
                content_type: file.content_type.clone(),
                asset_type: Some(file.kind.clone()),
                created_at: iso(file.created_at),
            },
        }
    }
}

/// `{asset_folder_id}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssetFolderIdResponse {
    pub asset_folder_id: i64,
}

/// `{asset_folder: {name, parent_id}}`.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct AssetFolderBody {
    pub name: Option<String>,
    /// The folder to nest in; `null` (on update) moves the folder to the top level.
    #[schema(value_type = Option<i64>)]
    #[serde(default)]
    pub parent_id: Patch<Value>,
}

impl Resource for AssetFolderBody {
    const KEY: &'static str = "asset_folder";
}

/// `{blob: {filename, byte_size, checksum, content_type, metadata}}`.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct BlobBody {
    pub filename: Option<String>,
    #[schema(value_type = Option<i64>)]
    #[serde(default)]
    pub byte_size: Option<Value>,
    /// Base64 MD5 of the file.
    pub checksum: Option<String>,
    pub content_type: Option<String>,
    #[schema(value_type = Option<Object>)]
    #[serde(default)]
    pub metadata: Option<Value>,
}

impl Resource for BlobBody {
    const KEY: &'static str = "blob";
}

/// Where and how to PUT the file.
#[derive(Debug, Serialize, ToSchema)]
pub struct UploadTarget {
    pub url: String,
    pub headers: BTreeMap<String, String>,
}

/// A declared blob, ready to upload.
#[derive(Debug, Serialize, ToSchema)]
pub struct DirectUploadResponse {
    pub id: i64,
    pub key: String,
    pub filename: String,
    pub content_type: String,
    pub byte_size: i64,
    pub checksum: String,
    /// Send this as `content_resource[file]` to make the upload a resource.
    pub signed_id: String,
    pub direct_upload: UploadTarget,
    /// The same as `direct_upload.url`, where GEN's SDK reads it.
    pub url: String,
    /// The same as `direct_upload.headers`, where GEN's SDK reads them.
    pub headers: BTreeMap<String, String>,
    #[schema(value_type = Object)]
    pub metadata: Value,
    #[schema(format = DateTime)]
    pub created_at: String,
}

impl From<&Ticket> for DirectUploadResponse {
    fn from(ticket: &Ticket) -> Self {
        Self {
            id: ticket.id.get(),
            key: ticket.key.clone(),
            filename: ticket.filename.clone(),
            content_type: ticket.content_type.clone(),
            byte_size: ticket.byte_size,
            checksum: ticket.checksum.clone(),
            signed_id: ticket.signed_id.clone(),
            direct_upload: UploadTarget {
                url: ticket.url.clone(),
                headers: ticket.headers.iter().cloned().collect(),
            },
            url: ticket.url.clone(),
            headers: ticket.headers.iter().cloned().collect(),
            metadata: ticket.metadata.clone(),
            created_at: iso(ticket.created_at),
        }
    }
}

/// A video's quality gates: whether it may be posted, and each check.
#[derive(Debug, Serialize, ToSchema)]
pub struct GateReportResponse {
    /// No check failed (warnings and skipped checks do not stop a post).
    pub passed: bool,
    pub checks: Vec<GateCheck>,
}

/// One gate.
#[derive(Debug, Serialize, ToSchema)]
pub struct GateCheck {
    /// container, resolution, aspect_ratio, duration, loudness or sound.
    pub name: String,
    /// passed, warning, failed or skipped.
    pub verdict: String,
    pub measured: String,
    pub expected: String,
}

impl From<GateReport> for GateReportResponse {
    fn from(report: GateReport) -> Self {
        Self {
            passed: report.passed,
            checks: report
                .checks
                .into_iter()
                .map(|check| GateCheck {
                    name: check.name,
                    verdict: check.verdict.as_str().to_owned(),
                    measured: check.measured,
                    expected: check.expected,
                })
                .collect(),
        }
    }
}
