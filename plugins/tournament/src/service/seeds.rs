//! A match's "Roll seed": the seed is rolled through the presets plugin's seed service from the
//! randomizer and preset the tournament names (`preset` is `namespace/name`, or a global
//! preset's name), kept in the organization's seed history, and set as the match's seed with
//! the file-select code in its description. The presets plugin decides whether the caller may
//! roll (`seed:roll`) and the randomizer's plugin must be on; this service checks the match
//! and the tournament first.
//!
//! The two point at each other: the seed is kept as rolled for the match (a [`SeedUse`] of kind
//! `match` with the match's id, its name as the page shows it and the page's path), and the
//! match keeps the history entry's id (`seed_roll_id`), written with the seed in the one
//! transaction that sets it. A seed set by hand clears it.

use presets::model::SeedUse;
use sdk::{context::Platform, Actor, Error};

use super::Tournaments;
use crate::{model::Match, rules};

impl Tournaments {
    /// Rolls match `match_id`'s seed from its tournament's preset and sets it.
    pub async fn roll_seed(
        &self,
        platform: &Platform,
        org_id: i64,
        actor: &Actor,
        match_id: i64,
        now: i64,
    ) -> Result<Match, Error> {
        let game = self.get_match(org_id, match_id).await?;
        let tournament = self.tournament(org_id, actor, game.tournament_id).await?;
        let (Some(randomizer), Some(preset)) = (
            tournament.randomizer.filter(|r| !r.trim().is_empty()),
            tournament.preset.filter(|p| !p.trim().is_empty()),
        ) else {
            return Err(Error::invalid(
                "preset",
                format!(
                    "The tournament {} names no randomizer and preset to roll from: set both in its settings first.",
                    tournament.name
                ),
            ));
        };
        let (namespace, name) = match preset.trim().split_once('/') {
            Some((namespace, name)) => (Some(namespace.to_string()), name.to_string()),
            None => (None, preset.trim().to_string()),
        };
        let used_for = SeedUse {
            kind: "match".into(),
            id: Some(game.id),
            label: rules::seed_use_label(game.id, &game.name()),
            path: Some(game.path()),
        };
        let seed = presets::service::Presets::new(platform.clone())
            .roll_seed_for(
                org_id,
                actor,
                presets::service::RollRequest {
                    randomizer,
                    namespace,
                    preset: Some(name),
                    settings: None,
                    spoiler: false,
                    tournament: true,
                    source: "tournament".into(),
                },
                Some(used_for),
                now,
            )
            .await?;
        let mut description = format!("{} ({})", seed.randomizer, seed.preset);
        if let Some(code) = &seed.file_select_code {
            description += &format!(" · code: {}", code.join(" / "));
        }
        self.write_seed(
            org_id,
            actor,
            match_id,
            &seed.url,
            &description,
            Some(seed.id),
            now,
        )
        .await
    }
}
