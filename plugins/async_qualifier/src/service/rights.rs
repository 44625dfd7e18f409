//! What an actor may do in the organization's qualifiers: the one place the plugin asks the
//! authorizer, so the web, the pages and Discord decide alike. The guard (server functions) and
//! the bot's dispatch (commands, buttons) check the plugin and the operation's base action
//! before the service runs; what depends on more than that is decided here: the rights shown
//! as buttons, a reviewer's approve/reject, and what a viewer sees ([`Viewer`], used by
//! `views`).
//!
//! The authorizer comes from the adapter (`platform.authorizer` of the request or the command).

use sdk::{context::Rights as Authorizer, Actor, Error};

use super::Qualifiers;
use crate::{actions, model::Rights, rules::visibility::Viewer};

impl Qualifiers {
    /// Whether the actor holds `action` in the organization. The system (scheduled work) holds
    /// every action; an adapter that knows no user never acts as the system (see
    /// `crate::commands`), so this is never a way around a check.
    pub async fn may(
        &self,
        authorizer: &dyn Authorizer,
        org_id: i64,
        actor: &Actor,
        action: &str,
    ) -> Result<bool, Error> {
        match &actor.user {
            Some(user) => authorizer.allowed(user, org_id, action).await,
            None => Ok(true),
        }
    }

    /// [`Qualifiers::may`], or Forbidden naming the action.
    pub async fn require(
        &self,
        authorizer: &dyn Authorizer,
        org_id: i64,
        actor: &Actor,
        action: &str,
    ) -> Result<(), Error> {
        if self.may(authorizer, org_id, actor, action).await? {
            Ok(())
        } else {
            Err(Error::forbidden(format!(
                "You do not have permission for `{action}` in this organization."
            )))
        }
    }

    /// What the actor may do here (the pages show only the buttons that will work).
    pub async fn rights(
        &self,
        authorizer: &dyn Authorizer,
        org_id: i64,
        actor: &Actor,
    ) -> Result<Rights, Error> {
        let may = |action| self.may(authorizer, org_id, actor, action);
        Ok(Rights {
            create: may(actions::CREATE).await?,
            manage: may(actions::UPDATE).await?,
            review: may(actions::REVIEW).await?,
            recalculate: may(actions::RECALCULATE).await?,
            audit: may(actions::AUDIT).await?,
        })
    }

    /// Who is looking, with the rights that decide what they see (a user: the system reads
    /// rows, not views).
    pub async fn viewer(
        &self,
        authorizer: &dyn Authorizer,
        org_id: i64,
        actor: &Actor,
    ) -> Result<Viewer, Error> {
        Ok(Viewer {
            user_id: actor.id()?,
            can_manage: self.may(authorizer, org_id, actor, actions::UPDATE).await?,
            can_review: self.may(authorizer, org_id, actor, actions::REVIEW).await?,
        })
    }
}
