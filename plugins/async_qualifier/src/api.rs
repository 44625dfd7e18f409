//! Server functions: the JSON API under `/api/p/async_qualifier/`. Every call takes `org_id`
//! first and is guard (`require_plugin` with the action, `Guarded`) → service → DTO; what the
//! caller may do and see (`hide_results`) is the service's decision, as for Discord. Instants
//! are RFC 3339 UTC; scores are unrounded floats.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::model::{
    AuditEntry, DashboardView, LeaderboardView, Pool, Qualifier, Race, ReadyAnswer, Rights,
    StartedRun,
};
#[cfg(feature = "ssr")]
pub use ssr::*;

/// The actions, where they were first published (`crate::actions`).
pub use crate::actions;

#[cfg(feature = "ssr")]
mod ssr {
    use sdk::{
        auth::guard::require_plugin,
        context::Rights,
        context::{platform, Platform},
        time::now_ms,
        Actor, Error,
    };

    use crate::{service::Qualifiers, PLUGIN_ID};

    /// A request past the guard: the organization, who calls, and the service over the
    /// request's platform. Everything else — rights, what the caller sees — is the service's.
    pub struct Guarded {
        pub org_id: i64,
        pub actor: Actor,
        pub platform: Platform,
        pub service: Qualifiers,
    }

    impl Guarded {
        /// `require_plugin` with `action`: signed in, the org real, the plugin on, the action
        /// held.
        pub async fn new(org_id: i64, action: &str) -> Result<Self, Error> {
            // The request's context is only there until the first await: read it first.
            let platform = platform()?;
            let scope = require_plugin(org_id, PLUGIN_ID, action).await?;
            let service = Qualifiers::from_platform(&platform);
            Ok(Self {
                org_id: scope.org_id,
                actor: Actor::from(&scope),
                platform,
                service,
            })
        }

        pub fn authorizer(&self) -> &dyn Rights {
            self.platform.authorizer.as_ref()
        }
    }

    pub fn now() -> i64 {
        now_ms()
    }
}

const P: &str = "/api/p/async_qualifier";

/// What the caller may do here.
#[server(prefix = "/api/p/async_qualifier", endpoint = "my_rights", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn my_rights(org_id: i64) -> Result<Rights, sdk::Error> {
    let g = Guarded::new(org_id, actions::RUN).await?;
    g.service.rights(g.authorizer(), g.org_id, &g.actor).await
}
sdk::api_doc!(
    MyRights,
    "`async_race:run` in the organization, with async_qualifier enabled"
);

/// The organization's qualifiers, newest first, a page at a time.
#[server(prefix = "/api/p/async_qualifier", endpoint = "list_qualifiers", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn list_qualifiers(
    org_id: i64,
    #[server(default)] page: sdk::page::PageRequest,
) -> Result<sdk::page::Page<Qualifier>, sdk::Error> {
    let g = Guarded::new(org_id, actions::RUN).await?;
    g.service
        .qualifiers_view(g.authorizer(), g.org_id, &g.actor, &page)
        .await
}
sdk::api_doc!(
    ListQualifiers,
    "`async_race:run` in the organization, with async_qualifier enabled"
);

#[server(prefix = "/api/p/async_qualifier", endpoint = "get_qualifier", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn get_qualifier(org_id: i64, qualifier_id: i64) -> Result<Qualifier, sdk::Error> {
    let g = Guarded::new(org_id, actions::RUN).await?;
    g.service
        .qualifier_view(g.authorizer(), g.org_id, &g.actor, qualifier_id)
        .await
}
sdk::api_doc!(
    GetQualifier,
    "`async_race:run` in the organization, with async_qualifier enabled"
);

#[server(prefix = "/api/p/async_qualifier", endpoint = "create_qualifier", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
#[allow(clippy::too_many_arguments)]
pub async fn create_qualifier(
    org_id: i64,
    name: String,
    #[server(default)] description: String,
    runs_per_pool: i64,
    max_reattempts: i64,
    #[server(default)] hide_results: bool,
    is_active: bool,
    #[server(default)] discord_channel_id: Option<String>,
    #[server(default)] require_racetime: bool,
) -> Result<Qualifier, sdk::Error> {
    let g = Guarded::new(org_id, actions::CREATE).await?;
    let input = crate::service::QualifierInput {
        name,
        description,
        is_active,
        hide_results,
        discord_channel_id: discord_channel_id.unwrap_or_default(),
        runs_per_pool,
        max_reattempts,
        require_racetime,
    };
    let q = g
        .service
        .create_qualifier(g.org_id, &g.actor, &input, now())
        .await?;
    g.service
        .qualifier_view(g.authorizer(), g.org_id, &g.actor, q.id)
        .await
}
sdk::api_doc!(
    CreateQualifier,
    "`async_tournament:create` in the organization, with async_qualifier enabled"
);

#[server(prefix = "/api/p/async_qualifier", endpoint = "update_qualifier", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
#[allow(clippy::too_many_arguments)]
pub async fn update_qualifier(
    org_id: i64,
    qualifier_id: i64,
    name: String,
    #[server(default)] description: String,
    runs_per_pool: i64,
    max_reattempts: i64,
    #[server(default)] hide_results: bool,
    is_active: bool,
    #[server(default)] discord_channel_id: Option<String>,
    #[server(default)] require_racetime: bool,
) -> Result<Qualifier, sdk::Error> {
    let g = Guarded::new(org_id, actions::UPDATE).await?;
    let input = crate::service::QualifierInput {
        name,
        description,
        is_active,
        hide_results,
        discord_channel_id: discord_channel_id.unwrap_or_default(),
        runs_per_pool,
        max_reattempts,
        require_racetime,
    };
    let q = g
        .service
        .update_qualifier(g.org_id, &g.actor, qualifier_id, &input, now())
        .await?;
    g.service
        .qualifier_view(g.authorizer(), g.org_id, &g.actor, q.id)
        .await
}
sdk::api_doc!(
    UpdateQualifier,
    "`async_tournament:update` in the organization, with async_qualifier enabled"
);

#[server(prefix = "/api/p/async_qualifier", endpoint = "create_pool", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn create_pool(
    org_id: i64,
    qualifier_id: i64,
    name: String,
    #[server(default)] description: String,
) -> Result<Pool, sdk::Error> {
    let g = Guarded::new(org_id, actions::UPDATE).await?;
    let pool = g
        .service
        .create_pool(g.org_id, &g.actor, qualifier_id, &name, &description, now())
        .await?;
    g.service
        .pool_view(g.authorizer(), g.org_id, &g.actor, pool.id)
        .await
}
sdk::api_doc!(
    CreatePool,
    "`async_tournament:update` in the organization, with async_qualifier enabled"
);

#[server(prefix = "/api/p/async_qualifier", endpoint = "update_pool", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn update_pool(
    org_id: i64,
    pool_id: i64,
    name: String,
    #[server(default)] description: String,
) -> Result<Pool, sdk::Error> {
    let g = Guarded::new(org_id, actions::UPDATE).await?;
    let pool = g
        .service
        .update_pool(g.org_id, &g.actor, pool_id, &name, &description)
        .await?;
    g.service
        .pool_view(g.authorizer(), g.org_id, &g.actor, pool.id)
        .await
}
sdk::api_doc!(
    UpdatePool,
    "`async_tournament:update` in the organization, with async_qualifier enabled"
);

#[server(prefix = "/api/p/async_qualifier", endpoint = "create_permalink", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn create_permalink(
    org_id: i64,
    pool_id: i64,
    url: String,
    #[server(default)] notes: String,
) -> Result<crate::model::Permalink, sdk::Error> {
    let g = Guarded::new(org_id, actions::UPDATE).await?;
    let link = g
        .service
        .create_permalink(g.org_id, &g.actor, pool_id, &url, &notes, now())
        .await?;
    g.service
        .permalink_view(g.authorizer(), g.org_id, &g.actor, link.id)
        .await
}
sdk::api_doc!(
    CreatePermalink,
    "`async_tournament:update` in the organization, with async_qualifier enabled"
);

#[server(prefix = "/api/p/async_qualifier", endpoint = "update_permalink", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn update_permalink(
    org_id: i64,
    permalink_id: i64,
    url: String,
    #[server(default)] notes: String,
) -> Result<crate::model::Permalink, sdk::Error> {
    let g = Guarded::new(org_id, actions::UPDATE).await?;
    let link = g
        .service
        .update_permalink(g.org_id, &g.actor, permalink_id, &url, &notes)
        .await?;
    g.service
        .permalink_view(g.authorizer(), g.org_id, &g.actor, link.id)
        .await
}
sdk::api_doc!(
    UpdatePermalink,
    "`async_tournament:update` in the organization, with async_qualifier enabled"
);

/// Pools with their permalinks (par, play counts; seeds only for managers) and the caller's
/// remaining runs in each; newest first, a page at a time.
#[server(prefix = "/api/p/async_qualifier", endpoint = "list_pools", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn list_pools(
    org_id: i64,
    qualifier_id: i64,
    #[server(default)] page: sdk::page::PageRequest,
) -> Result<sdk::page::Page<Pool>, sdk::Error> {
    let g = Guarded::new(org_id, actions::RUN).await?;
    g.service
        .pools_view(g.authorizer(), g.org_id, &g.actor, qualifier_id, &page)
        .await
}
sdk::api_doc!(
    ListPools,
    "`async_race:run` in the organization, with async_qualifier enabled"
);

/// The caller's view of a qualifier: settings, pools with remaining runs, their runs, and
/// whether they may start one now.
#[server(prefix = "/api/p/async_qualifier", endpoint = "dashboard", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn dashboard(org_id: i64, qualifier_id: i64) -> Result<DashboardView, sdk::Error> {
    let g = Guarded::new(org_id, actions::RUN).await?;
    g.service
        .dashboard(g.authorizer(), g.org_id, &g.actor, qualifier_id, now())
        .await
}
sdk::api_doc!(
    Dashboard,
    "`async_race:run` in the organization, with async_qualifier enabled"
);

#[server(prefix = "/api/p/async_qualifier", endpoint = "start_run", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn start_run(
    org_id: i64,
    qualifier_id: i64,
    pool_id: i64,
) -> Result<StartedRun, sdk::Error> {
    let g = Guarded::new(org_id, actions::RUN).await?;
    let race = g
        .service
        .start_run(g.org_id, &g.actor, qualifier_id, pool_id, now())
        .await?;
    Ok(StartedRun {
        race_id: race.id,
        permalink_url: race.url,
        status: race.status,
    })
}
sdk::api_doc!(
    StartRun,
    "`async_race:run` in the organization, with async_qualifier enabled"
);

#[server(prefix = "/api/p/async_qualifier", endpoint = "get_race", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn get_race(org_id: i64, race_id: i64) -> Result<Race, sdk::Error> {
    let g = Guarded::new(org_id, actions::RUN).await?;
    g.service
        .race_view(g.authorizer(), g.org_id, &g.actor, race_id, now())
        .await
}
sdk::api_doc!(
    GetRace,
    "`async_race:run` in the organization, with async_qualifier enabled"
);

#[server(prefix = "/api/p/async_qualifier", endpoint = "ready_run", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn ready_run(org_id: i64, race_id: i64) -> Result<ReadyAnswer, sdk::Error> {
    let g = Guarded::new(org_id, actions::RUN).await?;
    let race = g
        .service
        .ready_run(g.org_id, &g.actor, race_id, now())
        .await?;
    let server_now = now();
    Ok(ReadyAnswer {
        // Set by Ready; the server's clock is the fallback a browser can count from.
        start_time: race.start_time.unwrap_or(server_now),
        server_now,
    })
}
sdk::api_doc!(
    ReadyRun,
    "`async_race:run` in the organization, with async_qualifier enabled"
);

#[server(prefix = "/api/p/async_qualifier", endpoint = "finish_run", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn finish_run(org_id: i64, race_id: i64) -> Result<Race, sdk::Error> {
    let g = Guarded::new(org_id, actions::RUN).await?;
    let race = g
        .service
        .finish_run(g.org_id, &g.actor, race_id, now())
        .await?;
    g.service
        .race_view(g.authorizer(), g.org_id, &g.actor, race.id, now())
        .await
}
sdk::api_doc!(
    FinishRun,
    "`async_race:run` in the organization, with async_qualifier enabled"
);

#[server(prefix = "/api/p/async_qualifier", endpoint = "forfeit_run", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn forfeit_run(org_id: i64, race_id: i64) -> Result<Race, sdk::Error> {
    let g = Guarded::new(org_id, actions::RUN).await?;
    let race = g
        .service
        .forfeit_run(g.org_id, &g.actor, race_id, now())
        .await?;
    g.service
        .race_view(g.authorizer(), g.org_id, &g.actor, race.id, now())
        .await
}
sdk::api_doc!(
    ForfeitRun,
    "`async_race:run` in the organization, with async_qualifier enabled"
);

#[server(prefix = "/api/p/async_qualifier", endpoint = "submit_vod", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn submit_vod(
    org_id: i64,
    race_id: i64,
    #[server(default)] vod_url: String,
    #[server(default)] notes: String,
) -> Result<Race, sdk::Error> {
    let g = Guarded::new(org_id, actions::RUN).await?;
    let race = g
        .service
        .submit_vod(g.org_id, &g.actor, race_id, &vod_url, &notes, now())
        .await?;
    g.service
        .race_view(g.authorizer(), g.org_id, &g.actor, race.id, now())
        .await
}
sdk::api_doc!(
    SubmitVod,
    "`async_race:run` in the organization, with async_qualifier enabled"
);

#[server(prefix = "/api/p/async_qualifier", endpoint = "request_review", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn request_review(org_id: i64, race_id: i64, reason: String) -> Result<Race, sdk::Error> {
    let g = Guarded::new(org_id, actions::RUN).await?;
    let race = g
        .service
        .request_review(g.org_id, &g.actor, race_id, &reason, now())
        .await?;
    g.service
        .race_view(g.authorizer(), g.org_id, &g.actor, race.id, now())
        .await
}
sdk::api_doc!(
    RequestReview,
    "`async_race:run` in the organization, with async_qualifier enabled"
);

/// Accept (`async_race:approve`) or reject (`async_race:reject`) a finished run, with notes and
/// an optional corrected elapsed time in seconds.
#[server(prefix = "/api/p/async_qualifier", endpoint = "review_race", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn review_race(
    org_id: i64,
    race_id: i64,
    status: crate::model::ReviewStatus,
    #[server(default)] notes: String,
    #[server(default)] elapsed_override_seconds: Option<f64>,
) -> Result<Race, sdk::Error> {
    let g = Guarded::new(org_id, actions::REVIEW).await?;
    let decision = crate::service::Review {
        status,
        notes,
        elapsed_override_seconds,
    };
    let race = g
        .service
        .review_race(
            g.authorizer(),
            g.org_id,
            &g.actor,
            race_id,
            &decision,
            now(),
        )
        .await?;
    g.service
        .race_view(g.authorizer(), g.org_id, &g.actor, race.id, now())
        .await
}
sdk::api_doc!(
    ReviewRace,
    "`async_race:review` in the organization, with async_qualifier enabled"
);

/// Finished, non-reattempted runs waiting for review, newest first, a page at a time
/// (`sdk::page`).
#[server(prefix = "/api/p/async_qualifier", endpoint = "review_queue", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn review_queue(
    org_id: i64,
    qualifier_id: i64,
    #[server(default)] page: sdk::page::PageRequest,
) -> Result<sdk::page::Page<Race>, sdk::Error> {
    let g = Guarded::new(org_id, actions::REVIEW).await?;
    g.service
        .review_queue(
            g.authorizer(),
            g.org_id,
            &g.actor,
            qualifier_id,
            page,
            now(),
        )
        .await
}
sdk::api_doc!(
    ReviewQueue,
    "`async_race:review` in the organization, with async_qualifier enabled"
);

#[server(prefix = "/api/p/async_qualifier", endpoint = "reattempt_race", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn reattempt_race(org_id: i64, race_id: i64) -> Result<Race, sdk::Error> {
    let g = Guarded::new(org_id, actions::RUN).await?;
    let race = g
        .service
        .reattempt_race(g.org_id, &g.actor, race_id, now())
        .await?;
    g.service
        .race_view(g.authorizer(), g.org_id, &g.actor, race.id, now())
        .await
}
sdk::api_doc!(
    ReattemptRace,
    "`async_race:run` in the organization, with async_qualifier enabled"
);

/// Recomputes par times and scores of the whole qualifier; answers how many permalinks had a par.
#[server(prefix = "/api/p/async_qualifier", endpoint = "recalculate", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn recalculate(org_id: i64, qualifier_id: i64) -> Result<usize, sdk::Error> {
    let g = Guarded::new(org_id, actions::RECALCULATE).await?;
    g.service
        .recalculate(g.org_id, &g.actor, qualifier_id, now(), "manual")
        .await
}
sdk::api_doc!(
    Recalculate,
    "`async_tournament:recalculate` in the organization, with async_qualifier enabled"
);

/// The standings, `limit` ranks (100 unless asked, at most 500) from rank `from_rank` (1 unless
/// asked), and how many are ranked in all; empty with `hidden` while results are hidden from
/// the caller.
#[server(prefix = "/api/p/async_qualifier", endpoint = "leaderboard", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn leaderboard(
    org_id: i64,
    qualifier_id: i64,
    #[server(default)] from_rank: Option<u32>,
    #[server(default)] limit: Option<u32>,
) -> Result<LeaderboardView, sdk::Error> {
    let g = Guarded::new(org_id, actions::RUN).await?;
    let ranks = crate::service::RankRange::new(from_rank, limit);
    g.service
        .leaderboard_view(g.authorizer(), g.org_id, &g.actor, qualifier_id, ranks)
        .await
}
sdk::api_doc!(
    Leaderboard,
    "`async_race:run` in the organization, with async_qualifier enabled"
);

/// Runs of the qualifier, optionally of one player or one permalink (newest first), a page at a
/// time (`sdk::page`).
#[server(prefix = "/api/p/async_qualifier", endpoint = "list_races", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn list_races(
    org_id: i64,
    qualifier_id: i64,
    #[server(default)] user_id: Option<i64>,
    #[server(default)] permalink_id: Option<i64>,
    #[server(default)] page: sdk::page::PageRequest,
) -> Result<sdk::page::Page<Race>, sdk::Error> {
    let g = Guarded::new(org_id, actions::RUN).await?;
    let filter = crate::repo::RaceFilter {
        user_id,
        permalink_id,
        review_queue: false,
        page: Some(page),
    };
    let races = g
        .service
        .races_view(
            g.authorizer(),
            g.org_id,
            &g.actor,
            qualifier_id,
            filter,
            now(),
        )
        .await?;
    Ok(sdk::page::Page::from_rows(races, &page, |r| r.id))
}
sdk::api_doc!(
    ListRaces,
    "`async_race:run` in the organization, with async_qualifier enabled"
);

/// What was done in the qualifier (newest first), a page at a time (`sdk::page`).
#[server(prefix = "/api/p/async_qualifier", endpoint = "audit_log", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn audit_log(
    org_id: i64,
    qualifier_id: i64,
    #[server(default)] page: sdk::page::PageRequest,
) -> Result<sdk::page::Page<AuditEntry>, sdk::Error> {
    let g = Guarded::new(org_id, actions::AUDIT).await?;
    g.service.audit_entries(g.org_id, qualifier_id, page).await
}
sdk::api_doc!(
    AuditLog,
    "`async_tournament:audit` in the organization, with async_qualifier enabled"
);

/// The API prefix, for documentation and tests.
pub const PREFIX: &str = P;

/// Posts the qualifier's embed with its "Start New Async Run" button in the qualifier's Discord
/// channel (again, when it was posted before); answers the message id.
#[server(prefix = "/api/p/async_qualifier", endpoint = "post_discord_embed", input = Json, output = Json,
         input_derive = (Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema))]
pub async fn post_discord_embed(org_id: i64, qualifier_id: i64) -> Result<String, sdk::Error> {
    let g = Guarded::new(org_id, actions::UPDATE).await?;
    g.service.post_embed(g.org_id, qualifier_id).await
}
sdk::api_doc!(
    PostDiscordEmbed,
    "`async_tournament:update` in the organization, with async_qualifier enabled"
);
