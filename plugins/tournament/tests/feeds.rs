//! The calendar feeds on SQLite and PostgreSQL, through the service the feed handler calls
//! (`/p/tournament/calendar/…` over HTTP is in `server/tests/tournament_feeds.rs`): what each feed
//! lists and says (parsed by an iCalendar reader), private tokens kept only as hashes, and feeds
//! that stop with the reader's access or the tournament's life.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{actor, world, World, T0};
use sdk::{
    auth::policy::Statement, auth::CurrentUser, auth::GlobalLevel, db::Backend,
    identity::model::AdminUserUpdate, Error,
};
use testkit::platform;

use platform::{identity::orgs, identity::roles, identity::users};

use sqlx::Row;
use testkit::both_backends;
use tournament::{
    model::CrewRole,
    repo::TournamentRow,
    service::{MatchInput, StreamChannelInput, TournamentInput},
};

const BASE: &str = "http://localhost";

fn cup(name: &str, public_feed: bool) -> TournamentInput {
    TournamentInput {
        name: name.into(),
        is_active: true,
        public_feed,
        ..TournamentInput::default()
    }
}

impl World {
    async fn scheduled_match(&self, tournament: i64, title: &str, players: &[&CurrentUser]) -> i64 {
        self.match_at(tournament, title, T0, players).await
    }

    /// The public feed token of tournament `t`, when it publishes one and is open.
    async fn public_token(&self, t: i64) -> Option<String> {
        self.svc
            .public_feeds(self.org)
            .await
            .unwrap()
            .into_iter()
            .find(|(row, _)| row.id == t)
            .map(|(_, token)| token)
    }

    async fn public_feed(&self, token: &str) -> Result<String, Error> {
        let t: TournamentRow = self.svc.public_feed_tournament(token).await?;
        self.svc.public_calendar(&t, BASE, T0).await
    }

    async fn private_feed(&self, token: &str) -> Result<String, Error> {
        self.svc
            .player_calendar(
                testkit::authorizer(&self.platform),
                self.org,
                "League",
                token,
                BASE,
                T0,
            )
            .await
    }

    async fn new_token(&self, user: &CurrentUser) -> String {
        self.svc
            .new_calendar_token(self.org, &actor(user), T0)
            .await
            .unwrap()
    }
}

/// The token in a public feed's address (`{BASE}/p/tournament/calendar/{token}.ics`).
fn token_in(url: &str) -> String {
    url.strip_prefix(&format!("{BASE}/p/tournament/calendar/"))
        .and_then(|rest| rest.strip_suffix(".ics"))
        .unwrap_or_else(|| panic!("not a public feed address: {url}"))
        .to_string()
}

fn parse_one(text: &str) -> ical::parser::ical::component::IcalCalendar {
    let mut reader = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let calendar = reader.next().expect("one calendar").expect("it parses");
    assert!(reader.next().is_none(), "only one calendar");
    calendar
}

fn prop(event: &ical::parser::ical::component::IcalEvent, name: &str) -> String {
    event
        .properties
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.value.clone())
        .unwrap_or_default()
}

fn summaries(text: &str) -> Vec<String> {
    parse_one(text)
        .events
        .iter()
        .map(|e| prop(e, "SUMMARY"))
        .collect()
}

async fn check_calendar_feeds(backend: Backend) {
    let w = world(backend).await;
    let (ada, bob, cal) = (
        w.member("ada").await,
        w.member("bob").await,
        w.member("cal").await,
    );
    let org = w.org;
    let t = w.tournament(cup("Winter, Cup", true)).await;
    let channel = w
        .svc
        .save_stream_channel(
            org,
            &w.admin(),
            None,
            &StreamChannelInput {
                name: "Main".into(),
                stream_url: "https://twitch.tv/league".into(),
                is_active: true,
            },
            T0,
        )
        .await
        .unwrap();
    let input = MatchInput {
        title: "Final".into(),
        scheduled_at: Some(T0),
        player_ids: vec![ada.id, bob.id],
        stream_channel_id: Some(channel.id),
        comment: "Best of 3; bring snacks".into(),
    };
    let final_id = w
        .svc
        .create_match(org, &w.admin(), t, &input, T0)
        .await
        .unwrap()
        .id;
    w.scheduled_match(t, "Semi", &[&bob, &cal]).await;

    // The public feed: both matches, times and titles.
    let token = w.public_token(t).await.expect("the tournament publishes");
    let text = w.public_feed(&token).await.unwrap();
    let calendar = parse_one(&text);
    assert_eq!(calendar.events.len(), 2, "{text}");
    let final_event = calendar
        .events
        .iter()
        .find(|e| prop(e, "UID").contains(&format!("match-{final_id}-")))
        .expect("the final is in the feed");
    assert_eq!(prop(final_event, "DTSTART"), "20261122T120000Z");
    assert_eq!(prop(final_event, "DTEND"), "20261122T140000Z");
    assert_eq!(
        prop(final_event, "SUMMARY"),
        "Winter\\, Cup: Final (ada vs bob)"
    );
    assert!(prop(final_event, "URL").ends_with(&format!("/org/{org}/tournaments/match/{final_id}")));

    // Ada's private feed has only her match, with the stream and the comment; a new link
    // replaces the old one.
    let first = w.new_token(&ada).await;
    let mine = parse_one(&w.private_feed(&first).await.unwrap());
    assert_eq!(mine.events.len(), 1);
    assert!(prop(&mine.events[0], "DESCRIPTION").contains("twitch.tv/league"));
    assert!(prop(&mine.events[0], "DESCRIPTION").contains("bring snacks"));
    let fresh = w.new_token(&ada).await;
    assert_ne!(fresh, first);
    let gone = w.private_feed(&first).await.unwrap_err();
    assert_eq!(gone.kind(), "NotFound");
    assert!(w.private_feed(&fresh).await.is_ok());
    // A token of one organization opens nothing in another.
    let other = w.other_org("Other League").await;
    let elsewhere = w
        .svc
        .player_calendar(
            testkit::authorizer(&w.platform),
            other,
            "Other",
            &fresh,
            BASE,
            T0,
        )
        .await
        .unwrap_err();
    assert_eq!(elsewhere.kind(), "NotFound");
}
both_backends!(calendar_feeds, check_calendar_feeds);

/// The public feed shows when, what and who — not the comment, the crew or the stream, which
/// only members with `match:read` see.
async fn check_public_feed_hides_member_only_fields(backend: Backend) {
    let w = world(backend).await;
    let (ada, bob, cora) = (
        w.member("ada").await,
        w.member("bob").await,
        w.member("cora").await,
    );
    let org = w.org;
    let t = w.tournament(cup("Cup", true)).await;
    let channel = w
        .svc
        .save_stream_channel(
            org,
            &w.admin(),
            None,
            &StreamChannelInput {
                name: "Secret restream".into(),
                stream_url: "https://twitch.tv/secret-restream".into(),
                is_active: true,
            },
            T0,
        )
        .await
        .unwrap();
    let input = MatchInput {
        title: "Final".into(),
        scheduled_at: Some(T0),
        player_ids: vec![ada.id, bob.id],
        stream_channel_id: Some(channel.id),
        comment: "door code 4711".into(),
    };
    let id = w
        .svc
        .create_match(org, &w.admin(), t, &input, T0)
        .await
        .unwrap()
        .id;
    w.svc
        .add_crew(org, &w.admin(), id, cora.id, CrewRole::Commentator, T0)
        .await
        .unwrap();
    let token = w.public_token(t).await.unwrap();
    let public = w.public_feed(&token).await.unwrap();
    assert_eq!(summaries(&public), vec!["Cup: Final (ada vs bob)"]);
    for secret in ["door code", "secret-restream", "Secret restream", "cora"] {
        assert!(!public.contains(secret), "{secret} in {public}");
    }
    // The player's own feed has them all.
    let private = w.private_feed(&w.new_token(&ada).await).await.unwrap();
    for detail in ["door code", "secret-restream", "cora"] {
        assert!(private.contains(detail), "{detail} missing from {private}");
    }
}
both_backends!(
    public_feed_hides_member_only_fields,
    check_public_feed_hides_member_only_fields
);

/// Only tournaments that opt in publish, each behind its own token, which managers can
/// replace; switching the feed off ends the address.
async fn check_public_feed_is_opt_in(backend: Backend) {
    let w = world(backend).await;
    let (ada, bob) = (w.member("ada").await, w.member("bob").await);
    let org = w.org;
    let quiet = w.tournament(cup("Quiet Cup", false)).await;
    w.scheduled_match(quiet, "Hidden", &[&ada, &bob]).await;
    assert_eq!(w.public_token(quiet).await, None);
    let err = w
        .svc
        .rotate_public_feed(org, &w.admin(), quiet, BASE, T0)
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("public_feed"));

    // Opting in gives a long random token; another tournament's feed shows only its matches.
    let loud = w.tournament(cup("Loud Cup", true)).await;
    w.scheduled_match(loud, "Shown", &[&ada, &bob]).await;
    let token = w.public_token(loud).await.unwrap();
    assert_eq!(token.len(), 43, "32 random bytes, URL-safe: {token}");
    assert_eq!(
        summaries(&w.public_feed(&token).await.unwrap()),
        vec!["Loud Cup: Shown (ada vs bob)"]
    );
    for wrong in [
        "",
        "x",
        &token[..42],
        &format!("{token}x"),
        &org.to_string(),
    ] {
        let err = w.public_feed(wrong).await.unwrap_err();
        assert_eq!(err.kind(), "NotFound", "{wrong:?}");
    }

    // Saving the tournament keeps the address; a new address ends the old one.
    let mut input = cup("Loud Cup", true);
    input.description = "Now with a description".into();
    w.svc
        .update_tournament(org, &w.admin(), loud, &input, T0)
        .await
        .unwrap();
    assert_eq!(w.public_token(loud).await.as_deref(), Some(token.as_str()));
    let rotated = w
        .svc
        .rotate_public_feed(org, &w.admin(), loud, BASE, T0)
        .await
        .unwrap();
    let rotated = token_in(&rotated.url);
    assert_ne!(rotated, token);
    assert_eq!(w.public_feed(&token).await.unwrap_err().kind(), "NotFound");
    assert!(w.public_feed(&rotated).await.is_ok());

    // Switched off: gone, and on again is a new address.
    input.public_feed = false;
    let t = w
        .svc
        .update_tournament(org, &w.admin(), loud, &input, T0)
        .await
        .unwrap();
    assert!(!t.public_feed);
    assert_eq!(
        w.public_feed(&rotated).await.unwrap_err().kind(),
        "NotFound"
    );
    input.public_feed = true;
    w.svc
        .update_tournament(org, &w.admin(), loud, &input, T0)
        .await
        .unwrap();
    let again = w.public_token(loud).await.unwrap();
    assert_ne!(again, rotated);
    // Another organization cannot rotate it.
    let other = w.other_org("Other League").await;
    let err = w
        .svc
        .rotate_public_feed(other, &w.admin(), loud, BASE, T0)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "NotFound");
}
both_backends!(public_feed_is_opt_in, check_public_feed_is_opt_in);

/// Archived and inactive tournaments are out of every feed: their public feed answers "not
/// found" and their matches leave members' private feeds.
async fn check_archived_tournament_left_out_of_feed(backend: Backend) {
    let w = world(backend).await;
    let (ada, bob) = (w.member("ada").await, w.member("bob").await);
    let org = w.org;
    let old = w.tournament(cup("Old Cup", true)).await;
    w.scheduled_match(old, "Old final", &[&ada, &bob]).await;
    let sleepy = w.tournament(cup("Sleepy Cup", true)).await;
    w.scheduled_match(sleepy, "Sleepy final", &[&ada, &bob])
        .await;
    let live = w.tournament(cup("Live Cup", false)).await;
    w.scheduled_match(live, "Live final", &[&ada, &bob]).await;
    let old_token = w.public_token(old).await.unwrap();
    let sleepy_token = w.public_token(sleepy).await.unwrap();
    let ada_token = w.new_token(&ada).await;
    assert_eq!(
        summaries(&w.private_feed(&ada_token).await.unwrap()).len(),
        3
    );

    w.svc
        .set_archived(org, &w.admin(), old, true, T0)
        .await
        .unwrap();
    let mut input = cup("Sleepy Cup", true);
    input.is_active = false;
    w.svc
        .update_tournament(org, &w.admin(), sleepy, &input, T0)
        .await
        .unwrap();

    for token in [&old_token, &sleepy_token] {
        assert_eq!(w.public_feed(token).await.unwrap_err().kind(), "NotFound");
    }
    assert_eq!(w.public_token(old).await, None, "not offered either");
    assert_eq!(
        summaries(&w.private_feed(&ada_token).await.unwrap()),
        vec!["Live Cup: Live final (ada vs bob)"]
    );
}
both_backends!(
    archived_tournament_left_out_of_feed,
    check_archived_tournament_left_out_of_feed
);

/// The database holds the sha256 of a private token, never the token: a copy of the table opens
/// no feed.
async fn check_private_feed_token_is_stored_hashed(backend: Backend) {
    let w = world(backend).await;
    let ada = w.member("ada").await;
    let token = w.new_token(&ada).await;
    assert_eq!(token.len(), 43);
    let rows = sqlx::query("SELECT * FROM tournament_calendar_tokens")
        .fetch_all(w.test.db.pool())
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    // try_get: the raw row, so every column the table has is looked at, whatever it holds.
    let stored: String = rows[0].try_get("token_hash").unwrap();
    assert_eq!(stored, sdk::auth::tokens::hash(&token));
    assert_ne!(stored, token);
    for i in 0..rows[0].len() {
        if let Ok(text) = rows[0].try_get::<String, _>(i) {
            assert!(!text.contains(&token), "column {i} holds the token");
        }
    }
    // The hash itself is not a key.
    assert_eq!(
        w.private_feed(&stored).await.unwrap_err().kind(),
        "NotFound"
    );
    assert!(w.private_feed(&token).await.is_ok());
    assert!(w
        .svc
        .calendar_token_created_at(w.org, ada.id)
        .await
        .unwrap()
        .is_some());
}
both_backends!(
    private_feed_token_is_stored_hashed,
    check_private_feed_token_is_stored_hashed
);

/// A private feed lives only as long as its owner's access: deactivated, gone from the
/// organization, or denied `match:read`, and the address answers "not found".
async fn check_deactivated_user_feed_stops_working(backend: Backend) {
    let w = world(backend).await;
    let (ada, bob, cal) = (
        w.member("ada").await,
        w.member("bob").await,
        w.member("cal").await,
    );
    let t = w.tournament(cup("Cup", false)).await;
    w.scheduled_match(t, "Final", &[&ada, &bob]).await;
    w.scheduled_match(t, "Semi", &[&bob, &cal]).await;
    let (ada_token, bob_token, cal_token) = (
        w.new_token(&ada).await,
        w.new_token(&bob).await,
        w.new_token(&cal).await,
    );
    for token in [&ada_token, &bob_token, &cal_token] {
        assert!(w.private_feed(token).await.is_ok());
    }

    // Ada is deactivated by a site admin; back again, her link works again.
    let set_active = |active: bool| AdminUserUpdate {
        level: GlobalLevel::User,
        is_active: active,
        api_rate_limit_per_minute: None,
    };
    users::admin_update(&w.test.db, &w.admin, ada.id, &set_active(false), None)
        .await
        .unwrap();
    let err = w.private_feed(&ada_token).await.unwrap_err();
    assert_eq!(err.kind(), "NotFound", "{err}");
    users::admin_update(&w.test.db, &w.admin, ada.id, &set_active(true), None)
        .await
        .unwrap();
    assert!(w.private_feed(&ada_token).await.is_ok());

    // Bob leaves the organization.
    orgs::remove_member(
        &w.test.db,
        testkit::authorizer(&w.platform),
        &w.admin,
        w.org,
        bob.id,
        "member.remove",
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        w.private_feed(&bob_token).await.unwrap_err().kind(),
        "NotFound"
    );

    // Cal is denied `match:read`.
    roles::set_user_statements(
        &w.test.db,
        testkit::authorizer(&w.platform),
        &w.admin,
        w.org,
        cal.id,
        &[Statement::deny(&["match:read"])],
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        w.private_feed(&cal_token).await.unwrap_err().kind(),
        "NotFound"
    );
    assert!(w.private_feed(&ada_token).await.is_ok());
}
both_backends!(
    deactivated_user_feed_stops_working,
    check_deactivated_user_feed_stops_working
);
