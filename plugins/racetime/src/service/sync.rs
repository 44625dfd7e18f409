//! A race's state applied to its room and its match. Each `race.data` (or a room read over
//! HTTP) is stored when it is newer than the one held (racetime.gg's `version`), then the match
//! is stepped toward the race one holder step at a time (`rules::race::next_step`) — from the
//! state, not from the frames seen, so a frame seen twice or a reconnect that missed some
//! leads to the same match.

use sdk::{Actor, Error};
use serde_json::{json, Value};
use tournament::model::RankInput;

use super::Racetime;
use crate::{
    repo::{self, rooms::RoomRow},
    rules::race::{self, RaceData, Step},
    HOLDER,
};

/// What storing a race state came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    /// Newer than the one held: stored.
    pub stored: bool,
    /// The first state ever seen of this room (the room was just opened).
    pub first: bool,
    /// The room is done with: cancelled, or its result settled.
    pub closed: bool,
}

impl Racetime {
    /// Stores `race` on the room if newer, closes the room when the race is cancelled or
    /// settled, and brings the match along.
    pub(super) async fn apply_race(
        &self,
        room: &RoomRow,
        race: &RaceData,
        raw: &Value,
        now: i64,
    ) -> Result<Applied, Error> {
        let mut tx = self.db().begin().await?;
        let Some(current) = repo::rooms::get(&mut tx, room.organization_id, room.id).await? else {
            return Ok(Applied {
                stored: false,
                first: false,
                closed: true,
            });
        };
        if current.closed_at.is_some() {
            return Ok(Applied {
                stored: false,
                first: false,
                closed: true,
            });
        }
        let stored = repo::rooms::set_race(
            &mut tx,
            room.id,
            &race.status.value,
            race.version,
            &raw.to_string(),
            now,
        )
        .await?;
        let first = stored && current.race_version == 0;
        let cancelled = race.is_cancelled();
        let settled = race.is_settled(now);
        let closed = cancelled || settled;
        if closed {
            let note = cancelled.then_some("The room was cancelled on racetime.gg.");
            repo::rooms::mark_closed(&mut tx, room.id, note, now).await?;
            let action = if cancelled {
                "racetime.room_cancelled"
            } else {
                "racetime.room_settled"
            };
            Actor::system()
                .audit(
                    &mut tx,
                    Some(room.organization_id),
                    action,
                    json!({"room_id": room.id, "slug": room.slug, "match_id": room.match_id}),
                )
                .await?;
        }
        tx.commit().await?;
        if stored || closed {
            self.follow_match(room.organization_id, room.id, now)
                .await?;
        }
        if closed {
            if let Some(match_id) = room.match_id {
                self.tournaments()
                    .release(room.organization_id, match_id, HOLDER, now)
                    .await?;
            }
        }
        Ok(Applied {
            stored,
            first,
            closed,
        })
    }

    /// Steps the room's match toward its race, at most a few steps (Scheduled → Finished is
    /// three).
    pub(super) async fn follow_match(
        &self,
        org_id: i64,
        room_id: i64,
        now: i64,
    ) -> Result<(), Error> {
        let row = self.room_row(org_id, room_id).await?;
        let Some(match_id) = row.match_id else {
            return Ok(());
        };
        let race: RaceData = row.race().unwrap_or_else(|| RaceData {
            status: race::Status {
                value: row.race_status.clone(),
            },
            ..RaceData::default()
        });
        let tournaments = self.tournaments();
        let system = Actor::system();
        for _ in 0..6 {
            let game = tournaments.get_match(org_id, match_id).await?;
            let player_ids: Vec<i64> = game.players.iter().map(|p| p.user_id).collect();
            let linked = repo::users::racetime_ids(self.db(), &player_ids).await?;
            let players: Vec<(i64, Option<String>)> = player_ids
                .iter()
                .map(|id| {
                    (
                        *id,
                        linked
                            .iter()
                            .find(|(u, _)| u == id)
                            .map(|(_, rt)| rt.clone()),
                    )
                })
                .collect();
            let ranks = race::ranks(&race, &players);
            let differ = ranks.iter().any(|(user, rank)| {
                game.players
                    .iter()
                    .any(|p| p.user_id == *user && p.finish_rank != Some(*rank))
            });
            let status = if row.closed_at.is_some() && race.is_cancelled() {
                "cancelled"
            } else {
                race.status.value.as_str()
            };
            match race::next_step(game.status, status, differ) {
                None => return Ok(()),
                Some(Step::Release) => return Ok(()),
                Some(Step::Advance) => {
                    tournaments
                        .advance(org_id, &system, match_id, &[], Some(HOLDER), now)
                        .await?;
                }
                Some(Step::Revert) => {
                    tournaments
                        .revert(org_id, &system, match_id, Some(HOLDER), now)
                        .await?;
                }
                Some(Step::Result) => {
                    let ranks: Vec<RankInput> = ranks
                        .iter()
                        .map(|(user_id, rank)| RankInput {
                            user_id: *user_id,
                            rank: *rank,
                        })
                        .collect();
                    tournaments
                        .set_result(org_id, &system, match_id, &ranks, Some(HOLDER), now)
                        .await?;
                }
            }
        }
        Ok(())
    }
}
