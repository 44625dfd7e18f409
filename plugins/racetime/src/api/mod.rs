//! Server functions: the JSON API under `/api/p/racetime/`. Each is guard → service → DTO: the
//! guard answers NotEnabled (404) when the organization has not switched the plugin on and
//! Forbidden without the action; the service decides everything else (and checks again, so
//! the Discord command and the tasks get the same answers). The bots are the site admins'.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::model::{Bot, BotInput, OrgBot, Room, RoomProfile, RoomSettings, TournamentRooms};
#[cfg(feature = "ssr")]
use crate::{actions, service::Racetime, PLUGIN_ID};
#[cfg(feature = "ssr")]
use sdk::{
    auth::{guard::require_level, guard::require_plugin, GlobalLevel},
    context::platform,
    Actor,
};

#[cfg(feature = "ssr")]
async fn org_call(org_id: i64, action: &str) -> Result<(Racetime, Actor), sdk::Error> {
    // The request's context is there until the first await: read it first.
    let service = Racetime::from_platform(&platform()?)?;
    let scope = require_plugin(org_id, PLUGIN_ID, action).await?;
    Ok((service, Actor::from(&scope)))
}

#[cfg(feature = "ssr")]
fn site_admin_call() -> Result<(Racetime, Actor), sdk::Error> {
    let service = Racetime::from_platform(&platform()?)?;
    let user = require_level(GlobalLevel::Admin)?;
    Ok((service, Actor::user(user)))
}

/// The organization's race rooms, newest first.
#[server(prefix = "/api/p/racetime", endpoint = "rooms", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn rooms(org_id: i64) -> Result<Vec<Room>, sdk::Error> {
    let (service, actor) = org_call(org_id, actions::READ).await?;
    service.rooms(org_id, &actor).await
}
sdk::api_doc!(
    Rooms,
    "`racetime:read` in the organization, with racetime enabled"
);

/// A match's latest race room (none if it never had one).
#[server(prefix = "/api/p/racetime", endpoint = "match_room", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn match_room(org_id: i64, match_id: i64) -> Result<Option<Room>, sdk::Error> {
    let (service, actor) = org_call(org_id, tournament::actions::MATCH_READ).await?;
    service.match_room(org_id, &actor, match_id).await
}
sdk::api_doc!(
    MatchRoom,
    "`match:read` in the organization, with racetime enabled"
);

/// Opens the match's room now (with its tournament's bot, profile, goal and preset rule).
#[server(prefix = "/api/p/racetime", endpoint = "open_match_room", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn open_match_room(org_id: i64, match_id: i64) -> Result<Option<Room>, sdk::Error> {
    let (service, actor) = org_call(org_id, actions::ROOM).await?;
    let now = sdk::time::now_ms();
    service
        .open_match_room(org_id, &actor, match_id, now)
        .await?;
    service.match_room(org_id, &actor, match_id).await
}
sdk::api_doc!(
    OpenMatchRoom,
    "`racetime:room` in the organization, with racetime enabled"
);

/// Opens a room outside any match: a title, a granted bot, a profile (none: an open room with
/// the defaults), a goal (empty: "Beat the game"), and optionally a randomizer and preset to
/// roll the seed from.
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/api/p/racetime", endpoint = "open_room", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn open_room(
    org_id: i64,
    bot_id: i64,
    title: String,
    #[server(default)] profile_id: Option<i64>,
    #[server(default)] goal: String,
    #[server(default)] randomizer: String,
    #[server(default)] preset: String,
) -> Result<Room, sdk::Error> {
    let (service, actor) = org_call(org_id, actions::ROOM).await?;
    let now = sdk::time::now_ms();
    let outcome = service
        .open_room(
            org_id,
            &actor,
            bot_id,
            profile_id,
            &title,
            &goal,
            Some((randomizer, preset)),
            now,
        )
        .await?;
    let room_id = match outcome {
        crate::service::OpenOutcome::Opened { room_id, .. }
        | crate::service::OpenOutcome::AlreadyOpen { room_id }
        | crate::service::OpenOutcome::Busy { room_id } => room_id,
    };
    service.room(org_id, &actor, room_id).await
}
sdk::api_doc!(
    OpenRoom,
    "`racetime:room` in the organization, with racetime enabled"
);

/// Cancels the room on racetime.gg (unless finished), lets its match go.
#[server(prefix = "/api/p/racetime", endpoint = "close_room", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn close_room(org_id: i64, room_id: i64) -> Result<Room, sdk::Error> {
    let (service, actor) = org_call(org_id, actions::ROOM).await?;
    service
        .close_room(org_id, &actor, room_id, sdk::time::now_ms())
        .await?;
    service.room(org_id, &actor, room_id).await
}
sdk::api_doc!(
    CloseRoom,
    "`racetime:room` in the organization, with racetime enabled"
);

/// Rolls a new seed from the room's preset (before the race starts) and posts it.
#[server(prefix = "/api/p/racetime", endpoint = "reroll_room", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn reroll_room(org_id: i64, room_id: i64) -> Result<Room, sdk::Error> {
    let (service, actor) = org_call(org_id, actions::ROOM).await?;
    service
        .reroll(org_id, &actor, room_id, sdk::time::now_ms())
        .await?;
    service.room(org_id, &actor, room_id).await
}
sdk::api_doc!(
    RerollRoom,
    "`racetime:room` in the organization, with racetime enabled"
);

/// Invites the match's linked players who are not entrants yet; their racetime.gg ids.
#[server(prefix = "/api/p/racetime", endpoint = "reinvite_room", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn reinvite_room(org_id: i64, room_id: i64) -> Result<Vec<String>, sdk::Error> {
    let (service, actor) = org_call(org_id, actions::ROOM).await?;
    service.reinvite(org_id, &actor, room_id).await
}
sdk::api_doc!(
    ReinviteRoom,
    "`racetime:room` in the organization, with racetime enabled"
);

/// The bots a site admin granted the organization.
#[server(prefix = "/api/p/racetime", endpoint = "org_bots", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn org_bots(org_id: i64) -> Result<Vec<OrgBot>, sdk::Error> {
    let (service, actor) = org_call(org_id, actions::PROFILE_READ).await?;
    service.org_bots(org_id, &actor).await
}
sdk::api_doc!(
    OrgBots,
    "`race_room_profile:read` in the organization, with racetime enabled"
);

/// The organization's room profiles.
#[server(prefix = "/api/p/racetime", endpoint = "profiles", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn profiles(org_id: i64) -> Result<Vec<RoomProfile>, sdk::Error> {
    let (service, actor) = org_call(org_id, actions::PROFILE_READ).await?;
    service.profiles(org_id, &actor).await
}
sdk::api_doc!(
    Profiles,
    "`race_room_profile:read` in the organization, with racetime enabled"
);

/// Creates (no `profile_id`) or changes a room profile.
#[server(prefix = "/api/p/racetime", endpoint = "save_profile", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn save_profile(
    org_id: i64,
    name: String,
    settings: RoomSettings,
    #[server(default)] profile_id: Option<i64>,
) -> Result<RoomProfile, sdk::Error> {
    let (service, actor) = org_call(org_id, actions::PROFILE_UPDATE).await?;
    service
        .save_profile(
            org_id,
            &actor,
            profile_id,
            &name,
            &settings,
            sdk::time::now_ms(),
        )
        .await
}
sdk::api_doc!(
    SaveProfile,
    "`race_room_profile:update` in the organization, with racetime enabled"
);

#[server(prefix = "/api/p/racetime", endpoint = "delete_profile", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn delete_profile(org_id: i64, profile_id: i64) -> Result<(), sdk::Error> {
    let (service, actor) = org_call(org_id, actions::PROFILE_UPDATE).await?;
    service.delete_profile(org_id, &actor, profile_id).await
}
sdk::api_doc!(
    DeleteProfile,
    "`race_room_profile:update` in the organization, with racetime enabled"
);

/// One tournament's room settings (none until they are saved).
#[server(prefix = "/api/p/racetime", endpoint = "tournament_rooms", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn get_tournament_rooms(
    org_id: i64,
    tournament_id: i64,
) -> Result<Option<TournamentRooms>, sdk::Error> {
    let (service, actor) = org_call(org_id, actions::PROFILE_READ).await?;
    service
        .tournament_rooms(org_id, &actor, tournament_id)
        .await
}
sdk::api_doc!(
    GetTournamentRooms,
    "`race_room_profile:read` in the organization, with racetime enabled"
);

/// Sets a tournament's room settings (bot, profile, goal, automatic rooms, preset rule).
#[server(prefix = "/api/p/racetime", endpoint = "save_tournament_rooms", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn save_tournament_rooms(
    org_id: i64,
    settings: TournamentRooms,
) -> Result<TournamentRooms, sdk::Error> {
    let (service, actor) = org_call(org_id, actions::PROFILE_UPDATE).await?;
    service
        .save_tournament_rooms(org_id, &actor, &settings, sdk::time::now_ms())
        .await
}
sdk::api_doc!(
    SaveTournamentRooms,
    "`race_room_profile:update` in the organization, with racetime enabled"
);

/// Leaves a match out of automatic rooms (or back in), or gives it its own goal.
#[server(prefix = "/api/p/racetime", endpoint = "save_match_rooms", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn save_match_rooms(
    org_id: i64,
    match_id: i64,
    auto_open: bool,
    #[server(default)] goal: String,
) -> Result<(), sdk::Error> {
    let (service, actor) = org_call(org_id, actions::PROFILE_UPDATE).await?;
    service
        .save_match_rooms(org_id, &actor, match_id, auto_open, &goal)
        .await
}
sdk::api_doc!(
    SaveMatchRooms,
    "`race_room_profile:update` in the organization, with racetime enabled"
);

/// Every category bot (site admins).
#[server(prefix = "/api/p/racetime", endpoint = "bots", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn bots() -> Result<Vec<Bot>, sdk::Error> {
    let (service, actor) = site_admin_call()?;
    service.bots(&actor).await
}
sdk::api_doc!(Bots, "a site admin");

/// Registers (no `bot_id`) or changes a category bot; the secret is never shown back, and an
/// empty one on a change keeps the stored secret.
#[server(prefix = "/api/p/racetime", endpoint = "save_bot", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn save_bot(
    bot: BotInput,
    #[server(default)] bot_id: Option<i64>,
) -> Result<Bot, sdk::Error> {
    let (service, actor) = site_admin_call()?;
    service
        .save_bot(&actor, bot_id, &bot, sdk::time::now_ms())
        .await
}
sdk::api_doc!(SaveBot, "a site admin");

/// Grants a bot to an organization, or takes it back.
#[server(prefix = "/api/p/racetime", endpoint = "grant_bot", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn grant_bot(bot_id: i64, org_id: i64, granted: bool) -> Result<Bot, sdk::Error> {
    let (service, actor) = site_admin_call()?;
    service
        .grant_bot(&actor, bot_id, org_id, granted, sdk::time::now_ms())
        .await
}
sdk::api_doc!(GrantBot, "a site admin");

/// Asks racetime.gg for a token now and reports the bot's status.
#[server(prefix = "/api/p/racetime", endpoint = "check_bot", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn check_bot(bot_id: i64) -> Result<Bot, sdk::Error> {
    let (service, actor) = site_admin_call()?;
    service.check_bot(&actor, bot_id, sdk::time::now_ms()).await
}
sdk::api_doc!(CheckBot, "a site admin");

mod verification;
pub use verification::*;
