//! [`Sm`]: the randomizer this plugin gives the host. `generate` checks the preset's settings
//! ([`crate::rules`]), then rolls with the preset's generator, each on its own site (its address
//! is its own site-only setting):
//! - `total` — sm.samus.link, through the `smz3` crate's samus.link client
//!   ([`smz3::service::roll`]): settings as text, a secret `spoilerKey` when a spoiler is asked
//!   for, the permalink from the answer's guid, the code from its hash;
//! - `varia` — VARIA's three form posts ([`varia`]);
//! - `dash` — DASH's redirecting GET ([`dash`]).
//!
//! Every seed's `metadata` says which generator rolled it.

mod dash;
mod varia;

use async_trait::async_trait;
use serde_json::{Map, Value};

use sdk::{
    randomizer::{upstream::Upstream, validate_settings, GenerateRequest, Randomizer, Seed},
    Error,
};
use smz3::samus;

use crate::rules::{self, Generator};

/// sm.samus.link, when the site's administrators set no other.
pub const DEFAULT_TOTAL_URL: &str = "https://sm.samus.link";
/// VARIA, when the site's administrators set no other: the address pyz3r defaults to and
/// SahasrahBot calls (docs/upstreams/randomizers.md §14: the public site may move).
pub const DEFAULT_VARIA_URL: &str = "https://randommetroidsolver.pythonanywhere.com";
/// DASH, when the site's administrators set no other.
pub const DEFAULT_DASH_URL: &str = "https://www.dashrando.net";

/// The Super Metroid randomizer.
#[derive(Debug, Default)]
pub struct Sm;

impl Sm {
    /// A preset's settings, checked whole — its wrapper, the schema, which generator the
    /// settings belong to, what that generator needs — with its generator. The error names the
    /// setting to fix.
    fn checked(document: &Value) -> Result<(Generator, Map<String, Value>), Error> {
        let settings = rules::settings(document)?;
        validate_settings(&rules::settings_schema(), &Value::Object(settings.clone()))?;
        let generator = rules::generator(&settings)?;
        rules::check_generator(generator, &settings)?;
        Ok((generator, settings))
    }
}

#[async_trait]
impl Randomizer for Sm {
    fn id(&self) -> &'static str {
        crate::PLUGIN_ID
    }

    fn name(&self) -> &'static str {
        "Super Metroid Randomizer"
    }

    fn settings_schema(&self) -> Value {
        rules::settings_schema()
    }

    fn check_settings(&self, settings: &Value, mystery: bool) -> Result<(), Error> {
        if mystery {
            return Err(Error::invalid(
                "yaml",
                format!("{} does not take mystery weightsets (DASH's mystery presets are `generator: dash` with `preset: mystery`).", self.name()),
            ));
        }
        Self::checked(settings).map(|_| ())
    }

    async fn generate(&self, request: GenerateRequest) -> Result<Seed, Error> {
        let (generator, settings) = Self::checked(&request.settings)?;
        let race = samus::is_race(&settings, request.options.tournament);
        let spoiler = request.options.spoiler;
        match generator {
            Generator::Total => {
                let site = Upstream::from_config(
                    generator.site(),
                    &request.config,
                    "total_url",
                    DEFAULT_TOTAL_URL,
                )?;
                let key = spoiler.then(smz3::service::new_spoiler_key);
                let body = rules::total_body(&settings, race, key.as_deref());
                let mut seed = smz3::service::roll(&site, "sm", body, key).await?;
                mark(&mut seed.settings, generator);
                mark(&mut seed.metadata, generator);
                Ok(seed)
            }
            Generator::Varia => {
                if spoiler {
                    return Err(Error::invalid(
                        "spoiler",
                        "VARIA gives no spoiler link to keep: roll this preset without a spoiler.",
                    ));
                }
                let site = Upstream::from_config(
                    generator.site(),
                    &request.config,
                    "varia_url",
                    DEFAULT_VARIA_URL,
                )?;
                varia::generate(&site, &settings, race).await
            }
            Generator::Dash => {
                let site = Upstream::from_config(
                    generator.site(),
                    &request.config,
                    "dash_url",
                    DEFAULT_DASH_URL,
                )?;
                dash::generate(&site, &settings, race, spoiler).await
            }
        }
    }
}

/// Adds `generator` to a seed's settings or metadata (an object).
fn mark(value: &mut Value, generator: Generator) {
    if let Value::Object(map) = value {
        map.insert("generator".into(), Value::from(generator.name()));
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn saved_presets_are_checked_whole() {
        let err = Sm
            .check_settings(
                &json!({"generator": "dash", "placement": "full", "preset": "x"}),
                false,
            )
            .unwrap_err();
        assert!(
            matches!(&err, Error::Invalid { field, .. } if field == "settings.placement"),
            "{err:?}"
        );
        let err = Sm.check_settings(&json!({}), true).unwrap_err();
        assert!(err.to_string().contains("mystery"), "{err}");
        assert!(Sm
            .check_settings(
                &json!({"randomizer": "sm", "settings": {"logic": "Casual"}}),
                false
            )
            .is_ok());
    }
}
