//! [`Smz3`]: the randomizer this plugin gives the host, and [`roll`], the one call to the
//! samus.link app — shared with the `sm` plugin, whose `total` generator rolls Super Metroid on
//! sm.samus.link the same way.
//!
//! `generate` reads a preset's settings as the text samus.link takes ([`crate::rules`]), adds
//! `seed`, `race` and, when a spoiler is asked for, a fresh secret `spoilerKey`, posts them, and
//! reads the seed: the permalink is built from the answer's `guid` (the answer has no link),
//! the file-select code is the answer's `hash`, and the spoiler link carries the key — the site
//! keeps the spoiler, and serves a race seed's only to whoever holds it.
//!
//! samus.link answers an empty 400 when it cannot tell what to roll and an empty 500 for any
//! failure (a logic failure included); `Upstream` tries a 500 again and reports both.

use async_trait::async_trait;
use rand::Rng;
use serde_json::{json, Map, Value};

use sdk::{
    randomizer::{upstream::Upstream, validate_settings, GenerateRequest, Randomizer, Seed},
    Error,
};

use crate::{rules, samus};

/// The site, when the site's administrators set no other.
pub const DEFAULT_BASE_URL: &str = "https://samus.link";
/// The length of a spoiler key (SahasrahBot's).
pub const SPOILER_KEY_LENGTH: usize = 20;

/// The SMZ3 randomizer.
#[derive(Debug, Default)]
pub struct Smz3;

impl Smz3 {
    /// A preset's settings, checked whole: its wrapper, the schema, what the site would fail
    /// on. The error names the setting to fix.
    fn checked(document: &Value) -> Result<Map<String, Value>, Error> {
        let settings = rules::settings(document)?;
        validate_settings(&rules::settings_schema(), &Value::Object(settings.clone()))?;
        samus::check_game_settings(&settings)?;
        Ok(settings)
    }
}

#[async_trait]
impl Randomizer for Smz3 {
    fn id(&self) -> &'static str {
        crate::PLUGIN_ID
    }

    fn name(&self) -> &'static str {
        "SMZ3 (Super Metroid + A Link to the Past)"
    }

    fn settings_schema(&self) -> Value {
        rules::settings_schema()
    }

    fn check_settings(&self, settings: &Value, mystery: bool) -> Result<(), Error> {
        if mystery {
            return Err(Error::invalid(
                "yaml",
                format!("{} does not take mystery weightsets.", self.name()),
            ));
        }
        Self::checked(settings).map(|_| ())
    }

    async fn generate(&self, request: GenerateRequest) -> Result<Seed, Error> {
        let site =
            Upstream::from_config("samus.link", &request.config, "base_url", DEFAULT_BASE_URL)?;
        let settings = Self::checked(&request.settings)?;
        let race = samus::is_race(&settings, request.options.tournament);
        let key = request.options.spoiler.then(new_spoiler_key);
        let body = samus::request_body(&settings, race, key.as_deref());
        roll(&site, "smz3", body, key).await
    }
}

/// A fresh spoiler key: 20 letters and digits from the thread's CSPRNG (a secret: whoever holds
/// it reads a race seed's spoiler).
pub fn new_spoiler_key() -> String {
    rand::thread_rng()
        .sample_iter(&rand::distributions::Alphanumeric)
        .take(SPOILER_KEY_LENGTH)
        .map(char::from)
        .collect()
}

/// Posts `body` to samus.link's randomizer `game` (`smz3`, `sm`) at `site` and reads the seed.
/// `spoiler_key` is the `spoilerKey` in `body`, if any: the spoiler link carries it.
pub async fn roll(
    site: &Upstream,
    game: &str,
    body: Map<String, Value>,
    spoiler_key: Option<String>,
) -> Result<Seed, Error> {
    let response = site
        .send(
            "the seed",
            &format!("api/randomizers/{game}/generate"),
            |client, url| {
                client
                    .post(url)
                    .header("accept", "application/json")
                    .json(&body)
            },
        )
        .await?;
    let answer: samus::Answer = site.json(response).await?;
    let slug = samus::slug(&answer.guid).ok_or_else(|| {
        Error::upstream(
            site.service(),
            format!(
                "{} answered with a seed id we cannot read ({:?}).",
                site.service(),
                answer.guid
            ),
        )
    })?;
    let url = site
        .url(&samus::seed_path(answer.mode.as_deref(), &slug))?
        .to_string();
    let spoiler_url = match &spoiler_key {
        Some(key) => Some(
            site.url(&samus::spoiler_path(&answer.guid, key))?
                .to_string(),
        ),
        None => None,
    };
    // The key is kept in the spoiler link only (shown to those allowed to see spoilers): the
    // settings are shown to everyone who sees the seed.
    let mut settings = body;
    settings.remove("spoilerKey");
    Ok(Seed {
        url,
        hash: Some(slug),
        permalink: None,
        spoiler_url,
        spoiler_log: None,
        file_select_code: answer.hash.as_deref().and_then(samus::file_select_code),
        settings: Value::Object(settings),
        metadata: json!({
            "guid": answer.guid,
            "game": answer.game_name,
            "game_id": answer.game_id,
            "version": answer.game_version,
            "mode": answer.mode,
            "players": answer.players,
            // Empty for a race seed: the site hides it.
            "seed_number": answer.seed_number.filter(|n| !n.is_empty()),
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spoiler_keys_are_fresh_letters_and_digits() {
        let (a, b) = (new_spoiler_key(), new_spoiler_key());
        assert_eq!(a.len(), SPOILER_KEY_LENGTH);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric()), "{a}");
        assert_ne!(a, b);
    }

    #[test]
    fn saved_presets_are_checked_whole() {
        let err = Smz3
            .check_settings(&json!({"seed": "9999999999"}), false)
            .unwrap_err();
        assert!(
            matches!(&err, Error::Invalid { field, .. } if field == "settings.seed"),
            "{err:?}"
        );
        let err = Smz3.check_settings(&json!({}), true).unwrap_err();
        assert!(err.to_string().contains("mystery"), "{err}");
        assert!(Smz3
            .check_settings(&json!({"smlogic": "Hard", "race": true}), false)
            .is_ok());
    }
}
