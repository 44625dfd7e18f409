//! [`Smb3r`]: the randomizer this plugin gives the host. SMB3R is a Windows program, so
//! `generate` calls nothing: it checks the preset's flag string, chooses the seed number from
//! the roll's random number (the same number gives the same seed) and gives players the number,
//! the flags and the program's home page — the rules every desktop randomizer shares
//! (`sdk::randomizer::desktop`), with this program's (`crate::rules`).

use async_trait::async_trait;
use serde_json::Value;

use sdk::{
    randomizer::{upstream::Upstream, GenerateRequest, Randomizer, Seed},
    Error,
};

use crate::rules::SMB3R;

/// The program's home page, when the site's administrators set no other.
pub const DEFAULT_BASE_URL: &str = "https://sites.google.com/site/smb3randomizer";
/// The page's name, in messages.
pub const SERVICE: &str = "SMB3R's home page";

/// The Super Mario Bros. 3 Randomizer.
#[derive(Debug, Default)]
pub struct Smb3r;

impl Smb3r {
    /// The configured home page, checked as every randomizer site's address is (an absolute
    /// http(s) address without query). `Upstream` only reads and checks it here: nothing is
    /// sent.
    fn home(config: &Value) -> Result<String, Error> {
        let site = Upstream::from_config(SERVICE, config, "base_url", DEFAULT_BASE_URL)?;
        Ok(site.url("")?.to_string())
    }

    fn no_mystery(&self) -> Error {
        Error::invalid(
            "yaml",
            format!(
                "{} does not take mystery weightsets: an SMB3R preset is one flag string (`flags: …`).",
                self.name()
            ),
        )
    }
}

#[async_trait]
impl Randomizer for Smb3r {
    fn id(&self) -> &'static str {
        crate::PLUGIN_ID
    }

    fn name(&self) -> &'static str {
        "Super Mario Bros. 3 Randomizer"
    }

    fn settings_schema(&self) -> Value {
        SMB3R.settings_schema()
    }

    /// The flag string is checked first, so a wrong character is named as such (the schema
    /// alone could only say the text does not match); the schema then checks the rest.
    fn check_settings(&self, settings: &Value, mystery: bool) -> Result<(), Error> {
        if mystery {
            return Err(self.no_mystery());
        }
        SMB3R.flags_of(settings)?;
        sdk::randomizer::validate_settings(
            &self.settings_schema(),
            sdk::randomizer::settings_of(settings),
        )
    }

    async fn generate(&self, request: GenerateRequest) -> Result<Seed, Error> {
        // Presets kept before this plugin existed were never checked: check again.
        if request.mystery {
            return Err(self.no_mystery());
        }
        if request.options.spoiler {
            return Err(Error::invalid(
                "spoiler",
                "SMB3R seeds have no spoiler log to keep here: the randomizer program makes the ROM on the player's computer. Roll without a spoiler.",
            ));
        }
        let flags = SMB3R.flags_of(&request.settings)?;
        let home = Self::home(&request.config)?;
        Ok(SMB3R.seed(&home, request.rng_seed, flags))
    }
}
