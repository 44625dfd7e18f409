//! The task's site-wide pass ([`DiscordEvents::reconcile_all`]): every tournament with
//! settings, reconciled where its organization has the plugin on, and withdrawn where it is off
//! ([`DiscordEvents::withdraw_tournament`]).
//!
//! Why withdraw: an event left in Discord after the plugin was switched off would never move
//! again, and a moved or cancelled match would keep announcing the wrong time. The switch itself
//! cannot delete them (its transaction must not wait on Discord), so the next pass does, as the
//! reconciliation does everything else. The settings stay: switched on again, the next pass
//! makes the events anew.

use sdk::Error;

use super::{
    sync::{lock_match, Change},
    DiscordEvents,
};
use crate::repo;

/// A tournament whose sync failed in the site-wide pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub org_id: i64,
    pub tournament_id: i64,
    pub message: String,
}

impl DiscordEvents {
    /// The site-wide pass (the task). Failures are recorded per tournament and returned.
    pub async fn reconcile_all(&self, now: i64) -> Result<Vec<Failure>, Error> {
        let all = repo::settings::all(&mut *self.conn().await?).await?;
        let mut failures = Vec::new();
        for row in all {
            let (org_id, tournament_id) = (row.organization_id, row.tournament_id);
            let on = self
                .platform
                .plugins
                .is_enabled(org_id, crate::PLUGIN_ID)
                .await?;
            let result = if on {
                self.reconcile_tournament(org_id, tournament_id, now)
                    .await
                    .map(|_| ())
            } else {
                self.withdraw_tournament(org_id, tournament_id, now)
                    .await
                    .map(|_| ())
            };
            if let Err(e) = result {
                failures.push(Failure {
                    org_id,
                    tournament_id,
                    message: e.message().to_string(),
                });
            }
        }
        Ok(failures)
    }

    /// The plugin is off for the organization: every event it made for the tournament is deleted
    /// in Discord (only in a server still linked to the organization) and its row forgotten.
    /// Returns how many went; errors on single events do not stop the others, the first is
    /// returned (and recorded on the tournament) once all were tried.
    pub async fn withdraw_tournament(
        &self,
        org_id: i64,
        tournament_id: i64,
        now: i64,
    ) -> Result<usize, Error> {
        let rows =
            repo::events::for_tournament(&mut *self.conn().await?, org_id, tournament_id).await?;
        if rows.is_empty() {
            return Ok(0);
        }
        let mut first_error = None;
        let mut withdrawn = 0;
        for listed in rows {
            let _turn = lock_match(org_id, listed.match_id).await;
            // Read again under the lock: a sync may have changed it meanwhile.
            let Some(row) =
                repo::events::for_match(&mut *self.conn().await?, org_id, listed.match_id).await?
            else {
                continue;
            };
            match self.remove(org_id, &row, now).await {
                Ok(Change::Deleted) => withdrawn += 1,
                Ok(_) => {}
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        let result = match first_error {
            Some(e) => Err(e),
            None => Ok(withdrawn),
        };
        self.record_pass(org_id, tournament_id, &result, now)
            .await?;
        result
    }
}
