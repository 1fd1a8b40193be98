//! The caller's profile and their workspaces.

use ace_app::accounts::User;
use ace_app::organizations::Membership;
use serde::Serialize;
use utoipa::ToSchema;

use super::time::iso;

/// A user.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserResponse {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub username: String,
    #[schema(format = DateTime)]
    pub created_at: String,
    /// `created_at` in Unix milliseconds.
    pub created_at_ts: i64,
}

impl From<&User> for UserResponse {
    fn from(user: &User) -> Self {
        Self {
            id: user.id.get(),
            email: user.email.clone(),
            name: user.name.clone(),
            username: user.username.clone(),
            created_at: iso(user.created_at),
            created_at_ts: user.created_at.timestamp_millis(),
        }
    }
}

/// A workspace the caller owns or manages.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkspaceResponse {
    pub id: i64,
    pub name: String,
}

impl From<&Membership> for WorkspaceResponse {
    fn from(view: &Membership) -> Self {
        Self {
            id: view.id.get(),
            name: view.name.clone(),
        }
    }
}
