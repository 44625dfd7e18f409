//! Server functions: the JSON API under `/api/p/tournament/`. Every call takes `org_id` first and
//! is guard (`require_plugin` with the action) → service → DTO. Instants are RFC 3339 UTC, in and
//! out.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde_json::Value;

use crate::model::{
    CalendarFeeds, Match, Person, PublicFeed, RankInput, Rights, SettingsSubmission, StationInput,
    StreamChannel, Tournament,
};
#[cfg(feature = "ssr")]
pub use ssr::*;

/// The actions of this plugin.
pub mod actions {
    pub const READ: &str = "tournament:read";
    pub const CREATE: &str = "tournament:create";
    pub const UPDATE: &str = "tournament:update";
    pub const REGISTER: &str = "tournament:register";
    pub const STREAMS: &str = "tournament:streams";
    pub const MATCH_READ: &str = "match:read";
    pub const MATCH_CREATE: &str = "match:create";
    pub const MATCH_UPDATE: &str = "match:update";
    pub const MATCH_DELETE: &str = "match:delete";
    pub const MATCH_ADVANCE: &str = "match:advance";
    pub const MATCH_SETTINGS: &str = "match:settings";
    pub const CREW_SIGNUP: &str = "crew:signup";
    pub const CREW_APPROVE: &str = "crew:approve";
}

#[cfg(feature = "ssr")]
mod ssr {
    use sdk::{
        auth::guard::{require_plugin, OrgScope},
        context::{platform, Platform},
        Actor, Error,
    };

    use crate::{model::MatchStatus, service::Tournaments, PLUGIN_ID};

    /// The caller and the service.
    pub struct Call {
        pub scope: OrgScope,
        pub platform: Platform,
        pub service: Tournaments,
    }

    impl Call {
        pub async fn new(org_id: i64, action: &str) -> Result<Self, Error> {
            // The request's context is only there until the first await: read it first.
            let platform = platform()?;
            let scope = require_plugin(org_id, PLUGIN_ID, action).await?;
            let service = Tournaments::from_platform(&platform);
            Ok(Self {
                scope,
                platform,
                service,
            })
        }

        pub fn org(&self) -> i64 {
            self.scope.org_id
        }

        pub fn user(&self) -> i64 {
            self.scope.user.id
        }

        pub fn actor(&self) -> Actor {
            Actor::from(&self.scope)
        }

        pub async fn may(&self, action: &str) -> Result<bool, Error> {
            self.platform
                .authorizer
                .allowed(&self.scope.user, self.scope.org_id, action)
                .await
        }
    }

    pub fn now() -> i64 {
        sdk::time::now_ms()
    }

    /// An optional status key from the client (`scheduled`, `checked_in`, …); empty means none.
    pub fn status_key(field: &str, text: Option<&str>) -> Result<Option<MatchStatus>, Error> {
        match text.map(str::trim).filter(|t| !t.is_empty()) {
            None => Ok(None),
            Some(text) => MatchStatus::parse(text).map(Some).ok_or_else(|| {
                Error::invalid(
                    field,
                    "Use one of pending, scheduled, checked_in, in_progress, finished, recorded.",
                )
            }),
        }
    }

    /// The status the caller saw before a step.
    pub fn seen_status(text: Option<&str>) -> Result<Option<MatchStatus>, Error> {
        status_key("from", text)
    }

    /// An optional RFC 3339 instant from the client; empty means none.
    pub fn instant(field: &str, text: Option<&str>) -> Result<Option<i64>, Error> {
        match text.map(str::trim).filter(|t| !t.is_empty()) {
            None => Ok(None),
            Some(text) => sdk::time::parse_rfc3339(text)
                .map(Some)
                .map_err(|message| Error::invalid(field, message)),
        }
    }
}

#[server(prefix = "/api/p/tournament", endpoint = "my_rights", input = Json, output = Json)]
pub async fn my_rights(org_id: i64) -> Result<Rights, sdk::Error> {
    let call = Call::new(org_id, actions::MATCH_READ).await?;
    Ok(Rights {
        user_id: call.user(),
        create_tournament: call.may(actions::CREATE).await?,
        manage_tournament: call.may(actions::UPDATE).await?,
        manage_streams: call.may(actions::STREAMS).await?,
        schedule: call.may(actions::MATCH_CREATE).await?,
        update_match: call.may(actions::MATCH_UPDATE).await?,
        delete_match: call.may(actions::MATCH_DELETE).await?,
        advance: call.may(actions::MATCH_ADVANCE).await?,
        approve_crew: call.may(actions::CREW_APPROVE).await?,
        crew_signup: call.may(actions::CREW_SIGNUP).await?,
    })
}

// ---------------------------------------------------------------------------------------------
// Tournaments

#[server(prefix = "/api/p/tournament", endpoint = "list_tournaments", input = Json, output = Json)]
pub async fn list_tournaments(
    org_id: i64,
    #[server(default)] include_archived: bool,
    #[server(default)] page: sdk::page::PageRequest,
) -> Result<sdk::page::Page<Tournament>, sdk::Error> {
    let call = Call::new(org_id, actions::READ).await?;
    call.service
        .tournaments(call.org(), call.user(), include_archived, &page)
        .await
}

#[server(prefix = "/api/p/tournament", endpoint = "get_tournament", input = Json, output = Json)]
pub async fn get_tournament(org_id: i64, tournament_id: i64) -> Result<Tournament, sdk::Error> {
    let call = Call::new(org_id, actions::READ).await?;
    call.service
        .tournament(call.org(), call.user(), tournament_id)
        .await
}

#[server(prefix = "/api/p/tournament", endpoint = "create_tournament", input = Json, output = Json)]
#[allow(clippy::too_many_arguments)]
pub async fn create_tournament(
    org_id: i64,
    name: String,
    #[server(default)] description: String,
    #[server(default)] is_active: Option<bool>,
    #[server(default)] onsite: bool,
    #[server(default)] tracker_enabled: bool,
    #[server(default)] self_registration: bool,
    #[server(default)] settings_form_schema: Option<Value>,
    #[server(default)] randomizer: String,
    #[server(default)] preset: String,
    #[server(default)] public_feed: bool,
) -> Result<Tournament, sdk::Error> {
    let call = Call::new(org_id, actions::CREATE).await?;
    let input = crate::service::TournamentInput {
        name,
        description,
        is_active: is_active.unwrap_or(true),
        onsite,
        tracker_enabled,
        self_registration,
        settings_form_schema,
        randomizer,
        preset,
        public_feed,
    };
    call.service
        .create_tournament(call.org(), &call.actor(), &input, now())
        .await
}

#[server(prefix = "/api/p/tournament", endpoint = "update_tournament", input = Json, output = Json)]
#[allow(clippy::too_many_arguments)]
pub async fn update_tournament(
    org_id: i64,
    tournament_id: i64,
    name: String,
    #[server(default)] description: String,
    is_active: bool,
    #[server(default)] onsite: bool,
    #[server(default)] tracker_enabled: bool,
    #[server(default)] self_registration: bool,
    #[server(default)] settings_form_schema: Option<Value>,
    #[server(default)] randomizer: String,
    #[server(default)] preset: String,
    #[server(default)] public_feed: bool,
) -> Result<Tournament, sdk::Error> {
    let call = Call::new(org_id, actions::UPDATE).await?;
    let input = crate::service::TournamentInput {
        name,
        description,
        is_active,
        onsite,
        tracker_enabled,
        self_registration,
        settings_form_schema,
        randomizer,
        preset,
        public_feed,
    };
    call.service
        .update_tournament(call.org(), &call.actor(), tournament_id, &input, now())
        .await
}

#[server(prefix = "/api/p/tournament", endpoint = "archive_tournament", input = Json, output = Json)]
pub async fn archive_tournament(
    org_id: i64,
    tournament_id: i64,
    archived: bool,
) -> Result<Tournament, sdk::Error> {
    let call = Call::new(org_id, actions::UPDATE).await?;
    call.service
        .set_archived(call.org(), &call.actor(), tournament_id, archived, now())
        .await
}

#[server(prefix = "/api/p/tournament", endpoint = "list_players", input = Json, output = Json)]
pub async fn list_players(
    org_id: i64,
    tournament_id: i64,
    #[server(default)] page: sdk::page::PageRequest,
) -> Result<sdk::page::Page<Person>, sdk::Error> {
    let call = Call::new(org_id, actions::READ).await?;
    call.service.players(call.org(), tournament_id, &page).await
}

/// Adds a player; answers the first page of players.
#[server(prefix = "/api/p/tournament", endpoint = "add_player", input = Json, output = Json)]
pub async fn add_player(
    org_id: i64,
    tournament_id: i64,
    user_id: i64,
) -> Result<sdk::page::Page<Person>, sdk::Error> {
    let call = Call::new(org_id, actions::UPDATE).await?;
    call.service
        .add_player(call.org(), &call.actor(), tournament_id, user_id, now())
        .await
}

/// Removes a player; answers the first page of players.
#[server(prefix = "/api/p/tournament", endpoint = "remove_player", input = Json, output = Json)]
pub async fn remove_player(
    org_id: i64,
    tournament_id: i64,
    user_id: i64,
) -> Result<sdk::page::Page<Person>, sdk::Error> {
    let call = Call::new(org_id, actions::UPDATE).await?;
    call.service
        .remove_player(call.org(), &call.actor(), tournament_id, user_id)
        .await
}

/// Self-registration, where the tournament allows it.
#[server(prefix = "/api/p/tournament", endpoint = "register", input = Json, output = Json)]
pub async fn register(org_id: i64, tournament_id: i64) -> Result<Tournament, sdk::Error> {
    let call = Call::new(org_id, actions::REGISTER).await?;
    call.service
        .register(call.org(), &call.actor(), tournament_id, now())
        .await
}

/// The organization's members (for the player and crew pickers of managers).
#[server(prefix = "/api/p/tournament", endpoint = "list_members", input = Json, output = Json)]
pub async fn list_members(org_id: i64) -> Result<Vec<Person>, sdk::Error> {
    let call = Call::new(org_id, actions::MATCH_CREATE).await?;
    call.service.members(call.org()).await
}

// ---------------------------------------------------------------------------------------------
// Stream channels

#[server(prefix = "/api/p/tournament", endpoint = "list_stream_channels", input = Json, output = Json)]
pub async fn list_stream_channels(
    org_id: i64,
    #[server(default)] page: sdk::page::PageRequest,
) -> Result<sdk::page::Page<StreamChannel>, sdk::Error> {
    let call = Call::new(org_id, actions::MATCH_READ).await?;
    call.service.stream_channels(call.org(), &page).await
}

#[server(prefix = "/api/p/tournament", endpoint = "create_stream_channel", input = Json, output = Json)]
pub async fn create_stream_channel(
    org_id: i64,
    name: String,
    stream_url: String,
    #[server(default)] is_active: Option<bool>,
) -> Result<StreamChannel, sdk::Error> {
    let call = Call::new(org_id, actions::STREAMS).await?;
    call.service
        .save_stream_channel(
            call.org(),
            &call.actor(),
            None,
            &crate::service::StreamChannelInput {
                name,
                stream_url,
                is_active: is_active.unwrap_or(true),
            },
            now(),
        )
        .await
}

#[server(prefix = "/api/p/tournament", endpoint = "update_stream_channel", input = Json, output = Json)]
pub async fn update_stream_channel(
    org_id: i64,
    stream_channel_id: i64,
    name: String,
    stream_url: String,
    is_active: bool,
) -> Result<StreamChannel, sdk::Error> {
    let call = Call::new(org_id, actions::STREAMS).await?;
    call.service
        .save_stream_channel(
            call.org(),
            &call.actor(),
            Some(stream_channel_id),
            &crate::service::StreamChannelInput {
                name,
                stream_url,
                is_active,
            },
            now(),
        )
        .await
}

// ---------------------------------------------------------------------------------------------
// Matches

/// Matches a page at a time (`sdk::page`: the most recently created first), each page in
/// schedule order: by time, pending last. `from`/`to` bound the scheduled time (RFC 3339);
/// `status` is a status key (`scheduled`, `checked_in`, …); `mine` keeps the caller's matches
/// (played or crewed).
#[server(prefix = "/api/p/tournament", endpoint = "list_matches", input = Json, output = Json)]
#[allow(clippy::too_many_arguments)]
pub async fn list_matches(
    org_id: i64,
    #[server(default)] tournament_id: Option<i64>,
    #[server(default)] from: Option<String>,
    #[server(default)] to: Option<String>,
    #[server(default)] status: Option<String>,
    #[server(default)] stream_channel_id: Option<i64>,
    #[server(default)] mine: bool,
    #[server(default)] page: sdk::page::PageRequest,
) -> Result<sdk::page::Page<Match>, sdk::Error> {
    let call = Call::new(org_id, actions::MATCH_READ).await?;
    let status = status_key("status", status.as_deref())?;
    let query = crate::repo::MatchQuery {
        tournament_id,
        from: instant("from", from.as_deref())?,
        to: instant("to", to.as_deref())?,
        stream_channel_id,
        involving: mine.then(|| call.user()),
        open_tournaments_only: false,
        page: None,
    };
    call.service
        .matches_page(call.org(), &query, status, page)
        .await
}

#[server(prefix = "/api/p/tournament", endpoint = "get_match", input = Json, output = Json)]
pub async fn get_match(org_id: i64, match_id: i64) -> Result<Match, sdk::Error> {
    let call = Call::new(org_id, actions::MATCH_READ).await?;
    call.service.get_match(call.org(), match_id).await
}

/// The settings form (JSON Schema) of the match's tournament, if it has one.
#[server(prefix = "/api/p/tournament", endpoint = "match_settings_form", input = Json, output = Json)]
pub async fn match_settings_form(org_id: i64, match_id: i64) -> Result<Option<Value>, sdk::Error> {
    let call = Call::new(org_id, actions::MATCH_READ).await?;
    call.service.settings_form(call.org(), match_id).await
}

#[server(prefix = "/api/p/tournament", endpoint = "create_match", input = Json, output = Json)]
#[allow(clippy::too_many_arguments)]
pub async fn create_match(
    org_id: i64,
    tournament_id: i64,
    #[server(default)] title: String,
    #[server(default)] scheduled_at: Option<String>,
    player_ids: Vec<i64>,
    #[server(default)] stream_channel_id: Option<i64>,
    #[server(default)] comment: String,
) -> Result<Match, sdk::Error> {
    let call = Call::new(org_id, actions::MATCH_CREATE).await?;
    let input = crate::service::MatchInput {
        title,
        comment,
        scheduled_at: instant("scheduled_at", scheduled_at.as_deref())?,
        player_ids,
        stream_channel_id,
    };
    call.service
        .create_match(call.org(), &call.actor(), tournament_id, &input, now())
        .await
}

#[server(prefix = "/api/p/tournament", endpoint = "update_match", input = Json, output = Json)]
#[allow(clippy::too_many_arguments)]
pub async fn update_match(
    org_id: i64,
    match_id: i64,
    #[server(default)] title: String,
    #[server(default)] scheduled_at: Option<String>,
    player_ids: Vec<i64>,
    #[server(default)] stream_channel_id: Option<i64>,
    #[server(default)] comment: String,
) -> Result<Match, sdk::Error> {
    let call = Call::new(org_id, actions::MATCH_UPDATE).await?;
    let input = crate::service::MatchInput {
        title,
        comment,
        scheduled_at: instant("scheduled_at", scheduled_at.as_deref())?,
        player_ids,
        stream_channel_id,
    };
    call.service
        .update_match(call.org(), &call.actor(), match_id, &input, now())
        .await
}

#[server(prefix = "/api/p/tournament", endpoint = "delete_match", input = Json, output = Json)]
pub async fn delete_match(org_id: i64, match_id: i64) -> Result<(), sdk::Error> {
    let call = Call::new(org_id, actions::MATCH_DELETE).await?;
    call.service
        .delete_match(call.org(), &call.actor(), match_id, now())
        .await
}

/// One status step forward; `stations` check in an onsite match. `from` is the status the caller
/// saw (a status key): when the match has moved since, the step is refused instead of taken twice.
#[server(prefix = "/api/p/tournament", endpoint = "advance_match", input = Json, output = Json)]
pub async fn advance_match(
    org_id: i64,
    match_id: i64,
    #[server(default)] stations: Vec<StationInput>,
    #[server(default)] from: Option<String>,
) -> Result<Match, sdk::Error> {
    let call = Call::new(org_id, actions::MATCH_ADVANCE).await?;
    let request = crate::service::StepRequest {
        forward: true,
        expected: seen_status(from.as_deref())?,
        stations,
        as_holder: None,
    };
    call.service
        .step(call.org(), &call.actor(), match_id, &request, now())
        .await
}

/// One status step back; `from` as for `advance_match`.
#[server(prefix = "/api/p/tournament", endpoint = "revert_match", input = Json, output = Json)]
pub async fn revert_match(
    org_id: i64,
    match_id: i64,
    #[server(default)] from: Option<String>,
) -> Result<Match, sdk::Error> {
    let call = Call::new(org_id, actions::MATCH_ADVANCE).await?;
    let request = crate::service::StepRequest {
        forward: false,
        expected: seen_status(from.as_deref())?,
        stations: Vec::new(),
        as_holder: None,
    };
    call.service
        .step(call.org(), &call.actor(), match_id, &request, now())
        .await
}

#[server(prefix = "/api/p/tournament", endpoint = "set_match_result", input = Json, output = Json)]
pub async fn set_match_result(
    org_id: i64,
    match_id: i64,
    ranks: Vec<RankInput>,
) -> Result<Match, sdk::Error> {
    let call = Call::new(org_id, actions::MATCH_ADVANCE).await?;
    call.service
        .set_result(call.org(), &call.actor(), match_id, &ranks, None, now())
        .await
}

#[server(prefix = "/api/p/tournament", endpoint = "set_match_seed", input = Json, output = Json)]
pub async fn set_match_seed(
    org_id: i64,
    match_id: i64,
    url: String,
    #[server(default)] description: String,
) -> Result<Match, sdk::Error> {
    let call = Call::new(org_id, actions::MATCH_UPDATE).await?;
    call.service
        .set_seed(
            call.org(),
            &call.actor(),
            match_id,
            &url,
            &description,
            now(),
        )
        .await
}

// ---------------------------------------------------------------------------------------------
// Crew

#[server(prefix = "/api/p/tournament", endpoint = "crew_signup", input = Json, output = Json)]
pub async fn crew_signup(org_id: i64, match_id: i64, role: String) -> Result<Match, sdk::Error> {
    let call = Call::new(org_id, actions::CREW_SIGNUP).await?;
    let role = crate::rules::parse_role(&role)?;
    call.service
        .crew_signup(call.org(), &call.actor(), match_id, role, now())
        .await
}

#[server(prefix = "/api/p/tournament", endpoint = "crew_withdraw", input = Json, output = Json)]
pub async fn crew_withdraw(org_id: i64, match_id: i64, role: String) -> Result<Match, sdk::Error> {
    let call = Call::new(org_id, actions::CREW_SIGNUP).await?;
    let role = crate::rules::parse_role(&role)?;
    call.service
        .crew_withdraw(call.org(), &call.actor(), match_id, role, now())
        .await
}

/// A manager adds crew (approved at once).
#[server(prefix = "/api/p/tournament", endpoint = "add_crew", input = Json, output = Json)]
pub async fn add_crew(
    org_id: i64,
    match_id: i64,
    user_id: i64,
    role: String,
) -> Result<Match, sdk::Error> {
    let call = Call::new(org_id, actions::CREW_APPROVE).await?;
    let role = crate::rules::parse_role(&role)?;
    call.service
        .add_crew(call.org(), &call.actor(), match_id, user_id, role, now())
        .await
}

/// Approve (or, with `approved: false`, unapprove) a crew sign-up.
#[server(prefix = "/api/p/tournament", endpoint = "approve_crew", input = Json, output = Json)]
pub async fn approve_crew(
    org_id: i64,
    crew_id: i64,
    #[server(default)] approved: Option<bool>,
) -> Result<Match, sdk::Error> {
    let call = Call::new(org_id, actions::CREW_APPROVE).await?;
    call.service
        .set_crew_approved(
            call.org(),
            &call.actor(),
            crew_id,
            approved.unwrap_or(true),
            now(),
        )
        .await
}

// ---------------------------------------------------------------------------------------------
// Settings submissions

#[server(prefix = "/api/p/tournament", endpoint = "submit_match_settings", input = Json, output = Json)]
pub async fn submit_match_settings(
    org_id: i64,
    match_id: i64,
    game_number: i64,
    settings: Value,
    #[server(default)] notes: String,
) -> Result<SettingsSubmission, sdk::Error> {
    let call = Call::new(org_id, actions::MATCH_SETTINGS).await?;
    call.service
        .submit_settings(
            call.org(),
            &call.actor(),
            match_id,
            game_number,
            &settings,
            &notes,
            now(),
        )
        .await
}

/// Managers (`tournament:update`) see every submission of the match; others their own.
#[server(prefix = "/api/p/tournament", endpoint = "list_match_settings", input = Json, output = Json)]
pub async fn list_match_settings(
    org_id: i64,
    match_id: i64,
) -> Result<Vec<SettingsSubmission>, sdk::Error> {
    let call = Call::new(org_id, actions::MATCH_READ).await?;
    let only = if call.may(actions::UPDATE).await? {
        None
    } else {
        Some(call.user())
    };
    call.service.submissions(call.org(), match_id, only).await
}

// ---------------------------------------------------------------------------------------------
// Calendar feeds

/// The public feeds of the organization's open tournaments, and whether the caller has a private
/// feed of their own matches. `reset` makes a new private address (the old one stops working);
/// it is in this answer only, as the database keeps its hash.
#[server(prefix = "/api/p/tournament", endpoint = "calendar_links", input = Json, output = Json)]
pub async fn calendar_links(
    org_id: i64,
    #[server(default)] reset: bool,
) -> Result<CalendarFeeds, sdk::Error> {
    let call = Call::new(org_id, actions::MATCH_READ).await?;
    let base = format!("{}/p/tournament/calendar", call.platform.base_url);
    let my_url = if reset {
        let token = call
            .service
            .new_calendar_token(call.org(), &call.actor(), now())
            .await?;
        Some(format!("{base}/{}/{token}.ics", call.org()))
    } else {
        None
    };
    let public = call
        .service
        .public_feeds(call.org())
        .await?
        .into_iter()
        .map(|(t, token)| PublicFeed {
            tournament_id: t.id,
            tournament_name: t.name,
            url: format!("{base}/{token}.ics"),
        })
        .collect();
    let created = call
        .service
        .calendar_token_created_at(call.org(), call.user())
        .await?;
    Ok(CalendarFeeds {
        public,
        my_url,
        my_url_created_at: created.map(sdk::time::rfc3339_utc),
    })
}

/// Gives the tournament's public feed a new address; the old one stops working.
#[server(prefix = "/api/p/tournament", endpoint = "rotate_public_feed", input = Json, output = Json)]
pub async fn rotate_public_feed(org_id: i64, tournament_id: i64) -> Result<PublicFeed, sdk::Error> {
    let call = Call::new(org_id, actions::UPDATE).await?;
    let token = call
        .service
        .rotate_public_feed(call.org(), &call.actor(), tournament_id, now())
        .await?;
    let t = call
        .service
        .tournament(call.org(), call.user(), tournament_id)
        .await?;
    Ok(PublicFeed {
        tournament_id,
        tournament_name: t.name,
        url: format!(
            "{}/p/tournament/calendar/{token}.ics",
            call.platform.base_url
        ),
    })
}
