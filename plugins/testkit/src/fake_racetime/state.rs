//! The fake's model: categories, bots, tokens, sockets, rooms and entrants, and how a change
//! reaches the sockets. Every change bumps the room's `version`; a change the site announces
//! posts its system line (`chat.message`) first and then `race.data` + `race.renders` to every
//! socket of the room, in the order upstream sends them ([`Inner::commit`]). The transitions
//! themselves are in `lifecycle`.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};
use tokio::sync::mpsc;

use super::{render, wire, FakeEntrant, FakeRacer, FakeRoom, Inner};

/// Who the fake's moderator-side actions (disqualify, cancel, record) are announced as.
pub(super) const MODERATOR: &str = "Moderator";

pub(super) struct Category {
    pub slug: String,
    pub name: String,
    pub goals: Vec<String>,
}

pub(super) struct Bot {
    pub category: String,
    pub name: String,
    pub client_id: String,
    pub client_secret: String,
    pub active: bool,
}

pub(super) struct BotToken {
    pub client_id: String,
    pub expires_at_ms: i64,
}

/// What a socket's task is told to do.
pub(super) enum Outgoing {
    Frame(String),
    /// End the connection without a close frame.
    Drop,
    /// Send a close frame with this code and reason, then end.
    Close(u16, String),
}

pub(super) struct Socket {
    pub id: u64,
    pub slug: String,
    pub out: mpsc::UnboundedSender<Outgoing>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RoomState {
    Open,
    Invitational,
    Pending,
    InProgress,
    Finished,
    Cancelled,
}

impl RoomState {
    /// `value`, `verbose_value`, `help_text` (`racetime/models/choices.py`).
    pub fn info(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Self::Open => ("open", "Open", "Anyone may join this race"),
            Self::Invitational => (
                "invitational",
                "Invitational",
                "Only invitees may join this race",
            ),
            Self::Pending => ("pending", "Getting ready", "Waiting for race to begin"),
            Self::InProgress => ("in_progress", "In progress", "Race is in progress"),
            Self::Finished => ("finished", "Finished", "This race has been completed"),
            Self::Cancelled => ("cancelled", "Cancelled", "This race has been cancelled"),
        }
    }

    pub fn value(self) -> &'static str {
        self.info().0
    }

    pub fn is_preparing(self) -> bool {
        matches!(self, Self::Open | Self::Invitational)
    }

    pub fn is_done(self) -> bool {
        matches!(self, Self::Finished | Self::Cancelled)
    }
}

/// How far an entrant got into the room (upstream's `EntrantStates`; `declined` never happens).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Joining {
    Requested,
    Invited,
    Joined,
}

pub(super) struct Entrant {
    pub user_id: String,
    pub joining: Joining,
    pub ready: bool,
    pub dnf: bool,
    pub dq: bool,
    /// Duration from the start, milliseconds.
    pub finish_ms: Option<i64>,
    pub place: Option<i64>,
    pub stream_override: bool,
}

impl Entrant {
    pub fn new(user_id: &str, joining: Joining) -> Self {
        Self {
            user_id: user_id.to_string(),
            joining,
            ready: false,
            dnf: false,
            dq: false,
            finish_ms: None,
            place: None,
            stream_override: false,
        }
    }

    /// The computed status (`Entrant.summary`): value, verbose value, help text.
    pub fn status(&self, room: RoomState) -> (&'static str, &'static str, &'static str) {
        match self.joining {
            Joining::Requested => ("requested", "Join request", "Wishes to join the race."),
            Joining::Invited => ("invited", "Invited", "Invited to join the race."),
            Joining::Joined if self.dnf => ("dnf", "DNF", "Did not finish the race."),
            Joining::Joined if self.dq => ("dq", "DQ", "Disqualified by a category moderator."),
            Joining::Joined if self.finish_ms.is_some() => {
                ("done", "Finished", "Finished the race.")
            }
            Joining::Joined if room == RoomState::InProgress => {
                ("in_progress", "In progress", "Still flyin'.")
            }
            Joining::Joined if self.ready => ("ready", "Ready", "Ready to begin the race."),
            Joining::Joined => ("not_ready", "Not ready", "Not ready to begin yet."),
        }
    }

    /// Joined and still racing (not done, DNF or DQ).
    pub fn remaining(&self) -> bool {
        self.joining == Joining::Joined && !self.dnf && !self.dq && self.finish_ms.is_none()
    }

    /// Has a finish that counts (a place).
    pub fn counted_finish(&self) -> bool {
        self.joining == Joining::Joined && !self.dnf && !self.dq && self.finish_ms.is_some()
    }
}

pub(super) struct Room {
    pub category: String,
    pub slug: String,
    pub state: RoomState,
    pub version: i64,
    pub opened_by_bot: Option<String>,
    pub goal: Option<String>,
    pub custom_goal: Option<String>,
    pub info_user: String,
    pub info_bot: String,
    pub form: BTreeMap<String, String>,
    pub entrants: Vec<Entrant>,
    pub bot_messages: Vec<String>,
    pub unlisted: bool,
    pub ranked: bool,
    pub recordable: bool,
    pub recorded: bool,
    pub recorded_by: Option<String>,
    pub team_race: bool,
    pub require_even_teams: bool,
    /// Seconds.
    pub start_delay: i64,
    /// Hours.
    pub time_limit: i64,
    pub time_limit_auto_complete: bool,
    pub streaming_required: bool,
    pub auto_start: bool,
    pub allow_comments: bool,
    pub hide_comments: bool,
    pub allow_prerace_chat: bool,
    pub allow_midrace_chat: bool,
    pub allow_non_entrant_chat: bool,
    /// Seconds.
    pub chat_message_delay: i64,
    /// Epoch milliseconds.
    pub opened_at: i64,
    pub started_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub cancelled_at: Option<i64>,
    /// User ids.
    pub monitors: Vec<String>,
    pub bot_meta: Map<String, Value>,
    /// Chat messages as the site sends them (`Message.as_dict`).
    pub chat: Vec<Value>,
    /// Made up for a racer's history ([`super::FakeRacetime::add_past_races`]), not opened by a
    /// bot: left out of [`super::FakeRacetime::rooms`].
    pub past: bool,
}

impl Room {
    /// A fresh room with upstream's model defaults (§3.1).
    pub fn new(category: &str, slug: &str) -> Self {
        Self {
            category: category.to_string(),
            slug: slug.to_string(),
            state: RoomState::Open,
            version: 1,
            opened_by_bot: None,
            goal: None,
            custom_goal: None,
            info_user: String::new(),
            info_bot: String::new(),
            form: BTreeMap::new(),
            entrants: Vec::new(),
            bot_messages: Vec::new(),
            unlisted: false,
            ranked: true,
            recordable: true,
            recorded: false,
            recorded_by: None,
            team_race: false,
            require_even_teams: false,
            start_delay: 15,
            time_limit: 24,
            time_limit_auto_complete: false,
            streaming_required: true,
            auto_start: true,
            allow_comments: true,
            hide_comments: false,
            allow_prerace_chat: true,
            allow_midrace_chat: true,
            allow_non_entrant_chat: true,
            chat_message_delay: 0,
            opened_at: wire::now_ms(),
            started_at: None,
            ended_at: None,
            cancelled_at: None,
            monitors: Vec::new(),
            bot_meta: Map::new(),
            chat: Vec::new(),
            past: false,
        }
    }

    pub fn entrant(&self, user_id: &str) -> Option<usize> {
        self.entrants.iter().position(|e| e.user_id == user_id)
    }

    /// Joined entrants not ready yet.
    pub fn num_unready(&self) -> usize {
        self.entrants
            .iter()
            .filter(|e| e.joining == Joining::Joined && !e.ready)
            .count()
    }

    /// Preparing, at least two joined entrants ready (and, for team races, teams set — the fake
    /// has no teams, so a team race never can).
    pub fn can_begin(&self) -> bool {
        let ready = self
            .entrants
            .iter()
            .filter(|e| e.joining == Joining::Joined && e.ready)
            .count();
        self.state.is_preparing() && ready >= 2 && !self.team_race
    }

    /// Chat closes once the result is recorded (the hour after an unrecordable end never passes
    /// without a clock).
    pub fn chat_closed(&self) -> bool {
        self.state.is_done() && self.recorded
    }

    /// Places 1, 2, 3 … among counted finishers by finish time; everyone else none.
    pub fn recalculate_places(&mut self) {
        let mut finishers: Vec<(i64, usize)> = self
            .entrants
            .iter()
            .enumerate()
            .filter(|(_, e)| e.counted_finish())
            .map(|(i, e)| (e.finish_ms.unwrap_or_default(), i))
            .collect();
        finishers.sort();
        for e in &mut self.entrants {
            e.place = None;
        }
        for (place, (_, i)) in finishers.into_iter().enumerate() {
            self.entrants[i].place = Some(place as i64 + 1);
        }
    }

    pub fn snapshot(&self) -> FakeRoom {
        FakeRoom {
            category: self.category.clone(),
            slug: self.slug.clone(),
            status: self.state.value().to_string(),
            version: self.version,
            opened_by_bot: self.opened_by_bot.clone(),
            goal: self.goal.clone(),
            custom_goal: self.custom_goal.clone(),
            info_user: self.info_user.clone(),
            info_bot: self.info_bot.clone(),
            form: self.form.clone(),
            entrants: self
                .entrants
                .iter()
                .map(|e| FakeEntrant {
                    user_id: e.user_id.clone(),
                    status: e.status(self.state).0.to_string(),
                    place: e.place,
                    finish_ms: e.finish_ms,
                })
                .collect(),
            bot_messages: self.bot_messages.clone(),
            unlisted: self.unlisted,
            auto_start: self.auto_start,
            streaming_required: self.streaming_required,
        }
    }
}

/// A server frame: `type`, `date` and the frame's own fields.
pub(super) fn frame(kind: &str, fields: Value) -> String {
    let mut object = match fields {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    object.insert("type".into(), json!(kind));
    object.insert("date".into(), json!(wire::iso_us(wire::now_us())));
    Value::Object(object).to_string()
}

impl Inner {
    pub(super) fn find(&self, slug: &str) -> Option<usize> {
        self.rooms.iter().position(|r| r.slug == slug)
    }

    pub(super) fn racer(&self, id: &str) -> Option<&FakeRacer> {
        self.racers.iter().find(|r| r.id == id)
    }

    /// How the site names a user in chat: `Name#1234` or `Name`.
    pub(super) fn display(&self, user_id: &str) -> String {
        render::names(self, user_id).2
    }

    pub(super) fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    pub(super) fn send_to(&self, socket: u64, text: String) {
        if let Some(s) = self.sockets.iter().find(|s| s.id == socket) {
            s.out.send(Outgoing::Frame(text)).ok();
        }
    }

    pub(super) fn broadcast(&self, slug: &str, text: &str) {
        for s in self.sockets.iter().filter(|s| s.slug == slug) {
            s.out.send(Outgoing::Frame(text.to_string())).ok();
        }
    }

    /// `race.data` then `race.renders` for the room's current state.
    pub(super) fn race_frames(&self, i: usize) -> [String; 2] {
        let room = &self.rooms[i];
        [
            frame(
                "race.data",
                json!({"race": render::room(self, room), "version": room.version}),
            ),
            frame(
                "race.renders",
                json!({
                    "renders": {"entrants": "", "intro": "", "status": "", "streams": ""},
                    "version": room.version,
                }),
            ),
        ]
    }

    /// Sends the room's state to every socket of the room.
    pub(super) fn publish(&self, i: usize) {
        for text in self.race_frames(i) {
            self.broadcast(&self.rooms[i].slug, &text);
        }
    }

    /// Stores a chat message and sends it to the room (`chat.message`, or `chat.dm` for a DM).
    pub(super) fn post(&mut self, i: usize, message: Value) {
        let slug = self.rooms[i].slug.clone();
        let text = if message["is_dm"] == json!(true) {
            frame(
                "chat.dm",
                json!({
                    "message": message["id"],
                    "from_user": Value::Null,
                    "from_bot": message["bot"],
                    "to": message["direct_to"],
                }),
            )
        } else {
            frame("chat.message", json!({ "message": message }))
        };
        self.rooms[i].chat.push(message);
        self.broadcast(&slug, &text);
    }

    /// A system line (no user, no bot), broadcast as `chat.message`.
    pub(super) fn system(&mut self, i: usize, text: &str, highlight: bool) {
        let message = render::message(
            self,
            render::Line {
                text,
                user: None,
                bot: None,
                direct_to: None,
                highlight,
                pinned: false,
                actions: Value::Null,
                delay: 0,
                is_monitor: false,
            },
        );
        self.post(i, message);
    }

    /// A change the site announces: version bump, the system line, then the room's state.
    pub(super) fn commit(&mut self, i: usize, line: Option<&str>) {
        self.rooms[i].version += 1;
        if let Some(line) = line {
            self.system(i, line, false);
        }
        self.publish(i);
    }

    /// Same as [`Self::commit`] with a highlighted line.
    pub(super) fn commit_highlight(&mut self, i: usize, line: &str) {
        self.rooms[i].version += 1;
        self.system(i, line, true);
        self.publish(i);
    }

    /// Ends the room's sockets: abruptly (`reason` none) or with a close frame.
    pub(super) fn drop_sockets(&mut self, slug: &str, reason: Option<&str>) {
        for s in self.sockets.iter().filter(|s| s.slug == slug) {
            let order = match reason {
                Some(reason) => Outgoing::Close(1001, reason.to_string()),
                None => Outgoing::Drop,
            };
            s.out.send(order).ok();
        }
        self.sockets.retain(|s| s.slug != slug);
    }
}
