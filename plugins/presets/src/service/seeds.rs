//! Rolling seeds from presets, and the organization's seed history.
//!
//! A roll names a randomizer and either a preset (`namespace` + `preset`, read as the caller may
//! see it from the organization) or settings given with the roll. The randomizer must be
//! provided by a plugin that is on for the organization; the caller must hold `seed:roll` there
//! (the platform's own rolls — a race room, a tournament's "Roll seed" whose rights the
//! tournament checked — run as the system). The site is called outside any transaction (it may
//! take a minute); the seed and its audit entry are then written in one, and `SeedRolled` is
//! emitted after the commit. A failed roll writes nothing.
//!
//! What a seed is for: a plugin rolling for something of its own — the tournament for a match —
//! calls [`Presets::roll_seed_for`] with a [`SeedUse`] (kind, id, label, link), checked before
//! the site is called ([`crate::rules::clean_seed_use`]) and kept with the seed, so the history
//! links to the match and [`SeedFilter`] finds the seeds rolled for it.
//!
//! Spoilers: the spoiler link — and, for a mystery roll, the settings it rolled — are shown only
//! to those holding `seed:spoiler` until the organization releases them.

use sdk::{
    page::{Page, PageRequest},
    randomizer::{GenerateRequest, RollOptions, Seed},
    Actor, Error,
};
use serde_json::Value;

use super::Presets;
use crate::{
    actions,
    events::SeedRolled,
    format::PresetKind,
    model::{SeedRoll, SeedUse},
    repo::{self, NewSeedRoll, SeedRollRow, SeedSearch},
    rules, PLUGIN_ID,
};

/// What to roll.
#[derive(Debug, Clone, Default)]
pub struct RollRequest {
    /// e.g. `alttpr`
    pub randomizer: String,
    /// The preset's namespace (None: a global preset).
    pub namespace: Option<String>,
    /// The preset's name; None when `settings` are given instead.
    pub preset: Option<String>,
    /// Settings given with the roll instead of a preset.
    pub settings: Option<Value>,
    /// Ask for a spoiler log.
    pub spoiler: bool,
    /// A race seed (sites with a tournament mode).
    pub tournament: bool,
    /// Where the roll comes from: `web`, `api`, `discord`, `tournament`, `racetime`, …
    pub source: String,
}

/// Narrows the seed history.
#[derive(Debug, Clone, Default)]
pub struct SeedFilter {
    pub randomizer: Option<String>,
    /// Part of the preset's name, the hash, or the roller's name.
    pub q: Option<String>,
    /// Only seeds rolled for this kind of thing (`match`) …
    pub used_for: Option<String>,
    /// … and, when given, for the one with this id.
    pub used_for_id: Option<i64>,
}

impl Presets {
    /// Rolls a seed for organization `org_id` and keeps it in the history.
    pub async fn roll_seed(
        &self,
        org_id: i64,
        actor: &Actor,
        request: RollRequest,
        now: i64,
    ) -> Result<SeedRoll, Error> {
        self.roll_seed_for(org_id, actor, request, None, now).await
    }

    /// Rolls a seed as [`Presets::roll_seed`] does, kept in the history with what it was rolled
    /// for (`used_for`: a match, a race; checked before the site is called, so a bad one rolls and
    /// writes nothing).
    pub async fn roll_seed_for(
        &self,
        org_id: i64,
        actor: &Actor,
        request: RollRequest,
        used_for: Option<SeedUse>,
        now: i64,
    ) -> Result<SeedRoll, Error> {
        self.platform
            .plugins
            .ensure_enabled(org_id, PLUGIN_ID)
            .await?;
        if actor.user.is_some() && !self.org_allows(actor, org_id, actions::SEED_ROLL).await? {
            return Err(Error::forbidden(
                "You may not roll seeds for this organization.",
            ));
        }
        let used_for = used_for.map(rules::clean_seed_use).transpose()?;
        let randomizer_id = request.randomizer.trim().to_lowercase();
        let (plugin_id, randomizer) = self
            .platform
            .plugins
            .randomizers()
            .get(&randomizer_id)
            .ok_or_else(|| {
                Error::invalid(
                    "randomizer",
                    format!("No plugin on this site rolls `{randomizer_id}` seeds."),
                )
            })?;
        self.platform
            .plugins
            .ensure_enabled(org_id, &plugin_id)
            .await?;

        let (kind, settings, preset_id, preset_label) = match (&request.preset, request.settings) {
            (Some(_), Some(_)) => {
                return Err(Error::invalid(
                    "settings",
                    "Give either a preset or settings, not both.",
                ))
            }
            (None, None) => {
                return Err(Error::invalid(
                    "preset",
                    "Choose a preset, or give the settings to roll.",
                ))
            }
            (Some(name), None) => {
                let namespace = request
                    .namespace
                    .as_deref()
                    .map(str::trim)
                    .filter(|n| !n.is_empty());
                let (kind, settings, preset_id) = self
                    .preset_for_roll(org_id, namespace, &randomizer_id, name)
                    .await?;
                let label = match namespace {
                    Some(ns) => format!("{}/{}", ns.to_lowercase(), name.trim()),
                    None => name.trim().to_string(),
                };
                (kind, settings, Some(preset_id), label)
            }
            (None, Some(settings)) => {
                sdk::input::check_document_budget("settings", &settings)?;
                randomizer.check_settings(&settings, false)?;
                (PresetKind::Standard, settings, None, String::new())
            }
        };

        let config = self
            .platform
            .plugins
            .effective_config(org_id, &plugin_id)
            .await?;
        let source = match request.source.trim() {
            "" => "api".to_string(),
            s => s.to_string(),
        };
        let mystery = kind == PresetKind::Mystery;
        let generate = GenerateRequest {
            org_id,
            settings,
            mystery,
            options: RollOptions {
                spoiler: request.spoiler,
                tournament: request.tournament,
            },
            config,
            rng_seed: rand::random(),
        };
        // The site may take longer than the caller waits (a page request's time limit drops
        // its handler): the roll and its storing run on their own, so a seed the site made is
        // always kept in the history, even when the caller gave up on it.
        let this = self.clone();
        let roller = actor.clone();
        let id = tokio::spawn(async move {
            let seed = randomizer.generate(generate).await?;
            let id = this
                .store_seed(
                    org_id,
                    &roller,
                    &randomizer_id,
                    preset_id,
                    &preset_label,
                    &source,
                    mystery,
                    &seed,
                    used_for.as_ref(),
                    now,
                )
                .await?;
            this.platform.events.emit(
                Some(org_id),
                roller.user_id(),
                SeedRolled {
                    seed_id: id,
                    randomizer: randomizer_id,
                    preset: preset_label,
                    url: seed.url,
                },
            );
            Ok::<i64, Error>(id)
        })
        .await
        .map_err(Error::internal)??;
        self.seed(org_id, actor, id).await
    }

    /// The preset `(namespace, randomizer, name)` as the organization may roll it: its own
    /// namespaces' presets, private ones included — they are there for its members to roll
    /// (browsing their YAML still needs `preset:read`) — and public presets in public
    /// namespaces. Its kind, settings and id.
    async fn preset_for_roll(
        &self,
        org_id: i64,
        namespace: Option<&str>,
        randomizer: &str,
        name: &str,
    ) -> Result<(PresetKind, Value, i64), Error> {
        super::PresetService::new(self.db().clone())
            .settings_with_id(Some(org_id), namespace, randomizer, name)
            .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn store_seed(
        &self,
        org_id: i64,
        actor: &Actor,
        randomizer: &str,
        preset_id: Option<i64>,
        preset_label: &str,
        source: &str,
        mystery: bool,
        seed: &Seed,
        used_for: Option<&SeedUse>,
        now: i64,
    ) -> Result<i64, Error> {
        let code = seed
            .file_select_code
            .as_ref()
            .map(|c| serde_json::to_string(c).map_err(Error::internal))
            .transpose()?;
        let settings = seed.settings.to_string();
        let metadata = seed.metadata.to_string();
        let spoiler_log = seed.spoiler_log.as_ref().map(|log| log.to_string());
        let mut tx = self.db().begin().await?;
        let id = repo::insert_seed_roll(
            &mut tx,
            &NewSeedRoll {
                org_id,
                randomizer,
                preset_id,
                preset_label,
                rolled_by: actor.user_id(),
                source,
                mystery,
                url: &seed.url,
                hash: seed.hash.as_deref(),
                permalink: seed.permalink.as_deref(),
                spoiler_url: seed.spoiler_url.as_deref(),
                spoiler_log: spoiler_log.as_deref(),
                file_select_code: code.as_deref(),
                settings: &settings,
                metadata: &metadata,
                used_for,
            },
            now,
        )
        .await?;
        actor
            .audit(
                &mut tx,
                Some(org_id),
                "seed.roll",
                serde_json::json!({
                    "seed_id": id, "randomizer": randomizer, "preset": preset_label,
                    "source": source, "url": seed.url, "used_for": used_for,
                }),
            )
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Organization `org_id`'s seed `seed_id`, as the caller may see it.
    pub async fn seed(&self, org_id: i64, actor: &Actor, seed_id: i64) -> Result<SeedRoll, Error> {
        let may_see_spoilers = self.seed_reader(org_id, actor).await?;
        let row = repo::seed_roll(self.db(), org_id, seed_id)
            .await?
            .ok_or_else(|| Error::not_found("There is no such seed in this organization."))?;
        Ok(to_seed_roll(row, may_see_spoilers))
    }

    /// Organization `org_id`'s seeds, newest first.
    pub async fn list_seeds(
        &self,
        org_id: i64,
        actor: &Actor,
        filter: SeedFilter,
        page: PageRequest,
    ) -> Result<Page<SeedRoll>, Error> {
        let may_see_spoilers = self.seed_reader(org_id, actor).await?;
        let randomizer = filter
            .randomizer
            .map(|r| r.trim().to_lowercase())
            .unwrap_or_default();
        let q = sdk::input::clean_text("q", filter.q.as_deref().unwrap_or(""), 100)?;
        let used_for = filter
            .used_for
            .map(|kind| kind.trim().to_lowercase())
            .unwrap_or_default();
        let rows = repo::search_seed_rolls(
            self.db(),
            org_id,
            &SeedSearch {
                randomizer: &randomizer,
                q: &q,
                used_for: &used_for,
                used_for_id: filter.used_for_id,
            },
            page.before(),
            page.fetch_limit(),
        )
        .await?;
        Ok(Page::from_rows(rows, &page, |r| r.id).map(|r| to_seed_roll(r, may_see_spoilers)))
    }

    /// The spoiler log kept with seed `seed_id`, for those who may see it.
    pub async fn spoiler_log(
        &self,
        org_id: i64,
        actor: &Actor,
        seed_id: i64,
    ) -> Result<Value, Error> {
        let seed = self.seed(org_id, actor, seed_id).await?;
        if !(seed.can_release || seed.spoiler_released) {
            return Err(Error::forbidden(
                "The spoiler of this seed has not been released yet.",
            ));
        }
        let log = repo::spoiler_log(self.db(), org_id, seed_id)
            .await?
            .ok_or_else(|| Error::not_found("This seed has no spoiler log kept here."))?;
        serde_json::from_str(&log).map_err(Error::internal)
    }

    /// Releases the spoiler of seed `seed_id` to everyone who sees it (or hides it again).
    pub async fn release_spoiler(
        &self,
        org_id: i64,
        actor: &Actor,
        seed_id: i64,
        released: bool,
    ) -> Result<SeedRoll, Error> {
        if !self.seed_reader(org_id, actor).await? {
            return Err(Error::forbidden(
                "You may not release spoilers in this organization.",
            ));
        }
        let mut tx = self.db().begin().await?;
        if !repo::set_spoiler_released(&mut tx, org_id, seed_id, released).await? {
            return Err(Error::not_found(
                "There is no such seed in this organization.",
            ));
        }
        actor
            .audit(
                &mut tx,
                Some(org_id),
                if released {
                    "seed.spoiler_release"
                } else {
                    "seed.spoiler_hide"
                },
                serde_json::json!({"seed_id": seed_id}),
            )
            .await?;
        tx.commit().await?;
        self.seed(org_id, actor, seed_id).await
    }

    /// Presets must be on for the organization and the caller a member (or the system); the
    /// answer is whether they may see spoilers.
    async fn seed_reader(&self, org_id: i64, actor: &Actor) -> Result<bool, Error> {
        self.platform
            .plugins
            .ensure_enabled(org_id, PLUGIN_ID)
            .await?;
        match &actor.user {
            None => Ok(true),
            Some(user) => {
                if !self.org_allows(actor, org_id, actions::SEED_ROLL).await?
                    && !self.platform.authorizer.is_member(user.id, org_id).await?
                {
                    return Err(Error::forbidden(
                        "Only members of this organization see its seeds.",
                    ));
                }
                self.org_allows(actor, org_id, actions::SEED_SPOILER).await
            }
        }
    }
}

fn to_seed_roll(row: SeedRollRow, may_see_spoilers: bool) -> SeedRoll {
    let spoiler_visible = may_see_spoilers || row.spoiler_released;
    let settings = (!row.mystery || spoiler_visible)
        .then(|| serde_json::from_str(&row.settings).ok())
        .flatten();
    SeedRoll {
        id: row.id,
        randomizer: row.randomizer,
        preset: row.preset_label,
        rolled_by: row.rolled_by_name,
        source: row.source,
        mystery: row.mystery,
        url: row.url,
        hash: row.hash,
        permalink: row.permalink,
        file_select_code: row
            .file_select_code
            .and_then(|c| serde_json::from_str(&c).ok()),
        has_spoiler: row.spoiler_url.is_some() || row.has_spoiler_log,
        has_spoiler_log: row.has_spoiler_log,
        spoiler_released: row.spoiler_released,
        spoiler_url: row.spoiler_url.filter(|_| spoiler_visible),
        settings,
        can_release: may_see_spoilers,
        used_for: row.used_for.map(|kind| SeedUse {
            kind,
            id: row.used_for_id,
            label: row.used_for_label,
            path: row.used_for_path,
        }),
        created_at: row.created_at,
    }
}
