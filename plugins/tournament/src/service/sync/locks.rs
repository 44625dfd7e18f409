//! The field locks a sync keeps on its matches: reading one, refusing a hand edit of a locked
//! field, and lifting a holder's locks (its sync or its plugin switched off).

use std::collections::BTreeSet;

use sdk::Error;
use sqlx::AnyConnection;

use super::super::{no_match, Tournaments};
use crate::repo::{self, FieldLock, MatchFields, MatchRow};

impl Tournaments {
    /// The match's field lock, if another plugin keeps its fields.
    pub async fn field_lock(&self, org_id: i64, match_id: i64) -> Result<Option<FieldLock>, Error> {
        let mut conn = self.conn().await?;
        if repo::match_by_id(&mut conn, org_id, match_id)
            .await?
            .is_none()
        {
            return Err(no_match(match_id));
        }
        repo::field_lock(&mut conn, match_id).await
    }

    /// Refuses a hand edit that would change a locked field of the match (`before`), naming the
    /// field and who keeps it. Called inside the edit's transaction.
    pub(in crate::service) async fn refuse_locked_fields(
        conn: &mut AnyConnection,
        before: &MatchRow,
        fields: &MatchFields,
        players: &[i64],
    ) -> Result<(), Error> {
        let Some(lock) = repo::field_lock(conn, before.id).await? else {
            return Ok(());
        };
        let current: BTreeSet<i64> = repo::match_players(conn, &[before.id])
            .await?
            .into_iter()
            .map(|(_, p)| p.user_id)
            .collect();
        let changed = if fields.title != before.title {
            Some(("title", "title"))
        } else if fields.scheduled_at != before.times.scheduled_at {
            Some(("scheduled_at", "time"))
        } else if players.iter().copied().collect::<BTreeSet<_>>() != current {
            Some(("player_ids", "players"))
        } else if fields.stream_channel_id != before.stream_channel_id {
            Some(("stream_channel_id", "stream channel"))
        } else {
            None
        };
        match changed {
            None => Ok(()),
            Some((field, what)) => Err(Error::invalid(
                field,
                format!(
                    "This match's {what} comes from {}: {} Change it there, or switch the \
                     sync off first.",
                    lock.holder, lock.reason
                ),
            )),
        }
    }

    /// Lifts `holder`'s field locks from the tournament's matches (its sync was switched off),
    /// in the caller's transaction (the caller writes the audit entry of switching it off).
    pub async fn release_field_locks_in(
        conn: &mut AnyConnection,
        org_id: i64,
        tournament_id: i64,
        holder: &str,
    ) -> Result<u64, Error> {
        // not audited: part of the caller's change (switching the sync off), audited there.
        repo::release_field_locks(conn, org_id, tournament_id, holder).await
    }

    /// Lifts every field lock `holder` keeps on the organization's matches (the holder plugin
    /// was switched off for the organization: a lock only counts while its holder runs), in the
    /// caller's transaction (the enablement change, audited by the platform).
    pub async fn release_org_field_locks_in(
        conn: &mut AnyConnection,
        org_id: i64,
        holder: &str,
    ) -> Result<u64, Error> {
        // not audited: part of switching the holder plugin off, audited by the platform.
        repo::release_org_field_locks(conn, org_id, holder).await
    }
}
