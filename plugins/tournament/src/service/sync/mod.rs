//! Matches another plugin keeps in step with an outside schedule (SpeedGaming episodes): it
//! says what a match should be ([`SyncedMatch`]) and [`Tournaments::sync_match`] makes it so —
//! and writes nothing at all when the match already is, so a sync that finds no change leaves
//! the database (and the audit log) as it was. While a match carries the plugin's field lock
//! ([`crate::repo::FieldLock`]), hand edits of its title, time, players and stream channel are
//! refused ([`Tournaments::refuse_locked_fields`], called by `update_match`); its steps, result
//! and comment stay with the managers. The holder lifts its locks when its sync is switched off
//! ([`Tournaments::release_field_locks_in`]) and when the holder plugin is switched off for the
//! organization ([`Tournaments::release_org_field_locks_in`], from its `on_disable`).
//!
//! The crew a sync writes is marked with the holder (`tournament_crew.synced_by`): a sync
//! compares and removes only those rows, so crew that signed up on this site stays and causes no
//! write — unless the outside schedule approved that person for that role while the sign-up here
//! still waits, in which case the sync approves it (a `CrewApproved` event, as a manager's would
//! be). A new match is created together with the caller's own bookkeeping ([`OnCreated`], in
//! the same transaction), and a sync deletes only a match that is still merely scheduled.
//!
//! Everything here acts as the system ([`Actor::system`]): the audit entries name the holder
//! (`via`) rather than a person.
//!
//! Files: this one (what a match should be, the diff, creating and updating it, the stream
//! channel a sync names), `locks` (the field locks), `ending` (finishing and deleting a synced
//! match), `tests` (the diff's unit tests).

use std::collections::BTreeSet;

use sdk::{Actor, Error};
use serde_json::json;
use sqlx::AnyConnection;

mod ending;
mod locks;
#[cfg(test)]
mod tests;

use super::{no_match, Staged, Tournaments};
use crate::{
    events::{CrewApproved, MatchScheduled, MatchUpdated},
    model::{CrewRole, MatchStatus},
    repo::{self, FieldLock, LocalCrewRow, MatchFields, MatchRow},
};

/// What the outside schedule says a match is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncedMatch {
    pub title: String,
    pub scheduled_at: i64,
    /// Users; every one must be a member of the organization already.
    pub player_ids: Vec<i64>,
    pub stream_channel_id: Option<i64>,
    /// Approved crew (user, role).
    pub crew: Vec<(i64, CrewRole)>,
}

/// Who keeps the match in step, and the note shown on it (and in refusals).
#[derive(Debug, Clone, Copy)]
pub struct SyncSource<'a> {
    pub holder: &'a str,
    pub reason: &'a str,
}

/// Runs inside the transaction that creates a synced match, with the new match's id: the
/// caller remembers where the match came from (e.g. its episode) in the same transaction, so a
/// match is never created without the caller knowing it.
pub type OnCreated<'a> = &'a (dyn for<'c> Fn(
    &'c mut AnyConnection,
    i64,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<(), Error>> + Send + 'c>,
> + Send
         + Sync);

/// What [`Tournaments::sync_match`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncOutcome {
    Created(i64),
    /// The match changed; `what` names the parts (`title`, `time`, `players`, `stream`,
    /// `crew`, `lock`).
    Updated {
        match_id: i64,
        what: Vec<&'static str>,
    },
    /// Nothing to do: nothing was written.
    Unchanged(i64),
    /// Finished (or recorded): never touched again.
    Finished(i64),
}

/// The crew the sync should have written itself: the wanted crew but for those already on the
/// match by a local sign-up for the same role (kept as they are).
fn wanted_crew(
    want: &SyncedMatch,
    local_crew: &BTreeSet<(i64, String)>,
) -> BTreeSet<(i64, String)> {
    want.crew
        .iter()
        .map(|(u, r)| (*u, r.key().to_string()))
        .filter(|c| !local_crew.contains(c))
        .collect()
}

/// The local sign-ups still waiting for approval that the outside schedule lists as approved
/// crew for the same role: the sync approves them (they stay local rows).
fn approvals_due<'a>(want: &SyncedMatch, local_rows: &'a [LocalCrewRow]) -> Vec<&'a LocalCrewRow> {
    local_rows
        .iter()
        .filter(|row| {
            !row.approved
                && want
                    .crew
                    .iter()
                    .any(|(user, role)| *user == row.user_id && role.key() == row.role)
        })
        .collect()
}

/// The parts of `current` that differ from `want` (empty: nothing to write).
fn differences(
    row: &MatchRow,
    local_crew: &BTreeSet<(i64, String)>,
    players: &BTreeSet<i64>,
    crew: &BTreeSet<(i64, String)>,
    lock: Option<&FieldLock>,
    want: &SyncedMatch,
    source: &SyncSource<'_>,
) -> Vec<&'static str> {
    let mut what = Vec::new();
    if row.title != want.title {
        what.push("title");
    }
    if row.times.scheduled_at != Some(want.scheduled_at) {
        what.push("time");
    }
    if *players != want.player_ids.iter().copied().collect::<BTreeSet<_>>() {
        what.push("players");
    }
    if row.stream_channel_id != want.stream_channel_id {
        what.push("stream");
    }
    if *crew != wanted_crew(want, local_crew) {
        what.push("crew");
    }
    if lock.is_none_or(|l| l.holder != source.holder || l.reason != source.reason) {
        what.push("lock");
    }
    what
}

impl Tournaments {
    /// Makes match `match_id` (or a new one, when None or gone) of the tournament what `want`
    /// says, with `source`'s field lock, in one transaction with its audit entry — or writes
    /// nothing when it already is. A finished match is left alone.
    #[allow(clippy::too_many_arguments)]
    pub async fn sync_match(
        &self,
        org_id: i64,
        tournament_id: i64,
        match_id: Option<i64>,
        want: &SyncedMatch,
        source: SyncSource<'_>,
        on_created: OnCreated<'_>,
        now: i64,
    ) -> Result<SyncOutcome, Error> {
        let mut conn = self.conn().await?;
        let existing = match match_id {
            Some(id) => repo::match_by_id(&mut conn, org_id, id)
                .await?
                .filter(|row| row.tournament_id == tournament_id),
            None => None,
        };
        let Some(row) = existing else {
            drop(conn);
            return self
                .sync_create(org_id, tournament_id, want, source, on_created, now)
                .await
                .map(SyncOutcome::Created);
        };
        if MatchStatus::of(&row.times) >= MatchStatus::Finished {
            return Ok(SyncOutcome::Finished(row.id));
        }
        let players: BTreeSet<i64> = repo::match_players(&mut conn, &[row.id])
            .await?
            .into_iter()
            .map(|(_, p)| p.user_id)
            .collect();
        // Only the crew rows this sync wrote are compared (and ever removed): crew that signed
        // up on this site stays, and causes no write.
        let crew_rows = repo::synced_crew(&mut conn, row.id, source.holder).await?;
        let crew: BTreeSet<(i64, String)> = crew_rows
            .iter()
            .map(|c| (c.user_id, c.role.clone()))
            .collect();
        let local_rows = repo::local_crew(&mut conn, row.id).await?;
        let local: BTreeSet<(i64, String)> = local_rows
            .iter()
            .map(|c| (c.user_id, c.role.clone()))
            .collect();
        let lock = repo::field_lock(&mut conn, row.id).await?;
        drop(conn);
        let mut what = differences(&row, &local, &players, &crew, lock.as_ref(), want, &source);
        let approvals = approvals_due(want, &local_rows);
        if !approvals.is_empty() {
            what.push("crew_approval");
        }
        if what.is_empty() {
            return Ok(SyncOutcome::Unchanged(row.id));
        }

        let id = row.id;
        let mut tx = self.begin().await?;
        if !repo::lock_match(&mut tx, org_id, id, now).await? {
            return Err(no_match(id));
        }
        let fields = MatchFields {
            title: want.title.clone(),
            comment: row.comment.clone(),
            scheduled_at: Some(want.scheduled_at),
            stream_channel_id: want.stream_channel_id,
        };
        repo::update_match(&mut tx, org_id, id, &fields, now).await?;
        for player in &want.player_ids {
            repo::add_player(&mut tx, tournament_id, *player, now).await?;
        }
        repo::set_synced_players(&mut tx, id, &want.player_ids).await?;
        if what.contains(&"crew") {
            let wanted = wanted_crew(want, &local);
            for member in &crew_rows {
                if !wanted.contains(&(member.user_id, member.role.clone())) {
                    repo::delete_crew_entry(&mut tx, member.id).await?;
                }
            }
            for (user, role) in &want.crew {
                if wanted.contains(&(*user, role.key().to_string())) {
                    repo::insert_synced_crew(&mut tx, id, *user, *role, source.holder, now).await?;
                }
            }
        }
        // Read before the transaction: a manager may have approved or removed one meanwhile.
        let mut approved_now = Vec::new();
        for approval in approvals {
            if repo::approve_local_crew(&mut tx, approval.id).await? {
                approved_now.push(approval);
            }
        }
        repo::put_field_lock(&mut tx, id, source.holder, source.reason, now).await?;
        let approved_crew: Vec<i64> = approved_now.iter().map(|c| c.id).collect();
        Actor::system()
            .audit(
                &mut tx,
                Some(org_id),
                "match.sync_update",
                json!({"match_id": id, "tournament_id": tournament_id, "via": source.holder,
                       "changed": what, "title": want.title, "scheduled_at": want.scheduled_at,
                       "player_ids": want.player_ids, "approved_crew_ids": approved_crew}),
            )
            .await?;
        let mut staged = Staged::default();
        let actor = Actor::system();
        for approval in &approved_now {
            self.stage(
                &mut tx,
                &mut staged,
                org_id,
                &actor,
                CrewApproved {
                    match_id: id,
                    crew_id: approval.id,
                    user_id: approval.user_id,
                    role: approval.role.clone(),
                    approved: true,
                },
            )
            .await?;
        }
        if what.contains(&"time") {
            self.stage(
                &mut tx,
                &mut staged,
                org_id,
                &actor,
                MatchScheduled {
                    tournament_id,
                    match_id: id,
                    scheduled_at: want.scheduled_at,
                    previous: row.times.scheduled_at,
                    player_ids: want.player_ids.clone(),
                },
            )
            .await?;
        }
        if what
            .iter()
            .any(|w| matches!(*w, "title" | "players" | "stream"))
        {
            self.stage(
                &mut tx,
                &mut staged,
                org_id,
                &actor,
                MatchUpdated {
                    tournament_id,
                    match_id: id,
                    what: "details".into(),
                },
            )
            .await?;
        }
        if what.iter().any(|w| matches!(*w, "crew" | "crew_approval")) {
            self.stage(
                &mut tx,
                &mut staged,
                org_id,
                &actor,
                MatchUpdated {
                    tournament_id,
                    match_id: id,
                    what: "crew".into(),
                },
            )
            .await?;
        }
        self.commit(tx, staged).await?;
        Ok(SyncOutcome::Updated { match_id: id, what })
    }

    async fn sync_create(
        &self,
        org_id: i64,
        tournament_id: i64,
        want: &SyncedMatch,
        source: SyncSource<'_>,
        on_created: OnCreated<'_>,
        now: i64,
    ) -> Result<i64, Error> {
        let mut tx = self.begin().await?;
        let fields = MatchFields {
            title: want.title.clone(),
            comment: String::new(),
            scheduled_at: Some(want.scheduled_at),
            stream_channel_id: want.stream_channel_id,
        };
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT id FROM tournaments WHERE organization_id = $1 AND id = $2")
                .bind(org_id)
                .bind(tournament_id)
                .fetch_optional(&mut *tx)
                .await?;
        if exists.is_none() {
            return Err(super::no_tournament(tournament_id));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO tournament_matches (organization_id, tournament_id, title, comment,
                scheduled_at, stream_channel_id, created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $7) RETURNING id",
        )
        .bind(org_id)
        .bind(tournament_id)
        .bind(&fields.title)
        .bind(&fields.comment)
        .bind(fields.scheduled_at)
        .bind(fields.stream_channel_id)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        for player in &want.player_ids {
            repo::add_player(&mut tx, tournament_id, *player, now).await?;
        }
        repo::set_synced_players(&mut tx, id, &want.player_ids).await?;
        for (user, role) in &want.crew {
            repo::insert_synced_crew(&mut tx, id, *user, *role, source.holder, now).await?;
        }
        repo::put_field_lock(&mut tx, id, source.holder, source.reason, now).await?;
        on_created(&mut tx, id).await?;
        Actor::system()
            .audit(
                &mut tx,
                Some(org_id),
                "match.sync_create",
                json!({"match_id": id, "tournament_id": tournament_id, "via": source.holder,
                       "title": want.title, "scheduled_at": want.scheduled_at,
                       "player_ids": want.player_ids}),
            )
            .await?;
        let mut staged = Staged::default();
        self.stage(
            &mut tx,
            &mut staged,
            org_id,
            &Actor::system(),
            MatchScheduled {
                tournament_id,
                match_id: id,
                scheduled_at: want.scheduled_at,
                previous: None,
                player_ids: want.player_ids.clone(),
            },
        )
        .await?;
        self.commit(tx, staged).await?;
        Ok(id)
    }

    /// The organization's stream channel called `name`, created (active, at `stream_url`) when
    /// there is none: (id, whether it was created).
    pub async fn ensure_stream_channel(
        &self,
        org_id: i64,
        name: &str,
        stream_url: &str,
        via: &str,
        now: i64,
    ) -> Result<(i64, bool), Error> {
        if let Some(id) = repo::stream_channel_named(&mut *self.conn().await?, org_id, name).await?
        {
            return Ok((id, false));
        }
        let name = crate::rules::clean_name("name", name, crate::rules::NAME_MAX)?;
        let url = crate::rules::clean_url("stream_url", stream_url, false)?;
        let mut tx = self.begin().await?;
        if let Some(id) = repo::stream_channel_named(&mut tx, org_id, &name).await? {
            return Ok((id, false));
        }
        let id = repo::insert_stream_channel(&mut tx, org_id, &name, &url, true, now).await?;
        Actor::system()
            .audit(
                &mut tx,
                Some(org_id),
                "tournament.stream_channel",
                json!({"stream_channel_id": id, "name": name, "is_active": true, "via": via}),
            )
            .await?;
        tx.commit().await?;
        Ok((id, true))
    }
}
