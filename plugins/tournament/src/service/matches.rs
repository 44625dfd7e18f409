//! Matches: reading them with their players, crew, stream and holds; scheduling, editing and
//! deleting them; their seed.

use std::collections::BTreeMap;

use sdk::{Actor, Error};
use serde_json::json;
use sqlx::AnyConnection;

use super::{no_match, no_tournament, Staged, Tournaments};
use crate::{
    events::{MatchDeleted, MatchScheduled, MatchUpdated},
    model::{Match, MatchSeed, MatchStatus, StreamChannel},
    repo::{self, MatchFields, MatchQuery, MatchRow},
    rules,
};

/// What a match is created or changed with.
#[derive(Debug, Clone, Default)]
pub struct MatchInput {
    pub title: String,
    pub comment: String,
    pub scheduled_at: Option<i64>,
    pub player_ids: Vec<i64>,
    pub stream_channel_id: Option<i64>,
}

impl Tournaments {
    /// Matches with their players, crew, stream and holds; `status` filters after deriving it.
    pub async fn matches(
        &self,
        org_id: i64,
        query: &MatchQuery,
        status: Option<MatchStatus>,
    ) -> Result<Vec<Match>, Error> {
        let mut conn = self.conn().await?;
        let rows = repo::matches(&mut conn, org_id, query).await?;
        let rows: Vec<MatchRow> = rows
            .into_iter()
            .filter(|r| status.is_none_or(|s| MatchStatus::of(&r.times) == s))
            .collect();
        Self::assemble(&mut conn, org_id, rows).await
    }

    /// One page of matches (`page`: the most recently created first), shown in schedule order:
    /// by time, unscheduled last. With a `status`, a page may hold fewer than its size.
    pub async fn matches_page(
        &self,
        org_id: i64,
        query: &MatchQuery,
        status: Option<MatchStatus>,
        page: sdk::page::PageRequest,
    ) -> Result<sdk::page::Page<Match>, Error> {
        let mut conn = self.conn().await?;
        let query = MatchQuery {
            page: Some(page),
            ..query.clone()
        };
        let rows = repo::matches(&mut conn, org_id, &query).await?;
        let rows = sdk::page::Page::from_rows(rows, &page, |r| r.id);
        let mut shown: Vec<MatchRow> = rows
            .items
            .into_iter()
            .filter(|r| status.is_none_or(|s| MatchStatus::of(&r.times) == s))
            .collect();
        shown.sort_by_key(|r| (r.times.scheduled_at.is_none(), r.times.scheduled_at, r.id));
        Ok(sdk::page::Page {
            items: Self::assemble(&mut conn, org_id, shown).await?,
            next_before_id: rows.next_before_id,
        })
    }

    pub async fn get_match(&self, org_id: i64, id: i64) -> Result<Match, Error> {
        let mut conn = self.conn().await?;
        let row = repo::match_by_id(&mut conn, org_id, id)
            .await?
            .ok_or_else(|| no_match(id))?;
        Self::assemble(&mut conn, org_id, vec![row])
            .await?
            .pop()
            .ok_or_else(|| no_match(id))
    }

    async fn assemble(
        conn: &mut AnyConnection,
        org_id: i64,
        rows: Vec<MatchRow>,
    ) -> Result<Vec<Match>, Error> {
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut players: BTreeMap<i64, Vec<_>> = BTreeMap::new();
        for (id, p) in repo::match_players(conn, &ids).await? {
            players.entry(id).or_default().push(p);
        }
        let mut crew: BTreeMap<i64, Vec<_>> = BTreeMap::new();
        for (id, c) in repo::crew(conn, &ids).await? {
            crew.entry(id).or_default().push(c);
        }
        let mut holds: BTreeMap<i64, Vec<_>> = BTreeMap::new();
        for (id, h) in repo::holds(conn, &ids).await? {
            holds.entry(id).or_default().push(h);
        }
        let channels: BTreeMap<i64, StreamChannel> = repo::stream_channels(conn, org_id)
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
        Ok(rows
            .into_iter()
            .map(|r| Match {
                id: r.id,
                org_id: r.org_id,
                tournament_id: r.tournament_id,
                tournament_name: r.tournament_name,
                title: r.title,
                comment: r.comment,
                status: MatchStatus::of(&r.times),
                scheduled_at: r.times.scheduled_at,
                checked_in_at: r.times.checked_in_at,
                started_at: r.times.started_at,
                finished_at: r.times.finished_at,
                confirmed_at: r.times.confirmed_at,
                stream_channel: r
                    .stream_channel_id
                    .and_then(|id| channels.get(&id).cloned()),
                players: players.remove(&r.id).unwrap_or_default(),
                crew: crew.remove(&r.id).unwrap_or_default(),
                seed: r.seed_url.map(|url| MatchSeed {
                    url,
                    description: r.seed_description,
                }),
                seed_roll_id: r.seed_roll_id,
                holds: holds.remove(&r.id).unwrap_or_default(),
                onsite: r.onsite,
                trackers_wanted: r.tracker_enabled,
                has_settings_form: r.settings_form_schema.is_some(),
            })
            .collect())
    }

    /// Checks the input against the organization: the tournament is there and open, players are
    /// members (and become tournament players), the stream channel is the organization's.
    async fn clean_match(
        conn: &mut AnyConnection,
        org_id: i64,
        tournament_id: i64,
        input: &MatchInput,
        now: i64,
    ) -> Result<(MatchFields, Vec<i64>), Error> {
        let t = repo::tournament(conn, org_id, 0, tournament_id)
            .await?
            .ok_or_else(|| no_tournament(tournament_id))?;
        if t.archived_at.is_some() {
            return Err(Error::conflict(
                "This tournament is archived; unarchive it to schedule matches.",
            ));
        }
        let players = rules::check_players(&input.player_ids)?;
        Self::require_members(conn, org_id, "player_ids", &players).await?;
        if let Some(channel) = input.stream_channel_id {
            repo::stream_channel(conn, org_id, channel)
                .await?
                .ok_or_else(|| {
                    Error::invalid(
                        "stream_channel_id",
                        format!("There is no stream channel {channel} here."),
                    )
                })?;
        }
        for player in &players {
            repo::add_player(conn, tournament_id, *player, now).await?;
        }
        Ok((
            MatchFields {
                title: rules::clean_text("title", &input.title, rules::TITLE_MAX)?,
                comment: rules::clean_text("comment", &input.comment, rules::COMMENT_MAX)?,
                scheduled_at: input.scheduled_at,
                stream_channel_id: input.stream_channel_id,
            },
            players,
        ))
    }

    pub async fn create_match(
        &self,
        org_id: i64,
        actor: &Actor,
        tournament_id: i64,
        input: &MatchInput,
        now: i64,
    ) -> Result<Match, Error> {
        let user = actor.id()?;
        let mut tx = self.begin().await?;
        let (fields, players) =
            Self::clean_match(&mut tx, org_id, tournament_id, input, now).await?;
        let id = repo::insert_match(&mut tx, org_id, tournament_id, &fields, user, now).await?;
        repo::set_players(&mut tx, id, &players).await?;
        actor.audit(&mut tx, Some(org_id), "match.create", json!({"match_id": id, "tournament_id": tournament_id, "title": fields.title, "scheduled_at": fields.scheduled_at, "player_ids": players})).await?;
        let mut staged = Staged::default();
        if let Some(at) = fields.scheduled_at {
            self.stage(
                &mut tx,
                &mut staged,
                org_id,
                actor,
                MatchScheduled {
                    tournament_id,
                    match_id: id,
                    scheduled_at: at,
                    previous: None,
                    player_ids: players,
                },
            )
            .await?;
        }
        self.commit(tx, staged).await?;
        self.get_match(org_id, id).await
    }

    pub async fn update_match(
        &self,
        org_id: i64,
        actor: &Actor,
        id: i64,
        input: &MatchInput,
        now: i64,
    ) -> Result<Match, Error> {
        let mut tx = self.begin().await?;
        if !repo::lock_match(&mut tx, org_id, id, now).await? {
            return Err(no_match(id));
        }
        let before = repo::match_by_id(&mut tx, org_id, id)
            .await?
            .ok_or_else(|| no_match(id))?;
        let status = MatchStatus::of(&before.times);
        let (fields, players) =
            Self::clean_match(&mut tx, org_id, before.tournament_id, input, now).await?;
        Self::refuse_locked_fields(&mut tx, &before, &fields, &players).await?;
        if fields.scheduled_at.is_none() && status > MatchStatus::Scheduled {
            return Err(Error::invalid(
                "scheduled_at",
                format!(
                    "This match is {}: revert it to Scheduled before clearing its time.",
                    status.label().to_lowercase()
                ),
            ));
        }
        let old_players: Vec<i64> = repo::match_players(&mut tx, &[id])
            .await?
            .into_iter()
            .map(|(_, p)| p.user_id)
            .collect();
        let same_players = {
            let (mut a, mut b) = (old_players.clone(), players.clone());
            a.sort_unstable();
            b.sort_unstable();
            a == b
        };
        if !same_players && status >= MatchStatus::InProgress {
            return Err(Error::invalid(
                "player_ids",
                "The players of a match that has started cannot change; revert it to Checked in first.",
            ));
        }
        repo::update_match(&mut tx, org_id, id, &fields, now).await?;
        repo::set_players(&mut tx, id, &players).await?;
        actor.audit(&mut tx, Some(org_id), "match.update", json!({"match_id": id, "title": fields.title, "scheduled_at": fields.scheduled_at, "player_ids": players})).await?;
        let mut staged = Staged::default();
        if let Some(at) = fields
            .scheduled_at
            .filter(|at| Some(*at) != before.times.scheduled_at)
        {
            self.stage(
                &mut tx,
                &mut staged,
                org_id,
                actor,
                MatchScheduled {
                    tournament_id: before.tournament_id,
                    match_id: id,
                    scheduled_at: at,
                    previous: before.times.scheduled_at,
                    player_ids: players,
                },
            )
            .await?;
        }
        self.stage(
            &mut tx,
            &mut staged,
            org_id,
            actor,
            MatchUpdated {
                tournament_id: before.tournament_id,
                match_id: id,
                what: "details".into(),
            },
        )
        .await?;
        self.commit(tx, staged).await?;
        self.get_match(org_id, id).await
    }

    pub async fn delete_match(
        &self,
        org_id: i64,
        actor: &Actor,
        id: i64,
        now: i64,
    ) -> Result<(), Error> {
        let mut tx = self.begin().await?;
        if !repo::lock_match(&mut tx, org_id, id, now).await? {
            return Err(no_match(id));
        }
        let row = repo::match_by_id(&mut tx, org_id, id)
            .await?
            .ok_or_else(|| no_match(id))?;
        if let Some((_, hold)) = repo::holds(&mut tx, &[id]).await?.into_iter().next() {
            return Err(Error::conflict(format!(
                "{} controls this match: {}. Release it there before deleting the match.",
                hold.holder, hold.reason
            )));
        }
        repo::delete_match(&mut tx, org_id, id).await?;
        actor
            .audit(
                &mut tx,
                Some(org_id),
                "match.delete",
                json!({"match_id": id, "title": row.title, "tournament_id": row.tournament_id}),
            )
            .await?;
        let mut staged = Staged::default();
        self.stage(
            &mut tx,
            &mut staged,
            org_id,
            actor,
            MatchDeleted {
                tournament_id: row.tournament_id,
                match_id: id,
            },
        )
        .await?;
        self.commit(tx, staged).await?;
        Ok(())
    }

    /// Sets (or, with an empty URL, clears) the match's seed. Randomizer plugins call this too.
    /// A seed set this way is not one from the seed history: the match forgets the roll it had.
    pub async fn set_seed(
        &self,
        org_id: i64,
        actor: &Actor,
        id: i64,
        url: &str,
        description: &str,
        now: i64,
    ) -> Result<Match, Error> {
        self.write_seed(org_id, actor, id, url, description, None, now)
            .await
    }

    /// [`Tournaments::set_seed`], remembering the seed history entry `seed_roll_id` the seed was
    /// rolled as (a match's "Roll seed"): one transaction with its audit entry.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn write_seed(
        &self,
        org_id: i64,
        actor: &Actor,
        id: i64,
        url: &str,
        description: &str,
        seed_roll_id: Option<i64>,
        now: i64,
    ) -> Result<Match, Error> {
        let url = rules::clean_url("url", url, true)?;
        let description = rules::clean_text("description", description, rules::COMMENT_MAX)?;
        let mut tx = self.begin().await?;
        if !repo::lock_match(&mut tx, org_id, id, now).await? {
            return Err(no_match(id));
        }
        let row = repo::match_by_id(&mut tx, org_id, id)
            .await?
            .ok_or_else(|| no_match(id))?;
        let url = (!url.is_empty()).then_some(url);
        repo::set_seed(&mut tx, id, url.as_deref(), &description, seed_roll_id).await?;
        actor
            .audit(
                &mut tx,
                Some(org_id),
                "match.seed",
                json!({"match_id": id, "url": url, "seed_roll_id": seed_roll_id}),
            )
            .await?;
        let mut staged = Staged::default();
        self.stage(
            &mut tx,
            &mut staged,
            org_id,
            actor,
            MatchUpdated {
                tournament_id: row.tournament_id,
                match_id: id,
                what: "seed".into(),
            },
        )
        .await?;
        self.commit(tx, staged).await?;
        self.get_match(org_id, id).await
    }
}
