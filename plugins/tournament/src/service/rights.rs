//! What the caller may do here: the [`Rights`] the pages use to show only what works, and the
//! one question the other services ask when a right widens what a caller sees ([`may`]).
//! The authorizer comes from the adapter (the request's platform); the guard in front of every
//! server function has already checked the action that lets the caller in at all.

use sdk::{context::Rights as Authorizer, Actor, Error};

use super::Tournaments;
use crate::{actions, model::Rights};

/// Whether `actor` holds `action` in the organization (the system and strangers do not).
pub(super) async fn may(
    authorizer: &dyn Authorizer,
    org_id: i64,
    actor: &Actor,
    action: &str,
) -> Result<bool, Error> {
    match &actor.user {
        Some(user) => authorizer.allowed(user, org_id, action).await,
        None => Ok(false),
    }
}

impl Tournaments {
    /// What `actor` may do in the organization's tournaments.
    pub async fn rights(
        &self,
        authorizer: &dyn Authorizer,
        org_id: i64,
        actor: &Actor,
    ) -> Result<Rights, Error> {
        let user_id = actor.id()?;
        let may = |action| may(authorizer, org_id, actor, action);
        Ok(Rights {
            user_id,
            create_tournament: may(actions::CREATE).await?,
            manage_tournament: may(actions::UPDATE).await?,
            manage_streams: may(actions::STREAMS).await?,
            schedule: may(actions::MATCH_CREATE).await?,
            update_match: may(actions::MATCH_UPDATE).await?,
            delete_match: may(actions::MATCH_DELETE).await?,
            advance: may(actions::MATCH_ADVANCE).await?,
            approve_crew: may(actions::CREW_APPROVE).await?,
            crew_signup: may(actions::CREW_SIGNUP).await?,
        })
    }
}
