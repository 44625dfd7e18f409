//! What the browser and the API see (compiled for wasm too). Instants are epoch ms in Rust and
//! RFC 3339 UTC on the wire; rows that map one to one derive `FromRow` on the server.

use serde::{Deserialize, Serialize};

/// A category bot as the site admin sees it: never its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Bot {
    pub id: i64,
    /// The racetime.gg category slug (`alttpr`).
    pub category: String,
    /// The bot's name on racetime.gg (rooms it opens carry it).
    pub name: String,
    pub client_id: String,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "sdk::db::Flag"))]
    pub is_active: bool,
    /// `idle` (no token asked yet), `connected`, `auth_failed` (racetime.gg refused the
    /// credentials: a new secret is needed), `error` (the site could not be reached).
    pub status: String,
    pub last_error: Option<String>,
    #[serde(with = "sdk::time::rfc3339::option", default)]
    #[schemars(schema_with = "sdk::openapi::optional_date_time")]
    pub token_expires_at: Option<i64>,
    #[serde(with = "sdk::time::rfc3339")]
    #[schemars(schema_with = "sdk::openapi::date_time")]
    pub created_at: i64,
    /// The organizations that may use it.
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    #[serde(default)]
    pub organizations: Vec<i64>,
}

/// What the site admin sends to register or change a bot. On a change an empty secret keeps
/// the stored one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BotInput {
    pub category: String,
    pub name: String,
    pub client_id: String,
    #[serde(default)]
    pub client_secret: String,
    #[serde(default = "yes")]
    pub is_active: bool,
}

fn yes() -> bool {
    true
}

/// A bot as an organization sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct OrgBot {
    pub id: i64,
    pub category: String,
    pub name: String,
    pub status: String,
}

/// How a room is set up on racetime.gg: the fields of its `startrace` form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct RoomSettings {
    /// Only invited players may join (others may ask).
    #[cfg_attr(feature = "ssr", sqlx(try_from = "sdk::db::Flag"))]
    pub invitational: bool,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "sdk::db::Flag"))]
    pub unlisted: bool,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "sdk::db::Flag"))]
    pub ranked: bool,
    /// The room's info line; `{tournament}`, `{match}`, `{players}`, `{title}` are filled in.
    pub info_template: String,
    /// Countdown once everyone is ready, 10–60 seconds.
    pub start_delay_seconds: i64,
    /// How long a started race may run, 1–72 hours.
    pub time_limit_hours: i64,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "sdk::db::Flag"))]
    pub streaming_required: bool,
    /// Start when every joined entrant is ready.
    #[cfg_attr(feature = "ssr", sqlx(try_from = "sdk::db::Flag"))]
    pub auto_start: bool,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "sdk::db::Flag"))]
    pub allow_comments: bool,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "sdk::db::Flag"))]
    pub hide_comments: bool,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "sdk::db::Flag"))]
    pub allow_prerace_chat: bool,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "sdk::db::Flag"))]
    pub allow_midrace_chat: bool,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "sdk::db::Flag"))]
    pub allow_non_entrant_chat: bool,
    /// Non-monitors' messages are held this long, 0–90 seconds.
    pub chat_message_delay_seconds: i64,
}

impl Default for RoomSettings {
    /// Tournament rooms: invitational, no stream needed, racetime.gg's defaults otherwise.
    fn default() -> Self {
        Self {
            invitational: true,
            unlisted: false,
            ranked: true,
            info_template: String::new(),
            start_delay_seconds: 15,
            time_limit_hours: 24,
            streaming_required: false,
            auto_start: true,
            allow_comments: true,
            hide_comments: false,
            allow_prerace_chat: true,
            allow_midrace_chat: true,
            allow_non_entrant_chat: true,
            chat_message_delay_seconds: 0,
        }
    }
}

/// A named room profile of an organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct RoomProfile {
    pub id: i64,
    pub name: String,
    #[cfg_attr(feature = "ssr", sqlx(flatten))]
    #[serde(flatten)]
    pub settings: RoomSettings,
}

/// Which preset a match's seed is rolled from when its room opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PresetRule {
    /// No seed.
    None,
    /// The tournament's own randomizer and preset (its settings), if it names them.
    Tournament,
    /// Always this preset (`namespace/name` or a global preset's name).
    Fixed { randomizer: String, preset: String },
    /// The first round whose prefix starts the match's title, else `fallback`.
    PerRound {
        randomizer: String,
        rounds: Vec<RoundPreset>,
        #[serde(default)]
        fallback: Option<String>,
    },
    /// One of these, drawn by weight when the room opens (the draw is kept on the room).
    Weighted {
        randomizer: String,
        choices: Vec<WeightedPreset>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RoundPreset {
    /// Matched against the start of the match's title, ignoring case ("Round 1", "Top 8").
    pub title_prefix: String,
    pub preset: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WeightedPreset {
    pub preset: String,
    pub weight: u32,
}

/// A tournament's room settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TournamentRooms {
    pub tournament_id: i64,
    /// The category bot (one the organization was granted); none: no rooms.
    pub bot_id: Option<i64>,
    /// The room profile; none: the defaults ([`RoomSettings::default`]).
    pub profile_id: Option<i64>,
    /// The racetime.gg goal; empty: "Beat the game".
    pub goal: String,
    /// Open rooms by themselves before each match.
    pub auto_open: bool,
    /// How many minutes before the match the room opens (1–240).
    pub open_minutes_before: i64,
    pub preset_rule: PresetRule,
}

/// One entrant of a room as last seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Entrant {
    /// The racetime.gg user id.
    pub racetime_id: String,
    pub name: String,
    /// `requested`, `invited`, `not_ready`, `ready`, `in_progress`, `done`, `dnf`, `dq`.
    pub status: String,
    pub place: Option<i64>,
    /// `1:32:07.4` for a finisher.
    pub finish_time: Option<String>,
    /// The SahaBot user with this racetime.gg account, if any.
    pub user_id: Option<i64>,
}

/// A room a bot opened, as the pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Room {
    pub id: i64,
    pub org_id: i64,
    pub category: String,
    /// Unknown while the room is being opened.
    pub slug: Option<String>,
    /// The room on racetime.gg.
    pub url: Option<String>,
    pub match_id: Option<i64>,
    pub title: String,
    pub goal: String,
    pub info: String,
    pub preset: Option<String>,
    pub seed_roll_id: Option<i64>,
    pub seed_url: Option<String>,
    /// `opening`, `open`, `invitational`, `pending`, `in_progress`, `finished`, `cancelled`.
    pub race_status: String,
    pub entrants: Vec<Entrant>,
    pub last_error: Option<String>,
    #[serde(with = "sdk::time::rfc3339::option", default)]
    #[schemars(schema_with = "sdk::openapi::optional_date_time")]
    pub opened_at: Option<i64>,
    #[serde(with = "sdk::time::rfc3339::option", default)]
    #[schemars(schema_with = "sdk::openapi::optional_date_time")]
    pub closed_at: Option<i64>,
}

/// A racer verification: who counts as an experienced racer in this organization, and the
/// Discord role they get (rules::verification counts; service::verification checks).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Verification {
    pub id: i64,
    pub name: String,
    /// The racetime.gg category slugs whose races count (`alttpr`).
    pub categories: Vec<String>,
    /// How many counted races qualify (1–1000).
    pub min_races: i64,
    /// Races the member forfeited (`dnf`) count too.
    pub count_forfeits: bool,
    /// Races the member was disqualified from (`dq`) count too.
    pub count_dq: bool,
    /// Only races that ended within this many days count; none: all of them.
    pub window_days: Option<i64>,
    /// The Discord role granted in the organization's linked Discord servers.
    pub discord_role_id: String,
    /// Checked every hour (and by "check now"); an inactive one keeps its results.
    pub is_active: bool,
    #[serde(with = "sdk::time::rfc3339")]
    #[schemars(schema_with = "sdk::openapi::date_time")]
    pub updated_at: i64,
}

/// What an admin sends to create or change a verification.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct VerificationInput {
    pub name: String,
    /// 1–20 racetime.gg category slugs.
    pub categories: Vec<String>,
    pub min_races: i64,
    #[serde(default)]
    pub count_forfeits: bool,
    #[serde(default)]
    pub count_dq: bool,
    /// 1–3650 days; none: every race counts however old.
    #[serde(default)]
    pub window_days: Option<i64>,
    /// The Discord role's id (its snowflake: digits).
    pub discord_role_id: String,
    #[serde(default = "yes")]
    pub is_active: bool,
}

/// The last check of one member for one verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct VerificationResult {
    pub verification_id: i64,
    pub user_id: i64,
    /// The member's display name (else user name).
    pub user_name: String,
    /// The racetime.gg account that was counted.
    pub racetime_id: String,
    /// Races counted (reading stops once the minimum is reached, so at most a page past it).
    pub race_count: i64,
    pub qualified: bool,
    /// The role was given in the organization's linked Discord servers.
    pub role_granted: bool,
    /// Why the count is 0 (no visible races) or why the check or the grant failed.
    pub last_error: Option<String>,
    #[serde(with = "sdk::time::rfc3339")]
    #[schemars(schema_with = "sdk::openapi::date_time")]
    pub checked_at: i64,
}

/// What one "check now" did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct VerificationRun {
    /// Members checked in this run.
    pub checked: i64,
    /// Of those, how many qualify.
    pub qualified: i64,
    /// Roles given in this run.
    pub granted: i64,
    /// Checks that failed (racetime.gg or Discord unavailable); their rows say why.
    pub failed: i64,
    /// Members left for the next run (the hourly check takes them, oldest checked first).
    pub remaining: i64,
}
