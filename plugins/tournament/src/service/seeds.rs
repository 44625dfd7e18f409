//! A match's "Roll seed": the seed is rolled through the presets plugin's seed service from the
//! randomizer and preset the tournament names (`preset` is `namespace/name`, or a global
//! preset's name), kept in the organization's seed history, and set as the match's seed with
//! the file-select code in its description. The presets plugin decides whether the caller may
//! roll (`seed:roll`) and the randomizer's plugin must be on; this service checks the match
//! and the tournament first.

use sdk::{context::Platform, Actor, Error};

use super::Tournaments;
use crate::model::Match;

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
        let seed = presets::service::Presets::new(platform.clone())
            .roll_seed(
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
                now,
            )
            .await?;
        let mut description = format!("{} ({})", seed.randomizer, seed.preset);
        if let Some(code) = &seed.file_select_code {
            description += &format!(" · code: {}", code.join(" / "));
        }
        self.set_seed(org_id, actor, match_id, &seed.url, &description, now)
            .await
    }
}
