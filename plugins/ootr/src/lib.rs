//! OoTR: Ocarina of Time Randomizer seeds, rolled on ootrandomizer.com through its API. A
//! preset holds the settings map the site's generator takes (what SahasrahBot sent), and
//! optionally the randomizer version and whether the seed is encrypted (a race seed, as
//! SahasrahBot rolled them). The site generates the seed in the background: this plugin creates
//! it, polls its status, then reads its hash icons from its details.
//!
//! How the pieces fit (a randomizer plugin is small; docs/plugins.md, "Writing a randomizer
//! plugin"):
//! - `plugin.toml` — the manifest: requires `presets`; the site-only settings (`base_url`, the
//!   time limit, the `api_key` every call needs, and the polling pace), which an organization
//!   cannot change.
//! - [`rules`] — pure: the settings schema, the create request made from a preset and the
//!   roll's options (encrypted, locked, the version), the reading of the site's answers (status
//!   codes, the hash icons out of the settings log) and what its refusals mean.
//! - `service` (server) — [`service::Ootr`], the `sdk::randomizer::Randomizer` given to the
//!   host in `on_load`: create → poll status → details, every call through
//!   `sdk::randomizer::upstream` and paced under the site's rate limit.
//! - [`api`] — `/api/p/ootr/generate`: the presets plugin's seed service, for OoTR (rights,
//!   the seed history and spoilers are decided there).
//! - [`ui`] — the "Roll an OoTR seed" page (the presets plugin's roll form, for OoTR).
//! - `commands` (server) — `/ootr` on Discord, over the same seed service.
//!
//! No tables of its own: rolled seeds are kept in the presets plugin's seed history.
// Page views are deep types; the full-type (release) wasm build, which hydrates them
// asynchronously, needs more than rustc's default limit of 128.
#![recursion_limit = "256"]

pub mod api;
#[cfg(feature = "ssr")]
pub mod commands;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod service;
pub mod ui;

/// This plugin's id, as in `plugin.toml`; also the randomizer's id.
pub const PLUGIN_ID: &str = "ootr";

/// The manifest, embedded so tests can check it.
pub const MANIFEST: &str = include_str!("../plugin.toml");

/// The plugin object the registry loads (the app's generated list calls this).
#[cfg(feature = "ssr")]
pub fn plugin() -> std::sync::Arc<dyn sdk::plugin::Plugin> {
    std::sync::Arc::new(ThePlugin)
}

#[cfg(feature = "ssr")]
struct ThePlugin;

#[cfg(feature = "ssr")]
#[async_trait::async_trait]
impl sdk::plugin::Plugin for ThePlugin {
    /// Gives the host the OoTR randomizer; registers `/ootr`.
    async fn on_load(&self, ctx: &sdk::plugin::LoadContext) -> Result<(), sdk::Error> {
        ctx.randomizer(std::sync::Arc::new(service::Ootr))?;
        commands::register(ctx)
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use serde_json::Value;

    #[test]
    fn manifest_is_valid() {
        let manifest = sdk::plugin::manifest::Manifest::parse(super::MANIFEST, "plugin.toml")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(manifest.id, super::PLUGIN_ID);
    }

    /// The polling pace the site's administrators see in the settings form is the one the code
    /// uses when none is set; every setting is the site's.
    #[test]
    fn the_manifest_defaults_are_the_codes() {
        let manifest = sdk::plugin::manifest::Manifest::parse(super::MANIFEST, "plugin.toml")
            .unwrap_or_else(|e| panic!("{e}"));
        let schema = manifest.config_schema_json().unwrap_or(Value::Null);
        let default = |key: &str| schema["properties"][key]["default"].clone();
        assert_eq!(default("poll_seconds"), super::service::POLL_SECONDS);
        assert_eq!(default("poll_attempts"), super::service::POLL_ATTEMPTS);
        assert_eq!(default("base_url"), super::service::DEFAULT_BASE_URL);
        assert_eq!(
            default("api_key"),
            Value::Null,
            "no key unless the site sets one"
        );
        for key in [
            "base_url",
            "timeout_seconds",
            "api_key",
            "poll_seconds",
            "poll_attempts",
        ] {
            assert_eq!(
                schema["properties"][key]["readOnly"], true,
                "{key} is the site's"
            );
        }
    }
}
