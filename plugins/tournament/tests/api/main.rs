//! The server functions themselves, on SQLite and PostgreSQL, called as the server calls them (a
//! Platform and the request's caller in the reactive context): the guard and the action of every
//! call (members, moderators, managers, outsiders), tenant isolation of every id a call takes, the
//! plugin switched off, RFC 3339 in and out, and errors that name their field.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod calendar;
#[path = "../common/mod.rs"]
mod common;
mod enablement;
mod guards;
mod inputs;
mod steps;

use std::{future::Future, pin::Pin};

use sdk::{auth::CurrentUser, db::Backend, page::PageRequest, Error};

use common::{world, World};
use serde_json::json;
use testkit::both_backends;
use tournament::{
    api,
    model::{RankInput, StationInput},
};

type Call = Box<dyn FnOnce() -> Pin<Box<dyn Future<Output = Result<(), Error>> + Send>> + Send>;

/// A call whose result is dropped (only the error kind matters here).
fn call<T, F, Fut>(f: F) -> Call
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = Result<T, Error>> + Send + 'static,
{
    Box::new(move || Box::pin(async move { f().await.map(|_| ()) }))
}

/// The league most checks run in: ada and bob play its match, cal crews it, dee only watches.
struct League {
    ada: CurrentUser,
    bob: CurrentUser,
    dee: CurrentUser,
    ids: Ids,
}

impl World {
    /// Four plain members of the organization and [`league`] with them.
    async fn standard_league(&self) -> League {
        let org = self.org;
        let (ada, bob) = (
            self.member_of(org, "ada", &[]).await,
            self.member_of(org, "bob", &[]).await,
        );
        let (cal, dee) = (
            self.member_of(org, "cal", &[]).await,
            self.member_of(org, "dee", &[]).await,
        );
        let ids = league(self, org, &ada, &bob, &cal, &dee).await;
        League { ada, bob, dee, ids }
    }

    async fn run(&self, user: &CurrentUser, call: Call) -> Result<(), Error> {
        self.call(user, call).await
    }
}

/// What one organization holds, for calls that take ids.
#[derive(Clone, Copy)]
struct Ids {
    tournament: i64,
    r#match: i64,
    crew: i64,
    channel: i64,
    player_a: i64,
    player_b: i64,
    other_member: i64,
}

/// Every call of the API with the ids of `ids` (in organization `org`), named, and whether a
/// plain member may make it.
fn every_call(org: i64, ids: Ids) -> Vec<(&'static str, bool, Call)> {
    let Ids {
        tournament: t,
        r#match: m,
        crew,
        channel,
        player_a: a,
        player_b: b,
        other_member: x,
    } = ids;
    vec![
        ("my_rights", true, call(move || api::my_rights(org))),
        (
            "list_tournaments",
            true,
            call(move || api::list_tournaments(org, true, PageRequest::first())),
        ),
        (
            "get_tournament",
            true,
            call(move || api::get_tournament(org, t)),
        ),
        (
            "list_players",
            true,
            call(move || api::list_players(org, t, PageRequest::first())),
        ),
        (
            "list_stream_channels",
            true,
            call(move || api::list_stream_channels(org, PageRequest::first())),
        ),
        (
            "list_matches",
            true,
            call(move || {
                api::list_matches(
                    org,
                    Some(t),
                    None,
                    None,
                    None,
                    None,
                    false,
                    Default::default(),
                )
            }),
        ),
        ("get_match", true, call(move || api::get_match(org, m))),
        (
            "match_settings_form",
            true,
            call(move || api::match_settings_form(org, m)),
        ),
        ("match_lock", true, call(move || api::match_lock(org, m))),
        (
            "list_match_settings",
            true,
            call(move || api::list_match_settings(org, m)),
        ),
        (
            "calendar_links",
            true,
            call(move || api::calendar_links(org, false)),
        ),
        (
            "crew_signup",
            true,
            call(move || api::crew_signup(org, m, "tracker".into())),
        ),
        (
            "crew_withdraw",
            true,
            call(move || api::crew_withdraw(org, m, "restreamer".into())),
        ),
        ("register", true, call(move || api::register(org, t))),
        (
            "submit_match_settings",
            true,
            call(move || {
                api::submit_match_settings(org, m, 1, json!({"mode": "open"}), String::new())
            }),
        ),
        (
            "create_tournament",
            false,
            call(move || {
                api::create_tournament(
                    org,
                    "Another".into(),
                    String::new(),
                    None,
                    false,
                    false,
                    false,
                    None,
                    String::new(),
                    String::new(),
                    false,
                )
            }),
        ),
        (
            "update_tournament",
            false,
            call(move || {
                api::update_tournament(
                    org,
                    t,
                    "Renamed".into(),
                    String::new(),
                    true,
                    false,
                    false,
                    true,
                    None,
                    String::new(),
                    String::new(),
                    false,
                )
            }),
        ),
        (
            "archive_tournament",
            false,
            call(move || api::archive_tournament(org, t, false)),
        ),
        (
            "rotate_public_feed",
            false,
            call(move || api::rotate_public_feed(org, t)),
        ),
        (
            "add_player",
            false,
            call(move || api::add_player(org, t, x)),
        ),
        (
            "remove_player",
            false,
            call(move || api::remove_player(org, t, x)),
        ),
        (
            "list_members",
            false,
            call(move || api::list_members(org, String::new(), PageRequest::first())),
        ),
        (
            "create_stream_channel",
            false,
            call(move || {
                api::create_stream_channel(
                    org,
                    "Side".into(),
                    "https://twitch.tv/side".into(),
                    None,
                )
            }),
        ),
        (
            "update_stream_channel",
            false,
            call(move || {
                api::update_stream_channel(
                    org,
                    channel,
                    "Main".into(),
                    "https://twitch.tv/main".into(),
                    true,
                )
            }),
        ),
        (
            "create_match",
            false,
            call(move || {
                api::create_match(org, t, String::new(), None, vec![a, b], None, String::new())
            }),
        ),
        (
            "update_match",
            false,
            call(move || {
                api::update_match(
                    org,
                    m,
                    "Final".into(),
                    Some("2026-12-01T18:00:00Z".into()),
                    vec![a, b],
                    Some(channel),
                    String::new(),
                )
            }),
        ),
        (
            "set_match_seed",
            false,
            call(move || {
                api::set_match_seed(org, m, "https://alttpr.com/h/x".into(), String::new())
            }),
        ),
        (
            "roll_match_seed",
            false,
            call(move || api::roll_match_seed(org, m)),
        ),
        (
            "advance_match",
            false,
            call(move || api::advance_match(org, m, Vec::new(), None)),
        ),
        (
            "revert_match",
            false,
            call(move || api::revert_match(org, m, None)),
        ),
        (
            "set_match_result",
            false,
            call(move || {
                api::set_match_result(
                    org,
                    m,
                    vec![
                        RankInput {
                            user_id: a,
                            rank: 1,
                        },
                        RankInput {
                            user_id: b,
                            rank: 2,
                        },
                    ],
                )
            }),
        ),
        (
            "add_crew",
            false,
            call(move || api::add_crew(org, m, x, "commentator".into())),
        ),
        (
            "approve_crew",
            false,
            call(move || api::approve_crew(org, crew, Some(true))),
        ),
        (
            "delete_match",
            false,
            call(move || api::delete_match(org, m)),
        ),
    ]
}

/// An organization with a tournament (with a settings form and self-registration), a scheduled
/// match between `a` and `b`, a crew sign-up by `crew_member` and a stream channel.
async fn league(
    w: &World,
    org: i64,
    a: &CurrentUser,
    b: &CurrentUser,
    crew_member: &CurrentUser,
    other: &CurrentUser,
) -> Ids {
    let admin = w.admin.clone();
    let schema = json!({"type": "object", "properties": {"mode": {"type": "string", "enum": ["open", "standard"]}}, "required": ["mode"]});
    let t = w
        .call(&admin, || {
            api::create_tournament(
                org,
                "Cup".into(),
                String::new(),
                None,
                false,
                true,
                true,
                Some(schema),
                String::new(),
                String::new(),
                true,
            )
        })
        .await
        .unwrap();
    let channel = w
        .call(&admin, || {
            api::create_stream_channel(org, "Main".into(), "https://twitch.tv/main".into(), None)
        })
        .await
        .unwrap();
    let (pa, pb) = (a.id, b.id);
    let m = w
        .call(&admin, || {
            api::create_match(
                org,
                t.id,
                "Round 1".into(),
                Some("2026-12-01T19:00:00+01:00".into()),
                vec![pa, pb],
                Some(channel.id),
                String::new(),
            )
        })
        .await
        .unwrap();
    let signed = w
        .call(crew_member, || {
            api::crew_signup(org, m.id, "commentator".into())
        })
        .await
        .unwrap();
    Ids {
        tournament: t.id,
        r#match: m.id,
        crew: signed.crew[0].id,
        channel: channel.id,
        player_a: a.id,
        player_b: b.id,
        other_member: other.id,
    }
}
