//! The watcher: one task per live room on the instance that holds the room's lease, keeping
//! the bot's websocket open. It reads the room over HTTP first (so a socket that will not open
//! still leaves the match right), then follows `race.data` frames, answers `!commands`, greets
//! a new room (the seed, the invitations), pings every 30 seconds and renews its lease with
//! each ping. A dropped socket reconnects with a jittered backoff from 1 second to 5 minutes;
//! the room's state on reconnect is what counts, so nothing is lost in between. An instance
//! that stops gives its leases up; one that dies lets them run out, and the next tick of the
//! rooms task, on any instance, takes the room over.

use std::time::Duration;

use rand::Rng;
use sdk::Error;
use serde_json::{json, Value};

use super::{site, socket, Racetime};
use crate::{
    repo::{self, rooms::RoomRow},
    rules::{self, race::RaceData},
};

/// How long a watcher's lease lasts without renewal.
pub const WATCH_LEASE_MS: i64 = 90_000;
const PING_EVERY: Duration = Duration::from_secs(30);
const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// A running watcher of this instance.
pub(super) struct Watcher {
    stop: tokio::sync::watch::Sender<bool>,
    handle: tokio::task::JoinHandle<()>,
}

impl Watcher {
    pub(super) async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.handle.await;
    }
}

enum Session {
    /// Reconnect (the socket dropped, or the token must be renewed).
    Reconnect,
    /// Stop watching (the room is closed, the lease lost, or the instance stops).
    Done,
}

impl Racetime {
    /// Starts watching `room_id` here unless this instance already does; the watcher itself
    /// gives up at once when another instance holds the lease.
    pub(super) fn watch(&self, room_id: i64) {
        let Ok(mut watchers) = self.runtime.watchers.lock() else {
            return;
        };
        if watchers
            .get(&room_id)
            .is_some_and(|w| !w.handle.is_finished())
        {
            return;
        }
        let (stop, stop_rx) = tokio::sync::watch::channel(false);
        let service = self.clone();
        let handle = tokio::spawn(async move {
            service.run_watch(room_id, stop_rx).await;
        });
        watchers.insert(room_id, Watcher { stop, handle });
    }

    pub(super) async fn unwatch(&self, room_id: i64) {
        let watcher = self
            .runtime
            .watchers
            .lock()
            .ok()
            .and_then(|mut w| w.remove(&room_id));
        if let Some(watcher) = watcher {
            watcher.stop().await;
        }
    }

    /// Whether this instance watches the room now (tests and the rooms page).
    pub fn is_watching(&self, room_id: i64) -> bool {
        self.runtime
            .watchers
            .lock()
            .map(|w| w.get(&room_id).is_some_and(|w| !w.handle.is_finished()))
            .unwrap_or(false)
    }

    /// Attaches to every live room no instance watches (the rooms task, after a restart or
    /// another instance's death). The number of watchers started.
    pub async fn watch_live_rooms(&self, now: i64) -> Result<usize, Error> {
        let mut started = 0;
        for room in repo::rooms::live(self.db()).await? {
            if self.is_watching(room.id) {
                continue;
            }
            let free = room.lease_until.is_none_or(|until| until < now)
                || room.lease_holder.as_deref() == Some(self.instance().as_str());
            if free {
                self.watch(room.id);
                started += 1;
            }
        }
        Ok(started)
    }

    async fn run_watch(self, room_id: i64, mut stop: tokio::sync::watch::Receiver<bool>) {
        let instance = self.instance();
        let mut backoff = Duration::from_secs(1);
        loop {
            if *stop.borrow() {
                break;
            }
            match self.session(room_id, &instance, &mut stop).await {
                Ok(Session::Done) => break,
                Ok(Session::Reconnect) => backoff = Duration::from_secs(1),
                Err(e) => {
                    tracing::warn!(room_id, error = %e.message(), "race room watcher: retrying");
                    let jitter = rand::thread_rng().gen_range(0..=backoff.as_millis() as u64 / 2);
                    let wait = backoff + Duration::from_millis(jitter);
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                    tokio::select! {
                        _ = tokio::time::sleep(wait) => {}
                        _ = stop.changed() => break,
                    }
                }
            }
        }
        let _ = repo::rooms::drop_lease(self.db(), room_id, &instance).await;
    }

    /// One connection: lease, HTTP read, socket, frames until it drops.
    async fn session(
        &self,
        room_id: i64,
        instance: &str,
        stop: &mut tokio::sync::watch::Receiver<bool>,
    ) -> Result<Session, Error> {
        let now = sdk::time::now_ms();
        let row = {
            let mut conn = self.db().pool().acquire().await?;
            let org: Option<i64> =
                sqlx::query_scalar("SELECT organization_id FROM racetime_rooms WHERE id = $1")
                    .bind(room_id)
                    .fetch_optional(&mut *conn)
                    .await?;
            match org {
                Some(org) => repo::rooms::get(&mut conn, org, room_id).await?,
                None => None,
            }
        };
        let Some(row) = row.filter(|r| r.closed_at.is_none()) else {
            return Ok(Session::Done);
        };
        let Some(slug) = row.slug.clone() else {
            return Ok(Session::Done);
        };
        if !repo::rooms::take_lease(self.db(), room_id, instance, now + WATCH_LEASE_MS, now).await?
        {
            return Ok(Session::Done);
        }
        let base = self.runtime.base_url();
        let (_, token) = self.token(row.bot_id, now).await?;
        let (race, raw) = site::room(&base, &row.category, &slug).await?;
        let applied = self.apply_race(&row, &race, &raw, now).await?;
        if applied.closed {
            return Ok(Session::Done);
        }
        let mut greet = applied.first;
        let path = race
            .websocket_bot_url
            .clone()
            .unwrap_or_else(|| format!("/ws/o/bot/{slug}"));
        let mut stream = socket::connect(&base, &path, &token).await?;
        let mut ping = tokio::time::interval(PING_EVERY);
        ping.tick().await;
        let mut last_roll = 0i64;
        loop {
            tokio::select! {
                _ = stop.changed() => {
                    let _ = futures::SinkExt::close(&mut stream).await;
                    return Ok(Session::Done);
                }
                _ = ping.tick() => {
                    let now = sdk::time::now_ms();
                    if !repo::rooms::take_lease(self.db(), room_id, instance, now + WATCH_LEASE_MS, now).await? {
                        return Ok(Session::Done);
                    }
                    if socket::send(&mut stream, "ping", json!({})).await.is_err() {
                        return Ok(Session::Reconnect);
                    }
                }
                frame = socket::next(&mut stream) => {
                    let Some(frame) = frame else {
                        return Ok(Session::Reconnect);
                    };
                    let now = sdk::time::now_ms();
                    match frame.get("type").and_then(Value::as_str).unwrap_or_default() {
                        "race.data" => {
                            let raw = frame.get("race").cloned().unwrap_or(Value::Null);
                            let Ok(race) = serde_json::from_value::<RaceData>(raw.clone()) else {
                                continue;
                            };
                            let applied = self.apply_race(&row, &race, &raw, now).await?;
                            greet |= applied.first;
                            if greet {
                                greet = false;
                                let row = self.room_row(row.organization_id, room_id).await?;
                                self.greet(&row, &race, &mut stream).await?;
                            }
                            if applied.closed {
                                return Ok(Session::Done);
                            }
                        }
                        "chat.message" => {
                            let message = frame.get("message").cloned().unwrap_or(Value::Null);
                            // Only people: the bot's own lines and system lines are not commands.
                            if message.get("user").is_some_and(|u| !u.is_null())
                                && message.get("is_bot").and_then(Value::as_bool) != Some(true)
                            {
                                let text = message
                                    .get("message_plain")
                                    .or_else(|| message.get("message"))
                                    .and_then(Value::as_str)
                                    .unwrap_or_default();
                                if let Some(command) = rules::chat::parse(text) {
                                    let row = self.room_row(row.organization_id, room_id).await?;
                                    let answer = self.answer(&row, command, &mut last_roll, now).await;
                                    let guid = new_guid();
                                    socket::send(&mut stream, "message", json!({"message": answer, "guid": guid}))
                                        .await
                                        .map_err(Error::from)?;
                                }
                            }
                        }
                        "error" => {
                            let errors = frame.get("errors").cloned().unwrap_or(Value::Null).to_string();
                            tracing::warn!(room_id, %errors, "racetime.gg refused an action");
                            repo::rooms::set_error(self.db(), room_id, Some(&format!("racetime.gg: {errors}")), now).await?;
                            if errors.contains("Permission denied") {
                                // The token died: a new one, and a new socket with it.
                                self.forget_token(row.bot_id);
                                return Ok(Session::Reconnect);
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
    }

    /// A new room: the seed in chat, the players invited, a word about players who have not
    /// linked racetime.gg.
    async fn greet(
        &self,
        row: &RoomRow,
        race: &RaceData,
        stream: &mut socket::Stream,
    ) -> Result<(), Error> {
        if let Some(url) = &row.seed_url {
            socket::send(
                stream,
                "message",
                json!({"message": format!("Seed: {url}"), "guid": format!("seed-{}", row.id)}),
            )
            .await?;
        }
        let (invites, unlinked) = self.invitations(row, race).await?;
        for racetime_id in &invites {
            socket::send(stream, "invite", json!({"user": racetime_id})).await?;
        }
        if !unlinked.is_empty() {
            let text = format!(
                "Not linked to racetime.gg on SahaBot, so not invited: {}. Link your account on your SahaBot profile, or ask to join.",
                unlinked.join(", ")
            );
            socket::send(
                stream,
                "message",
                json!({"message": text, "guid": format!("unlinked-{}", row.id)}),
            )
            .await?;
        }
        Ok(())
    }

    /// The match's linked players who are not entrants yet, and the names of the unlinked.
    async fn invitations(
        &self,
        row: &RoomRow,
        race: &RaceData,
    ) -> Result<(Vec<String>, Vec<String>), Error> {
        let Some(match_id) = row.match_id else {
            return Ok((Vec::new(), Vec::new()));
        };
        let game = self
            .tournaments()
            .get_match(row.organization_id, match_id)
            .await?;
        let ids: Vec<i64> = game.players.iter().map(|p| p.user_id).collect();
        let linked = repo::users::racetime_ids(self.db(), &ids).await?;
        let entrants = race.entrant_ids();
        let invites = linked
            .iter()
            .filter(|(_, rt)| !entrants.contains(rt))
            .map(|(_, rt)| rt.clone())
            .collect();
        let unlinked = game
            .players
            .iter()
            .filter(|p| !linked.iter().any(|(u, _)| *u == p.user_id))
            .map(|p| p.display_name.clone())
            .collect();
        Ok((invites, unlinked))
    }

    /// Invites the match's linked players who are not entrants (a manager's "Re-invite").
    pub(super) async fn invite_players(&self, row: &RoomRow) -> Result<Vec<String>, Error> {
        let race: RaceData = row.race().unwrap_or_default();
        let (invites, _) = self.invitations(row, &race).await?;
        for racetime_id in &invites {
            self.send_action(row, "invite", json!({"user": racetime_id}))
                .await?;
        }
        Ok(invites)
    }

    /// One action on a short connection of its own (the watcher may run on another instance).
    pub(super) async fn send_action(
        &self,
        row: &RoomRow,
        action: &str,
        data: Value,
    ) -> Result<(), Error> {
        let slug = row
            .slug
            .clone()
            .ok_or_else(|| Error::conflict("The room is not open yet."))?;
        let (_, token) = self.token(row.bot_id, sdk::time::now_ms()).await?;
        let mut stream = socket::connect(
            &self.runtime.base_url(),
            &format!("/ws/o/bot/{slug}"),
            &token,
        )
        .await?;
        socket::send(&mut stream, action, data).await?;
        // Wait for racetime.gg to have read it: the next frame (or the socket's end) after it.
        let _ = tokio::time::timeout(Duration::from_secs(2), async {
            let mut seen = 0;
            while let Some(frame) = socket::next(&mut stream).await {
                seen += 1;
                let kind = frame
                    .get("type")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                if seen > 2 && kind != "race.renders" {
                    break;
                }
            }
        })
        .await;
        let _ = futures::SinkExt::close(&mut stream).await;
        Ok(())
    }

    /// Posts a line in the room's chat (`guid` makes a repeat within 5 minutes a no-op).
    pub(super) async fn say(&self, row: &RoomRow, text: &str, guid: &str) -> Result<(), Error> {
        self.send_action(row, "message", json!({"message": text, "guid": guid}))
            .await
    }
}

/// A fresh lowercase message id.
fn new_guid() -> String {
    let n: u128 = rand::thread_rng().gen();
    format!("{n:032x}")
}
