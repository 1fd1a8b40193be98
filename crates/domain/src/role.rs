//! Membership roles in an organization and what each may do. This is the one place that says
//! which role can do what; use cases ask these questions instead of comparing roles.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A member's role in an organization, from most to least powerful.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Manager,
    Editor,
    Viewer,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Owner, Role::Manager, Role::Editor, Role::Viewer];

    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Manager => "manager",
            Role::Editor => "editor",
            Role::Viewer => "viewer",
        }
    }

    /// Owners and managers run the workspace: they see it in `/workspaces`, rename it and
    /// create or delete its agents.
    pub const fn administers_workspace(self) -> bool {
        matches!(self, Role::Owner | Role::Manager)
    }

    /// Only an owner may delete the organization.
    pub const fn may_delete_organization(self) -> bool {
        matches!(self, Role::Owner)
    }

    /// Editors and above may change an agent's settings, avatars and setup canvas.
    pub const fn may_edit_agents(self) -> bool {
        matches!(self, Role::Owner | Role::Manager | Role::Editor)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role name that is not one of the four.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be one of owner, manager, editor, viewer")]
pub struct UnknownRole;

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(text: &str) -> Result<Self, UnknownRole> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str().eq_ignore_ascii_case(text.trim()))
            .ok_or(UnknownRole)
    }
}

impl TryFrom<String> for Role {
    type Error = UnknownRole;

    fn try_from(text: String) -> Result<Self, UnknownRole> {
        text.parse()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_owners_and_managers_administer_a_workspace() {
        let admins: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.administers_workspace())
            .collect();
        assert_eq!(admins, [Role::Owner, Role::Manager]);
    }

    #[test]
    fn viewers_cannot_edit_agents_but_editors_can() {
        assert!(Role::Editor.may_edit_agents());
        assert!(!Role::Viewer.may_edit_agents());
    }

    #[test]
    fn role_names_parse_case_insensitively() {
        assert_eq!("Manager".parse::<Role>(), Ok(Role::Manager));
        assert_eq!("admin".parse::<Role>(), Err(UnknownRole));
    }
}
