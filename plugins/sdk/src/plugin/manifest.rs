//! `plugin.toml`: what a plugin is, needs, defines and offers.
//!
//! [`Manifest::parse`] reads the TOML (unknown keys are errors, so a typo never passes silently)
//! and then [`Manifest::validate`]s it; every error names the field to fix, e.g.
//! `requires.plugins[0].version: "abc" is not a semver range`.

use std::collections::BTreeSet;

use semver::{Version, VersionReq};
use serde::Deserialize;
use serde_json::Value;

use crate::auth::{actions::CORE_ACTIONS, policy::builtin_role};

/// Categories a manifest may declare.
pub const CATEGORIES: &[&str] = &[
    "core",
    "competition",
    "randomizer",
    "integration",
    "utility",
    "global",
];
pub const KINDS: &[&str] = &["builtin", "external"];
/// Segments under `/org/{org_id}/` that the platform's own pages use.
pub const RESERVED_ROUTES: &[&str] = &[
    "members", "roles", "invites", "audit", "settings", "plugins", "tasks",
];
/// Ids a plugin may not take.
pub const RESERVED_IDS: &[&str] = &["core", "sdk", "app", "server", "admin"];

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub id: String,
    pub name: String,
    pub version: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub author: String,
    pub category: String,
    #[serde(default = "builtin_kind")]
    pub kind: String,
    #[serde(default)]
    pub enabled_by_default: bool,
    /// Always on and not tied to an organization (e.g. the Discord bot).
    #[serde(default)]
    pub global: bool,
    /// Visible only to site admins until they grant it to an organization.
    #[serde(default)]
    pub private: bool,
    #[serde(default)]
    pub requires: Requires,
    #[serde(default)]
    pub provides: Provides,
    #[serde(default)]
    pub permissions: Vec<Permission>,
    /// JSON Schema (written as TOML) of the plugin's settings; `default`s fill the form.
    #[serde(default)]
    pub config_schema: Option<toml::Value>,
}

fn builtin_kind() -> String {
    "builtin".to_string()
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requires {
    /// Semver range the platform version must satisfy.
    #[serde(default)]
    pub app: Option<String>,
    #[serde(default)]
    pub plugins: Vec<PluginRequirement>,
    /// Used when present, fine when absent.
    #[serde(default)]
    pub optional: Vec<PluginRequirement>,
    /// Plugins this one cannot run beside.
    #[serde(default)]
    pub conflicts: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PluginRequirement {
    pub id: String,
    #[serde(default = "any_version")]
    pub version: String,
}

fn any_version() -> String {
    "*".to_string()
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provides {
    /// The segment under `/org/{org_id}/` where the pages live; defaults to the id with `-`.
    #[serde(default)]
    pub route: Option<String>,
    #[serde(default)]
    pub pages: Vec<Page>,
    #[serde(default)]
    pub nav: Vec<Nav>,
    #[serde(default)]
    pub discord_commands: Vec<String>,
    #[serde(default)]
    pub events: Vec<String>,
    #[serde(default)]
    pub tasks: Vec<String>,
    #[serde(default)]
    pub services: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Page {
    /// Relative to the plugin's route (`""` is its first page).
    pub path: String,
    pub name: String,
    #[serde(default = "org_scope")]
    pub scope: String,
}

fn org_scope() -> String {
    "org".to_string()
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Nav {
    pub label: String,
    /// Relative to the plugin's route.
    #[serde(default)]
    pub path: String,
    #[serde(default)]
    pub icon: String,
    /// Shown only to members who hold this action.
    #[serde(default)]
    pub action: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Permission {
    pub action: String,
    pub description: String,
    /// Built-in roles that hold this action; `Member` (auth::policy::MEMBER_ROLE) means every
    /// member of the organization.
    #[serde(default)]
    pub roles: Vec<String>,
}

/// A manifest that cannot be used, with the field to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("plugin.toml of {plugin}: {field}: {message}")]
pub struct ManifestError {
    /// The plugin id, or where the manifest came from when the id is unreadable.
    pub plugin: String,
    pub field: String,
    pub message: String,
}

impl Manifest {
    /// Parses and validates. `origin` names the manifest in errors when its id is unreadable.
    pub fn parse(source: &str, origin: &str) -> Result<Self, ManifestError> {
        let manifest: Manifest = toml::from_str(source).map_err(|e| ManifestError {
            plugin: id_hint(source).unwrap_or_else(|| origin.to_string()),
            field: named_in(e.message())
                .or_else(|| e.span().map(|span| field_at(source, span.start)))
                .unwrap_or_else(|| "(file)".to_string()),
            message: e.message().to_string(),
        })?;
        manifest.validate()?;
        Ok(manifest)
    }

    fn error(&self, field: impl Into<String>, message: impl Into<String>) -> ManifestError {
        ManifestError {
            plugin: self.id.clone(),
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn validate(&self) -> Result<(), ManifestError> {
        if !is_plugin_id(&self.id) {
            return Err(self.error(
                "id",
                format!(
                    "\"{}\" is not a valid id: use lowercase letters, digits and `_`, starting \
                     with a letter (at most 40 characters)",
                    self.id
                ),
            ));
        }
        if RESERVED_IDS.contains(&self.id.as_str()) {
            return Err(self.error("id", format!("\"{}\" is reserved", self.id)));
        }
        if self.name.trim().is_empty() {
            return Err(self.error("name", "must not be empty"));
        }
        if let Err(e) = Version::parse(&self.version) {
            return Err(self.error(
                "version",
                format!(
                    "\"{}\" is not a semver version like 1.2.3 ({e})",
                    self.version
                ),
            ));
        }
        if !CATEGORIES.contains(&self.category.as_str()) {
            return Err(self.error(
                "category",
                format!(
                    "\"{}\" is not one of {}",
                    self.category,
                    CATEGORIES.join(", ")
                ),
            ));
        }
        if !KINDS.contains(&self.kind.as_str()) {
            return Err(self.error(
                "kind",
                format!("\"{}\" is not one of {}", self.kind, KINDS.join(", ")),
            ));
        }
        if let Some(app) = &self.requires.app {
            if let Err(e) = VersionReq::parse(app) {
                return Err(self.error(
                    "requires.app",
                    format!("\"{app}\" is not a semver range like \">=0.1\" ({e})"),
                ));
            }
        }
        for (list, field) in [
            (&self.requires.plugins, "requires.plugins"),
            (&self.requires.optional, "requires.optional"),
        ] {
            for (i, dep) in list.iter().enumerate() {
                if !is_plugin_id(&dep.id) {
                    return Err(self.error(
                        format!("{field}[{i}].id"),
                        format!("\"{}\" is not a valid plugin id", dep.id),
                    ));
                }
                if dep.id == self.id {
                    return Err(self.error(
                        format!("{field}[{i}].id"),
                        "a plugin cannot depend on itself",
                    ));
                }
                if let Err(e) = VersionReq::parse(&dep.version) {
                    return Err(self.error(
                        format!("{field}[{i}].version"),
                        format!(
                            "\"{}\" is not a semver range like \"^1\" ({e})",
                            dep.version
                        ),
                    ));
                }
            }
        }
        for (i, other) in self.requires.conflicts.iter().enumerate() {
            if !is_plugin_id(other) || *other == self.id {
                return Err(self.error(
                    format!("requires.conflicts[{i}]"),
                    format!("\"{other}\" is not another plugin's id"),
                ));
            }
        }
        let route = self.route();
        if !is_route_segment(&route) {
            return Err(self.error(
                "provides.route",
                format!("\"{route}\" must be lowercase letters, digits and `-`"),
            ));
        }
        if RESERVED_ROUTES.contains(&route.as_str()) {
            return Err(self.error(
                "provides.route",
                format!("\"{route}\" is used by the platform's own pages"),
            ));
        }
        let mut declared = BTreeSet::new();
        for (i, permission) in self.permissions.iter().enumerate() {
            let field = format!("permissions[{i}]");
            if !is_action(&permission.action) {
                return Err(self.error(
                    format!("{field}.action"),
                    format!(
                        "\"{}\" is not an action like `thing:verb` (lowercase, `_` allowed)",
                        permission.action
                    ),
                ));
            }
            if CORE_ACTIONS.iter().any(|(a, _)| *a == permission.action) {
                return Err(self.error(
                    format!("{field}.action"),
                    format!("\"{}\" is a platform action", permission.action),
                ));
            }
            if !declared.insert(permission.action.as_str()) {
                return Err(self.error(
                    format!("{field}.action"),
                    format!("\"{}\" is declared twice", permission.action),
                ));
            }
            if permission.description.trim().is_empty() {
                return Err(self.error(format!("{field}.description"), "must not be empty"));
            }
            for (j, role) in permission.roles.iter().enumerate() {
                if builtin_role(role).is_none() && role != crate::auth::policy::MEMBER_ROLE {
                    return Err(self.error(
                        format!("{field}.roles[{j}]"),
                        format!("\"{role}\" is not a built-in role"),
                    ));
                }
            }
        }
        for (i, nav) in self.provides.nav.iter().enumerate() {
            if nav.label.trim().is_empty() {
                return Err(self.error(format!("provides.nav[{i}].label"), "must not be empty"));
            }
            if let Some(action) = &nav.action {
                let known = declared.contains(action.as_str())
                    || CORE_ACTIONS.iter().any(|(a, _)| a == action);
                if !known {
                    return Err(self.error(
                        format!("provides.nav[{i}].action"),
                        format!("\"{action}\" is neither a platform action nor declared in [[permissions]]"),
                    ));
                }
            }
        }
        for (i, page) in self.provides.pages.iter().enumerate() {
            if !["org", "admin", "global"].contains(&page.scope.as_str()) {
                return Err(self.error(
                    format!("provides.pages[{i}].scope"),
                    format!("\"{}\" is not one of org, admin, global", page.scope),
                ));
            }
        }
        if let Some(schema) = self.config_schema_json() {
            if let Err(e) = super::config::check_schema(&schema) {
                return Err(self.error(format!("config_schema{}", e.0), e.1));
            }
        }
        Ok(())
    }

    /// The segment under `/org/{org_id}/` where this plugin's pages live.
    pub fn route(&self) -> String {
        self.provides
            .route
            .clone()
            .unwrap_or_else(|| self.id.replace('_', "-"))
    }

    /// The schema as JSON, if the manifest has one.
    pub fn config_schema_json(&self) -> Option<Value> {
        self.config_schema
            .as_ref()
            .and_then(|schema| serde_json::to_value(schema).ok())
    }

    /// Required dependencies, then optional ones.
    pub fn all_dependencies(&self) -> impl Iterator<Item = (&PluginRequirement, bool)> {
        self.requires
            .plugins
            .iter()
            .map(|d| (d, false))
            .chain(self.requires.optional.iter().map(|d| (d, true)))
    }

    pub fn requires_plugin(&self, id: &str) -> bool {
        self.requires.plugins.iter().any(|d| d.id == id)
    }

    pub fn declares_dependency_on(&self, id: &str) -> bool {
        self.all_dependencies().any(|(d, _)| d.id == id)
    }
}

pub fn is_plugin_id(id: &str) -> bool {
    let mut chars = id.chars();
    id.len() <= 40
        && chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn is_route_segment(route: &str) -> bool {
    let mut chars = route.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// `thing:verb`, both parts lowercase words (`_` allowed).
pub fn is_action(action: &str) -> bool {
    let word = |w: &str| {
        let mut chars = w.chars();
        chars.next().is_some_and(|c| c.is_ascii_lowercase())
            && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    };
    match action.split_once(':') {
        Some((thing, verb)) => word(thing) && word(verb),
        None => false,
    }
}

/// The `id = "…"` line of a manifest that failed to parse, for the error message.
fn id_hint(source: &str) -> Option<String> {
    source.lines().find_map(|line| {
        let (key, value) = line.split_once('=')?;
        (key.trim() == "id").then(|| value.trim().trim_matches('"').to_string())
    })
}

/// The key a serde message names, as in "unknown field `colour`, expected …".
fn named_in(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    rest.split_once('`').map(|(name, _)| name.to_string())
}

/// The key (or `[table]` header) at a byte offset, for errors whose message lacks it.
fn field_at(source: &str, offset: usize) -> String {
    let before = source.get(..offset).unwrap_or(source);
    let line_no = before.lines().count().max(1);
    let line = source.lines().nth(line_no - 1).unwrap_or("").trim();
    let key = line
        .split_once('=')
        .map(|(k, _)| k.trim())
        .unwrap_or(line)
        .trim_matches(|c| c == '[' || c == ']');
    format!("line {line_no} `{key}`")
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const VALID: &str = r#"
id = "tournament"
name = "Tournaments"
version = "1.2.0"
description = "Matches and schedules"
author = "SahaBot"
category = "competition"
enabled_by_default = true

[requires]
app = ">=0.1"
plugins = [{ id = "presets", version = "^1" }]
optional = [{ id = "racetime", version = "^0.3" }]
conflicts = ["legacy_tournament"]

[provides]
route = "tournaments"
nav = [{ label = "Schedule", path = "schedule", icon = "calendar", action = "match:read" }]

[[permissions]]
action = "tournament:create"
description = "Create tournaments"
roles = ["Admin", "Tournament Manager"]

[[permissions]]
action = "match:read"
description = "See matches"

[config_schema]
type = "object"
[config_schema.properties.max_players]
type = "integer"
minimum = 2
maximum = 64
default = 8
"#;

    fn with(replace: &str, by: &str) -> String {
        assert!(VALID.contains(replace), "test fixture lacks {replace}");
        VALID.replacen(replace, by, 1)
    }

    fn err(source: &str) -> ManifestError {
        Manifest::parse(source, "test.toml").unwrap_err()
    }

    #[test]
    fn valid_manifest_parses() {
        let m = Manifest::parse(VALID, "test.toml").unwrap();
        assert_eq!(m.id, "tournament");
        assert_eq!(m.route(), "tournaments");
        assert!(m.requires_plugin("presets"));
        assert!(m.declares_dependency_on("racetime"));
        assert!(!m.requires_plugin("racetime"));
        assert_eq!(m.permissions[0].roles.len(), 2);
        assert_eq!(
            m.config_schema_json().unwrap()["properties"]["max_players"]["default"],
            8
        );
    }

    #[test]
    fn route_defaults_to_the_id() {
        let m = Manifest::parse(&with("route = \"tournaments\"\n", ""), "t").unwrap();
        assert_eq!(m.route(), "tournament");
    }

    #[test]
    fn bad_id_names_the_field() {
        let e = err(&with("id = \"tournament\"", "id = \"Tournament-X\""));
        assert_eq!(e.field, "id");
        assert!(e.message.contains("lowercase"), "{e}");
        let e = err(&with("id = \"tournament\"", "id = \"core\""));
        assert!(e.message.contains("reserved"), "{e}");
    }

    #[test]
    fn bad_semver_names_the_field() {
        let e = err(&with("version = \"1.2.0\"", "version = \"1.2\""));
        assert_eq!(e.field, "version");
        let e = err(&with("version = \"^1\" }]", "version = \"one\" }]"));
        assert_eq!(e.field, "requires.plugins[0].version");
        assert!(e.to_string().contains("\"one\""), "{e}");
        let e = err(&with("app = \">=0.1\"", "app = \"newest\""));
        assert_eq!(e.field, "requires.app");
    }

    #[test]
    fn unknown_field_is_refused_with_its_name() {
        let e = err(&with(
            "enabled_by_default = true",
            "enabled_by_defualt = true",
        ));
        assert!(e.message.contains("enabled_by_defualt"), "{e}");
        assert!(e.field.contains("enabled_by_defualt"), "{e}");
        assert_eq!(e.plugin, "tournament");
    }

    #[test]
    fn permissions_must_be_well_formed() {
        let e = err(&with(
            "action = \"tournament:create\"",
            "action = \"Create\"",
        ));
        assert_eq!(e.field, "permissions[0].action");
        let e = err(&with("\"Admin\", \"Tournament Manager\"", "\"Boss\""));
        assert_eq!(e.field, "permissions[0].roles[0]");
        let e = err(&with(
            "action = \"match:read\"\ndescription",
            "action = \"tournament:create\"\ndescription",
        ));
        assert!(e.message.contains("twice"), "{e}");
        let e = err(&with(
            "action = \"tournament:create\"",
            "action = \"member:add\"",
        ));
        assert!(e.message.contains("platform action"), "{e}");
        let e = err(&with(
            "action = \"match:read\" }",
            "action = \"match:write\" }",
        ));
        assert_eq!(e.field, "provides.nav[0].action");
    }

    #[test]
    fn category_and_route_are_checked() {
        let e = err(&with("category = \"competition\"", "category = \"games\""));
        assert_eq!(e.field, "category");
        let e = err(&with("route = \"tournaments\"", "route = \"members\""));
        assert_eq!(e.field, "provides.route");
    }

    #[test]
    fn config_schema_must_be_valid() {
        let e = err(&with("type = \"integer\"", "type = \"integr\""));
        assert!(e.field.starts_with("config_schema"), "{e}");
        let e = err(&with("default = 8", "default = 100"));
        assert!(e.field.contains("max_players"), "{e}");
        assert!(e.message.contains("100"), "{e}");
    }
}
