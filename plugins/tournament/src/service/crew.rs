//! Crew: members sign up for a match (waiting for approval), managers add crew (approved at
//! once), approve or withdraw approval; a member withdraws their own sign-up.

use sdk::{Actor, Error};
use serde_json::json;

use super::{no_match, Staged, Tournaments};
use crate::{
    events::{CrewApproved, CrewSignedUp, MatchUpdated},
    model::{CrewRole, Match, MatchStatus},
    repo, rules,
};

impl Tournaments {
    /// A member signs up; the entry waits for approval.
    pub async fn crew_signup(
        &self,
        org_id: i64,
        actor: &Actor,
        match_id: i64,
        role: CrewRole,
        now: i64,
    ) -> Result<Match, Error> {
        let user = actor.id()?;
        self.add_crew_entry(org_id, actor, match_id, user, role, None, now)
            .await
    }

    /// A manager adds someone as crew: approved at once.
    pub async fn add_crew(
        &self,
        org_id: i64,
        actor: &Actor,
        match_id: i64,
        user_id: i64,
        role: CrewRole,
        now: i64,
    ) -> Result<Match, Error> {
        let approver = actor.id()?;
        self.add_crew_entry(org_id, actor, match_id, user_id, role, Some(approver), now)
            .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn add_crew_entry(
        &self,
        org_id: i64,
        actor: &Actor,
        match_id: i64,
        user_id: i64,
        role: CrewRole,
        approved_by: Option<i64>,
        now: i64,
    ) -> Result<Match, Error> {
        let mut tx = self.begin().await?;
        if !repo::lock_match(&mut tx, org_id, match_id, now).await? {
            return Err(no_match(match_id));
        }
        let row = repo::match_by_id(&mut tx, org_id, match_id)
            .await?
            .ok_or_else(|| no_match(match_id))?;
        if approved_by.is_some() {
            Self::require_members(&mut tx, org_id, "user_id", &[user_id]).await?;
        }
        let is_player = repo::match_players(&mut tx, &[match_id])
            .await?
            .iter()
            .any(|(_, p)| p.user_id == user_id);
        let roles = repo::crew_roles_of(&mut tx, match_id, user_id).await?;
        let already = roles.into_iter().find(|r| *r == role);
        rules::check_crew_signup(
            MatchStatus::of(&row.times),
            is_player,
            already,
            role,
            row.tracker_enabled,
        )
        .map_err(|e| {
            // A manager adding someone else reads about that person, not "you".
            match (approved_by, e) {
                (Some(_), Error::Forbidden { .. }) => Error::invalid(
                    "user_id",
                    "This user plays in the match, so they cannot crew it.",
                ),
                (Some(_), Error::Conflict { .. }) if already.is_some() => Error::conflict(format!(
                    "This user is already {} for the match.",
                    role.label().to_lowercase()
                )),
                (_, e) => e,
            }
        })?;
        let crew_id = repo::insert_crew(&mut tx, match_id, user_id, role, approved_by, now).await?;
        actor.audit(&mut tx, Some(org_id), "crew.signup", json!({"match_id": match_id, "crew_id": crew_id, "user_id": user_id, "role": role.key(), "approved": approved_by.is_some()})).await?;
        let mut staged = Staged::default();
        self.stage(
            &mut tx,
            &mut staged,
            org_id,
            actor,
            CrewSignedUp {
                match_id,
                crew_id,
                user_id,
                role: role.key().into(),
                approved: approved_by.is_some(),
            },
        )
        .await?;
        self.commit(tx, staged).await?;
        self.get_match(org_id, match_id).await
    }

    /// A member withdraws their own sign-up.
    pub async fn crew_withdraw(
        &self,
        org_id: i64,
        actor: &Actor,
        match_id: i64,
        role: CrewRole,
        now: i64,
    ) -> Result<Match, Error> {
        let user = actor.id()?;
        let mut tx = self.begin().await?;
        if !repo::lock_match(&mut tx, org_id, match_id, now).await? {
            return Err(no_match(match_id));
        }
        let row = repo::match_by_id(&mut tx, org_id, match_id)
            .await?
            .ok_or_else(|| no_match(match_id))?;
        if !repo::delete_crew(&mut tx, match_id, user, role).await? {
            return Err(Error::not_found(format!(
                "You are not signed up as {} for this match.",
                role.label().to_lowercase()
            )));
        }
        actor
            .audit(
                &mut tx,
                Some(org_id),
                "crew.withdraw",
                json!({"match_id": match_id, "role": role.key()}),
            )
            .await?;
        let mut staged = Staged::default();
        self.stage(
            &mut tx,
            &mut staged,
            org_id,
            actor,
            MatchUpdated {
                tournament_id: row.tournament_id,
                match_id,
                what: "crew".into(),
            },
        )
        .await?;
        self.commit(tx, staged).await?;
        self.get_match(org_id, match_id).await
    }

    pub async fn set_crew_approved(
        &self,
        org_id: i64,
        actor: &Actor,
        crew_id: i64,
        approved: bool,
        now: i64,
    ) -> Result<Match, Error> {
        let approver = actor.id()?;
        let mut tx = self.begin().await?;
        let (match_id, user_id, role) = repo::crew_entry(&mut tx, org_id, crew_id)
            .await?
            .ok_or_else(|| Error::not_found(format!("There is no crew sign-up {crew_id} here.")))?;
        repo::lock_match(&mut tx, org_id, match_id, now).await?;
        repo::set_crew_approved(&mut tx, crew_id, approved.then_some(approver)).await?;
        actor.audit(&mut tx, Some(org_id), if approved { "crew.approve" } else { "crew.unapprove" }, json!({"crew_id": crew_id, "match_id": match_id, "user_id": user_id, "role": role.key()})).await?;
        let mut staged = Staged::default();
        self.stage(
            &mut tx,
            &mut staged,
            org_id,
            actor,
            CrewApproved {
                match_id,
                crew_id,
                user_id,
                role: role.key().into(),
                approved,
            },
        )
        .await?;
        self.commit(tx, staged).await?;
        self.get_match(org_id, match_id).await
    }
}
