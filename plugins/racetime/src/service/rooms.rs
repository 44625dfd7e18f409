//! Opening rooms — for a match (by the schedule or a manager) or on demand from a preset — and
//! the manual actions on a room (re-roll, re-invite, close).
//!
//! Opening happens exactly once per match, across instances and crashes:
//! 1. a room row is claimed first; the unique index on a match's live room lets one claim win;
//! 2. the seed is rolled and the whole `startrace` form is stored on the row *before*
//!    racetime.gg is called, under a lease ([`rules::rooms::OPENING_LEASE_MS`]);
//! 3. racetime.gg's answer (the slug) is stored with the match's hold in one transaction.
//!
//! If an attempt dies between 2 and 3 (the answer lost, the instance killed), the row stays
//! without a slug until its lease runs out; the next attempt, on any instance, looks for a
//! room our bot opened with exactly the stored info in the category's list (unlisted rooms
//! included) and adopts it, and only opens a room when there is none.

use presets::{model::SeedUse, service::RollRequest};
use rand::Rng;
use sdk::{Actor, Error};
use serde_json::json;

use super::{site, site::SiteError, Racetime};
use crate::{
    actions,
    model::{RoomSettings, TournamentRooms},
    repo::{self, rooms::RoomRow},
    rules::{self, rooms::InfoFacts},
};

/// What an attempt to open a match's room came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenOutcome {
    /// A room was opened (or a lost one adopted) now: its row id and slug.
    Opened { room_id: i64, slug: String },
    /// The match already has a live room.
    AlreadyOpen { room_id: i64 },
    /// Another attempt (maybe on another instance) holds the lease.
    Busy { room_id: i64 },
}

/// What a room is opened with.
struct Plan {
    org_id: i64,
    bot_id: i64,
    match_id: Option<i64>,
    title: String,
    settings: RoomSettings,
    goal_wanted: String,
    tournament_goal: String,
    facts: InfoFacts,
    /// The seed: (randomizer, preset); None: no seed.
    pick: Option<rules::presets::Pick>,
    /// The seed is for…
    use_label: String,
    use_path: Option<String>,
}

fn split_preset(preset: &str) -> (Option<String>, String) {
    match preset.trim().split_once('/') {
        Some((ns, name)) => (Some(ns.to_string()), name.to_string()),
        None => (None, preset.trim().to_string()),
    }
}

impl Racetime {
    /// Opens the match's room now, as `actor` (the schedule acts as the system). Refused
    /// without `racetime:room`, when the tournament has no bot, or the bot is not the
    /// organization's.
    pub async fn open_match_room(
        &self,
        org_id: i64,
        actor: &Actor,
        match_id: i64,
        now: i64,
    ) -> Result<OpenOutcome, Error> {
        self.require_enabled(org_id).await?;
        self.require(actor, org_id, actions::ROOM).await?;
        let game = self.tournaments().get_match(org_id, match_id).await?;
        let tournament = self
            .tournaments()
            .tournament(org_id, &Actor::system(), game.tournament_id)
            .await?;
        let mut conn = self.db().pool().acquire().await?;
        let settings: TournamentRooms = repo::settings::get(&mut conn, org_id, tournament.id)
            .await?
            .ok_or_else(|| {
                Error::invalid(
                    "tournament",
                    format!("The tournament {} has no RaceTime.gg room settings: choose its bot under Room settings first.", tournament.name),
                )
            })?;
        let bot_id = settings.bot_id.ok_or_else(|| {
            Error::invalid(
                "bot_id",
                format!(
                    "The tournament {} names no RaceTime.gg bot: choose one under Room settings.",
                    tournament.name
                ),
            )
        })?;
        if !repo::bots::usable(&mut conn, org_id, bot_id).await? {
            return Err(Error::invalid(
                "bot_id",
                "The tournament's RaceTime.gg bot is switched off or no longer granted to this organization.",
            ));
        }
        let profile = match settings.profile_id {
            Some(id) => repo::profiles::get(&mut conn, org_id, id)
                .await?
                .map(|p| p.settings)
                .unwrap_or_default(),
            None => RoomSettings::default(),
        };
        let (_, match_goal) = repo::settings::match_settings(&mut conn, org_id, match_id).await?;
        drop(conn);
        let draw: f64 = rand::thread_rng().gen();
        let pick = rules::presets::pick(
            &settings.preset_rule,
            &game.title,
            tournament
                .randomizer
                .as_deref()
                .zip(tournament.preset.as_deref()),
            draw,
        );
        let plan = Plan {
            org_id,
            bot_id,
            match_id: Some(match_id),
            title: game.name(),
            settings: profile,
            goal_wanted: match_goal,
            tournament_goal: settings.goal.clone(),
            facts: InfoFacts {
                tournament: tournament.name.clone(),
                match_name: game.name(),
                players: game
                    .players
                    .iter()
                    .map(|p| p.display_name.clone())
                    .collect(),
                title: game.title.clone(),
            },
            pick,
            use_label: tournament::rules::seed_use_label(game.id, &game.name()),
            use_path: Some(game.path()),
        };
        self.open(plan, actor, now).await
    }

    /// Claims the room row (or the lease of a dead attempt) and opens the room.
    async fn open(&self, plan: Plan, actor: &Actor, now: i64) -> Result<OpenOutcome, Error> {
        let instance = self.instance();
        let lease_until = now + rules::rooms::OPENING_LEASE_MS;
        // The bot as `token` read it: its category and name serve the whole attempt.
        let (bot, token) = self.token(plan.bot_id, now).await?;
        let category = bot.category.clone();
        let mut tx = self.db().begin().await?;
        let claimed = repo::rooms::claim(
            &mut tx,
            plan.org_id,
            plan.bot_id,
            &category,
            plan.match_id,
            &plan.title,
            actor.user_id(),
            &instance,
            lease_until,
            now,
        )
        .await?;
        let room_id = match claimed {
            Some(id) => {
                tx.commit().await?;
                id
            }
            None => {
                drop(tx);
                let Some(match_id) = plan.match_id else {
                    return Err(Error::internal(
                        "a room without a match could not be claimed",
                    ));
                };
                let mut conn = self.db().pool().acquire().await?;
                let live = repo::rooms::live_for_match(&mut conn, plan.org_id, match_id)
                    .await?
                    .ok_or_else(|| {
                        Error::conflict("The match's room changed meanwhile: try again.")
                    })?;
                drop(conn);
                if live.slug.is_some() {
                    return Ok(OpenOutcome::AlreadyOpen { room_id: live.id });
                }
                if !repo::rooms::take_opening_lease(self.db(), live.id, &instance, lease_until, now)
                    .await?
                {
                    return Ok(OpenOutcome::Busy { room_id: live.id });
                }
                live.id
            }
        };
        match self
            .attempt(room_id, &plan, actor, (&bot.name, &token), now)
            .await
        {
            Ok(slug) => {
                self.finish_open(plan.org_id, room_id, &slug, actor, now)
                    .await?;
                Ok(OpenOutcome::Opened { room_id, slug })
            }
            Err(e) => {
                // The lease stays until it runs out: a retry before then could meet a room
                // racetime.gg is still creating. When racetime.gg refused the form (or the
                // bot), no room exists: the next attempt builds the form again from the
                // settings as they are then (a manager may have fixed them), with the same seed.
                let refused = matches!(e.kind(), "Invalid" | "NotFound" | "Forbidden" | "Conflict");
                repo::rooms::set_error(self.db(), room_id, Some(&e.message()), now).await?;
                if refused {
                    repo::rooms::forget_form(self.db(), room_id, now).await?;
                }
                Err(e)
            }
        }
    }

    /// Rolls the seed and sends `startrace` — or adopts the room an earlier attempt opened.
    async fn attempt(
        &self,
        room_id: i64,
        plan: &Plan,
        actor: &Actor,
        (bot_name, token): (&str, &str),
        now: i64,
    ) -> Result<String, Error> {
        let base = self.runtime.base_url();
        let row = self.room_row(plan.org_id, room_id).await?;
        let category = site::category(&base, &row.category, token).await?;
        let tried_before = row.form != "{}";
        if tried_before {
            let info = rules::rooms::combined_info(&row.info_user, &row.info_bot);
            let lost = category
                .current_races
                .iter()
                .find(|r| r.opened_by_bot.as_deref() == Some(bot_name) && r.info.trim() == info);
            if let Some(lost) = lost {
                let slug = lost
                    .name
                    .split_once('/')
                    .map(|(_, s)| s.to_string())
                    .unwrap_or_default();
                if !slug.is_empty() {
                    tracing::info!(room_id, %slug, "adopted the room an earlier attempt opened");
                    return Ok(slug);
                }
            }
        }
        let (form, goal) = if tried_before {
            let stored: Vec<(String, String)> =
                serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&row.form)
                    .map(|m| {
                        m.into_iter()
                            .map(|(k, v)| (k, v.as_str().unwrap_or_default().to_string()))
                            .collect()
                    })
                    .unwrap_or_default();
            (stored, row.goal.clone())
        } else {
            let (seed_roll_id, seed_url, preset, code) = match &plan.pick {
                // An earlier attempt that racetime.gg refused rolled it already: the same seed.
                Some(_) if row.seed_url.is_some() => (
                    row.seed_roll_id,
                    row.seed_url.clone(),
                    row.preset.clone(),
                    None,
                ),
                Some(pick) => {
                    let seed = self.roll_seed(plan, room_id, pick, actor, now).await?;
                    let code = seed.file_select_code.as_ref().map(|c| c.join("/"));
                    (
                        Some(seed.id),
                        Some(seed.url),
                        Some(format!("{}/{}", pick.randomizer, pick.preset)),
                        code,
                    )
                }
                None => (None, None, None, None),
            };
            let goal =
                rules::rooms::goal(&plan.goal_wanted, &plan.tournament_goal, &category.goals);
            let info_user = rules::rooms::info(&plan.settings.info_template, &plan.facts);
            let info_bot = rules::rooms::seed_info(seed_url.as_deref(), code.as_deref());
            let form = rules::rooms::startrace_form(&plan.settings, &goal, &info_user, &info_bot);
            let stored: serde_json::Map<String, serde_json::Value> = form
                .iter()
                .map(|(k, v)| (k.clone(), serde_json::Value::from(v.clone())))
                .collect();
            repo::rooms::set_attempt(
                self.db(),
                room_id,
                goal.text(),
                &info_user,
                &info_bot,
                &serde_json::Value::Object(stored).to_string(),
                preset.as_deref(),
                seed_roll_id,
                seed_url.as_deref(),
                now,
            )
            .await?;
            (form, goal.text().to_string())
        };
        let _ = goal;
        match site::startrace(&base, &row.category, token, &form).await {
            Ok(slug) => Ok(slug),
            Err(SiteError::Forbidden) => {
                // The token may have died since it was handed out: once more with a new one.
                self.forget_token(plan.bot_id);
                let (_, token) = self.token(plan.bot_id, now).await?;
                Ok(site::startrace(&base, &row.category, &token, &form).await?)
            }
            Err(e) => Err(e.into()),
        }
    }

    async fn roll_seed(
        &self,
        plan: &Plan,
        room_id: i64,
        pick: &rules::presets::Pick,
        actor: &Actor,
        now: i64,
    ) -> Result<presets::model::SeedRoll, Error> {
        let (namespace, name) = split_preset(&pick.preset);
        presets::service::Presets::new(self.platform.clone())
            .roll_seed_for(
                plan.org_id,
                actor,
                RollRequest {
                    randomizer: pick.randomizer.clone(),
                    namespace,
                    preset: Some(name),
                    settings: None,
                    spoiler: false,
                    tournament: true,
                    source: "racetime".into(),
                },
                Some(SeedUse {
                    kind: "race".into(),
                    id: Some(room_id),
                    label: plan.use_label.clone(),
                    path: plan.use_path.clone(),
                }),
                now,
            )
            .await
    }

    /// Stores the slug, holds the match, checks it in, and starts watching the room.
    async fn finish_open(
        &self,
        org_id: i64,
        room_id: i64,
        slug: &str,
        actor: &Actor,
        now: i64,
    ) -> Result<(), Error> {
        let row = self.room_row(org_id, room_id).await?;
        let invitational = row.form.contains("\"invitational\":\"true\"");
        let status = if invitational { "invitational" } else { "open" };
        let mut tx = self.db().begin().await?;
        repo::rooms::set_opened(&mut tx, room_id, slug, status, now).await?;
        actor
            .audit(
                &mut tx,
                Some(org_id),
                "racetime.room_open",
                json!({"room_id": room_id, "category": row.category, "slug": slug, "match_id": row.match_id, "seed_roll_id": row.seed_roll_id, "preset": row.preset}),
            )
            .await?;
        tx.commit().await?;
        if let Some(match_id) = row.match_id {
            self.tournaments()
                .hold(
                    org_id,
                    match_id,
                    crate::HOLDER,
                    &format!("race room {}/{slug}", row.category),
                    Some(&format!("/org/{org_id}/racetime/match/{match_id}")),
                    now,
                )
                .await?;
            self.follow_match(org_id, room_id, now).await?;
        }
        self.watch(room_id);
        Ok(())
    }

    pub(super) async fn room_row(&self, org_id: i64, room_id: i64) -> Result<RoomRow, Error> {
        let mut conn = self.db().pool().acquire().await?;
        repo::rooms::get(&mut conn, org_id, room_id)
            .await?
            .ok_or_else(|| {
                Error::not_found(format!(
                    "There is no race room {room_id} in this organization."
                ))
            })
    }

    /// Opens a room outside any match (a daily race, a live async race) from a preset:
    /// `randomizer` and `preset` may be empty for a room without a seed.
    #[allow(clippy::too_many_arguments)]
    pub async fn open_room(
        &self,
        org_id: i64,
        actor: &Actor,
        bot_id: i64,
        profile_id: Option<i64>,
        title: &str,
        goal: &str,
        seed: Option<(String, String)>,
        now: i64,
    ) -> Result<OpenOutcome, Error> {
        self.require_enabled(org_id).await?;
        self.require(actor, org_id, actions::ROOM).await?;
        let title = title.trim();
        if title.is_empty() || title.chars().count() > 200 {
            return Err(Error::invalid(
                "title",
                "Give the room a title of 1 to 200 characters.",
            ));
        }
        if goal.chars().count() > rules::rooms::CUSTOM_GOAL_MAX {
            return Err(Error::invalid("goal", "A goal is at most 255 characters."));
        }
        let mut conn = self.db().pool().acquire().await?;
        if !repo::bots::usable(&mut conn, org_id, bot_id).await? {
            return Err(Error::invalid(
                "bot_id",
                "Pick one of the RaceTime.gg bots a site admin granted this organization.",
            ));
        }
        let settings = match profile_id {
            Some(id) => {
                repo::profiles::get(&mut conn, org_id, id)
                    .await?
                    .ok_or_else(|| {
                        Error::invalid(
                            "profile_id",
                            "Pick one of this organization's room profiles.",
                        )
                    })?
                    .settings
            }
            None => RoomSettings {
                invitational: false,
                ..RoomSettings::default()
            },
        };
        drop(conn);
        let pick = seed
            .filter(|(r, p)| !r.trim().is_empty() && !p.trim().is_empty())
            .map(|(randomizer, preset)| rules::presets::Pick { randomizer, preset });
        let plan = Plan {
            org_id,
            bot_id,
            match_id: None,
            title: title.to_string(),
            settings,
            goal_wanted: goal.to_string(),
            tournament_goal: String::new(),
            facts: InfoFacts {
                tournament: String::new(),
                match_name: title.to_string(),
                players: Vec::new(),
                title: title.to_string(),
            },
            pick,
            use_label: title.to_string(),
            use_path: Some(format!("/org/{org_id}/racetime")),
        };
        let plan = Plan {
            settings: RoomSettings {
                info_template: if plan.settings.info_template.trim().is_empty() {
                    "{title}".into()
                } else {
                    plan.settings.info_template.clone()
                },
                ..plan.settings
            },
            ..plan
        };
        self.open(plan, actor, now).await
    }

    /// Closes a room as a manager: cancels it on racetime.gg if it has not finished, lets the
    /// match go, and stops watching it.
    pub async fn close_room(
        &self,
        org_id: i64,
        actor: &Actor,
        room_id: i64,
        now: i64,
    ) -> Result<(), Error> {
        self.require_enabled(org_id).await?;
        self.require(actor, org_id, actions::ROOM).await?;
        let row = self.room_row(org_id, room_id).await?;
        if row.closed_at.is_some() {
            return Err(Error::conflict("This room is closed already."));
        }
        if !matches!(row.race_status.as_str(), "finished" | "cancelled") && row.slug.is_some() {
            // Best effort: a room racetime.gg no longer has is closed here all the same.
            let _ = self.send_action(&row, "cancel", json!({})).await;
        }
        let mut tx = self.db().begin().await?;
        repo::rooms::mark_closed(&mut tx, room_id, Some("Closed by a manager."), now).await?;
        actor
            .audit(
                &mut tx,
                Some(org_id),
                "racetime.room_close",
                json!({"room_id": room_id, "match_id": row.match_id}),
            )
            .await?;
        tx.commit().await?;
        if let Some(match_id) = row.match_id {
            self.tournaments()
                .release(org_id, match_id, crate::HOLDER, now)
                .await?;
        }
        self.unwatch(room_id).await;
        Ok(())
    }

    /// Rolls a new seed for the room and posts it.
    pub async fn reroll(
        &self,
        org_id: i64,
        actor: &Actor,
        room_id: i64,
        now: i64,
    ) -> Result<(), Error> {
        self.require_enabled(org_id).await?;
        self.require(actor, org_id, actions::ROOM).await?;
        let row = self.room_row(org_id, room_id).await?;
        if row.closed_at.is_some() || row.slug.is_none() {
            return Err(Error::conflict("The room is not open."));
        }
        if !matches!(row.race_status.as_str(), "open" | "invitational") {
            return Err(Error::conflict(
                "The race has started: its seed can no longer change.",
            ));
        }
        let Some((randomizer, preset)) = row.preset.as_deref().and_then(|p| p.split_once('/'))
        else {
            return Err(Error::conflict(
                "This room was opened without a preset: there is nothing to re-roll.",
            ));
        };
        let pick = rules::presets::Pick {
            randomizer: randomizer.to_string(),
            preset: preset.to_string(),
        };
        let plan = Plan {
            org_id,
            bot_id: row.bot_id,
            match_id: row.match_id,
            title: row.title.clone(),
            settings: RoomSettings::default(),
            goal_wanted: String::new(),
            tournament_goal: String::new(),
            facts: InfoFacts::default(),
            pick: Some(pick.clone()),
            use_label: row.title.clone(),
            use_path: row.match_id.map_or_else(
                || Some(format!("/org/{org_id}/racetime")),
                |m| Some(format!("/org/{org_id}/tournaments/match/{m}")),
            ),
        };
        let seed = self.roll_seed(&plan, room_id, &pick, actor, now).await?;
        let code = seed.file_select_code.as_ref().map(|c| c.join("/"));
        let info_bot = rules::rooms::seed_info(Some(&seed.url), code.as_deref());
        let mut tx = self.db().begin().await?;
        repo::rooms::set_seed(
            &mut tx,
            room_id,
            row.preset.as_deref(),
            Some(seed.id),
            Some(&seed.url),
            &info_bot,
            now,
        )
        .await?;
        actor
            .audit(
                &mut tx,
                Some(org_id),
                "racetime.room_reroll",
                json!({"room_id": room_id, "seed_roll_id": seed.id}),
            )
            .await?;
        tx.commit().await?;
        self.send_action(&row, "setinfo", json!({"info_bot": info_bot}))
            .await?;
        self.say(
            &row,
            &format!("New seed: {}", seed.url),
            &format!("reroll-{}-{}", room_id, seed.id),
        )
        .await
    }

    /// Invites the match's players again (those who linked racetime.gg and are not entrants).
    pub async fn reinvite(
        &self,
        org_id: i64,
        actor: &Actor,
        room_id: i64,
    ) -> Result<Vec<String>, Error> {
        self.require_enabled(org_id).await?;
        self.require(actor, org_id, actions::ROOM).await?;
        let row = self.room_row(org_id, room_id).await?;
        if row.closed_at.is_some() || row.slug.is_none() {
            return Err(Error::conflict("The room is not open."));
        }
        self.invite_players(&row).await
    }
}

/// What one pass of the schedule did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DuePass {
    /// (match id, room slug) of the rooms opened.
    pub opened: Vec<(i64, String)>,
    /// (match id, why) of the matches whose room could not be opened (retried next pass).
    pub failed: Vec<(i64, String)>,
}

impl Racetime {
    /// Opens the room of every match that is due at `now` (the rooms task, as the system):
    /// in its tournament's window, automatic rooms on for both, the plugin on for the
    /// organization. One failure does not stop the others.
    pub async fn open_due_rooms(&self, now: i64) -> Result<DuePass, Error> {
        let mut pass = DuePass::default();
        let candidates =
            repo::settings::candidates(self.db(), now, rules::rooms::MAX_OPEN_MINUTES_BEFORE)
                .await?;
        for (due, scheduled_at, open_before) in candidates {
            if !rules::rooms::due(scheduled_at, now, open_before) {
                continue;
            }
            if !self
                .platform
                .plugins
                .is_enabled(due.organization_id, crate::PLUGIN_ID)
                .await?
            {
                continue;
            }
            match self
                .open_match_room(due.organization_id, &Actor::system(), due.match_id, now)
                .await
            {
                Ok(OpenOutcome::Opened { slug, .. }) => pass.opened.push((due.match_id, slug)),
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(match_id = due.match_id, error = %e.message(), "a race room did not open");
                    pass.failed.push((due.match_id, e.message()));
                }
            }
        }
        Ok(pass)
    }
}
