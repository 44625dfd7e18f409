//! Linking a tournament to a SpeedGaming event, switching its sync, reading how the syncs went.
//! Managing a link is managing the tournament (`tournament:update`); reading the status is
//! `speedgaming:read`. Switching a sync off lifts the field locks of the tournament's matches
//! at once, so managers may edit them again; switching it on locks them at the next run.

use sdk::{
    page::{Page, PageRequest},
    Actor, Error,
};
use serde_json::json;
use tournament::service::Tournaments;

use super::SpeedGaming;
use crate::{
    actions,
    model::{Link, SyncRights, TournamentChoice},
    repo, rules,
};

impl SpeedGaming {
    /// What the caller may do on the page.
    pub async fn rights(&self, org_id: i64, actor: &Actor) -> Result<SyncRights, Error> {
        self.require(actor, org_id, actions::READ).await?;
        Ok(SyncRights {
            manage: self.require(actor, org_id, Self::MANAGE).await.is_ok(),
        })
    }

    /// The organization's linked tournaments with their last run, a page at a time.
    pub async fn links(
        &self,
        org_id: i64,
        actor: &Actor,
        page: &PageRequest,
    ) -> Result<Page<Link>, Error> {
        self.require(actor, org_id, actions::READ).await?;
        let rows = repo::links::list(self.db(), org_id, page).await?;
        Ok(Page {
            items: rows.items.into_iter().map(Link::from).collect(),
            next_before_id: rows.next_before_id,
        })
    }

    /// The organization's tournaments that are not archived, for the link form, a page at a
    /// time (most recent first).
    pub async fn tournament_choices(
        &self,
        org_id: i64,
        actor: &Actor,
        page: &PageRequest,
    ) -> Result<Page<TournamentChoice>, Error> {
        self.require(actor, org_id, Self::MANAGE).await?;
        let rows = sqlx::query_as::<_, TournamentChoice>(
            "SELECT id, name FROM tournaments
             WHERE organization_id = $1 AND archived_at IS NULL AND id < $2
             ORDER BY id DESC LIMIT $3",
        )
        .bind(org_id)
        .bind(page.before())
        .bind(page.fetch_limit())
        .fetch_all(self.db().pool())
        .await?;
        Ok(Page::from_rows(rows, page, |t| t.id))
    }

    /// Links the tournament to the event `slug` (or changes its link) with its sync on or off.
    pub async fn save_link(
        &self,
        org_id: i64,
        actor: &Actor,
        tournament_id: i64,
        slug: &str,
        sync_enabled: bool,
        now: i64,
    ) -> Result<Link, Error> {
        self.require(actor, org_id, Self::MANAGE).await?;
        let slug = rules::clean_slug(slug)?;
        let mut tx = self.db().begin().await?;
        let exists = sqlx::query_scalar::<_, i64>(
            "SELECT id FROM tournaments WHERE organization_id = $1 AND id = $2",
        )
        .bind(org_id)
        .bind(tournament_id)
        .fetch_optional(&mut *tx)
        .await?
        .is_some();
        if !exists {
            return Err(Error::invalid(
                "tournament_id",
                format!("There is no tournament {tournament_id} here."),
            ));
        }
        repo::links::upsert(&mut tx, org_id, tournament_id, &slug, sync_enabled, now).await?;
        let released = if sync_enabled {
            0
        } else {
            Tournaments::release_field_locks_in(&mut tx, org_id, tournament_id, rules::HOLDER)
                .await?
        };
        actor
            .audit(
                &mut tx,
                Some(org_id),
                "speedgaming.link",
                json!({"tournament_id": tournament_id, "event_slug": slug,
                       "sync_enabled": sync_enabled, "unlocked_matches": released}),
            )
            .await?;
        tx.commit().await?;
        self.link(org_id, tournament_id).await
    }

    /// One tournament's link (NotFound when it has none).
    pub(super) async fn link(&self, org_id: i64, tournament_id: i64) -> Result<Link, Error> {
        let mut conn = self.db().pool().acquire().await?;
        repo::links::by_tournament(&mut conn, org_id, tournament_id)
            .await?
            .map(Link::from)
            .ok_or_else(|| {
                Error::not_found(format!(
                    "Tournament {tournament_id} is not linked to a SpeedGaming event."
                ))
            })
    }
}
