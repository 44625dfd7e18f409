//! The rules that keep anyone from giving more than they hold (privilege escalation inside an
//! organization).
//!
//! Managing members and roles is itself a right (`member:assign_role`, `member:manage_roles`,
//! `member:remove`), and a right to hand out rights is a right to everything unless it is bounded.
//! So, whatever the endpoint, page, command or task that changes them (all go through
//! `identity::roles` and `identity::orgs`, which call the [`Authorizer`] checks built on these
//! functions):
//! - nobody grants (or denies) an action they do not hold themselves — a statement's action
//!   patterns are compared with the actor's own statements and with every registered action they
//!   cover, so `ALLOW *` needs everything, `ALLOW member:*` every member action;
//! - nobody changes the roles, direct statements or membership of someone holding an action they
//!   do not hold (a Member Manager cannot strip or remove the Admin);
//! - nobody edits their own roles or direct statements;
//! - only an Admin (or a site admin) gives or takes the Admin role.
//!
//! Site admins hold everything. These are pure functions over statements, unit tested here.
//!
//! [`Authorizer`]: super::authorizer::Authorizer

use super::{
    actions::ActionInfo,
    policy::{evaluate, pattern_matches, Statement},
};

/// Whether statements `held` allow `action` (with any resource).
fn holds(held: &[Statement], action: &str) -> bool {
    evaluate(held.iter(), action, "*")
}

/// The first action that `pattern` names or covers and `held` does not allow. The pattern is
/// also checked as written, so an actor needs a wildcard to hand out that same wildcard: for
/// actions a plugin registers later.
pub fn first_missing_for_pattern(
    held: &[Statement],
    known: &[ActionInfo],
    pattern: &str,
) -> Option<String> {
    let pattern = pattern.trim();
    if !holds(held, pattern) {
        return Some(pattern.to_string());
    }
    known
        .iter()
        .map(|info| info.action.as_str())
        .find(|action| pattern_matches(pattern, action) && !holds(held, action))
        .map(str::to_string)
}

/// The first action named by any of `statements` (ALLOW or DENY alike: a DENY an actor could
/// place or lift changes rights as much) that `held` does not allow.
pub fn first_missing_for_statements(
    held: &[Statement],
    known: &[ActionInfo],
    statements: &[Statement],
) -> Option<String> {
    statements
        .iter()
        .flat_map(|s| s.actions.iter())
        .find_map(|pattern| first_missing_for_pattern(held, known, pattern))
}

/// The first registered action the target holds and the actor does not: the actor may not manage
/// a member who holds more than they do.
pub fn first_missing_to_manage(
    actor: &[Statement],
    target: &[Statement],
    known: &[ActionInfo],
) -> Option<String> {
    known
        .iter()
        .map(|info| info.action.as_str())
        .find(|action| holds(target, action) && !holds(actor, action))
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{actions::ActionRegistry, policy::builtin_statements};

    fn known() -> Vec<ActionInfo> {
        let mut registry = ActionRegistry::with_core();
        registry.register("tournament", "tournament:create", "Create tournaments");
        registry.all().to_vec()
    }

    fn member_manager() -> Vec<Statement> {
        vec![builtin_statements("Member Manager").unwrap()]
    }

    #[test]
    fn a_member_manager_cannot_hand_out_everything() {
        let held = member_manager();
        let known = known();
        assert_eq!(
            first_missing_for_pattern(&held, &known, "*").as_deref(),
            Some("*")
        );
        assert_eq!(
            first_missing_for_pattern(&held, &known, "organization:*").as_deref(),
            Some("organization:*")
        );
        assert_eq!(
            first_missing_for_pattern(&held, &known, "tournament:create").as_deref(),
            Some("tournament:create")
        );
        assert_eq!(first_missing_for_pattern(&held, &known, "member:*"), None);
        assert_eq!(first_missing_for_pattern(&held, &known, "member:add"), None);
    }

    #[test]
    fn a_deny_in_what_you_hold_bounds_your_wildcards() {
        let held = vec![
            Statement::allow(&["member:*"]),
            Statement::deny(&["member:remove"]),
        ];
        let known = known();
        assert_eq!(
            first_missing_for_pattern(&held, &known, "member:*").as_deref(),
            Some("member:remove")
        );
        assert_eq!(
            first_missing_for_pattern(&held, &known, "member:remove").as_deref(),
            Some("member:remove")
        );
        // Placing (or lifting) a DENY counts like an ALLOW.
        let deny = [Statement::deny(&["member:remove"])];
        assert_eq!(
            first_missing_for_statements(&held, &known, &deny).as_deref(),
            Some("member:remove")
        );
        assert_eq!(
            first_missing_for_statements(&held, &known, &[Statement::deny(&["member:add"])]),
            None
        );
    }

    #[test]
    fn a_narrower_wildcard_needs_a_covering_one() {
        let held = vec![Statement::allow(&["member:a*"])];
        let known = known();
        assert_eq!(first_missing_for_pattern(&held, &known, "member:add"), None);
        assert_eq!(first_missing_for_pattern(&held, &known, "member:as*"), None);
        assert_eq!(
            first_missing_for_pattern(&held, &known, "member:*").as_deref(),
            Some("member:*")
        );
    }

    #[test]
    fn nobody_manages_someone_holding_more() {
        let known = known();
        let admin = vec![builtin_statements("Admin").unwrap()];
        assert_eq!(
            first_missing_to_manage(&member_manager(), &admin, &known).as_deref(),
            Some("organization:update")
        );
        assert_eq!(
            first_missing_to_manage(&admin, &member_manager(), &known),
            None
        );
        assert_eq!(
            first_missing_to_manage(&member_manager(), &member_manager(), &known),
            None
        );
    }
}
