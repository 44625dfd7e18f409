//! Keeping Discord in step: one match ([`DiscordEvents::sync_match`], what the listeners call)
//! and one tournament ([`DiscordEvents::reconcile_tournament`]: every match, orphans, events
//! deleted by hand). The task's site-wide pass is in `site`.
//!
//! For each match the plan (`rules::plan`) meets the row we keep (`repo::events`):
//! - wanted, no row: claim the creation (the row with an empty event id; a second instance's
//!   claim fails and it does nothing), create it in Discord, record its id and fingerprint —
//!   or drop the claim when Discord refused;
//! - wanted, a row with the same fingerprint: nothing is sent (unless the reconciliation saw the
//!   event gone from Discord: then it is created anew);
//! - wanted, a changed fingerprint: modified in place (created anew if Discord lost it; moved
//!   by deleting and creating when the tournament's server changed);
//! - removed (no time, filtered out, finished, the match deleted): deleted in Discord, row
//!   dropped;
//! - left (the match started): untouched.
//!
//! A finished match's event is deleted rather than left behind: it served its purpose, and
//! Discord would otherwise show it as still upcoming until its end time.
//!
//! The claim is its owner's token (its `claimed_at`): the event is recorded only under it, and
//! rows are forgotten only as they were read, so a late caller never overwrites or deletes what
//! another recorded — a creation that finds its claim taken over deletes its own event. A claim
//! goes stale after [`STALE_CLAIM_MS`] (far above the longest creation: each Discord call ends
//! within 25 s); whoever takes one over first looks in the server for the event its owner may
//! have made (the footer `rules::marker` names the match) and adopts it. Listeners, "Reconcile
//! now" and the sync after saving run in a task of their own, awaited, so a caller cut off by
//! its time limit does not cut a creation in half. The reconciliation's listing is read before
//! the matches' turns: an event missing from it is looked up (GET) before being made anew.
//!
//! Every call to Discord first checks that the server is linked to the organization now; a row
//! in a server that is no longer the organization's is forgotten without touching Discord.
//! The outcome of each sync is recorded on the tournament (`last_sync_at`, `last_error`) for the
//! page; only a whole reconciliation without error clears the error.

use std::{
    collections::{BTreeMap, HashMap, HashSet},
    sync::{Arc, LazyLock, Mutex},
};

use sdk::{Actor, Error};
use tournament::{model::Match, repo::MatchQuery};

use super::DiscordEvents;
use crate::{
    actions,
    model::{EventSettings, ReconcileOutcome},
    repo::{
        self,
        events::{Claim, EventRow},
    },
    rules::{self, Plan},
};

/// A claim older than this is taken over (its owner died or was cut off mid-creation). Well
/// above the longest creation: each Discord call ends within `ratelimit::DEFAULT_MAX_WAIT`
/// (25 s) and a creation makes at most a few.
const STALE_CLAIM_MS: i64 = 10 * 60_000;

/// One lock per match being synced in this process: the listeners of two events about the
/// same change (a move is `MatchScheduled` and `MatchUpdated`) and the task then take turns, so
/// the second sees what the first sent and sends nothing. (Across instances the claim row stops
/// double creation; a repeated change or delete is harmless.)
static MATCH_LOCKS: LazyLock<Mutex<HashMap<(i64, i64), MatchLock>>> = LazyLock::new(Mutex::default);

type MatchLock = Arc<tokio::sync::Mutex<()>>;

/// The match's lock, held while it is synced.
pub(super) async fn lock_match(org_id: i64, match_id: i64) -> MatchGuard {
    let lock = {
        let mut locks = MATCH_LOCKS.lock().unwrap_or_else(|p| p.into_inner());
        // A waiter cancelled before it got its turn leaves its entry behind (its guard never
        // existed): entries nobody holds are swept once the map grows.
        if locks.len() > 256 {
            locks.retain(|_, l| Arc::strong_count(l) > 1);
        }
        Arc::clone(locks.entry((org_id, match_id)).or_default())
    };
    MatchGuard {
        key: (org_id, match_id),
        guard: Some(lock.lock_owned().await),
    }
}

pub(super) struct MatchGuard {
    key: (i64, i64),
    guard: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl Drop for MatchGuard {
    fn drop(&mut self) {
        self.guard.take();
        // Forget the lock once nobody holds or waits for it (the map stays small).
        let mut locks = MATCH_LOCKS.lock().unwrap_or_else(|p| p.into_inner());
        if locks
            .get(&self.key)
            .is_some_and(|l| Arc::strong_count(l) == 1)
        {
            locks.remove(&self.key);
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Change {
    Created,
    Updated,
    Deleted,
    Unchanged,
}

impl ReconcileOutcome {
    fn count(&mut self, change: Change) {
        match change {
            Change::Created => self.created += 1,
            Change::Updated => self.updated += 1,
            Change::Deleted => self.deleted += 1,
            Change::Unchanged => self.unchanged += 1,
        }
    }
}

impl DiscordEvents {
    /// Brings one match's event in step (the listeners' work). A match that is gone has its
    /// event deleted. The outcome is recorded on the tournament.
    pub async fn sync_match(&self, org_id: i64, match_id: i64, now: i64) -> Result<(), Error> {
        if !self
            .platform
            .plugins
            .is_enabled(org_id, crate::PLUGIN_ID)
            .await?
        {
            return Ok(());
        }
        let _turn = lock_match(org_id, match_id).await;
        let found = match self.tournaments().get_match(org_id, match_id).await {
            Ok(m) => Some(m),
            Err(Error::NotFound { .. }) => None,
            Err(e) => return Err(e),
        };
        let mut conn = self.conn().await?;
        let row = repo::events::for_match(&mut conn, org_id, match_id).await?;
        let Some(tournament_id) = found
            .as_ref()
            .map(|m| m.tournament_id)
            .or(row.as_ref().map(|r| r.tournament_id))
        else {
            return Ok(());
        };
        let settings = repo::settings::get(&mut conn, org_id, tournament_id)
            .await?
            .map(|s| s.settings());
        drop(conn);
        if settings.is_none() && row.is_none() {
            return Ok(());
        }
        let result = self
            .apply(org_id, settings.as_ref(), found.as_ref(), row, None, now)
            .await;
        // One match going well does not clear another's error: only a whole reconciliation does.
        self.record(
            org_id,
            tournament_id,
            result.as_ref().err(),
            false,
            now,
            result.is_err(),
        )
        .await?;
        result.map(|_| ())
    }

    /// "Reconcile now" on the page: the tournament's events brought in step with Discord.
    pub async fn reconcile_now(
        &self,
        org_id: i64,
        actor: &Actor,
        tournament_id: i64,
        now: i64,
    ) -> Result<ReconcileOutcome, Error> {
        self.require_enabled(org_id).await?;
        self.require(actor, org_id, actions::MANAGE).await?;
        self.tournaments()
            .tournament(org_id, &Actor::system(), tournament_id)
            .await?;
        self.reconcile_detached(org_id, tournament_id, now).await
    }

    /// [`Self::reconcile_tournament`] in a task of its own, awaited: a caller cut off by its
    /// time limit (a request, a listener) stops waiting, but the reconciliation goes on to the
    /// end — no creation is dropped between Discord making the event and its id being recorded
    /// — and its outcome is still recorded on the tournament.
    pub(crate) async fn reconcile_detached(
        &self,
        org_id: i64,
        tournament_id: i64,
        now: i64,
    ) -> Result<ReconcileOutcome, Error> {
        let this = self.clone();
        tokio::spawn(async move { this.reconcile_tournament(org_id, tournament_id, now).await })
            .await
            .map_err(Error::internal)?
    }

    /// Every match of the tournament brought in step; events of matches that are gone deleted;
    /// events Discord lost (deleted by hand) created anew; events the bot made in the server
    /// that no match of the organization owns deleted. Errors on single matches do not stop
    /// the others: the first is returned (and recorded) once all were tried.
    pub(crate) async fn reconcile_tournament(
        &self,
        org_id: i64,
        tournament_id: i64,
        now: i64,
    ) -> Result<ReconcileOutcome, Error> {
        let mut conn = self.conn().await?;
        let Some(settings) = repo::settings::get(&mut conn, org_id, tournament_id)
            .await?
            .map(|s| s.settings())
        else {
            return Ok(ReconcileOutcome::default());
        };
        let mut rows: BTreeMap<i64, EventRow> =
            repo::events::for_tournament(&mut conn, org_id, tournament_id)
                .await?
                .into_iter()
                .map(|r| (r.match_id, r))
                .collect();
        drop(conn);
        let result = self
            .reconcile_rows(org_id, tournament_id, &settings, &mut rows, now)
            .await;
        self.record_pass(org_id, tournament_id, &result, now)
            .await?;
        result
    }

    /// Records a whole pass over the tournament (a reconciliation, a withdrawal): its error, or
    /// none, which clears the last one.
    pub(super) async fn record_pass<T>(
        &self,
        org_id: i64,
        tournament_id: i64,
        result: &Result<T, Error>,
        now: i64,
    ) -> Result<(), Error> {
        self.record(
            org_id,
            tournament_id,
            result.as_ref().err(),
            true,
            now,
            result.is_err(),
        )
        .await
    }

    async fn reconcile_rows(
        &self,
        org_id: i64,
        tournament_id: i64,
        settings: &EventSettings,
        rows: &mut BTreeMap<i64, EventRow>,
        now: i64,
    ) -> Result<ReconcileOutcome, Error> {
        let matches: Vec<Match> = self
            .tournaments()
            .matches(
                org_id,
                &MatchQuery {
                    tournament_id: Some(tournament_id),
                    ..MatchQuery::default()
                },
                None,
            )
            .await?;
        let guild = settings.guild_id.trim();
        let mut first_error = None;
        let present = if guild.is_empty() {
            None
        } else {
            self.ensure_guild(org_id, guild).await?;
            // A failed sweep does not stop the matches from being synced.
            match self.sweep_guild(org_id, tournament_id, guild).await {
                Ok(present) => Some(present),
                Err(e) => {
                    first_error = Some(e);
                    None
                }
            }
        };
        let mut outcome = ReconcileOutcome::default();
        for m in &matches {
            let _turn = lock_match(org_id, m.id).await;
            // Read again under the lock: a listener may have synced it meanwhile.
            rows.remove(&m.id);
            let row = repo::events::for_match(&mut *self.conn().await?, org_id, m.id).await?;
            match self
                .apply(org_id, Some(settings), Some(m), row, present.as_ref(), now)
                .await
            {
                Ok(change) => outcome.count(change),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        // Rows whose match is gone: their events go too.
        for (match_id, _) in std::mem::take(rows) {
            let _turn = lock_match(org_id, match_id).await;
            let Some(row) =
                repo::events::for_match(&mut *self.conn().await?, org_id, match_id).await?
            else {
                continue;
            };
            match self
                .apply(org_id, Some(settings), None, Some(row), None, now)
                .await
            {
                Ok(change) => outcome.count(change),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(outcome),
        }
    }

    /// The ids of the events in the server, after deleting this tournament's orphans: events
    /// this plugin made for it (their [`rules::marker`] says so — the bot is the whole site's,
    /// so other plugins' and other organizations' events are never touched) that no row of the
    /// organization holds (a creation whose row was lost). Skipped while a creation is under
    /// way in the server (its id is not recorded yet).
    async fn sweep_guild(
        &self,
        org_id: i64,
        tournament_id: i64,
        guild: &str,
    ) -> Result<HashSet<String>, Error> {
        let listed = self.list_events(org_id, guild).await?;
        let kept = repo::events::ids_in_guild(&mut *self.conn().await?, org_id, guild).await?;
        let mut present: HashSet<String> = listed.iter().map(|e| e.id.clone()).collect();
        // A fresh claim is a creation whose id is not recorded yet: its event must not be
        // taken for an orphan. A stale one is taken over (and its event adopted) by the sync.
        let stale_before = sdk::time::now_ms() - STALE_CLAIM_MS;
        if kept
            .iter()
            .any(|(id, claimed_at)| id.is_empty() && *claimed_at >= stale_before)
        {
            return Ok(present);
        }
        let ours: HashSet<String> = kept.into_iter().map(|(id, _)| id).collect();
        let bot = self.bot_user_id().await?;
        for event in listed {
            let this_tournament = rules::marked(&event.description)
                .is_some_and(|(org, tournament, _)| org == org_id && tournament == tournament_id);
            if event.creator_id.as_deref() == Some(bot.as_str())
                && this_tournament
                && !ours.contains(&event.id)
            {
                self.delete_event(org_id, guild, &event.id).await?;
                present.remove(&event.id);
            }
        }
        Ok(present)
    }

    /// Records the outcome on the tournament. When the sync itself failed (`failed`), failing
    /// to record is only logged: the caller returns the sync's error, not this one.
    async fn record(
        &self,
        org_id: i64,
        tournament_id: i64,
        error: Option<&Error>,
        clear_error: bool,
        now: i64,
        failed: bool,
    ) -> Result<(), Error> {
        let message = error.map(|e| e.message().to_string());
        let recorded = match self.conn().await {
            Ok(mut conn) => {
                repo::settings::record_sync(
                    &mut conn,
                    org_id,
                    tournament_id,
                    message.as_deref(),
                    clear_error,
                    now,
                )
                .await
            }
            Err(e) => Err(e),
        };
        match recorded {
            Err(e) if failed => {
                tracing::warn!(org_id, tournament_id, "recording a failed sync failed: {e}");
                Ok(())
            }
            other => other,
        }
    }

    /// One match's event brought in step (see the module docs). `present`: the ids Discord
    /// listed in the server, when the caller asked (a reconciliation).
    async fn apply(
        &self,
        org_id: i64,
        settings: Option<&EventSettings>,
        m: Option<&Match>,
        row: Option<EventRow>,
        present: Option<&HashSet<String>>,
        now: i64,
    ) -> Result<Change, Error> {
        let (settings, plan) = match (settings, m) {
            (Some(s), Some(m)) => (Some(s), rules::plan(m, s, now)),
            (s, _) => (s, Plan::Remove),
        };
        let spec = match plan {
            Plan::Leave => return Ok(Change::Unchanged),
            Plan::Remove => {
                return match row {
                    Some(row) => self.remove(org_id, &row, now).await,
                    None => Ok(Change::Unchanged),
                };
            }
            Plan::Want(spec) => spec,
        };
        let (Some(settings), Some(m)) = (settings, m) else {
            return Ok(Change::Unchanged);
        };
        let guild = settings.guild_id.trim();
        let body = spec.body();
        let print = rules::fingerprint(&body);
        if let Some(row) = row {
            if row.discord_event_id.is_empty() {
                if row.claimed_at >= now - STALE_CLAIM_MS {
                    // Another call is creating it right now.
                    return Ok(Change::Unchanged);
                }
            } else if row.guild_id != guild {
                self.remove(org_id, &row, now).await?;
            } else {
                // The listing was read before this match's turn: an event a listener made
                // since is not in it, so Discord is asked before it is taken for lost.
                let lost = match present {
                    Some(p) if !p.contains(&row.discord_event_id) => {
                        !self
                            .event_exists(org_id, guild, &row.discord_event_id)
                            .await?
                    }
                    _ => false,
                };
                if !lost && row.fingerprint == print {
                    return Ok(Change::Unchanged);
                }
                if !lost
                    && self
                        .modify_event(org_id, guild, &row.discord_event_id, &body)
                        .await?
                {
                    repo::events::set_event(
                        &mut *self.conn().await?,
                        org_id,
                        m.id,
                        &row.discord_event_id,
                        &print,
                        now,
                    )
                    .await?;
                    return Ok(Change::Updated);
                }
                // Deleted in Discord behind our back: made anew below.
                repo::events::forget(
                    &mut *self.conn().await?,
                    org_id,
                    m.id,
                    &row.discord_event_id,
                    row.claimed_at,
                )
                .await?;
            }
        }
        self.ensure_guild(org_id, guild).await?;
        let claimed = repo::events::claim(
            &mut *self.conn().await?,
            org_id,
            m.tournament_id,
            m.id,
            guild,
            now,
            now - STALE_CLAIM_MS,
        )
        .await?;
        let taken_over = match claimed {
            Claim::Held => return Ok(Change::Unchanged),
            Claim::New => false,
            Claim::TakenOver => true,
        };
        // `now` is the claim's token: only this call may record under it.
        let created = if taken_over {
            // The claim's last owner may have made the event and been cut off before it was
            // recorded: adopt it rather than make a second.
            // Adopted, it is brought in step (the match may have changed since); gone
            // meanwhile, it is made anew.
            match self.adopt(org_id, m, guild).await {
                Ok(Some(id)) => match self.modify_event(org_id, guild, &id, &body).await {
                    Ok(true) => Ok(id),
                    Ok(false) => self.create_event(org_id, guild, &body).await,
                    Err(e) => Err(e),
                },
                Ok(None) => self.create_event(org_id, guild, &body).await,
                Err(e) => Err(e),
            }
        } else {
            self.create_event(org_id, guild, &body).await
        };
        match created {
            Ok(id) => {
                let mine = repo::events::set_created(
                    &mut *self.conn().await?,
                    org_id,
                    m.id,
                    guild,
                    &id,
                    &print,
                    now,
                    now,
                )
                .await?;
                if mine {
                    return Ok(Change::Created);
                }
                // The claim was taken over meanwhile: the other owner records its own event,
                // so this one goes (else the match would have two).
                self.delete_event(org_id, guild, &id).await?;
                Ok(Change::Unchanged)
            }
            Err(e) => {
                // The claim is dropped so the next sync tries again; failing to drop it must
                // not hide why the creation failed (it goes stale and is taken over).
                let dropped = match self.conn().await {
                    Ok(mut conn) => repo::events::forget(&mut conn, org_id, m.id, "", now).await,
                    Err(e) => Err(e),
                };
                if let Err(drop_error) = dropped {
                    tracing::warn!(
                        org_id,
                        match_id = m.id,
                        "dropping a claim failed: {drop_error}"
                    );
                }
                Err(e)
            }
        }
    }

    /// The event this plugin made in the server for the match (its [`rules::marker`]) that no
    /// row of the organization holds: a creation cut off before its id was recorded.
    async fn adopt(&self, org_id: i64, m: &Match, guild: &str) -> Result<Option<String>, Error> {
        let listed = self.list_events(org_id, guild).await?;
        let bot = self.bot_user_id().await?;
        let kept: HashSet<String> =
            repo::events::ids_in_guild(&mut *self.conn().await?, org_id, guild)
                .await?
                .into_iter()
                .map(|(id, _)| id)
                .collect();
        Ok(listed
            .into_iter()
            .find(|e| {
                e.creator_id.as_deref() == Some(bot.as_str())
                    && !kept.contains(&e.id)
                    && rules::marked(&e.description) == Some((org_id, m.tournament_id, m.id))
            })
            .map(|e| e.id))
    }

    /// Deletes a match's event in Discord — only in a server still linked to the organization;
    /// a row in one that is not is forgotten without touching it — and drops the row.
    pub(super) async fn remove(
        &self,
        org_id: i64,
        row: &EventRow,
        now: i64,
    ) -> Result<Change, Error> {
        if row.discord_event_id.is_empty() {
            if row.claimed_at >= now - STALE_CLAIM_MS {
                return Ok(Change::Unchanged);
            }
        } else if self.ensure_guild(org_id, &row.guild_id).await.is_ok() {
            self.delete_event(org_id, &row.guild_id, &row.discord_event_id)
                .await?;
        } else {
            tracing::warn!(
                org_id,
                guild_id = %row.guild_id,
                "a Discord event's server is no longer linked to its organization; forgetting \
                 the event without deleting it"
            );
        }
        repo::events::forget(
            &mut *self.conn().await?,
            org_id,
            row.match_id,
            &row.discord_event_id,
            row.claimed_at,
        )
        .await?;
        Ok(Change::Deleted)
    }
}
