//! AOSR: Aria of Sorrow Randomizer seeds from presets. aosrando.surge.sh has no API: the page
//! makes the ROM in the player's browser from its link, `…/?seed={seed}&{flag}={value}…`. So
//! "rolling" is choosing a seed and building that link from the preset's flags; the site is
//! never called.
//!
//! How the pieces fit (a randomizer plugin is small; docs/plugins.md, "Writing a randomizer
//! plugin"):
//! - `plugin.toml` — the manifest: requires `presets`; the generator's `base_url` setting (site
//!   administrators only: an organization cannot point the links elsewhere).
//! - [`rules`] — pure: the settings schema, the flags checked (names, values, how many), the
//!   seed chosen from the roll's random number, the link built with the values encoded.
//! - `service` (server) — [`service::Aosr`], the `sdk::randomizer::Randomizer` given to the host
//!   in `on_load`: it builds the link under the configured address.
//! - [`api`] — `/api/p/aosr/generate`: the presets plugin's seed service, for AOSR (rights, the
//!   seed history and the audit entry are decided there).
//! - [`ui`] — the "Roll an AOSR seed" page (the presets plugin's roll form, for AOSR).
//! - `commands` (server) — `/aosr` on Discord, over the same seed service.
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
pub const PLUGIN_ID: &str = "aosr";

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
    /// Gives the host the AOSR randomizer; registers `/aosr`.
    async fn on_load(&self, ctx: &sdk::plugin::LoadContext) -> Result<(), sdk::Error> {
        ctx.randomizer(std::sync::Arc::new(service::Aosr))?;
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
