//! The rooms as the pages and the API show them: the stored row with its last race state read
//! into entrants, each matched to the SahaBot user who linked that racetime.gg account.

use sdk::{Actor, Error};

use super::Racetime;
use crate::{
    actions,
    model::Room,
    repo::{self, rooms::RoomRow},
    rules::{self, race::RaceData},
};

/// How many rooms the rooms page lists.
pub const ROOMS_SHOWN: i64 = 100;

impl Racetime {
    async fn view(&self, row: RoomRow) -> Result<Room, Error> {
        let race: RaceData = row.race().unwrap_or_default();
        let users = repo::users::by_racetime_ids(self.db(), &race.entrant_ids()).await?;
        let entrants = rules::race::entrants(&race, |rt| {
            users.iter().find(|(_, id)| id == rt).map(|(u, _)| *u)
        });
        let base = self.runtime.base_url();
        Ok(Room {
            id: row.id,
            org_id: row.organization_id,
            url: row
                .slug
                .as_ref()
                .map(|s| format!("{base}/{}/{s}", row.category)),
            category: row.category,
            slug: row.slug,
            match_id: row.match_id,
            title: row.title,
            goal: row.goal,
            info: rules::rooms::combined_info(&row.info_user, &row.info_bot),
            preset: row.preset,
            seed_roll_id: row.seed_roll_id,
            seed_url: row.seed_url,
            race_status: row.race_status,
            entrants,
            last_error: row.last_error,
            opened_at: row.opened_at,
            closed_at: row.closed_at,
        })
    }

    /// The organization's rooms, newest first.
    pub async fn rooms(&self, org_id: i64, actor: &Actor) -> Result<Vec<Room>, Error> {
        self.require_enabled(org_id).await?;
        self.require(actor, org_id, actions::READ).await?;
        let mut out = Vec::new();
        for row in repo::rooms::list(self.db(), org_id, ROOMS_SHOWN).await? {
            out.push(self.view(row).await?);
        }
        Ok(out)
    }

    /// One room of the organization.
    pub async fn room(&self, org_id: i64, actor: &Actor, room_id: i64) -> Result<Room, Error> {
        self.require_enabled(org_id).await?;
        self.require(actor, org_id, actions::READ).await?;
        let row = self.room_row(org_id, room_id).await?;
        self.view(row).await
    }

    /// The match's latest room (the match page's panel), if it ever had one. Seen by whoever
    /// may see the match.
    pub async fn match_room(
        &self,
        org_id: i64,
        actor: &Actor,
        match_id: i64,
    ) -> Result<Option<Room>, Error> {
        self.require_enabled(org_id).await?;
        self.require(actor, org_id, tournament::actions::MATCH_READ)
            .await?;
        match repo::rooms::latest_for_match(self.db(), org_id, match_id).await? {
            Some(row) => Ok(Some(self.view(row).await?)),
            None => Ok(None),
        }
    }
}
