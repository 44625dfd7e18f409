//! Par times, scores and the leaderboard: one permalink recomputed inside a change's
//! transaction, a whole qualifier on demand (or hourly, for every active one), and the
//! standings with the runners' names (what a viewer may see of them is `views`).

use sdk::{Actor, Error};
use serde_json::json;
use sqlx::AnyConnection;

use super::Qualifiers;
use crate::{
    repo,
    rules::{self, Standing},
};

impl Qualifiers {
    /// Recomputes par and scores of one permalink inside the caller's transaction. False when it
    /// has no finished runs (par and scores stay as they are).
    pub async fn recalc_permalink(
        conn: &mut AnyConnection,
        permalink_id: i64,
        now: i64,
    ) -> Result<bool, Error> {
        let timings = repo::timings(conn, permalink_id).await?;
        let Some(scored) = rules::score_permalink(&timings) else {
            return Ok(false);
        };
        repo::set_par(conn, permalink_id, scored.par, now).await?;
        for (race_id, score) in scored.scores {
            repo::set_score(conn, race_id, score, now).await?;
        }
        Ok(true)
    }

    /// Recomputes every permalink of the qualifier in one transaction under its lock.
    pub async fn recalculate(
        &self,
        org_id: i64,
        actor: &Actor,
        qualifier_id: i64,
        now: i64,
        trigger: &str,
    ) -> Result<usize, Error> {
        let mut tx = self.begin().await?;
        if !repo::lock_qualifier(&mut tx, org_id, qualifier_id).await? {
            return Err(Error::not_found(format!(
                "There is no async qualifier {qualifier_id} here."
            )));
        }
        let mut computed = 0;
        for permalink_id in repo::permalink_ids(&mut tx, qualifier_id).await? {
            if Self::recalc_permalink(&mut tx, permalink_id, now).await? {
                computed += 1;
            }
        }
        actor
            .audit(
                &mut tx,
                Some(org_id),
                "async_qualifier.recalculate",
                json!({"qualifier_id": qualifier_id, "permalinks": computed, "trigger": trigger}),
            )
            .await?;
        tx.commit().await?;
        self.recalculated(org_id, actor, qualifier_id, computed, trigger);
        Ok(computed)
    }

    /// The hourly task: every active qualifier on the site. One failing qualifier does not stop
    /// the others; the first error is returned after all were tried.
    pub async fn recalculate_active(&self, now: i64) -> Result<usize, Error> {
        let qualifiers = repo::active_qualifiers(&mut *self.conn().await?).await?;
        let mut first_error = None;
        let mut done = 0;
        for q in qualifiers {
            match self
                .recalculate(q.org_id, &Actor::system(), q.id, now, "hourly")
                .await
            {
                Ok(_) => done += 1,
                Err(e) => {
                    tracing::warn!(qualifier = q.id, error = %e, "hourly recalculation failed");
                    first_error.get_or_insert(e);
                }
            }
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(done),
        }
    }

    /// The standings with the runners' names.
    pub async fn leaderboard(
        &self,
        org_id: i64,
        qualifier_id: i64,
    ) -> Result<Vec<(Standing, String)>, Error> {
        self.qualifier(org_id, qualifier_id).await?;
        let mut conn = self.conn().await?;
        let q = repo::qualifier(&mut conn, org_id, qualifier_id)
            .await?
            .ok_or_else(|| Error::not_found("That qualifier does not exist."))?;
        let pools: Vec<i64> = repo::pools(&mut conn, qualifier_id)
            .await?
            .into_iter()
            .map(|p| p.id)
            .collect();
        let (races, names) = repo::board(&mut conn, qualifier_id).await?;
        let standings = rules::leaderboard(&pools, q.runs_per_pool.max(1) as usize, &races);
        Ok(standings
            .into_iter()
            .map(|s| {
                let name = names
                    .binary_search_by_key(&s.user_id, |(id, _)| *id)
                    .ok()
                    .and_then(|i| names.get(i))
                    .map(|(_, n)| n.clone())
                    .unwrap_or_default();
                (s, name)
            })
            .collect())
    }
}
