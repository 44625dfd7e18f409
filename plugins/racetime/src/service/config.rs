//! An organization's room profiles (`race_room_profile:*`) and each tournament's room
//! settings: which granted bot, which profile, the goal, automatic rooms and the preset rule.

use sdk::{Actor, Error};
use serde_json::json;

use super::Racetime;
use crate::{
    actions,
    model::{RoomProfile, RoomSettings, TournamentRooms},
    repo, rules,
};

/// At most this many room profiles per organization (listed whole).
pub const MAX_PROFILES: i64 = 50;

impl Racetime {
    pub async fn profiles(&self, org_id: i64, actor: &Actor) -> Result<Vec<RoomProfile>, Error> {
        self.require_enabled(org_id).await?;
        self.require(actor, org_id, actions::PROFILE_READ).await?;
        repo::profiles::list(self.db(), org_id).await
    }

    /// Creates (`id` None) or changes a profile.
    pub async fn save_profile(
        &self,
        org_id: i64,
        actor: &Actor,
        id: Option<i64>,
        name: &str,
        settings: &RoomSettings,
        now: i64,
    ) -> Result<RoomProfile, Error> {
        self.require_enabled(org_id).await?;
        self.require(actor, org_id, actions::PROFILE_UPDATE).await?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(Error::invalid(
                "name",
                "Give the profile a name of 1 to 100 characters.",
            ));
        }
        rules::rooms::check_settings(settings)?;
        let mut tx = self.db().begin().await?;
        if id.is_none() && repo::profiles::count(&mut tx, org_id).await? >= MAX_PROFILES {
            return Err(Error::conflict(format!(
                "An organization has at most {MAX_PROFILES} room profiles: change one instead."
            )));
        }
        let saved = repo::profiles::save(&mut tx, org_id, id, name, settings, now)
            .await?
            .ok_or_else(|| {
                Error::not_found("There is no such room profile in this organization.")
            })?;
        actor
            .audit(
                &mut tx,
                Some(org_id),
                "race_room_profile.save",
                json!({"profile_id": saved, "name": name}),
            )
            .await?;
        tx.commit().await?;
        Ok(RoomProfile {
            id: saved,
            name: name.to_string(),
            settings: settings.clone(),
        })
    }

    pub async fn delete_profile(&self, org_id: i64, actor: &Actor, id: i64) -> Result<(), Error> {
        self.require_enabled(org_id).await?;
        self.require(actor, org_id, actions::PROFILE_UPDATE).await?;
        let mut tx = self.db().begin().await?;
        if !repo::profiles::delete(&mut tx, org_id, id).await? {
            return Err(Error::not_found(
                "There is no such room profile in this organization.",
            ));
        }
        actor
            .audit(
                &mut tx,
                Some(org_id),
                "race_room_profile.delete",
                json!({"profile_id": id}),
            )
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// One tournament's room settings (None: it has none yet).
    pub async fn tournament_rooms(
        &self,
        org_id: i64,
        actor: &Actor,
        tournament_id: i64,
    ) -> Result<Option<TournamentRooms>, Error> {
        self.require_enabled(org_id).await?;
        self.require(actor, org_id, actions::PROFILE_READ).await?;
        let mut conn = self.db().pool().acquire().await?;
        repo::settings::get(&mut conn, org_id, tournament_id).await
    }

    /// Sets a tournament's room settings. The tournament, the profile and the bot must be the
    /// organization's own (a bot it was granted).
    pub async fn save_tournament_rooms(
        &self,
        org_id: i64,
        actor: &Actor,
        settings: &TournamentRooms,
        now: i64,
    ) -> Result<TournamentRooms, Error> {
        self.require_enabled(org_id).await?;
        self.require(actor, org_id, actions::PROFILE_UPDATE).await?;
        rules::rooms::check_tournament_rooms(settings)?;
        // The tournament must be this organization's (its service says so or answers 404).
        self.tournaments()
            .tournament(org_id, &Actor::system(), settings.tournament_id)
            .await?;
        let mut tx = self.db().begin().await?;
        if let Some(bot) = settings.bot_id {
            if !repo::bots::usable(&mut tx, org_id, bot).await? {
                return Err(Error::invalid(
                    "bot_id",
                    "Pick one of the RaceTime.gg bots a site admin granted this organization.",
                ));
            }
        }
        if let Some(profile) = settings.profile_id {
            if repo::profiles::get(&mut tx, org_id, profile)
                .await?
                .is_none()
            {
                return Err(Error::invalid(
                    "profile_id",
                    "Pick one of this organization's room profiles.",
                ));
            }
        }
        repo::settings::save(&mut tx, org_id, settings, now).await?;
        actor
            .audit(
                &mut tx,
                Some(org_id),
                "racetime.tournament_settings",
                json!({"tournament_id": settings.tournament_id, "bot_id": settings.bot_id, "profile_id": settings.profile_id, "auto_open": settings.auto_open, "open_minutes_before": settings.open_minutes_before}),
            )
            .await?;
        tx.commit().await?;
        Ok(settings.clone())
    }

    /// Leaves a match out of automatic rooms (or back in), or gives it its own goal.
    pub async fn save_match_rooms(
        &self,
        org_id: i64,
        actor: &Actor,
        match_id: i64,
        auto_open: bool,
        goal: &str,
    ) -> Result<(), Error> {
        self.require_enabled(org_id).await?;
        self.require(actor, org_id, actions::PROFILE_UPDATE).await?;
        if goal.chars().count() > rules::rooms::CUSTOM_GOAL_MAX {
            return Err(Error::invalid("goal", "A goal is at most 255 characters."));
        }
        self.tournaments().get_match(org_id, match_id).await?;
        let mut tx = self.db().begin().await?;
        repo::settings::save_match_settings(&mut tx, org_id, match_id, auto_open, goal.trim())
            .await?;
        actor
            .audit(
                &mut tx,
                Some(org_id),
                "racetime.match_settings",
                json!({"match_id": match_id, "auto_open": auto_open, "goal": goal.trim()}),
            )
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
