//! "Starting soon": the reminders task looks at matches starting within the largest reminder
//! offset of any organization, and queues the due reminder (`rules::due_reminder`) for each
//! player and approved crew member. The key names the match, the offset and the scheduled
//! time, so a pass that runs twice (two instances, a slow clock) queues nothing new, and a
//! moved match reminds again.

use std::collections::HashMap;

use sdk::Error;

use super::{queue, Notifications};
use crate::{
    repo,
    rules::{self, messages, messages::MatchRef, EventType},
    PLUGIN_ID,
};

/// What one pass queued.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReminderPass {
    pub matches: usize,
    pub queued: usize,
}

/// The furthest ahead any organization can ask to be reminded (the settings' maximum).
const MAX_LOOK_AHEAD_MS: i64 = 1_440 * 60_000;

impl Notifications {
    /// Queues the reminders due at `now`.
    pub async fn queue_reminders(&self, now: i64) -> Result<ReminderPass, Error> {
        let mut pass = ReminderPass::default();
        let mut offsets: HashMap<i64, Option<Vec<i64>>> = HashMap::new();
        for upcoming in repo::sources::upcoming(self.db(), now, now + MAX_LOOK_AHEAD_MS).await? {
            let org_id = upcoming.organization_id;
            if let std::collections::hash_map::Entry::Vacant(slot) = offsets.entry(org_id) {
                // Looked up once per organization and pass.
                let config = if self.is_on(org_id).await? {
                    let config = self
                        .platform
                        .plugins
                        .effective_config(org_id, PLUGIN_ID)
                        .await?;
                    Some(rules::reminder_offsets(&config))
                } else {
                    None
                };
                slot.insert(config);
            }
            let Some(Some(org_offsets)) = offsets.get(&org_id) else {
                continue;
            };
            let Some(minutes) = rules::due_reminder(org_offsets, upcoming.scheduled_at, now) else {
                continue;
            };
            pass.matches += 1;
            pass.queued += self.remind(org_id, upcoming.id, minutes, now).await?;
        }
        Ok(pass)
    }

    /// Queues the `minutes` reminder of one match, in one transaction.
    async fn remind(
        &self,
        org_id: i64,
        match_id: i64,
        minutes: i64,
        now: i64,
    ) -> Result<usize, Error> {
        // not audited: reminders are the platform's own bookkeeping, queued by a task; the
        // delivery log shows each.
        let mut tx = self.db().begin().await?;
        let Some(info) = repo::sources::match_info(&mut tx, org_id, match_id).await? else {
            return Ok(0);
        };
        let Some(at) = info.scheduled_at else {
            return Ok(0);
        };
        let m = MatchRef {
            title: &info.title,
            tournament: &info.tournament,
            organization: &info.organization,
        };
        let message = messages::starting_soon(&m, at, minutes);
        let mut queued = 0;
        for user in repo::sources::match_people(&mut tx, org_id, match_id).await? {
            let key = rules::reminder_key(match_id, minutes, at, user);
            let item = queue::Item {
                org_id,
                user_id: user,
                event_type: EventType::MatchStartingSoon,
                key: &key,
                message: &message,
                expires_at: Some(at),
            };
            if queue::queue_one(&mut tx, &item, now).await?.is_some() {
                queued += 1;
            }
        }
        tx.commit().await?;
        Ok(queued)
    }
}
