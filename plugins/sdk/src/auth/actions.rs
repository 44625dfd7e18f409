//! The open registry of actions: every action a role or statement can name, with who defines it
//! and what it means. The platform registers its own here; plugins register theirs at start-up.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ActionInfo {
    /// e.g. `member:add`
    pub action: String,
    /// `core` or the plugin id.
    pub owner: String,
    pub description: String,
}

/// Filled once at start-up, read everywhere after (shared behind an `Arc`).
#[derive(Debug, Clone, Default)]
pub struct ActionRegistry {
    actions: Vec<ActionInfo>,
    /// (built-in role, action) pairs plugin manifests add to the roles' code-defined grants.
    role_grants: Vec<(String, String)>,
}

/// The platform's own actions.
pub const CORE_ACTIONS: &[(&str, &str)] = &[
    ("organization:read", "See the organization and its overview"),
    (
        "organization:update",
        "Change the organization's name, description and settings",
    ),
    ("organization:audit", "Read the organization's audit log"),
    (
        "organization:plugins",
        "Switch the organization's plugins on and off and change their settings",
    ),
    ("member:read", "See the member list"),
    ("member:add", "Add a user as a member"),
    ("member:remove", "Remove a member"),
    ("member:invite", "Create and revoke invite links"),
    (
        "member:assign_role",
        "Give members roles and take them away",
    ),
    (
        "member:manage_roles",
        "Create, edit and delete custom roles and direct policies",
    ),
    (
        "scheduled_task:read",
        "See the organization's scheduled tasks and their runs",
    ),
    ("scheduled_task:create", "Schedule new tasks"),
    ("scheduled_task:update", "Change and pause scheduled tasks"),
    ("scheduled_task:delete", "Delete scheduled tasks"),
    ("scheduled_task:run", "Run a scheduled task now"),
];

impl ActionRegistry {
    /// A registry holding the platform's actions.
    pub fn with_core() -> Self {
        let mut registry = Self::default();
        for (action, description) in CORE_ACTIONS {
            registry.register("core", action, description);
        }
        registry
    }

    /// Adds an action; registering the same action twice keeps the first description.
    pub fn register(&mut self, owner: &str, action: &str, description: &str) {
        if self.actions.iter().any(|a| a.action == action) {
            return;
        }
        self.actions.push(ActionInfo {
            action: action.to_string(),
            owner: owner.to_string(),
            description: description.to_string(),
        });
    }

    /// Gives a built-in role an action (from a plugin manifest's `permissions[].roles`).
    pub fn grant_to_role(&mut self, role: &str, action: &str) {
        let pair = (role.to_string(), action.to_string());
        if !self.role_grants.contains(&pair) {
            self.role_grants.push(pair);
        }
    }

    /// Actions plugins granted to the built-in role `role`.
    pub fn role_grants(&self, role: &str) -> Vec<&str> {
        self.role_grants
            .iter()
            .filter(|(r, _)| r == role)
            .map(|(_, a)| a.as_str())
            .collect()
    }

    pub fn all(&self) -> &[ActionInfo] {
        &self.actions
    }

    pub fn is_known(&self, action: &str) -> bool {
        self.actions.iter().any(|a| a.action == action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plugins_add_their_actions() {
        let mut registry = ActionRegistry::with_core();
        assert!(registry.is_known("member:add"));
        assert!(!registry.is_known("tournament:create"));
        registry.register("tournament", "tournament:create", "Create tournaments");
        registry.register("other", "tournament:create", "again");
        assert!(registry.is_known("tournament:create"));
        let info = registry
            .all()
            .iter()
            .find(|a| a.action == "tournament:create")
            .unwrap();
        assert_eq!(info.owner, "tournament");
    }
}
