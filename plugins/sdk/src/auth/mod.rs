//! Who is calling and what they may do.
//!
//! - [`GlobalLevel`]: site-wide rank (USER < MODERATOR < ADMIN < SUPERADMIN).
//! - [`policy`]: the one policy engine. Global ADMIN+ is allowed everything; everyone else must
//!   be a member of the organization, and then the statements of their roles and their direct
//!   statements decide: any matching DENY wins, else any matching ALLOW, else no.
//! - [`actions`]: the open registry of actions. The platform registers its own; plugins add
//!   theirs at start-up, so no list of every action exists in code.
//! - (server) [`guard`]: the one call at the top of every server function, which asks the
//!   platform's authorizer (behind [`crate::context::Rights`]); [`tokens`]: API tokens and
//!   one-time links.

pub mod actions;
pub mod escalation;
#[cfg(feature = "ssr")]
pub mod guard;
pub mod policy;
#[cfg(feature = "ssr")]
pub mod signed;
#[cfg(feature = "ssr")]
pub mod tokens;

use serde::{Deserialize, Serialize};

/// Site-wide rank. Stored as its number so levels can be compared and extended.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    Default,
    schemars::JsonSchema,
)]
pub enum GlobalLevel {
    #[default]
    User,
    Moderator,
    Admin,
    Superadmin,
}

impl GlobalLevel {
    pub const ALL: [GlobalLevel; 4] = [Self::User, Self::Moderator, Self::Admin, Self::Superadmin];

    pub fn value(self) -> i64 {
        match self {
            Self::User => 0,
            Self::Moderator => 50,
            Self::Admin => 100,
            Self::Superadmin => 200,
        }
    }

    /// The highest level whose value is at most `value` (unknown values round down).
    pub fn from_value(value: i64) -> Self {
        Self::ALL
            .into_iter()
            .rev()
            .find(|level| level.value() <= value)
            .unwrap_or(Self::User)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::User => "User",
            Self::Moderator => "Moderator",
            Self::Admin => "Admin",
            Self::Superadmin => "Superadmin",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|level| level.label().eq_ignore_ascii_case(text.trim()))
    }
}

/// The signed-in user as the app sees them (also sent to the browser).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CurrentUser {
    pub id: i64,
    pub username: String,
    pub display_name: Option<String>,
    pub level: GlobalLevel,
    /// Set while a SUPERADMIN acts as this user: the SUPERADMIN's id.
    pub impersonated_by: Option<i64>,
}

impl CurrentUser {
    pub fn shown_name(&self) -> &str {
        self.display_name
            .as_deref()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or(&self.username)
    }

    pub fn is_at_least(&self, level: GlobalLevel) -> bool {
        self.level >= level
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_order_and_round_trip() {
        assert!(GlobalLevel::User < GlobalLevel::Moderator);
        assert!(GlobalLevel::Admin < GlobalLevel::Superadmin);
        for level in GlobalLevel::ALL {
            assert_eq!(GlobalLevel::from_value(level.value()), level);
            assert_eq!(GlobalLevel::parse(level.label()), Some(level));
        }
        assert_eq!(GlobalLevel::from_value(75), GlobalLevel::Moderator);
        assert_eq!(GlobalLevel::from_value(-3), GlobalLevel::User);
        assert_eq!(
            GlobalLevel::parse("superADMIN"),
            Some(GlobalLevel::Superadmin)
        );
        assert_eq!(GlobalLevel::parse("root"), None);
    }
}
