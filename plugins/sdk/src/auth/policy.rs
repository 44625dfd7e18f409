//! The policy engine: statements, wildcard matching, evaluation, and the built-in roles.
//!
//! Pure functions only, so every rule is unit tested without a database.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub enum Effect {
    #[serde(rename = "ALLOW")]
    Allow,
    #[serde(rename = "DENY")]
    Deny,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allow => "ALLOW",
            Self::Deny => "DENY",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_uppercase().as_str() {
            "ALLOW" => Some(Self::Allow),
            "DENY" => Some(Self::Deny),
            _ => None,
        }
    }
}

/// One ALLOW or DENY over action patterns (and resource patterns, `*` by default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Statement {
    pub effect: Effect,
    pub actions: Vec<String>,
    #[serde(default = "any_resource")]
    pub resources: Vec<String>,
}

fn any_resource() -> Vec<String> {
    vec!["*".to_string()]
}

impl Statement {
    pub fn allow(actions: &[&str]) -> Self {
        Self {
            effect: Effect::Allow,
            actions: actions.iter().map(|a| a.to_string()).collect(),
            resources: any_resource(),
        }
    }

    pub fn deny(actions: &[&str]) -> Self {
        Self {
            effect: Effect::Deny,
            ..Self::allow(actions)
        }
    }

    fn applies_to(&self, action: &str, resource: &str) -> bool {
        self.actions.iter().any(|p| pattern_matches(p, action))
            && self.resources.iter().any(|p| pattern_matches(p, resource))
    }
}

/// `*` matches everything; a trailing `*` matches any rest (`tournament:*`, `async_race:re*`);
/// anything else must be equal. Matching ignores case.
pub fn pattern_matches(pattern: &str, value: &str) -> bool {
    let pattern = pattern.trim();
    match pattern.strip_suffix('*') {
        Some(prefix) => value
            .get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix)),
        None => pattern.eq_ignore_ascii_case(value),
    }
}

/// DENY wins over ALLOW; with neither, the answer is no.
pub fn evaluate<'a>(
    statements: impl IntoIterator<Item = &'a Statement>,
    action: &str,
    resource: &str,
) -> bool {
    let mut allowed = false;
    for statement in statements {
        if statement.applies_to(action, resource) {
            match statement.effect {
                Effect::Deny => return false,
                Effect::Allow => allowed = true,
            }
        }
    }
    allowed
}

/// Checks an action pattern a user typed: `noun:verb`, `noun:*`, or `*`, lower-case letters,
/// digits and `_`. Returns the message to show when it is malformed.
pub fn validate_pattern(pattern: &str) -> Result<(), String> {
    let pattern = pattern.trim();
    if pattern == "*" {
        return Ok(());
    }
    let Some((noun, verb)) = pattern.split_once(':') else {
        return Err(format!(
            "`{pattern}` must look like `tournament:create` or `tournament:*`"
        ));
    };
    let word = |w: &str| {
        !w.is_empty()
            && w.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    };
    let verb_ok = verb == "*" || word(verb) || verb.strip_suffix('*').is_some_and(word);
    if word(noun) && verb_ok {
        Ok(())
    } else {
        Err(format!(
            "`{pattern}` must be lower-case words joined by `:`, like `tournament:create` or `tournament:*`"
        ))
    }
}

/// Reads rules typed one per line — `ALLOW tournament:*`, `DENY match:delete, match:update` —
/// into statements; the error names the line to fix.
pub fn parse_statements(text: &str) -> Result<Vec<Statement>, crate::Error> {
    let mut statements = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let problem =
            |m: String| crate::Error::invalid("statements", format!("line {}: {m}", n + 1));
        let (effect, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let effect = Effect::parse(effect)
            .ok_or_else(|| problem(format!("start with ALLOW or DENY, not `{effect}`")))?;
        let actions: Vec<String> = rest
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_string)
            .collect();
        if actions.is_empty() {
            return Err(problem(
                "name at least one action after ALLOW or DENY".into(),
            ));
        }
        for action in &actions {
            validate_pattern(action).map_err(problem)?;
        }
        statements.push(Statement {
            effect,
            actions,
            resources: any_resource(),
        });
    }
    if statements.is_empty() {
        return Err(crate::Error::invalid(
            "statements",
            "write at least one rule, e.g. `ALLOW match:read`",
        ));
    }
    Ok(statements)
}

/// A role every organization has. Its actions live here, not in the database, so they cannot
/// drift; `locked` ones cannot be edited or deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuiltinRole {
    pub name: &'static str,
    pub description: &'static str,
    pub actions: &'static [&'static str],
    pub locked: bool,
}

pub const ADMIN_ROLE: &str = "Admin";
/// Not a stored role: every member of an organization holds what plugin manifests grant to
/// `Member` (e.g. `async_race:run`), so "members can do X" needs no role assignment and can
/// still be taken away with a DENY statement.
pub const MEMBER_ROLE: &str = "Member";

pub const BUILTIN_ROLES: &[BuiltinRole] = &[
    BuiltinRole {
        name: ADMIN_ROLE,
        description: "Everything in the organization.",
        actions: &[
            "organization:*",
            "member:*",
            "tournament:*",
            "match:*",
            "async_race:*",
            "async_tournament:*",
            "async_live_race:*",
            "scheduled_task:*",
            "race_room_profile:*",
        ],
        locked: true,
    },
    BuiltinRole {
        name: "Tournament Manager",
        description: "Runs tournaments, matches, qualifiers and their tasks.",
        actions: &[
            "tournament:*",
            "match:*",
            "async_tournament:*",
            "scheduled_task:*",
            "race_room_profile:*",
            "organization:read",
        ],
        locked: true,
    },
    BuiltinRole {
        name: "Async Reviewer",
        description: "Reviews async qualifier runs.",
        actions: &[
            "async_race:review",
            "async_race:approve",
            "async_race:reject",
            "tournament:read",
            "match:read",
        ],
        locked: true,
    },
    BuiltinRole {
        name: "Member Manager",
        description: "Adds and removes members and manages invites.",
        actions: &["member:*", "organization:read"],
        locked: true,
    },
    BuiltinRole {
        name: "Moderator",
        description: "Reads the organization, its members, tournaments and matches.",
        actions: &[
            "organization:read",
            "member:read",
            "tournament:read",
            "match:read",
        ],
        locked: false,
    },
];

pub fn builtin_role(name: &str) -> Option<&'static BuiltinRole> {
    BUILTIN_ROLES.iter().find(|r| r.name == name)
}

/// The statements a built-in role grants.
pub fn builtin_statements(name: &str) -> Option<Statement> {
    builtin_role(name).map(|role| Statement::allow(role.actions))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(pattern_matches("*", "tournament:create"));
        assert!(pattern_matches("tournament:*", "tournament:create"));
        assert!(!pattern_matches("tournament:*", "tournaments:create"));
        assert!(!pattern_matches("tournament:*", "match:create"));
        assert!(pattern_matches("async_race:re*", "async_race:review"));
        assert!(pattern_matches("Member:Add", "member:add"));
        assert!(!pattern_matches("member:add", "member:addx"));
    }

    #[test]
    fn deny_wins_and_nothing_means_no() {
        let allow_all = Statement::allow(&["tournament:*"]);
        let deny_delete = Statement::deny(&["tournament:delete"]);
        assert!(evaluate([&allow_all], "tournament:delete", "*"));
        assert!(!evaluate(
            [&allow_all, &deny_delete],
            "tournament:delete",
            "*"
        ));
        assert!(!evaluate(
            [&deny_delete, &allow_all],
            "tournament:delete",
            "*"
        ));
        assert!(evaluate(
            [&allow_all, &deny_delete],
            "tournament:create",
            "*"
        ));
        assert!(!evaluate([], "tournament:create", "*"));
        assert!(!evaluate([&deny_delete], "tournament:create", "*"));
    }

    #[test]
    fn resources_narrow_a_statement() {
        let mut only_five = Statement::allow(&["tournament:update"]);
        only_five.resources = vec!["tournament/5".into()];
        assert!(evaluate([&only_five], "tournament:update", "tournament/5"));
        assert!(!evaluate([&only_five], "tournament:update", "tournament/6"));
    }

    #[test]
    fn builtin_roles_match_the_reference() {
        let can =
            |role: &str, action: &str| evaluate([&builtin_statements(role).unwrap()], action, "*");
        assert!(can("Admin", "member:remove"));
        assert!(can("Admin", "scheduled_task:create"));
        assert!(can("Tournament Manager", "match:update"));
        assert!(!can("Tournament Manager", "member:add"));
        assert!(can("Async Reviewer", "async_race:review"));
        assert!(!can("Async Reviewer", "async_race:run_for_others"));
        assert!(can("Member Manager", "member:invite"));
        assert!(!can("Member Manager", "tournament:read"));
        assert!(can("Moderator", "match:read"));
        assert!(!can("Moderator", "match:update"));
        assert!(!builtin_role("Moderator").unwrap().locked);
        assert!(builtin_role("Admin").unwrap().locked);
    }

    #[test]
    fn typed_rules_parse_or_name_the_line() {
        let parsed =
            parse_statements("ALLOW match:*, tournament:read\n\n# comment\ndeny match:delete")
                .unwrap();
        assert_eq!(
            parsed,
            vec![
                Statement::allow(&["match:*", "tournament:read"]),
                Statement::deny(&["match:delete"])
            ]
        );
        let err = parse_statements("ALLOW match:*\nPERMIT x:y").unwrap_err();
        assert_eq!(err.field(), Some("statements"));
        assert!(err.message().starts_with("line 2"), "{}", err.message());
        assert!(parse_statements("ALLOW").is_err());
        assert!(parse_statements("ALLOW Match:Read").is_err());
        assert!(parse_statements("  ").is_err());
    }

    #[test]
    fn typed_patterns_are_checked() {
        for ok in [
            "*",
            "tournament:*",
            "tournament:create",
            "async_race:re*",
            "a1:b_2",
        ] {
            assert!(validate_pattern(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "tournament",
            "Tournament:create",
            "tournament:",
            ":create",
            "tour nament:x",
            "a:b:c",
        ] {
            assert!(validate_pattern(bad).is_err(), "{bad}");
        }
    }
}
