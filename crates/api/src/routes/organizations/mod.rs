//! `/v1/organizations`: workspaces with their credits, plan and members.

pub mod create;
pub mod delete;
pub mod list;
pub mod show;
pub mod update;

use ace_app::Upload;

use crate::dto::organization::OrganizationBody;
use crate::error::ApiResult;
use crate::extract::FormData;
use crate::extract::body::unwrap_resource;

/// Reads `{organization: {name, avatar?}}` from JSON or multipart.
fn read_body(form: &FormData) -> ApiResult<(Option<String>, Option<Upload>)> {
    let body: OrganizationBody = unwrap_resource(&form.value)?;
    let avatar = body.avatar.as_ref().and_then(|v| form.upload(v));
    Ok((body.name, avatar))
}
