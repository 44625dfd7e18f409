//! Who acts: the one type every service takes to decide rights and to sign the audit log.
//!
//! An adapter makes the [`Actor`] and hands it to the service: a server function from its
//! guard's [`OrgScope`](crate::auth::guard::OrgScope) (`Actor::from(&scope)`), a Discord
//! command from the linked account of whoever typed it, the scheduler as
//! [`Actor::system`]. The service then asks the authorizer what this user may do and writes
//! its audit entry with [`Actor::audit`], inside the change's transaction, so the record and
//! the change commit together or not at all.

use crate::{
    auth::{CurrentUser, GlobalLevel},
    Error,
};

/// A user (signed in on the site, through an API token, or on Discord) or the system, and the
/// address the request came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Actor {
    /// `None` for the system: the scheduler, start-up work, listeners.
    pub user: Option<CurrentUser>,
    /// The client's address, for the audit log (none for Discord and the system).
    pub ip: Option<String>,
}

impl Actor {
    /// `user`, from no particular address (a Discord command, a test).
    pub fn user(user: CurrentUser) -> Self {
        Self {
            user: Some(user),
            ip: None,
        }
    }

    /// Nobody: work the platform does by itself.
    pub fn system() -> Self {
        Self::default()
    }

    /// The same actor, from `ip`.
    pub fn from_ip(mut self, ip: Option<String>) -> Self {
        self.ip = ip;
        self
    }

    /// The user's id, or `None` for the system.
    pub fn user_id(&self) -> Option<i64> {
        self.user.as_ref().map(|u| u.id)
    }

    /// The user, or Unauthenticated: for what only a person may do.
    pub fn require_user(&self) -> Result<&CurrentUser, Error> {
        self.user
            .as_ref()
            .ok_or_else(|| Error::unauthenticated("Sign in to do this."))
    }

    /// The user's id, or Unauthenticated.
    pub fn id(&self) -> Result<i64, Error> {
        self.require_user().map(|u| u.id)
    }

    /// A user of at least this site level (the system is not).
    pub fn is_at_least(&self, level: GlobalLevel) -> bool {
        self.user.as_ref().is_some_and(|u| u.is_at_least(level))
    }

    /// Records `action` by this actor in the audit log, on `conn` — the change's transaction.
    #[cfg(feature = "ssr")]
    pub async fn audit(
        &self,
        conn: &mut sqlx::AnyConnection,
        org_id: Option<i64>,
        action: &str,
        details: serde_json::Value,
    ) -> Result<(), Error> {
        crate::audit::record(
            conn,
            crate::audit::AuditEntry {
                user_id: self.user_id(),
                org_id,
                action,
                details,
                ip: self.ip.as_deref(),
            },
        )
        .await
    }
}

#[cfg(feature = "ssr")]
impl From<&crate::auth::guard::OrgScope> for Actor {
    fn from(scope: &crate::auth::guard::OrgScope) -> Self {
        Self {
            user: Some(scope.user.clone()),
            ip: scope.ip.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn someone(level: GlobalLevel) -> CurrentUser {
        CurrentUser {
            id: 7,
            username: "someone".into(),
            display_name: None,
            level,
            impersonated_by: None,
        }
    }

    #[test]
    fn the_system_is_nobody_and_holds_no_site_level() {
        let system = Actor::system();
        assert_eq!(system.user_id(), None);
        assert!(matches!(system.id(), Err(Error::Unauthenticated { .. })));
        assert!(!system.is_at_least(GlobalLevel::User));
    }

    #[test]
    fn a_user_is_known_by_id_and_level() {
        let admin = Actor::user(someone(GlobalLevel::Admin)).from_ip(Some("10.0.0.1".into()));
        assert_eq!(admin.id().ok(), Some(7));
        assert!(admin.is_at_least(GlobalLevel::Admin));
        assert!(!admin.is_at_least(GlobalLevel::Superadmin));
        assert_eq!(admin.ip.as_deref(), Some("10.0.0.1"));
    }
}
