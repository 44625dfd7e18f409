//! A synced match whose time is long past is finished by its holder, and one whose source is
//! gone is deleted — only while it is still merely scheduled and nobody else holds it.

use sdk::{Actor, Error};
use serde_json::json;

use super::super::{no_match, Staged, Tournaments};
use crate::{
    events::{MatchDeleted, MatchFinished, MatchStatusChanged},
    model::MatchStatus,
    repo,
};

impl Tournaments {
    /// Finishes the match as `holder` (its time is long past), unless it is finished already
    /// (by hand or before): true when it finished now.
    pub async fn sync_finish(
        &self,
        org_id: i64,
        match_id: i64,
        holder: &str,
        now: i64,
    ) -> Result<bool, Error> {
        let mut conn = self.conn().await?;
        let Some(row) = repo::match_by_id(&mut conn, org_id, match_id).await? else {
            return Ok(false);
        };
        drop(conn);
        let from = MatchStatus::of(&row.times);
        if from >= MatchStatus::Finished {
            return Ok(false);
        }
        let mut tx = self.begin().await?;
        if !repo::lock_match(&mut tx, org_id, match_id, now).await? {
            return Ok(false);
        }
        let mut times = row.times;
        times.finished_at = Some(now);
        repo::set_times(&mut tx, match_id, &times, now).await?;
        Actor::system()
            .audit(
                &mut tx,
                Some(org_id),
                "match.sync_finish",
                json!({"match_id": match_id, "via": holder, "from": from.key()}),
            )
            .await?;
        let mut staged = Staged::default();
        let actor = Actor::system();
        self.stage(
            &mut tx,
            &mut staged,
            org_id,
            &actor,
            MatchStatusChanged {
                tournament_id: row.tournament_id,
                match_id,
                from: from.key().into(),
                to: MatchStatus::Finished.key().into(),
                by_holder: Some(holder.to_string()),
            },
        )
        .await?;
        self.stage(
            &mut tx,
            &mut staged,
            org_id,
            &actor,
            MatchFinished {
                tournament_id: row.tournament_id,
                match_id,
                ranks: Vec::new(),
            },
        )
        .await?;
        self.commit(tx, staged).await?;
        Ok(true)
    }

    /// Deletes a synced match whose source is gone, as `holder` — only one still merely
    /// scheduled (never one checked in, under way or finished): true when it was deleted.
    pub async fn sync_delete(
        &self,
        org_id: i64,
        match_id: i64,
        holder: &str,
        now: i64,
    ) -> Result<bool, Error> {
        let mut tx = self.begin().await?;
        if !repo::lock_match(&mut tx, org_id, match_id, now).await? {
            return Ok(false);
        }
        let row = repo::match_by_id(&mut tx, org_id, match_id)
            .await?
            .ok_or_else(|| no_match(match_id))?;
        let held = !repo::holds(&mut tx, &[match_id]).await?.is_empty();
        if held || MatchStatus::of(&row.times) > MatchStatus::Scheduled {
            // Checked in, under way or finished, or another plugin (a race room) holds it: left
            // alone. Nothing was
            // changed but the lock's touch of updated_at; roll that back.
            tx.rollback().await?;
            return Ok(false);
        }
        repo::delete_match(&mut tx, org_id, match_id).await?;
        Actor::system()
            .audit(
                &mut tx,
                Some(org_id),
                "match.sync_delete",
                json!({"match_id": match_id, "title": row.title, "tournament_id": row.tournament_id, "via": holder}),
            )
            .await?;
        let mut staged = Staged::default();
        self.stage(
            &mut tx,
            &mut staged,
            org_id,
            &Actor::system(),
            MatchDeleted {
                tournament_id: row.tournament_id,
                match_id,
            },
        )
        .await?;
        self.commit(tx, staged).await?;
        Ok(true)
    }
}
