//! ALTTPR: seeds of A Link to the Past Randomizer, rolled on alttpr.com from presets —
//! fixed settings (plain, or SahasrahBot's preset file, customizer included) and mystery
//! weightsets, which are rolled into concrete settings here first.
//!
//! How the pieces fit (a randomizer plugin is small; docs/plugins.md, "Writing a randomizer
//! plugin"):
//! - `plugin.toml` — the manifest: requires `presets`; the site's `base_url` setting (site
//!   administrators only: an organization cannot point the server elsewhere).
//! - [`rules`] — pure: the settings schema, the request body made from a preset, the
//!   file-select code read from the seed's patch.
//! - [`mystery`] — pure: SahasrahBot's mystery weightsets rolled, reproducibly from a seed.
//! - `service` (server) — [`service::Alttpr`], the `sdk::randomizer::Randomizer` given to the
//!   host in `on_load`: it calls alttpr.com through `sdk::randomizer::upstream`.
//! - [`api`] — `/api/p/alttpr/generate`: the presets plugin's seed service, for ALTTPR (rights,
//!   the seed history and spoilers are decided there).
//! - [`ui`] — the "Roll an ALTTPR seed" page (the presets plugin's roll form, for ALTTPR).
//! - `commands` (server) — `/alttpr` on Discord, over the same seed service.
//!
//! No tables of its own: rolled seeds are kept in the presets plugin's seed history.
// Page views are deep types; the full-type (release) wasm build, which hydrates them
// asynchronously, needs more than rustc's default limit of 128.
#![recursion_limit = "256"]

pub mod api;
#[cfg(feature = "ssr")]
pub mod commands;
#[cfg(feature = "ssr")]
pub mod mystery;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod service;
pub mod ui;

/// This plugin's id, as in `plugin.toml`; also the randomizer's id.
pub const PLUGIN_ID: &str = "alttpr";

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
    /// Gives the host the ALTTPR randomizer; registers `/alttpr`.
    async fn on_load(&self, ctx: &sdk::plugin::LoadContext) -> Result<(), sdk::Error> {
        ctx.randomizer(std::sync::Arc::new(service::Alttpr))?;
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
