//! The server functions themselves, on SQLite and PostgreSQL, called as the server calls them (a
//! Platform and the request's caller in the reactive context): the guard and the action of every
//! call (members, moderators, managers, outsiders), tenant isolation of every id a call takes, the
//! plugin switched off, RFC 3339 in and out, and errors that name their field.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{future::Future, pin::Pin};
use testkit::platform;

use sdk::{
    auth::CurrentUser, auth::GlobalLevel, context::Platform, db::Backend, page::PageRequest, Actor,
    Error,
};

use serde_json::json;
use testkit::{both_backends, TestDb};
use tournament::{
    api,
    model::{RankInput, StationInput},
};

struct World {
    test: TestDb,
    platform: Platform,
    admin: CurrentUser,
    org: i64,
}

async fn world(backend: Backend) -> World {
    let test = TestDb::new(backend).await;
    test.migrate_core().await;
    let platform = test
        .platform_with_plugin(
            tournament::MANIFEST,
            env!("CARGO_MANIFEST_DIR"),
            tournament::plugin(),
        )
        .await;
    let admin = test.user("admin", GlobalLevel::Superadmin).await;
    let org = test.org(&admin, "League").await;
    World {
        test,
        platform,
        admin,
        org,
    }
}

type Call = Box<dyn FnOnce() -> Pin<Box<dyn Future<Output = Result<(), Error>> + Send>> + Send>;

/// A call whose result is dropped (only the error kind matters here).
fn call<T, F, Fut>(f: F) -> Call
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = Result<T, Error>> + Send + 'static,
{
    Box::new(move || Box::pin(async move { f().await.map(|_| ()) }))
}

impl World {
    /// Runs `f` as a request by `user`.
    async fn as_user<T, F, Fut>(&self, user: &CurrentUser, f: F) -> T
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = T>,
    {
        testkit::as_caller(&self.platform, user, f).await
    }

    async fn run(&self, user: &CurrentUser, call: Call) -> Result<(), Error> {
        self.as_user(user, call).await
    }

    async fn member_of(&self, org: i64, name: &str, role: Option<&str>) -> CurrentUser {
        let user = self.test.user(name, GlobalLevel::User).await;
        platform::identity::orgs::add_member(
            &self.test.db,
            testkit::authorizer(&self.platform),
            &self.admin,
            org,
            user.id,
            None,
        )
        .await
        .unwrap();
        if let Some(role) = role {
            platform::identity::roles::assign(
                &self.test.db,
                testkit::authorizer(&self.platform),
                &self.admin,
                org,
                user.id,
                role,
                None,
            )
            .await
            .unwrap();
        }
        user
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
        ("list_members", false, call(move || api::list_members(org))),
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
        .as_user(&admin, || {
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
        .as_user(&admin, || {
            api::create_stream_channel(org, "Main".into(), "https://twitch.tv/main".into(), None)
        })
        .await
        .unwrap();
    let (pa, pb) = (a.id, b.id);
    let m = w
        .as_user(&admin, || {
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
        .as_user(crew_member, || {
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

async fn check_guards_on_every_call(backend: Backend) {
    let w = world(backend).await;
    let org = w.org;
    let (ada, bob) = (
        w.member_of(org, "ada", None).await,
        w.member_of(org, "bob", None).await,
    );
    let cal = w.member_of(org, "cal", None).await;
    let dee = w.member_of(org, "dee", None).await;
    let moderator = w.member_of(org, "mod", Some("Moderator")).await;
    let manager = w
        .member_of(org, "manager", Some("Tournament Manager"))
        .await;
    let ids = league(&w, org, &ada, &bob, &cal, &dee).await;

    // Someone outside the organization: refused on every call, before anything is looked up.
    let outsider = w.test.user("outsider", GlobalLevel::User).await;
    for (name, _, c) in every_call(org, ids) {
        let e = w.run(&outsider, c).await.unwrap_err();
        assert_eq!(e.kind(), "Forbidden", "{name}: {e}");
    }
    // A plain member: refused exactly on the managers' calls.
    for (name, member_may, c) in every_call(org, ids) {
        let result = w.run(&dee, c).await;
        if member_may {
            assert!(
                !matches!(&result, Err(e) if e.kind() == "Forbidden" && e.message().contains("permission for")),
                "{name}: {result:?}"
            );
        } else {
            let e = result.unwrap_err();
            assert_eq!(e.kind(), "Forbidden", "{name}: {e}");
        }
    }
    // A moderator approves crew but does not schedule.
    let e = w
        .as_user(&moderator, || {
            api::create_match(
                org,
                ids.tournament,
                String::new(),
                None,
                vec![ada.id, bob.id],
                None,
                String::new(),
            )
        })
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "Forbidden");
    let m = w
        .as_user(&moderator, || api::approve_crew(org, ids.crew, None))
        .await
        .unwrap();
    assert!(m.crew.iter().any(|c| c.id == ids.crew && c.approved));
    // A tournament manager may make every call (the results are the rules' business).
    for (name, _, c) in every_call(org, ids) {
        if let Err(e) = w.run(&manager, c).await {
            let missing = e.kind() == "NotFound" && e.message().starts_with("There is no");
            let guarded = e.kind() == "Forbidden" && e.message().contains("permission for");
            assert!(
                !missing && !guarded && !matches!(e.kind(), "NotEnabled" | "Internal"),
                "{name}: {e}"
            );
        }
    }
}
both_backends!(guards_on_every_call, check_guards_on_every_call);

async fn check_tenant_isolation_of_every_id(backend: Backend) {
    let w = world(backend).await;
    let org = w.org;
    let (ada, bob, cal, dee) = (
        w.member_of(org, "ada", None).await,
        w.member_of(org, "bob", None).await,
        w.member_of(org, "cal", None).await,
        w.member_of(org, "dee", None).await,
    );
    let ids = league(&w, org, &ada, &bob, &cal, &dee).await;
    // Another organization's admin (the site's superadmin, who passes every guard) names the
    // first organization's ids under their own: none of them is found, nothing changes.
    let other = w.test.org(&w.admin, "Other League").await;
    let before = w
        .as_user(&w.admin, || api::get_match(org, ids.r#match))
        .await
        .unwrap();
    for (name, _, c) in every_call(other, ids) {
        let takes_ids = !matches!(
            name,
            "my_rights"
                | "list_tournaments"
                | "list_matches"
                | "list_stream_channels"
                | "calendar_links"
                | "create_tournament"
                | "create_stream_channel"
                | "list_members"
        );
        let result = w.run(&w.admin, c).await;
        if takes_ids {
            let e = result.expect_err(name);
            assert!(matches!(e.kind(), "NotFound" | "Invalid"), "{name}: {e}");
            if let Error::Invalid { field, .. } = &e {
                assert!(
                    ["user_id", "player_ids", "stream_channel_id"].contains(&field.as_str()),
                    "{name}: {e}"
                );
            }
        }
    }
    // The other organization's lists hold none of the first's rows.
    let lists = w
        .as_user(&w.admin, || {
            api::list_matches(
                other,
                None,
                None,
                None,
                None,
                None,
                false,
                Default::default(),
            )
        })
        .await
        .unwrap();
    assert!(lists.items.is_empty());
    let channels = w
        .as_user(&w.admin, || {
            api::list_stream_channels(other, PageRequest::first())
        })
        .await
        .unwrap();
    assert!(channels.items.iter().all(|c| c.org_id == other));
    let after = w
        .as_user(&w.admin, || api::get_match(org, ids.r#match))
        .await
        .unwrap();
    assert_eq!(before, after, "nothing of the first organization changed");
}
both_backends!(
    tenant_isolation_of_every_id,
    check_tenant_isolation_of_every_id
);

async fn check_json_shapes_and_errors(backend: Backend) {
    let w = world(backend).await;
    let org = w.org;
    let admin = w.admin.clone();
    let (ada, bob) = (
        w.member_of(org, "ada", None).await,
        w.member_of(org, "bob", None).await,
    );
    let (cal, dee) = (
        w.member_of(org, "cal", None).await,
        w.member_of(org, "dee", None).await,
    );
    let ids = league(&w, org, &ada, &bob, &cal, &dee).await;
    // RFC 3339 with an offset in, UTC out.
    let m = w
        .as_user(&ada, || api::get_match(org, ids.r#match))
        .await
        .unwrap();
    assert_eq!(m.scheduled_at.as_deref(), Some("2026-12-01T18:00:00Z"));
    assert_eq!(
        m.stream_channel.as_ref().map(|c| c.name.as_str()),
        Some("Main")
    );
    let bad = w
        .as_user(&admin, || {
            api::create_match(
                org,
                ids.tournament,
                String::new(),
                Some("next tuesday".into()),
                vec![ada.id, bob.id],
                None,
                String::new(),
            )
        })
        .await
        .unwrap_err();
    assert_eq!(bad.field(), Some("scheduled_at"));
    assert!(bad.message().contains("RFC 3339"), "{bad}");
    let bad = w
        .as_user(&ada, || {
            api::list_matches(
                org,
                None,
                None,
                None,
                Some("done".into()),
                None,
                false,
                Default::default(),
            )
        })
        .await
        .unwrap_err();
    assert_eq!(bad.field(), Some("status"));
    let bad = w
        .as_user(&dee, || api::crew_signup(org, ids.r#match, "caster".into()))
        .await
        .unwrap_err();
    assert_eq!(bad.field(), Some("role"));
    // Filters: status and mine.
    let scheduled = w
        .as_user(&ada, || {
            api::list_matches(
                org,
                None,
                Some("2026-12-01T00:00:00Z".into()),
                None,
                Some("scheduled".into()),
                None,
                true,
                Default::default(),
            )
        })
        .await
        .unwrap();
    assert_eq!(scheduled.items.len(), 1);
    let mine = w
        .as_user(&dee, || {
            api::list_matches(org, None, None, None, None, None, true, Default::default())
        })
        .await
        .unwrap();
    assert!(mine.items.is_empty(), "dee neither plays nor crews");
    // Rights say what the pages may offer.
    let rights = w.as_user(&dee, || api::my_rights(org)).await.unwrap();
    assert!(rights.crew_signup && !rights.schedule && !rights.approve_crew);
    let rights = w.as_user(&admin, || api::my_rights(org)).await.unwrap();
    assert!(rights.schedule && rights.advance && rights.approve_crew && rights.manage_streams);
    // Onsite stations travel with advance; settings are per player; managers see them all.
    let m = w
        .as_user(&admin, || {
            api::advance_match(
                org,
                ids.r#match,
                vec![StationInput {
                    user_id: ada.id,
                    station: "1".into(),
                }],
                Some("scheduled".into()),
            )
        })
        .await
        .unwrap();
    assert!(m.checked_in_at.is_some());
    // Pressed again from the status the caller saw: refused, not taken a second time.
    let again = w
        .as_user(&admin, || {
            api::advance_match(org, ids.r#match, Vec::new(), Some("scheduled".into()))
        })
        .await
        .unwrap_err();
    assert_eq!(again.kind(), "Conflict");
    let bad = w
        .as_user(&admin, || {
            api::revert_match(org, ids.r#match, Some("later".into()))
        })
        .await
        .unwrap_err();
    assert_eq!(bad.field(), Some("from"));
    w.as_user(&ada, || {
        api::submit_match_settings(org, ids.r#match, 1, json!({"mode": "open"}), "gl".into())
    })
    .await
    .unwrap();
    let bad = w
        .as_user(&bob, || {
            api::submit_match_settings(
                org,
                ids.r#match,
                1,
                json!({"mode": "sideways"}),
                String::new(),
            )
        })
        .await
        .unwrap_err();
    assert_eq!(bad.field(), Some("settings.mode"));
    assert_eq!(
        w.as_user(&bob, || api::list_match_settings(org, ids.r#match))
            .await
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        w.as_user(&admin, || api::list_match_settings(org, ids.r#match))
            .await
            .unwrap()
            .len(),
        1
    );
    // Calendar links point at the feeds: the tournament's public one (it opted in), and a
    // private one only in the answer that made it.
    let links = w
        .as_user(&ada, || api::calendar_links(org, false))
        .await
        .unwrap();
    assert_eq!(links.public.len(), 1, "{links:?}");
    let public = &links.public[0];
    let token = public
        .url
        .strip_prefix("http://sahabot.test/p/tournament/calendar/")
        .and_then(|rest| rest.strip_suffix(".ics"))
        .unwrap();
    assert_eq!(
        token.len(),
        43,
        "a random token, not the org id: {}",
        public.url
    );
    assert_eq!((links.my_url, links.my_url_created_at), (None, None));
    let made = w
        .as_user(&ada, || api::calendar_links(org, true))
        .await
        .unwrap();
    let my_url = made.my_url.expect("shown once");
    assert!(my_url.starts_with(&format!("http://sahabot.test/p/tournament/calendar/{org}/")));
    assert!(my_url.ends_with(".ics"));
    assert!(made.my_url_created_at.is_some());
    let again = w
        .as_user(&ada, || api::calendar_links(org, false))
        .await
        .unwrap();
    assert_eq!(again.my_url, None, "never shown again");
    assert!(again.my_url_created_at.is_some());
    let rotated = w
        .as_user(&admin, || {
            api::rotate_public_feed(org, public.tournament_id)
        })
        .await
        .unwrap();
    assert_ne!(rotated.url, public.url);
    // Off for the organization: NotEnabled with the plugin's name, for every call.
    testkit::plugin_host(&w.platform)
        .set_enabled(
            org,
            tournament::PLUGIN_ID,
            false,
            false,
            &Actor::user(admin.clone()),
        )
        .await
        .unwrap();
    for (name, _, c) in every_call(org, ids) {
        let e = w.run(&admin, c).await.unwrap_err();
        assert_eq!(e.kind(), "NotEnabled", "{name}: {e}");
        assert!(e.message().contains("Tournaments"), "{name}: {e}");
    }
}
both_backends!(json_shapes_and_errors, check_json_shapes_and_errors);

/// The list above is every server function of the plugin: a call added to `api.rs` without a
/// guard test here fails this.
#[test]
fn every_call_lists_every_server_function() {
    let source = include_str!("../src/api.rs");
    let mut endpoints: Vec<&str> = source
        .split("endpoint = \"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    endpoints.sort_unstable();
    let ids = Ids {
        tournament: 1,
        r#match: 1,
        crew: 1,
        channel: 1,
        player_a: 1,
        player_b: 2,
        other_member: 3,
    };
    let mut listed: Vec<&str> = every_call(1, ids).into_iter().map(|(n, _, _)| n).collect();
    listed.sort_unstable();
    assert_eq!(listed, endpoints);
}
