//! What tests call to play the other side of a room: racers accepting, joining, readying,
//! finishing, forfeiting and undoing (`Entrant` in `racetime/models/race.py`), a moderator
//! disqualifying, cancelling and recording, and users chatting; plus made-up race history.
//! Each move checks what the site checks and answers its refusal text as `Err`; each change is
//! announced to the room's sockets exactly like a change made through the socket.

use super::{
    lock, render,
    state::{Entrant, Joining, Room, RoomState, MODERATOR},
    wire, FakeRacetime, Inner, PastRace, PastResult,
};

type Moved = Result<(), String>;

fn entrant_of(inner: &Inner, i: usize, user_id: &str) -> Result<usize, String> {
    if inner.racer(user_id).is_none() {
        return Err("No user found matching the given ID.".into());
    }
    inner.rooms[i]
        .entrant(user_id)
        .ok_or_else(|| "Specified user is not a race entrant.".into())
}

impl FakeRacetime {
    /// Runs `f` on the room under the lock; an unknown slug is an `Err`.
    fn act(&self, slug: &str, f: impl FnOnce(&mut Inner, usize) -> Moved) -> Moved {
        let mut inner = lock(&self.inner);
        let i = inner
            .find(slug)
            .ok_or_else(|| format!("The fake has no room {slug}."))?;
        f(&mut inner, i)
    }

    /// An invited racer accepts: `invited` → `not_ready`.
    pub fn accept_invite(&self, slug: &str, user_id: &str) -> Moved {
        self.act(slug, |inner, i| {
            let e = entrant_of(inner, i, user_id)?;
            if inner.rooms[i].entrants[e].joining != Joining::Invited {
                return Err(
                    "You have not been invited to join this race. Refresh to continue.".into(),
                );
            }
            inner.rooms[i].entrants[e].joining = Joining::Joined;
            let line = format!("{} accepts an invitation to join.", inner.display(user_id));
            inner.commit(i, Some(&line));
            Ok(())
        })
    }

    /// An invited racer declines: the entrant disappears (there is no `declined` status).
    pub fn decline_invite(&self, slug: &str, user_id: &str) -> Moved {
        self.act(slug, |inner, i| {
            let e = entrant_of(inner, i, user_id)?;
            if inner.rooms[i].entrants[e].joining != Joining::Invited {
                return Err(
                    "You have not been invited to join this race. Refresh to continue.".into(),
                );
            }
            inner.rooms[i].entrants.remove(e);
            let line = format!("{} declines an invitation to join.", inner.display(user_id));
            inner.commit(i, Some(&line));
            Ok(())
        })
    }

    /// A racer joins an open room (`not_ready`) or asks to join an invitational one
    /// (`requested`).
    pub fn join(&self, slug: &str, user_id: &str) -> Moved {
        self.act(slug, |inner, i| {
            if inner.racer(user_id).is_none() {
                return Err("No user found matching the given ID.".into());
            }
            let joining = match inner.rooms[i].state {
                RoomState::Open => Joining::Joined,
                RoomState::Invitational => Joining::Requested,
                _ => return Err("You are not eligible to join this race.".into()),
            };
            if !inner.can_join(i, user_id) {
                return Err("You are not eligible to join this race.".into());
            }
            inner.rooms[i].entrants.push(Entrant::new(user_id, joining));
            let name = inner.display(user_id);
            let line = match joining {
                Joining::Joined => format!("{name} joins the race."),
                _ => format!("{name} requests to join the race."),
            };
            inner.commit(i, Some(&line));
            Ok(())
        })
    }

    /// A joined racer readies up. With auto-start, once every joined entrant is ready and there
    /// are at least two, the room goes `pending` and then at once `in_progress` (each state
    /// broadcast; the countdown lines are posted, nothing waits).
    pub fn ready(&self, slug: &str, user_id: &str) -> Moved {
        self.act(slug, |inner, i| {
            let e = entrant_of(inner, i, user_id)?;
            let live = inner.racer(user_id).is_some_and(|r| r.twitch);
            let room = &mut inner.rooms[i];
            let entrant = &mut room.entrants[e];
            let streaming_ok = !room.streaming_required || live || entrant.stream_override;
            if !(entrant.joining == Joining::Joined
                && room.state.is_preparing()
                && !entrant.ready
                && streaming_ok)
            {
                return Err("You cannot ready up at this time. Refresh to continue.".into());
            }
            entrant.ready = true;
            let remaining = room.num_unready();
            let line = format!(
                "{} is ready! ({remaining} remaining)",
                inner.display(user_id)
            );
            inner.commit(i, Some(&line));
            inner.maybe_auto_start(i);
            Ok(())
        })
    }

    /// A ready racer unreadies (before the start).
    pub fn unready(&self, slug: &str, user_id: &str) -> Moved {
        self.act(slug, |inner, i| {
            let e = entrant_of(inner, i, user_id)?;
            let room = &mut inner.rooms[i];
            let entrant = &mut room.entrants[e];
            if !(entrant.joining == Joining::Joined && room.state.is_preparing() && entrant.ready) {
                return Err("You cannot unready at this time. Refresh to continue.".into());
            }
            entrant.ready = false;
            let remaining = room.num_unready();
            let line = format!(
                "{} is not ready. ({remaining} remaining)",
                inner.display(user_id)
            );
            inner.commit(i, Some(&line));
            Ok(())
        })
    }

    /// Ends the countdown of a `pending` room (after the bot's `begin`): `in_progress`, as a
    /// monitor forcing the start would. (Named `start_race`: `start` is the fake's
    /// constructor, and Rust allows one inherent item per name.)
    pub fn start_race(&self, slug: &str) -> Moved {
        self.act(slug, |inner, i| inner.go(i))
    }

    /// A racer finishes `after_ms` after the start: `done`, places recomputed by finish time;
    /// once nobody is running the room finishes.
    pub fn finish(&self, slug: &str, user_id: &str, after_ms: i64) -> Moved {
        self.act(slug, |inner, i| {
            let e = entrant_of(inner, i, user_id)?;
            let room = &mut inner.rooms[i];
            let entrant = &room.entrants[e];
            if !(entrant.remaining() && entrant.ready && room.state == RoomState::InProgress) {
                return Err("You cannot finish at this time. Refresh to continue.".into());
            }
            if after_ms < 5000 {
                return Err("You cannot finish this early. Did you hit .done by accident?".into());
            }
            room.entrants[e].finish_ms = Some(after_ms);
            room.recalculate_places();
            let place = room.entrants[e].place.unwrap_or_default();
            let line = format!(
                "{} has ##good##finished## in {} place with a time of {}!",
                inner.display(user_id),
                wire::ordinal(place),
                wire::timer(after_ms, false)
            );
            inner.commit(i, Some(&line));
            inner.finish_if_none_remaining(i);
            Ok(())
        })
    }

    /// A racer forfeits: `dnf`. When every entrant forfeits, the room is cancelled.
    pub fn forfeit(&self, slug: &str, user_id: &str) -> Moved {
        self.act(slug, |inner, i| {
            let e = entrant_of(inner, i, user_id)?;
            let room = &mut inner.rooms[i];
            let entrant = &mut room.entrants[e];
            if !(entrant.remaining() && entrant.ready && room.state == RoomState::InProgress) {
                return Err("You cannot forfeit at this time. Refresh to continue.".into());
            }
            entrant.dnf = true;
            let line = format!(
                "{} has ##bad##forfeited## from the race.",
                inner.display(user_id)
            );
            inner.commit(i, Some(&line));
            inner.finish_if_none_remaining(i);
            Ok(())
        })
    }

    /// A moderator disqualifies a racer: `dq`, the place goes and the others' are recomputed;
    /// a done room is re-judged (finished or cancelled).
    pub fn disqualify(&self, slug: &str, user_id: &str) -> Moved {
        self.act(slug, |inner, i| {
            let e = entrant_of(inner, i, user_id)?;
            let room = &mut inner.rooms[i];
            let entrant = &mut room.entrants[e];
            let allowed = entrant.joining == Joining::Joined
                && !room.state.is_preparing()
                && !room.recorded
                // A done room can still be judged while its result could be recorded.
                && (!room.state.is_done() || room.recordable)
                && !entrant.dq;
            if !allowed {
                // Upstream's typo, kept.
                return Err(
                    "You cannot disqualify ths entrant at this time. Refresh to continue.".into(),
                );
            }
            entrant.dq = true;
            room.recalculate_places();
            let line = format!(
                "{} has been disqualified from the race by {MODERATOR}.",
                inner.display(user_id)
            );
            inner.commit(i, Some(&line));
            if inner.rooms[i].state == RoomState::InProgress {
                inner.finish_if_none_remaining(i);
            } else {
                inner.recalculate_state(i);
            }
            Ok(())
        })
    }

    /// A racer undoes a finish (or a forfeit): back to `in_progress`; a finished (or, after
    /// everyone forfeited, cancelled) room goes back to `in_progress` ("Race timer
    /// restarted."). Upstream allows this for 10 minutes after the end, until recorded; the
    /// fake has no clock, so only recording ends it.
    pub fn undo_finish(&self, slug: &str, user_id: &str) -> Moved {
        self.act(slug, |inner, i| {
            let e = entrant_of(inner, i, user_id)?;
            let refused = || "You cannot undo your finish at this time. Refresh to continue.";
            let room = &inner.rooms[i];
            let open = room.state == RoomState::InProgress
                || (room.state.is_done() && !room.recorded && room.started_at.is_some());
            if !open {
                return Err(refused().into());
            }
            if inner.racing_elsewhere(user_id, i) {
                return Err("You cannot undo your finish as you have joined another race.".into());
            }
            let name = inner.display(user_id);
            let room = &mut inner.rooms[i];
            let entrant = &mut room.entrants[e];
            let usable = entrant.joining == Joining::Joined && entrant.ready && !entrant.dq;
            let line = if usable && !entrant.dnf && entrant.finish_ms.is_some() {
                entrant.finish_ms = None;
                room.recalculate_places();
                format!("{name} is no longer done.")
            } else if usable && entrant.dnf && entrant.finish_ms.is_none() {
                entrant.dnf = false;
                format!("{name} has un-forfeited from the race.")
            } else {
                return Err(refused().into());
            };
            inner.commit(i, Some(&line));
            inner.unfinish(i);
            Ok(())
        })
    }

    /// A moderator (or the site) cancels the room: "This race has been cancelled by Moderator."
    pub fn cancel(&self, slug: &str) -> Moved {
        self.act(slug, |inner, i| inner.cancel(i, MODERATOR))
    }

    /// A moderator records a finished room's result: `recorded: true`, chat closes.
    pub fn record(&self, slug: &str) -> Moved {
        self.act(slug, |inner, i| {
            let room = &mut inner.rooms[i];
            if room.state != RoomState::Finished || !room.recordable || room.recorded {
                return Err("Race is not recordable or already recorded.".into());
            }
            room.recorded = true;
            room.recorded_by = Some(MODERATOR.to_string());
            room.unlisted = false;
            inner.commit(i, Some(&format!("Race result recorded by {MODERATOR}")));
            Ok(())
        })
    }

    /// A user's chat line, broadcast as `chat.message` with the user's summary.
    pub fn say(&self, slug: &str, user_id: &str, text: &str) -> Moved {
        self.act(slug, |inner, i| {
            if inner.racer(user_id).is_none() {
                return Err("No user found matching the given ID.".into());
            }
            let room = &inner.rooms[i];
            if room.chat_closed() {
                return Err("This race chat is now closed. No new messages may be added.".into());
            }
            let is_monitor = room.monitors.iter().any(|m| m == user_id);
            let delay = if is_monitor {
                0
            } else {
                room.chat_message_delay
            };
            let message = render::message(
                inner,
                render::Line {
                    text,
                    user: Some(user_id),
                    bot: None,
                    direct_to: None,
                    highlight: false,
                    pinned: false,
                    actions: serde_json::Value::Null,
                    delay,
                    is_monitor,
                },
            );
            inner.post(i, message);
            Ok(())
        })
    }

    /// Adds finished races to a racer's history (`/user/<id>/races/data`): each is a recorded,
    /// finished room of `category` with the racer in the given state and a made-up opponent
    /// (`pastOpponent0001`) who finished. A racer who is done wins in 1:30:00 against 1:45:00.
    /// These rooms are served by slug like any other but are not in [`FakeRacetime::rooms`].
    pub fn add_past_races(&self, user_id: &str, races: Vec<PastRace>) {
        let mut inner = lock(&self.inner);
        for race in races {
            let mut slug = wire::room_slug();
            while inner.find(&slug).is_some() {
                slug = wire::room_slug();
            }
            let goal = inner
                .categories
                .iter()
                .find(|c| c.slug == race.category)
                .and_then(|c| c.goals.first().cloned())
                .unwrap_or_else(|| "Beat the game".to_string());
            let mut room = Room::new(&race.category, &slug);
            room.past = true;
            room.goal = Some(goal);
            room.state = RoomState::Finished;
            room.recorded = true;
            room.recorded_by = Some(MODERATOR.to_string());
            let started = race.ended_at - 2 * 3_600_000;
            room.opened_at = started - 1_800_000;
            room.started_at = Some(started);
            room.ended_at = Some(race.ended_at);
            let mut racer = Entrant::new(user_id, Joining::Joined);
            racer.ready = true;
            match race.result {
                PastResult::Done => racer.finish_ms = Some(5_400_000),
                PastResult::Dnf => racer.dnf = true,
                PastResult::Dq => racer.dq = true,
            }
            let mut opponent = Entrant::new(render::OPPONENT_ID, Joining::Joined);
            opponent.ready = true;
            opponent.finish_ms = Some(6_300_000);
            room.entrants = vec![racer, opponent];
            room.recalculate_places();
            inner.rooms.push(room);
        }
    }
}
