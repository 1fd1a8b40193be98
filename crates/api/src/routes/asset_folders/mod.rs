//! `/v1/asset_folders`: folders of the asset library.

pub mod create;
pub mod delete;
pub mod update;

use ace_domain::ids::AssetFolderId;
use ace_domain::patch::Patch;
use serde_json::Value;

use crate::error::{ApiError, ApiResult};

/// Reads `parent_id`, which may be a number, a numeric string or `null`.
fn parent_of(raw: Patch<Value>) -> ApiResult<Patch<AssetFolderId>> {
    raw.try_map(|value| {
        serde_json::from_value::<AssetFolderId>(value)
            .map_err(|_| ApiError::validation("parent_id must be a folder id."))
    })
}
