//! Server functions: the JSON API under `/api/p/async_qualifier/`. Every call takes `org_id`
//! first and is guard (`require_plugin` with the action) → service → what the caller may see
//! (`crate::views`, which applies `hide_results`). Instants are RFC 3339 UTC; scores are
//! unrounded floats.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::model::{
    AuditEntry, DashboardView, LeaderboardView, Pool, Qualifier, Race, ReadyAnswer, Rights,
    StartedRun,
};
#[cfg(feature = "ssr")]
pub use ssr::*;

/// The actions of this plugin.
pub mod actions {
    pub const CREATE: &str = "async_tournament:create";
    pub const UPDATE: &str = "async_tournament:update";
    pub const RECALCULATE: &str = "async_tournament:recalculate";
    pub const AUDIT: &str = "async_tournament:audit";
    pub const RUN: &str = "async_race:run";
    pub const REVIEW: &str = "async_race:review";
    pub const APPROVE: &str = "async_race:approve";
    pub const REJECT: &str = "async_race:reject";
}

#[cfg(feature = "ssr")]
mod ssr {
    use sdk::{
        auth::guard::{require_plugin, OrgScope},
        context::{platform, Platform},
        time::now_ms,
        Error,
    };

    use crate::{
        model::{Qualifier, Race},
        repo::{QualifierRow, RaceRow},
        rules::visibility::Viewer,
        service::{Actor, Qualifiers},
        views, PLUGIN_ID,
    };

    /// The caller, the service, and what they may see (`crate::views` decides what of it).
    pub struct Call {
        pub scope: OrgScope,
        pub platform: Platform,
        pub service: Qualifiers,
    }

    impl Call {
        pub async fn new(org_id: i64, action: &str) -> Result<Self, Error> {
            // The request's context is only there until the first await: read it first.
            let platform = platform()?;
            let scope = require_plugin(org_id, PLUGIN_ID, action).await?;
            let service = Qualifiers::from_platform(&platform);
            Ok(Self {
                scope,
                platform,
                service,
            })
        }

        pub fn org(&self) -> i64 {
            self.scope.org_id
        }

        pub fn actor(&self) -> Actor {
            Actor {
                user_id: Some(self.scope.user.id),
                ip: self.scope.ip.clone(),
            }
        }

        pub async fn may(&self, action: &str) -> Result<bool, Error> {
            self.platform
                .authorizer
                .allowed(&self.scope.user, self.scope.org_id, action)
                .await
        }

        pub async fn viewer(&self) -> Result<Viewer, Error> {
            views::viewer(
                self.platform.authorizer.as_ref(),
                &self.scope.user,
                self.org(),
            )
            .await
        }

        pub async fn qualifier_dto(&self, q: QualifierRow) -> Result<Qualifier, Error> {
            Ok(views::qualifier(q, &self.viewer().await?))
        }

        /// A run the caller just changed, as they see it.
        pub async fn race_dto(&self, r: RaceRow) -> Result<Race, Error> {
            self.service
                .race_view(self.org(), r.id, &self.viewer().await?, now())
                .await
        }
    }

    pub fn now() -> i64 {
        now_ms()
    }
}

const P: &str = "/api/p/async_qualifier";

/// What the caller may do here.
#[server(prefix = "/api/p/async_qualifier", endpoint = "my_rights", input = Json, output = Json)]
pub async fn my_rights(org_id: i64) -> Result<Rights, sdk::Error> {
    let call = Call::new(org_id, actions::RUN).await?;
    Ok(Rights {
        create: call.may(actions::CREATE).await?,
        manage: call.may(actions::UPDATE).await?,
        review: call.may(actions::REVIEW).await?,
        recalculate: call.may(actions::RECALCULATE).await?,
        audit: call.may(actions::AUDIT).await?,
    })
}

/// The organization's qualifiers, newest first, a page at a time.
#[server(prefix = "/api/p/async_qualifier", endpoint = "list_qualifiers", input = Json, output = Json)]
pub async fn list_qualifiers(
    org_id: i64,
    #[server(default)] page: sdk::page::PageRequest,
) -> Result<sdk::page::Page<Qualifier>, sdk::Error> {
    let call = Call::new(org_id, actions::RUN).await?;
    let viewer = call.viewer().await?;
    Ok(call
        .service
        .qualifiers(call.org(), &page)
        .await?
        .map(|q| crate::views::qualifier(q, &viewer)))
}

#[server(prefix = "/api/p/async_qualifier", endpoint = "get_qualifier", input = Json, output = Json)]
pub async fn get_qualifier(org_id: i64, qualifier_id: i64) -> Result<Qualifier, sdk::Error> {
    let call = Call::new(org_id, actions::RUN).await?;
    let q = call.service.qualifier(call.org(), qualifier_id).await?;
    call.qualifier_dto(q).await
}

#[server(prefix = "/api/p/async_qualifier", endpoint = "create_qualifier", input = Json, output = Json)]
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
    let call = Call::new(org_id, actions::CREATE).await?;
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
    let q = call
        .service
        .create_qualifier(call.org(), &call.actor(), &input, now())
        .await?;
    call.qualifier_dto(q).await
}

#[server(prefix = "/api/p/async_qualifier", endpoint = "update_qualifier", input = Json, output = Json)]
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
    let call = Call::new(org_id, actions::UPDATE).await?;
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
    let q = call
        .service
        .update_qualifier(call.org(), &call.actor(), qualifier_id, &input, now())
        .await?;
    call.qualifier_dto(q).await
}

#[server(prefix = "/api/p/async_qualifier", endpoint = "create_pool", input = Json, output = Json)]
pub async fn create_pool(
    org_id: i64,
    qualifier_id: i64,
    name: String,
    #[server(default)] description: String,
) -> Result<Pool, sdk::Error> {
    let call = Call::new(org_id, actions::UPDATE).await?;
    let pool = call
        .service
        .create_pool(
            call.org(),
            &call.actor(),
            qualifier_id,
            &name,
            &description,
            now(),
        )
        .await?;
    let viewer = call.viewer().await?;
    let q = call
        .service
        .qualifier(call.org(), pool.qualifier_id)
        .await?;
    Ok(crate::views::pool(
        (pool, Vec::new(), 0),
        crate::views::setting(&q),
        &viewer,
    ))
}

#[server(prefix = "/api/p/async_qualifier", endpoint = "update_pool", input = Json, output = Json)]
pub async fn update_pool(
    org_id: i64,
    pool_id: i64,
    name: String,
    #[server(default)] description: String,
) -> Result<Pool, sdk::Error> {
    let call = Call::new(org_id, actions::UPDATE).await?;
    let pool = call
        .service
        .update_pool(call.org(), &call.actor(), pool_id, &name, &description)
        .await?;
    let viewer = call.viewer().await?;
    let q = call
        .service
        .qualifier(call.org(), pool.qualifier_id)
        .await?;
    Ok(crate::views::pool(
        (pool, Vec::new(), 0),
        crate::views::setting(&q),
        &viewer,
    ))
}

#[server(prefix = "/api/p/async_qualifier", endpoint = "create_permalink", input = Json, output = Json)]
pub async fn create_permalink(
    org_id: i64,
    pool_id: i64,
    url: String,
    #[server(default)] notes: String,
) -> Result<crate::model::Permalink, sdk::Error> {
    let call = Call::new(org_id, actions::UPDATE).await?;
    let link = call
        .service
        .create_permalink(call.org(), &call.actor(), pool_id, &url, &notes, now())
        .await?;
    let viewer = call.viewer().await?;
    let q = call
        .service
        .qualifier(call.org(), link.qualifier_id)
        .await?;
    Ok(crate::views::permalink(
        link,
        crate::views::setting(&q),
        &viewer,
    ))
}

#[server(prefix = "/api/p/async_qualifier", endpoint = "update_permalink", input = Json, output = Json)]
pub async fn update_permalink(
    org_id: i64,
    permalink_id: i64,
    url: String,
    #[server(default)] notes: String,
) -> Result<crate::model::Permalink, sdk::Error> {
    let call = Call::new(org_id, actions::UPDATE).await?;
    let link = call
        .service
        .update_permalink(call.org(), &call.actor(), permalink_id, &url, &notes)
        .await?;
    let viewer = call.viewer().await?;
    let q = call
        .service
        .qualifier(call.org(), link.qualifier_id)
        .await?;
    Ok(crate::views::permalink(
        link,
        crate::views::setting(&q),
        &viewer,
    ))
}

/// Pools with their permalinks (par, play counts; seeds only for managers) and the caller's
/// remaining runs in each; newest first, a page at a time.
#[server(prefix = "/api/p/async_qualifier", endpoint = "list_pools", input = Json, output = Json)]
pub async fn list_pools(
    org_id: i64,
    qualifier_id: i64,
    #[server(default)] page: sdk::page::PageRequest,
) -> Result<sdk::page::Page<Pool>, sdk::Error> {
    let call = Call::new(org_id, actions::RUN).await?;
    call.service
        .pools_view(call.org(), qualifier_id, &call.viewer().await?, &page)
        .await
}

/// The caller's view of a qualifier: settings, pools with remaining runs, their runs, and
/// whether they may start one now.
#[server(prefix = "/api/p/async_qualifier", endpoint = "dashboard", input = Json, output = Json)]
pub async fn dashboard(org_id: i64, qualifier_id: i64) -> Result<DashboardView, sdk::Error> {
    let call = Call::new(org_id, actions::RUN).await?;
    let viewer = call.viewer().await?;
    let me = viewer.user_id;
    let q = call.service.qualifier(call.org(), qualifier_id).await?;
    let (can_start, reattempts_used) = call.service.start_check(call.org(), &q, me).await?;
    // The pools to start a run in: a picker, so the first page of the maximum size (200),
    // oldest first as before.
    let first = sdk::page::PageRequest {
        limit: Some(sdk::page::MAX_LIMIT),
        before_id: None,
    };
    let mut pools = call
        .service
        .pools_view(call.org(), qualifier_id, &viewer, &first)
        .await?
        .items;
    pools.reverse();
    let my_races = call
        .service
        .races_view(
            call.org(),
            qualifier_id,
            crate::repo::RaceFilter {
                user_id: Some(me),
                ..Default::default()
            },
            &viewer,
            now(),
        )
        .await?;
    Ok(DashboardView {
        qualifier: crate::views::qualifier(q, &viewer),
        pools,
        my_races,
        reattempts_used,
        can_start: can_start.map_err(|e| e.message()),
    })
}

#[server(prefix = "/api/p/async_qualifier", endpoint = "start_run", input = Json, output = Json)]
pub async fn start_run(
    org_id: i64,
    qualifier_id: i64,
    pool_id: i64,
) -> Result<StartedRun, sdk::Error> {
    let call = Call::new(org_id, actions::RUN).await?;
    let race = call
        .service
        .start_run(call.org(), &call.actor(), qualifier_id, pool_id, now())
        .await?;
    Ok(StartedRun {
        race_id: race.id,
        permalink_url: race.url,
        status: race.status,
    })
}

#[server(prefix = "/api/p/async_qualifier", endpoint = "get_race", input = Json, output = Json)]
pub async fn get_race(org_id: i64, race_id: i64) -> Result<Race, sdk::Error> {
    let call = Call::new(org_id, actions::RUN).await?;
    call.service
        .race_view(call.org(), race_id, &call.viewer().await?, now())
        .await
}

#[server(prefix = "/api/p/async_qualifier", endpoint = "ready_run", input = Json, output = Json)]
pub async fn ready_run(org_id: i64, race_id: i64) -> Result<ReadyAnswer, sdk::Error> {
    let call = Call::new(org_id, actions::RUN).await?;
    let race = call
        .service
        .ready_run(call.org(), &call.actor(), race_id, now())
        .await?;
    Ok(ReadyAnswer {
        start_time: race
            .start_time
            .map(crate::time::rfc3339)
            .unwrap_or_default(),
        server_now: crate::time::rfc3339(now()),
    })
}

#[server(prefix = "/api/p/async_qualifier", endpoint = "finish_run", input = Json, output = Json)]
pub async fn finish_run(org_id: i64, race_id: i64) -> Result<Race, sdk::Error> {
    let call = Call::new(org_id, actions::RUN).await?;
    let race = call
        .service
        .finish_run(call.org(), &call.actor(), race_id, now())
        .await?;
    call.race_dto(race).await
}

#[server(prefix = "/api/p/async_qualifier", endpoint = "forfeit_run", input = Json, output = Json)]
pub async fn forfeit_run(org_id: i64, race_id: i64) -> Result<Race, sdk::Error> {
    let call = Call::new(org_id, actions::RUN).await?;
    let race = call
        .service
        .forfeit_run(call.org(), &call.actor(), race_id, now())
        .await?;
    call.race_dto(race).await
}

#[server(prefix = "/api/p/async_qualifier", endpoint = "submit_vod", input = Json, output = Json)]
pub async fn submit_vod(
    org_id: i64,
    race_id: i64,
    #[server(default)] vod_url: String,
    #[server(default)] notes: String,
) -> Result<Race, sdk::Error> {
    let call = Call::new(org_id, actions::RUN).await?;
    let race = call
        .service
        .submit_vod(call.org(), &call.actor(), race_id, &vod_url, &notes, now())
        .await?;
    call.race_dto(race).await
}

#[server(prefix = "/api/p/async_qualifier", endpoint = "request_review", input = Json, output = Json)]
pub async fn request_review(org_id: i64, race_id: i64, reason: String) -> Result<Race, sdk::Error> {
    let call = Call::new(org_id, actions::RUN).await?;
    let race = call
        .service
        .request_review(call.org(), &call.actor(), race_id, &reason, now())
        .await?;
    call.race_dto(race).await
}

/// Accept (`async_race:approve`) or reject (`async_race:reject`) a finished run, with notes and
/// an optional corrected elapsed time in seconds.
#[server(prefix = "/api/p/async_qualifier", endpoint = "review_race", input = Json, output = Json)]
pub async fn review_race(
    org_id: i64,
    race_id: i64,
    status: crate::model::ReviewStatus,
    #[server(default)] notes: String,
    #[server(default)] elapsed_override_seconds: Option<f64>,
) -> Result<Race, sdk::Error> {
    let call = Call::new(org_id, actions::REVIEW).await?;
    let needed = match status {
        crate::model::ReviewStatus::Rejected => actions::REJECT,
        _ => actions::APPROVE,
    };
    if !call.may(needed).await? {
        return Err(sdk::Error::forbidden(format!(
            "You do not have permission for `{needed}` in this organization."
        )));
    }
    let race = call
        .service
        .review_race(
            call.org(),
            &call.actor(),
            race_id,
            &crate::service::Review {
                status,
                notes,
                elapsed_override_seconds,
            },
            now(),
        )
        .await?;
    call.race_dto(race).await
}

/// Finished, non-reattempted runs waiting for review, newest first, a page at a time
/// (`sdk::page`).
#[server(prefix = "/api/p/async_qualifier", endpoint = "review_queue", input = Json, output = Json)]
pub async fn review_queue(
    org_id: i64,
    qualifier_id: i64,
    #[server(default)] page: sdk::page::PageRequest,
) -> Result<sdk::page::Page<Race>, sdk::Error> {
    let call = Call::new(org_id, actions::REVIEW).await?;
    let races = call
        .service
        .races_view(
            call.org(),
            qualifier_id,
            crate::repo::RaceFilter {
                review_queue: true,
                page: Some(page),
                ..Default::default()
            },
            &call.viewer().await?,
            now(),
        )
        .await?;
    Ok(sdk::page::Page::from_rows(races, &page, |r| r.id))
}

#[server(prefix = "/api/p/async_qualifier", endpoint = "reattempt_race", input = Json, output = Json)]
pub async fn reattempt_race(org_id: i64, race_id: i64) -> Result<Race, sdk::Error> {
    let call = Call::new(org_id, actions::RUN).await?;
    let race = call
        .service
        .reattempt_race(call.org(), &call.actor(), race_id, now())
        .await?;
    call.race_dto(race).await
}

/// Recomputes par times and scores of the whole qualifier; answers how many permalinks had a par.
#[server(prefix = "/api/p/async_qualifier", endpoint = "recalculate", input = Json, output = Json)]
pub async fn recalculate(org_id: i64, qualifier_id: i64) -> Result<usize, sdk::Error> {
    let call = Call::new(org_id, actions::RECALCULATE).await?;
    call.service
        .recalculate(call.org(), &call.actor(), qualifier_id, now(), "manual")
        .await
}

/// The standings; empty with `hidden` while results are hidden from the caller.
#[server(prefix = "/api/p/async_qualifier", endpoint = "leaderboard", input = Json, output = Json)]
pub async fn leaderboard(org_id: i64, qualifier_id: i64) -> Result<LeaderboardView, sdk::Error> {
    let call = Call::new(org_id, actions::RUN).await?;
    call.service
        .leaderboard_view(call.org(), qualifier_id, &call.viewer().await?)
        .await
}

/// Runs of the qualifier, optionally of one player or one permalink (newest first), a page at a
/// time (`sdk::page`).
#[server(prefix = "/api/p/async_qualifier", endpoint = "list_races", input = Json, output = Json)]
pub async fn list_races(
    org_id: i64,
    qualifier_id: i64,
    #[server(default)] user_id: Option<i64>,
    #[server(default)] permalink_id: Option<i64>,
    #[server(default)] page: sdk::page::PageRequest,
) -> Result<sdk::page::Page<Race>, sdk::Error> {
    let call = Call::new(org_id, actions::RUN).await?;
    let races = call
        .service
        .races_view(
            call.org(),
            qualifier_id,
            crate::repo::RaceFilter {
                user_id,
                permalink_id,
                review_queue: false,
                page: Some(page),
            },
            &call.viewer().await?,
            now(),
        )
        .await?;
    Ok(sdk::page::Page::from_rows(races, &page, |r| r.id))
}

/// What was done in the qualifier (newest first), a page at a time (`sdk::page`).
#[server(prefix = "/api/p/async_qualifier", endpoint = "audit_log", input = Json, output = Json)]
pub async fn audit_log(
    org_id: i64,
    qualifier_id: i64,
    #[server(default)] page: sdk::page::PageRequest,
) -> Result<sdk::page::Page<AuditEntry>, sdk::Error> {
    let call = Call::new(org_id, actions::AUDIT).await?;
    Ok(call
        .service
        .audit_log(call.org(), qualifier_id, page)
        .await?
        .map(|r| AuditEntry {
            id: r.id,
            username: r.username,
            action: r.action,
            details: r.details,
            at: crate::time::rfc3339(r.created_at),
        }))
}

/// The API prefix, for documentation and tests.
pub const PREFIX: &str = P;

/// Posts the qualifier's embed with its "Start New Async Run" button in the qualifier's Discord
/// channel (again, when it was posted before); answers the message id.
#[server(prefix = "/api/p/async_qualifier", endpoint = "post_discord_embed", input = Json, output = Json)]
pub async fn post_discord_embed(org_id: i64, qualifier_id: i64) -> Result<String, sdk::Error> {
    let call = Call::new(org_id, actions::UPDATE).await?;
    crate::discord::post_embed(&call.platform, &call.service, call.org(), qualifier_id).await
}
