//! Avianart: door-randomizer seeds of A Link to the Past, rolled on avianart.games. Avianart
//! keeps its own named presets (`crosshunt`, `kaesden/cabookey`, …); a SahaBot preset names one
//! of them and says whether the seed is a race seed, and avianart.games generates the seed in
//! the background while this plugin polls for it.
//!
//! How the pieces fit (a randomizer plugin is small; docs/plugins.md, "Writing a randomizer
//! plugin"):
//! - `plugin.toml` — the manifest: requires `presets`; the site-only settings (`base_url`, the
//!   time limit, an optional `api_key`, and the polling pace), which an organization cannot
//!   change.
//! - [`rules`] — pure: the settings schema (SahasrahBot's `avianart: true` preset files
//!   included), the request made from a preset, and the reading of the site's answers: its
//!   `{status, response}` envelope, whether a seed is still generating, and the file-select
//!   code renamed to ALTTPR's icon names.
//! - `service` (server) — [`service::Avianart`], the `sdk::randomizer::Randomizer` given to the
//!   host in `on_load`: create, poll until done or failed, read the seed; every call through
//!   `sdk::randomizer::upstream`.
//! - [`api`] — `/api/p/avianart/generate`: the presets plugin's seed service, for Avianart
//!   (rights, the seed history and spoilers are decided there).
//! - [`ui`] — the "Roll an Avianart seed" page (the presets plugin's roll form, for Avianart).
//! - `commands` (server) — `/avianart` on Discord, over the same seed service.
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
pub const PLUGIN_ID: &str = "avianart";

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
    /// Gives the host the Avianart randomizer; registers `/avianart`.
    async fn on_load(&self, ctx: &sdk::plugin::LoadContext) -> Result<(), sdk::Error> {
        ctx.randomizer(std::sync::Arc::new(service::Avianart))?;
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
    /// uses when none is set.
    #[test]
    fn the_manifest_defaults_are_the_codes() {
        let manifest = sdk::plugin::manifest::Manifest::parse(super::MANIFEST, "plugin.toml")
            .unwrap_or_else(|e| panic!("{e}"));
        let schema = manifest.config_schema_json().unwrap_or(Value::Null);
        let default = |key: &str| schema["properties"][key]["default"].clone();
        assert_eq!(default("poll_seconds"), super::service::POLL_SECONDS);
        assert_eq!(default("poll_attempts"), super::service::POLL_ATTEMPTS);
        assert_eq!(default("base_url"), super::service::DEFAULT_BASE_URL);
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
