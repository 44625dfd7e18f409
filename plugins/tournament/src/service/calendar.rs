//! The calendar feeds' decisions (served at `/p/tournament/calendar/…` by `crate::feeds`):
//! - a tournament's **public** feed is opt-in (the tournament's `public_feed` setting) and lives
//!   behind a random token that managers can replace; it lists the scheduled matches of the
//!   tournament while it is active and not archived, with times, titles and players only — never
//!   comments, crew or streams, which need `match:read`;
//! - a member's **private** feed lists their own matches (played or crewed) in full. Its token is
//!   shown once and stored as its sha256; each fetch checks that the user is still active, still a
//!   member and still holds `match:read`, so the feed stops with their access.

use sdk::{auth::tokens, context::Rights, identity::lookup as users, Actor, Error};
use serde_json::json;
use sqlx::AnyConnection;

use super::{no_tournament, Tournaments};
use crate::{
    actions, ics,
    model::{CalendarFeeds, Match, PublicFeed},
    repo::{self, calendar as feeds, MatchQuery, TournamentRow},
    rules,
};

/// How far back the feeds reach.
const FEED_HISTORY_MS: i64 = 30 * 86_400_000;

fn unknown_private_link() -> Error {
    Error::not_found("This calendar link is unknown or was reset; make a new one on My matches.")
}

fn unknown_public_link() -> Error {
    Error::not_found(
        "There is no calendar at this address; ask the organizers for the tournament's feed.",
    )
}

/// Turns the tournament's public feed on (a new token unless it has one) or off (the token is
/// dropped, so turning it on again gives a new address).
pub(super) async fn set_public_feed(
    conn: &mut AnyConnection,
    org_id: i64,
    tournament_id: i64,
    on: bool,
    now: i64,
) -> Result<(), Error> {
    let current = repo::tournament(conn, org_id, 0, tournament_id)
        .await?
        .ok_or_else(|| no_tournament(tournament_id))?
        .public_feed_token;
    let token = match (on, current) {
        (true, Some(token)) => Some(token),
        (true, None) => Some(tokens::new_secret()),
        (false, _) => None,
    };
    feeds::set_public_token(conn, org_id, tournament_id, token.as_deref(), now).await?;
    Ok(())
}

/// Where the feeds are served (see `crate::feeds`).
fn feed_base(base_url: &str) -> String {
    format!("{base_url}/p/tournament/calendar")
}

/// The feed of an open tournament (active, not archived) only.
fn open(t: &TournamentRow) -> bool {
    t.is_active && t.archived_at.is_none()
}

impl Tournaments {
    /// A new private feed token for the acting user (the old one stops working). This answer is
    /// the only place the token is seen: the database keeps its hash.
    pub async fn new_calendar_token(
        &self,
        org_id: i64,
        actor: &Actor,
        now: i64,
    ) -> Result<String, Error> {
        let user = actor.id()?;
        let token = tokens::new_secret();
        let mut tx = self.begin().await?;
        feeds::put_token_hash(&mut tx, org_id, user, &tokens::hash(&token), now).await?;
        actor
            .audit(&mut tx, Some(org_id), "tournament.calendar_link", json!({}))
            .await?;
        tx.commit().await?;
        Ok(token)
    }

    /// The open tournaments of the organization that publish a feed: (tournament, token).
    pub async fn public_feeds(&self, org_id: i64) -> Result<Vec<(TournamentRow, String)>, Error> {
        let rows = repo::tournaments(&mut *self.conn().await?, org_id, 0, false).await?;
        Ok(rows
            .into_iter()
            .filter(open)
            .filter_map(|t| {
                let token = t.public_feed_token.clone()?;
                Some((t, token))
            })
            .collect())
    }

    /// When the user's current private feed token was made, if they have one.
    pub async fn calendar_token_created_at(
        &self,
        org_id: i64,
        user_id: i64,
    ) -> Result<Option<i64>, Error> {
        feeds::token_created_at(&mut *self.conn().await?, org_id, user_id).await
    }

    /// The public feeds of the organization's open tournaments, and whether `actor` has a private
    /// feed of their own matches; with `reset`, a new private address (the old one stops working),
    /// which is in this answer only, as the database keeps its hash. Addresses start at `base_url`.
    pub async fn calendar_links(
        &self,
        org_id: i64,
        actor: &Actor,
        base_url: &str,
        reset: bool,
        now: i64,
    ) -> Result<CalendarFeeds, Error> {
        let user = actor.id()?;
        let base = feed_base(base_url);
        let my_url = if reset {
            let token = self.new_calendar_token(org_id, actor, now).await?;
            Some(format!("{base}/{org_id}/{token}.ics"))
        } else {
            None
        };
        let public = self
            .public_feeds(org_id)
            .await?
            .into_iter()
            .map(|(t, token)| PublicFeed {
                tournament_id: t.id,
                tournament_name: t.name,
                url: format!("{base}/{token}.ics"),
            })
            .collect();
        let created = self.calendar_token_created_at(org_id, user).await?;
        Ok(CalendarFeeds {
            public,
            my_url,
            my_url_created_at: created,
        })
    }

    /// Gives the tournament's public feed a new address (the old one stops working); answers the
    /// new address, under `base_url`. The feed must be on.
    pub async fn rotate_public_feed(
        &self,
        org_id: i64,
        actor: &Actor,
        tournament_id: i64,
        base_url: &str,
        now: i64,
    ) -> Result<PublicFeed, Error> {
        let mut tx = self.begin().await?;
        let t = repo::tournament(&mut tx, org_id, 0, tournament_id)
            .await?
            .ok_or_else(|| no_tournament(tournament_id))?;
        if t.public_feed_token.is_none() {
            return Err(Error::invalid(
                "public_feed",
                "This tournament publishes no calendar feed; turn on its public feed first.",
            ));
        }
        let token = tokens::new_secret();
        feeds::set_public_token(&mut tx, org_id, tournament_id, Some(&token), now).await?;
        actor
            .audit(
                &mut tx,
                Some(org_id),
                "tournament.public_feed_rotate",
                json!({"tournament_id": tournament_id}),
            )
            .await?;
        tx.commit().await?;
        Ok(PublicFeed {
            tournament_id,
            tournament_name: t.name,
            url: format!("{}/{token}.ics", feed_base(base_url)),
        })
    }

    /// The open tournament whose public feed has this token; "not found" for any other token
    /// (unknown, replaced, turned off, or the tournament archived or inactive).
    pub async fn public_feed_tournament(&self, token: &str) -> Result<TournamentRow, Error> {
        feeds::tournament_by_public_token(&mut *self.conn().await?, token.trim())
            .await?
            .filter(open)
            .ok_or_else(unknown_public_link)
    }

    /// The tournament's public feed: its scheduled matches from 30 days ago on, with public
    /// fields only.
    pub async fn public_calendar(
        &self,
        t: &TournamentRow,
        base_url: &str,
        now: i64,
    ) -> Result<String, Error> {
        let query = MatchQuery {
            tournament_id: Some(t.id),
            from: Some(now - FEED_HISTORY_MS),
            open_tournaments_only: true,
            ..MatchQuery::default()
        };
        let matches = self.matches(t.org_id, &query, None).await?;
        Ok(ics::calendar(
            &format!("{} schedule", t.name),
            &calendar_events(&matches, base_url, Detail::Public),
        ))
    }

    /// One member's matches (played or crewed) in open tournaments as iCalendar, found by their
    /// private token. An unknown token — or one of a user who was deactivated, left the
    /// organization or lost `match:read` — is "not found", whoever asks.
    pub async fn player_calendar(
        &self,
        authorizer: &dyn Rights,
        org_id: i64,
        org_name: &str,
        token: &str,
        base_url: &str,
        now: i64,
    ) -> Result<String, Error> {
        let user_id =
            feeds::user_of_token_hash(&mut *self.conn().await?, org_id, &tokens::hash(token))
                .await?
                .ok_or_else(unknown_private_link)?;
        let user = users::active(&self.db, user_id)
            .await?
            .ok_or_else(unknown_private_link)?
            .to_current(None);
        if !authorizer
            .allowed(&user, org_id, actions::MATCH_READ)
            .await?
        {
            return Err(unknown_private_link());
        }
        let query = MatchQuery {
            from: Some(now - FEED_HISTORY_MS),
            involving: Some(user_id),
            open_tournaments_only: true,
            ..MatchQuery::default()
        };
        let matches = self.matches(org_id, &query, None).await?;
        Ok(ics::calendar(
            &format!("My matches — {org_name}"),
            &calendar_events(&matches, base_url, Detail::Member),
        ))
    }
}

/// What a feed's events say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Detail {
    /// Time, tournament, title, players and status.
    Public,
    /// Also the stream, approved crew and the match's comment (what `match:read` shows).
    Member,
}

fn calendar_events(matches: &[Match], base_url: &str, detail: Detail) -> Vec<ics::CalendarEvent> {
    matches
        .iter()
        .filter_map(|m| {
            let start = m.scheduled_at?;
            let players = m
                .players
                .iter()
                .map(|p| p.display_name.as_str())
                .collect::<Vec<_>>()
                .join(" vs ");
            let title = if m.title.is_empty() {
                players.clone()
            } else {
                format!("{} ({players})", m.title)
            };
            let mut description = format!("{} — {}", m.tournament_name, m.status.label());
            if detail == Detail::Member {
                if let Some(channel) = &m.stream_channel {
                    description.push_str(&format!(
                        "\nStream: {} {}",
                        channel.name, channel.stream_url
                    ));
                }
                let crew: Vec<String> = m
                    .crew
                    .iter()
                    .filter(|c| c.approved)
                    .map(|c| format!("{}: {}", c.role.label(), c.display_name))
                    .collect();
                if !crew.is_empty() {
                    description.push_str(&format!("\n{}", crew.join(", ")));
                }
                if !m.comment.is_empty() {
                    description.push_str(&format!("\n{}", m.comment));
                }
            }
            let url = format!("{}{}", base_url.trim_end_matches('/'), m.path());
            Some(ics::CalendarEvent {
                uid: format!("match-{}-org-{}@sahabot", m.id, m.org_id),
                start_ms: start,
                end_ms: start + rules::CALENDAR_EVENT_MS,
                summary: format!("{}: {title}", m.tournament_name),
                description,
                url,
                location: match detail {
                    Detail::Member => m.stream_channel.as_ref().map(|c| c.stream_url.clone()),
                    Detail::Public => None,
                },
                cancelled: false,
            })
        })
        .collect()
}
