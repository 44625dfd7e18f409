//! [`Aosr`]: the randomizer this plugin gives the host. aosrando.surge.sh has no API —
//! its page makes the ROM in the player's browser from the link — so `generate` calls nothing:
//! it checks the preset's flags, chooses the seed from the roll's random number (the same
//! number gives the same link) and builds the generator link under the configured address
//! ([`crate::rules::seed`]).

use async_trait::async_trait;
use serde_json::Value;

use sdk::{
    randomizer::{upstream::Upstream, GenerateRequest, Randomizer, Seed},
    Error,
};

use crate::rules;

/// The site, when the site's administrators set no other.
pub const DEFAULT_BASE_URL: &str = "https://aosrando.surge.sh";
/// The site's name, in messages.
pub const SERVICE: &str = "aosrando.surge.sh";

/// The Aria of Sorrow Randomizer.
#[derive(Debug, Default)]
pub struct Aosr;

impl Aosr {
    /// The configured generator's address, checked as every randomizer site's is (an absolute
    /// http(s) address without query). `Upstream` only reads and checks it here: nothing is
    /// sent.
    fn base(config: &Value) -> Result<String, Error> {
        let site = Upstream::from_config(SERVICE, config, "base_url", DEFAULT_BASE_URL)?;
        Ok(site.url("")?.to_string())
    }

    fn no_mystery(&self) -> Error {
        Error::invalid(
            "yaml",
            format!(
                "{} does not take mystery weightsets: an AOSR preset is one set of flags (`flags: …`).",
                self.name()
            ),
        )
    }
}

#[async_trait]
impl Randomizer for Aosr {
    fn id(&self) -> &'static str {
        crate::PLUGIN_ID
    }

    fn name(&self) -> &'static str {
        "Aria of Sorrow Randomizer"
    }

    fn settings_schema(&self) -> Value {
        rules::settings_schema()
    }

    /// The flags are checked first, so a wrong character or a flag given twice is named as
    /// such (the schema alone could not say it); the schema then checks the rest.
    fn check_settings(&self, settings: &Value, mystery: bool) -> Result<(), Error> {
        if mystery {
            return Err(self.no_mystery());
        }
        rules::flags_of(settings)?;
        sdk::randomizer::validate_settings(&self.settings_schema(), rules::settings_of(settings))
    }

    async fn generate(&self, request: GenerateRequest) -> Result<Seed, Error> {
        // Presets kept before this plugin existed were never checked: check again.
        if request.mystery {
            return Err(self.no_mystery());
        }
        if request.options.spoiler {
            return Err(Error::invalid(
                "spoiler",
                "AOSR seeds have no spoiler log to keep here: aosrando.surge.sh makes the ROM in the player's browser. Roll without a spoiler.",
            ));
        }
        let flags = rules::flags_of(&request.settings)?;
        let base = Self::base(&request.config)?;
        Ok(rules::seed(&base, request.rng_seed, &flags))
    }
}
