//! Organizations (workspaces) as their members see them.

use ace_app::organizations::Membership;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::extract::Resource;

/// An image and its thumbnail.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImageUrls {
    pub url: String,
    pub thumbnail_url: String,
}

/// Credits per bucket.
#[derive(Debug, Serialize, ToSchema)]
pub struct AvailableCredit {
    /// Spent by the API.
    pub generic: f64,
    /// For connected-social features; never spent by the API.
    pub aura: f64,
}

/// The plan an organization is on.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreditPlanResponse {
    pub id: i64,
    pub name: String,
    pub cycle: String,
}

/// An organization.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationResponse {
    pub id: i64,
    pub uuid: String,
    pub organization_id: i64,
    pub name: String,
    pub avatar: Option<ImageUrls>,
    /// The caller's role: owner, manager, editor or viewer.
    pub user_role: String,
    /// Total credits (generic + aura).
    pub credit: f64,
    pub available_credit: AvailableCredit,
    pub total_members: i64,
    pub credit_plan: Option<CreditPlanResponse>,
}

impl From<&Membership> for OrganizationResponse {
    fn from(view: &Membership) -> Self {
        Self {
            id: view.id.get(),
            uuid: view.uuid.clone(),
            organization_id: view.id.get(),
            name: view.name.clone(),
            avatar: view.avatar.as_ref().map(|image| ImageUrls {
                url: image.url.clone(),
                thumbnail_url: image.thumbnail_url.clone(),
            }),
            user_role: view.role.as_str().to_owned(),
            credit: view.balance.total().as_f64(),
            available_credit: AvailableCredit {
                generic: view.balance.generic.as_f64(),
                aura: view.balance.aura.as_f64(),
            },
            total_members: view.total_members,
            credit_plan: view.plan.as_ref().map(|plan| CreditPlanResponse {
                id: plan.id.get(),
                name: plan.name.clone(),
                cycle: plan.cycle.clone(),
            }),
        }
    }
}

/// The id of a created or updated organization.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationIdResponse {
    pub organization_id: i64,
}

/// `{organization: {name}}`, as JSON or multipart (`organization[name]`, `organization[avatar]`).
#[derive(Debug, Deserialize, ToSchema)]
pub struct OrganizationBody {
    pub name: Option<String>,
    /// An image file (JPEG, PNG, WebP or GIF), in multipart requests only.
    #[schema(value_type = Option<String>, format = Binary)]
    #[serde(default)]
    pub avatar: Option<serde_json::Value>,
}

impl Resource for OrganizationBody {
    const KEY: &'static str = "organization";
}
