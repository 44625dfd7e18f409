//! Every tournament operation, callable from the web (server functions), other plugins (RaceTime,
//! SpeedGaming, randomizers — through the published service) and tasks alike: each takes the
//! organization, the acting user and `now`, and never looks at a request.
//!
//! How a write goes: one transaction (on a match, its first statement takes the match's row lock
//! — [`repo::lock_match`]), the rule from [`crate::rules`] applied to what was read under it, the
//! writes, the audit entry, commit — and only then its events.
//!
//! What integration plugins use: [`Tournaments::hold`] / [`Tournaments::release`] (a linked race
//! room stops managers from moving the match by hand), [`Tournaments::advance`] /
//! [`Tournaments::set_result`] with `as_holder` (the room opened, started, finished), and
//! [`Tournaments::set_seed`] (a rolled seed).

use std::{collections::BTreeMap, sync::Arc};

use sdk::{
    audit::{self, AuditEntry},
    context::Platform,
    db::Db,
    events::EventBus,
    time::rfc3339_utc,
    Actor, Error,
};
use serde_json::{json, Value};
use sqlx::AnyConnection;

use crate::{
    events::{
        CrewApproved, CrewSignedUp, MatchDeleted, MatchFinished, MatchScheduled,
        MatchStatusChanged, MatchUpdated, TournamentCreated, TournamentUpdated,
    },
    model::{
        CrewRole, Match, MatchSeed, MatchStatus, Person, RankInput, SettingsSubmission,
        StationInput, StreamChannel, Tournament,
    },
    repo::{self, MatchFields, MatchQuery, MatchRow, TournamentFields, TournamentRow},
    rules::{self, FlowFacts},
};

pub mod calendar;

type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// What a tournament is created or changed with.
#[derive(Debug, Clone, Default)]
pub struct TournamentInput {
    pub name: String,
    pub description: String,
    pub is_active: bool,
    pub onsite: bool,
    pub tracker_enabled: bool,
    pub self_registration: bool,
    pub settings_form_schema: Option<Value>,
    pub randomizer: String,
    pub preset: String,
    /// Publish a public calendar feed (opt-in; see [`calendar`]).
    pub public_feed: bool,
}

impl TournamentInput {
    fn clean(&self) -> Result<TournamentFields, Error> {
        let schema = match &self.settings_form_schema {
            None | Some(Value::Null) => None,
            Some(schema) => {
                rules::check_settings_schema(schema)?;
                Some(schema.to_string())
            }
        };
        let optional = |field: &str, text: &str| -> Result<Option<String>, Error> {
            let text = rules::clean_text(field, text, rules::NAME_MAX)?;
            Ok((!text.is_empty()).then_some(text))
        };
        Ok(TournamentFields {
            name: rules::clean_name("name", &self.name, rules::NAME_MAX)?,
            description: rules::clean_text(
                "description",
                &self.description,
                rules::DESCRIPTION_MAX,
            )?,
            is_active: self.is_active,
            onsite: self.onsite,
            tracker_enabled: self.tracker_enabled,
            self_registration: self.self_registration,
            settings_form_schema: schema,
            randomizer: optional("randomizer", &self.randomizer)?,
            preset: optional("preset", &self.preset)?,
        })
    }
}

/// What a match is created or changed with.
#[derive(Debug, Clone, Default)]
pub struct MatchInput {
    pub title: String,
    pub comment: String,
    pub scheduled_at: Option<i64>,
    pub player_ids: Vec<i64>,
    pub stream_channel_id: Option<i64>,
}

/// A status step: forward (advance) or back (revert). `expected` is the status the person saw
/// (a step from another status is refused); `stations` check in an onsite match; `as_holder` is
/// the plugin acting, whose own hold does not stop it.
#[derive(Debug, Clone, Default)]
pub struct StepRequest {
    pub forward: bool,
    pub expected: Option<MatchStatus>,
    pub stations: Vec<StationInput>,
    pub as_holder: Option<String>,
}

/// What a stream channel is created or changed with.
#[derive(Debug, Clone)]
pub struct StreamChannelInput {
    pub name: String,
    pub stream_url: String,
    pub is_active: bool,
}

/// The tournament service (published for other plugins).
#[derive(Debug, Clone)]
pub struct Tournaments {
    db: Db,
    events: Arc<EventBus>,
}

fn no_tournament(id: i64) -> Error {
    Error::not_found(format!("There is no tournament {id} here."))
}

fn no_match(id: i64) -> Error {
    Error::not_found(format!("There is no match {id} here."))
}

fn user_of(actor: &Actor) -> Result<i64, Error> {
    actor.id()
}

fn opt_time(ms: Option<i64>) -> Option<String> {
    ms.map(rfc3339_utc)
}

impl Tournaments {
    pub fn new(db: Db, events: Arc<EventBus>) -> Self {
        Self { db, events }
    }

    pub fn from_platform(platform: &Platform) -> Self {
        Self::new(platform.db.clone(), Arc::clone(&platform.events))
    }

    async fn conn(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Any>, Error> {
        Ok(self.db.pool().acquire().await?)
    }

    async fn begin(&self) -> Result<Tx, Error> {
        Ok(self.db.begin().await?)
    }

    async fn audit(
        conn: &mut AnyConnection,
        actor: &Actor,
        org_id: i64,
        action: &str,
        details: Value,
    ) -> Result<(), Error> {
        audit::record(
            conn,
            AuditEntry {
                user_id: actor.user_id(),
                org_id: Some(org_id),
                action,
                details,
                ip: actor.ip.as_deref(),
            },
        )
        .await
    }

    fn emit<E: sdk::events::Event>(&self, org_id: i64, actor: &Actor, event: E) {
        self.events.emit(Some(org_id), actor.user_id(), event);
    }

    // -----------------------------------------------------------------------------------------
    // Tournaments and players

    fn tournament_dto(row: TournamentRow) -> Tournament {
        Tournament {
            id: row.id,
            org_id: row.org_id,
            name: row.name,
            description: row.description,
            is_active: row.is_active,
            onsite: row.onsite,
            tracker_enabled: row.tracker_enabled,
            self_registration: row.self_registration,
            settings_form_schema: row
                .settings_form_schema
                .and_then(|s| serde_json::from_str(&s).ok()),
            randomizer: row.randomizer,
            preset: row.preset,
            archived_at: opt_time(row.archived_at),
            created_at: rfc3339_utc(row.created_at),
            player_count: row.player_count,
            joined: row.joined,
            public_feed: row.public_feed_token.is_some(),
        }
    }

    /// One page of the organization's tournaments, newest first.
    pub async fn tournaments(
        &self,
        org_id: i64,
        viewer: i64,
        include_archived: bool,
        page: &sdk::page::PageRequest,
    ) -> Result<sdk::page::Page<Tournament>, Error> {
        let rows = repo::tournaments_page(
            &mut *self.conn().await?,
            org_id,
            viewer,
            include_archived,
            page,
        )
        .await?;
        Ok(sdk::page::Page::from_rows(rows, page, |t| t.id).map(Self::tournament_dto))
    }

    pub async fn tournament(&self, org_id: i64, viewer: i64, id: i64) -> Result<Tournament, Error> {
        repo::tournament(&mut *self.conn().await?, org_id, viewer, id)
            .await?
            .map(Self::tournament_dto)
            .ok_or_else(|| no_tournament(id))
    }

    pub async fn create_tournament(
        &self,
        org_id: i64,
        actor: &Actor,
        input: &TournamentInput,
        now: i64,
    ) -> Result<Tournament, Error> {
        let fields = input.clean()?;
        let user = user_of(actor)?;
        let mut tx = self.begin().await?;
        let id = repo::insert_tournament(&mut tx, org_id, &fields, user, now).await?;
        if input.public_feed {
            calendar::publish(&mut tx, org_id, id, true, now).await?;
        }
        Self::audit(
            &mut tx,
            actor,
            org_id,
            "tournament.create",
            json!({"tournament_id": id, "name": fields.name, "public_feed": input.public_feed}),
        )
        .await?;
        tx.commit().await?;
        self.emit(
            org_id,
            actor,
            TournamentCreated {
                tournament_id: id,
                name: fields.name,
            },
        );
        self.tournament(org_id, user, id).await
    }

    pub async fn update_tournament(
        &self,
        org_id: i64,
        actor: &Actor,
        id: i64,
        input: &TournamentInput,
        now: i64,
    ) -> Result<Tournament, Error> {
        let fields = input.clean()?;
        let user = user_of(actor)?;
        let mut tx = self.begin().await?;
        if !repo::update_tournament(&mut tx, org_id, id, &fields, now).await? {
            return Err(no_tournament(id));
        }
        calendar::publish(&mut tx, org_id, id, input.public_feed, now).await?;
        Self::audit(
            &mut tx,
            actor,
            org_id,
            "tournament.update",
            json!({"tournament_id": id, "name": fields.name, "is_active": fields.is_active,
                   "public_feed": input.public_feed}),
        )
        .await?;
        tx.commit().await?;
        let t = self.tournament(org_id, user, id).await?;
        self.emit(
            org_id,
            actor,
            TournamentUpdated {
                tournament_id: id,
                name: t.name.clone(),
                is_active: t.is_active,
                archived: t.archived_at.is_some(),
            },
        );
        Ok(t)
    }

    /// Archived tournaments leave the lists and take no new matches; their data stays.
    pub async fn set_archived(
        &self,
        org_id: i64,
        actor: &Actor,
        id: i64,
        archived: bool,
        now: i64,
    ) -> Result<Tournament, Error> {
        let user = user_of(actor)?;
        let mut tx = self.begin().await?;
        if !repo::set_archived(&mut tx, org_id, id, archived.then_some(now), now).await? {
            return Err(no_tournament(id));
        }
        let action = if archived {
            "tournament.archive"
        } else {
            "tournament.unarchive"
        };
        Self::audit(&mut tx, actor, org_id, action, json!({"tournament_id": id})).await?;
        tx.commit().await?;
        let t = self.tournament(org_id, user, id).await?;
        self.emit(
            org_id,
            actor,
            TournamentUpdated {
                tournament_id: id,
                name: t.name.clone(),
                is_active: t.is_active,
                archived,
            },
        );
        Ok(t)
    }

    /// One page of the tournament's players, by user id, highest first.
    pub async fn players(
        &self,
        org_id: i64,
        tournament_id: i64,
        page: &sdk::page::PageRequest,
    ) -> Result<sdk::page::Page<Person>, Error> {
        let mut conn = self.conn().await?;
        repo::tournament(&mut conn, org_id, 0, tournament_id)
            .await?
            .ok_or_else(|| no_tournament(tournament_id))?;
        Ok(repo::players(&mut conn, tournament_id, page)
            .await?
            .map(|(user_id, display_name)| Person {
                user_id,
                display_name,
            }))
    }

    /// The organization's members, for pickers.
    pub async fn members(&self, org_id: i64) -> Result<Vec<Person>, Error> {
        Ok(repo::members(&mut *self.conn().await?, org_id)
            .await?
            .into_iter()
            .map(|(user_id, display_name)| Person {
                user_id,
                display_name,
            })
            .collect())
    }

    async fn require_members(
        conn: &mut AnyConnection,
        org_id: i64,
        field: &str,
        user_ids: &[i64],
    ) -> Result<(), Error> {
        let members = repo::members_among(conn, org_id, user_ids).await?;
        match user_ids.iter().find(|u| !members.contains(u)) {
            Some(stranger) => Err(Error::invalid(
                field,
                format!("User {stranger} is not a member of this organization; invite them first."),
            )),
            None => Ok(()),
        }
    }

    pub async fn add_player(
        &self,
        org_id: i64,
        actor: &Actor,
        tournament_id: i64,
        user_id: i64,
        now: i64,
    ) -> Result<sdk::page::Page<Person>, Error> {
        let mut tx = self.begin().await?;
        repo::tournament(&mut tx, org_id, 0, tournament_id)
            .await?
            .ok_or_else(|| no_tournament(tournament_id))?;
        Self::require_members(&mut tx, org_id, "user_id", &[user_id]).await?;
        if !repo::add_player(&mut tx, tournament_id, user_id, now).await? {
            return Err(Error::conflict("This player is already in the tournament."));
        }
        Self::audit(
            &mut tx,
            actor,
            org_id,
            "tournament.add_player",
            json!({"tournament_id": tournament_id, "user_id": user_id}),
        )
        .await?;
        tx.commit().await?;
        self.players(org_id, tournament_id, &sdk::page::PageRequest::first())
            .await
    }

    pub async fn remove_player(
        &self,
        org_id: i64,
        actor: &Actor,
        tournament_id: i64,
        user_id: i64,
    ) -> Result<sdk::page::Page<Person>, Error> {
        let mut tx = self.begin().await?;
        repo::tournament(&mut tx, org_id, 0, tournament_id)
            .await?
            .ok_or_else(|| no_tournament(tournament_id))?;
        if !repo::remove_player(&mut tx, tournament_id, user_id).await? {
            return Err(Error::not_found(format!(
                "User {user_id} does not play in this tournament."
            )));
        }
        Self::audit(
            &mut tx,
            actor,
            org_id,
            "tournament.remove_player",
            json!({"tournament_id": tournament_id, "user_id": user_id}),
        )
        .await?;
        tx.commit().await?;
        self.players(org_id, tournament_id, &sdk::page::PageRequest::first())
            .await
    }

    /// A member joins a tournament that allows it.
    pub async fn register(
        &self,
        org_id: i64,
        actor: &Actor,
        tournament_id: i64,
        now: i64,
    ) -> Result<Tournament, Error> {
        let user = user_of(actor)?;
        let mut tx = self.begin().await?;
        let t = repo::tournament(&mut tx, org_id, user, tournament_id)
            .await?
            .ok_or_else(|| no_tournament(tournament_id))?;
        if !t.self_registration || !t.is_active || t.archived_at.is_some() {
            return Err(Error::forbidden(
                "This tournament does not take registrations; ask its organizers to add you.",
            ));
        }
        if !repo::add_player(&mut tx, tournament_id, user, now).await? {
            return Err(Error::conflict(
                "You are already registered for this tournament.",
            ));
        }
        Self::audit(
            &mut tx,
            actor,
            org_id,
            "tournament.register",
            json!({"tournament_id": tournament_id}),
        )
        .await?;
        tx.commit().await?;
        self.tournament(org_id, user, tournament_id).await
    }

    // -----------------------------------------------------------------------------------------
    // Stream channels

    /// One page of the organization's stream channels, newest first.
    pub async fn stream_channels(
        &self,
        org_id: i64,
        page: &sdk::page::PageRequest,
    ) -> Result<sdk::page::Page<StreamChannel>, Error> {
        repo::stream_channels_page(&mut *self.conn().await?, org_id, page).await
    }

    /// Creates a stream channel (`id` None) or changes one.
    pub async fn save_stream_channel(
        &self,
        org_id: i64,
        actor: &Actor,
        id: Option<i64>,
        channel: &StreamChannelInput,
        now: i64,
    ) -> Result<StreamChannel, Error> {
        let name = rules::clean_name("name", &channel.name, rules::NAME_MAX)?;
        let url = rules::clean_url("stream_url", &channel.stream_url, false)?;
        let is_active = channel.is_active;
        let mut tx = self.begin().await?;
        let id = match id {
            None => {
                repo::insert_stream_channel(&mut tx, org_id, &name, &url, is_active, now).await?
            }
            Some(id) => {
                if !repo::update_stream_channel(&mut tx, org_id, id, &name, &url, is_active).await?
                {
                    return Err(Error::not_found(format!(
                        "There is no stream channel {id} here."
                    )));
                }
                id
            }
        };
        Self::audit(
            &mut tx,
            actor,
            org_id,
            "tournament.stream_channel",
            json!({"stream_channel_id": id, "name": name, "is_active": is_active}),
        )
        .await?;
        tx.commit().await?;
        repo::stream_channel(&mut *self.conn().await?, org_id, id)
            .await?
            .ok_or_else(|| Error::internal("stream channel vanished after saving"))
    }

    // -----------------------------------------------------------------------------------------
    // Matches: reading

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
                scheduled_at: opt_time(r.times.scheduled_at),
                checked_in_at: opt_time(r.times.checked_in_at),
                started_at: opt_time(r.times.started_at),
                finished_at: opt_time(r.times.finished_at),
                confirmed_at: opt_time(r.times.confirmed_at),
                stream_channel: r
                    .stream_channel_id
                    .and_then(|id| channels.get(&id).cloned()),
                players: players.remove(&r.id).unwrap_or_default(),
                crew: crew.remove(&r.id).unwrap_or_default(),
                seed: r.seed_url.map(|url| MatchSeed {
                    url,
                    description: r.seed_description,
                }),
                holds: holds.remove(&r.id).unwrap_or_default(),
                onsite: r.onsite,
                trackers_wanted: r.tracker_enabled,
                has_settings_form: r.settings_form_schema.is_some(),
            })
            .collect())
    }

    // -----------------------------------------------------------------------------------------
    // Matches: writing

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
        let user = user_of(actor)?;
        let mut tx = self.begin().await?;
        let (fields, players) =
            Self::clean_match(&mut tx, org_id, tournament_id, input, now).await?;
        let id = repo::insert_match(&mut tx, org_id, tournament_id, &fields, user, now).await?;
        repo::set_players(&mut tx, id, &players).await?;
        Self::audit(&mut tx, actor, org_id, "match.create", json!({"match_id": id, "tournament_id": tournament_id, "title": fields.title, "scheduled_at": fields.scheduled_at, "player_ids": players})).await?;
        tx.commit().await?;
        if let Some(at) = fields.scheduled_at {
            self.emit(
                org_id,
                actor,
                MatchScheduled {
                    tournament_id,
                    match_id: id,
                    scheduled_at: at,
                    previous: None,
                    player_ids: players,
                },
            );
        }
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
        Self::audit(&mut tx, actor, org_id, "match.update", json!({"match_id": id, "title": fields.title, "scheduled_at": fields.scheduled_at, "player_ids": players})).await?;
        tx.commit().await?;
        if let Some(at) = fields
            .scheduled_at
            .filter(|at| Some(*at) != before.times.scheduled_at)
        {
            self.emit(
                org_id,
                actor,
                MatchScheduled {
                    tournament_id: before.tournament_id,
                    match_id: id,
                    scheduled_at: at,
                    previous: before.times.scheduled_at,
                    player_ids: players,
                },
            );
        }
        self.emit(
            org_id,
            actor,
            MatchUpdated {
                tournament_id: before.tournament_id,
                match_id: id,
                what: "details".into(),
            },
        );
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
        Self::audit(
            &mut tx,
            actor,
            org_id,
            "match.delete",
            json!({"match_id": id, "title": row.title, "tournament_id": row.tournament_id}),
        )
        .await?;
        tx.commit().await?;
        self.emit(
            org_id,
            actor,
            MatchDeleted {
                tournament_id: row.tournament_id,
                match_id: id,
            },
        );
        Ok(())
    }

    async fn flow_facts(
        tx: &mut Tx,
        org_id: i64,
        id: i64,
        as_holder: Option<&str>,
    ) -> Result<(MatchRow, FlowFacts), Error> {
        let row = repo::match_by_id(tx, org_id, id)
            .await?
            .ok_or_else(|| no_match(id))?;
        let players = repo::match_players(tx, &[id]).await?;
        let facts = FlowFacts {
            times: row.times,
            holds: repo::holds(tx, &[id])
                .await?
                .into_iter()
                .map(|(_, h)| h)
                .collect(),
            acting_holder: as_holder.map(str::to_string),
            onsite: row.onsite,
            result_complete: !players.is_empty()
                && players.iter().all(|(_, p)| p.finish_rank.is_some()),
            player_ids: players.into_iter().map(|(_, p)| p.user_id).collect(),
            stations: Vec::new(),
            expected: None,
        };
        Ok((row, facts))
    }

    /// One step forward. `stations` are needed to check in an onsite match; `as_holder` is the
    /// plugin acting (its own hold does not stop it).
    pub async fn advance(
        &self,
        org_id: i64,
        actor: &Actor,
        id: i64,
        stations: &[StationInput],
        as_holder: Option<&str>,
        now: i64,
    ) -> Result<Match, Error> {
        let request = StepRequest {
            forward: true,
            expected: None,
            stations: stations.to_vec(),
            as_holder: as_holder.map(str::to_string),
        };
        self.step(org_id, actor, id, &request, now).await
    }

    /// One step back, clearing the current status's timestamp.
    pub async fn revert(
        &self,
        org_id: i64,
        actor: &Actor,
        id: i64,
        as_holder: Option<&str>,
        now: i64,
    ) -> Result<Match, Error> {
        let request = StepRequest {
            forward: false,
            expected: None,
            stations: Vec::new(),
            as_holder: as_holder.map(str::to_string),
        };
        self.step(org_id, actor, id, &request, now).await
    }

    /// One status step, forward or back (see [`StepRequest`]).
    pub async fn step(
        &self,
        org_id: i64,
        actor: &Actor,
        id: i64,
        request: &StepRequest,
        now: i64,
    ) -> Result<Match, Error> {
        let as_holder = request.as_holder.as_deref();
        let mut tx = self.begin().await?;
        if !repo::lock_match(&mut tx, org_id, id, now).await? {
            return Err(no_match(id));
        }
        let (row, mut facts) = Self::flow_facts(&mut tx, org_id, id, as_holder).await?;
        facts.stations = request.stations.clone();
        facts.expected = request.expected;
        let step = if request.forward {
            rules::advance(&facts, now)?
        } else {
            rules::revert(&facts)?
        };
        repo::set_times(&mut tx, id, &step.times, now).await?;
        for (user, station) in &step.stations {
            repo::set_station(&mut tx, id, *user, Some(station)).await?;
        }
        if step.to == MatchStatus::Scheduled {
            repo::clear_stations(&mut tx, id).await?;
        }
        let action = if request.forward {
            "match.advance"
        } else {
            "match.revert"
        };
        Self::audit(&mut tx, actor, org_id, action, json!({"match_id": id, "from": step.from.key(), "to": step.to.key(), "by_holder": as_holder})).await?;
        let ranks: Vec<(i64, i64)> = repo::match_players(&mut tx, &[id])
            .await?
            .into_iter()
            .filter_map(|(_, p)| p.finish_rank.map(|r| (p.user_id, r)))
            .collect();
        tx.commit().await?;
        self.status_events(org_id, actor, &row, (step.from, step.to), as_holder, ranks);
        self.get_match(org_id, id).await
    }

    fn status_events(
        &self,
        org_id: i64,
        actor: &Actor,
        row: &MatchRow,
        (from, to): (MatchStatus, MatchStatus),
        as_holder: Option<&str>,
        ranks: Vec<(i64, i64)>,
    ) {
        self.emit(
            org_id,
            actor,
            MatchStatusChanged {
                tournament_id: row.tournament_id,
                match_id: row.id,
                from: from.key().into(),
                to: to.key().into(),
                by_holder: as_holder.map(str::to_string),
            },
        );
        if to == MatchStatus::Finished && from < to {
            self.emit(
                org_id,
                actor,
                MatchFinished {
                    tournament_id: row.tournament_id,
                    match_id: row.id,
                    ranks,
                },
            );
        }
    }

    /// Records finish ranks. A match in progress becomes Finished with them.
    pub async fn set_result(
        &self,
        org_id: i64,
        actor: &Actor,
        id: i64,
        ranks: &[RankInput],
        as_holder: Option<&str>,
        now: i64,
    ) -> Result<Match, Error> {
        let mut tx = self.begin().await?;
        if !repo::lock_match(&mut tx, org_id, id, now).await? {
            return Err(no_match(id));
        }
        let (row, facts) = Self::flow_facts(&mut tx, org_id, id, as_holder).await?;
        let from = MatchStatus::of(&facts.times);
        let ranks = rules::check_result(from, &facts.player_ids, ranks)?;
        for (user, rank) in &ranks {
            repo::set_rank(&mut tx, id, *user, Some(*rank)).await?;
        }
        let finishes = from == MatchStatus::InProgress;
        if finishes {
            // Finishing is a status step: holds apply as they do to advance.
            let step = rules::advance(
                &FlowFacts {
                    result_complete: true,
                    ..facts.clone()
                },
                now,
            )?;
            repo::set_times(&mut tx, id, &step.times, now).await?;
        }
        Self::audit(
            &mut tx,
            actor,
            org_id,
            "match.result",
            json!({"match_id": id, "ranks": ranks, "finished": finishes}),
        )
        .await?;
        tx.commit().await?;
        if finishes {
            let step = (from, MatchStatus::Finished);
            self.status_events(org_id, actor, &row, step, as_holder, ranks);
        } else {
            self.emit(
                org_id,
                actor,
                MatchUpdated {
                    tournament_id: row.tournament_id,
                    match_id: id,
                    what: "result".into(),
                },
            );
        }
        self.get_match(org_id, id).await
    }

    /// Sets (or, with an empty URL, clears) the match's seed. Randomizer plugins call this too.
    pub async fn set_seed(
        &self,
        org_id: i64,
        actor: &Actor,
        id: i64,
        url: &str,
        description: &str,
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
        repo::set_seed(&mut tx, id, url.as_deref(), &description).await?;
        Self::audit(
            &mut tx,
            actor,
            org_id,
            "match.seed",
            json!({"match_id": id, "url": url}),
        )
        .await?;
        tx.commit().await?;
        self.emit(
            org_id,
            actor,
            MatchUpdated {
                tournament_id: row.tournament_id,
                match_id: id,
                what: "seed".into(),
            },
        );
        self.get_match(org_id, id).await
    }

    /// `holder` (a plugin's name as users should read it, e.g. "RaceTime.gg") claims the match:
    /// managers can no longer advance, revert or delete it by hand until it is released.
    pub async fn hold(
        &self,
        org_id: i64,
        id: i64,
        holder: &str,
        reason: &str,
        now: i64,
    ) -> Result<(), Error> {
        let mut tx = self.begin().await?;
        if !repo::lock_match(&mut tx, org_id, id, now).await? {
            return Err(no_match(id));
        }
        repo::put_hold(&mut tx, id, holder, reason, now).await?;
        let system = Actor::system();
        Self::audit(
            &mut tx,
            &system,
            org_id,
            "match.hold",
            json!({"match_id": id, "holder": holder, "reason": reason}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn release(
        &self,
        org_id: i64,
        id: i64,
        holder: &str,
        now: i64,
    ) -> Result<bool, Error> {
        let mut tx = self.begin().await?;
        if !repo::lock_match(&mut tx, org_id, id, now).await? {
            return Err(no_match(id));
        }
        let released = repo::release_hold(&mut tx, id, holder).await?;
        if released {
            let system = Actor::system();
            Self::audit(
                &mut tx,
                &system,
                org_id,
                "match.release",
                json!({"match_id": id, "holder": holder}),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(released)
    }

    // -----------------------------------------------------------------------------------------
    // Crew

    /// A member signs up; the entry waits for approval.
    pub async fn crew_signup(
        &self,
        org_id: i64,
        actor: &Actor,
        match_id: i64,
        role: CrewRole,
        now: i64,
    ) -> Result<Match, Error> {
        let user = user_of(actor)?;
        self.add_crew_entry(org_id, actor, match_id, user, role, None, now)
            .await
    }

    /// A manager adds someone as crew: approved at once.
    pub async fn add_crew(
        &self,
        org_id: i64,
        actor: &Actor,
        match_id: i64,
        user_id: i64,
        role: CrewRole,
        now: i64,
    ) -> Result<Match, Error> {
        let approver = user_of(actor)?;
        self.add_crew_entry(org_id, actor, match_id, user_id, role, Some(approver), now)
            .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn add_crew_entry(
        &self,
        org_id: i64,
        actor: &Actor,
        match_id: i64,
        user_id: i64,
        role: CrewRole,
        approved_by: Option<i64>,
        now: i64,
    ) -> Result<Match, Error> {
        let mut tx = self.begin().await?;
        if !repo::lock_match(&mut tx, org_id, match_id, now).await? {
            return Err(no_match(match_id));
        }
        let row = repo::match_by_id(&mut tx, org_id, match_id)
            .await?
            .ok_or_else(|| no_match(match_id))?;
        if approved_by.is_some() {
            Self::require_members(&mut tx, org_id, "user_id", &[user_id]).await?;
        }
        let is_player = repo::match_players(&mut tx, &[match_id])
            .await?
            .iter()
            .any(|(_, p)| p.user_id == user_id);
        let roles = repo::crew_roles_of(&mut tx, match_id, user_id).await?;
        let already = roles.into_iter().find(|r| *r == role);
        rules::check_crew_signup(
            MatchStatus::of(&row.times),
            is_player,
            already,
            role,
            row.tracker_enabled,
        )
        .map_err(|e| {
            // A manager adding someone else reads about that person, not "you".
            match (approved_by, e) {
                (Some(_), Error::Forbidden { .. }) => Error::invalid(
                    "user_id",
                    "This user plays in the match, so they cannot crew it.",
                ),
                (Some(_), Error::Conflict { .. }) if already.is_some() => Error::conflict(format!(
                    "This user is already {} for the match.",
                    role.label().to_lowercase()
                )),
                (_, e) => e,
            }
        })?;
        let crew_id = repo::insert_crew(&mut tx, match_id, user_id, role, approved_by, now).await?;
        Self::audit(&mut tx, actor, org_id, "crew.signup", json!({"match_id": match_id, "crew_id": crew_id, "user_id": user_id, "role": role.key(), "approved": approved_by.is_some()})).await?;
        tx.commit().await?;
        self.emit(
            org_id,
            actor,
            CrewSignedUp {
                match_id,
                crew_id,
                user_id,
                role: role.key().into(),
                approved: approved_by.is_some(),
            },
        );
        self.get_match(org_id, match_id).await
    }

    /// A member withdraws their own sign-up.
    pub async fn crew_withdraw(
        &self,
        org_id: i64,
        actor: &Actor,
        match_id: i64,
        role: CrewRole,
        now: i64,
    ) -> Result<Match, Error> {
        let user = user_of(actor)?;
        let mut tx = self.begin().await?;
        if !repo::lock_match(&mut tx, org_id, match_id, now).await? {
            return Err(no_match(match_id));
        }
        let row = repo::match_by_id(&mut tx, org_id, match_id)
            .await?
            .ok_or_else(|| no_match(match_id))?;
        if !repo::delete_crew(&mut tx, match_id, user, role).await? {
            return Err(Error::not_found(format!(
                "You are not signed up as {} for this match.",
                role.label().to_lowercase()
            )));
        }
        Self::audit(
            &mut tx,
            actor,
            org_id,
            "crew.withdraw",
            json!({"match_id": match_id, "role": role.key()}),
        )
        .await?;
        tx.commit().await?;
        self.emit(
            org_id,
            actor,
            MatchUpdated {
                tournament_id: row.tournament_id,
                match_id,
                what: "crew".into(),
            },
        );
        self.get_match(org_id, match_id).await
    }

    pub async fn set_crew_approved(
        &self,
        org_id: i64,
        actor: &Actor,
        crew_id: i64,
        approved: bool,
        now: i64,
    ) -> Result<Match, Error> {
        let approver = user_of(actor)?;
        let mut tx = self.begin().await?;
        let (match_id, user_id, role) = repo::crew_entry(&mut tx, org_id, crew_id)
            .await?
            .ok_or_else(|| Error::not_found(format!("There is no crew sign-up {crew_id} here.")))?;
        repo::lock_match(&mut tx, org_id, match_id, now).await?;
        repo::set_crew_approved(&mut tx, crew_id, approved.then_some(approver)).await?;
        Self::audit(&mut tx, actor, org_id, if approved { "crew.approve" } else { "crew.unapprove" }, json!({"crew_id": crew_id, "match_id": match_id, "user_id": user_id, "role": role.key()})).await?;
        tx.commit().await?;
        self.emit(
            org_id,
            actor,
            CrewApproved {
                match_id,
                crew_id,
                user_id,
                role: role.key().into(),
                approved,
            },
        );
        self.get_match(org_id, match_id).await
    }

    // -----------------------------------------------------------------------------------------
    // Settings submissions

    /// A player of the match submits settings for one game (replacing an earlier submission).
    #[allow(clippy::too_many_arguments)]
    pub async fn submit_settings(
        &self,
        org_id: i64,
        actor: &Actor,
        match_id: i64,
        game_number: i64,
        settings: &Value,
        notes: &str,
        now: i64,
    ) -> Result<SettingsSubmission, Error> {
        let user = user_of(actor)?;
        let notes = rules::clean_text("notes", notes, rules::NOTES_MAX)?;
        let mut tx = self.begin().await?;
        let row = repo::match_by_id(&mut tx, org_id, match_id)
            .await?
            .ok_or_else(|| no_match(match_id))?;
        let Some(schema) = row
            .settings_form_schema
            .as_deref()
            .and_then(|s| serde_json::from_str::<Value>(s).ok())
        else {
            return Err(Error::conflict("This tournament has no settings form."));
        };
        let is_player = repo::match_players(&mut tx, &[match_id])
            .await?
            .iter()
            .any(|(_, p)| p.user_id == user);
        if !is_player {
            return Err(Error::forbidden(
                "Only the players of this match submit settings for it.",
            ));
        }
        rules::check_settings(&schema, game_number, settings)?;
        let id = repo::upsert_settings(
            &mut tx,
            match_id,
            game_number,
            user,
            &settings.to_string(),
            &notes,
            now,
        )
        .await?;
        Self::audit(
            &mut tx,
            actor,
            org_id,
            "match.settings",
            json!({"match_id": match_id, "game_number": game_number, "submission_id": id}),
        )
        .await?;
        tx.commit().await?;
        self.emit(
            org_id,
            actor,
            MatchUpdated {
                tournament_id: row.tournament_id,
                match_id,
                what: "settings".into(),
            },
        );
        self.submissions(org_id, match_id, Some(user))
            .await?
            .into_iter()
            .find(|s| s.id == id)
            .ok_or_else(|| Error::internal("submission vanished after saving"))
    }

    /// The settings form of the match's tournament (None: it has none).
    pub async fn settings_form(&self, org_id: i64, match_id: i64) -> Result<Option<Value>, Error> {
        let row = repo::match_by_id(&mut *self.conn().await?, org_id, match_id)
            .await?
            .ok_or_else(|| no_match(match_id))?;
        Ok(row
            .settings_form_schema
            .and_then(|s| serde_json::from_str(&s).ok()))
    }

    /// The match's submissions; only `only_user`'s when given (a player sees their own).
    pub async fn submissions(
        &self,
        org_id: i64,
        match_id: i64,
        only_user: Option<i64>,
    ) -> Result<Vec<SettingsSubmission>, Error> {
        let mut conn = self.conn().await?;
        repo::match_by_id(&mut conn, org_id, match_id)
            .await?
            .ok_or_else(|| no_match(match_id))?;
        Ok(repo::settings(&mut conn, match_id, only_user)
            .await?
            .into_iter()
            .map(|s| SettingsSubmission {
                id: s.id,
                match_id: s.match_id,
                game_number: s.game_number,
                user_id: s.user_id,
                display_name: s.display_name,
                settings: serde_json::from_str(&s.settings).unwrap_or(Value::Null),
                notes: s.notes,
                submitted_at: rfc3339_utc(s.submitted_at),
            })
            .collect())
    }
}
