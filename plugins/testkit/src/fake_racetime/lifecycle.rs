//! The race lifecycle as the site drives it (`Race` in `racetime/models/race.py` and the site's
//! `racebot`): who may join, the countdown and start, cancelling, finishing once nobody is
//! running, and reopening after an undone result. Shared by the bot socket's actions and the
//! racers' side tests drive; each step announces itself through [`Inner::commit`].

use super::{
    state::{Entrant, Joining, RoomState},
    wire, Inner,
};

impl Inner {
    /// Racing in another room (`User.active_race_entrant`): joined there, still running, the
    /// room not done; or flagged as racing somewhere the fake does not know.
    pub(super) fn racing_elsewhere(&self, user_id: &str, except: usize) -> bool {
        self.racer(user_id).is_some_and(|r| r.racing_elsewhere)
            || self.rooms.iter().enumerate().any(|(i, room)| {
                i != except
                    && !room.state.is_done()
                    && room
                        .entrants
                        .iter()
                        .any(|e| e.user_id == user_id && e.remaining())
            })
    }

    /// `Race.can_join`: not in the room, Twitch when streaming is required, not racing elsewhere.
    pub(super) fn can_join(&self, i: usize, user_id: &str) -> bool {
        let room = &self.rooms[i];
        let twitch = self.racer(user_id).is_some_and(|r| r.twitch);
        room.entrant(user_id).is_none()
            && (!room.streaming_required || twitch)
            && !self.racing_elsewhere(user_id, i)
    }

    /// The countdown starts (`Race.begin`): unready, invited and requesting entrants are removed,
    /// the room goes `pending` with `started_at` in the future.
    pub(super) fn begin(&mut self, i: usize, by: Option<&str>) -> Result<(), String> {
        if !self.rooms[i].can_begin() {
            return Err("Race cannot be started yet.".into());
        }
        let removed: Vec<String> = self.rooms[i]
            .entrants
            .iter()
            .filter(|e| e.joining != Joining::Joined || !e.ready)
            .map(|e| e.user_id.clone())
            .collect();
        for user in &removed {
            let line = format!("{} is removed from the race.", self.display(user));
            self.system(i, &line, false);
        }
        let room = &mut self.rooms[i];
        room.entrants
            .retain(|e| e.joining == Joining::Joined && e.ready);
        room.state = RoomState::Pending;
        room.started_at = Some(wire::now_ms() + room.start_delay * 1000);
        let delay = room.start_delay;
        let line = match by {
            Some(by) => {
                format!("{by} has initiated the race. The race will begin in {delay} seconds!")
            }
            None => format!("Everyone is ready. The race will begin in {delay} seconds!"),
        };
        self.commit_highlight(i, &line);
        Ok(())
    }

    /// The countdown is over (the site's racebot): `in_progress`. Without a clock the fake
    /// skips the wait: `started_at` becomes now.
    pub(super) fn go(&mut self, i: usize) -> Result<(), String> {
        if self.rooms[i].state != RoomState::Pending {
            return Err("Race is not in the pending state.".into());
        }
        for count in ["10…", "5…", "4…", "3…", "2…", "1…"] {
            self.system(i, count, true);
        }
        let room = &mut self.rooms[i];
        room.state = RoomState::InProgress;
        room.started_at = Some(wire::now_ms());
        self.commit_highlight(i, "The race has begun! Good luck and have fun.");
        Ok(())
    }

    /// Auto-start (the racebot's `check_readiness`).
    pub(super) fn maybe_auto_start(&mut self, i: usize) {
        let room = &self.rooms[i];
        if room.auto_start
            && room.num_unready() == 0
            && room.can_begin()
            && self.begin(i, None).is_ok()
        {
            self.go(i).ok();
        }
    }

    /// `Race.cancel`: any state before done; a started race DNFs whoever is still running.
    pub(super) fn cancel(&mut self, i: usize, by: &str) -> Result<(), String> {
        let room = &mut self.rooms[i];
        if room.state.is_done() {
            return Err(format!(
                "Cannot cancel a race that is in {} state.",
                room.state.value()
            ));
        }
        let now = wire::now_ms();
        room.state = RoomState::Cancelled;
        room.unlisted = false;
        room.recordable = false;
        room.cancelled_at = Some(now);
        if room.started_at.is_some() {
            room.ended_at = Some(now);
            for e in room.entrants.iter_mut().filter(|e| e.remaining()) {
                e.dnf = true;
            }
        }
        self.commit(i, Some(&format!("This race has been cancelled by {by}.")));
        Ok(())
    }

    /// The racebot's `finish_if_none_remaining`: once nobody is running, `finished` (or
    /// `cancelled` when nobody finished).
    pub(super) fn finish_if_none_remaining(&mut self, i: usize) {
        let room = &mut self.rooms[i];
        if room.state != RoomState::InProgress || room.entrants.iter().any(Entrant::remaining) {
            return;
        }
        let started = room.started_at.unwrap_or(room.opened_at);
        let last_finish = room
            .entrants
            .iter()
            .filter_map(|e| e.finish_ms)
            .max()
            .unwrap_or(0);
        // The fake's finish times are given, not lived: the race ends no earlier than its last
        // finisher.
        let ended = wire::now_ms().max(started + last_finish);
        room.ended_at = Some(ended);
        let finished = room.entrants.iter().any(Entrant::counted_finish);
        if finished || room.time_limit_auto_complete {
            room.state = RoomState::Finished;
            let line = format!("Race finished in {}", wire::timer(ended - started, true));
            if !room.recordable {
                room.unlisted = false;
            }
            self.commit_highlight(i, &line);
        } else {
            room.state = RoomState::Cancelled;
            room.cancelled_at = Some(ended);
            room.recordable = false;
            room.unlisted = false;
            self.commit_highlight(
                i,
                "This race has been cancelled due to all entrants forfeiting.",
            );
        }
    }

    /// `Race.unfinish`: a done room goes back to `in_progress` (an entrant undid a result).
    pub(super) fn unfinish(&mut self, i: usize) {
        let room = &mut self.rooms[i];
        if !room.state.is_done() {
            return;
        }
        room.state = RoomState::InProgress;
        room.ended_at = None;
        room.cancelled_at = None;
        room.recordable = room.custom_goal.is_none() && room.ranked;
        self.commit_highlight(i, "Race timer restarted.");
    }

    /// `Race.recalculate_state`: a done, unrecorded room whose results changed is finished if
    /// anyone has a counted finish, else cancelled.
    pub(super) fn recalculate_state(&mut self, i: usize) {
        let room = &mut self.rooms[i];
        if !room.state.is_done() || room.recorded {
            return;
        }
        if room.entrants.iter().any(Entrant::counted_finish) || room.time_limit_auto_complete {
            room.state = RoomState::Finished;
            room.cancelled_at = None;
            room.recordable = room.custom_goal.is_none() && room.ranked;
        } else {
            room.state = RoomState::Cancelled;
            room.cancelled_at = room.ended_at;
            room.recordable = false;
        }
        self.commit(i, None);
    }
}
