//! The 60-second task's work: warn pending runs once before their timeout (in the run's thread
//! or the qualifier's channel, when the site has a bot) and forfeit runs past it, as the system.

use sdk::{bot::BotRuntime, Actor, Error};
use serde_json::json;

use super::Qualifiers;
use crate::{
    events::TimeoutWarning,
    repo::{self, RaceRow},
    rules::{self, TimeoutAction},
};

impl Qualifiers {
    /// The 60-second task: warns pending runs once, 10 minutes before their timeout (posting in
    /// the qualifier's Discord channel when there is one and the site has a bot), and forfeits
    /// runs past their timeout. Returns (warned, forfeited).
    pub async fn run_timeouts(
        &self,
        now: i64,
        bot: Option<&BotRuntime>,
    ) -> Result<(usize, usize), Error> {
        let live = repo::live_races(&mut *self.conn().await?).await?;
        let (mut warned, mut forfeited) = (0, 0);
        for race in live {
            let action = rules::timeout_action(
                race.status,
                race.timeout_at,
                race.warned_at.is_some(),
                race.start_time,
                now,
            );
            match action {
                TimeoutAction::Nothing => {}
                TimeoutAction::Warn => {
                    if self.warn(&race, now, bot).await? {
                        warned += 1;
                    }
                }
                TimeoutAction::Forfeit => {
                    match self
                        .forfeit(race.org_id, &Actor::system(), race.id, now, "timeout")
                        .await
                    {
                        Ok(_) => forfeited += 1,
                        // Finished or forfeited meanwhile: nothing to do.
                        Err(Error::Conflict { .. }) => {}
                        Err(e) => return Err(e),
                    }
                }
            }
        }
        Ok((warned, forfeited))
    }

    /// Sets "warned" (once: a second call finds it set), staging [`TimeoutWarning`] with it, and
    /// then tells the runner in Discord.
    pub(super) async fn warn(
        &self,
        race: &RaceRow,
        now: i64,
        bot: Option<&BotRuntime>,
    ) -> Result<bool, Error> {
        let mut tx = self.begin().await?;
        if !repo::mark_warned(&mut tx, race.id, now).await? {
            return Ok(false);
        }
        let q = repo::qualifier(&mut tx, race.org_id, race.qualifier_id).await?;
        let minutes = ((race.timeout_at - now).max(0) + 59_999) / 60_000;
        let text = format!(
            "<@{}> your async run #{} in {} has not been started; it will be forfeited in {} minute{} unless you press Ready.",
            race.user_id,
            race.id,
            q.as_ref().map(|q| q.name.as_str()).unwrap_or("the qualifier"),
            minutes,
            if minutes == 1 { "" } else { "s" }
        );
        Actor::system().audit(
            &mut tx,
            Some(race.org_id),
            "async_qualifier.timeout_warning",
            json!({"qualifier_id": race.qualifier_id, "race_id": race.id, "timeout_at": race.timeout_at}),
        )
        .await?;
        // Staged with the mark: whoever must not miss a warning (a notification outbox) writes
        // it in this transaction. The Discord post below comes after the commit, so a slow or
        // failing post never holds the run's row nor loses the warning.
        let staged = self
            .events
            .stage(
                &mut tx,
                Some(race.org_id),
                None,
                TimeoutWarning {
                    qualifier_id: race.qualifier_id,
                    race_id: race.id,
                    user_id: race.user_id,
                    timeout_at: race.timeout_at,
                },
            )
            .await?;
        tx.commit().await?;
        self.events.publish(staged);
        let channel = race
            .discord_thread_id
            .clone()
            .or_else(|| q.and_then(|q| q.discord_channel_id));
        match (channel, bot) {
            (Some(channel), Some(bot)) if bot.rest().is_ok() => {
                // Only into a channel (or the run's thread) of a server still linked to the
                // organization.
                let checked = sdk::bot::channels::checked_rest(
                    bot,
                    &self.db,
                    race.org_id,
                    "discord_channel_id",
                    &channel,
                )
                .await;
                match checked {
                    Ok(rest) => {
                        if let Err(e) = rest.post_message(&channel, &text).await {
                            tracing::warn!(race = race.id, error = %e, "timeout warning not posted");
                        }
                    }
                    Err(e) => {
                        tracing::warn!(race = race.id, error = %e, "timeout warning not posted");
                    }
                }
            }
            _ => {}
        }
        Ok(true)
    }
}
