//! A tournament's players (added by managers; matches add theirs too) and the organization's
//! members, who are the only people a tournament, match or crew list may name.

use sdk::{Actor, Error};
use serde_json::json;
use sqlx::AnyConnection;

use super::{no_tournament, Tournaments};
use crate::{model::Person, repo};

impl Tournaments {
    /// One page of the tournament's players, by user id, highest first.
    pub async fn players(
        &self,
        org_id: i64,
        tournament_id: i64,
        page: &sdk::page::PageRequest,
    ) -> Result<sdk::page::Page<Person>, Error> {
        let mut conn = self.conn().await?;
        repo::tournament(&mut conn, org_id, 0, tournament_id)
            .await?
            .ok_or_else(|| no_tournament(tournament_id))?;
        Ok(repo::players(&mut conn, tournament_id, page)
            .await?
            .map(|(user_id, display_name)| Person {
                user_id,
                display_name,
            }))
    }

    /// One page of the organization's active members whose name contains `q` (all when
    /// blank), by user id, highest first.
    pub async fn members(
        &self,
        org_id: i64,
        q: &str,
        page: &sdk::page::PageRequest,
    ) -> Result<sdk::page::Page<Person>, Error> {
        let q = sdk::input::clean_text("q", q, 100)?;
        Ok(repo::members(&mut *self.conn().await?, org_id, &q, page)
            .await?
            .map(|(user_id, display_name)| Person {
                user_id,
                display_name,
            }))
    }

    pub(super) async fn require_members(
        conn: &mut AnyConnection,
        org_id: i64,
        field: &str,
        user_ids: &[i64],
    ) -> Result<(), Error> {
        let members = repo::members_among(conn, org_id, user_ids).await?;
        match user_ids.iter().find(|u| !members.contains(u)) {
            Some(stranger) => Err(Error::invalid(
                field,
                format!("User {stranger} is not a member of this organization; invite them first."),
            )),
            None => Ok(()),
        }
    }

    pub async fn add_player(
        &self,
        org_id: i64,
        actor: &Actor,
        tournament_id: i64,
        user_id: i64,
        now: i64,
    ) -> Result<sdk::page::Page<Person>, Error> {
        let mut tx = self.begin().await?;
        repo::tournament(&mut tx, org_id, 0, tournament_id)
            .await?
            .ok_or_else(|| no_tournament(tournament_id))?;
        Self::require_members(&mut tx, org_id, "user_id", &[user_id]).await?;
        if !repo::add_player(&mut tx, tournament_id, user_id, now).await? {
            return Err(Error::conflict("This player is already in the tournament."));
        }
        actor
            .audit(
                &mut tx,
                Some(org_id),
                "tournament.add_player",
                json!({"tournament_id": tournament_id, "user_id": user_id}),
            )
            .await?;
        tx.commit().await?;
        self.players(org_id, tournament_id, &sdk::page::PageRequest::first())
            .await
    }

    pub async fn remove_player(
        &self,
        org_id: i64,
        actor: &Actor,
        tournament_id: i64,
        user_id: i64,
    ) -> Result<sdk::page::Page<Person>, Error> {
        let mut tx = self.begin().await?;
        repo::tournament(&mut tx, org_id, 0, tournament_id)
            .await?
            .ok_or_else(|| no_tournament(tournament_id))?;
        if !repo::remove_player(&mut tx, tournament_id, user_id).await? {
            return Err(Error::not_found(format!(
                "User {user_id} does not play in this tournament."
            )));
        }
        actor
            .audit(
                &mut tx,
                Some(org_id),
                "tournament.remove_player",
                json!({"tournament_id": tournament_id, "user_id": user_id}),
            )
            .await?;
        tx.commit().await?;
        self.players(org_id, tournament_id, &sdk::page::PageRequest::first())
            .await
    }
}
