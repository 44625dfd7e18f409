//! SMZ3: seeds of the Super Metroid + A Link to the Past Combo Randomizer, rolled on
//! samus.link from presets (plain settings, or SahasrahBot's preset files).
//!
//! How the pieces fit (a randomizer plugin is small; docs/plugins.md, "Writing a randomizer
//! plugin"):
//! - `plugin.toml` — the manifest: requires `presets`; the site's `base_url` setting (site
//!   administrators only: an organization cannot point the server elsewhere).
//! - [`samus`] — pure: what every randomizer on the samus.link app shares (SMZ3 here, the
//!   Super Metroid "total" randomizer on sm.samus.link, which the `sm` plugin rolls through this
//!   crate): SahasrahBot's preset wrapper, settings as the text samus.link takes, the request
//!   body, the permalink's slug and the file-select code read from the answer.
//! - [`rules`] — pure: SMZ3's settings schema and request body.
//! - `service` (server) — [`service::Smz3`], the `sdk::randomizer::Randomizer` given to the
//!   host in `on_load`, and [`service::roll`], the one call to samus.link (shared with `sm`).
//! - [`api`] — `/api/p/smz3/generate`: the presets plugin's seed service, for SMZ3 (rights, the
//!   seed history and spoilers are decided there).
//! - [`ui`] — the "Roll an SMZ3 seed" page (the presets plugin's roll form, for SMZ3).
//! - `commands` (server) — `/smz3` on Discord, over the same seed service.
//!
//! No tables of its own: rolled seeds are kept in the presets plugin's seed history.
// Page views are deep types; the full-type (release) wasm build, which hydrates them
// asynchronously, needs more than rustc's default limit of 128.
#![recursion_limit = "256"]

pub mod api;
#[cfg(feature = "ssr")]
pub mod commands;
pub mod rules;
pub mod samus;
#[cfg(feature = "ssr")]
pub mod service;
pub mod ui;

/// This plugin's id, as in `plugin.toml`; also the randomizer's id.
pub const PLUGIN_ID: &str = "smz3";

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
    /// Gives the host the SMZ3 randomizer; registers `/smz3`.
    async fn on_load(&self, ctx: &sdk::plugin::LoadContext) -> Result<(), sdk::Error> {
        ctx.randomizer(std::sync::Arc::new(service::Smz3))?;
        commands::register(ctx)
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    #[test]
    fn manifest_is_valid() {
        let manifest = sdk::plugin::manifest::Manifest::parse(super::MANIFEST, "plugin.toml")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(manifest.id, super::PLUGIN_ID);
    }
}
